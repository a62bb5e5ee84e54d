"""The parts of the graph a user asks for, and the ways through it, with networkx's own
algorithms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vault.errors import BadOption
from vault.model import PathStep
from vault.options import EDGE_KIND, GRAPH_DEPTH, check
from vault.references import KINDS
from vault.text import fold

if TYPE_CHECKING:
    import networkx as nx


def select(
    g: nx.MultiDiGraph,
    *,
    kind: str = "all",
    note_type: str | None = None,
    root: str | None = None,
    depth: int = 1,
) -> nx.MultiDiGraph:
    """The part of the graph a user asked for, filters applied in this order:

    `kind` keeps only edges of that kind ("parent", "link" or "all"), and drops missing
    targets left without edges; `note_type` keeps only notes of that type (any case) and the
    edges between them; `root` keeps the notes within `depth` steps of it, any direction.
    The result keeps the same stable order: a graph of its own (a copy) when anything is
    filtered, the graph itself when nothing is.
    """
    import networkx as nx

    check(EDGE_KIND, kind)
    if kind == "all" and note_type is None and root is None:
        return g  # the whole graph, asked for as it is: no copy
    view = g
    if kind != "all":
        view = nx.subgraph_view(view, filter_edge=lambda s, t, k: k == kind)
        touched = {n for edge in view.edges() for n in edge}
        view = view.subgraph(
            n for n, missing in view.nodes(data="missing") if not missing or n in touched
        )
    if note_type is not None:
        want = fold(note_type)
        view = view.subgraph(
            n for n, a in view.nodes(data=True) if not a["missing"] and fold(a["type"]) == want
        )
    if root is not None:
        check(GRAPH_DEPTH, depth)
        if root not in view:
            raise not_in_graph(root)
        view = view.subgraph(neighbourhood(view, root, depth))
    return _ordered_copy(view)


def neighbourhood(g: nx.MultiDiGraph, root: str, depth: int) -> set[str]:
    """Ids within `depth` edges of `root`, ignoring direction (root included)."""
    import networkx as nx

    undirected = g.to_undirected(as_view=True)
    return set(nx.single_source_shortest_path_length(undirected, root, cutoff=depth))


def _ordered_copy(view) -> nx.MultiDiGraph:
    """A real graph with the view's nodes in id order and edges in (source, target, kind)
    order. Sorted here: a subgraph view of a few nodes iterates over the set it was given
    (networkx's FilterAtlas), whose order changes from run to run."""
    import networkx as nx

    out = nx.MultiDiGraph()
    out.add_nodes_from(sorted(view.nodes(data=True), key=lambda pair: pair[0]))
    out.add_edges_from(sorted(view.edges(keys=True, data=True), key=lambda e: e[:3]))
    return out


def components(g: nx.MultiDiGraph) -> list[list[str]]:
    """Weakly connected components, largest first (then by smallest id), each sorted."""
    import networkx as nx

    comps = [sorted(c) for c in nx.weakly_connected_components(g)]
    comps.sort(key=lambda c: (-len(c), c[0]))
    return comps


def shortest_path(g: nx.MultiDiGraph, source: str, target: str) -> list[PathStep] | None:
    """The fewest parent/link edges from `source` to `target`, ignoring direction and never
    passing through a missing note: [] when source is target, None when not connected.
    Each step takes a Parent edge over a link, and an edge pointing along the path over one
    pointing against it."""
    import networkx as nx

    if source == target:
        return []
    notes = g.subgraph(n for n, missing in g.nodes(data="missing") if not missing)
    if source not in notes or target not in notes:
        return None
    # Breadth first with neighbours in id order: of several shortest chains, the one through
    # the smaller ids, so the answer is the same on every run.
    prev = {source: source}
    undirected = notes.to_undirected(as_view=True)
    for node, parent in nx.bfs_predecessors(undirected, source, sort_neighbors=sorted):
        prev[node] = parent
        if node == target:
            break
    if target not in prev:
        return None
    chain = [target]
    while chain[-1] != source:
        chain.append(prev[chain[-1]])
    chain.reverse()
    steps = []
    for a, b in zip(chain, chain[1:], strict=False):
        forward = set(g[a][b]) if g.has_edge(a, b) else set()
        backward = set(g[b][a]) if g.has_edge(b, a) else set()
        kind, direction = next(
            (k, d)
            for k in KINDS
            for d, ks in (("forward", forward), ("backward", backward))
            if k in ks
        )
        steps.append(PathStep(a, b, kind, direction))
    return steps


def not_in_graph(root: str) -> BadOption:
    """The error for a root note that the type and kind filters left out."""
    return BadOption(
        ("type", "kind"),
        lambda n: f"{root} is not in the graph once {n('type')}/{n('kind')} are applied",
    )
