"""The catalog: every note's record, kept fresh against the files by a cache.

Files on disk are the truth. The cache is an SQLite database in the vault's state folder
(outside the vault; data only, never code): one row per note with the file's state when it
was parsed (mtime, size, ctime, inode) and the parsed record. One directory walk compares
the files with the cached states; only new or changed files are read again, and only their
rows are written back. A missing, damaged or old-format cache is simply rebuilt.

A warm command reads the file states first (all that `search` needs to know nothing
changed) and the records only when it asks for them: by column (titles for the resolver,
Parent references) without building records at all, or as whole records, built one at a
time from their rows.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from vault.model import Link, Note, NoteRecord, NoteSummary, Resolution
from vault.notes import parse_note, read_note, stat_key
from vault.repository import Repository
from vault.resolve import Resolver, VaultKind, detect_kind
from vault.vault import Vault, walk_notes

# Bump when NoteRecord or parsing changes, so old caches are rebuilt rather than misread.
CACHE_VERSION = 7
CACHE_FILE = "catalog.sqlite3"
# Parse in worker processes, on every core, when at least this many files need it.
PARALLEL_MIN = 400

Progress = Callable[[int, int], None]
Stat = tuple[int, int, int, int]

# The record fields stored as SQL columns, in row order after the id, the file state and the
# content digest.
_TEXT_COLUMNS = ("title", "date", "date_source", "type", "parent_ref", "style")
_JSON_COLUMNS = ("tags", "meta", "links", "warnings")
_COLUMNS = _TEXT_COLUMNS + _JSON_COLUMNS


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
    """All notes of a vault as records, plus the resolved Parent structure."""

    vault: Vault
    # id -> record, for every note on disk now (a read-only mapping, built lazily).
    records: Records
    # What changed on disk since the cache was last written.
    changes: Changes = field(default_factory=Changes)
    # (id, why) of the files named like notes that were left out (symbolic links elsewhere).
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # The cache (None without one), for results derived from the records (vault.references).
    _cache: _Cache | None = field(default=None, repr=False)

    @cached_property
    def kind(self) -> VaultKind:
        """Which tool wrote the vault, as far as its links are concerned."""
        return detect_kind(self.vault, self.records)

    @cached_property
    def resolver(self) -> Resolver:
        return Resolver.build(self.records.column("title"), self.vault.notes_prefix, self.kind)

    @cached_property
    def resolution_key(self) -> str:
        """What every resolution of a reference depends on besides the note it is written in:
        the set of note ids and the kind of vault (not titles, not other notes' text). A
        resolution stored under this key holds for as long as the key does."""
        import hashlib

        h = hashlib.blake2b(digest_size=16)
        h.update(repr(self.kind).encode("utf-8", "surrogateescape"))
        for note_id in sorted(self.records):
            h.update(b"\0" + note_id.encode("utf-8", "surrogateescape"))
        return h.hexdigest()

    def derived(self, name: str, key: str | None = None) -> dict[str, str]:
        """Values stored under `name` (by vault.references, say) for the notes unchanged since
        they were stored, if they were stored under `key`: what else they depend on besides
        the note's text (by default the resolution key)."""
        if self._cache is None:
            return {}
        digests = self.digests()
        key = self.resolution_key if key is None else key
        # Each value is kept with the digest of the note it came from: another process may
        # have stored one for an older text of the note.
        return {
            note_id: value
            for note_id, (digest, value) in self._cache.derived(name, key).items()
            if digests.get(note_id) == digest
        }

    def store_derived(self, name: str, values: dict[str, str], key: str | None = None) -> None:
        """Keep `values` (note id -> text) under `name` for the next run; stored under
        another key before, the old ones are dropped."""
        if self._cache is not None and values:
            digests = self.digests()
            rows = {note_id: (digests[note_id], value) for note_id, value in values.items()}
            self._cache.store_derived(name, self.resolution_key if key is None else key, rows)

    @cached_property
    def parents(self) -> dict[str, Resolution]:
        """id -> resolution of its Parent header, for notes that have one (kept in the cache
        between runs, so an unchanged vault needs no resolver for them)."""
        stored = self.derived("parent")
        out: dict[str, Resolution] = {}
        new: dict[str, str] = {}
        for note_id, ref in self.records.column("parent_ref"):
            if not ref:
                continue
            text = stored.get(note_id)
            if text is not None:
                found, *candidates = json.loads(text)
                out[note_id] = Resolution(found, tuple(candidates))
            else:
                res = out[note_id] = self.resolver.resolve_parent(ref, note_id)
                new[note_id] = json.dumps([res.id, *res.candidates], ensure_ascii=False)
        self.store_derived("parent", new)
        return out

    @cached_property
    def children(self) -> dict[str, list[str]]:
        """parent id -> ids of the notes naming it as Parent, sorted."""
        out: dict[str, list[str]] = {}
        for child, res in sorted(self.parents.items()):
            if res.id is not None:
                out.setdefault(res.id, []).append(child)
        return out

    def digests(self) -> dict[str, str]:
        """id -> content digest of every note, without building records."""
        return self.records.digests()

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

    def summaries(self) -> list[NoteSummary]:
        """Every note's id, title, date and type, read as columns: no record is built."""
        columns = [self.records.column(name) for name in ("title", "date", "type")]
        return [
            NoteSummary(i, title, date, note_type)
            for (i, title), (_, date), (_, note_type) in zip(*columns, strict=True)
        ]

    def warnings(self) -> list[tuple[str, str]]:
        return [(note_id, w) for note_id, ws in self.records.column("warnings") for w in ws]


class Records(Mapping):
    """id -> NoteRecord, in walk order, built from rows only when asked for. The rows of the
    notes parsed just now are at hand; for the others the cache is asked only for what is
    used: one column for all notes (titles for the resolver, dates to sort by), one row for
    one note (`show`), or every row at once when a command goes through all the records
    (the graph, `check`)."""

    def __init__(
        self,
        ids: list[str],
        stats: dict[str, tuple[Stat, str]],
        fresh: dict[str, tuple],
        cache: _Cache | None,
        reparse: Callable[[list[str]], dict[str, NoteRecord]],
    ):
        self._ids = ids
        self._stats = stats  # (file state, digest) of every note
        self._digests: dict[str, str] | None = None
        self._fresh = fresh  # the rows of the notes parsed just now
        self._built: dict[str, NoteRecord] = {}
        self._keys = set(ids)
        self._cache = cache
        self._reparse = reparse
        self._columns: dict[str, dict[str, object]] = {}

    def __getitem__(self, note_id: str) -> NoteRecord:
        rec = self._built.get(note_id)
        if rec is None:
            if note_id not in self._keys:
                raise KeyError(note_id)
            row = self._fresh.get(note_id)
            if row is None and self._cache is not None:
                row = self._cache.row(note_id)
            self._build({note_id: row} if row is not None else {}, [note_id])
            rec = self._built[note_id]
        return rec

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, note_id: object) -> bool:
        return note_id in self._keys

    def values(self):
        self._build_all()
        return [self._built[i] for i in self._ids]

    def items(self):
        self._build_all()
        return [(i, self._built[i]) for i in self._ids]

    def _build_all(self) -> None:
        if len(self._built) < len(self._ids):
            cached = len(self._fresh) < len(self._ids) and self._cache is not None
            rows = self._cache.rows() if cached else {}
            self._build(rows | self._fresh, self._ids)

    def _build(self, rows: dict[str, tuple], ids: Iterable[str]) -> None:
        """Records from cached rows for the notes not built yet; a note whose row cannot be
        read back (another process replaced the cache meanwhile) is parsed again."""
        missing = []
        for note_id in ids:
            if note_id in self._built:
                continue
            try:
                self._built[note_id] = _from_row(note_id, *self._stats[note_id], rows.get(note_id))
            except (TypeError, ValueError):  # no row, or one that does not decode
                missing.append(note_id)
        if missing:
            self._built.update(self._reparse(missing))

    def column(self, name: str) -> Iterator[tuple[str, object]]:
        """(id, record.<name>) for every note, without building records not built yet."""
        built = self._built
        raw: dict[str, object] = {}
        if len(built) < len(self._ids):
            raw = self._columns.get(name)
            if raw is None:
                cached = len(self._fresh) < len(self._ids) and self._cache is not None
                raw = self._cache.column(name) if cached else {}
                at = _COLUMNS.index(name)
                raw.update((i, row[at]) for i, row in self._fresh.items())
                self._columns[name] = raw
        decode = name in _JSON_COLUMNS
        for note_id in self._ids:
            rec = built.get(note_id)
            if rec is None and note_id not in raw:
                rec = self[note_id]  # lost from the cache meanwhile: parsed again
            if rec is not None:
                yield note_id, getattr(rec, name)
            else:
                value = raw[note_id]
                yield note_id, (_decoded(name, value) if decode else value)

    def digests(self) -> dict[str, str]:
        """id -> content digest of every note (built once: the file states are fixed at load;
        read-only to callers)."""
        if self._digests is None:
            self._digests = {i: self._stats[i][1] for i in self._ids}
        return self._digests


def _decoded(name: str, text: str):
    """A JSON column as the record holds it."""
    if text in ("[]", "{}"):  # most notes: no tags, no meta, no warnings
        return () if text == "[]" else {}
    value = json.loads(text)
    if name == "links":
        return tuple(Link(*link) for link in value)
    if name in ("tags", "warnings"):
        return tuple(value)
    return value


def _to_row(rec: NoteRecord) -> tuple:
    links = [[ln.syntax, ln.target, ln.alias, ln.line, ln.attachment] for ln in rec.links]
    return (
        rec.title,
        rec.date,
        rec.date_source,
        rec.type,
        rec.parent_ref,
        rec.style,
        json.dumps(list(rec.tags), ensure_ascii=False),
        json.dumps(rec.meta, ensure_ascii=False),
        json.dumps(links, ensure_ascii=False),
        json.dumps(list(rec.warnings), ensure_ascii=False),
    )


def _from_row(note_id: str, stat: Stat, digest: str, row: tuple) -> NoteRecord:
    title, date, source, kind, parent, style, tags, meta, links, warnings = row
    return NoteRecord(
        id=note_id,
        title=title,
        date=date,
        date_source=source,
        type=kind,
        parent_ref=parent,
        tags=_decoded("tags", tags),
        meta=_decoded("meta", meta),
        links=_decoded("links", links),
        style=style,
        warnings=_decoded("warnings", warnings),
        stat=stat,
        digest=digest,
    )


# --- loading -------------------------------------------------------------------------------


def load_catalog(
    vault: Vault,
    repo: Repository | None = None,
    *,
    use_cache: bool = True,
    progress: Progress | None = None,
) -> Catalog:
    """Walk the vault, reuse cached records for unchanged files, parse the rest (on every
    core when there are many; `progress(done, total)` hears about it). Notes with no date of
    their own are dated by their first commit in `repo`, else their mtime."""
    cache = _Cache.open(vault) if use_cache else None
    stats = cache.stats() if cache is not None else {}
    ids: list[str] = []
    stale: list[tuple[str, str, Stat]] = []
    skipped: list[tuple[str, str]] = []
    for note_id, path, st in walk_notes(vault, lambda i, why: skipped.append((i, why))):
        ids.append(note_id)
        key = stat_key(st)
        cached = stats.get(note_id)
        if cached is None or cached[0] != key:
            stale.append((note_id, path, key))
    seen = set(ids)
    changes = Changes(removed=sorted(i for i in stats if i not in seen))
    fresh = _parse_all(stale, progress)
    for note_id, _, _ in stale:
        (changes.updated if note_id in stats else changes.added).append(note_id)
    _fill_dates(repo, fresh)
    if cache is not None and (fresh or changes.removed):
        cache.write(fresh, changes.removed)

    def reparse(missing: list[str]) -> dict[str, NoteRecord]:
        files = []
        for note_id in missing:
            path = vault.path_of(note_id)
            try:
                files.append((note_id, str(path), stat_key(path.stat())))
            except OSError:
                files.append((note_id, str(path), (0, 0, 0, 0)))
        again = _parse_all(files, None)
        _fill_dates(repo, again)
        return {i: _from_row(i, stat, digest, row) for i, (stat, digest, row) in again.items()}

    known = {i: stats[i] for i in ids if i not in fresh}
    known.update((i, (stat, digest)) for i, (stat, digest, _) in fresh.items())
    records = Records(ids, known, {i: row for i, (_, _, row) in fresh.items()}, cache, reparse)
    return Catalog(vault=vault, records=records, changes=changes, skipped=skipped, _cache=cache)


# A parsed note as it travels (from worker processes too) and is stored: (file state, digest,
# cache row). Strings and numbers only: quick to pass between processes, ready to write.
Parsed = tuple[Stat, str, tuple]


def _read_row(note_id: str, path: str, stat: Stat) -> Parsed:
    try:
        rec = read_note(Path(path), note_id).record
    except OSError as exc:
        problem = f"cannot read the file: {exc.strerror or exc}"
        rec = parse_note("", note_id, warnings=[problem], stat=stat).record
    return rec.stat, rec.digest, _to_row(rec)


def _parse_chunk(items: list[tuple[str, str, Stat]]) -> list[tuple[str, Parsed]]:
    return [(item[0], _read_row(*item)) for item in items]


def _parse_all(stale: list[tuple[str, str, Stat]], progress: Progress | None) -> dict[str, Parsed]:
    """These files parsed: in this process for a few, in worker processes on every core for
    many (parsing is pure CPU work, and a first run may have thousands)."""
    import threading

    total = len(stale)
    workers = min(os.cpu_count() or 1, 8)
    # Workers are forked (they start in milliseconds with vault already imported); a process
    # with other threads (the MCP server) must not fork: a lock another thread holds would
    # stay held in the child. It parses here instead.
    if total < PARALLEL_MIN or workers < 2 or threading.active_count() > 1:
        out = {}
        for n, (note_id, path, stat) in enumerate(stale, 1):
            out[note_id] = _read_row(note_id, path, stat)
            if progress and n % 50 == 0:
                progress(n, total)
        if progress and total:
            progress(total, total)
        return out
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = max(50, min(500, total // (workers * 8)))
    chunks = [stale[k : k + size] for k in range(0, total, size)]
    out: dict[str, Parsed] = {}
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        for parsed in pool.map(_parse_chunk, chunks):
            out.update(parsed)
            if progress:
                progress(len(out), total)
    return out


_DATE, _DATE_SOURCE = _COLUMNS.index("date"), _COLUMNS.index("date_source")


def _fill_dates(repo: Repository | None, parsed: dict[str, Parsed]) -> None:
    """Notes without a date in their metadata or name: the first git commit, else mtime."""
    undated = [i for i, (_, _, row) in parsed.items() if row[_DATE] is None]
    if not undated:
        return
    git_dates = repo.first_commit_dates(undated) if repo is not None else {}
    for note_id in undated:
        stat, digest, row = parsed[note_id]
        if note_id in git_dates:
            day, source = git_dates[note_id], "git"
        else:
            day, source = dt.datetime.fromtimestamp(stat[0] / 1e9).date().isoformat(), "mtime"
        row = (*row[:_DATE], day, source, *row[_DATE_SOURCE + 1 :])
        parsed[note_id] = (stat, digest, row)


# --- the cache -------------------------------------------------------------------------------


class _Cache:
    """The SQLite file. Every failure to read or write it is survivable: it is derived data,
    so a damaged file is replaced and a locked or read-only one is done without."""

    def __init__(self, path: Path, db: sqlite3.Connection):
        self.path = path
        self.db = db

    @classmethod
    def open(cls, vault: Vault) -> _Cache | None:
        try:
            path = vault.ensure_state_dir() / CACHE_FILE
        except OSError:
            return None
        for attempt in range(2):
            try:
                db = sqlite3.connect(path, timeout=5, isolation_level=None)
                cache = cls(path, db)
                if cache._usable(str(vault.root)):
                    return cache
                db.close()
            except sqlite3.Error:
                pass
            if attempt == 0:  # damaged or another version's: start afresh
                _remove(path)
        return None

    def _usable(self, root: str) -> bool:
        db = self.db
        db.execute("PRAGMA journal_mode=WAL")
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            cols = ", ".join(f"{c} TEXT" for c in _COLUMNS)
            db.executescript(
                "BEGIN;"
                "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
                "CREATE TABLE notes (id TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER,"
                f" ctime_ns INTEGER, ino INTEGER, digest TEXT, {cols});"
                "CREATE TABLE derived (name TEXT, id TEXT, digest TEXT, value TEXT,"
                " PRIMARY KEY (name, id));"
                "COMMIT;"
            )
            db.executemany(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                [("version", str(CACHE_VERSION)), ("root", root)],
            )
            return True
        meta = dict(db.execute("SELECT key, value FROM meta"))
        return meta.get("version") == str(CACHE_VERSION) and meta.get("root") == root

    def stats(self) -> dict[str, tuple[Stat, str]]:
        """id -> (file state, digest) of every cached note."""
        try:
            rows = self.db.execute("SELECT id, mtime_ns, size, ctime_ns, ino, digest FROM notes")
            return {r[0]: ((r[1], r[2], r[3], r[4]), r[5]) for r in rows}
        except sqlite3.Error:
            return {}

    def rows(self) -> dict[str, tuple]:
        try:
            rows = self.db.execute(f"SELECT id, {', '.join(_COLUMNS)} FROM notes")
            return {r[0]: r[1:] for r in rows}
        except sqlite3.Error:
            return {}

    def row(self, note_id: str) -> tuple | None:
        try:
            sql = f"SELECT {', '.join(_COLUMNS)} FROM notes WHERE id = ?"
            return self.db.execute(sql, (note_id,)).fetchone()
        except sqlite3.Error:
            return None

    def column(self, name: str) -> dict[str, object]:
        assert name in _COLUMNS  # a name of ours, never text from outside, in the SQL
        try:
            return dict(self.db.execute(f"SELECT id, {name} FROM notes"))
        except sqlite3.Error:
            return {}

    def derived(self, name: str, key: str) -> dict[str, tuple[str, str]]:
        """id -> (digest, value) stored under `name`, if stored under `key`."""
        try:
            if self._meta(f"derived:{name}") != key:
                return {}
            rows = self.db.execute("SELECT id, digest, value FROM derived WHERE name = ?", (name,))
            return {r[0]: (r[1], r[2]) for r in rows}
        except sqlite3.Error:
            return {}

    def store_derived(self, name: str, key: str, values: dict[str, tuple[str, str]]) -> None:
        try:
            self.db.execute("BEGIN IMMEDIATE")
            if self._meta(f"derived:{name}") != key:
                self.db.execute("DELETE FROM derived WHERE name = ?", (name,))
                self.db.execute(
                    "INSERT OR REPLACE INTO meta VALUES (?, ?)", (f"derived:{name}", key)
                )
            self.db.executemany(
                "INSERT OR REPLACE INTO derived VALUES (?, ?, ?, ?)",
                ((name, note_id, digest, value) for note_id, (digest, value) in values.items()),
            )
            self.db.execute("COMMIT")
        except sqlite3.Error:  # derived data: another run will store it
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def write(self, fresh: dict[str, Parsed], removed: Iterable[str]) -> None:
        """Store the notes parsed now and drop the removed ones, in one transaction."""
        marks = ", ".join("?" * (6 + len(_COLUMNS)))
        try:
            self.db.execute("BEGIN IMMEDIATE")
            removed = [(i,) for i in removed]
            self.db.executemany("DELETE FROM notes WHERE id = ?", removed)
            self.db.executemany("DELETE FROM derived WHERE id = ?", removed)
            self.db.executemany(
                f"INSERT OR REPLACE INTO notes VALUES ({marks})",
                ((i, *stat, digest, *row) for i, (stat, digest, row) in fresh.items()),
            )
            self.db.execute("COMMIT")
        except sqlite3.Error:  # locked by another writer past the timeout, read-only, full
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(f"{path}{suffix}")
        except OSError:
            pass
