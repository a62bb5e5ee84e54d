import sys

import click

from vault import render
from vault.cli.common import AppState, json_option, pass_state


@click.command("path")
@click.argument("source", metavar="A")
@click.argument("target", metavar="B")
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
    from vault.graph import build_graph, shortest_path

    catalog = state.catalog()
    cwd = state.cwd_prefix()
    a = catalog.resolver.find(source, cwd)
    b = catalog.resolver.find(target, cwd)
    steps = shortest_path(build_graph(catalog), a, b)
    if as_json:
        ids = [a] + [s["to"] for s in steps] if steps is not None else []
        render.emit_json(
            {
                "from": a,
                "to": b,
                "length": len(steps) if steps is not None else None,
                "path": ids,
                "steps": steps or [],
            }
        )
    elif steps is not None:
        titles = catalog.records
        click.echo(f"{render.styled(titles[a].title, bold=True)}  {render.styled(a, dim=True)}")
        for s in steps:
            arrow = f"--{s['kind']}-->" if s["direction"] == "forward" else f"<--{s['kind']}--"
            note = titles[s["to"]]
            click.echo(
                f"  {arrow:<12} {render.styled(note.title, bold=True)}  "
                f"{render.styled(note.id, dim=True)}"
            )
    if steps is None:
        render.info(f"No path between {a} and {b}.")
        sys.exit(1)
