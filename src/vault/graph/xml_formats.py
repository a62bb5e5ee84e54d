"""The graph as GraphML and GEXF (Gephi, yEd, Cytoscape, igraph, graphology), through
networkx's own writers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vault.graph.json_formats import edge_ids

if TYPE_CHECKING:
    import networkx as nx

    from vault.graph.prepare import View


def for_writers(g: nx.MultiDiGraph, view: View, viz: bool = False) -> nx.MultiDiGraph:
    """A copy networkx's GraphML and GEXF writers accept: they cannot store None or tuples,
    so an absent date, type, community or PageRank is left out and tags are joined with
    commas; a `label` (the title) is what Gephi and yEd show. Edges get unique keys e0, e1,
    ... (GraphML's edge ids: graphology's reader refuses repeated ones) and keep `kind`.
    With `viz`, GEXF's colour and size for Gephi."""
    import networkx as nx

    f = view.facts
    out = nx.MultiDiGraph()
    for node_id, a in g.nodes(data=True):
        attrs: dict[str, object] = {"label": a["title"], "title": a["title"]}
        if a["date"]:
            attrs["date"] = a["date"]
        if a["type"]:
            attrs["type"] = a["type"]
        attrs["tags"] = ",".join(a["tags"])
        attrs["missing"] = a["missing"]
        attrs["folder"] = f.folder[node_id]
        if node_id in f.group:
            attrs["group"] = f.group[node_id]
        attrs["color"] = f.color(node_id)
        if not a["missing"] and node_id in f.community:
            attrs["community"] = f.community[node_id]
        attrs["degree"] = f.degree[node_id]
        if node_id in f.pagerank:
            attrs["pagerank"] = f.pagerank[node_id]
        attrs["label_rank"] = f.label_rank[node_id]
        if viz:
            c = attrs["color"]
            attrs["viz"] = {
                "color": {"r": int(c[1:3], 16), "g": int(c[3:5], 16), "b": int(c[5:7], 16)},
                "size": node_size(f.degree[node_id]),
            }
        out.add_node(node_id, **attrs)
    for (s, t, k), eid in zip(g.edges(keys=True), edge_ids(g), strict=True):
        out.add_edge(s, t, key=eid, kind=k)
    return out


def node_size(degree: int) -> float:
    """A node's drawn size from its degree, as the page sizes nodes (area ~ degree)."""
    return round(4.0 + 2.0 * degree**0.5, 2)


_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'


def to_graphml(g: nx.MultiDiGraph, view: View) -> str:
    import networkx as nx

    lines = nx.generate_graphml(for_writers(g, view))
    return "\n".join([_XML_DECLARATION, *lines]) + "\n"


def to_gexf(g: nx.MultiDiGraph, view: View) -> str:
    """GEXF 1.2 with each node's `viz:color` (its group's) and `viz:size` (from its
    degree), so Gephi opens it coloured; no positions (no layout is computed here)."""
    from networkx.readwrite.gexf import GEXFWriter

    class Writer(GEXFWriter):
        def add_attributes(self, node_or_edge, xml_obj, data, default):
            # networkx stores a multigraph's edge key as an extra `networkx_key` column;
            # ours is the kind, which `kind` already says.
            data.pop("key", None)
            return super().add_attributes(node_or_edge, xml_obj, data, default)

    writer = Writer(encoding="utf-8", prettyprint=True, version="1.2draft")
    writer.add_graph(for_writers(g, view, viz=True))
    return "\n".join([_XML_DECLARATION, *str(writer).splitlines()]) + "\n"
