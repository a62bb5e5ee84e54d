"""The catalog: every note's record, kept fresh against the files by a cache, plus what is
derived from all of them (the vault's kind, the resolver, the Parent structure)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import compress, repeat
from typing import TYPE_CHECKING

from vault.catalog.derived import DerivedStore, resolution_key
from vault.model import Note, NoteSummary, Reference, Resolution
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

    def merged(self, later: Changes) -> Changes:
        """These changes and the `later` ones, as one look would have found both: a note
        made and then edited counts as made; each id once, sorted."""
        added = set(self.added) | set(later.added)
        removed = set(self.removed) | set(later.removed)
        updated = (set(self.updated) | set(later.updated)) - added
        return Changes(sorted(added), sorted(updated), sorted(removed))


@dataclass(frozen=True)
class Before:
    """What a catalog brought up to date from an older one (vault.catalog.update) takes over
    from it: what the older one built over every note, updated for the notes read again
    instead of built again (after every append of a load run, the resolver and every note's
    references were built again: a quarter of the run). Plain values, never the older
    catalog, which is freed as soon as no call holds it; nothing here is ever changed."""

    # The notes read again (edited, listed again, made) or gone since what follows was built.
    reread: frozenset[str]
    # The ids that may be Dendron's root note (Catalog._roots), else None.
    roots: list[str] | None = None
    # The resolver (its name tables), else None.
    resolver: Resolver | None = None
    # The resolution key, the set of ids and the kind it was worked out from, else None.
    resolution_key: str | None = None
    keys: set[str] | None = None
    kind: VaultKind | None = None
    # Parents resolved under that key (Catalog.parents), else None.
    parents: dict[str, Resolution] | None = None
    # Every note's references resolved under that key (vault.references): the ids sorted,
    # and id -> its references; else None.
    references: tuple[list[str], dict[str, list[Reference]]] | None = None


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
    # What this catalog takes over from the one it was brought up to date from, else None.
    _before: Before | None = field(default=None, repr=False)
    # Every note's references as vault.references resolved them (ids sorted, id -> list).
    _references: tuple[list[str], dict[str, list[Reference]]] | None = field(
        default=None, repr=False
    )

    @cached_property
    def kind(self) -> VaultKind:
        """Which tool wrote the vault, as far as its links are concerned."""
        from vault.resolve.kind import detect_kind

        return detect_kind(self.vault, self.records, self._roots)

    @cached_property
    def _roots(self) -> list[str]:
        """The ids that may be Dendron's root note (vault.resolve.kind.detect_kind: a root.md
        at the top or one folder down), in walk order: the older catalog's that are still
        here and those read again, or every id looked at."""
        from vault.resolve.kind import may_be_root

        before = self._before
        records = self.records
        if before is None or before.roots is None:
            # The ids ending in root.md picked in C first: a Python call on every id was a
            # twentieth of a search right after an edit at 100,000 notes.
            ids = records.ids()
            named = compress(ids, map(str.endswith, ids, repeat("root.md")))
            return [i for i in named if may_be_root(i)]
        named = {i for i in before.roots if i in records}
        named.update(i for i in before.reread if i in records and may_be_root(i))
        return sorted(named, key=records.ids().index)

    @cached_property
    def _tables(self) -> Resolver | None:
        """The older catalog's resolver with the notes read again indexed again (its kind
        is the older catalog's), when there is one and few notes were read again."""
        before = self._before
        if before is None or before.resolver is None:
            return None
        records = self.records
        if len(before.reread) > max(100, len(records) // 8):
            return None  # building afresh costs about as much
        again = sorted(i for i in before.reread if i in records)
        return before.resolver.changed(before.reread, [(i, records[i].title) for i in again])

    @cached_property
    def resolver(self) -> Resolver:
        from vault.resolve import Resolver

        tables = self._tables
        if tables is not None:
            return tables if tables.kind == self.kind else replace(tables, kind=self.kind)
        return Resolver.build(self.records.column("title"), self.vault.notes_prefix, self.kind)

    @cached_property
    def resolution_key(self) -> str:
        """What every resolution of a reference depends on besides the note it is written in:
        the set of note ids and the kind of vault (not titles, not other notes' text). A
        resolution stored under this key holds for as long as the key does."""
        before = self._before
        if (
            before is not None
            and before.keys is self.records.keys_set()  # the same notes (never changed)
            and before.kind == self.kind
        ):
            return before.resolution_key
        return resolution_key(self.kind, self.records)

    def _carried(self, name: str) -> tuple[object, frozenset[str]] | None:
        """What the older catalog resolved (`parents` or `references`) and the notes to
        resolve again, when it holds under this catalog's resolution key; else None."""
        before = self._before  # read once: `keep_references` lets go of it
        if before is None or before.resolution_key != self.resolution_key:
            return None
        value = getattr(before, name)
        return None if value is None else (value, before.reread)

    def carried_references(
        self,
    ) -> tuple[list[str], dict[str, list[Reference]], frozenset[str]] | None:
        """The references the older catalog resolved, for vault.references: (ids sorted,
        id -> references, the notes to resolve again), when they hold under this catalog's
        resolution key; else None."""
        carried = self._carried("references")
        return None if carried is None else (*carried[0], carried[1])

    def keep_references(self, ids: list[str], by_note: dict[str, list[Reference]]) -> None:
        """What vault.references resolved (ids sorted, id -> references; never changed
        after), for the catalog brought up to date from this one."""
        self._references = (ids, by_note)
        if "resolver" in self.__dict__ and "parents" in self.__dict__:
            # All a server builds on it is built: what came before is no longer wanted (and
            # the next catalog takes over from this one's own).
            self._before = None

    def before_update(self, reread: set[str]) -> Before:
        """What a catalog brought up to date from this one, with the notes `reread` read
        again (or gone), takes over from it (vault.catalog.update)."""
        got = self.__dict__  # what was built (cached properties), else what came before
        prior = self._before or Before(frozenset())
        resolver = got.get("resolver", prior.resolver)
        if "resolution_key" in got:
            key, keys, kind = got["resolution_key"], self.records.keys_set(), got["kind"]
            same = prior.resolution_key == key
        else:
            key, keys, kind, same = prior.resolution_key, prior.keys, prior.kind, True
        parents = got.get("parents", prior.parents if same else None)
        references = self._references
        if references is None and same:
            references = prior.references
        older = resolver is not got.get("resolver") or parents is not got.get("parents")
        older = older or (references is not None and references is not self._references)
        if "_roots" in got:
            roots = got["_roots"]
        else:
            roots, older = prior.roots, older or prior.roots is not None
        return Before(
            frozenset(reread) | (prior.reread if older else frozenset()),
            roots,
            resolver,
            key,
            keys,
            kind,
            parents,
            references,
        )

    @cached_property
    def fingerprint(self) -> str:
        """Every id and digest of the vault, hashed: data derived from every note (the search
        index) is up to date when it was made at this fingerprint (vault.derived.freshness)."""
        return self.records.fingerprint().text

    def state(self) -> bytes | None:
        """The notes as this catalog read them, and the cache it read them through: every
        id, digest and file state of its walk, and the cache file's size, time and inode (a
        cache rebuilt gives another state); the vault's settings and kind. Results built
        from nothing but the catalog are kept on disk under it (vault.derived.kept). None
        when there is no such state."""
        walked = self.records.state()
        if walked is None or self._cache is None:
            return None
        try:
            st = os.stat(self._cache.path)
        except OSError:
            return None
        # What else decides a result: the vault's settings, and the tool that wrote it (a
        # dendron.yml or .obsidian/ changes how links resolve, and no note says so).
        beside = (
            f"\0{st.st_size} {st.st_mtime_ns} {st.st_ino}\0{self.vault.config!r}\0{self.kind!r}"
        )
        return walked + beside.encode("utf-8", "surrogatepass")

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
        carried = self._carried("parents")
        if carried is not None:  # an edit: only the notes read again are resolved
            return self._parents_after(*carried)
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

    def _parents_after(
        self, before: dict[str, Resolution], reread: frozenset[str]
    ) -> dict[str, Resolution]:
        """`before` (the Parents resolved under this resolution key) with the notes `reread`
        resolved again."""
        out = dict(before)
        new: dict[str, str] = {}
        for note_id in reread:
            ref = self.records[note_id].parent_ref if note_id in self.records else None
            if not ref:
                out.pop(note_id, None)
                continue
            res = out[note_id] = self.resolver.resolve_parent(ref, note_id)  # keeps its place
            new[note_id] = json.dumps([res.id, *res.candidates], ensure_ascii=False)
        self.store_derived("parent", new)
        if any(i not in before for i in new):  # a Parent written in: in walk order, as built
            out = {i: out[i] for i in self.records.ids() if i in out}
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
    from vault.resolve.written import Shared

    same = Shared()  # one Resolution for equal ones (many notes name one hub as Parent)
    return {
        note_id: same.resolution(value[0], value[1:])
        for (note_id, _), value in zip(stored, values, strict=True)
        if isinstance(value, list) and value
    }


def _decoded(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return None
