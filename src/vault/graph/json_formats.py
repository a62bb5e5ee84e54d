"""The graph as JSON: our own shape (version 2, docs/graph-view-data.md), which the HTML
page embeds too, and Cytoscape.js elements."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

    from vault.graph.analysis import Facts
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
    nodes = [_node(node_id, a, f, snippets) for node_id, a in g.nodes(data=True)]
    return _head(view) | {
        "nodes": nodes,
        "edges": [{"source": s, "target": t, "kind": k} for s, t, k in g.edges(keys=True)],
    }


def _node(node_id: str, a: dict, f: Facts, snippets: dict[str, str] | None) -> dict:
    """One node of graph_dict's shape, from its attributes `a` and the facts `f`."""
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
    return node


def _head(view: View) -> dict:
    """What the JSON shape holds before its nodes and edges."""
    f = view.facts
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
    }


def to_json(g: nx.MultiDiGraph, view: View) -> str:
    """graph_dict's shape with one group, node or edge per line: easy to diff. Each line is
    written from a template, its strings escaped by json's C escaper and its other values
    written by json's C encoder (the same bytes as json.dumps(..., ensure_ascii=False) of
    graph_dict's item), where encoding graph_dict's 464,513 objects at 100,000 notes spent
    most of its time writing their keys, and building them. The text is joined once from
    its lines (at 100,000 notes it is 110 million characters: each intermediate copy would
    cost up to 450 MB)."""
    from vault.text import compact_json as value

    parts = ["{\n"]
    for k, (key, v) in enumerate(_head(view).items()):
        parts.append(f',\n  "{key}": ' if k else f'  "{key}": ')
        if key != "groups":
            parts.append(value(v))
        else:
            _add_lines(parts, [value(group) for group in v])
    parts.append(',\n  "nodes": ')
    _add_lines(parts, _node_lines(g, view))
    parts.append(',\n  "edges": ')
    _add_lines(parts, _edge_lines(g))
    parts.append("\n}\n")
    return "".join(parts)


def _add_lines(parts: list[str], items: list[str]) -> None:
    """A list of JSON values one a line, as to_json writes one, added to `parts` (not joined
    apart first: one more copy of most of the text)."""
    from itertools import chain, repeat

    if not items:
        parts.append("[]")
        return
    parts += ("[\n    ", items[0])
    parts += chain.from_iterable(zip(repeat(",\n    "), items[1:]))  # noqa: B905 (endless)
    parts.append("\n  ]")


def _node_lines(g: nx.MultiDiGraph, view: View) -> list[str]:
    """graph_dict's nodes, each as json.dumps(node, ensure_ascii=False) writes it: strings
    by json's C escaper, numbers by their repr, as json writes them. A node holding any
    other kind of value (none does) is written by json's encoder."""
    from json.encoder import encode_basestring as quote  # json's C escaper, if it has one

    from vault.text import compact_json

    f = view.facts
    folder, group, community = f.folder, f.group, f.community
    degree, pagerank, label_rank = f.degree, f.pagerank, f.label_rank
    snippets = view.snippets
    out = []
    for node_id, a in g.nodes(data=True):
        missing = a["missing"]
        title, date, kind, tags = a["title"], a["date"], a["type"], a["tags"]
        in_group = group.get(node_id)
        number = None if missing else community.get(node_id)
        rank = pagerank.get(node_id)
        edges, rank_of_label = degree[node_id], label_rank[node_id]
        try:
            line = (
                f'{{"id": {quote(node_id)}, '
                f'"title": {"null" if title is None else quote(title)}, '
                f'"date": {"null" if date is None else quote(date)}, '
                f'"type": {"null" if kind is None else quote(kind)}, '
                f'"tags": [{", ".join(map(quote, tags))}], '
                f'"missing": {"true" if missing else "false"}, '
                f'"folder": {quote(folder[node_id])}, '
                f'"group": {"null" if in_group is None else quote(in_group)}, '
                f'"community": {"null" if number is None else int.__repr__(number)}, '
                f'"degree": {int.__repr__(edges)}, '
                f'"pagerank": {"null" if rank is None else float.__repr__(rank)}, '
                f'"label_rank": {int.__repr__(rank_of_label)}'
            )
            if snippets is not None and not missing:
                line = f'{line}, "snippet": {quote(snippets.get(node_id, ""))}}}'
            else:
                line += "}"
        except TypeError:  # a value of another kind
            line = None
        # int.__repr__ takes a bool (json writes true); float.__repr__ writes NaN as nan.
        odd = missing.__class__ is not bool
        odd = odd or bool in (number.__class__, edges.__class__, rank_of_label.__class__)
        if line is None or odd or (rank is not None and rank - rank != 0):
            line = compact_json(_node(node_id, a, f, snippets))  # as json writes it
        out.append(line)
    return out


def _edge_lines(g: nx.MultiDiGraph) -> list[str]:
    """graph_dict's edges, each as json.dumps(edge, ensure_ascii=False) writes it (in
    g.edges(keys=True)'s order, read from the adjacency: its view costs a call per edge),
    each id escaped once."""
    from vault.graph.analysis import adjacency
    from vault.text import compact_json

    succ = adjacency(g)[0]
    quoted = {node_id: compact_json(node_id) for node_id in succ}
    kinds: dict = {}
    out = []
    for s, targets in succ.items():
        source = quoted[s]
        for t, keys in targets.items():
            edge = f'{{"source": {source}, "target": {quoted[t]}, "kind": '
            for k in keys:
                kind = kinds.get(k)
                if kind is None:
                    kind = kinds[k] = compact_json(k)
                out.append(f"{edge}{kind}}}")
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
