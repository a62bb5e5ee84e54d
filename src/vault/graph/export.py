"""Write the graph out: JSON, Cytoscape JSON, GraphML, GEXF, Graphviz DOT, Mermaid, or an
HTML page, every one coloured by the same groups (vault.graph.analysis).

The work is split by job: vault.graph.prepare takes the part of the graph asked for and what
the writers need beside it; json_formats, xml_formats and diagrams hold the writers; this
module picks the writer for a format. Every format lists nodes and edges in the graph's
stable order, so output is the same run after run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

# The writers' and prepare's public names, importable from here as before the split.
from vault.graph.diagrams import (
    MERMAID_MAX_EDGES,
    MERMAID_MAX_TEXT,
    MERMAID_MISSING,
    mermaid_label,
    mermaid_warnings,
    text_color,
    to_dot,
    to_mermaid,
)
from vault.graph.json_formats import VERSION, edge_ids, graph_dict, to_cytoscape, to_json
from vault.graph.prepare import COMMUNITIES_CACHE, GraphRequest, View, prepare
from vault.graph.xml_formats import for_writers, node_size, to_gexf, to_graphml
from vault.options import FORMATS

if TYPE_CHECKING:
    import networkx as nx

    from vault.catalog import Catalog

__all__ = [
    "COMMUNITIES_CACHE",
    "FORMATS",
    "MERMAID_MAX_EDGES",
    "MERMAID_MAX_TEXT",
    "MERMAID_MISSING",
    "VERSION",
    "WRITERS",
    "Exported",
    "GraphRequest",
    "View",
    "edge_ids",
    "export_graph",
    "for_writers",
    "graph_dict",
    "mermaid_label",
    "mermaid_warnings",
    "node_size",
    "prepare",
    "text_color",
    "to_cytoscape",
    "to_dot",
    "to_gexf",
    "to_graphml",
    "to_html",
    "to_json",
    "to_mermaid",
]


@dataclass
class Exported:
    """The text of an export, with what to tell the user about it."""

    text: str
    nodes: int
    edges: int
    # One line each, for stderr (e.g. a Mermaid diagram too big to render).
    warnings: list[str] = field(default_factory=list)


def export_graph(
    catalog: Catalog, request: GraphRequest, built: nx.MultiDiGraph | None = None
) -> Exported:
    """Build the graph of `catalog` (unless `built` already), take the part `request` asks
    for, and write it."""
    graph, view = prepare(catalog, request, built)
    fmt = request.fmt
    out = Exported(WRITERS[fmt](graph, view), graph.number_of_nodes(), graph.number_of_edges())
    if fmt == "mermaid":
        out.warnings += mermaid_warnings(out.text, out.edges)
    return out


def to_html(g: nx.MultiDiGraph, view: View) -> str:
    from vault.graph.html import render_html

    return render_html(graph_dict(g, view), view.title)


WRITERS: dict[str, Callable[[nx.MultiDiGraph, View], str]] = {
    "json": to_json,
    "cytoscape": to_cytoscape,
    "graphml": to_graphml,
    "gexf": to_gexf,
    "dot": to_dot,
    "mermaid": to_mermaid,
    "html": to_html,
}
