"""Two real public vaults no one here wrote: every note is read, links resolve as intended."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import CORPORA

from vault.catalog import load_catalog
from vault.vault import open_vault


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpora")
    shutil.copytree(CORPORA / "dendron-site", root / "dendron")
    shutil.copytree(CORPORA / "foam" / "docs", root / "foam")
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root


def link_stats(root):
    catalog = load_catalog(open_vault(root))
    resolved = total = 0
    for rec in catalog.records.values():
        for link in rec.links:
            if catalog.resolver.is_attachment(link):
                continue  # a file, not a note
            total += 1
            resolved += catalog.resolver.resolve_link(link, rec.id).id is not None
    return catalog, resolved, total


@pytest.mark.parametrize("name", ["dendron", "foam"])
def test_every_note_is_listed(run, corpora, name):
    res = run(corpora / name, "list", "--json")
    assert res.exit_code == 0, res.stderr
    listed = {n["id"] for n in json.loads(res.stdout)}
    on_disk = {p.relative_to(corpora / name).as_posix() for p in (corpora / name).rglob("*.md")}
    assert listed == on_disk


def test_dendron_front_matter_and_label_first_wikilinks(run, corpora):
    out = json.loads(run(corpora / "dendron", "show", "dendron.topic.links", "--json").stdout)
    assert out["title"] == "Links"
    assert out["date"] == "2020-07-17"  # created: 1595003088839 (epoch milliseconds)
    assert out["meta"]["desc"].startswith("Create links to various locations")
    catalog, resolved, total = link_stats(corpora / "dendron")
    rec = catalog.records["dendron.topic.links.md"]
    targets = {
        catalog.resolver.resolve_link(link, rec.id).id
        for link in rec.links
        if link.target == "backlinks"  # written [[backlinks|dendron://site/dendron.topic...]]
    }
    assert targets == {"dendron.topic.links.backlink.md"}
    assert resolved / total > 0.9


def test_foam_wikilinks_resolve(corpora):
    _, resolved, total = link_stats(corpora / "foam")
    assert total > 300
    assert resolved / total >= 0.975


def test_titles_shared_by_many_notes_are_reported_as_ambiguous(run, corpora):
    res = run(corpora / "dendron", "show", "Commands")
    assert res.exit_code == 1
    assert "'Commands' matches 13 notes" in res.stderr


# Moves on the real vaults, notes and folders, and back: every other byte stays as it was.
ROUND_TRIPS = [
    ("foam", "user/features", "user/functions"),
    ("foam", "user/features/tags.md", "user/features/tagging/tags.md"),
    ("dendron", "dendron.topic.links.md", "dendron.topic.linking.md"),
]


@pytest.mark.parametrize(("name", "source", "target"), ROUND_TRIPS)
def test_move_and_move_back_is_byte_identical(run, corpora, tmp_path, name, source, target):
    from conftest import init_repo, snapshot

    root = tmp_path / name
    shutil.copytree(corpora / name, root)
    init_repo(root)
    before = snapshot(root)
    graph = json.loads(run(root, "graph").stdout)
    res = run(root, "mv", source, target, "--json")
    assert res.exit_code == 0, res.stderr
    moves = {m["from"]: m["to"] for m in json.loads(res.stdout)["moved"]}
    assert json.loads(res.stdout)["rewritten"], "the move rewrote no reference: a weak test"
    after = json.loads(run(root, "graph").stdout)
    pairs = {(e["source"], e["target"], e["kind"]) for e in graph["edges"]}
    assert {(e["source"], e["target"], e["kind"]) for e in after["edges"]} == {
        (moves.get(s, s), moves.get(t, t), k) for s, t, k in pairs
    }
    assert run(root, "mv", target, source).exit_code == 0
    assert snapshot(root) == before
