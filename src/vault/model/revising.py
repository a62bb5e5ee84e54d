"""Correcting a note: `replace`, `set`, `rm` and `restore` (vault.revise)."""

from __future__ import annotations

from dataclasses import dataclass, field

from vault.model.writes import Provenance


@dataclass(frozen=True, slots=True)
class ReviseRequest:
    """Which note a revising verb changes, and the guards around the change."""

    # The note as the user typed it (any form `vault show` accepts).
    ref: str
    # The note's sha256 as the caller last read it (`show --json`); None skips the check.
    expected_sha256: str | None = None
    # The working directory as an id prefix, for paths relative to it (None: outside).
    cwd_prefix: str | None = None
    # Who makes the change, for the commit's trailers.
    provenance: Provenance = field(default_factory=Provenance)


@dataclass(frozen=True, slots=True)
class ReplaceRequest:
    """What `vault replace` is asked to change in a note's body (vault.revise.replace)."""

    note: ReviseRequest
    # The text to find: it must occur exactly once in the body (None with `section`).
    old: str | None = None
    # What takes its place (may be empty); with `section`, the section's new body.
    new: str = ""
    # Heading text of the section whose body is replaced (its heading kept), or None.
    section: str | None = None


@dataclass(frozen=True, slots=True)
class SetRequest:
    """What `vault set` is asked to change in a note's metadata (vault.revise.metadata)."""

    note: ReviseRequest
    # (key, value) pairs to write, in the order given.
    values: tuple[tuple[str, str], ...] = ()
    # Keys to take out.
    unset: tuple[str, ...] = ()
    # Tags to add ("+x" given) and to take out ("-x" given), without their sign.
    add_tags: tuple[str, ...] = ()
    drop_tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Revised:
    """What `vault replace`, `vault set` and `vault restore --at` changed in a living note."""

    id: str
    path: str
    # The verb: "replace", "set" or "restore" (--at).
    action: str
    # 1-based line of the file where the change starts (replace), else None.
    line: int | None
    # The metadata keys written or taken out (set), in order; () otherwise.
    keys: tuple[str, ...]
    # Hex sha256 of the note's new bytes (what the next guarded write expects).
    sha256: str
    # Hex sha of the commit holding the change, or None when not committed.
    commit: str | None
    # The commit the note's bytes were taken from (restore), else None.
    restored_from: str | None = None
    # False when the note already read so: nothing was written or committed.
    changed: bool = True
    # Why there is no commit when one was expected ("" otherwise).
    commit_note: str = ""


@dataclass(frozen=True, slots=True)
class Removed:
    """What `vault rm` took out of the vault, or `vault restore` put back after it."""

    id: str
    path: str
    # Notes that still link to it or name it as their Parent (rm --force), by id.
    referrers: tuple[str, ...]
    # Hex sha of the commit removing (or restoring) it, or None when not committed.
    commit: str | None
    # restore: the commit whose version was put back; rm: None.
    restored_from: str | None = None
    # Hex sha256 of the note's bytes (restore), else None.
    sha256: str | None = None
    # Why there is no commit when one was expected ("" otherwise).
    commit_note: str = ""
