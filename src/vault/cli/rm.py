import click

from vault import render
from vault.cli.common import AppState, declared, json_option, pass_state, ref_argument
from vault.options import AGENT, EXPECTED_SHA256, FORCE, NO_COMMIT, SOURCE


@click.command("rm")
@ref_argument()
@declared(FORCE, EXPECTED_SHA256, AGENT, SOURCE, NO_COMMIT)
@json_option
@pass_state
def command(state: AppState, ref, force, expected, agent, source, no_commit, as_json) -> None:
    """Remove a note, in one commit of its own, so `vault restore` can bring it back.

    Refused while other notes link to it or name it as their Parent (the error lists
    them: `vault backlinks` shows the lines), and while git does not hold it as it is on
    disk; --force removes it anyway. Guarded by --expect-sha256, done under the vault's
    write lock and committed as `vault: remove <id>`.

    Prints the note's id; --json prints {"id", "path", "referrers", "commit",
    "restored_from", "sha256"}.

    \b
    Examples:
      vault rm 2026-01-11-exosomes-in-k-beauty --force
      vault rm 2026-01-11-exosomes-in-k-beauty --force --agent claude --json
    """
    from vault.model import Provenance, ReviseRequest
    from vault.revise.remove import remove_note

    note = ReviseRequest(ref, expected, state.cwd_prefix(), Provenance(agent, source))
    done = remove_note(state.vault, state.repo, note, force=force, commit=not no_commit)
    report(done, as_json)


def report(done, as_json: bool) -> None:
    """What rm and restore (of a removed note) print."""
    from vault.render.shapes import removed_dict
    from vault.render.text import removed_text

    if done.commit_note:
        render.warn(render.uncommitted(done.id, done.commit_note))
    if as_json:
        render.emit_json(removed_dict(done))
    else:
        click.echo(render.shown(done.id))
        render.info(removed_text(done))
