"""The catalog: every note's record, kept fresh against the files by a small cache.

Files on disk are the truth. The cache (.vault/cache/notes.pickle) maps each note id to the
record parsed from it, with the mtime and size it was parsed at; one directory walk compares
them, and only new or changed files are read again. The cache is disposable: a missing,
damaged or old-format cache is simply rebuilt.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from vault.model import Note, NoteRecord, Resolution
from vault.notes import parse_note, read_note
from vault.resolve import Resolver
from vault.vault import Vault, walk_notes

# Bump when NoteRecord or parsing changes, so old caches are rebuilt rather than misread.
CACHE_VERSION = 3


@dataclass
class Changes:
    """What a refresh found different from the cache."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.updated or self.removed)


@dataclass
class Catalog:
    """All notes of a vault as records, plus the resolved Parent and link structure."""

    vault: Vault
    # id -> record, for every note on disk now.
    records: dict[str, NoteRecord]
    # What changed on disk since the cache was last written.
    changes: Changes = field(default_factory=Changes)

    @cached_property
    def resolver(self) -> Resolver:
        return Resolver.build(self.records.values(), self.vault.notes_prefix)

    @cached_property
    def parents(self) -> dict[str, Resolution]:
        """id -> resolution of its Parent header, for notes that have one."""
        r = self.resolver
        return {
            rec.id: r.resolve_parent(rec.parent_ref, rec.id)
            for rec in self.records.values()
            if rec.parent_ref
        }

    @cached_property
    def children(self) -> dict[str, list[str]]:
        """parent id -> ids of the notes naming it as Parent, sorted."""
        out: dict[str, list[str]] = {}
        for child, res in sorted(self.parents.items()):
            if res.id is not None:
                out.setdefault(res.id, []).append(child)
        return out

    def parent_id(self, note_id: str) -> str | None:
        res = self.parents.get(note_id)
        return res.id if res else None

    def read(self, note_id: str) -> Note:
        """The full note, body included, read from disk now."""
        rec = self.records[note_id]
        note = read_note(self.vault.path_of(note_id), note_id)
        # Keep the date the catalog settled on (git or mtime) for notes without one.
        if note.record.date is None and rec.date is not None:
            note = Note(replace(note.record, date=rec.date, date_source=rec.date_source), note.body)
        return note

    def sorted_newest_first(self) -> list[NoteRecord]:
        return sorted(self.records.values(), key=lambda r: (r.date or "", r.id), reverse=True)

    def warnings(self) -> list[tuple[str, str]]:
        return [(rec.id, w) for rec in self.records.values() for w in rec.warnings]


def cache_path(vault: Vault) -> Path:
    return vault.state_dir / "cache" / "notes.pickle"


def load_catalog(vault: Vault, use_cache: bool = True) -> Catalog:
    """Walk the vault, reuse cached records for unchanged files, parse the rest."""
    cached = _load_cache(vault) if use_cache else {}
    records: dict[str, NoteRecord] = {}
    changes = Changes()
    needs_date: list[str] = []
    for note_id, path, st in walk_notes(vault):
        rec = cached.get(note_id)
        if rec is not None and rec.mtime_ns == st.st_mtime_ns and rec.size == st.st_size:
            records[note_id] = rec
            continue
        rec = _read_record(Path(path), note_id, st)
        (changes.updated if note_id in cached else changes.added).append(note_id)
        if rec.date is None:
            needs_date.append(note_id)
        records[note_id] = rec
    changes.removed = sorted(set(cached) - set(records))
    if needs_date:
        _fill_dates(vault, records, needs_date)
    if changes or len(cached) != len(records):
        _save_cache(vault, records)
    return Catalog(vault=vault, records=records, changes=changes)


def _read_record(path: Path, note_id: str, st: os.stat_result) -> NoteRecord:
    try:
        return read_note(path, note_id).record
    except OSError as exc:
        problem = f"cannot read the file: {exc.strerror or exc}"
        note = parse_note("", note_id, warnings=[problem], mtime_ns=st.st_mtime_ns, size=st.st_size)
        return note.record


def _fill_dates(vault: Vault, records: dict[str, NoteRecord], ids: list[str]) -> None:
    """Notes without a date in their metadata or name: the first git commit, else mtime."""
    from vault.history import find_repo, first_commit_dates

    repo = find_repo(vault.root)
    git_dates = first_commit_dates(repo, vault.root, ids) if repo is not None else {}
    for note_id in ids:
        rec = records[note_id]
        if note_id in git_dates:
            records[note_id] = replace(rec, date=git_dates[note_id], date_source="git")
        else:
            day = dt.datetime.fromtimestamp(rec.mtime_ns / 1e9).date().isoformat()
            records[note_id] = replace(rec, date=day, date_source="mtime")


def _load_cache(vault: Vault) -> dict[str, NoteRecord]:
    try:
        with open(cache_path(vault), "rb") as fh:
            data = pickle.load(fh)
    except FileNotFoundError:
        return {}
    except Exception:  # damaged or written by another version: rebuild, it is derived data
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return {}
    if data.get("root") != str(vault.root):
        return {}
    records = data.get("records")
    return records if isinstance(records, dict) else {}


def _save_cache(vault: Vault, records: dict[str, NoteRecord]) -> None:
    """Write the cache atomically; a read-only vault simply goes without one."""
    path = cache_path(vault)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        vault.ensure_state_dir()
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            pickle.dump(
                {"version": CACHE_VERSION, "root": str(vault.root), "records": records},
                fh,
                protocol=pickle.HIGHEST_PROTOCOL,
            )
        os.replace(tmp, path)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass
