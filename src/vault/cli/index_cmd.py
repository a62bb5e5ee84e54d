import click

from vault import render
from vault.cli.common import AppState, IndexProgress, json_option, pass_state


@click.command("index")
@click.option("--rebuild", is_flag=True, help="Throw the index away and build it from scratch.")
@json_option
@pass_state
def command(state: AppState, rebuild: bool, as_json: bool) -> None:
    """Bring the search index and the section vectors of semantic search up to date now,
    and say what was done.

    Never required: search and related update the index themselves. It is derived data
    in vault's cache folder, outside the vault ($XDG_CACHE_HOME/vault/...); --rebuild
    starts it afresh, on every core. --json prints
    {"added", "updated", "removed", "notes", "seconds", "rebuilt"}.

    \b
    Examples:
      vault index
      vault index --rebuild --json
    """
    from vault.search.vectors import update_index_and_vectors

    with IndexProgress() as progress:
        report = update_index_and_vectors(
            state.catalog(), rebuild=rebuild, progress=progress, notify=render.notice
        )
    if as_json:
        render.emit_json(render.index_dict(report))
    else:
        click.echo(render.index_text(report))
