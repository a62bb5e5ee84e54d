"""Everything that is not data goes to stderr, so `--json` output pipes cleanly: warnings,
progress and status lines, and notes from the library about what it is doing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import click

from vault.render.terminal import printable
from vault.render.text import shown

if TYPE_CHECKING:  # only names in annotations: `--help` imports every command's module
    from vault.catalog import Catalog

# How many per-note warnings a command prints before summarising the rest.
WARNING_LIMIT = 10


def warn(message: str) -> None:
    click.echo(f"warning: {printable(message, lines=True)}", err=True)


def info(message: str) -> None:
    click.echo(printable(message, lines=True), err=True)


def notice(message: str) -> None:
    """A note from the library about what it is doing (an index rebuilt, and why)."""
    click.echo(f"vault: {printable(message, lines=True)}", err=True)


def note_warnings(pairs: Iterable[tuple[str, str]], limit: int = WARNING_LIMIT) -> None:
    """One line per problem note on stderr, naming the file and the problem."""
    pairs = list(pairs)
    for note_id, problem in pairs[:limit]:
        warn(f"{shown(note_id)}: {problem}")
    if len(pairs) > limit:
        warn(
            f"... and {len(pairs) - limit} more problems "
            "(`vault check --kind bad_front_matter` lists them all)"
        )


def changed_note_warnings(catalog: Catalog) -> list[tuple[str, str]]:
    """(id, problem) for the notes read from their files by this command (new or changed
    since the cache): a note's problems are told once, when it is first read or changes;
    `vault check` lists them all."""
    records = catalog.records
    ids = catalog.changes.added + catalog.changes.updated
    return [(i, w) for i in sorted(ids) if i in records for w in records[i].warnings]
