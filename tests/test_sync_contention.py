"""`vault sync` under contention: several machines (clones of one bare remote, each with its
own derived data, each `vault` command its own process) write new notes and append to one
shared note while syncing, all at once. Nothing may be lost, nothing left to resolve.

bench/bench_sync.py runs the same with 8 clones and over `git daemon` too.
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
from pathlib import Path

import pytest
from conftest import git, run_process

SHARED = "memory/shared.md"
CLONES = 3
NOTES = 3  # new notes per clone
PARAGRAPHS = 2  # paragraphs each clone appends to the shared note


def paragraph(clone: int, k: int) -> str:
    return f"Paragraph {k} from clone {clone}."


@pytest.fixture
def remote_and_clones(tmp_path) -> tuple[Path, list[Path]]:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    clones = [tmp_path / f"m{i}" for i in range(CLONES)]
    git(tmp_path, "clone", "-q", str(remote), str(clones[0]))
    (clones[0] / "memory").mkdir()
    (clones[0] / SHARED).write_text("# Shared\n\nWhat every machine adds to.\n")
    assert run_process(clones[0], "sync").exit_code == 0
    for clone in clones[1:]:
        git(tmp_path, "clone", "-q", str(remote), str(clone))
    return remote, clones


def own_env(clone: Path) -> dict[str, str]:
    """Each machine keeps its own derived data."""
    return {"XDG_CACHE_HOME": str(clone.parent / f"{clone.name}-cache")}


def machine(i: int, clone: Path, failures: list[str], syncs: list[dict]) -> None:
    """One machine's work: a new note, an append to the shared note, a sync, and again."""
    env = own_env(clone)

    def vault(*args: str, input: str | None = None):
        res = run_process(clone, *args, input=input, env=env)
        if res.exit_code != 0:
            failures.append(f"m{i} {' '.join(args)}: {res.stderr.strip()}")
        return res

    for k in range(max(NOTES, PARAGRAPHS)):
        if k < NOTES:
            vault("new", "--title", f"Note {k} from clone {i}", "--date", "2026-03-01", input="")
        if k < PARAGRAPHS:
            vault("append", "shared", input=paragraph(i, k) + "\n")
        res = vault("sync", "--json")
        if res.exit_code == 0:
            syncs.append(json.loads(res.stdout))


def test_concurrent_machines_lose_nothing(remote_and_clones):
    remote, clones = remote_and_clones
    failures: list[str] = []
    syncs: list[dict] = []
    threads = [
        threading.Thread(target=machine, args=(i, c, failures, syncs)) for i, c in enumerate(clones)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    for clone in clones:  # one more sync everywhere
        res = run_process(clone, "sync", "--json", env=own_env(clone))
        assert res.exit_code == 0, res.stderr
    # Every clone and the remote hold every note and every paragraph, once, at one commit.
    heads = {git(c, "rev-parse", "HEAD").strip() for c in clones}
    assert heads == {git(remote, "rev-parse", "main").strip()}
    tree = git(remote, "ls-tree", "-r", "--name-only", "main").split()
    made = sorted(p for p in tree if p != SHARED)
    assert len(made) == CLONES * NOTES, made
    assert not [p for p in tree if ".conflict-" in p]
    shared = git(remote, "show", f"main:{SHARED}")
    for i in range(CLONES):
        positions = [shared.index(paragraph(i, k)) for k in range(PARAGRAPHS)]
        assert positions == sorted(positions)  # each machine's additions in its order
        for k in range(PARAGRAPHS):
            assert shared.count(paragraph(i, k)) == 1
    for clone in clones:
        assert (clone / SHARED).read_text() == shared
        assert sorted(str(p.relative_to(clone)) for p in (clone / "memory").rglob("*.md")) == (
            sorted(tree)
        )
        assert git(clone, "status", "--porcelain") == ""
    # No conflict marker anywhere, git's own check clean, no commit lost: the seed, then one
    # commit per note created and per paragraph appended.
    grep = subprocess.run(["git", "grep", "-n", "-E", "^(<<<<<<<|>>>>>>>)", "main"], cwd=remote)
    assert grep.returncode == 1
    for where in (remote, *clones):
        git(where, "fsck", "--strict", "--no-progress")
    commits = int(git(remote, "rev-list", "--count", "main"))
    assert commits == 1 + CLONES * (NOTES + PARAGRAPHS)
    subjects = git(remote, "log", "--format=%s", "main").splitlines()
    assert sum(s.startswith("vault: append to") for s in subjects) == CLONES * PARAGRAPHS
    # What the syncs said adds up: some pulled, some merged appends made on both sides.
    assert all(re.fullmatch(r"[0-9]+", str(s["retries"])) for s in syncs)
    assert all(s["conflicts"] == [] for s in syncs)
