"""Values derived from notes (resolved Parents, references), kept in the catalog's cache
between runs. Each value is stored with the digest of the note it came from and under a key
naming what else it depends on, so a value is handed back only while both still hold."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from vault.catalog.cache import Cache


def fingerprint(digests: dict[str, str]) -> str:
    """Every id and digest, in the catalog's (walk) order, hashed (two joins: 15 ms at
    100,000 notes). Data derived from every note (the search index) is fresh while it holds."""
    h = hashlib.blake2b(digest_size=16)
    h.update("\0".join(digests).encode("utf-8", "surrogateescape"))
    h.update(b"\1")
    h.update("".join(digests.values()).encode("ascii"))
    return h.hexdigest()


def resolution_key(kind: object, ids: Iterable[str]) -> str:
    """The set of note ids and the kind of vault, hashed: what a resolved reference depends
    on besides the note it is written in."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr(kind).encode("utf-8", "surrogateescape"))
    for note_id in sorted(ids):
        h.update(b"\0" + note_id.encode("utf-8", "surrogateescape"))
    return h.hexdigest()


class DerivedStore:
    """Derived values by name, over the cache (none without one: nothing is kept)."""

    def __init__(self, cache: Cache | None, digests: Callable[[], dict[str, str]]):
        self._cache = cache
        self._digests = digests  # id -> digest of every note now

    def get(self, name: str, key: str) -> dict[str, str]:
        """The values stored under `name` and `key` for the notes unchanged since."""
        if self._cache is None:
            return {}
        digests = self._digests()
        # Another process may have stored a value for an older text of the note.
        return {
            note_id: value
            for note_id, (digest, value) in self._cache.derived(name, key).items()
            if digests.get(note_id) == digest
        }

    def put(self, name: str, key: str, values: dict[str, str]) -> None:
        """Keep `values` (note id -> text) under `name`; stored under another key before, the
        old ones are dropped."""
        if self._cache is not None and values:
            digests = self._digests()
            rows = {note_id: (digests[note_id], value) for note_id, value in values.items()}
            self._cache.store_derived(name, key, rows)
