import os
from pathlib import Path

import click

from vault import render
from vault.cli.common import AppState, declared, json_option, pass_state, ref_argument
from vault.options import AGENT, DRY_RUN, INCLUDE_CHANGES, SOURCE


@click.command("mv")
@ref_argument()
@click.argument("new_path")
@declared(DRY_RUN)
@click.option(
    "--no-commit", is_flag=True, help="Move, rewrite and stage everything, but do not commit."
)
@declared(INCLUDE_CHANGES, AGENT, SOURCE)
@json_option
@pass_state
def command(
    state: AppState, ref, new_path, dry_run, no_commit, include_changes, agent, source, as_json
) -> None:
    """Move or rename a note (or a folder of notes) and rewrite every reference to it.

    REF is a note (id, path, stem, title, [[wikilink]]) or a folder of notes. NEW_PATH is
    relative to the working directory when that is inside the vault, else to the vault
    root; ending it in "/" (or naming an existing folder) keeps the note's file name. The
    target must be inside the notes folder and must not exist. Only notes (.md files) move:
    attachments stay, and the moved notes' relative links to them are rewritten.

    Parent headers, Markdown links and wikilinks that point at the moved notes are rewritten
    in their own form (relative stays relative, `.md`, #anchors and aliases are kept), and
    so are the moved notes' own relative links; nothing else in any file changes. The move
    and the rewrites (the files as they are on disk) become one commit that git shows as a
    rename (with Vault-Agent and Vault-Source trailers from --agent, else $VAULT_AGENT, and
    --source); nothing else is staged or committed. A note the move rewrites that holds
    changes you have not committed stops it (naming the notes): commit or stash them, or
    pass --include-changes to commit them with the move. If anything fails before the
    commit, every file is put back; if vault is killed midway, the next vault command
    finishes or undoes the move. With --no-commit the changes are left staged for you
    to review (`git diff --cached`) and commit; outside git --no-commit just moves files.

    JSON: {"moved": [{"from", "to"}], "rewritten": [ids], "commit": sha or null,
    "warnings": [...]}, plus "diff" with --dry-run.

    \b
    Examples:
      vault mv memory/research/2026-02-14-skin-tech-trends.md memory/hubs/skin-tech-2026.md
      vault mv skin-tech-trends memory/hubs/ --dry-run
      vault mv memory/research memory/studies --json
    """
    from vault.model import Provenance
    from vault.mv.apply import move

    result = move(
        state.vault,
        ref,
        new_path,
        Path(os.getcwd()),
        state.repo,
        dry_run=dry_run,
        commit=not no_commit,
        include_changes=include_changes,
        provenance=Provenance(agent, source),
    )
    for problem in result.warnings:
        render.warn(problem)
    if as_json:
        render.emit_json(render.move_dict(result, dry_run))
        return
    if dry_run:
        from vault.render.terminal import printable

        # It quotes notes' lines, escaped (a CRLF note's line ends stay, as git shows them).
        diff = "\r\n".join(printable(part, lines=True) for part in result.diff.split("\r\n"))
        click.echo(diff, nl=False)
    else:
        for line in render.move_lines(result):
            click.echo(line)
    for line in render.move_status(result, dry_run, no_commit):
        render.info(line)
