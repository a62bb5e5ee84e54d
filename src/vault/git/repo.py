"""The vault's git work tree as the core sees it: the `vault.repository.Repository` protocol,
built on vault.git.worktree (paths, the git object, `run`); first-commit dates and the
changed notes come from the queries in vault.git.dates and vault.git.log.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

from vault.conflict_files import refusal
from vault.errors import GitError, InvalidInput, NotAGitRepo
from vault.git.dates import first_commit_dates
from vault.git.gitpython import gitpython
from vault.git.messages import git_message
from vault.git.worktree import INDEX_LOCK_WAIT, WorkTree
from vault.locate import git_top
from vault.repository import with_trailers, without_trailers
from vault.vault import Vault

if TYPE_CHECKING:
    from vault.model import LogEntry, NoteVersion, Provenance


def open_repository(vault: Vault) -> GitRepository | None:
    """The work tree holding the vault, or None when it is not in one."""
    top = git_top(vault.root)  # the rule finding a vault uses too
    return GitRepository(vault, Path(top)) if top is not None else None


def require_repository(vault: Vault, why: str = "") -> GitRepository:
    repo = open_repository(vault)
    if repo is None:
        raise NotAGitRepo(
            f"{vault.root} is not inside a git work tree"
            + (f", {why}" if why else "")
            + " (run `git init` there first)"
        )
    return repo


class GitRepository(WorkTree):
    """A git work tree holding a vault (see vault.repository.Repository)."""

    # --- the Repository protocol -----------------------------------------------------------

    def first_commit_dates(self, ids: list[str]) -> dict[str, str]:
        try:
            return first_commit_dates(self, ids)
        except (GitError, NotAGitRepo):
            return {}  # no git, or a broken repository: the notes fall back to their mtime

    def changed_notes(self, since: str | None, author: str | None, what: str) -> set[str]:
        from vault.git.log import changed_note_ids  # with its model: not for `new`

        return changed_note_ids(self, since, author, what)

    def check_can_commit(self) -> None:
        problem = operation_in_progress(self.git_dir())
        if problem:
            raise GitError(problem)

    def commit(
        self,
        ids: list[str],
        message: str,
        *,
        stage: bool = True,
        provenance: Provenance | None = None,
    ) -> str:
        """Commit these notes alone, with vault's trailers; never a note holding conflict
        markers (GitError)."""
        message = with_trailers(message, provenance)  # every commit vault makes: one place
        paths = [self.path(i) for i in ids]
        for note_id in ids:
            try:
                why = refusal(note_id, self.vault.path_of(note_id).read_bytes())
            except OSError:
                continue  # a deletion, or a file git will say more about
            if why:
                raise GitError(why)
        saved = self.save_index(ids) if stage else ""
        try:
            if stage:
                self.run("add", paths=paths)
            # --only commits just these paths even when the user has other changes staged.
            self.run("commit", "--quiet", "--only", "-m", message, paths=paths)
        except GitError:
            if stage:  # leave nothing staged that this call staged
                known = set(_entry_paths(saved))
                try:
                    self.restore_index(saved, [i for i in ids if self.path(i) not in known])
                except (GitError, OSError):
                    pass  # the commit's own error says more
            raise
        return self.git.git.rev_parse("HEAD")

    def _entries(self, ids: list[str]) -> dict[str, list[str]]:
        """git path -> its index entries ("mode sha stage\\tpath"), for the ids git tracks:
        a few ids named on the command line, else one listing of the vault's part of the
        index (no command line grows with the ids)."""
        wanted = {self.path(i) for i in ids}
        if not wanted:
            return {}
        if len(wanted) <= _FEW_PATHS:  # `new`, `append`: not the listing of 100,000 entries
            argv = ["git", "--literal-pathspecs", "ls-files", "-s", "-z", "--", *sorted(wanted)]
            out = self.git.git.execute(argv)
        else:
            out = self.git.git.ls_files("-s", "-z", "--", self.spec(self.vault.root))
        found: dict[str, list[str]] = {}
        for entry in out.split("\0"):
            path = entry.split("\t", 1)[-1]
            if entry and path in wanted:
                found.setdefault(path, []).append(entry)
        return found

    def tracked(self, ids: list[str]) -> set[str]:
        found = self._entries(ids)
        return {i for i in ids if self.path(i) in found}

    def dirty(self, ids: list[str]) -> set[str]:
        by_path = {self.path(i): i for i in ids}
        if not by_path:
            return set()
        out = self.git.git.status(
            "--porcelain=v1",
            "-z",
            "--no-renames",
            "--untracked-files=no",
            "--",
            self.spec(self.vault.root),
        )
        return {by_path[e[3:]] for e in out.split("\0") if len(e) > 3 and e[3:] in by_path}

    def find_commit(self, parent: str | None, message: str) -> str | None:
        git = gitpython()
        lock = self.git_dir() / "index.lock"
        deadline = time.monotonic() + INDEX_LOCK_WAIT
        while lock.exists() and time.monotonic() < deadline:
            time.sleep(0.1)  # a git commit may still be finishing after its caller died
        if self.head() is None:
            return None
        try:
            out = self.git.git.log("-n", "100", "--format=%H%x1f%P%x1f%B%x1e", "HEAD")
        except git.GitCommandError as exc:
            raise GitError(git_message(exc)) from exc
        for chunk in out.split("\x1e"):
            fields = chunk.strip("\n").split("\x1f")
            if len(fields) != 3:
                continue
            sha, parents, body = fields
            first = parents.split()[0] if parents.split() else None
            if first == parent and without_trailers(body) == without_trailers(message):
                return sha
        return None

    def save_index(self, ids: list[str]) -> str:
        found = self._entries(ids)
        return "".join(e + "\0" for entries in found.values() for e in entries)

    def restore_index(self, saved: str, added: list[str]) -> None:
        news = [self.path(i) for i in added]
        if news:
            self.run("rm", "--cached", "--quiet", "--ignore-unmatch", paths=news)
        if saved.strip("\0"):
            # A path that is not UTF-8 came out of git as lone surrogates: back to its bytes.
            data = saved.encode("utf-8", "surrogateescape")
            self.run("update-index", "-z", "--index-info", input=data)

    def stage_moves(self, moves: list[tuple[str, str]]) -> None:
        if not moves:
            return
        # Same index result as `git mv` for each note, in two git calls for any number.
        self.run("rm", "--cached", "--quiet", paths=[self.path(o) for o, _ in moves])
        self.run("add", paths=[self.path(n) for _, n in moves])

    def stage(self, ids: list[str]) -> None:
        if ids:
            self.run("add", paths=[self.path(i) for i in ids])

    def removals(self) -> dict[str, str]:
        if self.head() is None:
            return {}
        out = self.git.git.log(
            "--diff-filter=D",
            "--no-renames",
            "--name-only",
            "-z",
            "--format=%x1e%H",
            "HEAD",
            "--",
            self.spec(self.vault.root),
        )
        found: dict[str, str] = {}
        for chunk in out.split("\x1e"):
            # "<sha>\0\n<path>\0<path>\0...": the format line, then the removed paths.
            sha, *names = [part.strip("\n") for part in chunk.split("\0")]
            for name in names:
                note_id = self.note_id(name) if name else None
                if note_id is not None and sha:
                    found.setdefault(note_id, sha)  # newest first: the latest removal
        return found

    def note_at(self, note_id: str, rev: str) -> bytes | None:
        git = gitpython()
        try:
            out = self.git.git.execute(
                ["git", "cat-file", "blob", f"{rev}:{self.path(note_id)}"],
                stdout_as_string=False,
                strip_newline_in_stdout=False,  # the note's bytes, its last newline included
            )
        except git.GitCommandError:
            return None
        return out

    def version(self, note_id: str, at: str) -> NoteVersion:
        from vault.git.log import note_version

        return note_version(self, note_id, at)

    def last_commit(self, note_id: str) -> LogEntry | None:
        from vault.git.log import last_commit

        try:
            return last_commit(self, note_id)
        except (GitError, NotAGitRepo):
            return None  # a broken repository: `show` still shows the note

    def last_commits(self) -> dict[str, LogEntry]:
        from vault.git.log import last_commits

        return last_commits(self)

    def revision(self, note_id: str, at: str) -> str:
        git = gitpython()
        if not at.strip() or at.startswith("-"):
            raise InvalidInput(f"--at {at!r}: give a commit (a sha, HEAD~2, a tag) or a date")
        try:
            return self.git.git.rev_parse(
                "--verify", "--quiet", "--end-of-options", at + "^{commit}"
            )
        except git.GitCommandError:
            pass
        # A day alone means the end of it: the note as it stood that evening.
        before = f"{at} 23:59:59" if _DAY.match(at) else at
        try:
            sha = self.git.git.log(
                "-n", "1", "--format=%H", f"--before={before}", "HEAD", "--", self.path(note_id)
            ).strip()
        except git.GitCommandError:
            sha = ""
        if not sha:
            raise InvalidInput(
                f"--at {at!r} names no commit, and no commit touched {note_id} by that date; "
                f"see `vault log {note_id}`"
            )
        return sha


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Up to this many paths are named on git's command line (ls-files reads no pathspec file);
# more, and the vault's part of the index is listed once instead.
_FEW_PATHS = 64


def _entry_paths(saved: str) -> list[str]:
    return [e.split("\t", 1)[-1] for e in saved.split("\0") if "\t" in e]


# What is in progress (a file or folder in the git folder marks it), and how to end it.
_OPERATIONS = (
    (
        "rebase-merge",
        "a rebase",
        "finish it (`git rebase --continue`) or abort it (`git rebase --abort`)",
    ),
    (
        "rebase-apply/applying",
        "a `git am`",
        "finish it (`git am --continue`) or abort it (`git am --abort`)",
    ),
    (
        "rebase-apply",
        "a rebase",
        "finish it (`git rebase --continue`) or abort it (`git rebase --abort`)",
    ),
    ("MERGE_HEAD", "a merge", "finish it (`git commit`) or abort it (`git merge --abort`)"),
    (
        "CHERRY_PICK_HEAD",
        "a cherry-pick",
        "finish it (`git cherry-pick --continue`) or abort it (`git cherry-pick --abort`)",
    ),
    (
        "REVERT_HEAD",
        "a revert",
        "finish it (`git revert --continue`) or abort it (`git revert --abort`)",
    ),
    (
        "sequencer",
        "a cherry-pick or revert",
        "finish it (`git cherry-pick --continue`) or abort it (`git cherry-pick --abort`)",
    ),
    ("BISECT_START", "a bisect", "end it (`git bisect reset`)"),
)


def operation_in_progress(git_dir: Path) -> str | None:
    """One line naming the git operation in progress and how to end it, or None."""
    for marker, what, how in _OPERATIONS:
        if marker == "sequencer" and _sequence_of(git_dir) == "revert":
            what, how = "a revert", _OPERATIONS[5][2]
        if (git_dir / marker).exists():
            return (
                f"{what} is in progress in this repository, so a commit now could be lost "
                f"or land in the wrong place; {how}, then run vault again"
            )
    return None


def _sequence_of(git_dir: Path) -> str:
    """ "revert" or "pick": what a stopped sequence of cherry-picks or reverts does."""
    try:
        first = (git_dir / "sequencer" / "todo").read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError):
        return "pick"
    return "revert" if first and first[0] == "revert" else "pick"
