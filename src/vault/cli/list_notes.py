import click

from vault import render
from vault.cli.common import AppState, json_option, note_filter_options, pass_state


@click.command("list")
@note_filter_options
@json_option
@pass_state
def command(state: AppState, flt, as_json: bool) -> None:
    """List notes, newest first: date, type, title and id.

    --json prints [{"id", "title", "date", "type", "parent"}], [] when none match.

    \b
    Examples:
      vault list
      vault list --type "Technical Supplement" --since 2026-01-01 --json
      vault list --under skin-tech-trends
      vault list --changed-since "7 days ago" --author claude
    """
    from vault.filters import select_notes

    catalog = state.catalog()
    render.note_warnings(render.changed_note_warnings(catalog))
    render.note_warnings(catalog.skipped)
    records = select_notes(catalog, flt, state.repo, state.cwd_prefix())
    if as_json:
        render.emit_json([render.summary(r, catalog) for r in records])
    elif records:
        click.echo("\n".join(render.list_lines(records)))
    else:
        render.info("No notes match." if catalog.records else "The vault has no notes yet.")
