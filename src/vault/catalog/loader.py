"""Loading the catalog: one directory walk compares the files with the cached states; only
new or changed files are read again (on every core when there are many), and only their rows
are written back."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

from vault import walk_ahead
from vault.catalog.cache import Cache
from vault.catalog.facade import Catalog, Changes
from vault.catalog.records import Records
from vault.catalog.rows import DATE, DATE_SOURCE, Parsed, Stat, from_row, to_row
from vault.catalog.states import Snapshot, Walk
from vault.model import NoteRecord
from vault.notes import parse_note, read_note, stat_key
from vault.repository import Repository
from vault.vault import Vault, walk_folders

# Parse in worker processes, on every core, when at least this many files need it.
PARALLEL_MIN = 400

Progress = Callable[[int, int], None]

# vault root -> the catalog a resident process (vault serve, vault mcp) keeps current
# through its file watcher (vault.serve.resident registers it while it runs).
_kept_current: dict[Path, Callable[[], Catalog]] = {}


def keep_current(root: Path, current: Callable[[], Catalog], keep: bool = True) -> None:
    """From now on `catalog_now` of the vault at `root` is `current()`; with keep=False, no
    longer (unless another was set since)."""
    if keep:
        _kept_current[root] = current
    elif _kept_current.get(root) == current:
        del _kept_current[root]


def catalog_now(vault: Vault, repo: Repository | None) -> Catalog:
    """The catalog as the notes are now, for a write under the vault's write lock: the one
    a resident process keeps current through its watcher, when this process is one (another
    process's write is queued as events by the time it released the lock, so that catalog
    sees it), else a walk. In a server, walking the vault on every append was most of the
    time the write lock was held: a fifth of a load run's server time at 10,000 notes."""
    current = _kept_current.get(vault.root)
    return current() if current is not None else load_catalog(vault, repo)


def load_catalog(
    vault: Vault,
    repo: Repository | None = None,
    *,
    use_cache: bool = True,
    progress: Progress | None = None,
) -> Catalog:
    """Walk the vault, reuse cached records for unchanged files, parse the rest (on every
    core when there are many; `progress(done, total)` hears about it). Notes with no date of
    their own are dated by their first commit in `repo`, else their mtime."""
    cache = Cache.open(vault) if use_cache else None
    found = walk_ahead.taken(vault)  # the walk this process started as it started, if any
    if found is not None:
        walk, skipped = Walk.of(found, str(vault.root)), found.skipped
    else:
        walk, skipped = Walk(), []
        for folder in walk_folders(vault, lambda i, why: skipped.append((i, why))):
            walk.extend(*folder)
    ids = walk.ids
    snapshot = cache.snapshot() if cache is not None else None
    if snapshot is not None and snapshot.matches(walk):
        digests = snapshot.digest_list(len(ids))
        if digests is not None:  # nothing changed since the last walk: no row is read
            records = Records(ids, None, {}, cache, _reparser(vault, repo), (walk, digests))
            return Catalog(vault=vault, records=records, skipped=skipped, _cache=cache)
    if snapshot is not None:
        edited = _edited(vault, repo, cache, snapshot, walk, skipped, progress)
        if edited is not None:
            return edited

    stats = cache.stats() if cache is not None else {}
    stale: list[tuple[str, str, Stat]] = []
    for note_id, path, key in zip(ids, walk.paths, walk.states().values(), strict=True):
        cached = stats.get(note_id)
        if cached is None or cached[0] != key:
            stale.append((note_id, path, key))
    seen = set(ids)
    changes = Changes(removed=sorted(i for i in stats if i not in seen))
    fresh = _parse_all(stale, progress)
    for note_id, _, _ in stale:
        (changes.updated if note_id in stats else changes.added).append(note_id)
    _fill_dates(repo, fresh, cache)

    known = {i: stats[i] for i in ids if i not in fresh}
    known.update((i, (stat, digest)) for i, (stat, digest, _) in fresh.items())
    digests = [known[i][1] for i in ids]
    if cache is not None:
        # The rows hold this walk once written: keep it whole for the next run to compare.
        now = Snapshot.of(walk, digests)
        if fresh or changes.removed or snapshot is None or snapshot != now:
            cache.write(fresh, changes.removed, now)
    rows = {i: row for i, (_, _, row) in fresh.items()}
    records = Records(ids, known, rows, cache, _reparser(vault, repo), (walk, digests))
    return Catalog(vault=vault, records=records, changes=changes, skipped=skipped, _cache=cache)


def _edited(
    vault: Vault,
    repo: Repository | None,
    cache: Cache,
    snapshot: Snapshot,
    walk: Walk,
    skipped: list[tuple[str, str]],
    progress: Progress | None,
) -> Catalog | None:
    """The catalog when the walk found the notes of the kept walk in the same order, some
    in another state (edited): those are read again, the others keep the kept walk's
    digests, and no other row is read; None otherwise (notes made, moved or removed, or a
    damaged kept walk). The kept walk is exactly what the rows hold (vault.catalog.states),
    so this is the note-by-note comparison's answer, without a dict of every cached state."""
    changed = snapshot.changed(walk)
    digests = snapshot.digest_list(len(walk.ids))
    if changed is None or digests is None:
        return None
    ids = walk.ids
    stale = [(ids[at], walk.path_at(at), walk.state_at(at)) for at in changed]
    fresh = _parse_all(stale, progress)
    _fill_dates(repo, fresh, cache)
    for at in changed:
        digests[at] = fresh[ids[at]][1]
    cache.write(fresh, [], Snapshot.of(walk, digests))
    rows = {i: row for i, (_, _, row) in fresh.items()}
    records = Records(ids, None, rows, cache, _reparser(vault, repo), (walk, digests))
    changes = Changes(updated=[ids[at] for at in changed])
    return Catalog(vault=vault, records=records, changes=changes, skipped=skipped, _cache=cache)


def _reparser(vault: Vault, repo: Repository | None) -> Callable[[list[str]], dict]:
    """What Records calls for notes whose cached row cannot be read back: parse them again."""

    def reparse(missing: list[str]) -> dict[str, NoteRecord]:
        files = []
        for note_id in missing:
            path = vault.path_of(note_id)
            try:
                files.append((note_id, str(path), stat_key(path.stat())))
            except OSError:
                files.append((note_id, str(path), (0, 0, 0, 0)))
        again = _parse_all(files, None)
        _fill_dates(repo, again)
        return {i: from_row(i, stat, digest, row) for i, (stat, digest, row) in again.items()}

    return reparse


def _read_row(note_id: str, path: str, stat: Stat) -> Parsed:
    try:
        rec = read_note(Path(path), note_id).record
    except OSError as exc:
        problem = f"cannot read the file: {exc.strerror or exc}"
        rec = parse_note("", note_id, warnings=[problem], stat=stat).record
    return rec.stat, rec.digest, to_row(rec)


def _parse_chunk(items: list[tuple[str, str, Stat]]) -> list[tuple[str, Parsed]]:
    return [(item[0], _read_row(*item)) for item in items]


def _parse_all(stale: list[tuple[str, str, Stat]], progress: Progress | None) -> dict[str, Parsed]:
    """These files parsed: in this process for a few, in worker processes on every core for
    many (parsing is pure CPU work, and a first run may have thousands)."""
    import threading

    total = len(stale)
    workers = min(os.cpu_count() or 1, 8)
    # Workers are forked (they start in milliseconds with vault already imported); a process
    # with other threads (the MCP server) must not fork: a lock another thread holds would
    # stay held in the child. It parses here instead.
    if total < PARALLEL_MIN or workers < 2 or threading.active_count() > 1:
        out = {}
        for n, (note_id, path, stat) in enumerate(stale, 1):
            out[note_id] = _read_row(note_id, path, stat)
            if progress and n % 50 == 0:
                progress(n, total)
        if progress and total:
            progress(total, total)
        return out
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = max(50, min(500, total // (workers * 8)))
    chunks = [stale[k : k + size] for k in range(0, total, size)]
    out: dict[str, Parsed] = {}
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        for parsed in pool.map(_parse_chunk, chunks):
            out.update(parsed)
            if progress:
                progress(len(out), total)
    return out


def _fill_dates(
    repo: Repository | None, parsed: dict[str, Parsed], cache: Cache | None = None
) -> None:
    """Notes without a date in their metadata or name: the first git commit, else mtime. A
    note the cache dated by its first commit keeps that date (a commit that added it stays
    its first; asking git costs several processes and a walk of the history)."""
    undated = [i for i, (_, _, row) in parsed.items() if row[DATE] is None]
    if not undated:
        return
    git_dates = cache.git_dates(undated) if cache is not None and repo is not None else {}
    asked = [i for i in undated if i not in git_dates]
    if asked and repo is not None:
        git_dates.update(repo.first_commit_dates(asked))
    for note_id in undated:
        stat, digest, row = parsed[note_id]
        if note_id in git_dates:
            day, source = git_dates[note_id], "git"
        else:
            day, source = dt.datetime.fromtimestamp(stat[0] / 1e9).date().isoformat(), "mtime"
        row = (*row[:DATE], day, source, *row[DATE_SOURCE + 1 :])
        parsed[note_id] = (stat, digest, row)
