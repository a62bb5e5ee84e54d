"""Values derived from notes (resolved Parents, references), kept in the catalog's cache
between runs. Each value is stored with the digest of the note it came from and under a key
naming what else it depends on, so a value is handed back only while both still hold.

The catalog's fingerprint (every id and digest, hashed) is here too, in a form that an edit
updates by hashing a few hundred digests instead of every note's (a resident process makes
a catalog after every edit; hashing 100,000 digests twice was a third of its answer).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from vault.catalog.cache import Cache
from vault.walk_ahead import packed

# Notes per block of digests hashed together (a block is 8 KB: an edit hashes that much
# again; 400 blocks at 100,000 notes cost no more than hashing every digest in one go).
BLOCK = 256


def _block(digests: Sequence[str]) -> bytes:
    return hashlib.blake2b(packed(digests), digest_size=16).digest()


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """Every id and digest of a catalog, hashed, in a form one edit updates: the ids (walk
    order) hashed in one go, the digests by blocks of BLOCK notes, and those hashes hashed
    again. A note made, moved or removed changes the ids' hash; an edit, its block's."""

    # blake2b of the ids in walk order.
    ids: bytes
    # blake2b of each block of BLOCK digests, in walk order.
    blocks: tuple[bytes, ...]

    @classmethod
    def of(
        cls, ids: Sequence[str], digests: Sequence[str], joined: bytes | None = None
    ) -> Fingerprint:
        """From the ids and their digests in the same (walk) order; `joined` is the ids
        packed (vault.walk_ahead.packed), when they are at hand so."""
        if joined is None:
            joined = packed(ids)
        every = range(0, len(digests), BLOCK)
        blocks = tuple(_block(digests[at : at + BLOCK]) for at in every)
        return cls(hashlib.blake2b(joined, digest_size=16).digest(), blocks)

    def edited(
        self, ids: Sequence[str], digests: Mapping[str, str], positions: Iterable[int]
    ) -> Fingerprint:
        """The fingerprint of the same notes in the same order (`ids`) whose digests are now
        `digests`, when only the notes at these positions changed since."""
        blocks = list(self.blocks)
        for block in {at // BLOCK for at in positions}:
            start = block * BLOCK
            blocks[block] = _block([digests[i] for i in ids[start : start + BLOCK]])
        return Fingerprint(self.ids, tuple(blocks))

    @property
    def text(self) -> str:
        """As stores record it (compared, never parsed)."""
        return hashlib.blake2b(self.ids + b"".join(self.blocks), digest_size=16).hexdigest()


def resolution_key(kind: object, ids: Iterable[str]) -> str:
    """The set of note ids and the kind of vault, hashed: what a resolved reference depends
    on besides the note it is written in."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr(kind).encode("utf-8", "surrogateescape"))
    ordered = sorted(ids)
    if ordered:  # each id after a NUL, hashed in one call (not one a note)
        h.update(b"\0" + packed(ordered))
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
