"""Reading notes: the exact fields of each seed note, and the header-style edge cases."""

from __future__ import annotations

import json

import pytest

from vault.links import extract_links
from vault.notes import parse_note

DEEP_DIVE = "memory/research/2026-02-14-exosomes-deep-dive.md"
POST = "memory/posts/2026-01-11-exosomes-in-k-beauty.md"
ARTICLE = "memory/articles/the-rising-trend-of-exosomes-in-skincare.md"
HUB = "memory/research/2026-02-14-skin-tech-trends.md"


def show(run, root, ref):
    res = run(root, "show", ref, "--json")
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


def test_seed_000_yaml_front_matter(run, vault_copy):
    note = show(run, vault_copy, POST)
    assert note["title"] == "Exosomes in K-Beauty: The Next Big Anti-Aging Revolution?"
    assert note["date"] == "2026-01-11"
    assert note["type"] == "Skincare Science"  # from `category`
    assert note["parent"] is None and note["parent_ref"] is None
    assert note["meta"] == {
        "excerpt": "Move over PDRN, Exosomes are here. Discover the cutting-edge Korean skincare "
        "ingredient that promises cellular regeneration and glass skin.",
        "coverImage": "/images/posts/exosomes.jpg",
    }
    assert note["body"].startswith("If you thought [PDRN](/posts/pdrn-salmon-dna) was")
    assert note["warnings"] == []


def test_seed_001_no_metadata(run, vault_copy):
    note = show(run, vault_copy, ARTICLE)
    assert note["title"] == "The Rising Trend of Exosomes in Skincare"
    assert note["type"] is None and note["parent"] is None and note["tags"] == []
    assert note["meta"] == {}
    # Not in git and no date in the name: the file's modification time gives the date.
    import datetime as dt
    import os

    mtime = os.stat(vault_copy / ARTICLE).st_mtime
    assert note["date"] == dt.datetime.fromtimestamp(mtime).date().isoformat()
    assert note["body"].startswith("The Rising Trend of Exosomes in Skincare\n\nexosomes in")


def test_seed_001_date_from_first_git_commit(run, vault_copy):
    from conftest import git, init_repo

    init_repo(vault_copy, commit=False)
    git(vault_copy, "add", "-A")
    env_date = "2025-03-04T10:00:00+00:00"
    import os
    import subprocess

    subprocess.run(
        ["git", "commit", "-q", "-m", "first"],
        cwd=vault_copy,
        check=True,
        env={**os.environ, "GIT_AUTHOR_DATE": env_date, "GIT_COMMITTER_DATE": env_date},
    )
    assert show(run, vault_copy, ARTICLE)["date"] == "2025-03-04"


def test_seed_004_header_lines(run, vault_copy):
    note = show(run, vault_copy, DEEP_DIVE)
    assert note["title"] == "Deep Dive: Exosomes in Regenerative Skincare (2026 Perspective)"
    assert note["date"] == "2026-02-14"
    assert note["type"] == "Technical Supplement"
    assert note["parent_ref"] == HUB
    assert note["parent"] == HUB
    assert note["meta"] == {}
    assert note["body"].startswith("## 1. Mechanism of Action\n")
    assert "TGF-β" in note["body"]


def test_hub_lists_its_child(run, vault_copy):
    hub = show(run, vault_copy, HUB)
    assert hub["children"] == [DEEP_DIVE]
    assert hub["tags"] == ["skincare", "k-beauty", "regenerative"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # blank lines between the title and the block are allowed
        ("# T\n\n\nDate: 2026-01-02\nType: X\n\nbody", ("2026-01-02", "X", None)),
        # the block is right under the title, no blank line
        ("# T\nDate: 2026-01-02\nParent: a.md\n\nbody", ("2026-01-02", None, "a.md")),
        # any other line ends the block: Type further down is body text
        ("# T\n\nDate: 2026-01-02\nSome prose.\nType: X\n", ("2026-01-02", None, None)),
        # keys are case-insensitive, aliases work
        ("# T\n\nDATE: 2026-01-02\ncategory: Y\nUp: [[hub]]\n", ("2026-01-02", "Y", "[[hub]]")),
        # a Key: line that is not directly under the title is body text
        ("# T\n\nIntro paragraph.\n\nDate: 2026-01-02\n", (None, None, None)),
        # bold keys, as assistants often write them
        ("# T\n\n**Date:** 2026-01-02\n**Type:** Z\n\nbody", ("2026-01-02", "Z", None)),
    ],
)
def test_header_block_edge_cases(text, expected):
    rec = parse_note(text, "memory/t.md").record
    assert (rec.date, rec.type, rec.parent_ref) == expected
    assert rec.title == "T"


def test_header_block_only_is_metadata_and_body_keeps_later_key_lines():
    text = "# T\n\nDate: 2026-01-02\nType: X\n\nNote: this is body text\nParent: not metadata\n"
    note = parse_note(text, "memory/t.md")
    assert note.record.parent_ref is None
    assert note.record.meta == {}
    assert note.body == "Note: this is body text\nParent: not metadata\n"


def test_unknown_header_keys_are_kept_as_meta():
    rec = parse_note("# T\n\nDate: 2026-01-02\nSource URL: https://x.org\n", "m/t.md").record
    assert rec.meta == {"Source URL": "https://x.org"}


def test_urls_do_not_look_like_header_keys():
    rec = parse_note("# T\nhttps://example.org\n", "m/t.md").record
    assert rec.style == "plain" and rec.meta == {}


def test_yaml_keys_case_insensitive_and_aliases():
    text = "---\nTitle: A\nCreated: 2026-05-06\nCategory: C\nUP: '[[hub]]'\nTags: x, '#y'\n---\nb"
    rec = parse_note(text, "m/a.md").record
    assert (rec.title, rec.date, rec.type, rec.parent_ref, rec.tags) == (
        "A",
        "2026-05-06",
        "C",
        "[[hub]]",
        ("x", "y"),
    )


def test_unquoted_yaml_wikilink_parent_is_understood():
    rec = parse_note("---\nup: [[hub]]\n---\n", "m/a.md").record
    assert rec.parent_ref == "[[hub]]"


def test_epoch_millisecond_dates_as_dendron_writes_them():
    rec = parse_note("---\ncreated: 1595003088839\n---\n", "m/a.md").record
    assert rec.date == "2020-07-17"


def test_no_metadata_title_rules():
    assert parse_note("intro\n\n# Heading\n", "m/a.md").record.title == "Heading"
    # A file named like a slug may take a short first line as its title; a file named with
    # words is its own title.
    assert parse_note("\n\n  First line  \nsecond", "m/a-b.md").record.title == "First line"
    assert parse_note("\n\n  First line  \nsecond", "m/a.md").record.title == "a"
    assert parse_note("", "m/2026-01-01-empty.md").record.title == "2026-01-01-empty"
    rec = parse_note("", "m/2026-01-01-empty.md").record
    assert (rec.date, rec.date_source) == ("2026-01-01", "filename")


def test_link_extraction_all_syntaxes():
    body = "\n".join(
        [
            "[a](a.md) [b](../b.md#part) [c](/posts/c) [d](<d e.md> 'title')",
            "[[w1]] [[w2|Alias]] [[w3#Heading]] ![[w4]] ![[pic.png]] ![img](x.png)",
            "[ext](https://example.org) [anchor](#here) [mail](mailto:a@b.c)",
            "`[[in code]]`",
            "```",
            "[[in fence]]",
            "```",
            "[ref]: notes/ref.md 'Ref title'",
            "[pct](my%20note.md)",
        ]
    )
    links = extract_links(body)
    assert [(ln.syntax, ln.target, ln.alias, ln.line, ln.attachment) for ln in links] == [
        ("markdown", "a.md", "", 1, False),
        ("markdown", "../b.md", "", 1, False),
        ("markdown", "/posts/c", "", 1, False),
        ("markdown", "d e.md", "", 1, False),
        ("wikilink", "w1", "", 2, False),
        ("wikilink", "w2", "Alias", 2, False),
        ("wikilink", "w3", "", 2, False),
        ("wikilink", "w4", "", 2, False),
        ("wikilink", "pic.png", "", 2, True),
        ("markdown", "x.png", "", 2, True),
        ("markdown", "notes/ref.md", "", 8, False),
        ("markdown", "my note.md", "", 9, False),
    ]


def test_link_lines_count_from_the_file_start():
    text = "---\ntitle: x\n---\n\nline five [[t]]\n"
    (link,) = parse_note(text, "m/a.md").record.links
    assert link.line == 5


# --- titles: what Obsidian, Foam and our own seed notes show ------------------------------------


@pytest.mark.parametrize(
    ("text", "note_id", "title"),
    [
        # No title: and no H1: the file name, not the first line of prose.
        ("The workspace is the main container.\n", "m/Workspace.md", "Workspace"),
        ("Short line\n\nmore", "m/Reading list.md", "Reading list"),
        # Named like a slug, a date or a hash: a short first title line may title it.
        ("The Rising Trend\n\nx", "m/the-rising-trend.md", "The Rising Trend"),
        ("Lab day\n\nx", "m/2026-03-02.md", "Lab day"),
        ("Supplier call: CDMO shortlist\n", "m/3f9a2c1b.md", "Supplier call: CDMO shortlist"),
        # ... but not a sentence, a list item or a heading of another level.
        ("Spent the morning on it.\n", "m/2026-03-03.md", "2026-03-03"),
        ("- Myth: more is better.\n", "m/niacinamide-myths.md", "niacinamide-myths"),
        ("## Tasks\n- [ ] x\n", "m/2024-01-15.md", "2024-01-15"),
        # An H1 is shown as text, a closing # only after a space.
        ("# C#\n", "m/csharp.md", "C#"),
        ("# Notes ##\n", "m/n.md", "Notes"),
        ("# [[dataview|Dataview]] tips\n", "m/q.md", "Dataview tips"),
        ("# Using [Canvas](Canvas.md) and `code`\n", "m/u.md", "Using Canvas and code"),
        ("# Vs [[hub]]\n\nDate: 2026-01-01\n", "m/v.md", "Vs hub"),
        # A heading in code is not the title.
        ("```\n# not this\n```\n\n# This\n", "m/c.md", "This"),
        ("<!--\n# not this\n-->\nProse.\n", "m/Commented.md", "Commented"),
    ],
)
def test_titles(text, note_id, title):
    assert parse_note(text, note_id).record.title == title


def test_the_seed_notes_keep_their_titles(run, vault_copy):
    listed = {n["id"]: n["title"] for n in json.loads(run(vault_copy, "list", "--json").stdout)}
    assert listed[ARTICLE] == "The Rising Trend of Exosomes in Skincare"
    assert listed[DEEP_DIVE] == "Deep Dive: Exosomes in Regenerative Skincare (2026 Perspective)"


def test_show_prints_metadata_keys_whole(run, tmp_path):
    root = tmp_path / "v"
    (root / "memory").mkdir(parents=True)
    (root / "memory/n.md").write_text(
        "---\ndescription: Canvas is a plugin\nid: n1\nninechars: x\n---\n# N\n",
        encoding="utf-8",
    )
    out = run(root, "show", "n").stdout.splitlines()
    assert "description: Canvas is a plugin" in out
    assert "ninechars: x" in out
    assert "id:       n1" in out


# --- links: what is not one ---------------------------------------------------------------------


def test_code_comments_and_escapes_hold_no_links():
    body = "\n".join(
        [
            "`[[a]]` and ``x `[[b]]` y`` then [[c]]",  # code spans, then a link
            "<!-- [[d]] --> %%[[e]]%% \\[\\[f\\]\\] [g](g.md)",  # comments, escapes, a link
            "<!--",
            "[[h]]",
            "-->",
            "%%",
            "[[i]] [i](i.md)",
            "%%",
            "",
            "    [[j]] indented code",
            "- list [[k]]",
            "    - nested four spaces [[l]]",
            "~~~",
            "[[m]]",
            "~~~",
            "> quoted [[n]] and a [[o\\|table pipe]]",
            "```",
            "[[p]] after a fence never closed",
        ]
    )
    found = [(ln.target, ln.line) for ln in extract_links(body)]
    assert found == [("c", 1), ("g.md", 2), ("k", 11), ("l", 12), ("n", 16), ("o", 16)]


def test_a_yaml_link_list_in_front_matter_is_not_a_body_link():
    text = "---\nrelated: ['[[a]]']\nup: '[[hub]]'\n---\nBody [[b]].\n"
    rec = parse_note(text, "m/x.md").record
    assert [(ln.target, ln.line) for ln in rec.links] == [("b", 5)]
    assert rec.parent_ref == "[[hub]]"


# --- hostile notes: bounded work -------------------------------------------------------------


def _bounded(argv, cwd=None, timeout=60):
    """The CLI as a process with a time limit and 2 GiB of memory, so a note that makes it
    hang or swell fails the test instead of the machine."""
    import os
    import resource
    import subprocess
    import sys

    from conftest import GIT_ENV

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    try:
        return subprocess.run(
            [sys.executable, "-m", "vault", *argv],
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=limit,
            env={**os.environ, **GIT_ENV},
            cwd=cwd,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"vault {' '.join(argv)} ran past {timeout} s")


def nine_level_bomb() -> str:
    lines = ["a: &a [" + ", ".join(['"lol"'] * 9) + "]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "---\ntitle: Bomb\n" + "\n".join(lines) + "\n---\nBody with a [[b]].\n"


def test_a_yaml_alias_bomb_is_read_as_text_and_warned_about(tmp_path):
    """Issue 11 item 2: nine levels of aliases (9**9 strings from ~400 bytes) used to hang
    every command. The note is listed, its simple lines read, a warning given."""
    root = tmp_path / "v"
    (root / "memory").mkdir(parents=True)
    (root / "memory/bomb.md").write_text(nine_level_bomb(), encoding="utf-8")
    (root / "memory/b.md").write_text("# B\n", encoding="utf-8")
    res = _bounded(["--vault", str(root), "list", "--json"])
    assert res.returncode == 0, res.stderr
    assert {n["title"] for n in json.loads(res.stdout)} == {"Bomb", "B"}
    assert "memory/bomb.md: YAML front matter stands for more than 50,000 values" in res.stderr
    res = _bounded(["--vault", str(root), "check", "--json"])
    kinds = [(p["kind"], p["note"]) for p in json.loads(res.stdout)["problems"]]
    assert ("bad_front_matter", "memory/bomb.md") in kinds
    res = _bounded(["--vault", str(root), "backlinks", "b", "--json"])
    assert [b["id"] for b in json.loads(res.stdout)] == ["memory/bomb.md"]


def test_the_fixture_alias_bomb_is_listed_too(tmp_path):
    from pathlib import Path

    fixture = Path(__file__).resolve().parent / "fixtures/obsidian-community"
    root = tmp_path / "community"
    import shutil

    shutil.copytree(fixture, root)
    res = _bounded(["--vault", str(root), "show", "YAML alias bomb", "--json"])
    assert res.returncode == 0, res.stderr
    note = json.loads(res.stdout)
    assert note["title"] == "YAML alias bomb"
    assert "not expanded" in note["warnings"][0]


def test_yaml_within_the_bound_keeps_its_aliases():
    text = "---\nbase: &b [x, y]\nmore: *b\ntags: *b\n---\n"
    rec = parse_note(text, "m/a.md").record
    assert rec.meta == {"base": ["x", "y"], "more": ["x", "y"]}
    assert rec.tags == ("x", "y") and rec.warnings == ()


def test_a_note_with_100k_links_is_read_in_linear_time(tmp_path):
    """Issue 11 item 5: 100,000 links took `list` 233 s (the line of each link was counted
    from the start of the note). Now parsing and resolving are one pass each."""
    root = tmp_path / "v"
    (root / "memory").mkdir(parents=True)
    for i in range(50):
        (root / f"memory/n{i}.md").write_text(f"# N{i}\n\nDate: 2026-01-01\n", encoding="utf-8")
    words = [f"[[n{i % 50}]]" if i % 33 else f"[[nowhere/gone-{i}]]" for i in range(100_000)]
    body = "\n".join(" ".join(words[k : k + 10]) for k in range(0, len(words), 10))
    (root / "memory/hub.md").write_text(f"# Hub\n\nDate: 2026-01-01\n\n{body}\n")
    res = _bounded(["--vault", str(root), "list", "--json"])
    assert res.returncode == 0 and len(json.loads(res.stdout)) == 51
    res = _bounded(["--vault", str(root), "check", "--json", "--kind", "broken_link"])
    report = json.loads(res.stdout)
    assert report["counts"]["broken_link"] == len(range(0, 100_000, 33))
    assert report["problems"][-1]["line"] == 4 + 100_000 // 10
