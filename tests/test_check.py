"""`vault check`: every problem kind, levels, exit codes and the JSON shape."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import CORPORA, init_repo, run_process
from graph_helpers import UNDATED, pinned_example, write_vault

from vault.checks import KINDS

K_BEAUTY = "memory/posts/2026-01-11-exosomes-in-k-beauty.md"


def dated(title: str, *headers: str, body: str = "Text.") -> str:
    return "\n".join([f"# {title}", "", "Date: 2026-04-01", *headers]) + f"\n\n{body}\n"


# One vault with every kind of problem, and a hub that keeps the other notes from being orphans.
PROBLEMS = {
    "memory/hub.md": dated(
        "Hub",
        body="[[dangling]] [[broken]] [[c1]] [[c2]] [[c3]] [[self]] [[yaml-bad]] [[yaml-list]] "
        "[[latin1]] [[undated]] [[title-a]] [[title-b]] [[x/dup]] [[y/dup]] [[amb]]",
    ),
    "memory/dangling.md": dated("Dangling", "Parent: no-such-parent"),
    "memory/broken.md": dated(
        "Broken", body="First [gone](gone.md).\nAgain [gone](gone.md) and [[also gone]]."
    ),
    "memory/c1.md": dated("C1", "Parent: c2"),
    "memory/c2.md": dated("C2", "Parent: c3"),
    "memory/c3.md": dated("C3", "Parent: [[c1]]"),
    "memory/self.md": dated("Self", "Parent: self"),
    "memory/x/dup.md": dated("Dup X"),
    "memory/y/dup.md": dated("Dup Y"),
    "memory/amb.md": dated("Amb", "Parent: dup", body="See [[dup]]."),
    "memory/yaml-bad.md": "---\ntitle: [unclosed\ndate: 2026-04-01\n---\nBody.\n",
    "memory/yaml-list.md": "---\n- a\n- b\n---\n# Yaml list\n\nDate: 2026-04-01\n",
    "memory/latin1.md": "# Latin\n\nDate: 2026-04-01\n\nCaf\xe9 cr\xe8me.\n".encode("latin-1"),
    "memory/undated.md": "# Undated\n\nNo date anywhere.\n",
    "memory/title-a.md": dated("Same  Title"),
    "memory/title-b.md": dated("same title"),
    "memory/lonely.md": dated("Lonely", body="Links only to itself: [[lonely]]."),
}


@pytest.fixture
def problems_vault(tmp_path):
    return init_repo(write_vault(tmp_path / "v", PROBLEMS))


def test_every_kind_is_found_with_note_line_and_target(problems_vault, run):
    res = run(problems_vault, "check", "--json")
    assert res.exit_code == 1
    report = json.loads(res.stdout)
    got = [(p["kind"], p["note"], p["line"], p["target"]) for p in report["problems"]]
    assert got == [
        # A Parent is reported at its header line.
        ("dangling_parent", "memory/dangling.md", 4, "no-such-parent"),
        # Every occurrence of a broken link, each at its own line, in the order written.
        ("broken_link", "memory/broken.md", 5, "gone.md"),
        ("broken_link", "memory/broken.md", 6, "gone.md"),
        ("broken_link", "memory/broken.md", 6, "also gone"),
        ("parent_cycle", "memory/c1.md", 4, "c2"),
        ("parent_cycle", "memory/self.md", 4, "self"),
        # A true tie (two notes equally near) is a warning, not an error.
        ("ambiguous_ref", "memory/amb.md", 4, "dup"),
        ("ambiguous_ref", "memory/amb.md", 6, "dup"),
        ("bad_front_matter", "memory/latin1.md", None, ""),
        ("bad_front_matter", "memory/yaml-bad.md", None, ""),
        ("bad_front_matter", "memory/yaml-list.md", None, ""),
        ("missing_date", "memory/undated.md", None, ""),
        # Front matter that is not a mapping is ignored, and with it the date below it.
        ("missing_date", "memory/yaml-list.md", None, ""),
        ("duplicate_title", "memory/title-a.md", None, "Same Title"),
        ("duplicate_title", "memory/title-b.md", None, "same title"),
        ("orphan", "memory/lonely.md", None, ""),
    ]
    assert report["counts"] == {
        "dangling_parent": 1,
        "broken_link": 3,
        "parent_cycle": 2,
        "conflict_markers": 0,
        "ambiguous_ref": 2,
        "broken_attachment": 0,
        "bad_front_matter": 3,
        "sync_conflict": 0,
        "tracked_derived_data": 0,
        "missing_date": 2,
        "duplicate_title": 2,
        "orphan": 1,
    }
    assert (report["errors"], report["warnings"], report["infos"], report["hidden"]) == (
        6,
        10,
        0,
        0,
    )
    assert list(report["counts"]) == list(KINDS)
    levels = {p["kind"]: p["level"] for p in report["problems"]}
    assert {k for k, v in levels.items() if v == "error"} == {
        "dangling_parent",
        "broken_link",
        "parent_cycle",
    }
    messages = {(p["kind"], p["note"], p["line"]): p["message"] for p in report["problems"]}
    cycle = "memory/c1.md -> memory/c2.md -> memory/c3.md -> memory/c1.md"
    assert messages[("parent_cycle", "memory/c1.md", 4)] == f"Parent chain loops: {cycle}"
    assert messages[("ambiguous_ref", "memory/amb.md", 6)] == (
        "link 'dup' matches 2 notes equally near: memory/x/dup.md, memory/y/dup.md; "
        "write the path of the one you mean"
    )
    assert "malformed YAML" in messages[("bad_front_matter", "memory/yaml-bad.md", None)]
    assert "not a mapping" in messages[("bad_front_matter", "memory/yaml-list.md", None)]
    assert "not valid UTF-8" in messages[("bad_front_matter", "memory/latin1.md", None)]
    assert re.fullmatch(
        r"no date in its metadata or file name; using its first commit \(\d{4}-\d\d-\d\d\)",
        messages[("missing_date", "memory/undated.md", None)],
    )
    assert (
        "shared with memory/title-b.md" in messages[("duplicate_title", "memory/title-a.md", None)]
    )


def test_text_output_is_one_line_per_problem_with_a_summary(problems_vault, run):
    res = run(problems_vault, "check")
    assert res.exit_code == 1
    lines = res.stdout.splitlines()
    assert len(lines) == 16
    assert (
        lines[0]
        == "memory/dangling.md:4: error dangling_parent: Parent 'no-such-parent' matches no note"
    )
    assert lines[1] == "memory/broken.md:5: error broken_link: link to 'gone.md' matches no note"
    assert lines[-1] == "memory/lonely.md: warning orphan: no Parent, no links and no backlinks"
    assert res.stderr == "16 problems: 6 errors, 10 warnings.\n"


def test_the_example_vault_reports_its_dangling_link_and_undated_note(tmp_path, run):
    root = pinned_example(tmp_path / "vault")
    res = run(root, "check")
    assert res.exit_code == 1
    assert res.stdout == (
        f"{K_BEAUTY}:9: error broken_link: link to '/posts/pdrn-salmon-dna' matches no note\n"
        f"{UNDATED}: warning missing_date: no date in its metadata or file name; "
        "using the file's modification time (2026-01-05)\n"
    )
    assert res.stderr == "2 problems: 1 error, 1 warning.\n"
    report = json.loads(run(root, "check", "--json").stdout)
    assert report["problems"][0] == {
        "kind": "broken_link",
        "level": "error",
        "note": K_BEAUTY,
        "line": 9,
        "target": "/posts/pdrn-salmon-dna",
        "message": "link to '/posts/pdrn-salmon-dna' matches no note",
    }


def test_warnings_alone_exit_0_and_a_clean_vault_says_so(tmp_path, run):
    root = write_vault(tmp_path / "v", {"memory/a.md": dated("A"), "memory/b.md": dated("A")})
    res = run(root, "check")
    assert res.exit_code == 0
    assert [ln.split(": ")[1] for ln in res.stdout.splitlines()] == [
        "warning duplicate_title",
        "warning duplicate_title",
        "warning orphan",
        "warning orphan",
    ]
    clean = write_vault(
        tmp_path / "c",
        {"memory/a.md": dated("A", body="[[b]]"), "memory/b.md": dated("B", "Parent: a")},
    )
    res = run(clean, "check")
    assert (res.exit_code, res.stdout, res.stderr) == (0, "", "No problems found.\n")
    res = run(clean, "check", "--json")
    assert json.loads(res.stdout) == {
        "problems": [],
        "counts": dict.fromkeys(KINDS, 0),
        "errors": 0,
        "warnings": 0,
        "infos": 0,
        "hidden": 0,
    }


def test_fixing_the_problem_clears_it(tmp_path, run):
    root = pinned_example(tmp_path / "vault")
    assert run(root, "check").exit_code == 1
    (root / "memory/posts/pdrn-salmon-dna.md").write_text(
        "# PDRN\n\nDate: 2026-01-01\n", encoding="utf-8"
    )
    res = run(root, "check", "--json")
    assert res.exit_code == 0, res.stdout
    assert [p["kind"] for p in json.loads(res.stdout)["problems"]] == ["missing_date"]


def test_check_as_a_process_for_ci(tmp_path):
    root = pinned_example(tmp_path / "vault")
    res = run_process(root, "check", "--json")
    assert res.exit_code == 1 and json.loads(res.stdout)["errors"] == 1


@pytest.mark.parametrize("corpus", ["foam/docs", "dendron-site"])
def test_real_vaults_are_checked_without_crashing(tmp_path, run, corpus):
    shutil.copytree(CORPORA / corpus, tmp_path / "c")
    res = run(tmp_path / "c", "check", "--json")
    assert res.exit_code in (0, 1), res.stderr
    report = json.loads(res.stdout)
    assert sum(report["counts"].values()) == len(report["problems"])
    if corpus == "dendron-site":
        # The corpus README counts 161 dangling targets and 91 groups sharing a title.
        assert report["counts"]["broken_link"] > 50
        assert report["counts"]["duplicate_title"] > 100


# --- choosing what to see ----------------------------------------------------------------------


def test_kind_ignore_and_level_choose_what_is_reported_and_the_exit_code(problems_vault, run):
    def kinds(*args):
        res = run(problems_vault, "check", "--json", *args)
        report = json.loads(res.stdout)
        return res.exit_code, sorted({p["kind"] for p in report["problems"]}), report["hidden"]

    assert kinds("--kind", "orphan") == (0, ["orphan"], 15)
    assert kinds("--kind", "orphan", "--kind", "broken_link") == (1, ["broken_link", "orphan"], 12)
    code, found, hidden = kinds("--ignore", "broken_link", "--ignore", "dangling_parent")
    assert "broken_link" not in found and "dangling_parent" not in found and hidden == 4
    assert code == 1  # the parent cycles are still errors
    assert kinds("--level", "error") == (1, ["broken_link", "dangling_parent", "parent_cycle"], 10)
    assert kinds("--level", "error", "--ignore", "broken_link", "--ignore", "dangling_parent",
                 "--ignore", "parent_cycle")[0] == 0  # fmt: skip
    res = run(problems_vault, "check", "--kind", "orphan")
    assert (
        res.stderr
        == "1 problem: 0 errors, 1 warning. 15 more not shown (see --level, --kind, --ignore).\n"
    )
    res = run(problems_vault, "check", "--kind", "no_such_kind")
    assert res.exit_code == 2 and "no_such_kind" in res.stderr


def test_missing_date_is_info_where_most_notes_carry_none(tmp_path, run):
    undated = {f"memory/n{i}.md": f"# N{i}\n\n[[n{(i + 1) % 4}]]\n" for i in range(4)}
    root = write_vault(tmp_path / "imported", {**undated, "memory/d.md": dated("D", body="[[n0]]")})
    res = run(root, "check")
    # Four of five notes have no date: an imported vault. Not a warning, and not shown.
    assert (res.exit_code, res.stdout) == (0, "")
    assert res.stderr == "No problems found. 4 more not shown (see --level, --kind, --ignore).\n"
    report = json.loads(run(root, "check", "--level", "info", "--json").stdout)
    assert {(p["kind"], p["level"]) for p in report["problems"]} == {("missing_date", "info")}
    assert report["infos"] == 4
    # Where most notes are dated, a missing date is a warning.
    dated_notes = {f"memory/d{i}.md": dated(f"D{i}", body="[[n0]]") for i in range(5)}
    root = write_vault(tmp_path / "house", {**undated, **dated_notes})
    levels = {p["level"] for p in json.loads(run(root, "check", "--json").stdout)["problems"]}
    assert levels == {"warning"}


def test_derived_data_that_git_tracks_is_reported(tmp_path, run):
    root = write_vault(
        tmp_path / "v",
        {
            "memory/a.md": dated("A", body="[[b]]"),
            "memory/b.md": dated("B", "Parent: a"),
            ".vault/cache/notes.pickle": b"\x80\x04derived",
            ".vault/index/_MAIN_1.toc": b"derived",
        },
    )
    init_repo(root, commit=False)
    from conftest import git

    git(root, "add", "-f", "memory", ".vault/cache/notes.pickle")
    git(root, "commit", "-q", "-m", "with an old .vault")
    res = run(root, "check", "--json")
    problems = json.loads(res.stdout)["problems"]
    assert [(p["kind"], p["level"], p["note"], p["target"]) for p in problems] == [
        ("tracked_derived_data", "warning", ".vault/", ".vault/cache/notes.pickle")
    ]
    assert "git rm -r --cached .vault" in problems[0]["message"]
    assert "1 file(s)" in problems[0]["message"]  # the untracked index file is not counted
    git(root, "rm", "-r", "-q", "--cached", ".vault")
    assert json.loads(run(root, "check", "--json").stdout)["problems"] == []


def test_a_notes_yaml_problem_is_told_once_and_check_lists_it(tmp_path, run):
    """Issue 10: not a warning on every command; when the note is first read or changes."""
    root = write_vault(
        tmp_path / "v",
        {"memory/bad.md": "---\ntitle: [unclosed\n---\nBody.\n", "memory/ok.md": dated("OK")},
    )
    for n, command in enumerate(("list", "tree", "graph")):
        # The note changes: the next command to read it says what is wrong with it, once.
        (root / "memory/bad.md").write_text(f"---\ntitle: [unclosed\n---\nBody{'!' * n}\n")
        first = run(root, command)
        assert "warning: memory/bad.md: malformed YAML" in first.stderr, command
        again = run(root, command)
        assert "malformed YAML" not in again.stderr, command
    # check lists it every time.
    for _ in range(2):
        kinds = [p["kind"] for p in json.loads(run(root, "check", "--json").stdout)["problems"]]
        assert "bad_front_matter" in kinds
