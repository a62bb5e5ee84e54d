"""A resident catalog brought up to date after an edit takes over what the catalog before it
built (vault.catalog.facade.Before): the digests, the fingerprint, the resolver's name tables,
the resolved Parents and every note's references, updated for the notes read again. After
random edits, title and Parent changes, links written, renames, deletes and new notes (real
files, real inotify), each is exactly what a catalog built afresh from a walk holds."""

from __future__ import annotations

import dataclasses
import os
import random

import pytest

from vault.catalog import load_catalog
from vault.catalog.derived import BLOCK, Fingerprint
from vault.references import references
from vault.serve.resident import Resident

pytestmark = pytest.mark.skipif(not hasattr(os, "O_CLOEXEC"), reason="inotify is Linux's")

FOLDERS = ["memory", "memory/a", "memory/a/deep", "memory/b"]


def note_text(rng: random.Random, ids: list[str]) -> str:
    """A note with a title, maybe a Parent, and links to other notes by name, path, relative
    path and title-like names (some of them to no note)."""
    title = rng.choice(["Alpha", "Beta", "Shared title", "Gamma notes", "alpha"])
    lines = [f"# {title} {rng.randrange(3)}", ""]
    if ids and rng.random() < 0.6:
        lines.insert(2, f"Parent: {rng.choice(ids)}\n")
    for _ in range(rng.randrange(4)):
        target = rng.choice(ids) if ids else "nowhere.md"
        stem = target.rsplit("/", 1)[-1].removesuffix(".md")
        form = rng.randrange(4)
        if form == 0:
            lines.append(f"See [[{stem}]].")
        elif form == 1:
            lines.append(f"See [{stem}]({target.removeprefix('memory/')}).")
        elif form == 2:
            lines.append(f"See [[{target}|this one]].")
        else:
            lines.append("See [[no such note]].")
    return "\n".join(lines) + "\n"


def make_notes(root, rng: random.Random) -> None:
    ids: list[str] = []
    for n in range(24):
        folder = FOLDERS[n % len(FOLDERS)]
        note_id = f"{folder}/{rng.choice(['note', 'same', 'x'])}-{n}.md"
        if n % 5 == 0:
            note_id = f"{folder}/same.md"  # one name in several folders: ambiguous links
        if note_id in ids:
            continue
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / note_id).write_text(note_text(rng, ids), encoding="utf-8")
        ids.append(note_id)


def step(root, rng: random.Random, ids: list[str]) -> str:
    """One random change to the vault's notes (never a new folder: that is walked)."""
    what = rng.choice(["edit", "edit", "title", "touch", "replace", "rename", "move", "delete",
                       "new", "root"])  # fmt: skip
    note_id = rng.choice(ids)
    path = root / note_id
    if what == "edit":
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(note_text(rng, ids).split("\n", 2)[2])
    elif what == "title":
        body = path.read_text(encoding="utf-8").split("\n", 1)[1]
        path.write_text(note_text(rng, ids).split("\n", 1)[0] + "\n" + body, encoding="utf-8")
    elif what == "touch":
        os.utime(path)
    elif what == "replace":  # as vault's own writes: a temporary file renamed over the note
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(note_text(rng, ids), encoding="utf-8")
        os.replace(tmp, path)
    elif what == "rename":
        os.rename(path, path.with_name(f"renamed-{rng.randrange(1000)}.md"))
    elif what == "move":
        os.rename(path, root / rng.choice(FOLDERS) / f"moved-{rng.randrange(1000)}.md")
    elif what == "delete" and len(ids) > 5:
        path.unlink()
    elif what == "root":  # Dendron's root note comes or goes: the vault's kind changes
        root_note = root / "memory" / "root.md"
        if root_note.exists():
            root_note.unlink()
        else:
            root_note.write_text("---\nid: root\ntitle: Root\n---\n\n# Root\n", encoding="utf-8")
    else:
        (root / rng.choice(FOLDERS) / f"new-{rng.randrange(1000)}.md").write_text(
            note_text(rng, ids), encoding="utf-8"
        )
    return what


def built(catalog, r: Resident) -> list:
    """What a server builds on a catalog: the fingerprint, the resolver, the references."""
    return [catalog.fingerprint, catalog.resolver, r.references(catalog)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_what_is_carried_over_matches_a_catalog_built_afresh(tmp_path, seed):
    rng = random.Random(seed)
    root = tmp_path / "vault"
    make_notes(root, rng)
    r = Resident(str(root), notify=lambda message: None)
    try:
        assert r.watcher is not None
        built(r.refresh(), r)
        carried = kinds = 0
        for n in range(40):
            what = step(root, rng, list(r.catalog.records))
            catalog = r.refresh()
            carried += catalog.carried_references() is not None
            got = built(catalog, r)
            assert catalog._before is None  # let go of once all is built
            walk = load_catalog(r.vault, r.repo)
            # Nothing derived from the cache: every reference resolved from the records.
            fresh = dataclasses.replace(walk, _cache=None)
            want = [fresh.fingerprint, fresh.resolver, references(fresh)]
            why = f"step {n}: {what}"
            assert got[0] == want[0], why
            assert got[1] == want[1], why  # every table, list order and kind included
            assert got[2] == want[2], why
            assert catalog.parents == fresh.parents and catalog.kind == fresh.kind, why
            assert list(catalog.parents) == list(fresh.parents), why  # the walk's order
            assert catalog.resolution_key == walk.resolution_key, why
            assert catalog.digests() == walk.digests(), why
            kinds += catalog.kind.name == "dendron"
        assert r.walks <= 2  # the changes were read note by note
        assert carried >= 5  # and edits in place took over what was built
        assert kinds  # a Dendron vault for a while
    finally:
        r.close()


def test_a_fingerprint_updated_for_edits_is_the_one_built_afresh():
    """Fingerprint.edited rehashes the blocks of the notes edited; the rest is kept. Over
    several blocks: the same as built from all digests, and notes swapping texts count."""
    rng = random.Random(7)
    ids = [f"memory/{n % 7}/note-{n}.md" for n in range(3 * BLOCK + 5)]
    digests = {i: f"{rng.getrandbits(128):032x}" for i in ids}
    start = Fingerprint.of(ids, list(digests.values()))
    for _ in range(20):
        now = dict(digests)
        edited = rng.sample(range(len(ids)), rng.randrange(1, 4))
        for at in edited:
            now[ids[at]] = rng.choice([f"{rng.getrandbits(128):032x}", "", "not hex"])
        fresh = Fingerprint.of(ids, list(now.values()))
        assert start.edited(ids, now, edited) == fresh
        assert fresh.text != start.text
    swapped = dict(digests)
    a, b = ids[3], ids[BLOCK + 9]
    swapped[a], swapped[b] = digests[b], digests[a]
    assert Fingerprint.of(ids, list(swapped.values())).text != start.text
    renamed = [*ids[:-1], "memory/other.md"]
    assert Fingerprint.of(renamed, list(digests.values())).text != start.text
