"""Know whether anything under the notes folder changed, without walking it: Linux inotify,
through ctypes (standard library only).

The kernel queues an inotify event while the system call that changed the file runs, so an
edit that finished before a tool call is in the queue when the call drains it: one
non-blocking read says whether the next call must look again, and an edit is never missed
for being a few milliseconds old (a watcher thread with a debounce, such as watchfiles,
would need waiting for to say as much). Where inotify is missing (macOS, Windows) or out of
watches, `open_watcher` raises WatchUnavailable and the server walks the vault on every call
instead, which is what the CLI does.

Every folder under the notes folder is watched, hidden ones (.git, .obsidian) left out as the
walk leaves them out. A change to a `*.md` file or to a folder counts; editors' swap files
and other files do not. When folders appear, go or move, every watch is set up afresh.

`drain` says which notes were written in place and which folders saw notes made, moved away
or deleted, so the catalog reads those again and nothing else (vault.catalog.update_catalog);
it says "everything" when it cannot be that precise: events were lost, a folder appeared,
went or moved, or the vault has a note that is a symbolic link (the link's folder hears
nothing when its target changes). A note renamed into a folder is told as a note written
there, not as its folder: that is how vault and most editors write a note (a temporary file
renamed over it), and listing a folder of 16,000 notes for it was most of an edit's cost at
100,000 notes. When no note of that name was there, the catalog lists its folder anyway;
when one was, the note keeps its place, as the walk lists each folder's notes sorted by name
(vault.vault.walk_folders), whatever order the file system keeps them in.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path

_MODIFY, _ATTRIB, _CLOSE_WRITE = 0x2, 0x4, 0x8
_MOVED_FROM, _MOVED_TO, _CREATE, _DELETE = 0x40, 0x80, 0x100, 0x200
_DELETE_SELF, _MOVE_SELF = 0x400, 0x800
_Q_OVERFLOW, _IGNORED, _ISDIR = 0x4000, 0x8000, 0x40000000
_ONLYDIR, _DONT_FOLLOW, _EXCL_UNLINK = 0x01000000, 0x02000000, 0x04000000
_MASK = (
    _MODIFY | _ATTRIB | _CLOSE_WRITE | _MOVED_FROM | _MOVED_TO | _CREATE | _DELETE
    | _DELETE_SELF | _MOVE_SELF | _ONLYDIR | _DONT_FOLLOW | _EXCL_UNLINK
)  # fmt: skip
_EVENT = struct.Struct("iIII")  # wd, mask, cookie, len; then len bytes of name


class WatchUnavailable(Exception):
    """No inotify here, or not enough watches for the vault's folders."""


@dataclass
class Seen:
    """What changed since the last drain."""

    # The folders (absolute paths) in which a note was made, moved or deleted.
    folders: set[str] = field(default_factory=set)
    # The notes (absolute paths) written in place or renamed in, where nothing else changed.
    files: set[str] = field(default_factory=set)
    # True when the whole vault must be looked at again (see the module's docstring).
    everything: bool = False

    def __bool__(self) -> bool:
        return self.everything or bool(self.folders or self.files)


class Watcher:
    """An inotify instance watching every folder of a vault's notes folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._libc = _libc()
        self._fd = -1
        self._where: dict[int, str] = {}  # watch descriptor -> its folder
        self.links = False  # a note that is a symbolic link was seen
        self._watch_all()

    def changed(self) -> bool:
        """True when a note or a folder changed since the last call (or since the watches
        were set up). Raises WatchUnavailable when the folders can no longer be watched."""
        return bool(self.drain())

    def drain(self) -> Seen:
        """What changed since the last call (or since the watches were set up), read without
        waiting. Raises WatchUnavailable when the folders can no longer be watched."""
        seen, rewatch = Seen(), False
        while True:
            try:
                data = os.read(self._fd, 64 * 1024)
            except BlockingIOError:
                break
            except InterruptedError:
                continue
            for wd, mask, name in _events(data):
                if mask & _Q_OVERFLOW:  # events were lost: look at everything again
                    seen.everything = rewatch = True
                elif mask & (_IGNORED | _DELETE_SELF | _MOVE_SELF):
                    seen.everything = rewatch = True  # a watched folder went away or moved
                elif name.startswith("."):
                    continue
                elif mask & _ISDIR:
                    seen.everything = True
                    rewatch = rewatch or bool(mask & (_CREATE | _MOVED_TO | _MOVED_FROM))
                elif name.lower().endswith(".md"):
                    folder = self._where.get(wd)
                    if folder is None:
                        seen.everything = True
                        continue
                    if mask & (_CREATE | _DELETE | _MOVED_FROM):
                        seen.folders.add(folder)  # the folder's list of notes changed
                    else:  # written in place, or renamed in (maybe over a note: the docstring)
                        seen.files.add(os.path.join(folder, name))
                    if mask & (_CREATE | _MOVED_TO) and os.path.islink(os.path.join(folder, name)):
                        self.links = True
        if rewatch:
            self._watch_all()
        if self.links and seen:
            seen.everything = True
        return seen

    def fileno(self) -> int:
        """The inotify descriptor, readable while events wait (-1 once closed). Another is
        made when the watches are set up afresh (`drain`), so ask again after each."""
        return self._fd

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def _watch_all(self) -> None:
        """A fresh inotify instance with a watch on every folder (a new folder's files are
        found by the walk that follows, so nothing between the two is lost)."""
        self.close()
        fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if fd < 0:
            raise WatchUnavailable(f"inotify is not available ({os.strerror(ctypes.get_errno())})")
        self._fd = fd
        self._where = {}
        found = _Found()
        for folder in _folders(self.folder, found):
            wd = self._libc.inotify_add_watch(fd, os.fsencode(folder), _MASK)
            if wd >= 0:
                self._where[wd] = folder
                continue
            err = ctypes.get_errno()
            if err in (errno.ENOENT, errno.ENOTDIR, errno.EACCES):
                if folder == str(self.folder):
                    self.close()
                    raise WatchUnavailable(f"cannot watch {folder}: {os.strerror(err)}")
                continue  # gone meanwhile, or unreadable (the walk skips it too)
            self.close()
            if err == errno.ENOSPC:
                raise WatchUnavailable(
                    "not enough inotify watches for the vault's folders "
                    "(raise fs.inotify.max_user_watches)"
                )
            raise WatchUnavailable(f"cannot watch {folder}: {os.strerror(err)}")
        self.links = found.links


def open_watcher(folder: Path) -> Watcher:
    return Watcher(folder)


def _libc():
    if not hasattr(os, "O_CLOEXEC"):
        raise WatchUnavailable("inotify is not available on this system")
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.inotify_init1.argtypes = [ctypes.c_int]
        libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
    except (OSError, AttributeError):
        raise WatchUnavailable("inotify is not available on this system") from None
    return libc


def _events(data: bytes):
    """(watch descriptor, mask, name) of each event in a buffer read from the inotify
    descriptor."""
    at = 0
    while at + _EVENT.size <= len(data):
        wd, mask, _, size = _EVENT.unpack_from(data, at)
        at += _EVENT.size
        name = data[at : at + size].rstrip(b"\0").decode("utf-8", "surrogateescape")
        at += size
        yield wd, mask, name


class _Found:
    links = False  # whether a note named *.md is a symbolic link


def _folders(top: Path, found: _Found):
    """`top` and every folder below it, hidden ones and folder links left out (the rules of
    vault.vault.walk_notes); `found` hears of notes that are symbolic links."""
    stack = [str(top)]
    while stack:
        folder = stack.pop()
        yield folder
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.is_symlink() and entry.name.lower().endswith(".md"):
                    found.links = True
            except OSError:
                continue
