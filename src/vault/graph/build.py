"""Build the link graph: a networkx MultiDiGraph with one node per note (plus one per
missing target) and `parent` and `link` edges.

Built from the catalog's references (vault.references), whose parsed links and Parent
references are cached per note, so an unchanged note is never read again.

Node attributes: title (the record's, plain text already: a title from a heading is reduced by
vault.markdown.text when the note is read, a `title:` is written as text), date,
type (None when absent), tags (a tuple), missing (bool).
Edges are keyed by their kind ("parent" or "link") and carry it as the `kind` attribute, so a
link written twice is one edge. Nodes are added in id order and edges in (source, target,
kind) order, so every iteration, and every export, is stable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vault.model import Reference
from vault.references import references

if TYPE_CHECKING:
    import networkx as nx

    from vault.catalog import Catalog


def _attrs(title: str, date: str | None, note_type: str | None, tags) -> dict:
    return {
        "title": title,
        "date": date,
        "type": note_type,
        "tags": tuple(tags),
        "missing": False,
    }


def missing_id(raw: str, note_ids) -> str:
    """The node id of a missing target: its text, unless that is also a note's id."""
    return raw if raw not in note_ids else f"{raw} (missing)"


def build_graph(catalog: Catalog, refs: list[Reference] | None = None) -> nx.MultiDiGraph:
    """The whole graph. Ambiguous references and references to the note itself are not
    edges; a reference to nothing becomes an edge to a missing node named by its text."""
    import networkx as nx  # ~0.2 s to import: only the graph commands pay it

    if refs is None:
        refs = references(catalog)
    records = catalog.records
    # From the catalog's columns: no record is built for a node.
    columns = records.columns("title", "date", "type", "tags")
    nodes: dict[str, dict] = dict(zip(records, map(_attrs, *columns), strict=True))
    # source -> its (target, kind) pairs: sorted by source, then each source's few, where
    # sorting all 353,639 (source, target, kind) of 100,000 notes at once took a second.
    edges: dict[str, set[tuple[str, str]]] = {}
    for ref in refs:
        res = ref.resolution
        if res.id is not None:
            if res.id == ref.source:
                continue
            target = res.id
        elif not res.candidates and ref.raw:
            target = missing_id(ref.raw, records)
            if target not in nodes:
                nodes[target] = {
                    "title": ref.raw,
                    "date": None,
                    "type": None,
                    "tags": (),
                    "missing": True,
                }
        else:
            continue
        pairs = edges.get(ref.source)
        if pairs is None:
            pairs = edges[ref.source] = set()
        pairs.add((target, ref.kind))
    g = nx.MultiDiGraph()
    _add_nodes(g, nodes)
    _add_edges(g, [(source, sorted(edges[source])) for source in sorted(edges)])
    return g


def _add_nodes(g: nx.MultiDiGraph, nodes: dict[str, dict]) -> None:
    """The nodes (id -> attributes), in id order, into the dicts networkx keeps: what
    add_nodes_from does (0.5 s at 100,000 notes), each node's attributes copied as it does.
    The copies matter: made here, one after another, they lie together in memory; kept as
    made, among a build's short-lived objects, they held 56 MB more of a server's memory at
    100,000 notes (RssAnon after malloc_trim), pinning what those objects left free."""

    succ, pred, attrs = g._succ, g._pred, g._node
    inner = g.adjlist_inner_dict_factory
    for node_id in sorted(nodes):
        succ[node_id] = inner()
        pred[node_id] = inner()
        attrs[node_id] = dict(nodes[node_id])
    _written(g)


def _written(g: nx.MultiDiGraph) -> None:
    """What networkx does after a change to the graph's dicts: drop what it cached of the
    graph (networkx 3.3 on; 3.2 caches nothing)."""
    import networkx as nx

    clear = getattr(nx, "_clear_cache", None)
    if clear is not None:
        clear(g)


def _add_edges(g: nx.MultiDiGraph, edges: list[tuple[str, list[tuple[str, str]]]]) -> None:
    """The edges, (source, its (target, kind) pairs) in this order, keyed by kind, into the
    adjacency networkx keeps (the dicts its add_edge makes, in the order it makes them),
    every edge of a kind with one attribute dict `{"kind": kind}` shared by all of them,
    where networkx makes one per edge: the graph is never modified (copies made of it get
    dicts of their own), and a server keeps it, where 353,640 edges at 100,000 notes held
    ~70 MB of dicts alike. Written directly, not by add_edges_from: its call per edge took
    3.6 s of `vault graph`'s 21 at 100,000 notes."""

    shared: dict[str, dict] = {}
    succ, pred = g._succ, g._pred
    for source, pairs in edges:
        out = succ[source]
        for target, kind in pairs:
            data = shared.get(kind)
            if data is None:
                data = shared[kind] = {"kind": kind}
            keys = out.get(target)
            if keys is None:
                keys = out[target] = pred[target][source] = g.edge_key_dict_factory()
            keys[kind] = data
    _written(g)
