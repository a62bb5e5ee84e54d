import click

from vault import render
from vault.cli.common import AppState, json_option, pass_state


@click.command("sync")
@click.option(
    "--remote",
    metavar="R",
    help="The git remote to sync with (default: the branch's upstream, else origin).",
)
@json_option
@pass_state
def command(state: AppState, remote, as_json) -> None:
    """Share the vault through a git remote: commit, pull --rebase, push, refresh the index.

    Commits every pending change under the notes folder (nothing outside it) with a message
    listing the notes, rebases onto what the remote has, pushes, and brings the search
    index up to date for the notes the pull changed. On a conflict the rebase is aborted:
    the repository is left as before the pull, your commit is kept locally, and the
    conflicting notes are named with the steps to resolve them (exit 1).

    JSON: {"committed": sha or null, "pulled": [ids changed by the pull], "pushed": bool,
    "index": {"added", "updated", "removed", ...} or null when there is no index yet}.

    \b
    Examples:
      vault sync
      vault sync --remote backup --json
    """
    from vault.catalog import load_catalog
    from vault.git import require_repository
    from vault.git.sync import sync
    from vault.search.index import refresh_if_present

    repo = require_repository(state.vault)
    result = sync(repo, remote)
    index = None
    if result.pulled or result.committed:
        index = refresh_if_present(load_catalog(state.vault, repo), notify=render.notice)
    if as_json:
        render.emit_json(render.sync_dict(result, index))
        return
    if result.committed:
        render.info(render.sync_committed(result))
    if result.pulled:
        click.echo("\n".join(result.pulled))
    for line in render.sync_summary(result):
        render.info(line)
