"""What the core needs from version control, declared here and implemented by `vault.git`.

The core and the mv family talk to git only through this protocol; the CLI (the one place
that wires families together) opens the repository with `vault.git.open_repository` and
passes it in. Nothing here imports git, so commands that never touch history never pay for
GitPython's import (~110 ms).

Every path in and out is a note id (relative to the vault root); the implementation converts
to and from the repository's own paths. Any number of ids may be passed: none of them ends
up on a command line.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from vault.model import LogEntry, NoteVersion, Provenance

# How many notes a commit message lists by name before "... and K more", and about how
# many characters that list may take: a reader wants the gist, not 2,000 lines, and a
# message must stay well under what one command-line argument may hold (128 KiB on Linux).
MESSAGE_NOTES = 50
MESSAGE_CHARS = 8000


class Repository(Protocol):
    """A git work tree holding the vault."""

    def first_commit_dates(self, ids: list[str]) -> dict[str, str]:
        """YYYY-MM-DD of the commit that added each note, for the notes git knows."""

    def changed_notes(self, since: str | None, author: str | None, what: str) -> set[str]:
        """Ids (current names) of the notes commits since `since` and/or by `author`
        touched; InvalidInput naming option `what` for a `since` that is not understood."""

    def check_can_commit(self) -> None:
        """GitError, saying what is in progress and how to end it, when a commit (or a
        change to git's index) now would be lost or misplaced: a rebase, `git am`, merge,
        cherry-pick, revert or bisect is in progress. Call it before writing anything.
        Needs no git executable: it only looks at the repository's files."""

    def commit(
        self,
        ids: list[str],
        message: str,
        *,
        stage: bool = True,
        provenance: Provenance | None = None,
    ) -> str:
        """Commit exactly these files as they are on disk (staging them first unless
        `stage` is False, for changes already staged; a file gone from disk is committed as
        removed), leaving everything else staged or not as it was; the new commit's sha.
        The message gets the provenance trailers (`with_trailers`). When the commit fails
        (a hook, no identity), what this call staged is unstaged again before the GitError
        is raised."""

    def removals(self) -> dict[str, str]:
        """Id -> sha of the latest commit that removed it, for every note of the vault git
        saw removed (newest removal wins)."""

    def note_at(self, note_id: str, rev: str) -> bytes | None:
        """The note's bytes in commit `rev`, or None when it did not exist there."""

    def version(self, note_id: str, at: str) -> NoteVersion:
        """The note as it was at `at` (a revision git understands, or a day as
        vault.text.user_day reads it: the last commit touching the note by the end of that
        day), followed through its renames; InvalidInput when `at` names nothing, or the note
        did not exist then."""

    def last_commit(self, note_id: str) -> LogEntry | None:
        """The latest commit that touched the note (through its renames), or None when git
        has none."""

    def last_commits(self) -> dict[str, LogEntry]:
        """Id (its name now) -> the latest commit that touched it, for every note git saw."""

    def revision(self, note_id: str, at: str) -> str:
        """The full sha `at` names: a revision git understands, or a date (YYYY-MM-DD or
        as `git log --before` takes it) meaning the last commit touching the note by then;
        InvalidInput when it names nothing."""

    def tracked(self, ids: list[str]) -> set[str]:
        """The ids among `ids` that git tracks."""

    def dirty(self, ids: list[str]) -> set[str]:
        """The ids among `ids` whose file or index entry differs from HEAD: changes the
        user has not committed, staged or not."""

    def head(self) -> str | None:
        """The sha HEAD points at, or None before the first commit."""

    def find_commit(self, parent: str | None, message: str) -> str | None:
        """A recent commit on the current branch whose first parent is `parent` (None: a
        first commit) and whose message is `message`, or None; waits first for a git
        command still writing (git's index.lock) to finish."""

    def save_index(self, ids: list[str]) -> str:
        """A snapshot of git's index entries for these ids (plain text, for a record),
        for `restore_index`."""

    def restore_index(self, saved: str, added: list[str]) -> None:
        """Put the index entries back as `save_index` saw them, dropping `added`."""

    def stage_moves(self, moves: list[tuple[str, str]]) -> None:
        """Record renames in git's index (as `git mv` would, for any number of notes)."""

    def stage(self, ids: list[str]) -> None:
        """Stage these files as they are on disk."""


# The trailers every commit vault makes may end with, and the variable an agent's name is
# taken from when none is given.
AGENT_TRAILER = "Vault-Agent"
SOURCE_TRAILER = "Vault-Source"
AGENT_VARIABLE = "VAULT_AGENT"


def with_trailers(message: str, provenance: Provenance | None) -> str:
    """`message` with `Vault-Agent:` (the given agent, else $VAULT_AGENT) and
    `Vault-Source:` trailers when there is one to write; each value is one line (checked
    by vault.values when it was given)."""
    from vault import values

    agent = provenance.agent if provenance is not None else None
    agent = agent or os.environ.get(AGENT_VARIABLE) or None
    source = provenance.source if provenance is not None else None
    lines = []
    if agent and agent.strip():
        lines.append(f"{AGENT_TRAILER}: {values.metadata_value('agent', agent)}")
    if source and source.strip():
        lines.append(f"{SOURCE_TRAILER}: {values.metadata_value('source', source)}")
    return message.rstrip("\n") + ("\n\n" + "\n".join(lines) if lines else "")


def check_provenance(provenance: Provenance | None) -> None:
    """InvalidInput, before anything is written, for an agent or source that cannot be a
    trailer (one line, no NUL: vault.values)."""
    from vault import values

    if provenance is None:
        return
    if provenance.agent is not None:
        values.metadata_value("agent", provenance.agent)
    if provenance.source is not None:
        values.metadata_value("source", provenance.source)


def read_trailers(message: str) -> tuple[str | None, str | None]:
    """(agent, source) from a commit message's Vault-Agent and Vault-Source trailers (its
    last paragraph), None for each it lacks."""
    last = message.strip().split("\n\n")[-1].split("\n")
    found: dict[str, str] = {}
    for line in last:
        key, colon, value = line.partition(":")
        if colon and key in (AGENT_TRAILER, SOURCE_TRAILER):
            found.setdefault(key, value.strip())
    return found.get(AGENT_TRAILER) or None, found.get(SOURCE_TRAILER) or None


def without_trailers(message: str) -> str:
    """A commit message without vault's trailers (what `find_commit` compares)."""
    kept = [
        line
        for line in message.strip().split("\n")
        if not line.startswith((AGENT_TRAILER + ":", SOURCE_TRAILER + ":"))
    ]
    return "\n".join(kept).strip()


def listed_notes(ids: list[str], limit: int = MESSAGE_NOTES, chars: int = MESSAGE_CHARS) -> str:
    """ "- id" lines for a commit message: at most `limit` notes and about `chars`
    characters, then "- ... and K more"."""
    lines: list[str] = []
    size = 0
    for n, note_id in enumerate(ids):
        line = f"- {note_id}\n"
        if n >= limit or (lines and size + len(line) > chars):
            lines.append(f"- ... and {len(ids) - n} more\n")
            break
        lines.append(line)
        size += len(line)
    return "".join(lines)
