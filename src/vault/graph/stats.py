"""Graph statistics: counts, components, roots, orphans, Parent cycles, the top hubs and the
communities."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vault.graph.analysis import communities, undirected_pagerank
from vault.graph.query import components
from vault.model import Community, GraphStats, Hub
from vault.references import KINDS, PARENT

if TYPE_CHECKING:
    from pathlib import Path

    import networkx as nx


def pagerank(g: nx.MultiDiGraph, alpha: float = 0.85, tol: float = 1e-6, max_iter: int = 100):
    """PageRank over the distinct (source, target) pairs, as networkx computes it (uniform
    teleport, dangling nodes spread evenly). Written out because networkx's own `pagerank`
    needs scipy (networkx 3.6), which this tool does not depend on for one function."""
    ids = list(g.nodes)
    n = len(ids)
    if n == 0:
        return {}
    index = {i: k for k, i in enumerate(ids)}
    out = [sorted({index[t] for t in g.successors(i) if t != i}) for i in ids]
    dangling = [k for k in range(n) if not out[k]]
    x = [1.0 / n] * n
    for _ in range(max_iter):
        last = x
        x = [0.0] * n
        for k in range(n):
            if out[k]:
                share = alpha * last[k] / len(out[k])
                for j in out[k]:
                    x[j] += share
        base = (alpha * sum(last[k] for k in dangling) + 1.0 - alpha) / n
        x = [v + base for v in x]
        if sum(abs(a - b) for a, b in zip(x, last, strict=True)) < n * tol:
            break
    return dict(zip(ids, x, strict=True))


def stats(g: nx.MultiDiGraph, top: int = 10, cache: Path | None = None) -> GraphStats:
    """Counts, components, hierarchy roots, orphans, Parent cycles, the top hubs and the
    communities.

    roots: notes with children but no Parent edge (the tops of hierarchies); orphans: notes
    with no edge at all; the top hubs by degree, missing targets included (a target many
    notes link to but nobody wrote is worth knowing about), and by PageRank over the notes
    (a link to nothing confers no rank, so a missing target never ranks); communities by
    networkx's Louvain, each named after its best-ranked note (`cache`: see
    analysis.communities).
    """
    import networkx as nx

    kinds = dict.fromkeys(KINDS, 0)
    for _, _, kind in g.edges(keys=True):
        kinds[kind] += 1
    parents = nx.subgraph_view(g, filter_edge=lambda s, t, k: k == PARENT)
    has_parent = {s for s, _ in parents.edges()}
    has_child = {t for _, t in parents.edges()}
    deg = dict(g.degree())
    comps = components(g)
    notes = [n for n, missing in g.nodes(data="missing") if not missing]
    rank = pagerank(g.subgraph(notes))

    def hub(node_id: str, value: float) -> Hub:
        attrs = g.nodes[node_id]
        return Hub(node_id, attrs["title"], attrs["missing"], value)

    by_degree = sorted((i for i in g if deg[i]), key=lambda i: (-deg[i], i))[:top]
    by_rank = sorted(rank, key=lambda i: (-rank[i], i))[:top] if g.number_of_edges() else []
    return GraphStats(
        nodes=g.number_of_nodes(),
        notes=len(notes),
        missing=g.number_of_nodes() - len(notes),
        edges=g.number_of_edges(),
        edge_kinds=kinds,
        components=len(comps),
        largest_component=len(comps[0]) if comps else 0,
        roots=tuple(sorted(n for n in notes if n in has_child and n not in has_parent)),
        orphans=tuple(sorted(n for n in notes if deg[n] == 0)),
        parent_cycles=sum(1 for _ in nx.simple_cycles(nx.DiGraph(parents))),
        top_degree=tuple(hub(i, deg[i]) for i in by_degree),
        top_pagerank=tuple(hub(i, round(rank[i], 6)) for i in by_rank),
        communities=_communities(g, notes, cache),
    )


def _communities(g: nx.MultiDiGraph, notes: list[str], cache) -> tuple[Community, ...]:
    found = communities(g, cache=cache)
    rank = undirected_pagerank(g)
    members: dict[int, list[str]] = {}
    for n in notes:
        if n in found:
            members.setdefault(found[n], []).append(n)
    degree = g.degree
    out = []
    for number in sorted(members):
        # Named as the view names it: after the note it labels first.
        leader = min(members[number], key=lambda n: (-rank[n], -degree[n], n))
        out.append(Community(number, len(members[number]), leader, g.nodes[leader]["title"]))
    return tuple(out)
