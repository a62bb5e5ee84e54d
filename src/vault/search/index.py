"""The Whoosh full-text index in the vault's state folder, kept fresh against the notes.

The index is derived data, outside the vault (vault.vault.Vault.state_dir). Next to the
Whoosh files it keeps a manifest (vault.search.manifest: SQLite, data only), written right
after each successful commit. What changed since is worked out once, from the catalog (which
already walked the vault) and that manifest, by vault.derived.freshness, first by one
fingerprint; this module applies the answer to Whoosh, writing only the notes that differ,
so with nothing changed no Whoosh file is even opened. If a process dies
between a commit and the manifest write, the next run simply writes those notes again
(updates are idempotent).

A full build runs on every core (vault.search.build).

A missing, damaged or old-format index is rebuilt in a fresh folder and swapped in, with a
one-line note through the caller's `notify`. Writers are serialised by a file lock
(index.lock in the vault's locks folder) and then by Whoosh's own write lock; both are waited
on for VAULT_INDEX_TIMEOUT seconds (default 60) before IndexBusy is raised. Readers take no
lock. A state folder that cannot be written raises IndexUnwritable; search and related then
search a temporary copy instead (see `searchable`).

whoosh is imported inside the functions that use it, so importing this module is cheap.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from vault.catalog import Catalog
from vault.derived import freshness
from vault.errors import IndexBusy, VaultError
from vault.model import IndexReport
from vault.search import documents, merging
from vault.search.build import build, segment_writer
from vault.search.manifest import MANIFEST, Entry, Manifest, write_manifest
from vault.search.merging import (  # noqa: F401 (the folder, lock_timeout, _busy: for others)
    INDEX_FOLDER,
    MAX_SEGMENTS,
    _busy,
    _whoosh_writer,
    _writing,
    lock_timeout,
)
from vault.search.schema import SCHEMA_VERSION, id_key, make_schema, vocabulary_doc
from vault.search.searchers import update_searcher

Progress = Callable[[int, int], None]
Notify = Callable[[str], None]


class IndexUnwritable(VaultError):
    """The state folder cannot be written (read-only, no permission, disk full)."""


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


# --- opening -------------------------------------------------------------------------------


def open_index(folder: Path):
    """The Whoosh index in `folder`; raises when it is missing or unreadable."""
    from vault.search.imports import whoosh_index

    return whoosh_index().open_dir(str(folder), schema=None)


def check_index(folder: Path) -> Unusable | None:
    """None when the index in `folder` looks usable, else why not."""
    if not (folder / MANIFEST).exists():
        if not folder.exists():
            return Unusable("no index yet", expected=True)
        return Unusable("the index has no manifest")
    manifest = Manifest.open(folder, SCHEMA_VERSION)
    if manifest is None:
        return Unusable("the index was made by another version")
    manifest.close()
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
    folder: Path | None = None,
) -> IndexReport:
    """Bring the index up to date with `catalog`, writing only what changed.

    With `rebuild`, build it from scratch. A missing, damaged or old-format index is rebuilt
    too; `notify` gets a one-line note saying why, unless it is simply the first use. Raises
    IndexBusy when another process holds the lock past the timeout, IndexUnwritable when the
    state folder cannot be written. `folder` is a private index (no locks) instead of the
    vault's own.
    """
    start = time.perf_counter()
    private = folder is not None
    folder = folder or index_dir(catalog)
    if not rebuild:
        stored = Manifest.open(folder, SCHEMA_VERSION)
        if stored is not None:
            with stored:
                if freshness.is_fresh(catalog, stored):
                    return IndexReport(seconds=time.perf_counter() - start, notes=stored.notes)
    requested = Unusable("a rebuild was asked for", expected=True) if rebuild else None
    work = _Work(catalog, folder, progress, notify, private)
    report = work.run(requested)
    report.seconds = time.perf_counter() - start
    return report


def repair_index(
    catalog: Catalog,
    problem: str,
    *,
    force: bool = False,
    progress: Progress | None = None,
    notify: Notify | None = None,
    folder: Path | None = None,
) -> IndexReport:
    """After reading the index failed with `problem`: rebuild it if it still looks damaged
    (another process may have repaired or replaced it meanwhile), or in any case with force."""
    start = time.perf_counter()
    private = folder is not None
    folder = folder or index_dir(catalog)
    work = _Work(catalog, folder, progress, notify, private)
    report = work.run(Unusable(problem) if force else None, verify=True)
    report.seconds = time.perf_counter() - start
    return report


def update_ahead(catalog: Catalog, wait: float) -> IndexReport | None:
    """Bring the vault's index up to date with `catalog` before anyone asks (a resident
    process, right after the watcher saw notes change: vault.serve.ahead). Only the common
    case: an index that exists and reads well, its lock had within `wait` seconds. Anything
    else (no index yet, damage, a version change, a busy lock, a folder that cannot be
    written) is left as it is for the next search, which deals with it and says so, as a
    command run alone would. None when it was left so."""
    from vault.locks import LockDenied

    folder = index_dir(catalog)
    if not folder.exists():
        return None
    try:
        return _Work(catalog, folder, None, None, False, repair=False, wait=wait).run(None)
    except (_LeftAsItIs, IndexBusy, IndexUnwritable, LockDenied):
        return None


class _LeftAsItIs(Exception):
    """update_ahead found an index to build again, and left it for the next search."""


def refresh_if_present(catalog: Catalog, notify: Notify | None = None) -> IndexReport | None:
    """Bring an existing index up to date (only the notes whose files changed are written);
    None when the vault has no index yet, so `vault sync` never builds one."""
    if not index_dir(catalog).exists():
        return None
    return update_index(catalog, notify=notify)


_CANNOT_WRITE = {errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EROFS, errno.EDQUOT}


def _unwritable(folder: Path, reason: str) -> IndexUnwritable:
    return IndexUnwritable(
        f"cannot write the search index in {folder}: {reason}; "
        "check that the folder is writable and the disk is not full (or set VAULT_CACHE_DIR)"
    )


def _cannot_write(exc: BaseException) -> str | None:
    """Why `exc` means the folder cannot be written, or None when it means something else."""
    if isinstance(exc, OSError) and exc.errno in _CANNOT_WRITE:
        return exc.strerror or str(exc)
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc)
        if "readonly" in text or "unable to open" in text or "disk" in text:
            return text
    return None


class _Work:
    """One update of one index folder, under the locks (unless the folder is private)."""

    def __init__(self, catalog, folder, progress, notify, private, *, repair=True, wait=None):
        self.catalog = catalog
        self.folder = folder
        self.progress = progress
        self.notify = notify
        self.private = private
        self.repair = repair  # False: an index that must be built again is left as it is
        self.wait = wait  # seconds for the lock; None: lock_timeout()

    def run(self, forced: Unusable | None, verify: bool = False) -> IndexReport:
        from vault.locks import LockDenied

        try:
            if self.private:
                return self._run(forced, verify, None)
            timeout = lock_timeout() if self.wait is None else self.wait
            deadline = time.monotonic() + timeout
            with _writing(self.catalog.vault, timeout):
                return self._run(forced, verify, deadline)
        except LockDenied as exc:  # no lock file can be made: nor can the index be written
            raise _unwritable(self.folder, exc.reason) from None
        except (OSError, sqlite3.Error) as exc:
            reason = _cannot_write(exc)
            if reason is None:
                raise
            raise _unwritable(self.folder, reason) from None

    def _run(self, forced: Unusable | None, verify: bool, deadline) -> IndexReport:
        """Rebuild when `forced` or the index is unusable, else apply the changes. Another
        process may have done the work while this one waited for the lock."""
        problem = forced
        if problem is None:
            stored = Manifest.open(self.folder, SCHEMA_VERSION)
            with stored or nullcontext():
                found = freshness.changes(self.catalog, stored, thorough=verify)
                if found.fresh:
                    return IndexReport(notes=stored.notes)
                language = stored.language if stored else None
                # How many notes the index holds: every row was read, or the count recorded.
                indexed = len(found.rows) if found.complete or stored is None else stored.notes
            # Opening every segment costs time: only when the manifest is missing or reading
            # the index has just failed.
            if found.rebuild or verify:
                problem = check_index(self.folder)
                if problem is None and found.rebuild:
                    problem = Unusable("the index manifest is unreadable")
            if problem is None:
                try:
                    return self._apply(found, indexed, language, deadline)
                except IndexBusy:
                    raise
                except Exception as exc:  # unreadable: rebuild, it is derived data
                    if _cannot_write(exc):
                        raise
                    problem = Unusable(f"the index is damaged ({type(exc).__name__})")
        if not self.repair:
            raise _LeftAsItIs(problem.reason)
        if self.notify and not problem.expected:
            self.notify(f"{problem.reason}; rebuilding the search index")
        report = self._rebuild()
        report.reason = "" if problem.expected else problem.reason
        return report

    # --- applying the changes ----------------------------------------------------------------

    def _apply(
        self, found: freshness.Changes, indexed: int, language: str | None, deadline
    ) -> IndexReport:
        """Write the stale notes, delete the removed ones; `indexed` is how many notes the
        index has."""
        catalog = self.catalog
        digests = catalog.digests()
        manifest: dict[str, Entry] = found.rows
        write = list(found.stale)
        delete = found.removed
        # A Parent resolves against the set of note ids: when notes appear or go, the parents
        # of others may change, and their documents are rewritten too (the rows are all at
        # hand then: freshness reads every row when notes came or went).
        if found.added or found.removed:
            parents = documents.parents(catalog)
            changed = set(write)
            for note_id, seen in manifest.items():
                if (
                    note_id in digests
                    and note_id not in changed
                    and seen[1] != parents.get(note_id)
                ):
                    write.append(note_id)
        else:
            parents = documents.parents_kept(catalog, write, manifest)
        report = IndexReport(notes=indexed)
        files: dict[str, Entry] = {}
        removed: list[str] = []
        if write or delete:
            ix = open_index(self.folder)
            # A resident process merges later (vault.serve.resident), so the update's commit
            # does not: its segment is written the build's quicker way then.
            later = merging._merge_later is not None and not self.private
            writer = _whoosh_writer(ix, deadline, partial(segment_writer, ix) if later else None)
            words: Counter = Counter()
            root = catalog.vault.root
            kept = update_searcher(self.folder, writer) if not self.private else nullcontext()
            try:
                with kept as searcher:
                    for note_id in delete:
                        if not catalog.vault.path_of(note_id).exists():
                            writer.delete_by_term("id", id_key(note_id), searcher=searcher)
                            removed.append(note_id)
                    for n, note_id in enumerate(write, 1):
                        src = documents.source(catalog, note_id, parents.get(note_id))
                        made = documents.prepare(root, src, language)
                        if made is None:  # deleted since the walk: the next run removes it
                            continue
                        doc, entry, vocab = made
                        if searcher is None:
                            writer.update_document(**doc)
                        else:  # what update_document does, through the kept readers
                            for docnum in searcher._find_unique([("id", doc["id"])]):
                                writer.delete_document(docnum)
                            writer.add_document(**doc)
                        words.update(vocab)
                        files[note_id] = entry
                        if note_id in manifest:
                            report.updated += 1
                        else:
                            report.added += 1
                        if self.progress:
                            self.progress(n, len(write))
                    known = (
                        merging.known(writer, words, self.folder, searcher) if later else Counter()
                    )
                    if words - known:
                        writer.add_document(**vocabulary_doc(words - known))
                    if later:
                        writer.commit(merge=False)  # the resident process merges when idle
                        merging.defer(self.folder, known)
                    else:
                        # Small segments from earlier updates pile up; merging them costs little,
                        # but doing it on every update would cost every update. The rebuild's big
                        # ones stay as they are.
                        small = merging.small(ix)
                        writer.commit(merge=len(small) >= MAX_SEGMENTS)
            except BaseException:
                writer.cancel()
                raise
        report.removed = len(removed)
        report.notes = indexed - len(removed) + report.added
        write_manifest(
            self.folder,
            SCHEMA_VERSION,
            changed=files,
            removed=removed,
            notes=report.notes,
            # What was seen now, unless a note could not be written (then compare next time).
            fingerprint=found.fingerprint if len(files) == len(write) else "",
        )
        if (write or delete) and merging._merge_later is not None and not self.private:
            merging._merge_later(catalog.vault)
        return report

    # --- full build ------------------------------------------------------------------------

    def _rebuild(self) -> IndexReport:
        """Build a new index in a sibling folder, then swap it in (readers never see half)."""
        folder = self.folder
        merging.take_deferred(folder)  # the new vocabulary counts every note
        parent_dir = folder.parent
        parent_dir.mkdir(parents=True, exist_ok=True)
        if not self.private:
            # Left by killed processes (we hold the lock).
            for old in parent_dir.glob(f"{INDEX_FOLDER}.*"):
                shutil.rmtree(old, ignore_errors=True)
        fresh = parent_dir / f"{folder.name}.new-{os.getpid()}"
        fresh.mkdir()
        try:
            files, language = build(self.catalog, fresh, self.progress)
            write_manifest(
                fresh,
                SCHEMA_VERSION,
                changed=files,
                removed=[],
                notes=len(files),
                fingerprint=self.catalog.fingerprint
                if len(files) == len(self.catalog.digests())
                else "",
                language=language,
                create=True,
            )
            retired = parent_dir / f"{folder.name}.old-{os.getpid()}"
            if folder.exists():
                os.replace(folder, retired)
            os.replace(fresh, folder)
            shutil.rmtree(retired, ignore_errors=True)
        finally:
            if fresh.exists():
                shutil.rmtree(fresh, ignore_errors=True)
        return IndexReport(added=len(files), rebuilt=True, notes=len(files))


# --- when the state folder cannot be written -------------------------------------------------


def _copy_index(own: Path, copy: Path) -> None:
    """The files of an index folder (it has no subfolders), writable whatever they were."""
    copy.mkdir()
    for entry in os.scandir(own):
        if entry.is_file() and not entry.name.endswith("LOCK"):
            shutil.copyfile(entry.path, copy / entry.name)


@contextmanager
def searchable(
    catalog: Catalog, progress: Progress | None = None, notify: Notify | None = None
) -> Iterator[Path]:
    """The folder of an up-to-date index to search: the vault's own, or, when the state folder
    cannot be written, a temporary copy of it brought up to date (or built afresh), removed
    afterwards, with one warning through `notify`."""
    try:
        update_index(catalog, progress=progress, notify=notify)
    except IndexUnwritable as exc:
        reason = str(exc).split(": ", 1)[-1].split(";", 1)[0]
        with tempfile.TemporaryDirectory(prefix="vault-index-") as tmp:
            copy = Path(tmp) / INDEX_FOLDER
            own = index_dir(catalog)
            how = "built afresh"
            if check_index(own) is None:
                try:
                    _copy_index(own, copy)
                    how = "a copy brought up to date"
                except OSError:
                    shutil.rmtree(copy, ignore_errors=True)
            update_index(catalog, progress=progress, folder=copy)
            if notify:
                notify(
                    f"cannot write the search index in {own.parent} ({reason}); "
                    f"searched a temporary index ({how}) instead"
                )
            yield copy
        return
    yield index_dir(catalog)
