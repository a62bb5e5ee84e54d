import click

from vault import render
from vault.cli.common import AppState, json_option, pass_state


@click.command("sync")
@click.option(
    "--remote",
    metavar="R",
    help="The git remote to sync with (default: the branch's upstream, else origin).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Say what would be committed, pulled and pushed; change nothing here or there. It "
    "does read the remote (as `git push --dry-run` does): the commits it lacks are fetched "
    "into git's object store, but no branch, remote-tracking ref, index entry or file changes.",
)
@json_option
@pass_state
def command(state: AppState, remote, dry_run, as_json) -> None:
    """Share the vault through a git remote: commit, pull --rebase, push, refresh the index.

    Commits every pending change under the notes folder (nothing outside it, never a file
    holding conflict markers) with a message listing the notes, rebases onto what the remote
    has, pushes, and brings the search index up to date for the notes the pull changed. A
    push rejected because another machine pushed first is retried (fetch, rebase, push) with
    jittered backoff, at most 30 times and for 60 s. Conflicts lose nothing: appends to one
    note on both sides are joined (the remote's text, then this machine's); any other
    conflicting edit keeps this machine's version at the note and the remote's beside it as
    NAME.conflict-HOST-YYYYMMDD-HHMMSS.md, both committed (`vault check` reports it until one
    is removed). A conflict in a file that is not a note aborts the rebase and names it.

    JSON: {"committed": sha or null, "pulled": [ids changed by the pull], "pushed": bool,
    "retries": n, "merged": [ids], "conflicts": [{"note", "copy"}], "index": {"added",
    "updated", "removed", ...} or null when there is no index yet}; with --dry-run also
    "dry_run": true, "pending": [ids it would commit], "outgoing": [shas it would push].

    \b
    Examples:
      vault sync
      vault sync --dry-run
      vault sync --remote backup --json
    """
    from vault.catalog import load_catalog
    from vault.git import require_repository
    from vault.git.sync import sync
    from vault.search.index import refresh_if_present

    repo = require_repository(state.vault)
    result = sync(repo, remote, dry_run=dry_run)
    index = None
    if not dry_run and (result.pulled or result.committed or result.conflicts):
        index = refresh_if_present(load_catalog(state.vault, repo), notify=render.notice)
    if as_json:
        render.emit_json(render.sync_dict(result, index))
        return
    if result.committed:
        render.info(render.sync_committed(result))
    if result.pulled:
        click.echo("\n".join(map(render.shown, result.pulled)))
    for line in render.sync_summary(result):
        render.info(line)
