"""A command run in the server for a client sees the client's working directory, environment
and terminals, and only its own thread sees them: several commands run at once, each with
its client's, beside the MCP calls that see the server's own.

What a command reads of its process is read through `os.getcwd` (and so `Path.cwd`,
`os.path.abspath`), `os.environ` (and so `os.getenv`, `shutil.get_terminal_size`, click's
environment variables, the environment git is run with) and `sys.stdout`, `sys.stderr`,
`sys.stdin`. `install` puts in their place, once per process, versions that answer with the
values of the command running on the calling thread, and with the process's own on any
other thread; `running` sets them for one command. What stays the process's: the files a
relative path opens (the client resolves what it can first; commands that write a file by
name are not served) and the time zone (a client in another one answers alone).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO


@dataclass
class Invocation:
    """What one command sees of its process."""

    cwd: str
    env: dict[str, str]
    stdout: IO[str]
    stderr: IO[str]
    stdin: IO[str]


_local = threading.local()  # .now: the Invocation running on this thread, if any
_installed = threading.Lock()


def _now() -> Invocation | None:
    return getattr(_local, "now", None)


class _Stream:
    """sys.stdout, sys.stderr or sys.stdin: the running command's, else the process's."""

    def __init__(self, name: str, real):
        self._name = name
        self._real = real

    def _target(self):
        now = _now()
        return getattr(now, self._name) if now is not None else self._real

    def __getattr__(self, attr: str):
        return getattr(self._target(), attr)

    def write(self, text: str) -> int:
        return self._target().write(text)

    def flush(self) -> None:
        self._target().flush()

    def isatty(self) -> bool:
        return self._target().isatty()

    def __iter__(self):
        return iter(self._target())


class _Environ(MutableMapping):
    """os.environ: the running command's environment, else the process's (os._Environ,
    whose changes also reach the C library). A command's changes stay its own."""

    def __init__(self, real: MutableMapping[str, str]):
        self._real = real

    def _target(self) -> MutableMapping[str, str]:
        now = _now()
        return now.env if now is not None else self._real

    def __getitem__(self, key: str) -> str:
        return self._target()[key]

    def __setitem__(self, key: str, value: str) -> None:
        self._target()[key] = value

    def __delitem__(self, key: str) -> None:
        del self._target()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._target()))

    def __len__(self) -> int:
        return len(self._target())

    def copy(self) -> dict[str, str]:  # as os.environ.copy() (GitPython, subprocess users)
        return dict(self._target())

    def __repr__(self) -> str:
        return f"environ({dict(self._target())!r})"


def install() -> None:
    """Make the process's working directory, environment and standard streams per command
    (idempotent; the server calls it before answering its first command)."""
    with _installed:
        if isinstance(os.environ, _Environ):
            return
        real_getcwd = os.getcwd

        def getcwd() -> str:
            now = _now()
            return now.cwd if now is not None else real_getcwd()

        os.environ = _Environ(os.environ)  # noqa: B003 the values stay; reads go through
        os.getcwd = getcwd
        sys.stdout = _Stream("stdout", sys.stdout)
        sys.stderr = _Stream("stderr", sys.stderr)
        sys.stdin = _Stream("stdin", sys.stdin)


def time_zone() -> str | None:
    """The process's own TZ (what the C library's local time follows)."""
    real = os.environ._real if isinstance(os.environ, _Environ) else os.environ
    return real.get("TZ")


@contextmanager
def running(invocation: Invocation) -> Iterator[None]:
    """While the block runs, this thread is the command's process. OSError when its working
    directory is gone."""
    if not os.path.isdir(invocation.cwd):
        raise FileNotFoundError(2, "no such folder", invocation.cwd)
    install()
    _local.now = invocation
    try:
        yield
    finally:
        _local.now = None
