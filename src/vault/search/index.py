"""The Whoosh full-text index under ROOT/.vault/index, kept fresh against the notes.

The index is derived data. Next to the Whoosh files it keeps a small manifest
(manifest.pickle: id -> (content digest, resolved parent), plus the schema version), written
right after each successful commit. Bringing the index up to date compares the catalog (which
already walked the vault) with that manifest and writes only the notes that differ, so with
nothing changed no Whoosh file is even opened. If a process dies between a commit and the
manifest write, the next run simply writes those notes again (updates are idempotent).

A missing, damaged or old-format index is rebuilt in a fresh folder and swapped in, with a
one-line note through the caller's `notify`. Writers are serialised by a file lock
(index.lock in the vault's locks folder) and then by Whoosh's own write lock; both are waited
on for VAULT_INDEX_TIMEOUT seconds (default 60) before IndexBusy is raised. Readers take no
lock.

whoosh is imported inside the functions that use it, so importing this module is cheap.
"""

from __future__ import annotations

import errno
import os
import pickle
import shutil
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from vault.atomic import write_atomic
from vault.catalog import Catalog
from vault.errors import IndexBusy, VaultError
from vault.model import IndexReport
from vault.search.schema import SCHEMA_VERSION, document, make_schema, note_words, vocabulary_doc

INDEX_FOLDER = "index"
MANIFEST = "manifest.pickle"
# Commit without merging until this many small segments pile up; then Whoosh merges them.
MAX_SEGMENTS = 8
# A full build commits a segment every this many notes: each segment's postings are then
# sorted in memory, where one big segment would spill sorted runs to disk and merge them,
# which took longer than the indexing itself (measured at 10,000 notes).
REBUILD_CHUNK = int(os.environ.get("VAULT_INDEX_CHUNK", "1500"))
# Pool memory for the Whoosh writer during a full build (MB).
WRITER_LIMIT_MB = 256
# Segments are written as separate files, not one compound file: Whoosh copies each file of
# a compound segment into memory when opening a reader (45 ms of a 10,000-note search).
COMPOUND = False
DEFAULT_TIMEOUT = 60.0

Progress = Callable[[int, int], None]
Notify = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Unusable:
    """Why the index on disk cannot be used as it is, so it must be built afresh."""

    # One line for the note on stderr.
    reason: str
    # True when the rebuild is no surprise, so no note is shown: there is no index yet (its
    # first use), or the user asked for a rebuild.
    expected: bool = False


def index_dir(catalog: Catalog) -> Path:
    return catalog.vault.state_dir / INDEX_FOLDER


def lock_timeout() -> float:
    """Seconds to wait for another process's index lock (env VAULT_INDEX_TIMEOUT)."""
    raw = os.environ.get("VAULT_INDEX_TIMEOUT", "")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT


# --- manifest ------------------------------------------------------------------------------


def _load_manifest(folder: Path) -> dict[str, tuple] | None:
    """id -> (content digest, parent id), or None when missing, damaged or of another schema."""
    try:
        with open(folder / MANIFEST, "rb") as fh:
            data = pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception:
        return None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA_VERSION:
        return None
    files = data.get("files")
    return files if isinstance(files, dict) else None


def _save_manifest(folder: Path, files: dict[str, tuple]) -> None:
    data = pickle.dumps({"schema": SCHEMA_VERSION, "files": files}, pickle.HIGHEST_PROTOCOL)
    write_atomic(folder / MANIFEST, data, durable=False)


def _stale(catalog: Catalog, manifest: dict[str, tuple]) -> tuple[list[str], list[str]]:
    """(ids to write, ids to delete): notes whose content differs from what was indexed (a
    file copied or checked out again, same bytes, is not written again)."""
    digests = catalog.digests()
    write = []
    for note_id, digest in digests.items():
        seen = manifest.get(note_id)
        if seen is None or seen[0] != digest:
            write.append(note_id)
    delete = [note_id for note_id in manifest if note_id not in digests]
    return write, delete


# --- locking -------------------------------------------------------------------------------


@contextmanager
def _writing(catalog: Catalog, timeout: float):
    """Hold the vault's index lock (serialises vault processes that write the index)."""
    from vault.locks import LockTimeout, file_lock

    lock = catalog.vault.locks_dir / "index.lock"
    try:
        with file_lock(lock, timeout=timeout):
            yield
    except LockTimeout:
        raise _busy(timeout) from None


def _busy(timeout: float) -> IndexBusy:
    return IndexBusy(
        f"the search index is locked by another process (waited {timeout:g}s); "
        "try again when it has finished, or set VAULT_INDEX_TIMEOUT to wait longer"
    )


def _whoosh_writer(ix, deadline: float, **kwargs):
    from whoosh.index import LockError

    try:
        return ix.writer(timeout=max(0.0, deadline - time.monotonic()), delay=0.05, **kwargs)
    except LockError:
        raise _busy(lock_timeout()) from None


# --- opening -------------------------------------------------------------------------------


def open_index(folder: Path):
    """The Whoosh index in `folder`; raises when it is missing or unreadable."""
    from whoosh.index import open_dir

    return open_dir(str(folder), schema=None)


def check_index(folder: Path) -> Unusable | None:
    """None when the index in `folder` looks usable, else why not."""
    if not (folder / MANIFEST).exists():
        if not folder.exists():
            return Unusable("no index yet", expected=True)
        return Unusable("the index has no manifest")
    if _load_manifest(folder) is None:
        return Unusable("the index was made by another version")
    try:
        ix = open_index(folder)
        fields = set(ix.schema.names())
        if fields != set(make_schema().names()):
            return Unusable("the index was made by another version")
        with ix.searcher() as s:
            s.doc_count()
    except Exception as exc:  # any failure to read it means: rebuild, it is derived data
        return Unusable(f"the index is damaged ({type(exc).__name__})")
    return None


# --- updating ------------------------------------------------------------------------------


def update_index(
    catalog: Catalog,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    notify: Notify | None = None,
) -> IndexReport:
    """Bring the index up to date with `catalog`, writing only what changed.

    With `rebuild`, build it from scratch. A missing, damaged or old-format index is rebuilt
    too; `notify` gets a one-line note saying why, unless it is simply the first use.
    Raises IndexBusy when another process holds the lock past the timeout.
    """
    start = time.perf_counter()
    folder = index_dir(catalog)
    if not rebuild:
        manifest = _load_manifest(folder)
        if manifest is not None:
            write, delete = _stale(catalog, manifest)
            if not write and not delete:
                return IndexReport(seconds=time.perf_counter() - start, notes=len(manifest))
    requested = Unusable("a rebuild was asked for", expected=True) if rebuild else None
    report = _locked_update(catalog, requested, progress, notify)
    report.seconds = time.perf_counter() - start
    return report


_CANNOT_WRITE = {errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EROFS, errno.EDQUOT}


def _unwritable(folder: Path, exc: OSError) -> VaultError:
    return VaultError(
        f"cannot write the search index in {folder}: {exc.strerror or exc}; "
        "check that the vault folder is writable and the disk is not full"
    )


def repair_index(
    catalog: Catalog,
    problem: str,
    *,
    force: bool = False,
    progress: Progress | None = None,
    notify: Notify | None = None,
) -> IndexReport:
    """After reading the index failed with `problem`: rebuild it if it still looks damaged
    (another process may have repaired or replaced it meanwhile), or in any case with force."""
    start = time.perf_counter()
    forced = Unusable(problem) if force else None
    report = _locked_update(catalog, forced, progress, notify, verify=True)
    report.seconds = time.perf_counter() - start
    return report


def _locked_update(
    catalog: Catalog, forced: Unusable | None, progress, notify, verify: bool = False
) -> IndexReport:
    """Under the lock: rebuild when `forced` or the index is unusable, else apply the
    changes. Another process may have done the work while this one waited."""
    folder = index_dir(catalog)
    try:
        return _locked_update_in(catalog, folder, forced, progress, notify, verify)
    except OSError as exc:
        raise _unwritable(folder, exc) from None


def _locked_update_in(
    catalog: Catalog, folder: Path, forced: Unusable | None, progress, notify, verify
):
    timeout = lock_timeout()
    deadline = time.monotonic() + timeout
    with _writing(catalog, timeout):
        problem = forced
        if problem is None:
            manifest = _load_manifest(folder)
            # Opening every segment costs time: only when the manifest is missing or reading
            # the index has just failed.
            if manifest is None or verify:
                problem = check_index(folder)
            if problem is None:
                try:
                    return _apply(catalog, folder, manifest, deadline, progress)
                except IndexBusy:
                    raise
                except Exception as exc:  # unreadable: rebuild, it is derived data
                    if isinstance(exc, OSError) and exc.errno in _CANNOT_WRITE:
                        raise
                    problem = Unusable(f"the index is damaged ({type(exc).__name__})")
        if notify and not problem.expected:
            notify(f"{problem.reason}; rebuilding the search index")
        report = _rebuild(catalog, folder, progress)
        report.reason = "" if problem.expected else problem.reason
        return report


def _parents(catalog: Catalog) -> dict[str, str | None]:
    return {i: r.id for i, r in catalog.parents.items()}


def _parents_of(catalog: Catalog, ids) -> dict[str, str | None]:
    resolver = catalog.resolver
    out = {}
    for note_id in ids:
        ref = catalog.records[note_id].parent_ref
        out[note_id] = resolver.resolve_parent(ref, note_id).id if ref else None
    return out


def _apply(catalog: Catalog, folder: Path, manifest: dict, deadline: float, progress):
    write, delete = _stale(catalog, manifest)
    if not write and not delete:
        return IndexReport(notes=len(manifest))
    # A Parent resolves against the set of note ids: when notes appear or go, the parents
    # of others may change, and their documents are rewritten too.
    if delete or any(note_id not in manifest for note_id in write):
        parents = _parents(catalog)
        changed = set(write)
        for note_id, seen in manifest.items():
            if (
                note_id in catalog.records
                and note_id not in changed
                and seen[1] != parents.get(note_id)
            ):
                write.append(note_id)
    else:
        parents = _parents_of(catalog, write)
    report = IndexReport(notes=len(manifest))
    if not write and not delete:
        return report
    ix = open_index(folder)
    writer = _whoosh_writer(ix, deadline, compound=COMPOUND)
    files = dict(manifest)
    words: Counter = Counter()
    try:
        for note_id in delete:
            if not catalog.vault.path_of(note_id).exists():
                writer.delete_by_term("id", note_id)
                files.pop(note_id, None)
                report.removed += 1
        for n, note_id in enumerate(write, 1):
            try:
                note = catalog.read(note_id)
            except OSError:  # deleted since the walk: the next run removes it
                continue
            parent = parents.get(note_id)
            writer.update_document(**document(note, parent))
            words.update(note_words(note))
            rec = note.record
            files[note_id] = (rec.digest, parent)
            if note_id in manifest:
                report.updated += 1
            else:
                report.added += 1
            if progress:
                progress(n, len(write))
        if words:
            writer.add_document(**vocabulary_doc(words))
        # Small segments from earlier updates pile up; merging them costs little, but doing
        # it on every update would cost every update. The rebuild's big ones stay as they are.
        small = [seg for seg in ix._segments() if seg.doc_count_all() < REBUILD_CHUNK // 2]
        writer.commit(merge=len(small) >= MAX_SEGMENTS)
    except BaseException:
        writer.cancel()
        raise
    _save_manifest(folder, files)
    report.notes = len(files)
    return report


def _rebuild(catalog: Catalog, folder: Path, progress) -> IndexReport:
    """Build a new index in a sibling folder, then swap it in (readers never see half)."""
    from whoosh.index import create_in

    parent_dir = folder.parent
    parent_dir.mkdir(parents=True, exist_ok=True)
    for old in parent_dir.glob(f"{INDEX_FOLDER}.*"):  # left by killed processes (we hold the lock)
        shutil.rmtree(old, ignore_errors=True)
    fresh = parent_dir / f"{INDEX_FOLDER}.new-{os.getpid()}"
    fresh.mkdir()
    try:
        ix = create_in(str(fresh), make_schema())
        parents = _parents(catalog)
        files: dict[str, tuple] = {}
        ids = sorted(catalog.records)
        for first in range(0, len(ids), REBUILD_CHUNK):
            writer = ix.writer(limitmb=WRITER_LIMIT_MB, compound=COMPOUND)
            words: Counter = Counter()
            try:
                for n, note_id in enumerate(ids[first : first + REBUILD_CHUNK], first + 1):
                    try:
                        note = catalog.read(note_id)
                    except OSError:
                        continue
                    parent = parents.get(note_id)
                    writer.add_document(**document(note, parent))
                    words.update(note_words(note))
                    files[note_id] = (note.record.digest, parent)
                    if progress:
                        progress(n, len(ids))
                if words:
                    writer.add_document(**vocabulary_doc(words))
                writer.commit(merge=False)
            except BaseException:
                writer.cancel()
                raise
        _save_manifest(fresh, files)
        ix.close()
        retired = parent_dir / f"{INDEX_FOLDER}.old-{os.getpid()}"
        if folder.exists():
            os.replace(folder, retired)
        os.replace(fresh, folder)
        shutil.rmtree(retired, ignore_errors=True)
    finally:
        if fresh.exists():
            shutil.rmtree(fresh, ignore_errors=True)
    return IndexReport(added=len(files), rebuilt=True, notes=len(files))


def refresh_if_present(catalog: Catalog, notify: Notify | None = None) -> IndexReport | None:
    """Bring an existing index up to date (only the notes whose files changed are written);
    None when the vault has no index yet, so `vault sync` never builds one."""
    if not index_dir(catalog).exists():
        return None
    return update_index(catalog, notify=notify)
