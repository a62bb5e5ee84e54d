"""The searchers a search reads the index with: opened and closed around each search, or, in
a resident process (vault serve), each thread's kept open while the index's files are
unchanged. Opening one reads the segments' tables, and every search read the length
columns again: ~25% of a served search's CPU at 10,000 notes. Whoosh's searchers are not
for two threads at once, hence one per thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from vault.search.index import open_index

_keeping = False
_kept = threading.local()  # .searchers: folder -> (the folder's stamp, an open searcher)


def keep_searchers() -> None:
    """Keep searchers open between searches from now on (a resident process)."""
    global _keeping
    _keeping = True


def _stamp(folder: Path) -> tuple:
    """The index's files as they are now: Whoosh writes new files (and a new table of
    contents) for every change, and a lock file while it writes."""
    with os.scandir(folder) as entries:
        return tuple(
            sorted((e.name, st.st_size, st.st_mtime_ns, st.st_ino) for e in entries
                   for st in (e.stat(),))
        )  # fmt: skip


@contextmanager
def index_searcher(folder: Path) -> Iterator:
    """A searcher of the index in `folder`, closed after use, or, in a resident process
    (keep_searchers), this thread's, kept for its next search while the index is unchanged.
    Raises when the index is missing or unreadable."""
    try:
        stamp = _stamp(folder) if _keeping else None
    except OSError:
        stamp = None  # opening it says what is wrong
    if stamp is None:
        with open_index(folder).searcher() as searcher:
            yield searcher
        return
    kept = _kept.__dict__.setdefault("searchers", {})
    old = kept.pop(folder, None)
    if old is not None and old[0] == stamp:
        searcher = old[1]
    else:
        if old is not None:
            old[1].close()
        searcher = open_index(folder).searcher()
    try:
        yield searcher
    except BaseException:
        searcher.close()  # it may be what failed: the next search opens the index afresh
        raise
    kept[folder] = (stamp, searcher)
