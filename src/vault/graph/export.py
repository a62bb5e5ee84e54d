"""Write the graph out: JSON, Cytoscape JSON, GraphML, GEXF, Graphviz DOT, Mermaid, or an
HTML page, every one coloured by the same groups (vault.graph.analysis).

GraphML, GEXF and Cytoscape go through networkx's own writers; networkx has no writer for
DOT that needs no extra package (its DOT writer wants pydot or pygraphviz), nor for Mermaid,
so they are written here. Every format lists nodes and edges in the graph's stable order,
so output is the same run after run.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vault.errors import InvalidInput
from vault.graph.analysis import Facts, analyse
from vault.references import PARENT

if TYPE_CHECKING:
    import networkx as nx

    from vault.catalog import Catalog

FORMATS = ("json", "cytoscape", "graphml", "gexf", "dot", "mermaid", "html")
# The version of the JSON shape (docs/graph-view-data.md): 2 added everything past
# id/title/date/type/tags/missing and source/target/kind.
VERSION = 2
# Formats whose nodes carry communities (Louvain costs about a second on 10,000 notes; DOT and
# Mermaid need them only when coloured by them).
_WITH_COMMUNITIES = ("json", "cytoscape", "graphml", "gexf", "html")
# Louvain's last answer, in the vault's derived-data folder.
COMMUNITIES_CACHE = "graph-communities.json"
# What Mermaid renders by default (its maxTextSize and maxEdges settings).
MERMAID_MAX_TEXT = 50_000
MERMAID_MAX_EDGES = 500


@dataclass(frozen=True)
class GraphRequest:
    """What `vault graph` is asked to write."""

    fmt: str = "json"
    # "parent", "link" or "all".
    kind: str = "all"
    # Only notes of this type (any case), or None.
    note_type: str | None = None
    # The id of the note whose neighbourhood to write (HTML: whose local graph to open).
    root: str | None = None
    # Steps out from root; None: 1.
    depth: int | None = None
    # "type", "folder", "tag", "community", or None for the default rule.
    color_by: str | None = None
    # DOT: a date under each title.
    dates: bool = False
    # The HTML page's title.
    title: str = "vault graph"


@dataclass
class Exported:
    """The text of an export, with what to tell the user about it."""

    text: str
    nodes: int
    edges: int
    # One line each, for stderr (e.g. a Mermaid diagram too big to render).
    warnings: list[str] = field(default_factory=list)


def export_graph(catalog: Catalog, request: GraphRequest) -> Exported:
    """Build the graph of `catalog`, take the part `request` asks for, and write it."""
    graph, view = prepare(catalog, request)
    fmt = request.fmt
    out = Exported(WRITERS[fmt](graph, view), graph.number_of_nodes(), graph.number_of_edges())
    if fmt == "mermaid":
        out.warnings += mermaid_warnings(out.text, out.edges)
    return out


def prepare(
    catalog: Catalog, request: GraphRequest, built: nx.MultiDiGraph | None = None
) -> tuple[nx.MultiDiGraph, View]:
    """The part of the graph `request` asks for, and the View its export needs. `built`:
    the catalog's whole graph, built already (the MCP server keeps one); never modified."""
    from vault.graph.build import build_graph
    from vault.graph.query import select

    fmt = request.fmt
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    depth = 1 if request.depth is None else request.depth
    if fmt == "html" and request.root is not None and not 1 <= depth <= 3:
        raise InvalidInput(
            f"--format html opens the local graph at depth 1 to 3, not {depth}; "
            "use another format for a deeper neighbourhood"
        )
    if built is None:
        built = build_graph(catalog)
    whole = select(built, kind=request.kind, note_type=request.note_type)
    vault = catalog.vault
    facts = analyse(
        whole,
        color_by=request.color_by,
        notes_prefix=vault.notes_prefix,
        with_communities=fmt in _WITH_COMMUNITIES,
        cache=vault.state_dir / COMMUNITIES_CACHE,
    )
    if request.root is not None and request.root not in whole:
        raise InvalidInput(f"{request.root} is not in the graph once --type/--kind are applied")
    graph = whole
    if request.root is not None and fmt != "html":
        # Colours, ranks and communities stay those of the whole: a part is drawn as in it.
        graph = select(whole, root=request.root, depth=depth)
        facts = facts.within(graph)
    elif request.root is not None:
        facts = facts.within(whole)
    snippets = None
    if fmt in ("json", "html"):
        from vault.graph.snippets import catalog_snippets

        titles = {n: a["title"] for n, a in graph.nodes(data=True) if not a["missing"]}
        snippets = catalog_snippets(catalog, titles)
    view = View(
        facts,
        vault_key=vault.state_dir.name,
        root=request.root,
        depth=depth if request.root is not None else None,
        snippets=snippets,
        dates=request.dates,
        title=request.title,
    )
    return graph, view


@dataclass(frozen=True)
class View:
    """What an export needs beside the graph."""

    facts: Facts
    # A stable key of the vault, for the page's saved settings.
    vault_key: str = "default"
    root: str | None = None
    depth: int | None = None
    # id -> the note's beginning as plain text (JSON and HTML only), or None.
    snippets: dict[str, str] | None = None
    dates: bool = False
    title: str = "vault graph"


# --- JSON ----------------------------------------------------------------------------------


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
            for i, item in enumerate(v):
                parts.append(",\n    " if i else "[\n    ")
                parts.append(value(item))
            parts.append("\n  ]")
    parts.append("\n}\n")
    return "".join(parts)


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


# --- GraphML and GEXF -----------------------------------------------------------------------


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


# --- Graphviz ----------------------------------------------------------------------------------


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
_MERMAID_MISSING = "fill:#ffffff,stroke:#9aa0a6,stroke-dasharray:4 3,color:#6b7380"
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
    lines.append(f"  classDef missing {_MERMAID_MISSING}")
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


# --- HTML --------------------------------------------------------------------------------------


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
