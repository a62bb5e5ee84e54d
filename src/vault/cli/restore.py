import click

from vault.cli.common import AppState, declared, json_option, pass_state, ref_argument
from vault.options import AGENT, AT, EXPECTED_SHA256, NO_COMMIT, SOURCE


@click.command("restore")
@ref_argument()
@declared(AT, EXPECTED_SHA256, AGENT, SOURCE, NO_COMMIT)
@json_option
@pass_state
def command(state: AppState, ref, at, expected, agent, source, no_commit, as_json) -> None:
    """Bring back a removed note, or put back an older version of a living one, from git.

    A note that is gone (removed by `vault rm` or by git) comes back as it was in the
    commit before its removal, under its old id (its id, a path ending so, or its file
    stem name it). With --at REV|DATE, a living note is put back as it was at that commit,
    or at the last commit touching it by the end of that day; guarded by --expect-sha256
    like any write. Done under the vault's write lock and committed on its own.

    Prints the note's id; --json prints {"id", "path", "referrers", "commit",
    "restored_from", "sha256"} for a removed note, and {"id", "path", "action", "line",
    "keys", "sha256", "commit", "restored_from", "changed"} with --at.

    \b
    Examples:
      vault restore exosomes-deep-dive --at HEAD --json
      # after `vault rm 2026-01-11-exosomes-in-k-beauty --force`:
      #   vault restore 2026-01-11-exosomes-in-k-beauty
      # the note as it stood on a day: vault restore exosomes-deep-dive --at 2026-02-14
    """
    from vault.cli.replace import report
    from vault.git import require_repository
    from vault.model import Provenance, ReviseRequest
    from vault.revise.restore import restore_note

    repo = require_repository(state.vault, "so there is no history to restore from")
    note = ReviseRequest(ref, expected, state.cwd_prefix(), Provenance(agent, source))
    done = restore_note(state.vault, repo, note, at, commit=not no_commit)
    report(done, as_json)
