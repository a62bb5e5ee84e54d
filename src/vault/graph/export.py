"""Write the graph out: JSON, GraphML, GEXF, Graphviz DOT, Mermaid, or an HTML page.

GraphML and GEXF go through networkx's own writers, which Gephi, yEd and Cytoscape read;
networkx has no writer for the other formats that needs no extra package (its DOT writer
wants pydot or pygraphviz), so they are written here. Every format lists nodes and edges in
the graph's stable order, so output is the same run after run.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from vault.errors import InvalidInput
from vault.references import PARENT

if TYPE_CHECKING:
    import networkx as nx

FORMATS = ("json", "graphml", "gexf", "dot", "mermaid", "html")

# Fill colours for note types in DOT, given out in sorted type order.
_PALETTE = (
    "#cfe3ff", "#ffe0b8", "#d4f0d0", "#f6d0e8", "#e6dcff", "#fff3b0", "#c9f0f0", "#f3d6c9",
)  # fmt: skip


def graph_dict(g: nx.MultiDiGraph) -> dict:
    """The `--format json` shape: {"directed": true, "nodes": [...], "edges": [...]}."""
    return {
        "directed": True,
        "nodes": [
            {
                "id": node_id,
                "title": a["title"],
                "date": a["date"],
                "type": a["type"],
                "tags": list(a["tags"]),
                "missing": a["missing"],
            }
            for node_id, a in g.nodes(data=True)
        ],
        "edges": [{"source": s, "target": t, "kind": k} for s, t, k in g.edges(keys=True)],
    }


def to_json(g: nx.MultiDiGraph) -> str:
    """The JSON shape with one node or edge per line: easy to diff, and several times faster
    than json.dumps(indent=...), which falls back to the pure-Python encoder."""
    data = graph_dict(g)

    def block(items: list[dict]) -> str:
        if not items:
            return "[]"
        rows = ",\n".join("    " + json.dumps(i, ensure_ascii=False) for i in items)
        return "[\n" + rows + "\n  ]"

    return (
        '{\n  "directed": true,\n'
        f'  "nodes": {block(data["nodes"])},\n'
        f'  "edges": {block(data["edges"])}\n}}\n'
    )


def for_writers(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy networkx's GraphML and GEXF writers accept: they cannot store None or tuples,
    so an absent date or type is left out and tags are joined with commas; a `label` (the
    title) is what Gephi and yEd show."""
    import networkx as nx

    out = nx.MultiDiGraph()
    for node_id, a in g.nodes(data=True):
        attrs: dict[str, object] = {"label": a["title"], "title": a["title"]}
        if a["date"]:
            attrs["date"] = a["date"]
        if a["type"]:
            attrs["type"] = a["type"]
        attrs["tags"] = ",".join(a["tags"])
        attrs["missing"] = a["missing"]
        out.add_node(node_id, **attrs)
    out.add_edges_from(g.edges(keys=True, data=True))
    return out


def to_graphml(g: nx.MultiDiGraph) -> str:
    import networkx as nx

    return "\n".join(nx.generate_graphml(for_writers(g))) + "\n"


def to_gexf(g: nx.MultiDiGraph) -> str:
    import networkx as nx

    return "\n".join(nx.generate_gexf(for_writers(g))) + "\n"


# --- Graphviz ----------------------------------------------------------------------------------


def _dot_quote(text: str) -> str:
    """A DOT double-quoted string. Backslashes are doubled so that label escapes such as
    \\n written in a title stay literal; newlines become the \\n escape."""
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "")
    return '"' + text.replace("\n", "\\n") + '"'


def to_dot(g: nx.MultiDiGraph) -> str:
    """Graphviz DOT: notes filled by type, missing notes dashed, Parent edges solid and
    link edges dashed. Render with `dot -Tsvg graph.dot -o graph.svg`."""
    types = sorted({t for _, t in g.nodes(data="type") if t})
    colour = {t: _PALETTE[k % len(_PALETTE)] for k, t in enumerate(types)}
    lines = [
        "digraph vault {",
        "  graph [rankdir=LR, overlap=false];",
        '  node [shape=box, style="rounded,filled", fillcolor="#eeeeee", fontname="Helvetica"];',
        '  edge [color="#555555"];',
    ]
    for node_id, n in g.nodes(data=True):
        label = n["title"] + (f"\n{n['date']}" if n["date"] else "")
        attrs = [f"label={_dot_quote(label)}", f"tooltip={_dot_quote(node_id)}"]
        if n["missing"]:
            attrs.append('style="rounded,dashed", fontcolor="#777777", color="#999999"')
        elif n["type"]:
            attrs.append(f'fillcolor="{colour[n["type"]]}"')
        lines.append(f"  {_dot_quote(node_id)} [{', '.join(attrs)}];")
    for source, target, kind in g.edges(keys=True):
        style = "[penwidth=1.6]" if kind == PARENT else '[style=dashed, color="#8a8f98"]'
        lines.append(f"  {_dot_quote(source)} -> {_dot_quote(target)} {style};")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- Mermaid -----------------------------------------------------------------------------------

# Characters that end or reinterpret a quoted Mermaid label; each is written as #code;.
_MERMAID_SPECIAL = frozenset('"#<>&`[]{}|\\')
_MERMAID_MISSING = "fill:#ffffff,stroke:#9aa0a6,stroke-dasharray:4 3,color:#6b7380"


def mermaid_label(text: str) -> str:
    """Title text safe inside a Mermaid ["..."] label."""
    text = " ".join(text.split())
    return "".join(f"#{ord(c)};" if c in _MERMAID_SPECIAL else c for c in text)


def to_mermaid(g: nx.MultiDiGraph) -> str:
    """A Mermaid flowchart (GitHub renders it inside a ```mermaid block). Node ids are n0,
    n1, ... in id order; labels are titles with special characters escaped. Parent edges
    are solid arrows, links dotted, missing notes dashed."""
    short = {node_id: f"n{k}" for k, node_id in enumerate(g)}
    lines = ["flowchart LR"]
    for node_id, n in g.nodes(data=True):
        tail = ":::missing" if n["missing"] else ""
        lines.append(f'  {short[node_id]}["{mermaid_label(n["title"])}"]{tail}')
    for source, target, kind in g.edges(keys=True):
        arrow = "-->" if kind == PARENT else "-.->"
        lines.append(f"  {short[source]} {arrow} {short[target]}")
    lines.append(f"  classDef missing {_MERMAID_MISSING}")
    return "\n".join(lines) + "\n"


# --- HTML --------------------------------------------------------------------------------------


def to_html(g: nx.MultiDiGraph, title: str) -> str:
    from vault.graph.html import render_html

    return render_html(graph_dict(g), title)


def export(graph: nx.MultiDiGraph, fmt: str, title: str = "vault graph") -> str:
    """The graph as text in format `fmt` (one of FORMATS)."""
    if fmt == "json":
        return to_json(graph)
    if fmt == "graphml":
        return to_graphml(graph)
    if fmt == "gexf":
        return to_gexf(graph)
    if fmt == "dot":
        return to_dot(graph)
    if fmt == "mermaid":
        return to_mermaid(graph)
    if fmt == "html":
        return to_html(graph, title)
    raise InvalidInput(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
