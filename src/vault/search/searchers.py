"""The searchers a search reads the index with: opened and closed around each search, or, in
a resident process (vault serve), each thread's kept open while the index's files are
unchanged. Opening one reads the segments' tables, and every search read the length
columns again: ~25% of a served search's CPU at 10,000 notes. Whoosh's searchers are not
for two threads at once, hence one per thread.

When the index changed (an edit wrote one small segment, a merge replaced a few), the kept
searcher's readers of the segments still there are kept too (`_reopened`): only the new
segments are opened. Whoosh's own `Searcher.refresh` cannot be used for that: it keeps the
deletions a reused segment had (an edited note's old document would still be found), and
keeps the readers of segments a merge removed (their documents found twice).

An update of the index finds the documents it replaces through the same readers
(`update_searcher`): Whoosh's writer opens a reader of every segment for that, a fifth of
the update an answer waits for after an edit.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from vault.derived.freshness import folder_stamp
from vault.search.imports import whoosh_index

_keeping = False
_kept = threading.local()  # .searchers: folder -> (the folder's stamp, an open searcher)


def _open(folder: Path):
    """The Whoosh index in `folder` (vault.search.index.open_index, which imports this)."""
    return whoosh_index().open_dir(str(folder), schema=None)


def keep_searchers() -> None:
    """Keep searchers open between searches from now on (a resident process)."""
    global _keeping
    _keeping = True


@contextmanager
def index_searcher(folder: Path) -> Iterator:
    """A searcher of the index in `folder`, closed after use, or, in a resident process
    (keep_searchers), this thread's, kept for its next search while the index is unchanged.
    Raises when the index is missing or unreadable."""
    try:
        stamp = folder_stamp(folder) if _keeping else None
    except OSError:
        stamp = None  # opening it says what is wrong
    if stamp is None:
        with _open(folder).searcher() as searcher:
            yield _summed_once(searcher)
        return
    kept = _kept.__dict__.setdefault("searchers", {})
    old = kept.pop(folder, None)
    if old is not None and old[0] == stamp:
        searcher = old[1]
    else:
        searcher = _reopened(old[1], folder) if old is not None else None
        if searcher is None:
            searcher = _summed_once(_open(folder).searcher())
    try:
        yield searcher
    except BaseException:
        searcher.close()  # it may be what failed: the next search opens the index afresh
        raise
    kept[folder] = (stamp, searcher)


@contextmanager
def update_searcher(folder: Path, writer) -> Iterator:
    """For an update of the index in `folder` by `writer` (a Whoosh SegmentWriter, under the
    index's locks): a searcher of exactly the writer's segments, to find the documents the
    update replaces (their numbers are the writer's), made of this thread's kept searcher's
    readers of those segments and new readers of the others; it stays this thread's kept
    searcher, for the search that follows. None outside a resident process, or when the
    readers could not be made (then the writer finds the documents itself)."""
    if not _keeping:
        yield None
        return
    kept = _kept.__dict__.setdefault("searchers", {})
    old = kept.pop(folder, None)
    searcher = _reopened(old[1] if old else None, folder, writer)
    if searcher is None:
        yield None
        return
    try:
        yield searcher
    except BaseException:
        searcher.close()
        raise
    # The files change as the update commits: the next search looks at them again.
    kept[folder] = (None, searcher)


def _reopened(old, folder: Path, writer=None):
    """A searcher of the index in `folder` as it is now (or of `writer`'s segments, as its
    table of contents had them), with `old`'s readers of the segments that are still there
    (given the deletions they have now), and new readers of the others; `old` (if any) is
    not to be used again. None when that failed (a merge removed files meanwhile): then
    `old` is closed, and the caller opens the index afresh."""
    from vault.search.imports import load_whoosh

    load_whoosh()
    from whoosh.reading import EmptyReader, MultiReader, SegmentReader
    from whoosh.searching import Searcher

    leaves = old.reader().leaf_readers() if old is not None else []
    kept = {r.segment().segment_id(): r for r, _ in leaves if isinstance(r, SegmentReader)}
    readers, opened = [], []
    try:
        if writer is None:
            ix = _open(folder)
            toc = ix._read_toc()
            schema, segments, generation = toc.schema, toc.segments, toc.generation
            storage = ix.storage
        else:  # the table of contents the writer read (its new one is one generation on)
            ix = None  # not read again: the searcher finds documents, then is reopened
            schema, segments, generation = writer.schema, writer.segments, writer.generation - 1
            storage = writer.storage
        for segment in segments:
            reader = kept.pop(segment.segment_id(), None)
            if reader is None:
                reader = SegmentReader(storage, schema, segment, generation=generation)
                opened.append(reader)
            else:  # the same files; only which of its documents are deleted may differ
                reader._segment = reader._perdoc._segment = segment
                reader.__dict__.pop("deleted_docs_set", None)  # a cached_property of them
                reader._gen = generation
            readers.append(reader)
    except Exception:
        if old is not None:
            old.close()
        for reader in opened:
            reader.close()
        return None
    for reader in kept.values():  # of segments a merge removed
        reader.close()
    if old is not None:
        old.is_closed = True  # its readers are the new one's now
    if not readers:
        return Searcher(EmptyReader(schema), fromindex=ix)
    if len(readers) == 1:
        return Searcher(readers[0], fromindex=ix)
    return _summed_once(Searcher(MultiReader(readers, generation=generation), fromindex=ix))


def _summed_once(searcher):
    """`searcher`, its total length of each field summed over its segments once. Whoosh's
    BM25F asks for it for each term of a query in each segment, and each time sums over
    every segment: segments squared, ~10% of a search at 100,000 notes (42 segments). The
    total is the same for as long as the searcher lives (its readers are fixed; a segment's
    totals are written with it, and deletions leave them)."""
    if "field_length" in searcher.__dict__:
        return searcher
    # Subsearchers ask their parent's (this).
    searcher.field_length = functools.cache(searcher.field_length)
    return searcher
