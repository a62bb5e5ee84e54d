"""Changes read as they happen, not when the next call comes: a thread that wakes on the
watcher's events, reads the changed notes into the catalog and writes them into the search
index, so the call that follows finds both up to date.

Why: a call drains the watcher's events and reads what changed before it answers (read your
own writes, vault.serve.resident), so the first search after an edit used to pay for reading
the note and writing it into the index: at 10,000 notes about 60 ms of the server's time,
half of the answer. Between a note being saved and the next question there is nearly always
time: a person types the next command, a `vault search` process starts (50-70 ms before it
even asks), an agent's model thinks. This thread does the reading in that time.

Nothing changes for correctness: each call still drains the watcher and reads whatever is
left before it answers, and waits for the index's lock while this thread writes it. This
thread only does, sooner, what the next call would have done, under the same locks:
- it reads only after the events settle (no new ones for SETTLE seconds, at most SETTLE_MOST
  seconds after the first), so a `git checkout` of a thousand notes is read in a few rounds,
  not a thousand;
- it brings up to date only an index that exists and reads well, its lock had within
  LOCK_WAIT seconds (vault.search.index.update_ahead); anything else (no index yet, damage,
  another process writing it) is left to the next search, which deals with it and says so;
- it leaves an interrupted `vault mv` to the next call, which finishes or undoes it first;
- a look that fails makes the next call walk the vault (and tell the failure), and is said
  once in the server's log.
"""

from __future__ import annotations

import fcntl
import os
import select
import termios
import threading
import time
from array import array
from collections.abc import Callable

# Seconds without a new event before the changes are read; and at most this long after the
# first one (a long burst is read in rounds).
SETTLE = 0.01
SETTLE_MOST = 0.25
# Seconds this thread waits for the index's lock: another process's command may hold it
# long, and then the next search waits for it instead.
LOCK_WAIT = 0.5
# How often the thread looks for a watcher made afresh (its descriptor changes).
POLL_SECONDS = 1.0


class Ahead:
    """The thread that reads a Resident's changes ahead of its calls (`resident`: its
    `watched()` descriptor and its `read_ahead()`; not imported here, which it imports)."""

    def __init__(self, resident, notify: Callable[[str], None]):
        self._resident = resident
        self._notify = notify
        self._told = False  # a failure was said in the log (once until one succeeds)
        self.rounds = 0  # looks done ahead of a call (for tests)
        self._wake_r, self._wake_w = os.pipe2(os.O_CLOEXEC)
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="vault-ahead", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop the thread, after the round under way, if any (once: a second call does
        nothing)."""
        if self._closed:
            return
        self._closed = True
        os.write(self._wake_w, b"x")
        self._thread.join()
        os.close(self._wake_r)
        os.close(self._wake_w)

    def _loop(self) -> None:
        poller = select.poll()
        poller.register(self._wake_r, select.POLLIN)
        watched = -1
        while not self._closed:
            fd = self._resident.watched()
            if fd < 0:  # no watcher any more: every call walks
                return
            if fd != watched:
                if watched >= 0:
                    poller.unregister(watched)
                poller.register(fd, select.POLLIN)
                watched = fd
            ready = dict(poller.poll(POLL_SECONDS * 1000))
            if self._closed or self._wake_r in ready:
                return
            if ready.get(fd, 0) & select.POLLNVAL:  # closed: a new one is being made
                select.select([self._wake_r], [], [], SETTLE)
                continue
            if ready.get(fd, 0) & select.POLLIN and self._settled(fd):
                self._round()

    def _settled(self, fd: int) -> bool:
        """Wait until the events stop coming (SETTLE), or SETTLE_MOST passed. False when
        closed meanwhile, or when no event waits after all (the watcher was made afresh)."""
        deadline = time.monotonic() + SETTLE_MOST
        queued = _queued(fd)
        while queued and time.monotonic() < deadline:
            woken, _, _ = select.select([self._wake_r], [], [], SETTLE)
            if woken or self._closed:
                return False
            now = _queued(fd)
            if now == queued:
                break
            queued = now
        return bool(queued) and not self._closed

    def _round(self) -> None:
        from vault.search.index import update_ahead

        try:
            catalog = self._resident.read_ahead()
            if catalog is not None:
                update_ahead(catalog, LOCK_WAIT)
                self.rounds += 1
            self._told = False
        except Exception as exc:  # the next call reads again, and says what fails
            if not self._told:
                self._told = True
                self._notify(f"could not read the changed notes ahead of the next call: {exc}")


def _queued(fd: int) -> int:
    """Bytes of events waiting on the inotify descriptor `fd` (0 when it is closed)."""
    count = array("i", [0])
    try:
        fcntl.ioctl(fd, termios.FIONREAD, count)
    except OSError:
        return 0
    return count[0]
