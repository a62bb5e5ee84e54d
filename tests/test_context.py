"""`vault context`: the note, then the notes around it nearest first, each saying why it is
there, within a budget of characters."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from vault.catalog import load_catalog
from vault.context import note_context
from vault.model import Hit
from vault.vault import open_vault

DEEP = "memory/research/2026-02-14-exosomes-deep-dive.md"
HUB = "memory/research/2026-02-14-skin-tech-trends.md"
POST = "memory/posts/2026-01-11-exosomes-in-k-beauty.md"
ARTICLE = "memory/articles/the-rising-trend-of-exosomes-in-skincare.md"


def context(run, root, *args) -> dict:
    res = run(root, "context", *args, "--json")
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


def whys(out: dict) -> list[tuple[str, str]]:
    return [(i["why"], i["id"]) for i in out["items"]]


def test_shape_and_the_note_itself(run, vault_copy):
    out = context(run, vault_copy, "exosomes-deep-dive")
    assert list(out) == ["note", "items", "omitted", "max_chars"]
    assert list(out["note"]) == ["id", "title", "date", "type", "body", "sha256", "truncated"]
    note = out["note"]
    assert note["id"] == DEEP and note["type"] == "Technical Supplement"
    assert note["sha256"] == hashlib.sha256((vault_copy / DEEP).read_bytes()).hexdigest()
    assert note["truncated"] is False and note["body"].startswith("## 1. Mechanism of Action")
    assert out["max_chars"] == 12_000 and out["omitted"] == {}
    for item in out["items"]:
        assert list(item) == ["why", "id", "title", "date", "type", "distance", "snippet"]


def test_a_supplement_sees_its_parent_first_then_related_notes(run, vault_copy):
    out = context(run, vault_copy, DEEP)
    first = out["items"][0]
    assert (first["why"], first["id"], first["distance"], first["snippet"]) == (
        "parent",
        HUB,
        1,
        None,
    )
    related = [i for i in out["items"] if i["why"] == "related"]
    assert {i["id"] for i in related} == {POST, ARTICLE}
    assert all(i["distance"] is None and i["snippet"] for i in related)
    ids = [i["id"] for i in out["items"]]
    assert len(ids) == len(set(ids)) and DEEP not in ids


def test_a_hub_sees_children_and_links_each_once(run, vault_copy):
    out = context(run, vault_copy, HUB)
    assert whys(out)[:3] == [("child", DEEP), ("link", POST), ("link", ARTICLE)]
    child = out["items"][0]
    # Plain text (vault.markdown.text): the heading without its #s.
    assert child["snippet"].startswith("1. Mechanism of Action Exosomes are")
    assert len(child["snippet"]) <= 161


def test_a_backlink_shows_the_line_that_links(run, vault_copy):
    out = context(run, vault_copy, POST)
    back = next(i for i in out["items"] if i["why"] == "backlink")
    assert back["id"] == HUB and back["distance"] == 1
    # The line as plain text: the list item's text, the link as its label.
    assert back["snippet"] == "Consumer view: Exosomes in K-Beauty"


def write(root: Path, name: str, parent: str | None = None, body: str = "", date="2026-01-01"):
    lines = [f"# {name}", "", f"Date: {date}"] + ([f"Parent: {parent}.md"] if parent else [])
    path = root / "memory" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n\n" + (body or f"About {name}.") + "\n", encoding="utf-8")


@pytest.fixture
def family(tmp_path) -> Path:
    """root <- mid <- note <- (kid1 <- grandkid, kid2); mid <- sib; note links to other,
    fan links to note."""
    root = tmp_path / "v"
    write(root, "root")
    write(root, "mid", "root")
    write(root, "note", "mid", "See [[other]] and [[kid1]].")
    write(root, "kid1", "note", date="2026-02-01")
    write(root, "kid2", "note", date="2026-01-15")
    write(root, "grandkid", "kid1")
    write(root, "sib", "mid")
    write(root, "other")
    write(root, "fan", None, "A fan of [the note](note.md).")
    return root


def test_nearest_first_with_why_and_distance(run, family):
    out = context(run, family, "note", "--depth", "2")
    got = [(i["why"], i["id"].split("/")[-1][:-3], i["distance"]) for i in out["items"]]
    assert got[:8] == [
        ("parent", "mid", 1),
        ("child", "kid2", 1),  # children oldest first
        ("child", "kid1", 1),  # also linked to: listed once, as a child
        ("link", "other", 1),
        ("backlink", "fan", 1),
        ("parent", "root", 2),
        ("sibling", "sib", 2),
        ("child", "grandkid", 2),
    ]


def test_depth_zero_leaves_out_children(run, family):
    out = context(run, family, "note", "--depth", "0")
    assert "child" not in {i["why"] for i in out["items"]}
    assert "grandkid" not in json.dumps(context(run, family, "note"))


def test_budget_keeps_the_nearest_and_counts_the_rest(run, family):
    full = context(run, family, "note", "--depth", "2")
    small = context(run, family, "note", "--depth", "2", "--max-chars", "900")
    kept = len(small["items"])
    assert 0 < kept < len(full["items"])
    assert small["items"] == full["items"][:kept]
    assert sum(small["omitted"].values()) >= len(full["items"]) - kept - 2  # related unknown
    compact = [small["note"]] + small["items"]
    assert sum(len(json.dumps(x, ensure_ascii=False)) + 1 for x in compact) <= 900


def test_a_long_body_is_cut_and_leaves_room_for_neighbours(run, family):
    write(family, "note", "mid", "word " * 20_000)
    out = context(run, family, "note", "--max-chars", "3000")
    assert out["note"]["truncated"] is True
    assert len(out["note"]["body"]) < 2000
    assert out["items"] and out["items"][0]["why"] == "parent"


def test_related_is_asked_only_when_there_is_room(family):
    vault = open_vault(family)
    catalog = load_catalog(vault)
    note = catalog.resolver.find("note")
    asked = []

    def related(note_id: str, limit: int) -> list[Hit]:
        asked.append((note_id, limit))
        rec = catalog.records[vault.notes_prefix + "other.md"]
        alike = Hit("memory/root.md", "root", None, None, None, 1.0, "root text")
        return [Hit(rec.id, rec.title, rec.date, rec.type, None, 2.0, "x"), alike]

    out = note_context(catalog, note, max_chars=300, related=related)
    assert asked == [] and out.omitted
    out = note_context(catalog, note, related=related)
    assert asked == [(note, 5)]
    # "other" is already there as a link; "root" is the grandparent: neither comes twice.
    assert [i.why for i in out.items].count("related") == 0


def test_a_parent_cycle_ends_the_chain(run, tmp_path):
    root = tmp_path / "v"
    write(root, "a", "b")
    write(root, "b", "a")
    out = context(run, root, "a")
    assert whys(out) == [("parent", "memory/b.md")]


def test_human_form_and_errors(run, vault_copy):
    res = run(vault_copy, "context", "skin-tech-trends")
    assert res.exit_code == 0, res.stderr
    assert res.stdout.startswith("Skin-Tech Trends 2026: Research Hub\n\nid: " + HUB)
    assert "\nchild  2026-02-14  Technical Supplement  Deep Dive: Exosomes" in res.stdout
    res = run(vault_copy, "context", "skin-tech-trends", "--max-chars", "1500")
    assert "not shown, for want of room:" in res.stderr
    res = run(vault_copy, "context", "nope")
    assert res.exit_code == 1 and res.stderr.startswith("Error: no note matches 'nope'")
