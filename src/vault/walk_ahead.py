"""The walk of the notes, started as the process starts: a forked child walks and stats the
notes folder while this process imports the command line, the catalog and Whoosh, then hands
what it found over through a pipe (vault.catalog.loader takes it instead of walking).

Why: a warm `vault search` without a server was about half imports and a quarter to a half
the walk (a stat of every note: 0.3-0.5 s at 100,000 notes, mostly in the kernel). Neither
needs the other, so on a machine with a core to spare they overlap (only then: _spare_core). A
thread would not do: the walk needs the interpreter between two stats, and the imports hold
it for milliseconds at a time.

The child runs vault.vault.walk_folders, the very walk the catalog would run, so it finds the
same notes in the same order and the same states. It starts when the command does, so it
sees every change made before the command was typed; the process takes it over only while
nothing of its own has written a note (a command that recovers an interrupted move first
drops it: vault.cli.common). Anything amiss (no fork, a child that fails or is killed, an
answer that does not decode) means no walk ahead, and the catalog walks as before.

Only the standard library's light modules and vault.vault are imported here: the earlier the
child starts, the more the two overlap.
"""

from __future__ import annotations

import os
import signal
import sys
from array import array
from itertools import chain
from operator import attrgetter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

# The walk's file states as packed columns (vault.catalog.states keeps them so): (mtime_ns,
# size, ctime_ns) of each note, signed 64-bit, then its inode, unsigned 64-bit.
TIMES, INODES = "q", "Q"
# Read from each stat without a Python call per note (100,000 of them at each warm walk).
TIMES_OF = attrgetter("st_mtime_ns", "st_size", "st_ctime_ns")
INODE_OF = attrgetter("st_ino")

# The commands that walk the notes first thing (they load the catalog); another command
# would leave the child's work unread.
WALKING = frozenset(("search", "list", "graph"))

# (vault root, notes folder) -> (the child's pid, the pipe's read end).
_ahead: dict[tuple[str, str], tuple[int, int]] = {}


def packed(words: Iterable[str]) -> bytes:
    """Strings (note ids, names) as one bytes value: joined by NUL, which no file name holds,
    in UTF-8 with surrogateescape, which keeps a name that is not UTF-8 as it was."""
    return "\0".join(words).encode("utf-8", "surrogateescape")


def unpacked(data) -> list[str]:
    """The strings `packed` gave these bytes for."""
    return str(data, "utf-8", "surrogateescape").split("\0") if data else []


class Found:
    """What a walk ahead found, as packed as the child sent it."""

    def __init__(self, ids: memoryview, times: memoryview, inodes: memoryview, skipped):
        self.packed_ids = bytes(ids)  # as `packed` packs them
        self.ids = unpacked(ids)
        self.times = array(TIMES)
        self.times.frombytes(times)
        self.inodes = array(INODES)
        self.inodes.frombytes(inodes)
        # (id, why) of each symbolic link the walk left out.
        words = unpacked(skipped)
        self.skipped = list(zip(words[0::2], words[1::2], strict=True))
        if len(self.times) != 3 * len(self.ids) or len(self.inodes) != len(self.ids):
            raise ValueError("a walk ahead whose columns do not agree")


def start_for(argv: list[str]) -> None:
    """Start walking the notes of the vault `vault ARGV` works on when the command is one
    that walks first (WALKING), with nothing but --vault before it; otherwise do nothing."""
    if not hasattr(os, "fork") or not _spare_core():
        return
    from vault.locate import command_at

    found = command_at(argv)
    if found is None:
        return
    vault_dir, at = found
    if at >= len(argv) or argv[at] not in WALKING:
        return
    if any(a in ("-h", "--help") for a in argv[at + 1 :]):
        return
    from vault.errors import VaultError
    from vault.vault import open_vault

    try:
        vault = open_vault(vault_dir)
    except (VaultError, OSError, ValueError):
        return  # the command says what is wrong, in its words
    start(vault)


def _spare_core() -> bool:
    """Whether a core is likely to be free for the child at times: the last minute's load
    average is below the number of cores plus one. Measured on 2 shared cores at 10,000
    notes (median of 25 alternated runs): 30 ms faster at a load of 2.2, 46 ms at 2.7, but
    68 ms slower at 5, where the parent waited for a child waiting for a core."""
    try:
        return os.getloadavg()[0] < (os.cpu_count() or 1) + 1
    except (AttributeError, OSError):
        return False


def start(vault) -> None:
    """Fork a child that walks `vault`'s notes (once per vault and process)."""
    key = _key(vault)
    if key in _ahead or not key[0].strip(os.sep):
        return  # already walking; or the root is "/", which ids are not cut from alike
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return
    if pid == 0:  # the child: walk, send, and end without running any of the parent's exits
        code = 1
        try:
            os.close(read_end)
            _detach()
            _send(write_end, vault)
            code = 0
        except BaseException:  # noqa: BLE001 - nothing may escape the child
            pass
        finally:
            os._exit(code)
    os.close(write_end)
    _ahead[key] = (pid, read_end)


def taken(vault) -> Found | None:
    """What the walk ahead of `vault` found, waiting for it to finish; None when there is
    none (or it failed). Taken once: the next walk is the caller's."""
    entry = _ahead.pop(_key(vault), None)
    if entry is None:
        return None
    pid, read_end = entry
    try:
        data = _received(read_end)
    finally:
        os.close(read_end)
    if not _reaped(pid) or data is None:
        return None
    try:
        return Found(*data)
    except ValueError:  # not UTF-8 with surrogates, or columns of other lengths
        return None


def drop(vault) -> None:
    """Forget the walk ahead of `vault` (the notes are about to change): the child is
    stopped and reaped."""
    entry = _ahead.pop(_key(vault), None)
    if entry is not None:
        pid, read_end = entry
        os.close(read_end)
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        _reaped(pid)


def _key(vault) -> tuple[str, str]:
    return str(vault.root), str(vault.notes_dir)


def _reaped(pid: int) -> bool:
    """Wait for the child; whether it ended well."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return False
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def _detach() -> None:
    """The child writes nothing a user or a caller reading the command's output would see,
    and holds none of its streams open (a caller waiting for the end of the output must
    not wait for the child); Ctrl-C is the parent's to answer."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.stdout = sys.stderr = None


def _received(fd: int) -> list[memoryview] | None:
    """The four parts the child sent (ids, times, inodes, skipped), read straight into one
    buffer (at 100,000 notes, 8 MB: a copy more costs milliseconds); None when cut short."""
    head = _read_exactly(fd, 32)
    if head is None:
        return None
    sizes = array("Q")
    sizes.frombytes(head)
    buffer = _read_exactly(fd, sum(sizes))
    if buffer is None or os.read(fd, 1):
        return None
    parts, at = [], 0
    for size in sizes:
        parts.append(buffer[at : at + size])
        at += size
    return parts


def _read_exactly(fd: int, size: int) -> memoryview | None:
    buffer = memoryview(bytearray(size))
    at = 0
    try:
        while at < size and (got := os.readv(fd, [buffer[at:]])):
            at += got
    except OSError:
        return None
    return buffer if at == size else None


def _send(fd: int, vault) -> None:
    from vault.vault import walk_folders

    ids: list[str] = []
    times, inodes = array(TIMES), array(INODES)
    skipped: list[str] = []
    for found, _, stats in walk_folders(vault, lambda i, why: skipped.extend((i, why))):
        ids += found
        times.extend(chain.from_iterable(map(TIMES_OF, stats)))
        inodes.extend(map(INODE_OF, stats))
    parts = [packed(ids), times.tobytes(), inodes.tobytes(), packed(skipped)]
    data = memoryview(array("Q", map(len, parts)).tobytes() + b"".join(parts))
    while data:
        data = data[os.write(fd, data) :]
