"""History you can read: `vault show REF --at REV|DATE` (the note as it was, through its
renames) and `vault log REF --patch` (what each commit changed in it), on real git with
commits made on chosen days."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import git

NOTE = "# A note\n\nDate: 2026-01-01\nType: Note\n\nThe fact: v1.\n"


def on_day(monkeypatch, day: str) -> None:
    """The next commits are made on `day` (noon, UTC)."""
    for key in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
        monkeypatch.setenv(key, f"{day}T12:00:00+00:00")


@pytest.fixture
def history(tmp_path, monkeypatch, run) -> tuple[Path, dict[str, str]]:
    """A note written on 2026-01-10 (v1), corrected on 01-20 (v2), moved to another folder
    on 01-25, corrected again on 02-01 (v3): (vault root, day -> commit)."""
    root = tmp_path / "v"
    (root / "memory").mkdir(parents=True)
    (root / "memory" / "a.md").write_text(NOTE)
    commits = {}
    on_day(monkeypatch, "2026-01-10")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    commits["01-10"] = git(root, "rev-parse", "HEAD").strip()
    steps = [
        ("2026-01-20", ["replace", "memory/a.md", "--old", "v1", "--new", "v2"]),
        ("2026-01-25", ["mv", "memory/a.md", "memory/sub/b.md"]),
        ("2026-02-01", ["replace", "memory/sub/b.md", "--old", "v2", "--new", "v3"]),
    ]
    for day, argv in steps:
        on_day(monkeypatch, day)
        res = run(root, *argv)
        assert res.exit_code == 0, res.stderr
        commits[day[5:]] = git(root, "rev-parse", "HEAD").strip()
    return root, commits


def shown_at(run, root: Path, at: str) -> dict:
    res = run(root, "show", "b", "--at", at, "--json")
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


def test_show_at_a_revision_follows_the_note_through_its_rename(run, history):
    root, commits = history
    first = shown_at(run, root, commits["01-10"])
    assert first["id"] == "memory/a.md" and "v1" in first["body"]
    assert first["at"] == commits["01-10"] and first["last_commit"]["commit"] == commits["01-10"]
    moved = shown_at(run, root, "HEAD~1")
    assert moved["id"] == "memory/sub/b.md" and "v2" in moved["body"]
    assert moved["at"] == commits["01-25"]
    now = shown_at(run, root, "HEAD")
    current = json.loads(run(root, "show", "b", "--json").stdout)
    assert {k: v for k, v in now.items() if k != "at"} == current  # the same shape, plus "at"


def test_show_at_a_day_is_the_last_commit_touching_the_note_by_its_end(run, history):
    root, commits = history
    on_the_day = shown_at(run, root, "2026-01-20")
    assert "v2" in on_the_day["body"] and on_the_day["at"] == commits["01-20"]
    assert on_the_day["id"] == "memory/a.md"  # not yet moved
    between = shown_at(run, root, "2026-01-15")
    assert "v1" in between["body"] and between["at"] == commits["01-10"]
    assert shown_at(run, root, "2026-01-31")["id"] == "memory/sub/b.md"
    res = run(root, "show", "b", "--at", "2026-01-20")  # the text form, and where it came from
    assert res.exit_code == 0 and "The fact: v2." in res.stdout
    assert f"memory/a.md at {commits['01-20'][:10]}" in res.stderr


def test_show_at_before_the_note_existed_or_at_nothing_says_so(run, history):
    root, commits = history
    res = run(root, "show", "b", "--at", "2026-01-05")
    assert res.exit_code == 1
    assert "did not exist at 2026-01-05" in res.stderr and commits["01-10"][:10] in res.stderr
    res = run(root, "show", "b", "--at", "no-such-rev")
    assert res.exit_code == 1 and "not a commit in this repository nor a day" in res.stderr
    (root / "memory" / "fresh.md").write_text("# Fresh\n\nNever committed.\n")
    res = run(root, "show", "fresh", "--at", "HEAD")
    assert res.exit_code == 1 and "never committed" in res.stderr


def test_log_patch_gives_each_commits_diff_of_the_note(run, history):
    root, commits = history
    res = run(root, "log", "b", "--patch", "--json")
    assert res.exit_code == 0, res.stderr
    entries = json.loads(res.stdout)
    assert [e["commit"] for e in entries] == [
        commits[d] for d in ("02-01", "01-25", "01-20", "01-10")
    ]
    newest, move, fix, first = (e["patch"] for e in entries)
    assert "-The fact: v2.\n+The fact: v3.\n" in newest
    assert "rename from memory/a.md\nrename to memory/sub/b.md" in move
    assert "-The fact: v1.\n+The fact: v2.\n" in fix
    assert "new file mode" in first and "+The fact: v1." in first
    assert "patch" not in json.loads(run(root, "log", "b", "--json").stdout)[0]
    text = run(root, "log", "b", "--patch", "--limit", "1")
    assert text.exit_code == 0 and "+The fact: v3." in text.stdout
    assert "v2." in text.stdout and "v1." not in text.stdout  # one commit's diff, not more


def test_log_patch_shows_no_control_bytes_raw(run, tmp_path, monkeypatch):
    root = tmp_path / "v"
    (root / "memory").mkdir(parents=True)
    (root / "memory" / "a.md").write_text(NOTE)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    res = run(root, "replace", "a", "--old", "v1", "--new", "v1 \x1b]0;pwned\x07")
    assert res.exit_code == 0, res.stderr
    out = run(root, "log", "a", "--patch", "--limit", "1").stdout
    assert "\x1b" not in out and "\\x1b]0;pwned" in out
