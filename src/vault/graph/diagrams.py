"""The graph as a diagram to render: Graphviz DOT and Mermaid. networkx has no writer for
DOT that needs no extra package (its DOT writer wants pydot or pygraphviz), nor for Mermaid,
so they are written here."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from vault.references import PARENT

if TYPE_CHECKING:
    import networkx as nx

    from vault.graph.prepare import View

# What Mermaid renders by default (its maxTextSize and maxEdges settings).
MERMAID_MAX_TEXT = 50_000
MERMAID_MAX_EDGES = 500


def _dot_quote(text: str) -> str:
    """A DOT double-quoted string shown as written: backslashes doubled so that escapes such
    as \\n in a title stay literal, `&` as `&amp;` (Graphviz reads entities in labels, so a
    title's `&amp;` would show as `&`), newlines as the \\n escape."""
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "")
    text = text.replace("&", "&amp;")
    return '"' + text.replace("\n", "\\n") + '"'


def _dot_id(text: str) -> str:
    """A node name in DOT: quoted, never read for entities or escapes beyond the quotes."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def text_color(background: str) -> str:
    """Black or white, whichever reads better on `background` (#rrggbb)."""
    r, g, b = (int(background[k : k + 2], 16) for k in (1, 3, 5))
    return "#1f2328" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"


_MODE_TITLE = {"type": "Note type", "folder": "Folder", "tag": "Tag", "community": "Community"}


def _dot_legend(view: View, missing: int) -> str:
    """An HTML-like table for the graph's label: one row per group, its colour and count."""
    rows = [f'<tr><td colspan="2"><b>{_MODE_TITLE[view.facts.color_by]}</b></td></tr>']
    for gr in view.facts.groups:
        rows.append(
            f'<tr><td bgcolor="{gr.color}" width="16"> </td>'
            f'<td align="left">{html.escape(gr.label, quote=False)} ({gr.count})</td></tr>'
        )
    if missing:
        rows.append(
            '<tr><td border="1" style="dashed" width="16"> </td>'
            f'<td align="left">missing note ({missing})</td></tr>'
        )
    return (
        '<<table border="0" cellborder="0" cellspacing="2" cellpadding="2">'
        + "".join(rows)
        + "</table>>"
    )


def to_dot(g: nx.MultiDiGraph, view: View) -> str:
    """Graphviz DOT: notes filled with their group's colour and a legend under the graph,
    missing notes dashed, Parent edges solid and link edges dashed, the --root note bold.
    Render with `dot -Tsvg graph.dot -o graph.svg`."""
    f = view.facts
    missing = sum(1 for _, m in g.nodes(data="missing") if m)
    lines = [
        "digraph vault {",
        f'  graph [rankdir=LR, overlap=false, labelloc=b, labeljust=l, fontname="Helvetica", '
        f"label={_dot_legend(view, missing)}];",
        '  node [shape=box, style="rounded,filled", fillcolor="#eeeeee", fontname="Helvetica"];',
        '  edge [color="#555555"];',
    ]
    for node_id, n in g.nodes(data=True):
        label = n["title"] + (f"\n{n['date']}" if view.dates and n["date"] else "")
        attrs = [f"label={_dot_quote(label)}", f"tooltip={_dot_quote(node_id)}"]
        if n["missing"]:
            attrs.append('style="rounded,dashed", fontcolor="#777777", color="#999999"')
        else:
            fill = f.color(node_id)
            attrs.append(f'fillcolor="{fill}", fontcolor="{text_color(fill)}"')
        if node_id == view.root:
            attrs.append('penwidth=3, color="#1f2328", fontname="Helvetica-Bold"')
        lines.append(f"  {_dot_id(node_id)} [{', '.join(attrs)}];")
    for source, target, kind in g.edges(keys=True):
        style = "[penwidth=1.6]" if kind == PARENT else '[style=dashed, color="#8a8f98"]'
        lines.append(f"  {_dot_id(source)} -> {_dot_id(target)} {style};")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- Mermaid -----------------------------------------------------------------------------------

# Characters that end or reinterpret a quoted Mermaid label; each is written as #code;.
_MERMAID_SPECIAL = frozenset('"#<>&`[]{}|\\')
MERMAID_MISSING = "fill:#ffffff,stroke:#9aa0a6,stroke-dasharray:4 3,color:#6b7380"
_MERMAID_ROOT = "stroke:#1f2328,stroke-width:4px"


def mermaid_label(text: str) -> str:
    """Title text safe inside a Mermaid ["..."] label."""
    text = " ".join(text.split())
    return "".join(f"#{ord(c)};" if c in _MERMAID_SPECIAL else c for c in text)


def to_mermaid(g: nx.MultiDiGraph, view: View) -> str:
    """A Mermaid flowchart (GitHub renders it inside a ```mermaid block). Node ids are n0,
    n1, ... in id order; labels are titles with special characters escaped; each note has
    its group's class (g0, g1, ... with the group's colour, listed in comments at the end),
    missing notes are dashed, the --root note has a thick border. Parent edges are solid
    arrows, links dotted."""
    f = view.facts
    short = {node_id: f"n{k}" for k, node_id in enumerate(g)}
    cls = {gr.key: f"g{k}" for k, gr in enumerate(f.groups)}
    lines = ["flowchart LR"]
    for node_id, n in g.nodes(data=True):
        tail = ":::missing" if n["missing"] else f":::{cls.get(f.group.get(node_id), 'g')}"
        lines.append(f'  {short[node_id]}["{mermaid_label(n["title"])}"]{tail}')
    for source, target, kind in g.edges(keys=True):
        arrow = "-->" if kind == PARENT else "-.->"
        lines.append(f"  {short[source]} {arrow} {short[target]}")
    for gr in f.groups:
        lines.append(
            f"  classDef {cls[gr.key]} fill:{gr.color},stroke:{gr.color},"
            f"color:{text_color(gr.color)}"
        )
    lines.append(f"  classDef missing {MERMAID_MISSING}")
    if view.root is not None and view.root in short:
        lines.append(f"  style {short[view.root]} {_MERMAID_ROOT}")
    lines.append(f"  %% colour by {f.color_by}: " + "; ".join(
        f"{cls[gr.key]} {' '.join(gr.label.split())} ({gr.count})" for gr in f.groups
    ))  # fmt: skip
    return "\n".join(lines) + "\n"


def mermaid_warnings(text: str, edges: int) -> list[str]:
    """What to tell the user when Mermaid will refuse the diagram with its default settings."""
    over = []
    if len(text) > MERMAID_MAX_TEXT:
        over.append(f"{len(text):,} characters (Mermaid's maxTextSize is {MERMAID_MAX_TEXT:,})")
    if edges > MERMAID_MAX_EDGES:
        over.append(f"{edges:,} edges (its maxEdges is {MERMAID_MAX_EDGES})")
    if not over:
        return []
    return [
        "this Mermaid diagram has "
        + " and ".join(over)
        + ", past what Mermaid renders by default; take one note's neighbourhood with "
        "--root REF --depth N (or --kind parent), or raise those limits in Mermaid's config"
    ]
