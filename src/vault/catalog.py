"""The catalog: every note's record, kept fresh against the files by a small cache.

Files on disk are the truth. The cache (.vault/cache/notes.pickle) maps each note id to the
record parsed from it, with the mtime and size it was parsed at; one directory walk compares
them, and only new or changed files are read again. The cache is disposable: a missing,
damaged or old-format cache is simply rebuilt.

The cache holds the file stats as a plain dict and the records as plain tuples in a separate
pickled blob, unpickled only when a record is first needed and turned into NoteRecord objects
one at a time: unpickling 10,000 dataclass records (and their links) took 90 ms, which a
search that needs only the stats should not pay.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from vault.atomic import write_atomic
from vault.model import Link, Note, NoteRecord, Resolution
from vault.notes import parse_note, read_note
from vault.repository import Repository
from vault.resolve import Resolver
from vault.vault import Vault, walk_notes

# Bump when NoteRecord or parsing changes, so old caches are rebuilt rather than misread.
CACHE_VERSION = 4


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
    # id -> record, for every note on disk now (a read-only mapping, built lazily).
    records: Records
    # What changed on disk since the cache was last written.
    changes: Changes = field(default_factory=Changes)

    @cached_property
    def resolver(self) -> Resolver:
        return Resolver.build(self.records.column("title"), self.vault.notes_prefix)

    @cached_property
    def parents(self) -> dict[str, Resolution]:
        """id -> resolution of its Parent header, for notes that have one."""
        r = self.resolver
        return {
            note_id: r.resolve_parent(ref, note_id)
            for note_id, ref in self.records.column("parent_ref")
            if ref
        }

    @cached_property
    def children(self) -> dict[str, list[str]]:
        """parent id -> ids of the notes naming it as Parent, sorted."""
        out: dict[str, list[str]] = {}
        for child, res in sorted(self.parents.items()):
            if res.id is not None:
                out.setdefault(res.id, []).append(child)
        return out

    def file_stats(self) -> dict[str, tuple[int, int]]:
        """id -> (mtime_ns, size) of every note, without building the records."""
        return self.records.file_stats()

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

    def warnings(self) -> list[tuple[str, str]]:
        return [(rec.id, w) for rec in self.records.values() for w in rec.warnings]


class Records(Mapping):
    """id -> NoteRecord, in walk order. Records unchanged since the cache are built from
    their cached rows on first access; the others were parsed just now."""

    def __init__(
        self,
        ids: list[str],
        stats: dict[str, tuple[int, int]],
        blob: bytes | None,
        fresh: dict[str, NoteRecord],
        reparse=None,
    ):
        self._ids = ids
        self._stats = stats  # cached (mtime_ns, size) of the notes not in `fresh`
        self._blob = blob  # pickled {id: row} of the cached records, loaded on demand
        self._rows: dict[str, tuple] | None = None
        self._built: dict[str, NoteRecord] = dict(fresh)
        self._keys = set(ids)
        self._reparse = reparse

    def __getitem__(self, note_id: str) -> NoteRecord:
        rec = self._built.get(note_id)
        if rec is None:
            if note_id not in self._keys:
                raise KeyError(note_id)
            rec = _from_row(note_id, self.rows()[note_id])
            self._built[note_id] = rec
        return rec

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, note_id: object) -> bool:
        return note_id in self._keys

    def rows(self) -> dict[str, tuple]:
        if self._rows is None:
            try:
                rows = pickle.loads(self._blob) if self._blob else {}
                if not isinstance(rows, dict):
                    raise TypeError("rows")
            except Exception:  # a damaged cache: read the files again, it is derived data
                cached = [i for i in self._ids if i not in self._built]
                rows = self._reparse(cached) if self._reparse else {}
            self._rows = rows
            self._blob = None
        return self._rows

    def column(self, name: str) -> Iterator[tuple[str, object]]:
        """(id, record.<name>) for every note, without building records not built yet."""
        at = _ROW_FIELDS.index(name)
        rows = self.rows()
        built = self._built
        for note_id in self._ids:
            rec = built.get(note_id)
            yield note_id, (getattr(rec, name) if rec is not None else rows[note_id][at])

    def file_stats(self) -> dict[str, tuple[int, int]]:
        out = {}
        for note_id in self._ids:
            rec = self._built.get(note_id)
            out[note_id] = (rec.mtime_ns, rec.size) if rec is not None else self._stats[note_id]
        return out

    def all_rows(self) -> dict[str, tuple]:
        """Every record as a cache row (for writing the cache)."""
        rows = self.rows()
        out = {}
        for note_id in self._ids:
            rec = self._built.get(note_id)
            out[note_id] = _to_row(rec) if rec is not None else rows[note_id]
        return out


# The NoteRecord fields after id, in the order of a cache row.
_ROW_FIELDS = (
    "title",
    "date",
    "date_source",
    "type",
    "parent_ref",
    "tags",
    "meta",
    "links",
    "style",
    "warnings",
    "mtime_ns",
    "size",
)


def _to_row(rec: NoteRecord) -> tuple:
    links = tuple((link.syntax, link.target, link.alias, link.line) for link in rec.links)
    return (
        rec.title,
        rec.date,
        rec.date_source,
        rec.type,
        rec.parent_ref,
        rec.tags,
        rec.meta,
        links,
        rec.style,
        rec.warnings,
        rec.mtime_ns,
        rec.size,
    )


def _from_row(note_id: str, row: tuple) -> NoteRecord:
    title, date, source, kind, parent, tags, meta, links, style, warnings, mtime, size = row
    return NoteRecord(
        note_id,
        title,
        date,
        source,
        kind,
        parent,
        tags,
        meta,
        tuple(Link(*link) for link in links),
        style,
        warnings,
        mtime,
        size,
    )


def cache_path(vault: Vault) -> Path:
    return vault.state_dir / "cache" / "notes.pickle"


def load_catalog(
    vault: Vault, repo: Repository | None = None, *, use_cache: bool = True
) -> Catalog:
    """Walk the vault, reuse cached records for unchanged files, parse the rest. Notes with
    no date of their own are dated by their first commit in `repo`, else their mtime."""
    stats, blob = _load_cache(vault) if use_cache else ({}, None)
    ids: list[str] = []
    fresh: dict[str, NoteRecord] = {}
    changes = Changes()
    needs_date: list[str] = []
    for note_id, path, st in walk_notes(vault):
        ids.append(note_id)
        if stats.get(note_id) == (st.st_mtime_ns, st.st_size):
            continue
        rec = _read_record(Path(path), note_id, st)
        (changes.updated if note_id in stats else changes.added).append(note_id)
        if rec.date is None:
            needs_date.append(note_id)
        fresh[note_id] = rec
    seen = set(ids)
    changes.removed = sorted(i for i in stats if i not in seen)
    if needs_date:
        _fill_dates(repo, fresh, needs_date)

    def reparse(cached_ids: list[str]) -> dict[str, tuple]:
        """Rows for notes whose cached rows cannot be read: parse the files again."""
        out: dict[str, NoteRecord] = {}
        undated = []
        for note_id in cached_ids:
            path = vault.path_of(note_id)
            try:
                out[note_id] = _read_record(path, note_id, path.stat())
            except OSError:
                continue
            if out[note_id].date is None:
                undated.append(note_id)
        if undated:
            _fill_dates(repo, out, undated)
        return {note_id: _to_row(rec) for note_id, rec in out.items()}

    records = Records(ids, stats, blob, fresh, reparse)
    if changes or len(stats) != len(ids):
        _save_cache(vault, records)
    return Catalog(vault=vault, records=records, changes=changes)


def _read_record(path: Path, note_id: str, st: os.stat_result) -> NoteRecord:
    try:
        return read_note(path, note_id).record
    except OSError as exc:
        problem = f"cannot read the file: {exc.strerror or exc}"
        note = parse_note("", note_id, warnings=[problem], mtime_ns=st.st_mtime_ns, size=st.st_size)
        return note.record


def _fill_dates(repo: Repository | None, records: dict[str, NoteRecord], ids: list[str]) -> None:
    """Notes without a date in their metadata or name: the first git commit, else mtime."""
    git_dates = repo.first_commit_dates(ids) if repo is not None else {}
    for note_id in ids:
        rec = records[note_id]
        if note_id in git_dates:
            records[note_id] = replace(rec, date=git_dates[note_id], date_source="git")
        else:
            day = dt.datetime.fromtimestamp(rec.mtime_ns / 1e9).date().isoformat()
            records[note_id] = replace(rec, date=day, date_source="mtime")


def _load_cache(vault: Vault) -> tuple[dict[str, tuple[int, int]], bytes | None]:
    """(id -> (mtime_ns, size), pickled rows) from the cache, or ({}, None)."""
    try:
        with open(cache_path(vault), "rb") as fh:
            data = pickle.load(fh)
    except FileNotFoundError:
        return {}, None
    except Exception:  # damaged or written by another version: rebuild, it is derived data
        return {}, None
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return {}, None
    if data.get("root") != str(vault.root):
        return {}, None
    stats, blob = data.get("stats"), data.get("rows")
    if not isinstance(stats, dict) or not isinstance(blob, bytes):
        return {}, None
    return stats, blob


def _save_cache(vault: Vault, records: Records) -> None:
    """Write the cache atomically; a read-only vault simply goes without one."""
    try:
        rows = records.all_rows()
    except Exception:  # a damaged rows blob: write none, the next run parses again
        return
    at_mtime, at_size = _ROW_FIELDS.index("mtime_ns"), _ROW_FIELDS.index("size")
    stats = {note_id: (row[at_mtime], row[at_size]) for note_id, row in rows.items()}
    blob = pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)
    data = {"version": CACHE_VERSION, "root": str(vault.root), "stats": stats, "rows": blob}
    try:
        vault.ensure_state_dir()
        cache_path(vault).parent.mkdir(parents=True, exist_ok=True)
        write_atomic(cache_path(vault), pickle.dumps(data, pickle.HIGHEST_PROTOCOL), durable=False)
    except OSError:
        pass
