"""The index manifest: what the Whoosh index holds, as data only (SQLite, never pickle).

One row per indexed note (id, content digest, resolved Parent, Parent as written) and a
`meta` table: the schema version, the number of notes, the vault's language (or "mixed",
decided at each full build) and the catalog's fingerprint of the vault as it was indexed.
This module only reads and writes it; what changed since is worked out from it, and from the
catalog, by vault.derived.freshness (a `Manifest` is the `Stored` record it reads).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from vault.text import storable, unstored

MANIFEST = "manifest.sqlite3"

# (content digest, resolved parent id, the Parent as written): with the written Parent
# unchanged, an edited note keeps its resolved parent without resolving it again.
Entry = tuple[str, str | None, str | None]
MIXED = "mixed"


class Manifest:
    """An open manifest file; every failure to read it means "no usable manifest"."""

    def __init__(self, db: sqlite3.Connection, meta: dict[str, str]):
        self.db = db
        self.meta = meta

    @classmethod
    def open(cls, folder: Path, schema: int) -> Manifest | None:
        """The manifest in `folder` when it is there, readable and of `schema`; else None."""
        path = folder / MANIFEST
        if not path.is_file():
            return None
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        except sqlite3.Error:
            return None
        try:
            meta = dict(db.execute("SELECT key, value FROM meta"))
        except sqlite3.Error:
            db.close()
            return None
        if meta.get("schema") != str(schema):
            db.close()
            return None
        return cls(db, meta)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Manifest:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def fingerprint(self) -> str:
        return self.meta.get("fingerprint", "")

    @property
    def language(self) -> str | None:
        """The one language every note is read in, or None on a mixed vault (each note in
        its own)."""
        value = self.meta.get("language", MIXED)
        return None if value == MIXED else value

    @property
    def notes(self) -> int:
        try:
            return int(self.meta.get("notes", "0"))
        except ValueError:
            return 0

    def rows(self, ids: list[str] | None = None) -> dict[str, Entry] | None:
        """id -> (digest, parent, ref) of these notes (every note with None), of those
        indexed; None when unreadable."""
        try:
            if ids is None:
                rows = self.db.execute("SELECT id, digest, parent, ref FROM notes")
                return dict(map(_entry, rows))
            out: dict[str, Entry] = {}
            for start in range(0, len(ids), 500):
                part = [storable(i) for i in ids[start : start + 500]]
                marks = ", ".join("?" * len(part))
                rows = self.db.execute(
                    f"SELECT id, digest, parent, ref FROM notes WHERE id IN ({marks})", part
                )
                out.update(map(_entry, rows))
            return out
        except sqlite3.Error:
            return None


def write_manifest(
    folder: Path,
    schema: int,
    *,
    changed: dict[str, Entry],
    removed: list[str],
    notes: int,
    fingerprint: str,
    language: str | None = None,
    create: bool = False,
) -> None:
    """Record what was indexed: `changed` rows written, `removed` ones dropped, and the new
    count and fingerprint, in one transaction. With `create`, a new manifest file, and the
    vault's `language` (None: mixed) the build decided on."""
    path = folder / MANIFEST
    if create and path.exists():
        path.unlink()
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        # Derived data: a transaction survives the process being killed (the journal), and a
        # file damaged by a power cut is rebuilt like any damaged index; no fsync needed.
        db.execute("PRAGMA synchronous=OFF")
        db.execute("BEGIN IMMEDIATE")
        if create:
            db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            db.execute(
                "CREATE TABLE notes (id TEXT PRIMARY KEY, digest TEXT, parent TEXT, ref TEXT)"
            )
        db.executemany("DELETE FROM notes WHERE id = ?", ((storable(i),) for i in removed))
        db.executemany(
            "INSERT OR REPLACE INTO notes VALUES (?, ?, ?, ?)",
            ((storable(i), d, storable(p), storable(r)) for i, (d, p, r) in changed.items()),
        )
        meta = [("schema", str(schema)), ("notes", str(notes)), ("fingerprint", fingerprint)]
        if create:
            meta.append(("language", language or MIXED))
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta)
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    finally:
        db.close()


def _entry(row: tuple) -> tuple[str, Entry]:
    """A notes row as (id, (digest, parent, ref)): names that are not UTF-8 were stored as
    their bytes (vault.text.storable)."""
    note_id, digest, parent, ref = row
    return unstored(note_id), (digest, unstored(parent), unstored(ref))
