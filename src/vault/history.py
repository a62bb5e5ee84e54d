"""Git, through GitPython: find the repository, commit notes, dates from history.

GitPython is imported inside the functions: importing it costs ~110 ms, which commands that
never touch git (search, list on a warm cache, --help) should not pay.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from vault.errors import GitError, NotAGitRepo
from vault.locks import LockTimeout, file_lock

if TYPE_CHECKING:
    from git import Repo

# How long to wait for git's own index.lock, held by another git process, before giving up.
INDEX_LOCK_WAIT = 30.0


def find_repo(path: Path) -> Repo | None:
    """The git work tree containing `path`, or None (no repo, bare repo, or no git at all)."""
    try:
        import git
    except ImportError:  # GitPython raises ImportError when the git executable is missing
        return None
    try:
        repo = git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    if repo.bare or repo.working_tree_dir is None:
        return None
    return repo


def require_repo(path: Path) -> Repo:
    repo = find_repo(path)
    if repo is None:
        raise NotAGitRepo(f"{path} is not inside a git work tree (run `git init` there first)")
    return repo


def run_git(repo: Repo, lock_dir: Path, *args: str) -> str:
    """Run one git command, serialised with other vault processes and patient with git's
    index.lock: a second writer waits instead of failing."""
    import git

    deadline = time.monotonic() + INDEX_LOCK_WAIT
    try:
        with file_lock(lock_dir / "git.lock", timeout=INDEX_LOCK_WAIT):
            while True:
                try:
                    return repo.git.execute(["git", *args])
                except git.GitCommandError as exc:
                    if "index.lock" in str(exc.stderr) and time.monotonic() < deadline:
                        time.sleep(0.1)
                        continue
                    raise GitError(_git_message(exc)) from exc
    except LockTimeout:
        raise GitError(
            f"another vault process kept the git lock for {INDEX_LOCK_WAIT:.0f} s; try again"
        ) from None


def _git_message(exc: Exception) -> str:
    stderr = str(getattr(exc, "stderr", "") or "").strip()
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    detail = "; ".join(ln.removeprefix("stderr:").strip(" '") for ln in lines[-2:]) or str(exc)
    cmd = getattr(exc, "command", None)
    verb = cmd[1] if isinstance(cmd, list | tuple) and len(cmd) > 1 else "git"
    return f"git {verb} failed: {detail}"


def commit_files(repo: Repo, lock_dir: Path, paths: list[Path], message: str) -> str:
    """Commit exactly `paths` (adding them first), leaving everything else staged or not as
    it was. Returns the new commit's sha."""
    rel = [os.path.relpath(p, repo.working_tree_dir) for p in paths]
    run_git(repo, lock_dir, "add", "--", *rel)
    # --only commits just these paths even when the user has other changes staged.
    run_git(repo, lock_dir, "commit", "--quiet", "--only", "-m", message, "--", *rel)
    return repo.git.rev_parse("HEAD")


def first_commit_dates(repo: Repo, root: Path, ids: list[str]) -> dict[str, str]:
    """The date (YYYY-MM-DD) of the commit that added each note, for those git knows."""
    import git

    top = Path(repo.working_tree_dir).resolve()
    wanted = {}
    for note_id in ids:
        rel = os.path.relpath(root / note_id, top).replace(os.sep, "/")
        wanted[rel] = note_id
    if not wanted:
        return {}
    try:
        out = repo.git.log(
            "--diff-filter=A",
            "--no-renames",
            "--format=@%ad",
            "--date=short",
            "--name-only",
            "-z",
            "--",
            os.path.relpath(root, top) or ".",
        )
    except git.GitCommandError:
        return {}  # e.g. a repository with no commits yet
    found: dict[str, str] = {}
    date = ""
    for chunk in out.replace("\n", "\0").split("\0"):
        chunk = chunk.strip()
        if chunk.startswith("@"):
            date = chunk[1:]
        elif chunk in wanted:
            # git log runs newest first: the last date seen is the first commit.
            found[wanted[chunk]] = date
    return found
