"""Inter-process locks on files under .vault/locks (fcntl.flock: released if a process dies)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path


class LockTimeout(Exception):
    """The lock stayed held by another process for the whole timeout."""


@contextlib.contextmanager
def file_lock(path: Path, timeout: float = 30.0, poll: float = 0.05) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if needed), waiting up to `timeout` seconds.

    flock locks belong to the open file: the kernel drops them when the holder exits or is
    killed, so a crashed process never leaves a stale lock behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(str(path)) from None
                time.sleep(poll)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
