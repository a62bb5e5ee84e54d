"""Write a LinkGraph out: JSON, GraphML, GEXF, Graphviz DOT, Mermaid, or an HTML page.

JSON, DOT, Mermaid and HTML are written directly (no networkx import, so they stay fast on
big vaults); GraphML and GEXF go through networkx's writers, which Gephi, yEd and Cytoscape
read. Every format lists nodes and edges in the graph's sorted order, so output is stable.
"""

from __future__ import annotations

import json
from pathlib import Path

from vault.atomic import write_atomic
from vault.errors import InvalidInput
from vault.graph import PARENT, LinkGraph, to_networkx

FORMATS = ("json", "graphml", "gexf", "dot", "mermaid", "html")

# Fill colours for note types in DOT, given out in sorted type order.
_PALETTE = (
    "#cfe3ff", "#ffe0b8", "#d4f0d0", "#f6d0e8", "#e6dcff", "#fff3b0", "#c9f0f0", "#f3d6c9",
)  # fmt: skip


def graph_dict(graph: LinkGraph) -> dict:
    """The `--format json` shape: {"directed": true, "nodes": [...], "edges": [...]}."""
    return {
        "directed": True,
        "nodes": [
            {
                "id": n.id,
                "title": n.title,
                "date": n.date,
                "type": n.type,
                "tags": list(n.tags),
                "missing": n.missing,
            }
            for n in graph.nodes.values()
        ],
        "edges": [{"source": e.source, "target": e.target, "kind": e.kind} for e in graph.edges],
    }


def to_json(graph: LinkGraph) -> str:
    """The JSON shape with one node or edge per line: easy to diff, and several times faster
    than json.dumps(indent=...), which falls back to the pure-Python encoder."""
    data = graph_dict(graph)

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


def to_graphml(graph: LinkGraph) -> str:
    import networkx as nx

    return "\n".join(nx.generate_graphml(to_networkx(graph))) + "\n"


def to_gexf(graph: LinkGraph) -> str:
    import networkx as nx

    return "\n".join(nx.generate_gexf(to_networkx(graph))) + "\n"


# --- Graphviz ----------------------------------------------------------------------------------


def _dot_quote(text: str) -> str:
    """A DOT double-quoted string. Backslashes are doubled so that label escapes such as
    \\n written in a title stay literal; newlines become the \\n escape."""
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "")
    return '"' + text.replace("\n", "\\n") + '"'


def to_dot(graph: LinkGraph) -> str:
    """Graphviz DOT: notes filled by type, missing notes dashed, Parent edges solid and
    link edges dashed. Render with `dot -Tsvg graph.dot -o graph.svg`."""
    types = sorted({n.type for n in graph.nodes.values() if n.type})
    colour = {t: _PALETTE[k % len(_PALETTE)] for k, t in enumerate(types)}
    lines = [
        "digraph vault {",
        "  graph [rankdir=LR, overlap=false];",
        '  node [shape=box, style="rounded,filled", fillcolor="#eeeeee", fontname="Helvetica"];',
        '  edge [color="#555555"];',
    ]
    for n in graph.nodes.values():
        label = n.title + (f"\n{n.date}" if n.date else "")
        attrs = [f"label={_dot_quote(label)}", f"tooltip={_dot_quote(n.id)}"]
        if n.missing:
            attrs.append('style="rounded,dashed", fontcolor="#777777", color="#999999"')
        elif n.type:
            attrs.append(f'fillcolor="{colour[n.type]}"')
        lines.append(f"  {_dot_quote(n.id)} [{', '.join(attrs)}];")
    for e in graph.edges:
        style = "[penwidth=1.6]" if e.kind == PARENT else '[style=dashed, color="#8a8f98"]'
        lines.append(f"  {_dot_quote(e.source)} -> {_dot_quote(e.target)} {style};")
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


def to_mermaid(graph: LinkGraph) -> str:
    """A Mermaid flowchart (GitHub renders it inside a ```mermaid block). Node ids are n0,
    n1, ... in id order; labels are titles with special characters escaped. Parent edges
    are solid arrows, links dotted, missing notes dashed."""
    short = {node_id: f"n{k}" for k, node_id in enumerate(graph.nodes)}
    lines = ["flowchart LR"]
    for node_id, n in graph.nodes.items():
        tail = ":::missing" if n.missing else ""
        lines.append(f'  {short[node_id]}["{mermaid_label(n.title)}"]{tail}')
    for e in graph.edges:
        arrow = "-->" if e.kind == PARENT else "-.->"
        lines.append(f"  {short[e.source]} {arrow} {short[e.target]}")
    lines.append(f"  classDef missing {_MERMAID_MISSING}")
    return "\n".join(lines) + "\n"


# --- HTML --------------------------------------------------------------------------------------


def to_html(graph: LinkGraph, title: str) -> str:
    from vault.graph_html import render_html

    return render_html(graph_dict(graph), title)


def export(graph: LinkGraph, fmt: str, title: str = "vault graph") -> str:
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


def write_file(path: Path, text: str) -> None:
    """Write `text` to `path` atomically (temp file in the same folder, then rename), so a
    reader never sees half an export and a failed write leaves the old file."""
    path = Path(path)
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder; give a file name for -o")
    folder = path.parent
    if not folder.is_dir():
        raise InvalidInput(f"folder {folder} does not exist; create it or choose another -o")
    try:
        write_atomic(path, text.encode("utf-8"))
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}") from exc
