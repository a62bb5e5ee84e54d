"""`vault mv` killed midway (SIGKILL at named moments, not after a delay): the next vault
command finishes or undoes it before doing anything else, says so in one line on stderr,
and never overwrites what someone wrote after the crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GIT_ENV, git, run_process, state_dir
from conftest import snapshot as tree
from history_helpers import status

HUB = "memory/research/2026-02-14-skin-tech-trends.md"
HUB_NEW = "memory/hubs/skin-tech-trends-2026.md"
DEEP = "memory/research/2026-02-14-exosomes-deep-dive.md"
RECORD = "unfinished-mv.json"
# The moments apply.py can die at, in the order they happen.
BEFORE_COMMIT = ["recorded", "rewrote-first", "rewrote-all", "moved-first", "staged"]


def _kill(root: Path, event: str, *args: str) -> int:
    """Run `vault mv ARGS` in its own process, SIGKILLed at `event`; its pid."""
    popen = subprocess.Popen(
        [sys.executable, "-m", "vault", "--vault", str(root), "mv", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **GIT_ENV, "VAULT_TEST_KILL_AT": event},
    )
    _out, err = popen.communicate(timeout=120)
    assert popen.returncode == -9, (event, err)
    return popen.pid


def index(root: Path) -> str:
    return git(root, "ls-files", "-s")


def hidden_files(root: Path) -> list[str]:
    return sorted(
        os.path.relpath(os.path.join(d, f), root)
        for d, dirs, files in os.walk(root / "memory")
        for f in files
        if f.startswith(".")
    )


@pytest.mark.parametrize("event", BEFORE_COMMIT)
def test_a_move_killed_before_its_commit_is_undone_by_the_next_command(git_vault, event):
    before, head, idx = tree(git_vault), git(git_vault, "rev-parse", "HEAD"), index(git_vault)
    _kill(git_vault, event, HUB, HUB_NEW)
    assert (state_dir(git_vault) / RECORD).exists()
    res = run_process(git_vault, "list")
    assert res.exit_code == 0, res.stderr
    line = res.stderr.splitlines()[0]
    assert line.startswith(f"vault: undid an interrupted `vault mv {HUB} -> {HUB_NEW}` (process ")
    assert line.endswith("; run the move again")
    assert "2026-02-14-skin-tech-trends.md" in res.stdout
    assert tree(git_vault) == before
    assert index(git_vault) == idx and status(git_vault) == ""
    assert git(git_vault, "rev-parse", "HEAD") == head
    assert not (git_vault / "memory/hubs").exists()
    assert not (state_dir(git_vault) / RECORD).exists()
    # Said once: the next command has nothing to recover, and the move now works.
    assert run_process(git_vault, "list").stderr == ""
    res = run_process(git_vault, "mv", HUB, HUB_NEW)
    assert res.exit_code == 0, res.stderr


def test_a_move_killed_after_its_commit_is_finished(git_vault, run, tmp_path):
    # What a move that is not killed leaves, for comparison.
    reference = tmp_path / "reference"
    git(tmp_path, "clone", "-q", str(git_vault), str(reference))
    assert run(reference, "mv", HUB, HUB_NEW).exit_code == 0
    head = git(git_vault, "rev-parse", "HEAD").strip()
    _kill(git_vault, "committed", HUB, HUB_NEW)
    res = run_process(git_vault, "list")
    assert res.exit_code == 0
    sha = git(git_vault, "rev-parse", "HEAD").strip()
    assert res.stderr.startswith(f"vault: finished an interrupted `vault mv {HUB} -> {HUB_NEW}`")
    assert res.stderr.endswith(f": it had committed {sha[:10]}\n")
    assert res.stderr.count("\n") == 1
    assert git(git_vault, "rev-parse", "HEAD~1").strip() == head
    assert status(git_vault) == ""
    assert tree(git_vault) == tree(reference)
    assert not (state_dir(git_vault) / RECORD).exists()


def test_a_note_edited_after_the_crash_is_never_overwritten(git_vault):
    before = tree(git_vault)
    _kill(git_vault, "rewrote-all", HUB, HUB_NEW)
    deep = git_vault / DEEP
    assert f"Parent: {HUB_NEW}" in deep.read_text()  # the killed move had rewritten it
    mine = deep.read_bytes() + b"\nWritten after the crash.\n"
    deep.write_bytes(mine)
    res = run_process(git_vault, "list")
    assert res.exit_code == 0
    assert f"left as they are, changed since: {DEEP}" in res.stderr.splitlines()[0]
    assert deep.read_bytes() == mine
    after = tree(git_vault)
    assert {k: v for k, v in after.items() if k != DEEP} == {
        k: v for k, v in before.items() if k != DEEP
    }


def test_the_temp_file_of_a_killed_write_is_removed(git_vault):
    pid = _kill(git_vault, "rewrote-first", HUB, HUB_NEW)
    # As if it had died inside write_atomic: the next note's temp file, half written.
    deep = git_vault / DEEP
    (deep.parent / f".{deep.name}.{pid}.tmp").write_text("half a no")
    assert hidden_files(git_vault)
    res = run_process(git_vault, "list", "--json")
    assert res.exit_code == 0 and res.stderr.startswith("vault: undid")
    assert hidden_files(git_vault) == []
    assert len(json.loads(res.stdout)) == 4


def test_a_folder_move_killed_halfway_is_undone(git_vault):
    before, idx = tree(git_vault), index(git_vault)
    _kill(git_vault, "moved-first", "memory/research", "memory/studies")
    assert (git_vault / "memory/studies").exists()
    res = run_process(git_vault, "tree")
    assert res.exit_code == 0 and res.stderr.startswith("vault: undid an interrupted")
    assert tree(git_vault) == before and index(git_vault) == idx
    assert not (git_vault / "memory/studies").exists()


def test_a_killed_no_commit_move_is_undone(git_vault):
    before, idx = tree(git_vault), index(git_vault)
    _kill(git_vault, "staged", HUB, HUB_NEW, "--no-commit")
    res = run_process(git_vault, "show", HUB)
    assert res.exit_code == 0 and "undid an interrupted" in res.stderr
    assert tree(git_vault) == before and index(git_vault) == idx


def test_a_killed_move_outside_git_is_undone(vault_copy):
    before = tree(vault_copy)
    _kill(vault_copy, "moved-first", HUB, HUB_NEW, "--no-commit")
    res = run_process(vault_copy, "list")
    assert res.exit_code == 0 and res.stderr.startswith("vault: undid")
    assert tree(vault_copy) == before


def test_writers_recover_first_and_a_writer_that_raced_the_crash_stops(git_vault):
    from vault.create import new_note
    from vault.locks import UnfinishedMove
    from vault.model import NewNote
    from vault.vault import open_vault

    _kill(git_vault, "moved-first", HUB, HUB_NEW)
    half = tree(git_vault)
    # A writer that got past the start of its command before the move was killed meets
    # the record under the write lock and stops, writing nothing.
    with pytest.raises(UnfinishedMove, match="run the command again"):
        new_note(open_vault(git_vault), NewNote(title="Racer", body=""), None, commit=False)
    assert tree(git_vault) == half
    res = run_process(git_vault, "new", "--parent", HUB, "--title", "After", input="")
    assert res.exit_code == 0, res.stderr
    assert res.stderr.startswith("vault: undid an interrupted")
    shown = run_process(git_vault, "show", res.stdout.strip(), "--json")
    assert json.loads(shown.stdout)["parent"] == HUB


def test_a_recovery_that_is_itself_killed_is_run_again(git_vault, monkeypatch):
    """Undo is idempotent: running it on a half-undone vault gives the same result."""
    from vault.intents import read_move_record
    from vault.mv.recover import undo
    from vault.vault import open_vault

    before, idx = tree(git_vault), index(git_vault)
    _kill(git_vault, "staged", HUB, HUB_NEW)
    vault = open_vault(git_vault)
    undo(vault, read_move_record(vault), None)  # files back, index not yet
    res = run_process(git_vault, "list")
    assert res.exit_code == 0 and "0 notes restored, 0 notes moved back" in res.stderr
    assert tree(git_vault) == before and index(git_vault) == idx


def _hub_with_referrers(root: Path, count: int) -> str:
    hub = "memory/hub.md"
    (root / "memory/notes").mkdir(parents=True)
    (root / hub).write_text("# Hub\n\nType: Research Hub\n")
    for i in range(count):
        (root / f"memory/notes/{i:04d}.md").write_text(
            f"# Note {i}\n\nParent: {hub}\n\nSee [the hub](../hub.md).\n"
        )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "hub and notes")
    return hub


def test_the_recovery_line_names_five_notes_kept_and_counts_the_rest(tmp_path):
    root = tmp_path / "vault"
    hub = _hub_with_referrers(root, 8)
    _kill(root, "rewrote-all", hub, "memory/hubs/hub.md")
    notes = [f"memory/notes/{i:04d}.md" for i in range(8)]
    for note in notes:  # every rewritten note edited after the crash: all are kept
        with (root / note).open("a", encoding="utf-8") as f:
            f.write("Written after the crash.\n")
    res = run_process(root, "list")
    assert res.exit_code == 0, res.stderr
    line = res.stderr.splitlines()[0]
    assert line.endswith(
        ": 0 notes restored, 0 notes moved back; left as they are, changed since: "
        + ", ".join(notes[:5])
        + " and 3 more; run the move again"
    ), line


def test_the_recovery_line_says_when_git_s_index_could_not_be_restored():
    from vault import render
    from vault.mv.recover import Recovery, Undone

    done = Undone(restored=1, moved_back=2, kept=["a.md"], index_problem="index.lock exists")
    assert render.recovery_text(Recovery("`vault mv a.md -> b.md` (process 7)", undone=done)) == (
        "undid an interrupted `vault mv a.md -> b.md` (process 7): 1 note restored, 2 notes "
        "moved back; left as they are, changed since: a.md; git's index could not be restored "
        "(index.lock exists): check `git status`; run the move again"
    )


@pytest.mark.slow
def test_a_killed_move_of_1200_notes_is_undone_whole(tmp_path):
    root = tmp_path / "vault"
    hub = _hub_with_referrers(root, 1200)
    before, idx = tree(root), index(root)
    _kill(root, "moved-first", hub, "memory/hubs/hub.md")
    stale = [p for p, data in tree(root).items() if b"memory/hubs/hub.md" in data]
    assert len(stale) == 1200  # every note pointing at a file that is not there
    res = run_process(root, "list", "--json")
    assert res.exit_code == 0
    assert "1200 notes restored, 1 note moved back" in res.stderr
    assert len(json.loads(res.stdout)) == 1201
    assert tree(root) == before and index(root) == idx and status(root) == ""


def test_a_git_hook_running_vault_during_a_move_does_not_wait_for_the_move(git_vault, trust):
    """The move's record exists while its pre-commit hook runs `vault check`: that vault
    must not wait for the move's lock (the move is waiting for it)."""
    hook = git_vault / ".git/hooks/pre-commit"
    hook.write_text(
        "#!/bin/sh\nunset GIT_INDEX_FILE\n"
        f"'{sys.executable}' -m vault --vault '{git_vault}' list >/dev/null || exit 1\n"
    )
    hook.chmod(0o755)
    res = run_process(git_vault, "mv", HUB, HUB_NEW, env=trust(git_vault))
    assert res.exit_code == 0, res.stderr
    assert status(git_vault) == ""
