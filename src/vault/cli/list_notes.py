import click

from vault import render
from vault.cli.common import AppState, json_option, note_filter_options, pass_state


@click.command("list")
@click.option("--type", "note_type", metavar="T", help="Only notes of this type (any case).")
@note_filter_options
@json_option
@pass_state
def command(state: AppState, note_type, since, until, changed_since, author, as_json: bool) -> None:
    """List notes, newest first: date, type, title and id.

    \b
    Examples:
      vault list
      vault list --type "Technical Supplement" --since 2026-01-01 --json
      vault list --changed-since "7 days ago" --author claude
    """
    from vault.query import filter_records

    catalog = state.catalog()
    render.note_warnings(catalog.warnings())
    records = filter_records(catalog.sorted_newest_first(), note_type, since, until)
    if changed_since or author:
        from vault.history import changed_note_ids

        changed = changed_note_ids(state.vault, changed_since, author, what="--changed-since")
        records = [r for r in records if r.id in changed]
    if as_json:
        render.emit_json([render.summary(r, catalog) for r in records])
    elif records:
        click.echo("\n".join(render.list_lines(records)))
    else:
        render.info("No notes match." if catalog.records else "The vault has no notes yet.")
