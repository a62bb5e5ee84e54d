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
    edges: set[tuple[str, str, str]] = set()
    for ref in refs:
        res = ref.resolution
        if res.id is not None:
            if res.id != ref.source:
                edges.add((ref.source, res.id, ref.kind))
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
            edges.add((ref.source, target, ref.kind))
    g = nx.MultiDiGraph()
    g.add_nodes_from(sorted(nodes.items()))
    _add_edges(g, sorted(edges))
    return g


def _add_edges(g: nx.MultiDiGraph, edges: list[tuple[str, str, str]]) -> None:
    """The (source, target, kind) edges, keyed by kind, in this order, every edge of a kind
    with one attribute dict `{"kind": kind}` shared by all of them, where networkx makes one
    per edge: the graph is never modified (copies made of it get dicts of their own), and a
    server keeps it, where 353,640 edges at 100,000 notes held ~70 MB of dicts alike. Made
    shared from the start (networkx's edge_attr_dict_factory, for this graph while its
    edges are added), not replaced after: freed, their memory stayed with the process."""
    shared: dict[str, dict] = {}
    kind = ""

    def each():
        nonlocal kind
        for source, target, kind in edges:  # noqa: B007 (read by the factory below)
            yield source, target, kind, {}  # no data: the factory's dict is not written

    g.edge_attr_dict_factory = lambda: shared.setdefault(kind, {"kind": kind})
    try:
        g.add_edges_from(each())
    finally:
        del g.edge_attr_dict_factory  # the class's again: copies get dicts of their own
