import click

from vault import render
from vault.cli.common import (
    AppState,
    IndexProgress,
    declared,
    json_option,
    pass_state,
    ref_argument,
)
from vault.cli.search import emit_hits
from vault.options import RELATED_LIMIT


@click.command("related")
@ref_argument()
@declared(RELATED_LIMIT)
@click.option("--paths", is_flag=True, help="Print only the ids, one a line.")
@json_option
@pass_state
def command(state: AppState, ref: str, limit: int, paths: bool, as_json: bool) -> None:
    """Notes most like REF, by its key words (more-like-this) and by meaning (vectors), fused.

    Useful before writing a new supplement, to find what the vault already says. REF is an
    id, a path, a file name or stem, a [[wikilink]] or a title. --json prints the same
    shape as `vault search --json`: [{"id", "title", "date", "type", "parent", "score",
    "snippet"}, ...], [] when nothing is alike.

    \b
    Examples:
      vault related exosomes-deep-dive
      vault related "Skin-Tech Trends 2026: Research Hub" --limit 5 --json
    """
    from vault.search.search import related

    note_id = state.find(ref)
    with IndexProgress() as progress:
        hits = related(
            state.catalog(), note_id, limit=limit, progress=progress, notify=render.notice
        )
    emit_hits(hits, as_json=as_json, paths=paths)
    if not hits:
        render.info(f"No note is like {render.shown(note_id)}.")
