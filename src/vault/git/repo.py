"""The vault's git work tree, through GitPython: the `vault.repository.Repository` protocol.

Opening one is cheap (a look for `.git` above the vault root); GitPython itself (~110 ms to
import) is imported on the first call that needs git, so commands that never do never pay.
Every git command that changes the repository goes through `run`, serialised with other
vault processes and patient with git's own index.lock.
"""

from __future__ import annotations

import os
import subprocess
import time
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from vault.errors import GitError, NotAGitRepo
from vault.git.messages import GIT_MISSING, git_message
from vault.locks import LockTimeout, file_lock
from vault.vault import Vault

if TYPE_CHECKING:
    from git import Repo

# How long to wait for git's own index.lock, held by another git process, before giving up.
INDEX_LOCK_WAIT = 30.0


def find_top(path: Path) -> Path | None:
    """The top of the git work tree holding `path` (a folder with a `.git` entry), or None."""
    for folder in (path, *path.parents):
        if (folder / ".git").exists():
            return folder
    return None


def open_repository(vault: Vault) -> GitRepository | None:
    """The work tree holding the vault, or None when it is not in one."""
    top = find_top(vault.root)
    return GitRepository(vault, top) if top is not None else None


def require_repository(vault: Vault, why: str = "") -> GitRepository:
    repo = open_repository(vault)
    if repo is None:
        raise NotAGitRepo(
            f"{vault.root} is not inside a git work tree"
            + (f", {why}" if why else "")
            + " (run `git init` there first)"
        )
    return repo


class GitRepository:
    """A git work tree holding a vault (see vault.repository.Repository)."""

    def __init__(self, vault: Vault, top: Path):
        self.vault = vault
        # The work tree's top folder, resolved.
        self.top = top.resolve()

    @cached_property
    def git(self) -> Repo:
        """The GitPython repository (imports GitPython on first use)."""
        try:
            import git
        except ImportError:  # GitPython raises ImportError when the git executable is missing
            raise GitError(GIT_MISSING) from None
        try:
            repo = git.Repo(self.top)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise NotAGitRepo(f"{self.top} has a .git entry but is not a git work tree") from None
        if repo.bare or repo.working_tree_dir is None:
            raise NotAGitRepo(f"{self.top} is a bare repository, not a work tree")
        return repo

    # --- paths ---------------------------------------------------------------------------

    def path(self, note_id: str) -> str:
        """A note id as a path relative to the work tree's top (what git prints and takes)."""
        return os.path.relpath(self.vault.root / note_id, self.top).replace(os.sep, "/")

    def note_id(self, git_path: str) -> str | None:
        """The note id of a path git printed, or None when it is not a note of this vault."""
        rel = os.path.relpath(self.top / git_path, self.vault.root).replace(os.sep, "/")
        prefix = self.vault.notes_prefix
        if rel.startswith("../") or not rel.lower().endswith(".md") or not rel.startswith(prefix):
            return None
        return rel

    def vault_path(self, git_path: str) -> str:
        """Any path git printed, relative to the vault root."""
        return os.path.relpath(self.top / git_path, self.vault.root).replace(os.sep, "/")

    def spec(self, folder: Path) -> str:
        """A folder as a git pathspec."""
        return os.path.relpath(folder, self.top).replace(os.sep, "/")

    @property
    def notes_spec(self) -> str:
        """The notes folder as a git pathspec."""
        return self.spec(self.vault.notes_dir)

    # --- running git ---------------------------------------------------------------------

    def run(self, *args: str) -> str:
        """Run one git command that may change the repository, serialised with other vault
        processes and patient with git's index.lock: a second writer waits, not fails."""
        import git

        repo = self.git
        deadline = time.monotonic() + INDEX_LOCK_WAIT
        try:
            with file_lock(self.vault.locks_dir / "git.lock", timeout=INDEX_LOCK_WAIT):
                while True:
                    try:
                        return repo.git.execute(["git", *args])
                    except git.GitCommandError as exc:
                        if "index.lock" in str(exc.stderr) and time.monotonic() < deadline:
                            time.sleep(0.1)
                            continue
                        raise GitError(git_message(exc)) from exc
        except LockTimeout:
            raise GitError(
                f"another vault process kept the git lock for {INDEX_LOCK_WAIT:.0f} s; try again"
            ) from None

    def has_commits(self) -> bool:
        try:
            self.git.head.commit  # noqa: B018
        except ValueError:
            return False
        return True

    # --- the Repository protocol -----------------------------------------------------------

    def first_commit_dates(self, ids: list[str]) -> dict[str, str]:
        from vault.git.dates import first_commit_dates

        try:
            return first_commit_dates(self, ids)
        except (GitError, NotAGitRepo):
            return {}  # no git, or a broken repository: the notes fall back to their mtime

    def changed_notes(self, since: str | None, author: str | None, what: str) -> set[str]:
        from vault.git.log import changed_note_ids

        return changed_note_ids(self, since, author, what)

    def check_can_commit(self) -> None:
        return None

    def commit(self, ids: list[str], message: str, *, stage: bool = True) -> str:
        paths = [self.path(i) for i in ids]
        if stage:
            self.run("add", "--", *paths)
        # --only commits just these paths even when the user has other changes staged.
        self.run("commit", "--quiet", "--only", "-m", message, "--", *paths)
        return self.git.git.rev_parse("HEAD")

    def tracked(self, ids: list[str]) -> set[str]:
        if not ids:
            return set()
        by_path = {self.path(i): i for i in ids}
        out = self.git.git.ls_files("-z", "--", *by_path)
        return {by_path[p] for p in out.split("\0") if p in by_path}

    def save_index(self, ids: list[str]) -> object:
        return self.git.git.ls_files("-s", "-z", "--", *[self.path(i) for i in ids]) if ids else ""

    def restore_index(self, saved: object, added: list[str]) -> None:
        news = [self.path(i) for i in added]
        if news:
            self.git.git.rm("--cached", "--quiet", "--ignore-unmatch", "--", *news)
        if isinstance(saved, str) and saved.strip("\0"):
            subprocess.run(
                ["git", "update-index", "-z", "--index-info"],
                input=saved.encode("utf-8"),
                cwd=self.top,
                check=True,
                capture_output=True,
            )

    def stage_moves(self, moves: list[tuple[str, str]]) -> None:
        if not moves:
            return
        # Same index result as `git mv` for each note, in two git calls for any number.
        self.run("rm", "--cached", "--quiet", "--", *[self.path(o) for o, _ in moves])
        self.run("add", "--", *[self.path(n) for _, n in moves])

    def stage(self, ids: list[str]) -> None:
        if ids:
            self.run("add", "--", *[self.path(i) for i in ids])
