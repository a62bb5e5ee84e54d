import click

from vault import render
from vault.cli.common import AppState, declared, json_option, pass_state, ref_argument
from vault.options import SHOW_AT


@click.command("show")
@ref_argument()
@declared(SHOW_AT)
@json_option
@pass_state
def command(state: AppState, ref: str, at: str | None, as_json: bool) -> None:
    """Show one note: title, date, type, parent, children, metadata, then the body.

    REF is an id, a path, a file name or stem, a [[wikilink]] or a title. --json adds
    "sha256", the hash of the note's bytes on disk: give it to `vault append --expect-sha256`
    so nothing is added to a note that changed since you read it; and "last_commit",
    {"commit", "author", "date", "agent", "source"} of the last commit that changed the note
    (agent and source from its Vault-Agent and Vault-Source trailers; null outside git).

    With --at REV|DATE, the note as it was at that commit, or at the last commit touching it
    by the end of that day, followed through its renames (its "id" is the name it had
    then; parent and children are as they are now); --json adds "at", the commit.

    \b
    Examples:
      vault show memory/research/2026-02-14-exosomes-deep-dive.md
      vault show exosomes-deep-dive --json
      vault show exosomes-deep-dive --at HEAD
      vault show exosomes-deep-dive --at today --json
    """
    from vault.append import read_hashed

    catalog = state.catalog()
    note_id = state.find(ref)
    if at is not None:
        return _show_version(state, note_id, at, as_json)
    note, sha256 = read_hashed(catalog, note_id)
    render.note_warnings((note.record.id, w) for w in note.record.warnings)
    if as_json:
        repo = state.repo
        last = repo.last_commit(note_id) if repo is not None else None
        render.emit_json(render.show_dict(note, catalog, sha256, last))
    else:
        click.echo(render.show_text(note, catalog))


def _show_version(state: AppState, note_id: str, at: str, as_json: bool) -> None:
    from vault.git import require_repository
    from vault.notes import note_then
    from vault.render.shapes import version_dict

    repo = require_repository(state.vault, "so there is no history to show")
    version = repo.version(note_id, at)
    note = note_then(version.data, version.id, note_id)
    if as_json:
        render.emit_json(version_dict(note, state.catalog(), version))
        return
    last = version.last
    render.info(f"{version.id} at {version.commit[:10]} (last changed {last.date[:10]})")
    click.echo(render.show_text(note, state.catalog()))
