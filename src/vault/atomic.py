"""Atomic file writes: the data goes to a temporary file in the same folder, which then takes
the final name in one step, so a reader sees the old file or the new one, never half of one.
Standard library only."""

from __future__ import annotations

import os
from pathlib import Path

from vault.errors import FileFailed


def _temp_for(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def _discard(tmp: Path) -> None:
    try:
        tmp.unlink()
    except OSError:
        pass


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Create or replace `path` with `data`, keeping an existing file's permissions.

    `durable` fsyncs before the rename: wanted for what users wrote, not for derived data
    under .vault/, which is rebuilt if a crash loses it. FileFailed (an OSError too) when
    the folder is read-only or full: the old file is left as it was.
    """
    tmp = _temp_for(path)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        try:
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        except OSError:
            pass  # a new file keeps the default mode
        os.replace(tmp, path)
    except BaseException as exc:
        _discard(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, FileFailed):
            raise FileFailed("write", path, exc) from exc
        raise


def create_exclusive(path: Path, data: bytes) -> None:
    """Write a new file atomically; FileExistsError if the name is taken (never overwrites),
    FileFailed (an OSError too) when the folder is read-only or full, nothing left behind.

    The temporary file is hard-linked to the final name: link() fails when the name exists,
    so two writers can never clobber each other, and a reader never sees a half-written file.
    """
    tmp = _temp_for(path)
    reserved = False
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError:
            # No hard links on this file system: reserve the name exclusively, then replace.
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            reserved = True
            os.replace(tmp, path)
    except FileExistsError:
        raise
    except OSError as exc:
        if reserved:
            _discard(path)  # the empty file that reserved the name, never a note's
        raise FileFailed("write", path, exc) from exc
    finally:
        _discard(tmp)


def read_file(path: Path) -> bytes:
    """A file's bytes; FileFailed (an OSError too) naming it when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise FileFailed("read", path, exc) from exc
