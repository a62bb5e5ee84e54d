"""What the server keeps between calls: the vault, its git repository, and a catalog that is
always as fresh as the files.

The catalog (with the resolver, the Parent structure, the resolved references and the link
graph built on it) is kept until something changes under the notes folder. The watcher
(vault.serve.watch) says so in one non-blocking read; then the catalog is loaded again, which
walks the vault and reparses only the files whose state changed (the catalog's cache).
Without a watcher every call walks, as a CLI command does; an unchanged vault keeps its
catalog either way, so the resolver and the rest are not built again.

A server that may write nothing (`vault serve --read-only`) leaves an interrupted `vault mv`
as it is and reports it; the next command run alone finishes or undoes it. In case an event
was missed (a watch set up just after a change, a file system inotify does not see into),
the vault is walked again at least every RECHECK_SECONDS, on the next call.

Not thread-safe: the server makes every call from one thread (the catalog's cache is an
SQLite connection, which belongs to the thread that opened it).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from vault.catalog import Catalog, load_catalog
from vault.errors import OutsideVault
from vault.model import Reference
from vault.references import references
from vault.repository import Repository
from vault.vault import Vault, open_vault

# The fallback look at the whole vault, should an event have been missed.
RECHECK_SECONDS = 60.0


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
        from vault.serve.watch import WatchUnavailable, open_watcher

        self.vault: Vault = open_vault(vault_dir)
        self.repo: Repository | None = open_repository(self.vault)
        # Where the server was started, as an id prefix: references relative to it resolve
        # as they would for a CLI command run there.
        self.cwd_prefix = _cwd_prefix(self.vault)
        self.notify = notify
        self.may_write = may_write  # False: write nothing, not even a move's recovery
        self._reported = False
        self._telling = False  # a command for the CLI holds the catalog (catalog_for_command)
        self._loaded_at = 0.0
        self.watcher = None
        if watch:
            try:
                self.watcher = open_watcher(self.vault.notes_dir)
            except WatchUnavailable as exc:
                notify(f"{exc}; every call walks the vault to see what changed")
        self._catalog: Catalog | None = None
        self._stale = True
        self._refs: list[Reference] | None = None
        self._graph = None

    def refresh(self) -> Catalog:
        """At the start of every call: load the catalog again when anything under the notes
        folder changed (or, without a watcher, when the walk finds a change)."""
        from vault import render
        from vault.git import open_repository
        from vault.mv.recover import recover
        from vault.serve.watch import WatchUnavailable

        # A `vault mv` killed midway (here or by another process) is finished or undone
        # before anything reads the notes, as at the start of every command.
        if not self.may_write:
            self._report_pending_move()
        elif done := recover(self.vault, open_repository):
            self.notify(render.recovery_text(done))
            self._stale = True
        if time.monotonic() - self._loaded_at > RECHECK_SECONDS:
            self._stale = True
        if self.watcher is not None:
            try:
                if self.watcher.changed():
                    self._stale = True
            except WatchUnavailable as exc:
                self.watcher.close()
                self.watcher = None
                self.notify(f"{exc}; every call walks the vault from now on")
        if self._stale or self.watcher is None:
            fresh = load_catalog(self.vault, self.repo)
            old = self._catalog
            # Same notes, same bytes: keep the old catalog and what was built on it.
            if old is None or fresh.digests() != old.digests():
                self._catalog, self._refs, self._graph = fresh, None, None
            else:  # what this look found (a touched note) is told by the next command
                old.changes = fresh.changes
            self._stale = False
            self._loaded_at = time.monotonic()
        return self._catalog

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
        """The catalog as of the last `refresh`."""
        return self._catalog if self._catalog is not None else self.refresh()

    def catalog_for_command(self) -> Catalog:
        """The fresh catalog, for a command answered for the CLI (vault.cli.serve): its
        `changes` (what the last look found against the cache, whose new or changed notes'
        problems a command tells) are told once, by that command, as a command run alone
        tells them once and leaves the cache up to date; `command_done` forgets them."""
        self._telling = True
        return self.refresh()

    def command_done(self) -> None:
        from vault.catalog import Changes

        if self._telling and self._catalog is not None:
            self._catalog.changes = Changes()
        self._telling = False

    def changed(self) -> None:
        """After a write of the server's own: look again on the next call."""
        self._stale = True

    def find(self, ref: str) -> str:
        return self.catalog.resolver.find(ref, self.cwd_prefix)

    def references(self) -> list[Reference]:
        """Every Parent and link of the catalog, resolved (built once per catalog)."""
        if self._refs is None:
            self._refs = references(self.catalog)
        return self._refs

    def graph(self):
        """The link graph of the catalog (built once per catalog, and never modified:
        vault.graph.query.select returns copies)."""
        from vault.graph.build import build_graph

        if self._graph is None:
            self._graph = build_graph(self.catalog, self.references())
        return self._graph

    def close(self) -> None:
        if self.watcher is not None:
            self.watcher.close()


def _cwd_prefix(vault: Vault) -> str | None:
    try:
        prefix = vault.note_id(Path(os.getcwd()))
    except OutsideVault:
        return None
    return "" if prefix == "." else prefix
