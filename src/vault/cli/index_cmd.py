import click

from vault import render
from vault.cli.common import AppState, json_option, pass_state
from vault.cli.search import IndexProgress


@click.command("index")
@click.option("--rebuild", is_flag=True, help="Throw the index away and build it from scratch.")
@json_option
@pass_state
def command(state: AppState, rebuild: bool, as_json: bool) -> None:
    """Bring the search index up to date now, and say what was done.

    Never required: search and related update the index themselves. It lives in
    .vault/index (never committed); --rebuild starts it afresh. --json prints
    {"added", "updated", "removed", "notes", "seconds", "rebuilt"}.

    \b
    Examples:
      vault index
      vault index --rebuild --json
    """
    from vault.index import update_index

    catalog = state.catalog()
    with IndexProgress() as progress:
        report = update_index(catalog, rebuild=rebuild, progress=progress)
    if as_json:
        render.emit_json(
            {
                "added": report.added,
                "updated": report.updated,
                "removed": report.removed,
                "notes": report.notes,
                "seconds": round(report.seconds, 3),
                "rebuilt": report.rebuilt,
            }
        )
        return
    how = "rebuilt" if report.rebuilt else "updated"
    if not (report.added or report.updated or report.removed or report.rebuilt):
        click.echo(f"Index up to date: {report.notes} notes ({report.seconds:.2f}s).")
    else:
        click.echo(
            f"Index {how}: {report.added} added, {report.updated} updated, "
            f"{report.removed} removed; {report.notes} notes ({report.seconds:.2f}s)."
        )
