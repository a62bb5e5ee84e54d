"""The Whoosh full-text index in the vault's state folder, kept fresh against the notes.

The index is derived data, outside the vault (vault.vault.Vault.state_dir). Next to the
Whoosh files it keeps a manifest (vault.search.manifest: SQLite, data only), written right
after each successful commit. Bringing the index up to date compares the catalog (which
already walked the vault) with that manifest, first by one fingerprint, and writes only the
notes that differ, so with nothing changed no Whoosh file is even opened. If a process dies
between a commit and the manifest write, the next run simply writes those notes again
(updates are idempotent).

A full build runs on every core: worker processes each read, analyse and write segments of
their own, and the parent commits them all in one table of contents (as Whoosh's MpWriter
does with multisegment=True, minus shipping every document to the workers through files).

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
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from vault.catalog import Catalog
from vault.errors import IndexBusy, VaultError
from vault.model import IndexReport
from vault.search import fieldtypes
from vault.search.analysis import Analyzed, detect_language, vault_language
from vault.search.manifest import MANIFEST, Entry, Manifest, fingerprint, write_manifest
from vault.search.schema import SCHEMA_VERSION, document, make_schema, vocabulary_doc
from vault.search.texts import read_body

INDEX_FOLDER = "index"
# Commit without merging until this many small segments pile up; then Whoosh merges them.
MAX_SEGMENTS = 8
# A full build writes one segment per chunk of about this many notes (or this many bytes of
# Markdown): each segment's postings are then sorted in memory, where one big segment would
# spill sorted runs to disk and merge them. Fewer, bigger segments make searches faster.
REBUILD_CHUNK = int(os.environ.get("VAULT_INDEX_CHUNK", "2500"))
CHUNK_BYTES = 16 * 2**20
# Build in worker processes, on every core, when at least this many notes are indexed.
PARALLEL_MIN = 400
# Pool memory for each Whoosh segment writer during a full build (MB).
WRITER_LIMIT_MB = 256
# Segments are written as separate files, not one compound file: Whoosh copies each file of
# a compound segment into memory when opening a reader (45 ms of a 10,000-note search).
COMPOUND = False
DEFAULT_TIMEOUT = 60.0

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


class Source(NamedTuple):
    """What a note's document is made of, as the catalog knows it."""

    id: str
    title: str
    type: str | None
    tags: tuple[str, ...]
    date: str | None
    style: str
    digest: str
    parent: str | None
    # The Parent as written (None: none).
    ref: str | None


def index_dir(catalog: Catalog) -> Path:
    return catalog.vault.state_dir / INDEX_FOLDER


def lock_timeout() -> float:
    """Seconds to wait for another process's index lock (env VAULT_INDEX_TIMEOUT)."""
    raw = os.environ.get("VAULT_INDEX_TIMEOUT", "")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT


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


def _whoosh_writer(ix, deadline: float | None, **kwargs):
    from whoosh.index import LockError

    if deadline is None:  # a private index (a temporary copy): nobody else writes it
        return ix.writer(**kwargs)
    try:
        return ix.writer(timeout=max(0.0, deadline - time.monotonic()), delay=0.05, **kwargs)
    except LockError:
        raise _busy(lock_timeout()) from None


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
    digests = catalog.digests()
    mark = fingerprint(digests)
    if not rebuild:
        manifest = Manifest.open(folder, SCHEMA_VERSION)
        if manifest is not None:
            with manifest:
                if manifest.fingerprint == mark:
                    return IndexReport(seconds=time.perf_counter() - start, notes=manifest.notes)
    requested = Unusable("a rebuild was asked for", expected=True) if rebuild else None
    work = _Work(catalog, folder, digests, mark, progress, notify, private)
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
    digests = catalog.digests()
    private = folder is not None
    folder = folder or index_dir(catalog)
    work = _Work(catalog, folder, digests, fingerprint(digests), progress, notify, private)
    report = work.run(Unusable(problem) if force else None, verify=True)
    report.seconds = time.perf_counter() - start
    return report


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

    def __init__(self, catalog, folder, digests, mark, progress, notify, private):
        self.catalog = catalog
        self.folder = folder
        self.digests = digests
        self.mark = mark
        self.progress = progress
        self.notify = notify
        self.private = private

    def run(self, forced: Unusable | None, verify: bool = False) -> IndexReport:
        try:
            if self.private:
                return self._run(forced, verify, None)
            timeout = lock_timeout()
            deadline = time.monotonic() + timeout
            with _writing(self.catalog, timeout):
                return self._run(forced, verify, deadline)
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
            manifest = Manifest.open(self.folder, SCHEMA_VERSION)
            files = None
            language = None
            if manifest is not None:
                with manifest:
                    if manifest.fingerprint == self.mark and not verify:
                        return IndexReport(notes=manifest.notes)
                    files = manifest.files()
                    language = manifest.language
            # Opening every segment costs time: only when the manifest is missing or reading
            # the index has just failed.
            if files is None or verify:
                problem = check_index(self.folder)
                if problem is None and files is None:
                    problem = Unusable("the index manifest is unreadable")
            if problem is None:
                try:
                    return self._apply(files, language, deadline)
                except IndexBusy:
                    raise
                except Exception as exc:  # unreadable: rebuild, it is derived data
                    if _cannot_write(exc):
                        raise
                    problem = Unusable(f"the index is damaged ({type(exc).__name__})")
        if self.notify and not problem.expected:
            self.notify(f"{problem.reason}; rebuilding the search index")
        report = self._rebuild()
        report.reason = "" if problem.expected else problem.reason
        return report

    # --- changes ---------------------------------------------------------------------------

    def _apply(self, manifest: dict[str, Entry], language: str | None, deadline) -> IndexReport:
        catalog = self.catalog
        digests = self.digests
        write = [i for i, d in digests.items() if (manifest.get(i) or ("",))[0] != d]
        delete = [i for i in manifest if i not in digests]
        # A Parent resolves against the set of note ids: when notes appear or go, the parents
        # of others may change, and their documents are rewritten too.
        if delete or any(note_id not in manifest for note_id in write):
            parents = _parents(catalog)
            changed = set(write)
            for note_id, seen in manifest.items():
                if (
                    note_id in digests
                    and note_id not in changed
                    and seen[1] != parents.get(note_id)
                ):
                    write.append(note_id)
        else:
            parents = _parents_kept(catalog, write, manifest)
        report = IndexReport(notes=len(manifest))
        files: dict[str, Entry] = {}
        removed: list[str] = []
        if write or delete:
            ix = open_index(self.folder)
            writer = _whoosh_writer(ix, deadline, compound=COMPOUND)
            words: Counter = Counter()
            root = catalog.vault.root
            try:
                for note_id in delete:
                    if not catalog.vault.path_of(note_id).exists():
                        writer.delete_by_term("id", note_id)
                        removed.append(note_id)
                for n, note_id in enumerate(write, 1):
                    src = _source(catalog, note_id, parents.get(note_id))
                    made = _prepare(root, src, language)
                    if made is None:  # deleted since the walk: the next run removes it
                        continue
                    doc, entry, vocab = made
                    writer.update_document(**doc)
                    words.update(vocab)
                    files[note_id] = entry
                    if note_id in manifest:
                        report.updated += 1
                    else:
                        report.added += 1
                    if self.progress:
                        self.progress(n, len(write))
                if words:
                    writer.add_document(**vocabulary_doc(words))
                # Small segments from earlier updates pile up; merging them costs little, but
                # doing it on every update would cost every update. The rebuild's big ones
                # stay as they are.
                small = [s for s in ix._segments() if s.doc_count_all() < REBUILD_CHUNK // 2]
                writer.commit(merge=len(small) >= MAX_SEGMENTS)
            except BaseException:
                writer.cancel()
                raise
        report.removed = len(removed)
        report.notes = len(manifest) - len(removed) + report.added
        write_manifest(
            self.folder,
            SCHEMA_VERSION,
            changed=files,
            removed=removed,
            notes=report.notes,
            # What was seen now, unless a note could not be written (then compare next time).
            fingerprint=self.mark if len(files) == len(write) else "",
        )
        return report

    # --- full build ------------------------------------------------------------------------

    def _rebuild(self) -> IndexReport:
        """Build a new index in a sibling folder, then swap it in (readers never see half)."""
        folder = self.folder
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
                fingerprint=self.mark if len(files) == len(self.digests) else "",
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


def _parents(catalog: Catalog) -> dict[str, str | None]:
    return {i: r.id for i, r in catalog.parents.items()}


def _parents_kept(
    catalog: Catalog, ids: list[str], manifest: dict[str, Entry]
) -> dict[str, str | None]:
    """The parents of edited notes when no note came or went: a note whose Parent is written
    as before keeps the parent it resolved to (resolving needs every title: 0.1 s at 10,000
    notes); the others are resolved again."""
    out: dict[str, str | None] = {}
    again = []
    for note_id in ids:
        seen = manifest.get(note_id)
        if seen is not None and seen[2] == (catalog.records[note_id].parent_ref or None):
            out[note_id] = seen[1]
        else:
            again.append(note_id)
    if again:
        out.update(_parents_of(catalog, again))
    return out


def _parents_of(catalog: Catalog, ids) -> dict[str, str | None]:
    resolver = catalog.resolver
    out = {}
    for note_id in ids:
        ref = catalog.records[note_id].parent_ref
        out[note_id] = resolver.resolve_parent(ref, note_id).id if ref else None
    return out


def _source(catalog: Catalog, note_id: str, parent: str | None) -> Source:
    rec = catalog.records[note_id]
    return Source(
        note_id,
        rec.title,
        rec.type,
        rec.tags,
        rec.date,
        rec.style,
        rec.digest,
        parent,
        rec.parent_ref or None,
    )


def _sources(catalog: Catalog) -> list[Source]:
    """Every note's Source, from the catalog's columns (no record is built)."""
    records = catalog.records
    names = ("title", "type", "tags", "date", "style", "parent_ref")
    columns = {name: dict(records.column(name)) for name in names}
    digests = catalog.digests()
    parents = _parents(catalog)
    return [
        Source(
            note_id,
            columns["title"][note_id],
            columns["type"][note_id],
            columns["tags"][note_id],
            columns["date"][note_id],
            columns["style"][note_id],
            digests[note_id],
            parents.get(note_id),
            columns["parent_ref"][note_id] or None,
        )
        for note_id in sorted(records)
    ]


def _prepare(root: Path, src: Source, language: str | None) -> tuple[dict, Entry, set[str]] | None:
    """(Whoosh document, manifest entry, vocabulary) of a note, read from disk now, in the
    vault's `language` (None: the note's own); None when the file is gone."""
    path = root / src.id
    try:
        body, digest = read_body(path, src.style)
    except OSError:
        return None
    rec = src
    if digest != src.digest:
        # Changed since the walk: parse it again (the catalog sees it next time).
        from vault.notes import read_note

        try:
            note = read_note(path, src.id)
        except OSError:
            return None
        new = note.record
        rec = src._replace(
            title=new.title,
            type=new.type,
            tags=new.tags,
            date=new.date or src.date,
            style=new.style,
            digest=new.digest,
            ref=new.parent_ref or None,
        )
        body = note.body
    lang = language or detect_language(f"{rec.title}\n{body}")
    words: set[str] = set()
    analysis = fieldtypes.analysis(lang)
    analysed = Analyzed(analysis.positions(body, words))
    analysis.positions(rec.title, words)
    doc = document(rec.id, rec, analysed, lang, rec.parent)
    return doc, (rec.digest, rec.parent, rec.ref), words


# --- the parallel build ----------------------------------------------------------------------


def build(
    catalog: Catalog, folder: Path, progress: Progress | None
) -> tuple[dict[str, Entry], str | None]:
    """Index every note of `catalog` into a new index in the empty `folder`: the manifest
    entries of the notes written, and the vault's language (None: mixed). Worker processes on
    every core write one segment per chunk of notes; the table of contents naming them all is
    written at the end."""
    from vault.search.imports import whoosh_index

    ix = whoosh_index().create_in(str(folder), make_schema())
    sources = _sources(catalog)
    chunks = _chunks(catalog, sources)
    root = catalog.vault.root
    language = _vault_language(root, sources)
    total = len(sources)
    workers = min(os.cpu_count() or 1, 8, len(chunks))
    files: dict[str, Entry] = {}
    segments = []
    done = 0
    if progress and total:
        progress(0, total)
    jobs = [(str(folder), str(root), chunk, language) for chunk in chunks]
    if workers < 2 or total < PARALLEL_MIN:
        results = map(_build_chunk, jobs)
        pool = None
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork: the workers start in milliseconds with vault and whoosh already imported.
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        results = pool.map(_build_chunk, jobs)
    try:
        for segment, written, count in results:
            if segment is not None:
                segments.append(segment)
            files.update(written)
            done += count
            if progress:
                progress(done, total)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    _commit_segments(ix, segments)
    return files, language


# How many notes the vault's language is told from.
LANGUAGE_SAMPLE = 300


def _vault_language(root: Path, sources: list[Source]) -> str | None:
    """The vault's one language, from an even sample of its notes; None when mixed."""
    step = max(1, len(sources) // LANGUAGE_SAMPLE)
    langs = []
    for src in sources[::step]:
        try:
            body = read_body(root / src.id, src.style)[0]
        except OSError:
            continue
        langs.append(detect_language(f"{src.title}\n{body}"))
    return vault_language(langs)


def _chunks(catalog: Catalog, sources: list[Source]) -> list[list[Source]]:
    """Notes in chunks of at most REBUILD_CHUNK notes and about CHUNK_BYTES of Markdown."""
    root = catalog.vault.root
    chunks: list[list[Source]] = []
    chunk: list[Source] = []
    size = 0
    for src in sources:
        chunk.append(src)
        try:
            size += os.stat(root / src.id).st_size
        except OSError:
            pass
        if len(chunk) >= REBUILD_CHUNK or size >= CHUNK_BYTES:
            chunks.append(chunk)
            chunk, size = [], 0
    if chunk:
        chunks.append(chunk)
    return chunks


def _build_chunk(job) -> tuple[object | None, dict[str, Entry], int]:
    """In a worker: one segment of the notes of a chunk, not yet in any table of contents."""
    folder, root, chunk, language = job
    ix = open_index(Path(folder))
    writer = _segment_writer(ix)
    files: dict[str, Entry] = {}
    words: Counter = Counter()
    base = Path(root)
    try:
        for src in chunk:
            made = _prepare(base, src, language)
            if made is None:
                continue
            doc, entry, vocab = made
            writer.add_document(**doc)
            words.update(vocab)
            files[src.id] = entry
        if not files:
            writer._close_segment()
            return None, files, len(chunk)
        writer.add_document(**vocabulary_doc(words))
        # The segment's files are complete; the parent names it in the table of contents.
        segment = writer._finalize_segment()
    except BaseException:
        writer._close_segment()
        raise
    return segment, files, len(chunk)


def _segment_writer(ix):
    """A Whoosh segment writer for a build worker (no lock: the parent holds it) that keeps
    each document's field lengths in memory. Whoosh's own reads them back from the segment's
    length columns for every posting it writes (a third of the time of writing a segment)."""
    from whoosh.util.numeric import byte_to_length, length_to_byte
    from whoosh.writing import SegmentWriter

    class BuildWriter(SegmentWriter):
        def __init__(self):
            super().__init__(ix, _lk=False, limitmb=WRITER_LIMIT_MB, compound=COMPOUND)
            self.lengths: dict[tuple[int, str], int] = {}
            record = self.perdocwriter.add_field
            lengths = self.lengths

            def add_field(fieldname, fieldobj, value, length):
                if length:  # as the length column holds it: one byte, approximate
                    lengths[self.docnum, fieldname] = byte_to_length(length_to_byte(length))
                record(fieldname, fieldobj, value, length)

            self.perdocwriter.add_field = add_field

        def _flush_segment(self):
            self.perdocwriter.close()
            self.fieldwriter.add_postings(
                self.schema, _Lengths(self.lengths), self.pool.iter_postings()
            )
            self.fieldwriter.close()

    return BuildWriter()


class _Lengths:
    """Document field lengths for FieldWriter.add_postings, from memory."""

    def __init__(self, lengths: dict[tuple[int, str], int]):
        self.get = lengths.get

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        return self.get((docnum, fieldname), default)


def _commit_segments(ix, segments: list) -> None:
    """Write the table of contents naming `segments` (what MpWriter does for the segments
    its sub-writers wrote)."""
    writer = ix.writer()
    try:
        writer._close_segment()  # its own segment stays empty
        writer._commit_toc(segments)
    finally:
        writer._finish()


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
