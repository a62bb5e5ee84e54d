"""The catalog's records, built lazily: a warm command reads the file states first (all that
`search` needs to know nothing changed) and the records only when it asks for them: by column
(titles for the resolver, Parent references) without building records at all, or as whole
records, built one at a time from their rows."""

from __future__ import annotations

import weakref
from collections import ChainMap
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from vault.catalog.cache import Cache
from vault.catalog.derived import Fingerprint
from vault.catalog.rows import COLUMNS, JSON_COLUMNS, Stat, decoded, from_row
from vault.model import NoteRecord

if TYPE_CHECKING:
    from vault.catalog.states import Walk

# Every Records not yet freed: how many catalogs a resident process holds (vault.serve.pool).
_alive: weakref.WeakValueDictionary[int, Records] = weakref.WeakValueDictionary()


def alive() -> int:
    """How many catalogs' records are alive in this process."""
    return len(_alive)


class Records(Mapping):
    """id -> NoteRecord, in walk order, built from rows only when asked for. The rows of the
    notes parsed just now are at hand; for the others the cache is asked only for what is
    used: one column for all notes (titles for the resolver, dates to sort by), one row for
    one note (`show`), or every row at once when a command goes through all the records
    (the graph, `check`)."""

    def __init__(
        self,
        ids: list[str],
        stats: dict[str, tuple[Stat, str]] | None,
        fresh: dict[str, tuple],
        cache: Cache | None,
        reparse: Callable[[list[str]], dict[str, NoteRecord]],
        walked: tuple[Walk, list[str]] | None = None,
        *,
        keys: set[str] | None = None,
        digests: dict[str, str] | None = None,
        fingerprint: Fingerprint | None = None,
    ):
        """`stats` is (file state, digest) of every note; or None, and `walked` gives them
        packed, as the walk found them, with the digests in walk order (built on first
        use: a warm search needs only the digests). `walked` may come beside `stats` (what
        `state` packs). A catalog brought up to date from an
        older one (vault.catalog.update) passes what it kept of it: `keys`, the set of
        `ids`; `digests`, id -> digest in `ids`' order; the `fingerprint` of those. None of
        them is ever changed, here or there (other threads read the older catalog)."""
        self._ids = ids
        self._stats_given = stats
        self._walked = walked
        self._digests: dict[str, str] | None = digests
        self._fingerprint = fingerprint
        self._fresh = fresh  # the rows of the notes parsed just now
        self._built: dict[str, NoteRecord] = {}
        self._keys = set(ids) if keys is None else keys
        self._cache = cache
        self._reparse = reparse
        self._columns: dict[str, dict[str, object]] = {}
        _alive[id(self)] = self

    @property
    def _stats(self) -> dict[str, tuple[Stat, str]]:
        """(file state, digest) of every note."""
        if self._stats_given is None:
            walk, digests = self._walked
            states = zip(walk.states().values(), digests, strict=True)
            self._stats_given = dict(zip(self._ids, states, strict=True))
        return self._stats_given

    def _stats_of(self, ids: list[str]) -> dict[str, tuple[Stat, str]]:
        """(file state, digest) of these few notes: from the packed walk by position while
        the dict of every note is not built (after an edit, a search builds the edited
        note's record, and that dict cost more than the rest of the load)."""
        if self._stats_given is not None:
            return self._stats_given
        walk, digests = self._walked
        where = positions(self._ids, ids)
        return {i: (walk.state_at(at), digests[at]) for i, at in zip(ids, where, strict=True)}

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
        ids = [i for i in ids if i not in self._built]
        stats = self._stats if len(ids) > 16 else self._stats_of(ids)
        for note_id in ids:
            try:
                self._built[note_id] = from_row(note_id, *stats[note_id], rows.get(note_id))
            except (TypeError, ValueError):  # no row, or one that does not decode
                missing.append(note_id)
        if missing:
            self._built.update(self._reparse(missing))

    def column(self, name: str) -> Iterator[tuple[str, object]]:
        """(id, record.<name>) for every note, without building records not built yet."""
        return zip(self._ids, self.columns(name)[0], strict=True)

    def columns(self, *names: str) -> list[list[object]]:
        """record.<name> of every note, in walk order, for each of `names`, without building
        records not built yet; the cached ones read from the cache in one pass."""
        if len(self._built) < len(self._ids):
            wanted = tuple(n for n in names if n not in self._columns)
            cached = len(self._fresh) < len(self._ids) and self._cache is not None
            if wanted:
                read = self._cache.columns(wanted) if cached else [{} for _ in wanted]
                for name, raw in zip(wanted, read, strict=True):
                    at = COLUMNS.index(name)
                    raw.update((i, row[at]) for i, row in self._fresh.items())
                    self._columns[name] = raw
        return [self._values(name, self._columns.get(name, {})) for name in names]

    def _values(self, name: str, raw: dict[str, object]) -> list[object]:
        built = self._built
        decode = name in JSON_COLUMNS
        if not built:  # the common case: one C loop (no subset test first: as costly)
            try:
                values = list(map(raw.__getitem__, self._ids))
            except KeyError:  # one lost from the cache meanwhile: below
                pass
            else:
                return [decoded(name, v) for v in values] if decode else values
        out = []
        for note_id in self._ids:
            rec = built.get(note_id)
            if rec is None and note_id not in raw:
                rec = self[note_id]  # lost from the cache meanwhile: parsed again
            if rec is not None:
                out.append(getattr(rec, name))
            else:
                value = raw[note_id]
                out.append(decoded(name, value) if decode else value)
        return out

    def states(self) -> dict[str, tuple[Stat, str]]:
        """id -> (file state, digest) of every note (read-only to callers)."""
        return self._stats

    def ids(self) -> list[str]:
        """Every id in walk order (read-only to callers)."""
        return self._ids

    def keys_set(self) -> set[str]:
        """Every id, as a set (read-only to callers)."""
        return self._keys

    def fingerprint(self, built_only: bool = False) -> Fingerprint | None:
        """Every id and digest, hashed (vault.catalog.derived.Fingerprint), built once; with
        `built_only`, None when not built yet."""
        if self._fingerprint is None and not built_only:
            joined = None
            if self._digests is None and self._stats_given is None:
                digests = self._walked[1]
                joined = self._walked[0].packed_ids()  # packed for the kept walk already
            else:
                digests = list(self.digests().values())
            self._fingerprint = Fingerprint.of(self._ids, digests, joined)
        return self._fingerprint

    def state(self) -> bytes | None:
        """Every id, digest and file state of these notes as their walk found them, packed
        (vault.derived.kept keys results with them); None for records not made from one
        walk (a catalog brought up to date in a server, which keeps results in memory)."""
        if self._walked is None:
            return None
        walk = self._walked[0]
        return b"\0".join(
            (self.fingerprint().text.encode(), walk.times.tobytes(), walk.inodes.tobytes())
        )

    def fingerprint_with(self, digests: Mapping[str, str]) -> Fingerprint:
        """The fingerprint these notes would give with `digests` (id -> another digest) in
        place of their own."""
        now = self.digests()
        return self.fingerprint().edited(
            self._ids, ChainMap(digests, now), positions(self._ids, digests)
        )

    def digests_built(self) -> dict[str, str] | None:
        """`digests()` if built already, else None."""
        return self._digests

    def digests(self) -> dict[str, str]:
        """id -> content digest of every note (built once: the file states are fixed at load;
        read-only to callers)."""
        if self._digests is None:
            if self._stats_given is None:
                self._digests = dict(zip(self._ids, self._walked[1], strict=True))
            else:
                self._digests = {i: self._stats[i][1] for i in self._ids}
        return self._digests


def positions(ids: list[str], wanted: Iterable[str]) -> list[int]:
    """Where each of `wanted` is in `ids` (all of them are): a search of the list in C for a
    few, one table for many."""
    wanted = list(wanted)
    if len(wanted) <= 16:
        return [ids.index(i) for i in wanted]
    where = {note_id: at for at, note_id in enumerate(ids)}
    return [where[i] for i in wanted]
