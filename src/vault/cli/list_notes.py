import click

from vault import render
from vault.cli.common import AppState, declared, json_option, note_filter_options, pass_state
from vault.options import AGENT_FILTER, MIXED_DATES, SORT


@click.command("list")
@note_filter_options
@declared(AGENT_FILTER, SORT, MIXED_DATES)
@json_option
@pass_state
def command(state: AppState, flt, agent, sort: str, mixed_dates: bool, as_json: bool) -> None:
    """List notes, newest first: date, type, title and id.

    --agent keeps the notes whose last commit names that agent in its Vault-Agent trailer.
    A date a note does not state (taken from its first git commit, or its file's time) sorts
    after the stated ones, unless --mixed-dates; --json says where each date came from.

    --json prints [{"id", "title", "date", "date_source", "type", "parent"}], [] when none
    match; date_source is "metadata", "file name", "first commit", "file time" or null.

    \b
    Examples:
      vault list
      vault list --type "Technical Supplement" --since 2026-01-01 --json
      vault list --under skin-tech-trends
      vault list --changed-since "7 days ago" --author claude
      vault list --agent claude
      vault list --sort modified
    """
    from dataclasses import replace

    from vault.filters import ordered, select_notes

    flt = replace(flt, agent=agent)
    catalog = state.catalog()
    render.note_warnings(render.changed_note_warnings(catalog))
    render.note_warnings(catalog.skipped)
    records = select_notes(catalog, flt, state.repo, state.cwd_prefix())
    records = ordered(catalog, records, sort, mixed_dates)
    if as_json:
        render.emit_json([render.summary(r, catalog) for r in records])
    elif records:
        click.echo("\n".join(render.list_lines(records)))
    else:
        render.info("No notes match." if catalog.records else "The vault has no notes yet.")
