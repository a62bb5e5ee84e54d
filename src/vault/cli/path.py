import sys

import click

from vault import render
from vault.cli.common import AppState, json_option, pass_state, ref_argument


@click.command("path")
@ref_argument("source", metavar="A")
@ref_argument("target", metavar="B")
@json_option
@pass_state
def command(state: AppState, source: str, target: str, as_json: bool) -> None:
    """Show the shortest chain of Parent and link edges between notes A and B.

    Edges are followed in either direction; each step says its kind and whether the edge
    points along the chain (-->) or against it (<--). Missing notes are never passed
    through. Exits 1 when A and B are not connected.

    --json prints {"from", "to", "length", "path": [ids], "steps": [{"from", "to", "kind",
    "direction"}]}, direction being "forward" (the edge goes from -> to) or "backward";
    "length" is null and the lists empty when there is no path.

    \b
    Examples:
      vault path 2026-02-14-exosomes-deep-dive 2026-01-11-exosomes-in-k-beauty
      vault path 2026-02-14-skin-tech-trends the-rising-trend-of-exosomes-in-skincare --json
    """
    from vault.graph.query import shortest_path

    a, b = state.find(source), state.find(target)
    catalog = state.catalog()
    steps = shortest_path(state.graph(), a, b)
    if as_json:
        render.emit_json(render.path_dict(a, b, steps))
    elif steps is not None:
        click.echo("\n".join(render.path_lines(a, steps, catalog)))
    if steps is None:
        render.info(f"No path between {render.shown(a)} and {render.shown(b)}.")
        sys.exit(1)
