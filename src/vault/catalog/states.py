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

from array import array
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter

from vault.catalog.rows import Stat

# (mtime_ns, size, ctime_ns) of each note, signed 64-bit, then its inode, unsigned 64-bit.
TIMES, INODES = "q", "Q"
# Read from each stat without a Python call per note (100,000 of them at each warm walk).
_TIMES_OF = attrgetter("st_mtime_ns", "st_size", "st_ctime_ns")
_INODE_OF = attrgetter("st_ino")


class Walk:
    """What one walk of the notes folder found: ids in walk order and their file states."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.paths: list[str] = []  # absolute, as the walk gave them
        self.times = array(TIMES)  # mtime_ns, size, ctime_ns of each note in turn
        self.inodes = array(INODES)

    def extend(self, ids: list[str], paths: list[str], stats: list) -> None:
        """The notes of one folder (vault.vault.walk_folders): one call, not one per note."""
        self.ids += ids
        self.paths += paths
        self.times.extend(chain.from_iterable(map(_TIMES_OF, stats)))
        self.inodes.extend(map(_INODE_OF, stats))

    def states(self) -> dict[str, Stat]:
        """id -> file state of every note found."""
        t = self.times
        return dict(
            zip(self.ids, zip(t[0::3], t[1::3], t[2::3], self.inodes, strict=True), strict=True)
        )

    def packed_ids(self) -> bytes:
        # Ids never hold NUL (no file name can); surrogateescape keeps names not UTF-8.
        return "\0".join(self.ids).encode("utf-8", "surrogateescape")


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

    def digest_list(self, count: int) -> list[str] | None:
        """The digests, one per note of a walk of `count` notes; None when they do not
        decode as that many (a damaged snapshot: the walk is compared note by note)."""
        digests = self.digests.split(" ") if self.digests else []
        return digests if len(digests) == count else None
