import click

from vault import render
from vault.cli.common import AppState, declared, json_option, pass_state, read_body, ref_argument
from vault.options import AGENT, EXPECTED_SHA256, NEW, NO_COMMIT, OLD, REPLACE_SECTION, SOURCE


@click.command("replace")
@ref_argument()
@declared(OLD, NEW, REPLACE_SECTION, EXPECTED_SHA256, AGENT, SOURCE, NO_COMMIT)
@click.option(
    "--body-file",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="With --section: read the section's new body from this file ('-' for stdin; "
    "default: stdin).",
)
@json_option
@pass_state
def command(
    state: AppState, ref, old, new, section, expected, agent, source, no_commit, body_file, as_json
) -> None:
    """Correct a note's body: one exact text, or one section's body, replaced.

    --old TEXT must occur exactly once in the body (after the metadata, which is never
    reached this way: see `vault set`), else the error says how many times it occurs and on
    which lines, and nothing is written; --new TEXT takes its place (default: nothing).
    With --section HEADING, the body of that section (up to the next heading of the same or
    a higher level) becomes the text of --body-file or standard input, and the heading
    stays. The note keeps its line endings. With --expect-sha256 H (the "sha256" of `vault
    show --json`), a note that changed since it was read is left alone and the error names
    its current hash. Written atomically under the vault's write lock and committed on its
    own (`vault: replace in <id>`, with Vault-Agent and Vault-Source trailers).

    Prints the note's id; --json prints {"id", "path", "action", "line", "keys", "sha256",
    "commit", "restored_from", "changed"}, "sha256" being the note's new hash.

    \b
    Examples:
      vault replace exosomes-deep-dive --old "(30-150nm)" --new "(30–150 nm)"
      echo "Rewritten." | vault replace skin-tech-trends --section "How to add to this hub"
      vault show exosomes-deep-dive --json | jq -r .sha256   # then:
      # vault replace exosomes-deep-dive --old "..." --new "..." --expect-sha256 9f2c... --json
    """
    from vault.errors import InvalidInput
    from vault.model import Provenance, ReplaceRequest, ReviseRequest
    from vault.revise.replace import replace_in_note

    if section is not None:
        if old is not None or new is not None:
            raise InvalidInput(
                "--section takes the new body on stdin or --body-file, not --old/--new"
            )
        new = read_body(body_file)
    elif old is None:
        raise InvalidInput("give --old TEXT (and --new TEXT), or --section HEADING")
    note = ReviseRequest(ref, expected, state.cwd_prefix(), Provenance(agent, source))
    request = ReplaceRequest(note, old=old, new=new or "", section=section)
    done = replace_in_note(state.vault, state.repo, request, commit=not no_commit)
    report(done, as_json)


def report(done, as_json: bool) -> None:
    """What replace, set, rm and restore print: the note's id on stdout and what was done on
    stderr, or the JSON of a Revised (replace, set, restore --at) or a Removed (rm, restore)."""
    from vault.model import Removed
    from vault.render import shapes, text

    if done.commit_note:
        render.warn(render.uncommitted(done.id, done.commit_note))
    removed = isinstance(done, Removed)
    if as_json:
        render.emit_json(shapes.removed_dict(done) if removed else shapes.revised_dict(done))
    else:
        click.echo(render.shown(done.id))
        render.info(text.removed_text(done) if removed else text.revised_text(done))
