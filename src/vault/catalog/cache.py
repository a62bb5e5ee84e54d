"""The catalog's SQLite file in the vault's state folder (outside the vault; data only, never
code): one row per note with the file's state when it was parsed and the parsed record
(vault.catalog.rows), plus values derived from notes (vault.catalog.derived) and the last
walk, packed (vault.catalog.states).

An SQLite connection belongs to the thread that opened it, and a resident process (vault
serve, vault mcp) reads one catalog from several threads at once: each thread gets its own
connection to the same file, opened on its first use (WAL lets them read side by side)."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from vault.catalog.rows import COLUMNS, Parsed, Stat
from vault.catalog.states import Snapshot
from vault.text import storable, unstored
from vault.vault import Vault

# Bump when NoteRecord or parsing changes, so old caches are rebuilt rather than misread.
CACHE_VERSION = 9
CACHE_FILE = "catalog.sqlite3"


class Cache:
    """The SQLite file. Every failure to read or write it is survivable: it is derived data,
    so a damaged file is replaced and a locked or read-only one is done without."""

    def __init__(self, path: Path, db: sqlite3.Connection):
        self.path = path
        self._opened_by = threading.get_ident()
        self._first = db  # the opening thread's connection
        self._local = threading.local()  # every other thread's

    @property
    def db(self) -> sqlite3.Connection:
        """This thread's connection to the file."""
        if threading.get_ident() == self._opened_by:
            return self._first
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = _connect(self.path)
        return db

    @classmethod
    def open(cls, vault: Vault) -> Cache | None:
        try:
            path = vault.ensure_state_dir() / CACHE_FILE
        except OSError:
            return None
        for attempt in range(2):
            try:
                db = _connect(path)
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
            cols = ", ".join(f"{c} TEXT" for c in COLUMNS)
            db.executescript(
                "BEGIN;"
                "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
                "CREATE TABLE notes (id TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER,"
                f" ctime_ns INTEGER, ino INTEGER, digest TEXT, {cols});"
                "CREATE TABLE derived (name TEXT, id TEXT, digest TEXT, value TEXT,"
                " PRIMARY KEY (name, id));"
                "CREATE TABLE walk (ids BLOB, times BLOB, inodes BLOB, digests TEXT);"
                "COMMIT;"
            )
            db.executemany(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                [("version", str(CACHE_VERSION)), ("root", _stored(root))],
            )
            return True
        meta = dict(db.execute("SELECT key, value FROM meta"))
        return meta.get("version") == str(CACHE_VERSION) and _name(meta.get("root")) == root

    def snapshot(self) -> Snapshot | None:
        """The last walk, as stored with the notes' rows (None when there is none)."""
        try:
            row = self.db.execute("SELECT ids, times, inodes, digests FROM walk").fetchone()
        except sqlite3.Error:
            return None
        if row is None or not all(isinstance(v, t) for v, t in zip(row, _SNAPSHOT, strict=True)):
            return None
        return Snapshot(*row)

    def stats(self) -> dict[str, tuple[Stat, str]]:
        """id -> (file state, digest) of every cached note."""
        try:
            rows = self.db.execute("SELECT id, mtime_ns, size, ctime_ns, ino, digest FROM notes")
            stats = {r[0]: ((r[1], r[2], r[3], r[4]), r[5]) for r in rows}
            for (i,) in self.db.execute("SELECT id FROM notes WHERE typeof(id) = 'blob'"):
                stats[_name(i)] = stats.pop(i)  # see _stored
            return stats
        except sqlite3.Error:
            return {}

    def stats_of(self, ids: list[str]) -> dict[str, tuple[Stat, str]]:
        """id -> (file state, digest) of these notes, for those cached."""
        out: dict[str, tuple[Stat, str]] = {}
        try:
            for at in range(0, len(ids), 500):  # SQLite's limit on parameters, with room
                part = [_stored(i) for i in ids[at : at + 500]]
                marks = ", ".join("?" * len(part))
                sql = "SELECT id, mtime_ns, size, ctime_ns, ino, digest FROM notes WHERE id IN "
                sql += f"({marks})"
                for r in self.db.execute(sql, part):
                    out[_name(r[0])] = ((r[1], r[2], r[3], r[4]), r[5])
            return out
        except sqlite3.Error:
            return {}

    def git_dates(self, ids: list[str]) -> dict[str, str]:
        """id -> the date of the commit that first added the note, for the notes of `ids`
        whose cached row is dated so."""
        out: dict[str, str] = {}
        try:
            for at in range(0, len(ids), 500):  # SQLite's limit on parameters, with room
                part = [_stored(i) for i in ids[at : at + 500]]
                marks = ", ".join("?" * len(part))
                sql = "SELECT id, date FROM notes WHERE date_source = 'git' AND id IN "
                for note_id, date in self.db.execute(sql + f"({marks})", part):
                    if isinstance(date, str):
                        out[_name(note_id)] = date
            return out
        except sqlite3.Error:
            return {}

    def rows(self) -> dict[str, tuple]:
        try:
            rows = self.db.execute(f"SELECT id, {', '.join(COLUMNS)} FROM notes")
            out = {}
            for r in rows:
                if bytes in map(type, r):  # rare: a name that is not UTF-8 (see _stored)
                    r = _texts(r)
                out[r[0]] = r[1:]
            return out
        except sqlite3.Error:
            return {}

    def row(self, note_id: str) -> tuple | None:
        try:
            sql = f"SELECT {', '.join(COLUMNS)} FROM notes WHERE id = ?"
            row = self.db.execute(sql, (_stored(note_id),)).fetchone()
            return row if row is None or bytes not in map(type, row) else _texts(row)
        except sqlite3.Error:
            return None

    def columns(self, names: tuple[str, ...]) -> list[dict[str, object]]:
        """id -> value of each column in `names`, read in one pass over the table (a row is
        long: reading it once for four columns costs a quarter of reading it four times)."""
        assert all(n in COLUMNS for n in names)  # names of ours, never text from outside
        listed = ", ".join(names)
        try:
            rows = self.db.execute(f"SELECT id, {listed} FROM notes").fetchall()
        except sqlite3.Error:
            return [{} for _ in names]
        # Transposed in C; the few values stored as bytes (see `_stored`) found by one C pass
        # over each column, not by a second scan of the table.
        ids, *values = zip(*rows, strict=True) if rows else [()] * (len(names) + 1)
        columns = [dict(zip(ids, column, strict=True)) for column in values]
        if bytes in set(map(type, ids)) or any(bytes in set(map(type, c)) for c in values):
            for row in rows:
                if bytes in map(type, row):
                    for column, value in zip(columns, row[1:], strict=True):
                        del column[row[0]]
                        column[_name(row[0])] = _name(value)
        return columns

    def derived(self, name: str, key: str) -> dict[str, tuple[str, str]]:
        """id -> (digest, value) stored under `name`, if stored under `key`."""
        try:
            if self._meta(f"derived:{name}") != key:
                return {}
            sql = "SELECT id, digest, value FROM derived WHERE name = ?"
            rows = self.db.execute(sql, (name,)).fetchall()
        except sqlite3.Error:
            return {}
        ids, digests, texts = zip(*rows, strict=True) if rows else ((), (), ())
        values = dict(zip(ids, zip(digests, texts, strict=True), strict=True))
        # The few stored as bytes (see _stored), found by a C pass over each column, not by
        # a second scan of the table.
        if bytes in set(map(type, ids)) or bytes in set(map(type, texts)):
            for i, digest, value in rows:
                if isinstance(i, bytes) or isinstance(value, bytes):
                    del values[i]
                    values[_name(i)] = (digest, _name(value))
        return values

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
                (
                    (name, _stored(note_id), digest, _stored(value))
                    for note_id, (digest, value) in values.items()
                ),
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

    def write(
        self, fresh: dict[str, Parsed], removed: Iterable[str], snapshot: Snapshot | None = None
    ) -> None:
        """Store the notes parsed now and drop the removed ones, in one transaction, with
        `snapshot`, the walk that the rows now hold exactly; without one, the stored walk is
        dropped (the rows no longer hold it)."""
        marks = ", ".join("?" * (6 + len(COLUMNS)))
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("DELETE FROM walk")
            if snapshot is not None:
                self.db.execute(
                    "INSERT INTO walk VALUES (?, ?, ?, ?)",
                    (snapshot.ids, snapshot.times, snapshot.inodes, snapshot.digests),
                )
            removed = [(_stored(i),) for i in removed]
            self.db.executemany("DELETE FROM notes WHERE id = ?", removed)
            self.db.executemany("DELETE FROM derived WHERE id = ?", removed)
            self.db.executemany(
                f"INSERT OR REPLACE INTO notes VALUES ({marks})",
                (
                    _texts((i, *stat, digest, *row), _stored)
                    for i, (stat, digest, row) in fresh.items()
                ),
            )
            self.db.execute("COMMIT")
        except sqlite3.Error:  # locked by another writer past the timeout, read-only, full
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass


# A file name that is not UTF-8 reaches Python as a str with lone surrogates (os.fsdecode),
# and so does every value derived from it (an id, a title, a warning naming it). SQLite takes
# only UTF-8 text: such a value is stored as its bytes (a BLOB) and read back as the same str.
_stored, _name = storable, unstored

# The types of a stored walk's columns, as `write` stores them.
_SNAPSHOT = (bytes, bytes, bytes, str)


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=5, isolation_level=None)


def _texts(row: tuple, convert=_name) -> tuple:
    return tuple(convert(v) for v in row)


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(f"{path}{suffix}")
        except OSError:
            pass
