"""What the server keeps between calls: the vault, its git repository, and a catalog that is
always as fresh as the files.

The catalog (with the resolver, the Parent structure, the resolved references and the link
graph built on it) is kept until something changes under the notes folder. The watcher
(vault.serve.watch) says so in one non-blocking read, and where: the folders in which notes
changed are read again and the rest of the catalog kept (vault.catalog.update_catalog); when
it cannot say where (lost events, folders made or moved), the catalog is loaded again, which
walks the vault and reparses only the files whose state changed (the catalog's cache).
Without a watcher every call walks, as a CLI command does; an unchanged vault keeps its
catalog either way, so the resolver and the rest are not built again.

An update of the search index made while answering (a search right after an edit) writes
the edited notes as one small segment and does not merge: merging the small segments that
pile up took seconds on every eighth update. The `_Merger`'s thread merges them instead,
once updates pause for MERGE_IDLE seconds (or MERGE_PENDING updates came without a pause),
and once after the server starts (what earlier processes left), under the index's locks as
any writer; searches see the same notes before and after.

A server that may write nothing (`vault serve --read-only`) leaves an interrupted `vault mv`
as it is and reports it; the next command run alone finishes or undoes it. In case an event
was missed (a watch set up just after a change, a file system inotify does not see into),
the vault is walked again at least every RECHECK_SECONDS, on the next call.

Calls come from several threads at once. A catalog, once loaded, is only read (what it
builds lazily it builds the same way in any thread; its cache gives each thread its own
SQLite connection), so a call keeps the catalog it started with while a later call loads a
newer one. What changes the Resident itself (looking again, building the references and the
graph of a catalog once) happens under one lock.
"""

from __future__ import annotations

import copy
import functools
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from vault.catalog import Catalog, Changes, keep_current, load_catalog, update_catalog
from vault.errors import OutsideVault
from vault.model import Reference
from vault.references import references
from vault.repository import Repository
from vault.serve.ahead import Ahead
from vault.serve.pool import CallLocal
from vault.vault import Vault, open_vault

# The fallback look at the whole vault, should an event have been missed.
RECHECK_SECONDS = 60.0
# Results kept per catalog (Resident.kept): a few exports of the graph, a few MB each.
KEPT = 4
# The index's small segments are merged when updates paused this long, or this many came.
MERGE_IDLE = 1.0
MERGE_PENDING = 32
# A server merges its small segments of one size class once this many piled up (a command
# run alone waits for merging.MAX_SEGMENTS), one class after the other: every search looks
# each of its terms up in every segment. The 10,000-note bench's index had 29 small ones
# beside its 4 big ones (left by earlier servers and commands): 21 ms of the server's CPU
# per MCP search, 14.5 ms once this merged them into 2 (bench/README.md, round 7).
MERGE_LEAST = 4
# Seconds the merging thread waits for the index lock (another process's command may hold
# it for long): SIGTERM must stop the server promptly, the thread's last write included.
LOCK_WAIT = 3.0


def _to_stderr(message: str) -> None:
    print(f"vault: {message}", file=sys.stderr, flush=True)


class Resident:
    """The vault a server works on, opened once."""

    def __init__(
        self,
        vault_dir: str | None,
        *,
        watch: bool = True,
        notify: Callable[[str], None] = _to_stderr,
        may_write: bool = True,
    ):
        from vault.git import open_repository
        from vault.search.merging import merge_later
        from vault.search.searchers import keep_searchers
        from vault.search.snippets import keep_texts
        from vault.search.vectors import keep_vectors
        from vault.serve.watch import WatchUnavailable, open_watcher

        keep_texts()  # search snippets from notes' plain text kept in memory (bounded)
        keep_searchers()  # and each thread's index searcher while the index is unchanged
        keep_vectors()  # and the section vectors while they are unchanged
        self._merger = _Merger(notify) if may_write else None
        if self._merger is not None:  # index updates leave the merging to its thread
            merge_later(self._merger.told)
        self.vault: Vault = open_vault(vault_dir)
        if self._merger is not None:  # the small segments left by earlier processes, too
            self._merger.told(self.vault)
        repo = open_repository(self.vault)
        # GitPython keeps long-lived git processes per repository, which two threads must
        # not talk to at once: the calls running side by side use it one at a time.
        self.repo: Repository | None = _OneAtATime(repo) if repo is not None else None
        # Where the server was started, as an id prefix: references relative to it resolve
        # as they would for a CLI command run there.
        self.cwd_prefix = _cwd_prefix(self.vault)
        self.notify = notify
        self.may_write = may_write  # False: write nothing, not even a move's recovery
        self._reported = False
        self._lock = threading.RLock()  # one look at the vault at a time
        self._building = threading.RLock()  # one build of the references or graph at a time
        # .catalog: this call's, as of its refresh; forgotten when the call ends (on the
        # pool's threads), so an idle thread keeps no old catalog alive.
        self._mine = CallLocal()
        self._loaded_at = 0.0
        self.watcher = None
        if watch:
            try:
                self.watcher = open_watcher(self.vault.notes_dir)
            except WatchUnavailable as exc:
                notify(f"{exc}; every call walks the vault to see what changed")
        self._catalog: Catalog | None = None
        # What the looks since the last command found (vault.catalog.Changes), not told yet:
        # the next command tells the problems of all those notes, as one run alone would.
        self._untold = Changes()
        self._stale = True  # the whole vault is walked on the next call
        self._folders: set[str] = set()  # folders whose notes are read again (no walk)
        self._files: set[str] = set()  # notes read again (written in place)
        self.walks = 0  # how many times the whole vault was walked (for tests)
        # (the records of the catalog they were built from, what was built)
        self._refs: tuple[object, list[Reference]] | None = None
        self._graph: tuple[object, object] | None = None
        self._kept: tuple[object, dict[str, object]] | None = None
        # Something big was built since the last call began: malloc's free memory is handed
        # back at the start of the next (give_back), once the call that built it has let go
        # of the rest (an export's 100 MB of output, its cycles).
        self._built = False
        if may_write:  # this process's writes read the notes through this catalog
            keep_current(self.vault.root, self.current)
        # Changes read as they come, before the next call asks (vault.serve.ahead).
        self.ahead = Ahead(self, notify) if self.watcher is not None else None

    def refresh(self) -> Catalog:
        """At the start of every call: load the catalog again when anything under the notes
        folder changed (or, without a watcher, when the walk finds a change)."""
        with self._lock:
            catalog = self._mine.catalog = self._refresh()
            return catalog

    def _refresh(self) -> Catalog:
        from vault import render
        from vault.git import open_repository
        from vault.mv.recover import recover

        if self._built:  # what the call that built it left behind is freed by now
            self._built = False
            give_back()
        # A `vault mv` killed midway (here or by another process) is finished or undone
        # before anything reads the notes, as at the start of every command.
        if not self.may_write:
            self._report_pending_move()
        elif done := recover(self.vault, open_repository):
            self.notify(render.recovery_text(done))
            self._stale = True
        return self._look()

    def current(self) -> Catalog:
        """The catalog as the notes are now, for a write of this process's own under the
        vault's write lock (vault.catalog.catalog_now): read again from what the watcher saw,
        as a call's is, not by a walk. No interrupted `vault mv` is recovered here: the
        writer holds the lock, and its own check there meets the record."""
        with self._lock:
            return self._look()

    def read_ahead(self) -> Catalog | None:
        """What the watcher saw, read now (vault.serve.ahead), as a call would read it: the
        fresh catalog; None when an interrupted `vault mv` waits (the next call deals with
        it first). A look that fails raises, and the next call walks the vault (and says
        what fails, as a command does)."""
        with self._lock:
            if self.watcher is None or self.pending_move():
                return None
            try:
                return self._look()
            except Exception:
                self._stale = True
                raise

    def watched(self) -> int:
        """The watcher's descriptor (vault.serve.watch.Watcher.fileno), -1 without one."""
        watcher = self.watcher
        return watcher.fileno() if watcher is not None else -1

    def _look(self) -> Catalog:
        from vault.serve.watch import WatchUnavailable

        if time.monotonic() - self._loaded_at > RECHECK_SECONDS:
            self._stale = True
        if self.watcher is not None:
            try:
                seen = self.watcher.drain()
                self._stale = self._stale or seen.everything
                self._folders |= seen.folders
                self._files |= seen.files
            except WatchUnavailable as exc:
                self.watcher.close()
                self.watcher = None
                self.notify(f"{exc}; every call walks the vault from now on")
        if (self._folders or self._files) and not self._stale and self.watcher is not None:
            folders, files, self._folders, self._files = self._folders, self._files, set(), set()
            fresh = update_catalog(self._catalog, folders, self.repo, files=files)
            if fresh is not None:
                self._replace(fresh)
            else:
                self._stale = True
        if self._stale or self.watcher is None:
            self._folders, self._files = set(), set()
            self.walks += 1
            self._replace(load_catalog(self.vault, self.repo))
            self._stale = False
            self._loaded_at = time.monotonic()
        return self._catalog

    def _replace(self, fresh: Catalog) -> None:
        old = self._catalog
        if fresh.changes:
            self._untold = self._untold.merged(fresh.changes)
        # Same notes, same bytes: keep the old catalog and what was built on it. (The
        # fingerprints, which a catalog brought up to date carries over: comparing every
        # digest was a twentieth of the server's time after an edit at 100,000 notes.)
        if old is None or fresh.fingerprint != old.fingerprint:
            self._catalog = fresh  # the references and graph follow on their next use
            # What was built on the older catalog is let go of now, not when the next is
            # built (a call still reading the older one holds what it uses): at 100,000
            # notes its graph, references and kept exports are ~800 MB. Not under
            # `_building`, which a graph being built holds for seconds: its readers take
            # each of these once.
            self._refs = self._graph = self._kept = None

    def pending_move(self) -> bool:
        """Whether an interrupted `vault mv` waits to be finished or undone."""
        from vault.intents import pending_move

        return pending_move(self.vault)

    def _report_pending_move(self) -> None:
        pending = self.pending_move()
        if pending and not self._reported:
            self.notify(
                "an interrupted vault mv is pending; this read-only server leaves it: "
                "run any vault command without the server (VAULT_NO_SERVER=1) to finish it"
            )
        self._reported = pending

    @property
    def catalog(self) -> Catalog:
        """The catalog as of this thread's last `refresh`: one call reads one catalog from
        start to end, whatever the calls beside it load meanwhile."""
        catalog = getattr(self._mine, "catalog", None)
        return catalog if catalog is not None else self.refresh()

    def catalog_for_command(self) -> Catalog:
        """The fresh catalog, for a command answered for the CLI (vault.cli.serve). What
        the looks since the last command found against the cache (whose new or changed
        notes' problems a command tells) is told once, by the first command to ask, as a
        command run alone tells it once and leaves the cache up to date: that command gets a
        copy of the catalog whose `changes` hold all of it (however many looks found it:
        calls over MCP and the look ahead look too); the commands after it get the catalog
        with nothing left to tell."""
        with self._lock:
            catalog = self._mine.catalog = self._refresh()
            if not self._untold:  # every look's changes went to _untold, and were told
                catalog.changes = Changes()
                return catalog
            # A shallow copy: the records and whatever the catalog built already are shared
            # (what either builds from now on is its own; a search builds no resolver).
            telling = copy.copy(catalog)
            telling.changes, self._untold = self._untold, Changes()
            return telling

    def changed(self) -> None:
        """After a write of the server's own: look again on the next call. A watcher has
        queued the write's events by the time the write returned, as for any other process's
        write, so the next call reads again just the notes written (walking the vault after
        every append was a tenth of a load run's time); without one, every call walks."""
        if self.watcher is None:
            self._stale = True

    def find(self, ref: str) -> str:
        return self.catalog.resolver.find(ref, self.cwd_prefix)

    def references(self, catalog: Catalog | None = None) -> list[Reference]:
        """Every Parent and link of `catalog` (the last refreshed by default), resolved:
        built once per catalog."""
        catalog = catalog or self.catalog
        with self._building:
            built = self._refs
            if built is None or built[0] is not catalog.records:
                built = self._refs = (catalog.records, references(catalog))
                self._after_build()
            return built[1]

    def graph(self, catalog: Catalog | None = None):
        """The link graph of `catalog` (the last refreshed by default): built once per
        catalog, and never modified (vault.graph.query.select returns copies). A call keeps
        the catalog it started with, so the graph is the one of that catalog, never a newer
        one with other notes."""
        from vault.graph.build import build_graph

        catalog = catalog or self.catalog
        with self._building:
            built = self._graph
            if built is None or built[0] is not catalog.records:
                graph = build_graph(catalog, self.references(catalog))
                built = self._graph = (catalog.records, graph)
                self._after_build()
            return built[1]

    def kept(self, catalog: Catalog, key: str, build: Callable[[], object]):
        """What `build()` returned for `key` on this catalog, built on first use: for a result
        that depends on nothing but the catalog and `key` (a graph export). The results of
        the last KEPT keys of the last catalog are kept."""
        with self._building:
            kept = self._kept
            if kept is None or kept[0] is not catalog.records:
                kept = self._kept = (catalog.records, {})
            results = kept[1]
            if key in results:
                results[key] = results.pop(key)  # the most recently used last
                return results[key]
        result = build()  # outside the lock: other calls build what they need meanwhile
        with self._building:
            if self._kept is kept:
                results[key] = result
                while len(results) > KEPT:
                    del results[next(iter(results))]
        self._after_build()
        return result

    def _after_build(self) -> None:
        """Hand back what a big build freed now, and what its call frees after it at the
        start of the next call (`_built`)."""
        self._built = True
        give_back()

    def close(self) -> None:
        if self.ahead is not None:  # first: it looks through the watcher
            self.ahead.close()
        keep_current(self.vault.root, self.current, keep=False)
        with self._lock:  # after the look at the vault in progress, if any
            if self.watcher is not None:
                self.watcher.close()
                self.watcher = None
        if self._merger is not None:
            from vault.search import merging

            if merging._merge_later == self._merger.told:
                merging.merge_later(None)
            self._merger.close()  # after the merge under way, if any


def give_back() -> None:
    """Hand the memory malloc holds free back to the system, after a big build (the graph,
    the references, an export): glibc keeps what such a build freed (its dictionaries and
    lists of a few hundred thousand entries, what an export wrote its text from) in its
    arenas, where RSS still counts it: at 100,000 notes ~250 MB after the first `vault graph
    --format json`. Takes well under a millisecond. Only with glibc (malloc_trim is its
    own); nothing elsewhere."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None


class _Merger:
    """The thread that merges the search index's small segments a little after updates."""

    def __init__(self, notify: Callable[[str], None]):
        self.notify = notify
        self.merged = 0  # segments merged so far (for tests)
        self._cond = threading.Condition()
        self._pending: dict[Path, Vault] = {}  # the vaults whose index was updated
        self._told: dict[Path, Vault] = {}  # every vault told of, for the last write
        self._updates = 0  # since the last merge
        self._last = 0.0  # when the last update was told
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="vault-merge", daemon=True)
        self._thread.start()

    def told(self, vault: Vault) -> None:
        """An update of `vault`'s index committed without merging."""
        with self._cond:
            self._pending[vault.root] = vault
            self._told[vault.root] = vault
            self._updates += 1
            self._last = time.monotonic()
            self._cond.notify()

    def _loop(self) -> None:
        from vault.search.merging import merge_small_segments

        while True:
            with self._cond:
                while not self._closed:
                    wait = None
                    if self._pending:
                        wait = MERGE_IDLE - (time.monotonic() - self._last)
                        if wait <= 0 or self._updates >= MERGE_PENDING:
                            break
                    self._cond.wait(wait)
                closed = self._closed
                # When closed, every vault: a merge that failed left its counts deferred.
                vaults = list((self._told if closed else self._pending).values())
                self._pending, self._updates = {}, 0
            for vault in vaults:  # when closed, only the deferred vocabulary is written
                try:
                    # A few seconds for the index lock, not VAULT_INDEX_TIMEOUT: a merge is
                    # tried again after the next update, and a stopping server must stop.
                    if closed:
                        self.merged += merge_small_segments(vault, 1 << 30, LOCK_WAIT)
                    else:  # one size class after the other, the merged one into the next
                        merged = merge_small_segments(vault, MERGE_LEAST, LOCK_WAIT)
                        self.merged += merged
                        while merged and not self._closed:
                            merged = merge_small_segments(vault, MERGE_LEAST, LOCK_WAIT)
                            self.merged += merged
                except Exception as exc:  # the next update's merge tries again
                    self.notify(
                        f"could not write the search vocabulary's deferred counts ({exc}); "
                        "spelling suggestions may rank a little off until `vault index --rebuild`"
                        if closed
                        else f"could not merge the search index's small segments: {exc}"
                    )
            if closed:
                return

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join()


class _OneAtATime:
    """The repository, its methods called by one thread at a time."""

    def __init__(self, repo: Repository):
        self._repo = repo
        self._lock = threading.RLock()

    def __getattr__(self, name: str):
        found = getattr(self._repo, name)
        if not callable(found):
            return found
        lock = self._lock

        def one_at_a_time(*args, **kwargs):
            with lock:
                return found(*args, **kwargs)

        return one_at_a_time


def _cwd_prefix(vault: Vault) -> str | None:
    try:
        prefix = vault.note_id(Path(os.getcwd()))
    except OutsideVault:
        return None
    return "" if prefix == "." else prefix
