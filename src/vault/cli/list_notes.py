import click

from vault import render
from vault.cli.common import ISO_DATE, AppState, json_option, pass_state


@click.command("list")
@click.option("--type", "note_type", metavar="T", help="Only notes of this type (any case).")
@click.option("--since", type=ISO_DATE, help="Only notes dated on or after this day.")
@click.option("--until", type=ISO_DATE, help="Only notes dated on or before this day.")
@json_option
@pass_state
def command(state: AppState, note_type, since, until, as_json: bool) -> None:
    """List notes, newest first: date, type, title and id.

    \b
    Examples:
      vault list
      vault list --type "Technical Supplement" --since 2026-01-01 --json
    """
    from vault.query import filter_records

    catalog = state.catalog()
    render.note_warnings(catalog.warnings())
    records = filter_records(catalog.sorted_newest_first(), note_type, since, until)
    if as_json:
        render.emit_json([render.summary(r, catalog) for r in records])
    elif records:
        click.echo("\n".join(render.list_lines(records)))
    else:
        render.info("No notes match." if catalog.records else "The vault has no notes yet.")
