"""Writing the search index: its locks, and, in a resident process (vault serve), merging
its small segments later instead of on the update an answer waits for.

Writers are serialised by a file lock (index.lock in the vault's locks folder), the threads
of one process queueing first on a thread lock, and then by Whoosh's own write lock; both
are waited on for VAULT_INDEX_TIMEOUT seconds (default 60) before IndexBusy is raised.

An update commits the notes it writes as one small segment. A command run alone merges the
small segments on the update once MAX_SEGMENTS of them piled up (nobody merges later). A
resident process calls `merge_later` once: its updates then commit without merging and tell
it, and its thread calls `merge_small_segments` when updates pause; they also leave the
counts of the words the vocabulary has already to that merge.

whoosh is imported inside the functions that use it, so importing this module is cheap.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from vault.errors import IndexBusy
from vault.search.build import COMPOUND, REBUILD_CHUNK
from vault.search.imports import whoosh_index
from vault.search.manifest import MANIFEST
from vault.search.schema import vocabulary_doc
from vault.vault import Vault

INDEX_FOLDER = "index"  # in the vault's state folder
# Commit without merging until this many small segments pile up; then Whoosh merges them.
MAX_SEGMENTS = 8
DEFAULT_TIMEOUT = 60.0


def lock_timeout() -> float:
    """Seconds to wait for another process's index lock (env VAULT_INDEX_TIMEOUT)."""
    raw = os.environ.get("VAULT_INDEX_TIMEOUT", "")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT


_guard = threading.Lock()  # for the module's dictionaries (_queues, _deferred)


# The threads of one process that wait for the index lock queue here first, each woken as
# soon as the one before lets go: the file lock is polled (every 50 ms), and in a resident
# process under load the index's writers were mostly its own threads.
_queues: dict[Path, threading.Lock] = {}


@contextmanager
def _writing(vault: Vault, timeout: float):
    """Hold the vault's index lock (serialises vault processes that write the index)."""
    from vault.locks import LockTimeout, file_lock

    lock = vault.locks_dir / "index.lock"
    with _guard:
        queue = _queues.setdefault(lock, threading.Lock())
    deadline = time.monotonic() + timeout
    if not queue.acquire(timeout=timeout):
        raise _busy(timeout)
    try:
        with file_lock(lock, timeout=max(0.0, deadline - time.monotonic())):
            yield
    except LockTimeout:
        raise _busy(timeout) from None
    finally:
        queue.release()


def _busy(timeout: float) -> IndexBusy:
    return IndexBusy(
        f"the search index is locked by another process (waited {timeout:g}s); "
        "try again when it has finished, or set VAULT_INDEX_TIMEOUT to wait longer"
    )


def _whoosh_writer(ix, deadline: float | None, make: Callable | None = None, **kwargs):
    """A writer of `ix` (`make(**options)`, Whoosh's own by default), its lock waited for
    until `deadline`."""
    from whoosh.index import LockError

    make = make or ix.writer
    if deadline is None:  # a private index (a temporary copy): nobody else writes it
        return make(**kwargs)
    try:
        return make(timeout=max(0.0, deadline - time.monotonic()), delay=0.05, **kwargs)
    except LockError:
        raise _busy(lock_timeout()) from None


# In a resident process (vault serve), what an update calls with the vault once it committed
# without merging (vault.serve.resident): a thread of its own merges the small segments a
# little later, off the path of the answer waiting for the update. None: an update merges
# when MAX_SEGMENTS small segments piled up, as a command run alone must (nobody merges
# later).
_merge_later: Callable[[Vault], None] | None = None


def merge_later(told: Callable[[Vault], None] | None) -> None:
    """From now on, updates commit without merging and call `told(vault)` after (None: merge
    on the update again)."""
    global _merge_later
    _merge_later = told


def small(ix) -> list:
    """The index's small segments (written by updates); the rebuild's big ones are left."""
    return [s for s in ix._segments() if s.doc_count_all() < REBUILD_CHUNK // 2]


# Words of updated notes that the vocabulary has already, whose counts a resident process's
# updates leave to the next merge (index folder -> counts): a vocabulary document of a note's
# words cost about half of writing its segment. The counts only rank spelling suggestions;
# a word new to the vocabulary is written at once, so it can be suggested at once.
_deferred: dict[Path, Counter] = {}


# Words found in an index's vocabulary, by index folder, with the id of the index's first
# segment when they were found. The vocabulary only grows until a rebuild, which writes
# every segment anew (Whoosh names each at random), so a word found stays found while that
# segment is the index's first: an agent appending to one note again and again looks each
# of its words up once (a look-up asks every segment in turn: a tenth of the update an
# answer waits for). A merge that rewrites the first segment only makes it look again.
_found: dict[Path, tuple[str, set[str]]] = {}


def known(writer, words: Counter, folder: Path | None = None, searcher=None) -> Counter:
    """The counts of `words` the index's vocabulary has already (`folder`: the index's, to
    remember the words found there), looked up through `searcher` (of the writer's segments;
    by default the writer opens one)."""
    found: set[str] = set()
    if folder is not None:
        first = writer.segments[0].segment_id() if writer.segments else ""
        with _guard:
            seen = _found.get(folder)
            # Changed in place below: the index's writers take turns, under its lock.
            found = seen[1] if seen is not None and seen[0] == first else set()
            _found[folder] = (first, found)
    reader = None
    for word in words.keys() - found:
        if reader is None:  # opened anyway, to delete the notes' old documents
            reader = (searcher or writer.searcher()).reader()
        if ("words", word) in reader:
            found.add(word)
    return Counter({word: n for word, n in words.items() if word in found})


def defer(folder: Path, words: Counter) -> None:
    if words:
        with _guard:
            _deferred.setdefault(folder, Counter()).update(words)


def take_deferred(folder: Path) -> Counter:
    with _guard:
        return _deferred.pop(folder, Counter())


def _level(segment) -> int:
    """The segment's size class: 1 for up to 9 documents, 2 for up to 99, and so on."""
    return len(str(segment.doc_count_all()))


def _to_merge(ix, least: int) -> set[str]:
    """The ids of the smallest size class of `ix`'s small segments that has `least` or
    more of them (none: an empty set)."""
    levels: dict[int, set[str]] = {}
    for segment in small(ix):
        levels.setdefault(_level(segment), set()).add(segment.segment_id())
    return next((ids for _, ids in sorted(levels.items()) if len(ids) >= least), set())


def merge_small_segments(
    vault: Vault, least: int | None = None, timeout: float | None = None
) -> int:
    """Merge `least` or more small segments of the vault's index into one, under the index
    locks, dropping the documents updates replaced, and write the vocabulary counts updates
    deferred; how many segments were merged (0: none to merge, or no index; `least` is
    MAX_SEGMENTS by default). Segments of about the same size are merged, the smallest first
    (those of 1-9 documents into one of 10-99, ...), so a merge rewrites few documents
    however many updates came before. The index lock is waited for `timeout` seconds
    (VAULT_INDEX_TIMEOUT by default). Searches see the same notes before and after; a kept
    searcher sees that the files changed and opens the merged segment
    (vault.search.searchers)."""
    folder = vault.state_dir / INDEX_FOLDER
    least = MAX_SEGMENTS if least is None else least
    if not (folder / MANIFEST).exists():
        return 0
    timeout = lock_timeout() if timeout is None else timeout
    deadline = time.monotonic() + timeout
    with _guard:
        words = bool(_deferred.get(folder))
    # Looked at first without the locks (readers never take them): a resident process asks
    # at its start and after every pause in updates, and most times there is nothing to do.
    if not words and not _to_merge(whoosh_index().open_dir(str(folder), schema=None), least):
        return 0
    with _writing(vault, timeout):
        ix = whoosh_index().open_dir(str(folder), schema=None)
        merged = _to_merge(ix, least)
        words = take_deferred(folder)
        if not merged and not words:
            return 0
        try:
            writer = _whoosh_writer(ix, deadline, compound=COMPOUND)
        except BaseException:
            defer(folder, words)
            raise

        def merge_small(writer, segments: list) -> list:  # Whoosh's merge policy signature
            from whoosh.reading import SegmentReader

            kept = []
            for segment in segments:
                if segment.segment_id() in merged:
                    reader = SegmentReader(writer.storage, writer.schema, segment)
                    writer.add_reader(reader)
                    reader.close()
                else:
                    kept.append(segment)
            return kept

        try:
            if words:
                writer.add_document(**vocabulary_doc(words))
            writer.commit(mergetype=merge_small)
        except BaseException:
            writer.cancel()
            defer(folder, words)
            raise
        return len(merged)
