"""Several vault processes writing to one repository at once: every one succeeds, nothing is
lost, and files outside what each command touches are never staged or committed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from conftest import GIT_ENV, git
from history_helpers import status

HUB = "memory/research/2026-02-14-skin-tech-trends.md"
DEEP = "memory/research/2026-02-14-exosomes-deep-dive.md"
POST = "memory/posts/2026-01-11-exosomes-in-k-beauty.md"
ARTICLE = "memory/articles/the-rising-trend-of-exosomes-in-skincare.md"


def start(root: Path, *args: str) -> subprocess.Popen:
    """`python -m vault` in the background, as a second agent would run it."""
    return subprocess.Popen(
        [sys.executable, "-m", "vault", "--vault", str(root), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **GIT_ENV},
    )


def finish(procs: list[subprocess.Popen]) -> list[str]:
    outs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        outs.append(out.strip())
    return outs


def dirty_the_repo(root: Path) -> None:
    """An untracked file, a staged file and an unstaged edit that no command may commit."""
    (root / "scratch.txt").write_text("untracked\n")
    (root / "staged.txt").write_text("staged\n")
    git(root, "add", "staged.txt")
    path = root / ARTICLE
    path.write_text(path.read_text() + "\nan edit in progress\n")


DIRTY = sorted([f" M {ARTICLE}", "?? scratch.txt", "A  staged.txt"])


def test_four_concurrent_new_all_commit_their_own_note(git_vault):
    dirty_the_repo(git_vault)
    args = ("new", "--parent", HUB, "--title", "Same title", "--date", "2026-03-01")
    ids = finish([start(git_vault, *args) for _ in range(4)])
    assert sorted(ids) == [
        "memory/research/2026-03-01-same-title-2.md",
        "memory/research/2026-03-01-same-title-3.md",
        "memory/research/2026-03-01-same-title-4.md",
        "memory/research/2026-03-01-same-title.md",
    ]
    subjects = git(git_vault, "log", "--format=%s").splitlines()
    assert sorted(subjects[:4]) == sorted(f"vault: add {i}" for i in ids)
    for sha in git(git_vault, "rev-list", "-4", "HEAD").split():
        files = git(git_vault, "show", "--name-only", "--format=", sha).split()
        assert len(files) == 1 and files[0] in ids
    assert sorted(status(git_vault).splitlines()) == DIRTY


def test_concurrent_moves_rewriting_the_same_note_lose_no_edit(git_vault):
    dirty_the_repo(git_vault)
    procs = [
        start(git_vault, "mv", DEEP, "memory/deep/exosomes.md"),
        start(git_vault, "mv", POST, "memory/deep/k-beauty.md"),
        start(git_vault, "new", "--parent", HUB, "--title", "Meanwhile", "--date", "2026-03-02"),
    ]
    finish(procs)
    hub = (git_vault / HUB).read_text()
    # Both moves rewrote a link in the hub; neither overwrote the other's edit.
    assert "[Exosomes in Regenerative Skincare](../deep/exosomes.md)" in hub
    assert "[Exosomes in K-Beauty](../deep/k-beauty.md)" in hub
    assert git(git_vault, "rev-list", "--count", "HEAD").strip() == "4"
    assert sorted(status(git_vault).splitlines()) == DIRTY
    committed = git(git_vault, "log", "--name-only", "--format=", "HEAD~3..HEAD").split()
    assert "staged.txt" not in committed and ARTICLE not in committed


def test_a_writer_waits_for_a_held_index_lock(git_vault):
    lock = git_vault / ".git/index.lock"
    lock.write_text("")  # as if another git process were mid-commit
    proc = start(git_vault, "new", "--title", "Waits its turn", "--date", "2026-03-03")
    time.sleep(1.0)
    assert proc.poll() is None  # still waiting, not failed
    lock.unlink()
    (note,) = finish([proc])
    assert git(git_vault, "log", "-1", "--format=%s").strip() == f"vault: add {note}"
    assert status(git_vault) == ""
