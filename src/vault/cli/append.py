import click

from vault import render
from vault.cli.common import AppState, declared, json_option, pass_state, read_body, ref_argument
from vault.options import AGENT, EXPECTED_SHA256, SECTION, SOURCE


@click.command("append")
@ref_argument()
@declared(SECTION, EXPECTED_SHA256, AGENT, SOURCE)
@click.option(
    "--body-file",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Read the text from this file ('-' for stdin; default: stdin).",
)
@click.option("--no-commit", is_flag=True, help="Do not commit the change to git.")
@json_option
@pass_state
def command(
    state: AppState, ref, section, expected, agent, source, body_file, no_commit, as_json
) -> None:
    """Add text to the end of a note, or of one of its sections, changing nothing else.

    The text (standard input, or --body-file) goes after the last line of the note or of
    the section headed HEADING (up to the next heading of the same or a higher level), as
    a paragraph of its own; every other byte of the note, front matter and header lines
    included, stays as it was. With --section the heading must exist exactly once, else the
    error lists the headings and nothing is written; headings inside code blocks do not
    count. With --expect-sha256 H (the "sha256" of `vault show --json`), a note that changed
    since it was read is left alone and the error names its current hash. The file is
    replaced atomically under the vault's write lock and committed on its own
    (`vault: append to <id>`, with Vault-Agent and Vault-Source trailers from --agent,
    else $VAULT_AGENT, and --source).

    Prints the note's id; --json prints {"id", "path", "section", "line", "sha256",
    "commit"}, "sha256" being the note's new hash (what the next append expects).

    \b
    Examples:
      echo "- Trehalose keeps them stable for 6 months." | vault append exosomes-deep-dive
      vault append skin-tech-trends --section "Trends we follow" --body-file -
      vault show exosomes-deep-dive --json | jq -r .sha256   # then:
      echo "More." | vault append exosomes-deep-dive --expect-sha256 9f2c... --json
    """
    from vault.append import append_to_note
    from vault.errors import InvalidInput
    from vault.model import AppendRequest, Provenance

    text = read_body(body_file)
    if not text.strip():
        raise InvalidInput("nothing to append: give the text on standard input or --body-file F")
    request = AppendRequest(
        ref=ref,
        text=text,
        section=section,
        expected_sha256=expected,
        cwd_prefix=state.cwd_prefix(),
        provenance=Provenance(agent, source),
    )
    done = append_to_note(state.vault, request, state.repo, commit=not no_commit)
    if done.commit_note:
        render.warn(render.uncommitted(done.id, done.commit_note))
    if as_json:
        render.emit_json(render.appended_dict(done))
    else:
        click.echo(render.shown(done.id))
        render.info(render.appended_text(done))
