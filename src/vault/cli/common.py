"""What the command modules share: the vault of this invocation (the one place that wires the
core to git), the options built from vault.options, reading a body, and the progress bar."""

from __future__ import annotations

import functools
import os
import sys
import time
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import click

from vault.errors import BadOption, OutsideVault
from vault.options import NOTE_FILTERS, Option, check_one, flag

if TYPE_CHECKING:  # `--help` imports every command's module, and with it this one
    from vault.catalog import Catalog
    from vault.repository import Repository
    from vault.serve.resident import Resident
    from vault.vault import Vault

json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print machine-readable JSON on stdout."
)

# Below this many notes to write, indexing is quick enough to go without a progress bar.
PROGRESS_MIN_NOTES = 200


# Set by `vault serve` (vault.cli.serve) while it runs a command for a client: the warm state
# the command reads instead of opening the vault afresh.
SERVED: ContextVar[Resident | None] = ContextVar("served", default=None)


class NotServedHere(Exception):
    """The server cannot answer this command as it would be answered alone (another vault,
    or a move to recover that a read-only server may not touch): the client runs it."""


class AppState:
    """The vault this invocation works on, opened on first use."""

    def __init__(self, vault_dir: str | None, given_as: str = "--vault"):
        self.vault_dir = vault_dir
        # Where vault_dir came from ("--vault" or "$VAULT_DIR"), for the error naming it.
        self.given_as = given_as
        self._catalog: Catalog | None = None
        self._resident = SERVED.get()

    @cached_property
    def vault(self) -> Vault:
        from vault.vault import open_vault

        vault = open_vault(self.vault_dir, given_as=self.given_as)
        served = self._resident
        if served is not None and (
            vault.root != served.vault.root or (not served.may_write and served.pending_move())
        ):
            raise NotServedHere(str(vault.root))
        # A `vault mv` killed midway is finished or undone before anything reads the notes
        # (looked for first: recovering imports git and the move's machinery).
        from vault.intents import pending_move

        if pending_move(vault):
            from vault import render, walk_ahead
            from vault.git import open_repository
            from vault.mv.recover import recover

            walk_ahead.drop(vault)  # the notes it walked are about to move
            if done := recover(vault, open_repository):
                render.notice(render.recovery_text(done))
        return vault

    @cached_property
    def repo(self) -> Repository | None:
        """The git work tree holding the vault, or None; opening it imports no git."""
        if self._resident is not None and self.vault is not None:
            return self._resident.repo
        from vault.locate import git_top

        if git_top(self.vault.root) is None:  # no work tree (open_repository's own test)
            return None
        from vault.git import open_repository

        return open_repository(self.vault)

    def catalog(self) -> Catalog:
        if self._catalog is None and self._resident is not None and self.vault is not None:
            self._catalog = self._resident.catalog_for_command()  # fresh, and warm
        if self._catalog is None:
            from vault.catalog import load_catalog

            # A first run on a big vault reads every note: show it once it takes a second.
            with Progress("Reading notes", delay=progress_delay()) as progress:
                self._catalog = load_catalog(self.vault, self.repo, progress=progress)
        return self._catalog

    def graph(self):
        """The whole link graph of the catalog, never modified: the server's, built once per
        catalog, when served (vault.serve.resident)."""
        if self._resident is not None:
            return self._resident.graph(self.catalog())
        from vault.graph.build import build_graph

        return build_graph(self.catalog())

    def kept(self, key: str, build, codec=None):
        """`build()`, or what it returned for `key` on this same catalog before (for a result
        that depends on nothing but the catalog and `key`): kept in memory when served, else
        on disk in the derived data (vault.derived.kept; `codec` says how it is written
        there: text by default)."""
        if self._resident is not None:
            return self._resident.kept(self.catalog(), key, build)
        from vault.derived import kept

        folder = self.vault.state_dir / kept.FOLDER
        return kept.kept(folder, self.catalog().state(), key, build, codec or kept.TEXT)

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

# At most this many note ids offered for one completion.
COMPLETIONS = 200


def complete_ref(ctx: click.Context, param: click.Parameter, incomplete: str):
    """Shell completion of a note reference: the ids that start with what was typed, and
    the file names (stems) that do. It walks the notes folder and nothing else (no cache,
    no index, no git), so a TAB answers at once; no vault found: no completions."""
    from click.shell_completion import CompletionItem

    from vault.errors import VaultError
    from vault.vault import open_vault, stem_of, walk_notes

    try:
        vault = open_vault(ctx.find_root().params.get("vault_dir"))
        ids = sorted(note_id for note_id, _, _ in walk_notes(vault))
    except (VaultError, OSError):
        return []
    found = [i for i in ids if i.startswith(incomplete)]
    if "/" not in incomplete:
        found += sorted({s for s in map(stem_of, ids) if s.startswith(incomplete)})
    return [CompletionItem(i) for i in found[:COMPLETIONS]]


def ref_argument(name: str = "ref", **attrs):
    """A click argument naming a note, completed from the vault's note ids."""
    return click.argument(name, shell_complete=complete_ref, **attrs)


def declared(*options: Option):
    """Click options built from their declarations in vault.options (flag, type, range or
    choices, default, help), in the order given. A value is checked by vault.options, so
    the command line and the MCP server refuse it with the same words."""

    def attach(command):
        for option in reversed(options):
            command = _click_option(option)(command)
        return command

    return attach


def _click_option(option: Option):
    names = [n for n in (option.short, option.cli_flag, option.dest or option.name) if n]
    if option.type is bool:
        return click.option(*names, is_flag=True, default=bool(option.default), help=option.help)
    shown = option.default is not None and not option.multiple
    refs = {"shell_complete": complete_ref} if option.metavar == "REF" else {}
    return click.option(
        *names,
        type=_click_type(option),
        default=option.default,
        show_default=shown,
        multiple=option.multiple,
        required=option.required,
        metavar=option.metavar,
        help=option.help,
        **refs,
    )


def _click_type(option: Option) -> click.ParamType | None:
    if option.day:
        return _Day(option)
    if option.choices:
        return _Choice(option)
    if option.type is int:
        return _IntRange(option)
    return None


class _Day(click.ParamType):
    """A day (YYYY-MM-DD, today, yesterday, N days ago: vault.text.user_day). A bad one is
    bad input (exit 1, like every other error), not a usage mistake: BadOption goes up to
    the one place that prints errors."""

    name = "DAY"

    def __init__(self, option: Option):
        self.option = option

    def convert(self, value, param, ctx):
        return check_one(self.option, value)


class _Choice(click.Choice):
    """click's choice (its help and completion list the choices), checked by vault.options;
    a bad value is a usage mistake (exit 2)."""

    def __init__(self, option: Option):
        super().__init__(option.choices)
        self.option = option

    def convert(self, value, param, ctx):
        return _usage_checked(self.option, value, ctx)


class _IntRange(click.IntRange):
    """click's integer range (its help shows the bounds), checked by vault.options; a value
    out of range is a usage mistake (exit 2)."""

    def __init__(self, option: Option):
        super().__init__(min=option.min, max=option.max)
        self.option = option

    def convert(self, value, param, ctx):
        return _usage_checked(self.option, click.INT.convert(value, param, ctx), ctx)


def _usage_checked(option: Option, value, ctx):
    with usage_errors(ctx):
        return check_one(option, value)


@contextmanager
def usage_errors(ctx: click.Context | None = None):
    """BadOption raised inside, as a usage mistake (exit 2) naming the options' flags."""
    try:
        yield
    except BadOption as exc:
        ctx = ctx or click.get_current_context(silent=True)
        raise click.UsageError(exc.naming(flag), ctx) from None


def note_filter_options(command):
    """--type, --under, --since/--until (the note's own date), --changed-since/--author
    (git) and --tag: shared by list and search, which apply them by the same rules (vault.filters).
    The command receives them as one NoteFilter, `flt`."""

    @functools.wraps(command)  # keeps the options already attached to `command`
    def wrapper(*args, note_type, under, since, until, changed_since, author, tags, **kwargs):
        from vault.model import NoteFilter

        flt = NoteFilter(note_type, since, until, changed_since, author, under, tags=tags)
        return command(*args, flt=flt, **kwargs)

    return declared(*NOTE_FILTERS)(wrapper)


def read_body(body_file: str | None) -> str:
    """The text of --body-file (a path, or - for standard input), else standard input when
    it is not a terminal, else ""; InvalidInput when it cannot be read or is not UTF-8."""
    from vault.errors import InvalidInput

    if body_file is None:
        if sys.stdin is None or sys.stdin.isatty():
            return ""
        data = sys.stdin.buffer.read()
    elif body_file == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            with open(body_file, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise InvalidInput(f"cannot read --body-file {body_file}: {exc.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"the body is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


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
