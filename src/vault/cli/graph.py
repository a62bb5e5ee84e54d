import click

from vault import render
from vault.cli.common import AppState, json_option, pass_state

FORMATS = ("json", "graphml", "gexf", "dot", "mermaid", "html")


@click.command("graph")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format (default: json).",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Write to FILE (never over a note or a non-regular file; - is stdout).",
)
@click.option("--root", metavar="REF", help="Only the neighbourhood of this note.")
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=None,
    help="With --root: how many steps out, any direction (default 1).",
)
@click.option("--type", "note_type", metavar="T", help="Only notes of this type (any case).")
@click.option(
    "--kind",
    type=click.Choice(("parent", "link", "all")),
    default="all",
    show_default=True,
    help="Only edges of this kind.",
)
@click.option("--stats", is_flag=True, help="Print counts, components, roots, orphans and hubs.")
@json_option
@pass_state
def command(state: AppState, fmt, output, root, depth, note_type, kind, stats, as_json) -> None:
    """Export the link graph: notes are nodes, Parent headers and body links are edges.

    An edge `parent` goes from a note to its Parent; `link` from a note to a note its body
    links to. Links to notes that do not exist end at a node marked "missing" named by the
    link text. JSON (the default) is {"directed": true, "nodes": [{"id", "title", "date",
    "type", "tags", "missing"}], "edges": [{"source", "target", "kind"}]}. Formats: json,
    graphml and gexf (Gephi, yEd, Cytoscape), dot (Graphviz), mermaid (GitHub), html (one
    self-contained interactive page, works offline).

    --stats prints counts, connected components, roots (notes with children and no Parent),
    orphans (no edges) and the top hubs by degree and PageRank; add --json for
    {"nodes", "notes", "missing", "edges", "edge_kinds", "components", "largest_component",
    "roots", "orphans", "top_degree", "top_pagerank"}.

    \b
    Examples:
      vault graph > graph.json
      vault graph --format html -o graph.html
      vault graph --format mermaid --kind parent
      vault graph --format dot --root 2026-02-14-skin-tech-trends --depth 2 | dot -Tsvg > hub.svg
      vault graph --stats
    """
    from vault.graph import export
    from vault.graph.build import build_graph
    from vault.graph.query import select
    from vault.graph.stats import stats as graph_stats
    from vault.output import STDOUT, check_output, write_output

    if depth is not None and root is None:
        raise click.UsageError("--depth needs --root")
    if as_json and fmt not in (None, "json"):
        raise click.UsageError(f"--json and --format {fmt} disagree; give one of them")
    if stats and (output or fmt not in (None, "json")):
        raise click.UsageError("--stats prints text, or JSON with --json; use > to save it")
    if output and output != STDOUT:
        check_output(output, state.vault)  # refuse before any work, not after it
    catalog = state.catalog()
    render.note_warnings(render.changed_note_warnings(catalog))
    root_id = state.find(root) if root is not None else None
    graph = select(
        build_graph(catalog),
        kind=kind,
        note_type=note_type,
        root=root_id,
        depth=1 if depth is None else depth,
    )
    if stats:
        data = graph_stats(graph)
        if as_json:
            render.emit_json(render.stats_dict(data))
        else:
            click.echo("\n".join(render.stats_lines(data)))
        return
    fmt = fmt or "json"
    title = f"{state.vault.root.name} · link graph"
    text = export.export(graph, fmt, title)
    if output and output != STDOUT:
        write_output(output, text, state.vault)
        render.info(
            f"Wrote {graph.number_of_nodes()} nodes and {graph.number_of_edges()} edges "
            f"to {output} ({fmt})."
        )
    else:
        click.echo(text, nl=False)
