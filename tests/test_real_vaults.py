"""The five hand-written fixture vaults (tests/fixtures) read as the tools that wrote them
read them: every title, every link occurrence, every `check` problem, through the CLI.

Each fixture's expected.json states the facts and RULES.md their sources. The search
expectations in expected.json are another test's business.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import init_repo, snapshot

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NAMES = sorted(p.name for p in FIXTURES.iterdir() if (p / "expected.json").is_file())
SINGLE_LANGUAGE = [n for n in NAMES if n != "obsidian-multilingual"]


def expected(name: str) -> dict:
    return json.loads((FIXTURES / name / "expected.json").read_text(encoding="utf-8"))


def copy_fixture(name: str, tmp_path: Path) -> Path:
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root, ignore=shutil.ignore_patterns("expected.json"))
    return root


@pytest.fixture(scope="module")
def vaults(tmp_path_factory):
    """Every fixture copied once for the read-only tests of this module."""
    base = tmp_path_factory.mktemp("fixtures")
    return {name: copy_fixture(name, base) for name in NAMES}


def cli_json(run, root: Path, *args: str):
    res = run(root, *args, "--json")
    assert res.exit_code in (0, 1), res.stderr
    return json.loads(res.stdout)


def note_links(exp: dict) -> list[dict]:
    """The expected occurrences that are links to notes (resolved, broken or ambiguous),
    reference uses aside (a definition stands for them: RULES L17) and Parent headers
    aside (they are parents, not body links)."""
    return [
        e
        for e in exp["links"]
        if e["expect"] in ("note", "broken", "ambiguous")
        and e["syntax"] != "reflink"
        and e.get("role") != "parent"
    ]


def resolved_occurrences(run, root: Path) -> Counter:
    """(source, line, target) of every body link that resolves to a note, from the
    backlinks of every note."""
    out: Counter = Counter()
    for note in cli_json(run, root, "list"):
        for b in cli_json(run, root, "backlinks", note["id"]):
            if b["kind"] == "link":
                out[(b["id"], b["line"], note["id"])] += 1
    return out


# --- titles ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_title_is_what_the_writing_tool_shows(run, vaults, name):
    listed = {n["id"]: n["title"] for n in cli_json(run, vaults[name], "list")}
    want = {note_id: facts["title"] for note_id, facts in expected(name)["notes"].items()}
    assert listed == want


def test_titles_are_plain_text_and_keep_a_closing_hash(run, vaults):
    root = vaults["obsidian-multilingual"]
    shown = cli_json(run, root, "show", "en/Snippets/csharp.md")
    assert shown["title"] == "C#"
    assert cli_json(run, root, "show", "en/Community plugins/Query tricks.md")["title"] == (
        "Dataview tips"  # '# [[dataview|Dataview]] tips'
    )
    assert cli_json(run, root, "show", "en/Using the canvas.md")["title"] == "Using Canvas"
    problems = cli_json(run, root, "check", "--kind", "duplicate_title")["problems"]
    assert not [p for p in problems if p["note"].startswith("en/Snippets/")]


# --- links --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_link_occurrence_resolves_as_expected(run, vaults, name):
    exp = expected(name)
    want = Counter(
        (e["source"], e["line"], e["target"]) for e in note_links(exp) if e["expect"] == "note"
    )
    assert resolved_occurrences(run, vaults[name]) == want


@pytest.mark.parametrize("name", NAMES)
def test_links_in_code_and_comments_are_not_links(run, vaults, name):
    """No link is found on a line whose only link-like text is code, a comment or escaped."""
    exp = expected(name)
    real = {(e["source"], e["line"]) for e in exp["links"] if e["expect"] != "not-a-link"}
    hidden = {(e["source"], e["line"]) for e in exp["links"] if e["expect"] == "not-a-link"}
    # Every fixture has some, read from its notes: with none, this test could never fail.
    assert hidden - real, f"{name}: no line whose only link-like text is not a link"
    found = {(s, line) for s, line, _ in resolved_occurrences(run, vaults[name])}
    problems = cli_json(run, vaults[name], "check", "--level", "info")["problems"]
    found |= {(p["note"], p["line"]) for p in problems if p["line"] is not None}
    assert not (found & (hidden - real))


@pytest.mark.parametrize("name", NAMES)
def test_parents_resolve_as_expected(run, vaults, name):
    listed = {n["id"]: n["parent"] for n in cli_json(run, vaults[name], "list")}
    for note_id, facts in expected(name)["notes"].items():
        if "parent" in facts:
            assert listed[note_id] == facts["parent"], note_id


@pytest.mark.parametrize("name", NAMES)
def test_graph_has_no_attachment_or_comment_nodes(run, vaults, name):
    graph = cli_json(run, vaults[name], "graph")
    missing = {n["id"] for n in graph["nodes"] if n["missing"]}
    exp = expected(name)
    broken = {
        e["target"] for e in note_links(exp) if e["expect"] == "broken"
    }  # the only missing nodes (Parents aside)
    dangling = {
        f["parent_ref"] for f in exp["notes"].values() if f.get("parent_ref") and not f["parent"]
    }
    assert missing == broken | dangling
    assert "Template Link" not in missing


def resolution_share(run, root: Path, exp: dict) -> float:
    links = note_links(exp)
    resolved = resolved_occurrences(run, root)
    report = cli_json(run, root, "check", "--level", "info")
    reported = Counter((p["note"], p["line"], p["target"], p["kind"]) for p in report["problems"])
    right = 0
    for e in links:
        if e["expect"] == "note":
            key = (e["source"], e["line"], e["target"])
            hit = resolved[key] > 0
            resolved[key] -= hit
        else:
            kind = "broken_link" if e["expect"] == "broken" else "ambiguous_ref"
            key = (e["source"], e["line"], e.get("target") or e["raw"].strip("[]"), kind)
            hit = reported[key] > 0
            reported[key] -= hit
        right += hit
    return right / len(links)


@pytest.mark.parametrize("name", NAMES)
def test_link_resolution_share(run, vaults, name):
    """Issue 10: at least 99.7% of note links on single-language vaults resolve as the
    tool that wrote them resolves them (all of them, on these fixtures)."""
    assert resolution_share(run, vaults[name], expected(name)) == 1.0


# --- check ------------------------------------------------------------------------------------


def _matches(want: dict, got: dict) -> bool:
    if want["kind"] != got["kind"] or want["level"] != got["level"]:
        return False
    if "note" in want and want["note"] != got["note"]:
        return False
    if "note_in" in want and got["note"] not in want["note_in"]:
        return False
    if "line" in want and want["line"] != got["line"]:
        return False
    if "target" in want and want["target"] != got["target"]:
        return False
    return all(c in got["message"] for c in want.get("candidates", []))


@pytest.mark.parametrize("name", NAMES)
def test_check_reports_exactly_the_expected_problems(run, vaults, name):
    exp = expected(name)["check"]
    res = run(vaults[name], "check", "--level", "info", "--json")
    assert res.exit_code == exp["exit_code"], res.stdout
    problems = json.loads(res.stdout)["problems"]
    left = list(problems)
    for want in exp["problems"]:
        hit = next((p for p in left if _matches(want, p)), None)
        assert hit is not None, want
        left.remove(hit)
    optional = exp.get("optional", [])
    extra = [
        p
        for p in left
        if p["kind"] in exp["complete_for_kinds"] and not any(_matches(o, p) for o in optional)
    ]
    assert extra == []
    for bad in exp.get("must_not", []):
        assert not [
            p
            for p in problems
            if p["kind"] == bad["kind"]
            and bad.get("note", p["note"]) == p["note"]
            and bad.get("target", p["target"]) == p["target"]
        ], bad
    for kind, level in exp.get("kind_levels", {}).items():
        assert {p["level"] for p in problems if p["kind"] == kind} <= {level}, kind


def test_messages_quote_the_target_never_the_display_text(run, vaults):
    problems = cli_json(run, vaults["obsidian-multilingual"], "check")["problems"]
    beta = [p for p in problems if p["note"] == "en/Home.md" and p["line"] == 8]
    assert [(p["kind"], p["target"]) for p in beta] == [("broken_link", "Nonexistent page")]
    assert beta[0]["message"] == "link to 'Nonexistent page' matches no note"
    assert "Beta" not in beta[0]["message"]


# --- Dendron reads [[label|target]], nothing else does -------------------------------------------


def test_label_first_wikilinks_only_in_a_dendron_vault(run, tmp_path):
    files = {
        "a.md": "# A\n\n[[Nonexistent page|b]] and [[b|The B note]]\n",
        "b.md": "# B\n",
    }
    plain = tmp_path / "plain"
    dendron = tmp_path / "dendron"
    for root in (plain, dendron):
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
    (dendron / "dendron.yml").write_text("version: 5\n", encoding="utf-8")
    # Obsidian's order: the target is before the "|": one broken link, one link to b.
    assert [(b["line"], b["raw"]) for b in cli_json(run, plain, "backlinks", "b.md")] == [(3, "b")]
    broken = cli_json(run, plain, "check", "--kind", "broken_link")["problems"]
    assert [p["target"] for p in broken] == ["Nonexistent page"]
    # Dendron's order: the target is after the "|".
    assert [(b["line"], b["raw"]) for b in cli_json(run, dendron, "backlinks", "b.md")] == [
        (3, "b")
    ]
    broken = cli_json(run, dendron, "check", "--kind", "broken_link")["problems"]
    assert [p["target"] for p in broken] == ["The B note"]


def test_mv_of_the_alias_note_leaves_the_alias_text_alone(run, tmp_path):
    root = copy_fixture("obsidian-multilingual", tmp_path)
    init_repo(root)
    home = (root / "en/Home.md").read_bytes()
    res = run(root, "mv", "en/Beta.md", "en/Beta release.md")
    assert res.exit_code == 0, res.stderr
    after = (root / "en/Home.md").read_text(encoding="utf-8")
    # [[Nonexistent page|Beta]] never pointed at Beta.md; [[Beta]] did.
    assert (
        "join the [[Nonexistent page|Beta]] (the page was renamed; see [[Beta release]])" in after
    )
    assert run(root, "mv", "en/Beta release.md", "en/Beta.md").exit_code == 0
    assert (root / "en/Home.md").read_bytes() == home


# --- mv: every other byte stays as it was --------------------------------------------------------

# (fixture, note or folder, where it goes): moves that keep every name nearest where it
# was, so that the move back is the exact inverse; the folders move with all their notes.
ROUND_TRIPS = [
    ("obsidian-multilingual", "en/Home.md", "en/Start/Home.md"),
    ("obsidian-multilingual", "en/Graph View.md", "en/Views/Graph View.md"),
    ("obsidian-multilingual", "en/Mobile", "en/Phone"),
    ("obsidian-multilingual", "ja/プラグイン", "ja/拡張"),
    ("obsidian-community", "People/Ada Lovelace.md", "People/Scientists/Ada Lovelace.md"),
    ("obsidian-community", "Projects", "Work"),
    ("foam-relative", "projects/house/todo.md", "projects/house/lists/todo.md"),
    ("foam-relative", "areas/reading", "areas/books-and-papers"),
    ("dendron-mini", "notes/lang.python.md", "notes/lang/lang.python.md"),
    ("headerstyle-mixed", "memory/research/2026-02-14-skin-tech-trends.md", "memory/hubs/"),
    ("headerstyle-mixed", "memory/research", "memory/studies"),
]


def edges(run, root: Path, moves: dict[str, str] | None = None) -> set[tuple[str, str, str]]:
    moves = moves or {}
    graph = cli_json(run, root, "graph")
    return {
        (moves.get(e["source"], e["source"]), moves.get(e["target"], e["target"]), e["kind"])
        for e in graph["edges"]
    }


@pytest.mark.parametrize(("name", "source", "target"), ROUND_TRIPS)
def test_move_and_move_back_is_byte_identical(run, tmp_path, name, source, target):
    root = copy_fixture(name, tmp_path)
    init_repo(root)
    before, graph_before = snapshot(root), edges(run, root)
    res = run(root, "mv", source, target, "--json")
    assert res.exit_code == 0, res.stderr
    moves = {m["from"]: m["to"] for m in json.loads(res.stdout)["moved"]}
    # Every reference means the same note (or the same tie) at its new place.
    assert edges(run, root) == {(moves.get(s, s), moves.get(t, t), k) for s, t, k in graph_before}
    back = target + Path(source).name if target.endswith("/") else target
    res = run(root, "mv", back, source)
    assert res.exit_code == 0, res.stderr
    assert snapshot(root) == before


def test_a_moved_notes_unchanged_links_keep_every_byte(run, tmp_path):
    """Issue 10: an unrelated [[Graph View]] in a moved note must not become [[Graph view]],
    nor [[graph view|graph]] [[Graph View|graph]]."""
    root = copy_fixture("obsidian-multilingual", tmp_path)
    init_repo(root)
    lines = (root / "en/Home.md").read_text(encoding="utf-8").split("\n")
    res = run(root, "mv", "en/Home.md", "en/Start/Home.md")
    assert res.exit_code == 0, res.stderr
    moved = (root / "en/Start/Home.md").read_text(encoding="utf-8").split("\n")
    changed = [(a, b) for a, b in zip(lines, moved, strict=True) if a != b]
    # Only the one link that is a path relative to the note changed, and only its path.
    assert changed == [
        (
            "- [Canvas in Japanese](../ja/Canvas.md)",
            "- [Canvas in Japanese](../../ja/Canvas.md)",
        )
    ]
