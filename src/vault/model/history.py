"""What git says and does: the log, a note's past versions, `sync` (vault.git)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One commit, as `vault log` shows it."""

    # Full hex sha.
    commit: str
    author: str
    email: str
    # Author date, ISO 8601 with the author's UTC offset.
    date: str
    # The whole commit message, trailing newlines removed.
    message: str
    # Ids of the notes the commit touched, named by where they are now when they were
    # renamed later (a deleted note keeps its last name).
    notes: tuple[str, ...]
    # Its Vault-Agent and Vault-Source trailers, None when it has none.
    agent: str | None = None
    source: str | None = None
    # What the commit changed in the note (`log --patch`), as a unified diff; None: not asked.
    patch: str | None = None


@dataclass(frozen=True, slots=True)
class NoteVersion:
    """A note as it was in one commit (`show --at`)."""

    # The commit asked for (full sha): a revision given, or the last one by a day given.
    commit: str
    # The note's id in that commit: its name then, before any later rename.
    id: str
    # Its bytes then.
    data: bytes
    # The last commit that touched the note at or before `commit`.
    last: LogEntry


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What `vault sync` did."""

    # The commit holding the pending changes under the notes folder, or None (none pending).
    committed: str | None
    # Ids of the notes the pull changed (added, edited, renamed to, or deleted), sorted.
    pulled: tuple[str, ...]
    # True when the remote branch was updated.
    pushed: bool
    remote: str = ""
    branch: str = ""
    # Pushes the remote rejected because it had moved, each followed by a fetch, a rebase
    # and another push (after a jittered wait).
    retries: int = 0
    # Ids of notes both sides had appended to, joined: the remote's text, then this one's.
    merged: tuple[str, ...] = ()
    # (note id, conflict copy id) for each note both sides changed otherwise: this machine's
    # version stays at the note, the remote's is kept in the copy beside it.
    conflicts: tuple[tuple[str, str], ...] = ()
    # True for `sync --dry-run`: nothing was committed, pulled or pushed; `pulled` is what
    # a pull would change.
    dry_run: bool = False
    # Dry run: ids of the changes under the notes folder a sync would commit.
    pending: tuple[str, ...] = ()
    # Dry run: shas of the local commits the remote lacks (newest first), which a sync
    # would push (with a commit of `pending`, if any).
    outgoing: tuple[str, ...] = ()
