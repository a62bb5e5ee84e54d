"""Intent records: what a `vault mv` is about to do, written before it touches a file, so
that if it is killed midway the next vault command can finish or undo it.

The record lives in the vault's state folder (outside the vault, never carried by a clone)
and is data only: JSON, read with `json`, never executed. It holds every move, the exact
text each rewritten note had and is getting (with their SHA-256 digests, so recovery can
tell a note the move wrote from one a person edited afterwards), git's index entries as
they were, and the commit the move is about to make. Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from vault.atomic import write_atomic
from vault.vault import Vault

MOVE_RECORD = "unfinished-mv.json"
# Bumped when the record's fields change; a record of another version is not acted on.
RECORD_VERSION = 1


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class NoteEdit:
    """One note a move rewrites, by its id before the move."""

    id: str
    # Its text before and after the rewrite (the bytes are their UTF-8 encoding).
    before: str
    after: str
    # SHA-256 of those bytes.
    before_sha256: str = ""
    after_sha256: str = ""

    def __post_init__(self) -> None:
        self.before_sha256 = self.before_sha256 or digest(self.before.encode("utf-8"))
        self.after_sha256 = self.after_sha256 or digest(self.after.encode("utf-8"))


@dataclass
class MoveIntent:
    """Everything needed to finish or undo one `vault mv`."""

    # The moving process and when it began (ISO 8601), for the user and for its temp files.
    pid: int
    started: str
    # What the user asked for, e.g. "memory/a.md -> memory/b/a.md".
    summary: str
    # [old id, new id] of every note that moves, in the order they are moved.
    moves: list[list[str]]
    # Every note whose text changes.
    edits: list[NoteEdit]
    # Ids (before the move) of the touched notes that git tracks.
    tracked: list[str] = field(default_factory=list)
    # git's index entries for those notes before the move (Repository.save_index).
    index: str = ""
    # HEAD before the move (None: no git, or no commit yet) and the message of the commit
    # the move makes (None: --no-commit or outside git).
    head: str | None = None
    message: str | None = None
    # Folders (ids) the move creates, outermost first: removed again by an undo.
    new_folders: list[str] = field(default_factory=list)
    version: int = RECORD_VERSION


def record_path(vault: Vault) -> Path:
    return vault.state_dir / MOVE_RECORD


def pending_move(vault: Vault) -> bool:
    """Is there a record of a move that did not finish? (One stat, for every command.)"""
    return os.path.exists(record_path(vault))


def write_move_record(vault: Vault, intent: MoveIntent) -> None:
    """Write the record durably (fsynced, then renamed into place)."""
    vault.ensure_state_dir()
    data = json.dumps(asdict(intent), ensure_ascii=False).encode("utf-8", "surrogatepass")
    write_atomic(record_path(vault), data)


def read_move_record(vault: Vault) -> MoveIntent | None:
    """The record, or None when there is none; ValueError when it cannot be read."""
    try:
        raw = json.loads(record_path(vault).read_bytes().decode("utf-8", "surrogatepass"))
    except FileNotFoundError:
        return None
    if not isinstance(raw, dict) or raw.get("version") != RECORD_VERSION:
        raise ValueError("not a move record this version of vault writes")
    raw["edits"] = [NoteEdit(**e) for e in raw.get("edits", [])]
    return MoveIntent(**raw)


def clear_move_record(vault: Vault) -> None:
    try:
        os.unlink(record_path(vault))
    except FileNotFoundError:
        pass
