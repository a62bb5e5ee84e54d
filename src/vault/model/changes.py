"""Changing notes that exist: `append` and `mv`."""

from __future__ import annotations

from dataclasses import dataclass, field

from vault.model.writes import Provenance


@dataclass(frozen=True, slots=True)
class AppendRequest:
    """What `vault append` is asked to add to a note (see vault.append.append_to_note)."""

    # The note as the user typed it (any form `vault show` accepts).
    ref: str
    # The Markdown to add; blank lines around it are dropped, a blank line is put before it.
    text: str
    # Heading text of the section to add to (with or without its leading #s), or None for
    # the end of the note.
    section: str | None = None
    # The note's sha256 as the caller last read it (`show --json`); None skips the check.
    expected_sha256: str | None = None
    # The working directory as an id prefix, for paths relative to it (None: outside).
    cwd_prefix: str | None = None
    # Who asks, for the commit's trailers.
    provenance: Provenance = field(default_factory=Provenance)


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Appended:
    """What `vault append` did."""

    id: str
    path: str
    # The heading of the section added to, as written ("## Details"), or None (end of note).
    section: str | None
    # 1-based line of the file where the added text starts.
    line: int
    # Hex sha256 of the note's bytes after the append (what the next append expects).
    sha256: str
    # Hex sha of the commit holding the change, or None when not committed.
    commit: str | None
    # Why there is no commit when one was expected ("" otherwise).
    commit_note: str = ""


@dataclass
class MoveResult:
    """What `vault mv` did (or, for a dry run, would do)."""

    # Old id -> new id of every moved note.
    moves: dict[str, str]
    # Ids (after the move) of the notes whose text was rewritten.
    rewritten: list[str]
    # The commit's sha, or None (dry run, --no-commit, nothing tracked).
    commit: str | None
    # References that could not be kept valid, and other things the user should know.
    warnings: list[str]
    # The planned changes as a unified diff, for dry runs; None otherwise.
    diff: str | None = None
