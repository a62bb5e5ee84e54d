import click

from vault import render
from vault.cli.common import AppState, json_option, pass_state, ref_argument


@click.command("show")
@ref_argument()
@json_option
@pass_state
def command(state: AppState, ref: str, as_json: bool) -> None:
    """Show one note: title, date, type, parent, children, metadata, then the body.

    REF is an id, a path, a file name or stem, a [[wikilink]] or a title. --json adds
    "sha256", the hash of the note's bytes on disk: give it to `vault append --expect-sha256`
    so nothing is added to a note that changed since you read it.

    \b
    Examples:
      vault show memory/research/2026-02-14-exosomes-deep-dive.md
      vault show exosomes-deep-dive --json
    """
    from vault.append import read_hashed

    catalog = state.catalog()
    note, sha256 = read_hashed(catalog, state.find(ref))
    render.note_warnings((note.record.id, w) for w in note.record.warnings)
    if as_json:
        render.emit_json(render.show_dict(note, catalog, sha256))
    else:
        click.echo(render.show_text(note, catalog))
