"""The catalog: every note's record, kept fresh against the files by a cache, plus what is
derived from all of them (the vault's kind, the resolver, the Parent structure)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

from vault.catalog.derived import DerivedStore, resolution_key
from vault.model import Note, NoteSummary, Resolution
from vault.vault import Vault

# vault.resolve (its tables and link grammar) and vault.notes are imported on first use:
# loading a catalog needs neither.
if TYPE_CHECKING:
    from vault.catalog.cache import Cache
    from vault.catalog.records import Records
    from vault.resolve import Resolver, VaultKind


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
    _cache: Cache | None = field(default=None, repr=False)

    @cached_property
    def kind(self) -> VaultKind:
        """Which tool wrote the vault, as far as its links are concerned."""
        from vault.resolve.kind import detect_kind

        return detect_kind(self.vault, self.records)

    @cached_property
    def resolver(self) -> Resolver:
        from vault.resolve import Resolver

        return Resolver.build(self.records.column("title"), self.vault.notes_prefix, self.kind)

    @cached_property
    def resolution_key(self) -> str:
        """What every resolution of a reference depends on besides the note it is written in:
        the set of note ids and the kind of vault (not titles, not other notes' text). A
        resolution stored under this key holds for as long as the key does."""
        return resolution_key(self.kind, self.records)

    @cached_property
    def fingerprint(self) -> str:
        """Every id and digest of the vault, hashed: data derived from every note (the search
        index) is up to date when it was made at this fingerprint (vault.derived.freshness)."""
        return self.records.fingerprint().text

    def fingerprint_with(self, digests: dict[str, str]) -> str:
        """The fingerprint the vault would have with these notes' digests (id -> digest) in
        place of their own (what a store recorded before the notes were edited)."""
        return self.records.fingerprint_with(digests).text

    @cached_property
    def _derived(self) -> DerivedStore:
        # The records' method, not the catalog's: a catalog that held a store holding the
        # catalog would be freed only by the cycle collector, long after the next one loaded.
        return DerivedStore(self._cache, self.records.digests)

    def derived(self, name: str, key: str | None = None) -> dict[str, str]:
        """Values stored under `name` (by vault.references, say) for the notes unchanged since
        they were stored, if they were stored under `key`: what else they depend on besides
        the note's text (by default the resolution key)."""
        if self._cache is None:
            return {}
        return self._derived.get(name, self.resolution_key if key is None else key)

    def store_derived(self, name: str, values: dict[str, str], key: str | None = None) -> None:
        """Keep `values` (note id -> text) under `name` for the next run; stored under
        another key before, the old ones are dropped."""
        if self._cache is not None and values:
            self._derived.put(name, self.resolution_key if key is None else key, values)

    @cached_property
    def parents(self) -> dict[str, Resolution]:
        """id -> resolution of its Parent header, for notes that have one (kept in the cache
        between runs, so an unchanged vault needs no resolver for them)."""
        stored = self.derived("parent")
        refs = [(i, ref) for i, ref in self.records.column("parent_ref") if ref]
        out = _stored_resolutions([(i, stored[i]) for i, _ in refs if i in stored])
        new: dict[str, str] = {}
        for note_id, ref in refs:
            if note_id not in out:
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
        from vault.notes import read_note

        rec = self.records[note_id]
        note = read_note(self.vault.path_of(note_id), note_id)
        # Keep the date the catalog settled on (git or mtime) for notes without one.
        if note.record.date is None and rec.date is not None:
            note = Note(replace(note.record, date=rec.date, date_source=rec.date_source), note.body)
        return note

    def summaries(self) -> list[NoteSummary]:
        """Every note's id, title, date and type, read as columns: no record is built."""
        columns = self.records.columns("title", "date", "type", "date_source")
        return list(map(NoteSummary, self.records, *columns))

    def warnings(self) -> list[tuple[str, str]]:
        return [(note_id, w) for note_id, ws in self.records.column("warnings") for w in ws]


def _stored_resolutions(stored: list[tuple[str, str]]) -> dict[str, Resolution]:
    """id -> Resolution from the cached JSON texts `[id, *candidates]`, decoded in one call
    (one json.loads per note was a tenth of `list`); any text that does not decode as one
    list of strings is left out, so its note is resolved again."""
    if not stored:
        return {}
    try:
        values = json.loads("[" + ",".join(text for _, text in stored) + "]")
    except ValueError:
        values = None
    if not isinstance(values, list) or len(values) != len(stored):
        values = [_decoded(text) for _, text in stored]
    return {
        note_id: Resolution(value[0], tuple(value[1:]))
        for (note_id, _), value in zip(stored, values, strict=True)
        if isinstance(value, list) and value
    }


def _decoded(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return None
