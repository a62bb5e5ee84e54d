"""What the core needs from version control, declared here and implemented by `vault.git`.

The core and the mv family talk to git only through this protocol; the CLI (the one place
that wires families together) opens the repository with `vault.git.open_repository` and
passes it in. Nothing here imports git, so commands that never touch history never pay for
GitPython's import (~110 ms).

Every path in and out is a note id (relative to the vault root); the implementation converts
to and from the repository's own paths.
"""

from __future__ import annotations

from typing import Protocol


class Repository(Protocol):
    """A git work tree holding the vault."""

    def first_commit_dates(self, ids: list[str]) -> dict[str, str]:
        """YYYY-MM-DD of the commit that added each note, for the notes git knows."""

    def changed_notes(self, since: str | None, author: str | None, what: str) -> set[str]:
        """Ids (current names) of the notes commits since `since` and/or by `author`
        touched; InvalidInput naming option `what` for a `since` that is not understood."""

    def check_can_commit(self) -> None:
        """GitError when a commit now would be lost or misplaced (a rebase, merge,
        cherry-pick, revert or bisect in progress, a detached HEAD mid-operation)."""

    def commit(self, ids: list[str], message: str, *, stage: bool = True) -> str:
        """Commit exactly these files as they are on disk (staging them first unless
        `stage` is False, for changes already staged), leaving everything else staged or
        not as it was; the new commit's sha."""

    def tracked(self, ids: list[str]) -> set[str]:
        """The ids among `ids` that git tracks."""

    def save_index(self, ids: list[str]) -> object:
        """A snapshot of git's index entries for these ids, for `restore_index`."""

    def restore_index(self, saved: object, added: list[str]) -> None:
        """Put the index entries back as `save_index` saw them, dropping `added`."""

    def stage_moves(self, moves: list[tuple[str, str]]) -> None:
        """Record renames in git's index (as `git mv` would, for any number of notes)."""

    def stage(self, ids: list[str]) -> None:
        """Stage these files as they are on disk."""
