"""The link graph: one node per note (plus one per missing target), Parent and link edges.

Built from the catalog's records, whose parsed links and Parent references are cached per
note, so an unchanged note is never read again. The graph itself is plain Python (a dict of
nodes and a sorted list of edges): queries, stats and the text exports run without networkx,
whose import alone costs about 0.2 s. `to_networkx` gives the same graph as a networkx
MultiDiGraph for the exports that need its writers (GraphML, GEXF).
"""

from __future__ import annotations

import posixpath
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vault.errors import InvalidInput
from vault.model import NoteRecord, Resolution

if TYPE_CHECKING:
    from vault.catalog import Catalog

PARENT = "parent"
LINK = "link"
# Edge kinds, in the order a step between two notes prefers them.
KINDS = (PARENT, LINK)


@dataclass(frozen=True, slots=True)
class Reference:
    """One reference written in a note: its Parent header, or one link in its body."""

    # Id of the note the reference is written in.
    source: str
    # "parent" or "link".
    kind: str
    # The reference as written: the Parent text, or the link target (`link_target_label`).
    raw: str
    # 1-based body line of a link; None for a Parent header.
    line: int | None
    # What the reference resolved to (id, or candidates when ambiguous, or neither).
    resolution: Resolution


@dataclass(frozen=True, slots=True)
class GraphNode:
    """A note, or a target that notes refer to but that does not exist."""

    # The note id, or for a missing target the reference text as written.
    id: str
    title: str
    date: str | None
    type: str | None
    tags: tuple[str, ...] = ()
    missing: bool = False


@dataclass(frozen=True, slots=True, order=True)
class Edge:
    """A directed edge: `parent` from a note to its Parent, `link` from a note to a target."""

    source: str
    target: str
    kind: str


@dataclass
class LinkGraph:
    """A directed multigraph with at most one edge per (source, target, kind)."""

    # id -> node, in id order.
    nodes: dict[str, GraphNode]
    # Sorted, without duplicates.
    edges: list[Edge] = field(default_factory=list)

    @property
    def note_count(self) -> int:
        return sum(1 for n in self.nodes.values() if not n.missing)

    def undirected(self) -> dict[str, set[str]]:
        """id -> ids joined to it by an edge of any kind or direction."""
        adj: dict[str, set[str]] = {n: set() for n in self.nodes}
        for e in self.edges:
            adj[e.source].add(e.target)
            adj[e.target].add(e.source)
        return adj

    def degrees(self) -> dict[str, int]:
        """id -> number of edges touching it (in plus out, each kind counted)."""
        deg = dict.fromkeys(self.nodes, 0)
        for e in self.edges:
            deg[e.source] += 1
            deg[e.target] += 1
        return deg

    def restricted(self, keep: Iterable[str]) -> LinkGraph:
        """The subgraph induced by the ids in `keep`."""
        keep = set(keep)
        return LinkGraph(
            {i: n for i, n in self.nodes.items() if i in keep},
            [e for e in self.edges if e.source in keep and e.target in keep],
        )


# --- building --------------------------------------------------------------------------------


def references(catalog: Catalog) -> list[Reference]:
    """Every Parent header and body link of every note, resolved, in note-id order."""
    resolver = catalog.resolver
    parents = catalog.parents
    memo: dict[tuple, Resolution] = {}
    out: list[Reference] = []
    for note_id in sorted(catalog.records):
        rec = catalog.records[note_id]
        if rec.parent_ref:
            out.append(Reference(note_id, PARENT, rec.parent_ref, None, parents[note_id]))
        if not rec.links:
            continue
        folder = posixpath.dirname(note_id)
        for link in rec.links:
            # Resolution depends on the note only through its folder (relative paths, and
            # which of several same-named notes is nearest), so links repeat across notes.
            key = (link.syntax, link.target, link.alias, folder)
            res = memo.get(key)
            if res is None:
                res = memo[key] = resolver.resolve_link(link, note_id)
            out.append(Reference(note_id, LINK, resolver.link_target_label(link), link.line, res))
    return out


def note_node(rec: NoteRecord) -> GraphNode:
    return GraphNode(rec.id, rec.title, rec.date, rec.type, tuple(rec.tags))


def missing_id(raw: str, note_ids: dict | set) -> str:
    """The node id of a missing target: its text, unless that is also a note's id."""
    return raw if raw not in note_ids else f"{raw} (missing)"


def build_graph(catalog: Catalog, refs: list[Reference] | None = None) -> LinkGraph:
    """The whole graph. Ambiguous references and references to the note itself are not
    edges; a reference to nothing becomes an edge to a missing node named by its text."""
    if refs is None:
        refs = references(catalog)
    records = catalog.records
    nodes: dict[str, GraphNode] = {i: note_node(records[i]) for i in records}
    edges: set[Edge] = set()
    for ref in refs:
        res = ref.resolution
        if res.id is not None:
            if res.id != ref.source:
                edges.add(Edge(ref.source, res.id, ref.kind))
        elif not res.candidates and ref.raw:
            target = missing_id(ref.raw, records)
            if target not in nodes:
                nodes[target] = GraphNode(target, ref.raw, None, None, (), True)
            edges.add(Edge(ref.source, target, ref.kind))
    return LinkGraph(dict(sorted(nodes.items())), sorted(edges))


# --- subgraphs ---------------------------------------------------------------------------------


def select(
    graph: LinkGraph,
    *,
    kind: str = "all",
    note_type: str | None = None,
    root: str | None = None,
    depth: int = 1,
) -> LinkGraph:
    """The part of the graph a user asked for, filters applied in this order:

    `kind` keeps only edges of that kind ("parent", "link" or "all"), and drops missing
    targets left without edges; `note_type` keeps only notes of that type (any case) and the
    edges between them; `root` keeps the notes within `depth` steps of it, any direction.
    """
    if kind not in ("all", *KINDS):
        raise InvalidInput(f"unknown edge kind {kind!r}; use parent, link or all")
    if kind != "all":
        edges = [e for e in graph.edges if e.kind == kind]
        touched = {e.source for e in edges} | {e.target for e in edges}
        nodes = {i: n for i, n in graph.nodes.items() if not n.missing or i in touched}
        graph = LinkGraph(nodes, edges)
    if note_type is not None:
        want = " ".join(note_type.lower().split())
        graph = graph.restricted(
            i
            for i, n in graph.nodes.items()
            if not n.missing and " ".join((n.type or "").lower().split()) == want
        )
    if root is not None:
        if depth < 0:
            raise InvalidInput(f"--depth must be 0 or more, not {depth}")
        if root not in graph.nodes:
            raise InvalidInput(f"{root} is not in the graph once --type/--kind are applied")
        graph = graph.restricted(neighbourhood(graph, root, depth))
    return graph


def neighbourhood(graph: LinkGraph, root: str, depth: int) -> set[str]:
    """Ids within `depth` edges of `root`, ignoring direction (root included)."""
    adj = graph.undirected()
    seen = {root}
    frontier = [root]
    for _ in range(depth):
        nxt = []
        for node in frontier:
            for other in adj[node]:
                if other not in seen:
                    seen.add(other)
                    nxt.append(other)
        if not nxt:
            break
        frontier = nxt
    return seen


# --- stats -------------------------------------------------------------------------------------


def components(graph: LinkGraph) -> list[list[str]]:
    """Weakly connected components, largest first (then by smallest id), each sorted."""
    adj = graph.undirected()
    seen: set[str] = set()
    out: list[list[str]] = []
    for start in graph.nodes:
        if start in seen:
            continue
        seen.add(start)
        comp = [start]
        stack = [start]
        while stack:
            for other in adj[stack.pop()]:
                if other not in seen:
                    seen.add(other)
                    comp.append(other)
                    stack.append(other)
        out.append(sorted(comp))
    out.sort(key=lambda c: (-len(c), c[0]))
    return out


def pagerank(graph: LinkGraph, alpha: float = 0.85, tol: float = 1e-6, max_iter: int = 100):
    """PageRank over the distinct (source, target) pairs, as networkx computes it (uniform
    teleport, dangling nodes spread evenly). Written out because networkx's own version
    needs scipy, which this tool does not depend on."""
    ids = list(graph.nodes)
    n = len(ids)
    if n == 0:
        return {}
    index = {i: k for k, i in enumerate(ids)}
    succ: list[set[int]] = [set() for _ in ids]
    for e in graph.edges:
        if e.source != e.target:
            succ[index[e.source]].add(index[e.target])
    out = [sorted(s) for s in succ]
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


def stats(graph: LinkGraph, top: int = 10) -> dict:
    """Counts, components, hierarchy roots, orphans and the top hubs.

    roots: notes with children but no Parent edge (the tops of hierarchies);
    orphans: notes with no edge at all; top_degree and top_pagerank: up to `top`
    {"id", "title", "missing", "degree" or "pagerank"}, missing targets included (a target
    many notes link to but nobody wrote is worth knowing about).
    """
    kinds = {k: 0 for k in KINDS}
    has_parent: set[str] = set()
    has_child: set[str] = set()
    for e in graph.edges:
        kinds[e.kind] += 1
        if e.kind == PARENT:
            has_parent.add(e.source)
            has_child.add(e.target)
    deg = graph.degrees()
    comps = components(graph)
    notes = [n for n in graph.nodes.values() if not n.missing]
    rank = pagerank(graph)

    def hub(node_id: str, **value) -> dict:
        node = graph.nodes[node_id]
        return {"id": node_id, "title": node.title, "missing": node.missing, **value}

    by_degree = sorted((i for i in graph.nodes if deg[i]), key=lambda i: (-deg[i], i))[:top]
    by_rank = sorted(graph.nodes, key=lambda i: (-rank[i], i))[:top] if graph.edges else []
    return {
        "nodes": len(graph.nodes),
        "notes": len(notes),
        "missing": len(graph.nodes) - len(notes),
        "edges": len(graph.edges),
        "edge_kinds": kinds,
        "components": len(comps),
        "largest_component": len(comps[0]) if comps else 0,
        "roots": sorted(n.id for n in notes if n.id in has_child and n.id not in has_parent),
        "orphans": sorted(n.id for n in notes if deg[n.id] == 0),
        "top_degree": [hub(i, degree=deg[i]) for i in by_degree],
        "top_pagerank": [hub(i, pagerank=round(rank[i], 6)) for i in by_rank],
    }


# --- path --------------------------------------------------------------------------------------


def shortest_path(graph: LinkGraph, source: str, target: str) -> list[dict] | None:
    """The fewest parent/link edges from `source` to `target`, ignoring direction and never
    passing through a missing note: a list of steps {"from", "to", "kind", "direction"}
    ("forward" when the edge points from -> to), [] when source is target, None when they
    are not connected."""
    if source == target:
        return []
    by_pair: dict[tuple[str, str], set[str]] = {}
    adj: dict[str, set[str]] = {}
    for e in graph.edges:
        if graph.nodes[e.source].missing or graph.nodes[e.target].missing:
            continue
        by_pair.setdefault((e.source, e.target), set()).add(e.kind)
        adj.setdefault(e.source, set()).add(e.target)
        adj.setdefault(e.target, set()).add(e.source)
    prev: dict[str, str] = {source: source}
    queue = deque([source])
    while queue and target not in prev:
        node = queue.popleft()
        for other in sorted(adj.get(node, ())):
            if other not in prev:
                prev[other] = node
                queue.append(other)
    if target not in prev:
        return None
    chain = [target]
    while chain[-1] != source:
        chain.append(prev[chain[-1]])
    chain.reverse()
    steps = []
    for a, b in zip(chain, chain[1:], strict=False):
        forward = by_pair.get((a, b), set())
        backward = by_pair.get((b, a), set())
        kind, direction = next(
            (k, d)
            for k in KINDS
            for d, ks in (("forward", forward), ("backward", backward))
            if k in ks
        )
        steps.append({"from": a, "to": b, "kind": kind, "direction": direction})
    return steps


# --- tree and backlinks ------------------------------------------------------------------------


def _tree_order(records: dict[str, NoteRecord]):
    # Oldest first, undated last, then by id: a hub's supplements read in the order written.
    return lambda i: (records[i].date is None, records[i].date or "", i)


def parent_tree(catalog: Catalog, root: str | None = None) -> list[dict]:
    """The Parent hierarchy as nested {"id", "title", "date", "type", "children"} dicts.

    From `root`, a one-element list; otherwise every note without a resolved Parent, then
    the notes that only sit on Parent cycles (they have no root). A note met again on its
    own branch is shown once more with "cycle": true and no children, so cycles end.
    """
    records = catalog.records
    key = _tree_order(records)
    children = {p: sorted(cs, key=key) for p, cs in catalog.children.items()}
    placed: set[str] = set()

    def grow(node_id: str, ancestors: set[str]) -> dict:
        rec = records[node_id]
        item = {"id": rec.id, "title": rec.title, "date": rec.date, "type": rec.type}
        if node_id in ancestors:
            item["cycle"] = True
            item["children"] = []
            return item
        placed.add(node_id)
        ancestors = ancestors | {node_id}
        item["children"] = [grow(c, ancestors) for c in children.get(node_id, ()) if c != node_id]
        return item

    if root is not None:
        return [grow(root, set())]
    tops = sorted((i for i in records if catalog.parent_id(i) is None), key=key)
    out = [grow(i, set()) for i in tops]
    for node_id in sorted(records, key=key):
        if node_id not in placed:
            out.append(grow(node_id, set()))
    return out


def backlinks(catalog: Catalog, target: str, refs: list[Reference] | None = None) -> list[dict]:
    """Every reference to note `target` from another note: {"id", "title", "date", "type",
    "kind", "line", "raw"}, one per link written (line is None for a Parent header)."""
    if refs is None:
        refs = references(catalog)
    out = []
    for ref in refs:
        if ref.resolution.id != target or ref.source == target:
            continue
        rec = catalog.records[ref.source]
        out.append(
            {
                "id": rec.id,
                "title": rec.title,
                "date": rec.date,
                "type": rec.type,
                "kind": ref.kind,
                "line": ref.line,
                "raw": ref.raw,
            }
        )
    out.sort(key=lambda b: (b["id"], b["kind"] != PARENT, b["line"] or 0))
    return out


# --- networkx ----------------------------------------------------------------------------------


def to_networkx(graph: LinkGraph):
    """The graph as a networkx MultiDiGraph, edge keys being the kind. Attributes hold no
    None (GraphML and GEXF cannot store it): an absent date or type is left out, tags are
    joined with commas."""
    import networkx as nx  # ~0.2 s to import: only the exports that need it pay

    g = nx.MultiDiGraph()
    for node in graph.nodes.values():
        attrs: dict[str, object] = {"label": node.title, "title": node.title}
        if node.date:
            attrs["date"] = node.date
        if node.type:
            attrs["type"] = node.type
        attrs["tags"] = ",".join(node.tags)
        attrs["missing"] = node.missing
        g.add_node(node.id, **attrs)
    for e in graph.edges:
        g.add_edge(e.source, e.target, key=e.kind, kind=e.kind)
    return g
