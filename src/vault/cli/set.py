import click

from vault.cli.common import AppState, declared, json_option, pass_state, ref_argument
from vault.options import AGENT, EXPECTED_SHA256, NO_COMMIT, SOURCE, TAG_CHANGES, UNSET


@click.command("set")
@ref_argument()
@click.argument("assignments", nargs=-1, metavar="KEY=VALUE...")
@declared(UNSET, TAG_CHANGES, EXPECTED_SHA256, AGENT, SOURCE, NO_COMMIT)
@json_option
@pass_state
def command(
    state: AppState, ref, assignments, unset, tags, expected, agent, source, no_commit, as_json
) -> None:
    """Change a note's metadata (title, date, type, parent, tags, any key), nothing else.

    Each KEY=VALUE is written in the note's own header style: YAML front matter keeps its
    other keys, their order, quoting and comments; header lines stay header lines; a note
    without metadata gets the style the vault writes new notes in. Every other byte stays
    as it was. A parent is resolved as `vault new --parent` resolves it (and may not be the
    note or one below it); a date is checked; a value holding a line break or a NUL is
    refused. tags=a,b sets the tags; --tag +x adds one, --tag -x takes one out; --unset KEY
    takes a key out. Guarded by --expect-sha256, written atomically under the vault's
    write lock, committed on its own (`vault: set metadata of <id>`).

    Prints the note's id; --json prints {"id", "path", "action", "line", "keys", "sha256",
    "commit", "restored_from", "changed"}.

    \b
    Examples:
      vault set exosomes-deep-dive type=Review date=2026-03-01 --agent claude
      vault set exosomes-deep-dive status=draft --tag +exosomes --source https://example.org
      vault set exosomes-deep-dive title="Exosomes: a deep dive" --unset parent --json
    """
    from vault.cli.replace import report
    from vault.errors import InvalidInput
    from vault.model import Provenance, ReviseRequest, SetRequest
    from vault.revise.metadata import set_metadata, tag_changes

    pairs = []
    for item in assignments:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise InvalidInput(f"{item!r}: give KEY=VALUE (to take a key out: --unset KEY)")
        pairs.append((key, value))  # stripped, and each key once, by set_metadata
    add, drop = tag_changes(tags)
    note = ReviseRequest(ref, expected, state.cwd_prefix(), Provenance(agent, source))
    request = SetRequest(note, tuple(pairs), tuple(unset), add, drop)
    report(set_metadata(state.vault, state.repo, request, commit=not no_commit), as_json)
