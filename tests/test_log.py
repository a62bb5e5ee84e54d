"""`vault log`, and `vault list --changed-since/--author`: history from git, through renames."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import GIT_ENV, git

HUB = "memory/research/2026-02-14-skin-tech-trends.md"
DEEP = "memory/research/2026-02-14-exosomes-deep-dive.md"
POST = "memory/posts/2026-01-11-exosomes-in-k-beauty.md"
ARTICLE = "memory/articles/the-rising-trend-of-exosomes-in-skincare.md"


def commit_as(root: Path, who: str, when: str, message: str, edits: dict[str, str]) -> str:
    """Append to notes and commit them as `who` at `when` (author and committer dates)."""
    for rel, extra in edits.items():
        path = root / rel
        path.write_text(path.read_text() + extra)
    env = {
        **os.environ,
        **GIT_ENV,
        "GIT_AUTHOR_NAME": who,
        "GIT_AUTHOR_EMAIL": f"{who.split()[0].lower()}@example.com",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    subprocess.run(["git", "add", "--", *edits], cwd=root, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=root, check=True, env=env)
    return git(root, "rev-parse", "HEAD").strip()


@pytest.fixture
def history(git_vault) -> Path:
    """The example vault with three dated commits after the initial one."""
    commit_as(git_vault, "Ada Human", "2026-03-01T09:00:00+01:00", "hub: trends", {HUB: "\nx\n"})
    commit_as(
        git_vault,
        "Claude Assistant",
        "2026-03-05T10:00:00+00:00",
        "exosomes: stability notes\n\nFrom the March literature scan.",
        {DEEP: "\ny\n", POST: "\nz\n"},
    )
    commit_as(git_vault, "Ada Human", "2026-03-09T11:30:00+00:00", "article", {ARTICLE: "\nw\n"})
    return git_vault


def log_json(run, root, *args, cwd=None):
    res = run(root, "log", *args, "--json", cwd=cwd)
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


def test_log_of_the_vault_lists_commits_newest_first_with_their_notes(run, history):
    entries = log_json(run, history)
    assert [e["message"].split("\n")[0] for e in entries] == [
        "article",
        "exosomes: stability notes",
        "hub: trends",
        "initial",
    ]
    second = entries[1]
    assert set(second) == {"commit", "author", "email", "date", "message", "notes"}
    assert second["author"] == "Claude Assistant"
    assert second["email"] == "claude@example.com"
    assert second["date"] == "2026-03-05T10:00:00+00:00"
    assert dt.datetime.fromisoformat(entries[0]["date"]).utcoffset() is not None
    assert second["message"] == "exosomes: stability notes\n\nFrom the March literature scan."
    assert second["notes"] == [POST, DEEP]
    assert second["commit"] == git(history, "rev-parse", "HEAD~1").strip()
    assert sorted(entries[-1]["notes"]) == sorted([HUB, DEEP, POST, ARTICLE])


def test_log_filters_by_date_commit_author_and_limit(run, history):
    subjects = lambda es: [e["message"].split("\n")[0] for e in es]  # noqa: E731
    assert subjects(log_json(run, history, "--since", "2026-03-05")) == [
        "article",
        "exosomes: stability notes",
    ]
    since_commit = git(history, "rev-parse", "HEAD~2").strip()
    assert subjects(log_json(run, history, "--since", since_commit)) == [
        "article",
        "exosomes: stability notes",
    ]
    assert subjects(log_json(run, history, "--since", "HEAD~1")) == ["article"]
    assert subjects(log_json(run, history, "--author", "claude")) == ["exosomes: stability notes"]
    assert subjects(log_json(run, history, "--author", "ADA", "--limit", "1")) == ["article"]
    assert log_json(run, history, "--author", "nobody") == []


def test_log_human_output(run, history):
    res = run(history, "log", "--limit", "2")
    lines = res.stdout.splitlines()
    sha = git(history, "rev-parse", "HEAD").strip()
    assert lines[0] == f"{sha[:10]}  2026-03-09  Ada Human  article"
    assert lines[1] == f"    {ARTICLE}"
    assert lines[2].endswith("Claude Assistant  exosomes: stability notes")
    assert run(history, "log", "--author", "nobody").stderr == "No commits match.\n"


def test_log_of_a_note_follows_its_renames(run, history):
    new = "memory/hubs/trends.md"
    assert run(history, "mv", HUB, new).exit_code == 0
    entries = log_json(run, history, "trends")
    assert [e["message"].split("\n")[0] for e in entries] == [
        f"vault: move {HUB} -> {new}",
        "hub: trends",
        "initial",
    ]
    # Older commits name the note by where it is now.
    assert entries[1]["notes"] == [new]
    assert new in entries[2]["notes"] and HUB not in entries[2]["notes"]
    # And the whole-vault log too.
    assert log_json(run, history, "--limit", "4")[3]["notes"] == [new]


def test_log_since_rejects_what_is_neither_a_date_nor_a_commit(run, history):
    res = run(history, "log", "--since", "last tuesday-ish")
    assert res.exit_code == 1
    assert res.stderr == (
        "Error: --since: 'last tuesday-ish' is not a date (YYYY-MM-DD), 'N days ago', or a "
        "commit in this repository\n"
    )
    assert run(history, "log", "--since", "2026-02-30").exit_code == 1


def test_list_changed_since_and_author(run, history):
    def ids(*args):
        res = run(history, "list", *args, "--json")
        assert res.exit_code == 0, res.stderr
        return sorted(n["id"] for n in json.loads(res.stdout))

    assert ids("--changed-since", "2026-03-04") == sorted([DEEP, POST, ARTICLE])
    assert ids("--author", "claude") == sorted([DEEP, POST])
    assert ids("--author", "claude", "--changed-since", "2026-03-06") == []
    assert ids("--changed-since", "HEAD~1") == [ARTICLE]
    assert ids("--changed-since", "3 days ago") == []  # the history is dated March 2026
    assert ids("--changed-since", "2000-01-01", "--type", "technical supplement") == [DEEP]
    res = run(history, "list", "--changed-since", "nope")
    assert res.exit_code == 1 and res.stderr.startswith("Error: --changed-since: 'nope'")


def test_list_changed_since_names_renamed_notes_by_their_new_name(run, history):
    assert run(history, "mv", DEEP, "memory/deep.md").exit_code == 0
    res = run(history, "list", "--author", "claude", "--json")
    assert sorted(n["id"] for n in json.loads(res.stdout)) == ["memory/deep.md", POST]


def test_outside_git_log_fails_clearly_and_list_still_works(run, vault_copy):
    res = run(vault_copy, "log")
    assert res.exit_code == 1
    assert res.stderr.startswith("Error: ") and "is not inside a git work tree" in res.stderr
    assert run(vault_copy, "list").exit_code == 0
    res = run(vault_copy, "list", "--changed-since", "2026-01-01")
    assert res.exit_code == 1 and "git init" in res.stderr


def test_log_in_a_repository_without_commits_is_empty(run, vault_copy):
    git(vault_copy, "init", "-q")
    assert log_json(run, vault_copy) == []


def test_search_changed_since_and_author(run, history):
    def ids(*args):
        res = run(history, "search", "exosomes", *args, "--json")
        assert res.exit_code == 0, res.stderr
        return sorted(hit["id"] for hit in json.loads(res.stdout))

    everything = ids()
    assert set(everything) >= {HUB, DEEP, POST, ARTICLE}
    assert ids("--author", "claude") == sorted([DEEP, POST])
    assert ids("--changed-since", "HEAD~1") == [ARTICLE]
    assert ids("--changed-since", "2026-03-10") == []
    res = run(history, "search", "exosomes", "--changed-since", "nope")
    assert res.exit_code == 1 and res.stderr.startswith("Error: --changed-since: 'nope'")
