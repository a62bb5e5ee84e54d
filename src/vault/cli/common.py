"""What the command modules share: the vault of this invocation and common options."""

from __future__ import annotations

import os
from pathlib import Path

import click

from vault.catalog import Catalog, load_catalog
from vault.errors import OutsideVault
from vault.vault import Vault, open_vault

json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print machine-readable JSON on stdout."
)


class AppState:
    """The vault this invocation works on, opened on first use."""

    def __init__(self, vault_dir: str | None):
        self.vault_dir = vault_dir
        self._vault: Vault | None = None
        self._catalog: Catalog | None = None

    @property
    def vault(self) -> Vault:
        if self._vault is None:
            self._vault = open_vault(self.vault_dir)
        return self._vault

    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = load_catalog(self.vault)
        return self._catalog

    def cwd_prefix(self) -> str | None:
        """The working directory as an id prefix ("memory/research"), or None outside."""
        try:
            prefix = self.vault.note_id(Path(os.getcwd()))
        except OutsideVault:
            return None
        return "" if prefix == "." else prefix


pass_state = click.make_pass_decorator(AppState)


class IsoDate(click.ParamType):
    """A YYYY-MM-DD date option."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        from vault.supplement import parse_iso_date

        # A bad date is bad input (exit 1, like every other error), not a usage mistake.
        return parse_iso_date(value, what=f"{param.opts[0] if param else 'date'} date")


ISO_DATE = IsoDate()


def note_filter_options(command):
    """--since/--until (the note's own date) and --changed-since/--author (git): shared by
    list and search so both take them the same way."""
    options = [
        click.option("--since", type=ISO_DATE, help="Only notes dated on or after this day."),
        click.option("--until", type=ISO_DATE, help="Only notes dated on or before this day."),
        click.option(
            "--changed-since",
            metavar="D",
            help="Only notes changed in git since D: a date, 'N days ago', or a commit.",
        ),
        click.option("--author", metavar="A", help="Only notes changed in git by author A."),
    ]
    for option in reversed(options):
        command = option(command)
    return command
