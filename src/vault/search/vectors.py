"""The notes' section vectors in the vault's state folder, beside the Whoosh index, kept
fresh against the notes.

Derived data, as data (never pickle), in the folder `vectors`:
- `matrix-<token>.npy`: one float16 row per chunk (vault.search.chunks), unit length, the
  rows of a note together (numpy's .npy, loaded with allow_pickle=False);
- `manifest.json`: the model that made them, the catalog's fingerprint, the matrix's file
  name and shape, and per note [content digest, first row, rows].

What changed is worked out by vault.derived.freshness from that manifest (it is a `Stored`),
as for the index: with nothing changed nothing is read but the manifest; edits, additions
and removals re-embed only those notes and write a new matrix (the kept rows copied), then
the manifest naming it, then the old matrix is removed. A missing, damaged or other-model
store is built afresh. Writers hold vectors.lock in the vault's locks folder.

numpy is imported inside the functions that use it, so importing this module is cheap.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vault.atomic import write_atomic
from vault.catalog import Catalog
from vault.derived import freshness
from vault.errors import VaultError
from vault.model import IndexReport
from vault.search import embedding
from vault.search.chunks import chunks
from vault.search.texts import read_body

if TYPE_CHECKING:
    import numpy as np

VECTORS_FOLDER = "vectors"
MANIFEST = "manifest.json"
FORMAT = 1

Progress = Callable[[int, int], None]
Notify = Callable[[str], None]


class VectorsDamaged(VaultError):
    """The vectors on disk cannot be read as their manifest says (rebuilt by the caller)."""


def vectors_dir(catalog: Catalog) -> Path:
    return catalog.vault.state_dir / VECTORS_FOLDER


@dataclass
class Stored:
    """The manifest of the vectors on disk (a vault.derived.freshness.Stored)."""

    folder: Path
    data: dict

    @classmethod
    def open(cls, folder: Path) -> Stored | None:
        """The manifest in `folder`; None when missing, unreadable or of another model. In a
        resident process (keep_vectors) the one read last while its file is the same: every
        write of it is a new file (write_atomic), and parsing it costs about 10 ms at 10,000
        notes for each related, context and hybrid call. Read only, by any thread."""
        path = folder / MANIFEST
        stamp = None
        if _keeping:
            try:  # before reading: a file changed meanwhile is read again next time
                st = os.stat(path)
                stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
            except OSError:
                return None
            with _kept_lock:
                got = _kept_manifests.get(folder)
            if got is not None and got[0] == stamp:
                return got[1]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        if data.get("model") != embedding.model_id() or not isinstance(data.get("notes"), dict):
            return None
        stored = cls(folder, data)
        if stamp is not None:
            with _kept_lock:
                _kept_manifests[folder] = (stamp, stored)
        return stored

    @property
    def fingerprint(self) -> str:
        return self.data.get("fingerprint", "")

    def rows(self, ids: list[str] | None = None) -> dict[str, tuple] | None:
        notes = self.data["notes"]
        if ids is None:
            return {i: tuple(row) for i, row in notes.items()}
        return {i: tuple(notes[i]) for i in ids if i in notes}


@dataclass
class Vectors:
    """The vectors loaded for searching."""

    # (rows, dims) float32, unit length; each note's rows together, in the order of `ids`.
    matrix: np.ndarray
    # Note ids, in the matrix's order.
    ids: list[str]
    # The first row of each note in `ids` (increasing: every note has at least one row).
    first: np.ndarray


# --- updating ------------------------------------------------------------------------------


def update_vectors(
    catalog: Catalog,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    notify: Notify | None = None,
    folder: Path | None = None,
) -> IndexReport:
    """Bring the vectors up to date with `catalog`, embedding only the notes that changed;
    with `rebuild`, all of them. A missing, damaged or other-model store is rebuilt, with a
    note through `notify` unless it is the first use. `folder` is a private store (no lock)."""
    start = time.perf_counter()
    private = folder is not None
    folder = folder or vectors_dir(catalog)
    if not rebuild:
        stored = Stored.open(folder)
        if freshness.is_fresh(catalog, stored):
            return IndexReport(seconds=time.perf_counter() - start, notes=len(stored.data["notes"]))
    from vault.locks import LockDenied, LockTimeout, file_lock
    from vault.search.index import IndexUnwritable, _busy, lock_timeout

    try:
        if private:
            report = _update(catalog, folder, rebuild, progress, notify)
        else:
            timeout = lock_timeout()
            with file_lock(catalog.vault.locks_dir / "vectors.lock", timeout=timeout):
                report = _update(catalog, folder, rebuild, progress, notify)
    except LockTimeout:
        raise _busy(timeout) from None
    except (OSError, LockDenied) as exc:  # read-only, no permission, disk full
        reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or str(exc)
        raise IndexUnwritable(
            f"cannot write the search vectors in {folder}: {reason}; check that the folder "
            "is writable and the disk is not full (or set VAULT_CACHE_DIR)"
        ) from None
    report.seconds = time.perf_counter() - start
    return report


def update_index_and_vectors(
    catalog: Catalog,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    notify: Notify | None = None,
) -> IndexReport:
    """`vault index`: the Whoosh index, then the vectors, brought up to date (or rebuilt);
    the index's report, with the time both took."""
    from vault.search.index import update_index

    start = time.perf_counter()
    report = update_index(catalog, rebuild=rebuild, progress=progress, notify=notify)
    update_vectors(catalog, rebuild=rebuild, progress=progress, notify=notify)
    report.seconds = time.perf_counter() - start
    return report


def _update(catalog, folder: Path, rebuild: bool, progress, notify) -> IndexReport:
    stored = None if rebuild else Stored.open(folder)
    if stored is not None:
        found = freshness.changes(catalog, stored)
        if found.fresh:
            return IndexReport(notes=len(stored.data["notes"]))
        if found.rebuild is None:
            try:
                return _apply(catalog, folder, stored, found, progress)
            except VectorsDamaged as exc:
                if notify:
                    notify(f"{exc}; rebuilding the search vectors")
    elif not rebuild and (folder / MANIFEST).exists() and notify:
        notify(
            "the search vectors are damaged or were made by another model; "
            "rebuilding the search vectors"
        )
    return _build(catalog, folder, progress)


def _embed_notes(
    catalog: Catalog, ids: list[str], progress: Progress | None
) -> tuple[dict[str, list], list[np.ndarray]]:
    """The chunks of these notes embedded: ({id: [digest, first, count]} with `first`
    counted from 0 over these notes alone, [float16 matrix blocks])."""
    records = catalog.records
    if len(ids) > 50:
        titles = dict(records.column("title"))
        styles = dict(records.column("style"))
    else:
        titles = {i: records[i].title for i in ids}
        styles = {i: records[i].style for i in ids}
    return _embed_texts(catalog.vault.root, ids, titles, styles, progress)


def _embed_texts(root: Path, ids, titles, styles, progress):
    import numpy as np

    rows: dict[str, list] = {}
    blocks: list[np.ndarray] = []
    texts: list[str] = []
    at = 0

    def flush() -> None:
        if texts:
            blocks.append(embedding.embed(texts).astype(np.float16))
            texts.clear()

    for n, note_id in enumerate(ids, 1):
        title = titles[note_id]
        try:
            body, digest = read_body(root / note_id, styles[note_id])
        except OSError:  # gone since the walk: the next run removes it
            continue
        pieces = [c.embedded(title) for c in chunks(title, body)]
        rows[note_id] = [digest, at, len(pieces)]
        at += len(pieces)
        texts.extend(pieces)
        if len(texts) >= 2048:
            flush()
            if progress:
                progress(n, len(ids))
    flush()
    if progress and ids:
        progress(len(ids), len(ids))
    return rows, blocks


def _build(catalog: Catalog, folder: Path, progress) -> IndexReport:
    import numpy as np

    ids = sorted(catalog.digests())
    rows, blocks = _embed_all(catalog, ids, progress)
    matrix = np.concatenate(blocks) if blocks else np.zeros((0, embedding.dims()), np.float16)
    complete = len(rows) == len(ids)
    _write(folder, matrix, rows, catalog.fingerprint if complete else "")
    return IndexReport(added=len(rows), rebuilt=True, notes=len(rows))


def _embed_all(catalog: Catalog, ids: list[str], progress):
    """_embed_notes on every core for many notes (forked workers, each a share of the
    notes, the model loaded once before the fork)."""
    workers = min(os.cpu_count() or 1, 8)
    if len(ids) < PARALLEL_MIN or workers < 2:
        return _embed_notes(catalog, ids, progress)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    embedding.load()
    titles = dict(catalog.records.column("title"))
    styles = dict(catalog.records.column("style"))
    shares = [ids[k :: workers * 4] for k in range(workers * 4)]
    global _SHARED
    _SHARED = (catalog.vault.root, titles, styles)
    rows: dict[str, list] = {}
    blocks = []
    done = 0
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            for share, (part, part_blocks) in zip(
                shares, pool.map(_embed_share, shares), strict=True
            ):
                at = sum(len(b) for b in blocks)
                for note_id, (digest, first, count) in part.items():
                    rows[note_id] = [digest, at + first, count]
                blocks.extend(part_blocks)
                done += len(share)
                if progress:
                    progress(done, len(ids))
    finally:
        _SHARED = None
    return rows, blocks


# Build in worker processes when at least this many notes are embedded.
PARALLEL_MIN = 400
# What forked workers read (set by the parent just before forking).
_SHARED = None


def _embed_share(ids: list[str]):
    root, titles, styles = _SHARED
    return _embed_texts(root, ids, titles, styles, None)


def _apply(catalog, folder: Path, stored: Stored, found, progress) -> IndexReport:
    """Re-embed the stale notes, drop the removed ones, keep the other rows as they are."""
    import numpy as np

    old = _load_matrix(folder, stored.data)
    notes = stored.data["notes"]
    drop = set(found.stale) | set(found.removed)
    kept_rows: dict[str, list] = {}
    pieces = []
    at = 0
    for note_id, (digest, first, count) in notes.items():
        if note_id in drop:
            continue
        pieces.append(old[first : first + count])
        kept_rows[note_id] = [digest, at, count]
        at += count
    rows, blocks = _embed_notes(catalog, found.stale, progress)
    for note_id, (digest, first, count) in rows.items():
        kept_rows[note_id] = [digest, at + first, count]
    pieces.extend(blocks)
    matrix = np.concatenate(pieces) if pieces else np.zeros((0, old.shape[1]), np.float16)
    complete = len(rows) == len(found.stale)
    _write(folder, matrix, kept_rows, found.fingerprint if complete else "")
    added = sum(1 for i in rows if i not in notes)
    return IndexReport(
        added=added,
        updated=len(rows) - added,
        removed=len(found.removed),
        notes=len(kept_rows),
    )


def _write(folder: Path, matrix: np.ndarray, rows: dict[str, list], fingerprint: str) -> None:
    """The matrix under a new name, then the manifest naming it, then the old matrices go."""
    import numpy as np

    folder.mkdir(parents=True, exist_ok=True)
    name = f"matrix-{os.getpid()}-{time.time_ns()}.npy"
    tmp = folder / f"{name}.tmp"
    with open(tmp, "wb") as fh:
        np.save(fh, matrix, allow_pickle=False)
    os.replace(tmp, folder / name)
    manifest = {
        "format": FORMAT,
        "model": embedding.model_id(),
        "fingerprint": fingerprint,
        "matrix": name,
        "shape": list(matrix.shape),
        "notes": rows,
    }
    write_atomic(folder / MANIFEST, json.dumps(manifest).encode(), durable=False)
    for entry in os.scandir(folder):
        if entry.name.startswith("matrix-") and entry.name != name:
            try:
                os.unlink(entry.path)
            except OSError:
                pass


# --- reading -------------------------------------------------------------------------------


def _load_matrix(folder: Path, data: dict) -> np.ndarray:
    import numpy as np

    name = str(data.get("matrix", ""))
    try:
        if not name.startswith("matrix-") or "/" in name:
            raise ValueError("no matrix named")
        matrix = np.load(folder / name, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise VectorsDamaged(f"the search vectors are damaged ({type(exc).__name__})") from None
    if list(matrix.shape) != data.get("shape") or matrix.dtype != np.float16:
        raise VectorsDamaged("the search vectors are damaged (their shape is not recorded)")
    return matrix


# A resident process (vault serve, vault mcp) keeps the vectors it read last while their
# files are the same (each update writes a new matrix and manifest in their place): reading them is
# ~40 ms and a new 20 MB matrix for every related, context and hybrid call at 10,000 notes.
_keeping = False
_kept: dict[Path, tuple[tuple, Vectors]] = {}  # folder -> (its files' stamp, vectors)
_kept_manifests: dict[Path, tuple[tuple, Stored]] = {}  # folder -> (the file's stamp, it)
_kept_lock = threading.Lock()


def keep_vectors() -> None:
    """Keep the vectors read in memory while they are unchanged, from now on."""
    global _keeping
    _keeping = True


def load(folder: Path) -> Vectors:
    """The vectors in `folder`, for searching; VectorsDamaged when they cannot be read. In a
    resident process (keep_vectors) the ones read last, while their files are unchanged:
    they are read only, by any thread."""
    stamp = None
    if _keeping:
        try:  # before reading: files changed meanwhile are read again next time
            stamp = freshness.folder_stamp(folder)
        except OSError:
            pass
        with _kept_lock:
            got = _kept.get(folder)
        if stamp is not None and got is not None and got[0] == stamp:
            return got[1]
    vectors = _read(folder)
    if stamp is not None:
        vectors.matrix.flags.writeable = False
        vectors.first.flags.writeable = False
        with _kept_lock:
            _kept[folder] = (stamp, vectors)  # the folder's older vectors let go
    return vectors


def _read(folder: Path) -> Vectors:
    import numpy as np

    stored = Stored.open(folder)
    if stored is None:
        raise VectorsDamaged("the search vectors have no readable manifest")
    matrix = _load_matrix(folder, stored.data).astype(np.float32)
    notes = stored.data["notes"]
    ids = list(notes)
    first = np.fromiter((row[1] for row in notes.values()), np.int64, len(ids))
    count = np.fromiter((row[2] for row in notes.values()), np.int64, len(ids))
    # The rows of the notes follow one another, as _write wrote them.
    if len(ids) and (
        first[0] != 0
        or (count < 1).any()
        or (first[1:] != np.cumsum(count)[:-1]).any()
        or first[-1] + count[-1] != matrix.shape[0]
    ):
        raise VectorsDamaged("the search vectors are damaged (rows out of order)")
    return Vectors(matrix, ids, first)


def fresh_vectors(
    catalog: Catalog, progress: Progress | None = None, notify: Notify | None = None
) -> Vectors:
    """The vectors, brought up to date first; damaged ones are rebuilt (once) and read again.
    When the state folder cannot be written, they are made in a temporary folder instead
    (with one note through `notify`)."""
    from vault.search.index import IndexUnwritable

    folder = vectors_dir(catalog)
    try:
        update_vectors(catalog, progress=progress, notify=notify)
        try:
            try:
                return load(folder)
            except VectorsDamaged:
                # Another process may have replaced the matrix between our reading the
                # manifest and the matrix: read both again before calling it damage.
                return load(folder)
        except VectorsDamaged as exc:
            if notify:
                notify(f"{exc}; rebuilding the search vectors")
            update_vectors(catalog, rebuild=True, progress=progress, notify=notify)
            return load(folder)
    except IndexUnwritable as exc:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="vault-vectors-") as tmp:
            private = Path(tmp) / VECTORS_FOLDER
            update_vectors(catalog, progress=progress, folder=private)
            if notify:
                reason = str(exc).split(": ", 1)[-1].split(";", 1)[0]
                notify(
                    f"cannot write the search vectors in {folder} ({reason}); "
                    "made them in a temporary folder instead"
                )
            return load(private)
