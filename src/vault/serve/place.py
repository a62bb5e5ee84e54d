"""Where a vault's server can be found: its socket, state file and lock, all in the vault's
state folder (vault.locate.state_dir_for). Standard library only, paths as strings or Paths
alike, and no pathlib: the CLI's fast path reads this before deciding whether to import
anything else."""

from __future__ import annotations

import json
import os
import socket

SOCKET = "serve.sock"
STATE = "serve.json"  # {"pid", "url", "socket", "vault"}: 0600, it holds the token
LOCK = "serve.lock"  # held (flock) by the running server for its whole life

# sun_path holds 107 bytes: a longer path is reached through the folder's open descriptor.
_SUN_PATH_MAX = 107


def read_state(state_dir: str | os.PathLike) -> dict | None:
    """The running server's state file, or None when there is none (or it is unreadable)."""
    try:
        with open(os.path.join(state_dir, STATE), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def is_stopped(pid: int) -> bool:
    """Whether process `pid` is stopped (Ctrl-Z, SIGSTOP), as /proc says (Linux; elsewhere
    not known: False)."""
    try:
        with open(f"/proc/{int(pid)}/stat", "rb") as f:
            stat = f.read()
    except (OSError, ValueError):
        return False
    return stat[stat.rfind(b")") + 2 :][:1] in (b"T", b"t")


def is_running(state_dir: str | os.PathLike) -> bool:
    """Whether a server holds the vault's lock: a dead server's lock is released by the
    kernel, so a leftover file says nothing."""
    import fcntl

    try:
        fd = os.open(os.path.join(state_dir, LOCK), os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # closing releases a lock we took
    return False


def connect(path: str | os.PathLike, timeout: float | None = None) -> socket.socket:
    """A connected stream socket to `path` (OSError when nothing listens there)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        _at(path, sock.connect)
    except BaseException:
        sock.close()
        raise
    return sock


def bind(path: str | os.PathLike, sock: socket.socket) -> None:
    _at(path, sock.bind)


def _at(path: str | os.PathLike, call) -> None:
    """`call(address)` with `path`, or, when it is too long for a socket address, with the
    same file named through an open descriptor of its folder (/proc/self/fd/N/name)."""
    name = os.fsencode(path)
    if len(name) <= _SUN_PATH_MAX:
        return call(name)
    folder, file_name = os.path.split(os.fspath(path))
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        return call(os.fsencode(f"/proc/self/fd/{fd}/{file_name}"))
    finally:
        os.close(fd)
