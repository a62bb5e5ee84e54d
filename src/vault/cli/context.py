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
from vault.options import CONTEXT_DEPTH, MAX_CHARS


@click.command("context")
@ref_argument()
@declared(CONTEXT_DEPTH, MAX_CHARS)
@json_option
@pass_state
def command(state: AppState, ref: str, depth: int, max_chars: int, as_json: bool) -> None:
    """Everything to read before writing about a note, nearest first, within a budget.

    The note (id, title, date, type, body), then the notes around it, each saying why it is
    there: its Parent chain up to the root (`parent`), its children (`child`, down to
    --depth levels), the other children of its parent (`sibling`), the notes it links to
    (`link`) and those linking to it (`backlink`, with the line that links), and the notes
    most alike (`related`). One step away comes before two; items are added while they fit
    in --max-chars, and what did not fit is counted under "omitted". A long body is cut to
    leave a third of the budget to the notes around it.

    --json prints {"note": {"id", "title", "date", "type", "body", "sha256", "truncated"},
    "items": [{"why", "id", "title", "date", "type", "distance", "snippet"}],
    "omitted": {why: n}, "max_chars"}.

    \b
    Examples:
      vault context exosomes-deep-dive
      vault context skin-tech-trends --depth 2 --max-chars 4000 --json
    """
    from vault.context import note_context
    from vault.search.search import related

    catalog = state.catalog()
    note_id = state.find(ref)
    progress = IndexProgress()

    def alike(other: str, limit: int):
        with progress:
            return related(catalog, other, limit, progress=progress, notify=render.notice)

    context = note_context(catalog, note_id, depth=depth, max_chars=max_chars, related=alike)
    if as_json:
        render.emit_json(render.context_dict(context))
    else:
        click.echo(render.context_text(context))
        if context.omitted:
            left = ", ".join(f"{n} {why}" for why, n in context.omitted.items())
            render.info(f"not shown, for want of room: {left} (raise --max-chars)")
