import os
import sys

import click

from vault import render
from vault.cli.common import AppState, declared, json_option, pass_state, usage_errors
from vault.options import (
    BY_COMMAND,
    COLOR_BY,
    EDGE_KIND,
    FORMAT,
    FORMAT_BY_SUFFIX,
    GRAPH_DEPTH,
    NOTE_TYPE,
    ROOT,
    check_all,
)


@click.command("graph")
@declared(FORMAT)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Write to FILE (never over a note or a non-regular file; - is stdout), in the "
    "format its extension names unless --format is given.",
)
@declared(ROOT, GRAPH_DEPTH, NOTE_TYPE, EDGE_KIND, COLOR_BY)
@click.option("--dates", is_flag=True, help="DOT: show each note's date under its title.")
@click.option(
    "--stats", is_flag=True, help="Print counts, components, roots, orphans, hubs and communities."
)
@json_option
@pass_state
def command(
    state: AppState, fmt, output, root, depth, note_type, kind, color_by, dates, stats, as_json
) -> None:
    """Export the link graph: notes are nodes, Parent headers and body links are edges.

    An edge `parent` goes from a note to its Parent; `link` from a note to a note its body
    links to. Links to notes that do not exist end at a node marked "missing" named by the
    link text. JSON (the default, version 2, schema in the README) is {"version",
    "directed", "vault", "color_by", "groups", "root", "depth", "nodes": [{"id", "title",
    "date", "type", "tags", "missing", "folder", "group", "community", "degree",
    "pagerank", "label_rank", "snippet"}], "edges": [{"source", "target", "kind"}]}.
    Formats: json, cytoscape (Cytoscape.js elements), graphml and gexf (Gephi, yEd,
    Cytoscape, igraph, graphology), dot (Graphviz), mermaid (GitHub), html (one
    self-contained interactive page, works offline). Every format colours notes by the
    same groups (--color-by).

    -o FILE without --format writes the format FILE's extension names (.json .cyjs
    .graphml .gexf .dot .mmd .html), JSON for any other; a --format that disagrees with the
    extension wins, with a warning. HTML is never printed on a terminal: give -o FILE, or
    -o - to print it anyway.

    --root REF --depth N keeps one note's neighbourhood; with --format html the page holds
    the whole graph and opens on that note's local graph (depth 1 to 3).

    --stats prints counts, connected components, roots (notes with children and no Parent),
    orphans (no edges), the top hubs by degree and PageRank and the communities; add --json
    for {"nodes", "notes", "missing", "edges", "edge_kinds", "components",
    "largest_component", "roots", "orphans", "parent_cycles", "top_degree",
    "top_pagerank", "communities"}.

    \b
    Examples:
      vault graph > graph.json
      vault graph --format html -o graph.html
      vault graph --format html --root skin-tech-trends --depth 2 -o hub.html
      vault graph --format mermaid --kind parent
      vault graph --format dot --root 2026-02-14-skin-tech-trends --depth 2 | dot -Tsvg > hub.svg
      vault graph --format gexf --color-by community -o graph.gexf
      vault graph --stats
    """
    from vault.graph.export import COMMUNITIES_CACHE, GraphRequest, export_graph, kept_codec
    from vault.graph.query import select
    from vault.graph.stats import stats as graph_stats
    from vault.output import STDOUT, check_output, write_output

    with usage_errors():  # the rules the MCP graph tool follows too (--depth needs --root)
        check_all(BY_COMMAND["graph"], {"root": root, "depth": depth})
    if as_json and fmt not in (None, "json"):
        raise click.UsageError(f"--json and --format {fmt} disagree; give one of them")
    fmt = _format_for(fmt, output, "--format") if fmt or not as_json else None
    if as_json:
        _format_for("json", output, "--json")  # says so when -o FILE's extension disagrees
    if stats and (output or fmt not in (None, "json")):
        raise click.UsageError("--stats prints text, or JSON with --json; use > to save it")
    if fmt == "html" and not output and sys.stdout.isatty():
        raise click.UsageError(
            "--format html is a whole web page: write it with -o FILE (or -o - to print it)"
        )
    if output and output != STDOUT:
        check_output(output, state.vault)  # refuse before any work, not after it
    catalog = state.catalog()
    render.note_warnings(render.changed_note_warnings(catalog))
    root_id = state.find(root) if root is not None else None
    if stats:
        graph = select(
            state.graph(),
            kind=kind,
            note_type=note_type,
            root=root_id,
            depth=1 if depth is None else depth,
        )
        data = graph_stats(graph, cache=state.vault.state_dir / COMMUNITIES_CACHE)
        if as_json:
            render.emit_json(render.stats_dict(data))
        else:
            click.echo("\n".join(render.stats_lines(data)))
        return
    fmt = fmt or "json"
    request = GraphRequest(
        fmt=fmt,
        kind=kind,
        note_type=note_type,
        root=root_id,
        depth=depth,
        color_by=color_by,
        dates=dates,
        title=f"{state.vault.root.name} · link graph",
    )
    # The same export of the same catalog again (a server keeps it): the same text.
    export = lambda: export_graph(catalog, request, state.graph())  # noqa: E731
    result = state.kept(f"graph {request!r}", export, kept_codec())
    for message in result.warnings:
        render.warn(message)
    if output and output != STDOUT:
        write_output(output, result.text, state.vault)
        render.info(f"Wrote {result.nodes} nodes and {result.edges} edges to {output} ({fmt}).")
    else:
        for piece in result.pieces(sys.stdout):  # not one copy of a 100 MB export as bytes
            click.echo(piece, nl=False)


def _format_for(fmt: str | None, output: str | None, said: str) -> str | None:
    """The format to write: the one `said` (--format, or --json) asks for, with a warning
    when -o FILE's extension names another; else the one FILE's extension names; else None
    (JSON)."""
    if not output or output == "-":
        return fmt
    named = FORMAT_BY_SUFFIX.get(os.path.splitext(output)[1].lower())
    if fmt and named and named != fmt:
        render.warn(f"writing {fmt} to {output} as {said} says, though its extension is {named}'s")
    return fmt or named
