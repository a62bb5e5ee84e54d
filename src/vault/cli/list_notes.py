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

    from vault.filters import listed, ordered, select_notes
    from vault.render.jsonout import objects_output

    flt = replace(flt, agent=agent)
    catalog = state.catalog()
    render.note_warnings(render.changed_note_warnings(catalog))
    render.note_warnings(catalog.skipped)
    cwd_prefix = state.cwd_prefix()

    def as_text() -> str:  # straight from the catalog's columns (vault.filters.listed)
        # What `listed` and the Parents read of the cache, read in one scan of it.
        catalog.records.columns("title", "date", "type", "date_source", "parent_ref")
        rows = listed(catalog, flt, state.repo, cwd_prefix, sort, mixed_dates)
        return objects_output(render.SUMMARY_KEYS, render.summary_columns(rows, catalog))

    if as_json and not flt.uses_git and sort != "modified":
        # Nothing but the catalog and the arguments decide it: served, it is rendered once per
        # catalog (vault.serve.resident.Resident.kept).
        key = f"list --json {flt!r} {cwd_prefix!r} {sort} {mixed_dates}"
        click.echo(state.kept(key, as_text))
        return
    if as_json and sort != "modified":
        click.echo(as_text())
        return
    records = ordered(
        catalog, select_notes(catalog, flt, state.repo, cwd_prefix), sort, mixed_dates
    )
    if as_json:
        render.emit_json([render.summary(r, catalog) for r in records])
    elif records:
        click.echo("\n".join(render.list_lines(records)))
    else:
        render.info("No notes match." if catalog.records else "The vault has no notes yet.")
