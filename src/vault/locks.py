"""Inter-process locks on files in the vault's state folder (fcntl.flock: released if a
process dies)."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from vault.errors import VaultBusy, VaultError

if TYPE_CHECKING:
    from vault.vault import Vault


class LockTimeout(Exception):
    """The lock stayed held by another process for the whole timeout."""


class LockDenied(VaultError):
    """A lock file cannot be created or opened at all (permissions, a read-only file
    system): waiting would not help, so this is raised at once. `reason`: the system's words."""

    reason: str = ""


class UnfinishedMove(VaultError):
    """A `vault mv` was interrupted and its record is still there: the vault is half-moved
    until the next vault command finishes or undoes it."""


def _denied(path: Path, exc: OSError) -> LockDenied:
    why = exc.strerror or str(exc)
    denied = LockDenied(
        f"cannot create the lock file {path}: {why}; make {path.parent} writable (or set "
        "VAULT_CACHE_DIR to a writable folder) and try again"
    )
    denied.reason = why
    return denied


def lock_path(vault: Vault, name: str) -> Path:
    """The lock file `name` in the vault's state folder, the folder created if needed;
    LockDenied when it cannot be."""
    try:
        return vault.locks_dir / name
    except OSError as exc:
        raise _denied(vault.state_dir / "locks" / name, exc) from None


def _acquire(path: Path, timeout: float, poll: float) -> int:
    """An open descriptor of `path` holding its exclusive lock; LockTimeout after `timeout`,
    LockDenied at once when the file cannot be created."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.ENOSPC):
            raise _denied(path, exc) from None
        raise
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise LockTimeout(str(path)) from None
            time.sleep(poll)
        except BaseException:
            os.close(fd)
            raise


@contextlib.contextmanager
def file_lock(path: Path, timeout: float = 30.0, poll: float = 0.05) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if needed), waiting up to `timeout` seconds.

    flock locks belong to the open file: the kernel drops them when the holder exits or is
    killed, so a crashed process never leaves a stale lock behind.
    """
    fd = _acquire(path, timeout, poll)
    try:
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


# How long a writer waits for another one (new, mv, sync, append) to finish.
WRITE_LOCK_WAIT = 120.0


@contextlib.contextmanager
def write_lock(
    vault: Vault, timeout: float = WRITE_LOCK_WAIT, *, recovering: bool = False
) -> Iterator[None]:
    """The vault's write lock, held by every command that writes notes (new, append, mv, sync)
    while it decides what to write and writes it, so none plans on files another is
    rewriting. VaultBusy when another process keeps it past `timeout`.

    A writer that gets the lock after a `vault mv` was killed finds its record
    (vault.intents) and stops with UnfinishedMove rather than work on a half-moved vault;
    every command recovers such a move as it starts (vault.mv.recover), which passes
    `recovering`.
    """
    path = lock_path(vault, "write.lock")
    try:
        fd = _acquire(path, timeout, 0.05)
    except LockTimeout:
        raise VaultBusy(
            f"another vault process kept the vault busy for {timeout:.0f} s; try again"
        ) from None
    try:
        if not recovering:
            from vault.intents import pending_move

            if pending_move(vault):
                raise UnfinishedMove(
                    "a `vault mv` was interrupted just now and the vault is half-moved; "
                    "run the command again: it finishes or undoes that move first"
                )
        yield
    finally:
        os.close(fd)
