"""Resolution rules on their own: nearness, Obsidian's path forms, Dendron's order, and that
every lookup is a dictionary lookup (issue 13)."""

from __future__ import annotations

import pytest

from vault.model import Link
from vault.resolve import Resolver, VaultKind

NOTES = [
    "Start.md",
    "en/Canvas.md",
    "en/Home.md",
    "en/Import/Settings.md",
    "en/Mobile/Settings.md",
    "en/Mobile/App.md",
    "en/Archive/2023/Release notes.md",
    "en/Release notes.md",
    "ja/Canvas.md",
    "ja/プラグイン/コア.md",
    "de/Canvas.md",
]


@pytest.fixture(scope="module")
def resolver():
    return Resolver.build(((i, i) for i in NOTES), "")


def wiki(resolver, target, from_id):
    res = resolver.resolve_link(Link("wikilink", target), from_id)
    return res.id or res.candidates


@pytest.mark.parametrize(
    ("target", "from_id", "expected"),
    [
        # One note of that name: found from anywhere, in any case, with or without .md.
        ("start", "ja/プラグイン/コア.md", "Start.md"),
        ("START.md", "en/Home.md", "Start.md"),
        # Several: the one sharing the deepest folder with the linking note.
        ("Canvas", "en/Home.md", "en/Canvas.md"),
        ("Canvas", "ja/プラグイン/コア.md", "ja/Canvas.md"),
        ("Settings", "en/Mobile/App.md", "en/Mobile/Settings.md"),
        # Then the one in fewest folders.
        ("Release notes", "Start.md", "en/Release notes.md"),
        # Still equal: a tie, listing the tied notes only.
        ("Canvas", "Start.md", ("de/Canvas.md", "en/Canvas.md", "ja/Canvas.md")),
        ("Settings", "en/Home.md", ("en/Import/Settings.md", "en/Mobile/Settings.md")),
        # Paths: an exact path from the root wins; else the notes whose path ends with it.
        ("en/Canvas", "ja/Canvas.md", "en/Canvas.md"),
        ("Archive/2023/Release notes", "en/Home.md", "en/Archive/2023/Release notes.md"),
        ("Mobile/Settings", "Start.md", "en/Mobile/Settings.md"),
        # ./ and ../ are relative to the note and exact; / is from the root, nothing else.
        ("./Canvas", "en/Home.md", "en/Canvas.md"),
        ("../Start", "en/Home.md", "Start.md"),
        ("../Canvas", "en/Mobile/App.md", "en/Canvas.md"),
        ("./Settings", "en/Home.md", ()),
        ("/Canvas", "en/Home.md", ()),
        ("/en/Canvas", "ja/Canvas.md", "en/Canvas.md"),
    ],
)
def test_wikilinks_resolve_by_name_path_and_nearness(resolver, target, from_id, expected):
    assert wiki(resolver, target, from_id) == expected


def test_the_display_text_is_never_the_target(resolver):
    link = Link("wikilink", "Nonexistent page", "Canvas")
    assert resolver.resolve_link(link, "en/Home.md").id is None
    assert resolver.target_text(link) == "Nonexistent page"


def test_a_dendron_vault_reads_the_target_after_the_bar():
    kind = VaultKind("dendron", frozenset({"mini"}))
    r = Resolver.build([("notes/a.md", "A"), ("notes/b.md", "B")], "", kind)
    assert r.resolve_link(Link("wikilink", "the label", "b"), "notes/a.md").id == "notes/b.md"
    assert r.target_text(Link("wikilink", "the label", "b")) == "b"
    via = Link("wikilink", "label", "dendron://mini/b")
    assert r.resolve_link(via, "notes/a.md").id == "notes/b.md"
    # A vault the workspace does not have: broken, named as written.
    other = Link("wikilink", "dendron://archive/b")
    assert r.resolve_link(other, "notes/a.md").id is None
    assert r.target_text(other) == "dendron://archive/b"


def test_markdown_links_are_names_in_an_obsidian_vault_and_paths_elsewhere():
    notes = [("en/Canvas.md", "C"), ("en/Plugins/Core.md", "P"), ("ja/Canvas.md", "C")]
    obsidian = Resolver.build(notes, "", VaultKind("obsidian"))
    plain = Resolver.build(notes, "")
    link = Link("markdown", "Canvas.md")
    assert obsidian.resolve_link(link, "en/Plugins/Core.md").id == "en/Canvas.md"
    assert plain.resolve_link(link, "en/Plugins/Core.md").id is None
    up = Link("markdown", "../../ja/Canvas.md")
    assert obsidian.resolve_link(up, "en/Plugins/Core.md").id == "ja/Canvas.md"
    assert plain.resolve_link(up, "en/Plugins/Core.md").id == "ja/Canvas.md"


def test_a_markdown_link_to_a_folder_opens_its_index_or_readme():
    r = Resolver.build([("areas/health/README.md", "H"), ("work/m/index.md", "M")], "")
    assert r.resolve_link(Link("markdown", "areas/health/"), "x.md").id == "areas/health/README.md"
    assert r.resolve_link(Link("markdown", "m/"), "work/todo.md").id == "work/m/index.md"


class CountingSet(set):
    """A set that counts how often it is walked through."""

    walks = 0

    def __iter__(self):
        CountingSet.walks += 1
        return super().__iter__()


def test_resolving_never_walks_every_note():
    """Issue 13: an unresolved path-style link used to scan every id (O(notes x broken
    links), 7 of 8 s of `vault graph` at 10,000 notes). Every lookup is a dictionary
    lookup now: the ids are never walked, however many links there are."""
    ids = [f"memory/topics/t{k}/note-{i}.md" for k in range(10) for i in range(200)]
    r = Resolver.build(((i, i) for i in ids), "memory/")
    r.ids = CountingSet(r.ids)
    CountingSet.walks = 0
    for i in range(300):
        for target in (f"topics/none/missing-{i}", f"t3/note-{i}", f"note-{i}", f"/x/{i}"):
            r.resolve_link(Link("wikilink", target), "memory/topics/t1/note-1.md")
        r.resolve_link(Link("markdown", f"../none/missing-{i}.md"), "memory/topics/t1/note-1.md")
        r.resolve_parent(f"topics/none/missing-{i}", "memory/topics/t1/note-1.md")
    assert CountingSet.walks == 0


def test_the_vault_kind_is_seen_at_the_root_or_in_the_notes_folder(run, tmp_path):
    import json

    for where in ("", "memory/"):
        root = tmp_path / f"v{len(where)}"
        (root / "memory/en/Plugins").mkdir(parents=True)
        (root / f"{where}.obsidian").mkdir()
        (root / "memory/en/Canvas.md").write_text("Canvas.\n", encoding="utf-8")
        (root / "memory/en/Plugins/Core.md").write_text("[Canvas](Canvas.md)\n", encoding="utf-8")
        found = json.loads(run(root, "backlinks", "memory/en/Canvas.md", "--json").stdout)
        assert [b["id"] for b in found] == ["memory/en/Plugins/Core.md"], where
