"""The graph as JSON: our own shape (version 2, docs/graph-view-data.md), which the HTML
page embeds too, and Cytoscape.js elements."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

    from vault.graph.prepare import View

# The version of the JSON shape (docs/graph-view-data.md): 2 added everything past
# id/title/date/type/tags/missing and source/target/kind.
VERSION = 2


def graph_dict(g: nx.MultiDiGraph, view: View) -> dict:
    """The `--format json` shape (version 2, docs/graph-view-data.md), which the HTML page
    embeds: {"version", "directed", "vault", "color_by", "groups", "root", "depth", "nodes",
    "edges"}."""
    f = view.facts
    snippets = view.snippets
    nodes = []
    for node_id, a in g.nodes(data=True):
        node = {
            "id": node_id,
            "title": a["title"],
            "date": a["date"],
            "type": a["type"],
            "tags": list(a["tags"]),
            "missing": a["missing"],
            "folder": f.folder[node_id],
            "group": f.group.get(node_id),
            "community": f.community.get(node_id) if not a["missing"] else None,
            "degree": f.degree[node_id],
            "pagerank": f.pagerank.get(node_id),
            "label_rank": f.label_rank[node_id],
        }
        if snippets is not None and not a["missing"]:
            node["snippet"] = snippets.get(node_id, "")
        nodes.append(node)
    return {
        "version": VERSION,
        "directed": True,
        "vault": view.vault_key,
        "color_by": f.color_by,
        "groups": [
            {"key": gr.key, "label": gr.label, "color": gr.color, "count": gr.count}
            for gr in f.groups
        ],
        "root": view.root,
        "depth": view.depth,
        "nodes": nodes,
        "edges": [{"source": s, "target": t, "kind": k} for s, t, k in g.edges(keys=True)],
    }


def to_json(g: nx.MultiDiGraph, view: View) -> str:
    """The JSON shape with one group, node or edge per line: easy to diff, and several times
    faster than json.dumps(indent=...), which falls back to the pure-Python encoder. The text
    is joined once from its lines (at 100,000 notes it is 110 million characters: each
    intermediate copy would cost up to 450 MB)."""
    from vault.text import compact_json as value

    parts = ["{\n"]
    for k, (key, v) in enumerate(graph_dict(g, view).items()):
        parts.append(f',\n  "{key}": ' if k else f'  "{key}": ')
        if key not in ("groups", "nodes", "edges"):
            parts.append(value(v))
        elif not v:
            parts.append("[]")
        else:
            parts.append("[\n    ")
            parts.extend(_one_a_line(v))
            parts.append("\n  ]")
    parts.append("\n}\n")
    return "".join(parts)


# Items written by one call of json's C encoder (~1 MB of text for nodes): one call per item
# cost 464,513 calls at 100,000 notes (1.5 s), the whole list at once a copy of it all.
BATCH = 1000
# Between two items of a list as json.dumps writes it, and as to_json writes it.
_BETWEEN = '}, {"'
_BETWEEN_LINES = '},\n    {"'


def _one_a_line(items: list[dict]) -> list[str]:
    """`items` (flat objects: no value an object) as to_json writes them, one a line, from
    one encoder call per BATCH: the encoder writes `}, {"` only between two items, since a
    quote inside a string is written \\" and no item holds an object."""
    from vault.text import compact_json

    out = []
    for at in range(0, len(items), BATCH):
        text = compact_json(items[at : at + BATCH])
        out.append(",\n    " if at else "")
        out.append(text[1:-1].replace(_BETWEEN, _BETWEEN_LINES))
    return out


def edge_ids(g: nx.MultiDiGraph) -> list[str]:
    """e0, e1, ... one per edge in order, none equal to a node id (Cytoscape.js keeps nodes
    and edges in one namespace)."""
    out, k = [], 0
    for _ in range(g.number_of_edges()):
        while f"e{k}" in g:
            k += 1
        out.append(f"e{k}")
        k += 1
    return out


def to_cytoscape(g: nx.MultiDiGraph, view: View) -> str:
    """Cytoscape.js elements JSON, by networkx's `cytoscape_data`: each node's data has
    `id`, `name` (the title, what Cytoscape labels by) and the JSON shape's fields plus
    `color`; each edge's `id`, `source`, `target` and `kind`. Load it with
    `cytoscape({elements: data.elements})` or networkx's `cytoscape_graph`."""
    import networkx as nx

    f = view.facts
    out = nx.MultiDiGraph()
    for node_id, a in g.nodes(data=True):
        out.add_node(
            node_id,
            name=a["title"] or node_id,
            title=a["title"],
            date=a["date"],
            type=a["type"],
            tags=list(a["tags"]),
            missing=a["missing"],
            folder=f.folder[node_id],
            group=f.group.get(node_id),
            color=f.color(node_id),
            community=f.community.get(node_id) if not a["missing"] else None,
            degree=f.degree[node_id],
            pagerank=f.pagerank.get(node_id),
            label_rank=f.label_rank[node_id],
        )
    for (s, t, k), eid in zip(g.edges(keys=True), edge_ids(g), strict=True):
        out.add_edge(s, t, key=k, id=eid, kind=k)
    data = nx.cytoscape_data(out)
    data["data"] = {
        "version": VERSION,
        "vault": view.vault_key,
        "color_by": f.color_by,
        "groups": [
            {"key": gr.key, "label": gr.label, "color": gr.color, "count": gr.count}
            for gr in f.groups
        ],
    }
    for edge in data["elements"]["edges"]:
        edge["data"].pop("key", None)  # the kind, again: `kind` says it
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
