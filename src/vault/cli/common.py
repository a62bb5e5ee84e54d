"""What the command modules share: the vault of this invocation (the one place that wires the
core to git), common options, and the progress bar."""

from __future__ import annotations

import functools
import os
import sys
import time
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import click

from vault.errors import OutsideVault

if TYPE_CHECKING:  # `--help` imports every command's module, and with it this one
    from vault.catalog import Catalog
    from vault.repository import Repository
    from vault.vault import Vault

json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print machine-readable JSON on stdout."
)

# Below this many notes to write, indexing is quick enough to go without a progress bar.
PROGRESS_MIN_NOTES = 200


class AppState:
    """The vault this invocation works on, opened on first use."""

    def __init__(self, vault_dir: str | None):
        self.vault_dir = vault_dir
        self._catalog: Catalog | None = None

    @cached_property
    def vault(self) -> Vault:
        from vault.vault import open_vault

        vault = open_vault(self.vault_dir)
        # A `vault mv` killed midway is finished or undone before anything reads the notes.
        from vault import render
        from vault.git import open_repository
        from vault.mv.recover import recover

        if done := recover(vault, open_repository):
            render.notice(render.recovery_text(done))
        return vault

    @cached_property
    def repo(self) -> Repository | None:
        """The git work tree holding the vault, or None; opening it imports no git."""
        from vault.git import open_repository

        return open_repository(self.vault)

    def catalog(self) -> Catalog:
        if self._catalog is None:
            from vault.catalog import load_catalog

            # A first run on a big vault reads every note: show it once it takes a second.
            with Progress("Reading notes", delay=progress_delay()) as progress:
                self._catalog = load_catalog(self.vault, self.repo, progress=progress)
        return self._catalog

    def cwd_prefix(self) -> str | None:
        """The working directory as an id prefix ("memory/research"), or None outside."""
        try:
            prefix = self.vault.note_id(Path(os.getcwd()))
        except OutsideVault:
            return None
        return "" if prefix == "." else prefix

    def find(self, ref: str) -> str:
        """The id of the note the user means by `ref` (NoteNotFound, AmbiguousRef)."""
        return self.catalog().resolver.find(ref, self.cwd_prefix())


pass_state = click.make_pass_decorator(AppState)


class IsoDate(click.ParamType):
    """A YYYY-MM-DD date option."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        from vault.text import parse_user_date

        # A bad date is bad input (exit 1, like every other error), not a usage mistake.
        return parse_user_date(value, what=f"{param.opts[0] if param else 'date'} date")


ISO_DATE = IsoDate()


def note_filter_options(command):
    """--type, --under, --since/--until (the note's own date) and --changed-since/--author
    (git): shared by list and search, which apply them by the same rules (vault.filters).
    The command receives them as one NoteFilter, `flt`."""
    options = [
        click.option(
            "--type", "note_type", metavar="T", help="Only notes of this type (any case)."
        ),
        click.option(
            "--under", metavar="REF", help="Only this note and its descendants (by Parent)."
        ),
        click.option("--since", type=ISO_DATE, help="Only notes dated on or after this day."),
        click.option("--until", type=ISO_DATE, help="Only notes dated on or before this day."),
        click.option(
            "--changed-since",
            metavar="D",
            help="Only notes changed in git since D: a date, 'N days ago', or a commit.",
        ),
        click.option("--author", metavar="A", help="Only notes changed in git by author A."),
    ]

    @functools.wraps(command)  # keeps the options already attached to `command`
    def wrapper(*args, note_type, under, since, until, changed_since, author, **kwargs):
        from vault.model import NoteFilter

        flt = NoteFilter(note_type, since, until, changed_since, author, under)
        return command(*args, flt=flt, **kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


class Progress:
    """A progress callback `(done, total)`: a bar on stderr, only on a terminal and only for
    long work (at least `min_total` items, or still running after `delay` seconds); silent
    otherwise. Use as a context manager so the bar is closed."""

    def __init__(self, label: str, *, min_total: int = 0, delay: float = 0.0):
        self.label = label
        self.min_total = min_total
        self.delay = delay
        self.start = time.monotonic()
        self.bar = None
        self.enabled = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < self.min_total:
            return
        if self.bar is None:
            if done >= total or time.monotonic() - self.start < self.delay:
                return
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
            self.bar = None


class IndexProgress(Progress):
    """Progress of bringing the search index up to date."""

    def __init__(self):
        super().__init__("Indexing notes", min_total=PROGRESS_MIN_NOTES)


def progress_delay() -> float:
    """Seconds a read of the notes runs before its bar shows ($VAULT_PROGRESS_AFTER, 1)."""
    try:
        return max(0.0, float(os.environ.get("VAULT_PROGRESS_AFTER", "1")))
    except ValueError:
        return 1.0
