"""The walk's file states as packed columns, and the last walk kept whole in the cache.

A warm command on an unchanged vault needs to know only that nothing changed. Comparing the
walk with the cache note by note meant reading every note's row of file state back as
Python tuples, then one lookup and one tuple comparison per note: a tenth of a warm search
at 10,000 notes. Instead the walk packs what it found (ids in walk order, and the file
states as two arrays of integers), and the cache keeps the last walk packed the same way,
with the digest of each note. Two byte comparisons then say whether anything changed; when
nothing did, the digests are the snapshot's and no row is read.

The snapshot is a pure function of the files' states: a note with the same (mtime_ns, size,
ctime_ns, inode) as when it was read has the same digest (the rule the per-note comparison
applies). The cache drops it whenever it writes notes without writing a new one
(vault.catalog.cache), so while it is there the notes' rows are those of this walk too.
"""

from __future__ import annotations

import os
from array import array
from dataclasses import dataclass
from itertools import chain

from vault.catalog.rows import Stat
from vault.walk_ahead import INODE_OF, INODES, TIMES, TIMES_OF, Found, packed

# Bytes per value of the packed columns, and notes per block `Snapshot.changed` compares.
TIMES_SIZE, INODES_SIZE = array(TIMES).itemsize, array(INODES).itemsize
_BLOCK = 256


class Walk:
    """What one walk of the notes folder found: ids in walk order and their file states."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self._paths: list[str] = []  # absolute, as the walk gave them
        self._root: str | None = None  # the vault's root, when the paths are still to make
        self.times = array(TIMES)  # mtime_ns, size, ctime_ns of each note in turn
        self.inodes = array(INODES)
        self._packed_ids: bytes | None = None  # as the walk ahead sent them, when it did

    @classmethod
    def of(cls, found: Found, root: str) -> Walk:
        """The walk the walk ahead of the vault at `root` did (vault.walk_ahead)."""
        walk = cls()
        walk.ids = found.ids
        walk._root = root  # the paths, made when asked: a warm load never asks
        walk.times, walk.inodes = found.times, found.inodes
        walk._packed_ids = found.packed_ids
        return walk

    @property
    def paths(self) -> list[str]:
        """The notes' absolute paths, in walk order."""
        if self._root is not None:
            prefix = self._root + os.sep
            self._paths, self._root = [prefix + note_id for note_id in self.ids], None
        return self._paths

    def path_at(self, at: int) -> str:
        """The absolute path of the note at position `at`."""
        if self._root is not None:
            return self._root + os.sep + self.ids[at]
        return self._paths[at]

    def state_at(self, at: int) -> Stat:
        """The file state of the note at position `at`."""
        t = self.times
        return (t[3 * at], t[3 * at + 1], t[3 * at + 2], self.inodes[at])

    def extend(self, ids: list[str], paths: list[str], stats: list) -> None:
        """The notes of one folder (vault.vault.walk_folders): one call, not one per note."""
        self._packed_ids = None
        self.ids += ids
        self.paths.extend(paths)
        self.times.extend(chain.from_iterable(map(TIMES_OF, stats)))
        self.inodes.extend(map(INODE_OF, stats))

    def states(self) -> dict[str, Stat]:
        """id -> file state of every note found."""
        t = self.times
        return dict(
            zip(self.ids, zip(t[0::3], t[1::3], t[2::3], self.inodes, strict=True), strict=True)
        )

    def packed_ids(self) -> bytes:
        """The ids as vault.walk_ahead.packed packs them, packed once (the kept walk's
        comparison and the fingerprint both hash or compare them)."""
        if self._packed_ids is None:
            self._packed_ids = packed(self.ids)
        return self._packed_ids


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The last walk as the cache keeps it, with every note's digest in walk order (equal
    to another when every column is)."""

    ids: bytes  # as Walk.packed_ids packs them
    times: bytes  # Walk.times' bytes
    inodes: bytes  # Walk.inodes' bytes
    digests: str  # the digests joined by spaces

    @classmethod
    def of(cls, walk: Walk, digests: list[str]) -> Snapshot:
        return cls(
            walk.packed_ids(), walk.times.tobytes(), walk.inodes.tobytes(), " ".join(digests)
        )

    def matches(self, walk: Walk) -> bool:
        """Whether `walk` found the same notes, in the same order, in the same states."""
        return (
            self.times == walk.times.tobytes()
            and self.inodes == walk.inodes.tobytes()
            and self.ids == walk.packed_ids()
        )

    def changed(self, walk: Walk) -> list[int] | None:
        """The positions of the notes whose file state `walk` found different, when it found
        the same notes in the same order (an edit); else None. Compared by blocks of bytes,
        so an edit of one note costs a few hundred comparisons in C, not a Python loop
        over every note (or a dict of every note's cached state: a tenth of a second at
        100,000 notes)."""
        if self.ids != walk.packed_ids():
            return None
        times, inodes = walk.times.tobytes(), walk.inodes.tobytes()
        if len(times) != len(self.times) or len(inodes) != len(self.inodes):
            return None
        size = TIMES_SIZE * 3
        out = []
        for start in range(0, len(walk.ids), _BLOCK):
            end = min(start + _BLOCK, len(walk.ids))
            if (
                self.times[start * size : end * size] == times[start * size : end * size]
                and self.inodes[start * INODES_SIZE : end * INODES_SIZE]
                == inodes[start * INODES_SIZE : end * INODES_SIZE]
            ):
                continue
            for at in range(start, end):
                if (
                    self.times[at * size : (at + 1) * size] != times[at * size : (at + 1) * size]
                    or self.inodes[at * INODES_SIZE : (at + 1) * INODES_SIZE]
                    != inodes[at * INODES_SIZE : (at + 1) * INODES_SIZE]
                ):
                    out.append(at)
        return out

    def digest_list(self, count: int) -> list[str] | None:
        """The digests, one per note of a walk of `count` notes; None when they do not
        decode as that many (a damaged snapshot: the walk is compared note by note)."""
        digests = self.digests.split(" ") if self.digests else []
        return digests if len(digests) == count else None
