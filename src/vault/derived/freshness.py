"""Bringing data derived from every note up to date: what changed since it was made, worked
out once, as plain data, for whichever store holds it (the search index; vectors next).

A derived store records, each time it is written, the catalog's fingerprint (every id and
digest, hashed: vault.catalog.Catalog.fingerprint) and one row per note that starts with
the note's content digest (vault.search.manifest is such a record). Given the catalog and
that record, `changes` says once what the store must do: nothing (the fingerprints agree,
and no row is read), write and delete some notes, or build everything afresh, and why. The
store applies the answer and records the new fingerprint; it never asks again.

Rows are read only to find what changed: after edits alone (the common case) only the rows
of the edited notes, else every row.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from vault.catalog import Catalog


def folder_stamp(folder: os.PathLike | str) -> tuple:
    """The files of a store's folder as they are now: (name, size, mtime, inode) of each. A
    store's writes make new files (Whoosh's segments and table of contents, a new matrix and
    manifest under new names, a lock while it writes), so what a resident process read from
    the store is current while this stays the same. OSError when the folder cannot be read."""
    with os.scandir(folder) as entries:
        return tuple(
            sorted((e.name, st.st_size, st.st_mtime_ns, st.st_ino) for e in entries
                   for st in (e.stat(),))
        )  # fmt: skip


class Stored(Protocol):
    """What a derived store recorded at its last write, read as data."""

    @property
    def fingerprint(self) -> str:
        """The catalog's fingerprint when the store was written ("" when some note could not
        be written then: compare every row next time)."""
        ...

    def rows(self, ids: list[str] | None = None) -> dict[str, tuple] | None:
        """id -> (digest, ...) of these notes (every note with None), of those recorded;
        None when the record cannot be read."""
        ...


@dataclass
class Changes:
    """What a derived store must do to hold the vault as the catalog sees it now."""

    # The catalog's fingerprint now: record it once these changes are applied.
    fingerprint: str
    # Nothing to do: the store was made from the vault as it is (no row was read).
    fresh: bool = False
    # Why the store must be built afresh (nothing usable is recorded), else None.
    rebuild: str | None = None
    # Notes the store does not hold, in the catalog's order.
    added: list[str] = field(default_factory=list)
    # Notes whose text differs from what the store holds, in the catalog's order.
    changed: list[str] = field(default_factory=list)
    # Notes the store holds that are gone from the vault.
    removed: list[str] = field(default_factory=list)
    # The notes to write, added and changed, in the catalog's order.
    stale: list[str] = field(default_factory=list)
    # The recorded rows read to find all this: at least those of the changed and removed
    # notes; every row when `complete`.
    rows: dict[str, tuple] = field(default_factory=dict)
    complete: bool = False


def is_fresh(catalog: Catalog, stored: Stored | None) -> bool:
    """Was the store made from the vault as it is? (The look before taking any lock: a
    store that is up to date is read without writing anything.)"""
    return stored is not None and stored.fingerprint == catalog.fingerprint


def changes(catalog: Catalog, stored: Stored | None, *, thorough: bool = False) -> Changes:
    """What `stored` must do to hold the vault as `catalog` sees it now. With `thorough`
    (the store has just failed to read), every row is compared, whatever the fingerprints."""
    now = catalog.fingerprint
    if stored is None:
        return Changes(now, rebuild="nothing usable is recorded")
    if not thorough:
        if stored.fingerprint == now:
            return Changes(now, fresh=True)
        edits = _edits_only(catalog, stored)
        if edits is not None:
            return edits
    rows = stored.rows()
    if rows is None:
        return Changes(now, rebuild="the record is unreadable")
    found = Changes(now, rows=rows, complete=True)
    for note_id, digest in catalog.digests().items():
        row = rows.get(note_id)
        if row is None:
            found.added.append(note_id)
        elif row[0] != digest:
            found.changed.append(note_id)
        else:
            continue
        found.stale.append(note_id)
    digests = catalog.digests()
    found.removed = [i for i in rows if i not in digests]
    return found


def _edits_only(catalog: Catalog, stored: Stored) -> Changes | None:
    """The changes in the common case, without reading every row: the catalog's walk saw
    only edits since its cache was written, and the store holds exactly what the vault held
    before them (the fingerprint of today's digests with those notes' recorded digests put
    back is the recorded one). None when that is not so."""
    walked = catalog.changes
    if not walked.updated or walked.added or walked.removed:
        return None
    seen = stored.rows(walked.updated)
    if seen is None or len(seen) != len(walked.updated):
        return None
    digests = catalog.digests()
    if catalog.fingerprint_with({i: row[0] for i, row in seen.items()}) != stored.fingerprint:
        return None
    changed = [i for i, row in seen.items() if row[0] != digests[i]]
    return Changes(catalog.fingerprint, changed=changed, stale=list(changed), rows=seen)
