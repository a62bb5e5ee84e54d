"""What the views show beyond nodes and edges: each note's folder, degree, PageRank and label
rank, its community (networkx's Louvain), and the colour group it is drawn in.

Computed once per export and used by every format, so that the HTML legend, DOT, Mermaid,
GEXF, GraphML and Cytoscape agree on groups and colours. The rules are those of the page's
own fallbacks (docs/graph-view-data.md), so the page and the data never disagree.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING

from vault.options import COLOR_BY, check

if TYPE_CHECKING:
    from pathlib import Path

    import networkx as nx

# The page's palette (view/src/main.js), in legend order; groups past the 12th share OTHER.
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#76b7b2",
    "#edc948", "#ff9da7", "#9c755f", "#2a9d8f", "#8c6bb1", "#d4a017",
)  # fmt: skip
# Colour of the "(none)" and "(other)" groups, and of missing notes (which are in no group).
GREY = "#a3a9b2"
MISSING_COLOR = "#c3c8cf"
NONE = "(none)"
OTHER = "(other)"
NONE_LABEL = {"type": "untyped", "folder": "top level", "tag": "no tag", "community": "no links"}
# Louvain is randomised: a fixed seed gives the same communities on every run.
LOUVAIN_SEED = 42


@dataclass(frozen=True, slots=True)
class Group:
    """One entry of the legend: the notes drawn in one colour."""

    # The value nodes carry as their group: a type, a folder, a tag, a community number, or
    # NONE / OTHER.
    key: str
    # What the legend shows, plain text.
    label: str
    # "#rrggbb".
    color: str
    # Existing notes in the group.
    count: int


@dataclass
class Facts:
    """Per-node facts for the views, keyed by node id."""

    # The colour mode: one of vault.options.COLOR_MODES.
    color_by: str
    # The legend, in order (groups with no note left out).
    groups: tuple[Group, ...]
    # Folder relative to the notes root ("" at the top level).
    folder: dict[str, str]
    # Group key of each existing note (missing notes: absent).
    group: dict[str, str]
    # Community number, largest first, for nodes with an edge (others: absent).
    community: dict[str, int]
    degree: dict[str, int]
    # PageRank over the notes (missing targets take no part), scaled to a mean of 1.
    pagerank: dict[str, float]
    # 1 = labelled first: by PageRank, then degree, then id; missing targets last.
    label_rank: dict[str, int]
    _colors: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._colors = {g.key: g.color for g in self.groups}

    def color(self, node_id: str) -> str:
        """The colour a node is drawn in (missing notes: MISSING_COLOR)."""
        key = self.group.get(node_id)
        if key is None:
            return MISSING_COLOR
        return self._colors.get(key, GREY)

    def within(self, ids) -> Facts:
        """The same facts for a part of the graph: groups recounted over `ids`, those left
        empty dropped, every colour kept (a neighbourhood is drawn as in the whole)."""
        counts = Counter(self.group[i] for i in ids if i in self.group)
        groups = tuple(
            Group(g.key, g.label, g.color, counts[g.key]) for g in self.groups if counts[g.key]
        )
        return Facts(
            self.color_by,
            groups,
            self.folder,
            self.group,
            self.community,
            self.degree,
            self.pagerank,
            self.label_rank,
        )


def note_folder(node_id: str, notes_prefix: str, missing: bool = False) -> str:
    """The folder of a node relative to the notes root; for a missing target, the folder its
    link text names (without leading /, ./ or ../), "" when it names none (a URL)."""
    path = node_id
    if missing:
        if ":" in path or "(" in path:
            return ""
        parts = [p for p in path.split("/") if p not in ("", ".", "..")]
        path = "/".join(parts)
    if notes_prefix and path.startswith(notes_prefix):
        path = path[len(notes_prefix) :]
    return posixpath.dirname(path)


def adjacency(g: nx.MultiDiGraph) -> tuple[dict, dict]:
    """networkx's own successor and predecessor dicts of `g` (node -> neighbour -> key ->
    data), read directly: its views cost a Python call per node and per edge."""
    return g._succ, g._pred


def edge_count(g: nx.MultiDiGraph) -> int:
    """g.number_of_edges(), from the adjacency (networkx sums every node's degree, through
    its views: 0.5 s at 100,000 notes)."""
    return sum(len(keys) for targets in adjacency(g)[0].values() for keys in targets.values())


# From this many notes on, PageRank runs in numpy: below, importing numpy (0.3-0.5 s on a busy
# 2-core machine) costs more than it saves (0.1 s at 10,000 notes, 0.8 s at 100,000).
NUMPY_FROM = 50_000
# Notes with more distinct neighbours than this have their neighbours' shares added in Python
# (316 hubs at 100,000 notes, one of 15,121 neighbours); the rest by numpy, a column at a time.
_COLUMNS = 64


def undirected_pagerank(
    g: nx.MultiDiGraph,
    alpha: float = 0.85,
    tol: float = 1e-6,
    max_iter: int = 100,
    with_numpy: bool | None = None,
) -> dict[str, float]:
    """PageRank of the notes on the undirected graph of distinct neighbours between notes
    (missing targets take no part: a link to nothing confers no rank). Plain power iteration,
    as networkx's `pagerank` needs scipy: in Python, or `with_numpy` (by default from
    NUMPY_FROM notes on) in numpy, to the bit the same numbers (the ranks are rounded and
    sorted on, and exports stay the same whichever ran)."""
    missing = {n for n, m in g.nodes(data="missing") if m}
    ids = [n for n in g if n not in missing]
    n = len(ids)
    if n == 0:
        return {}
    index = {i: k for k, i in enumerate(ids)}
    neighbours: list[set[int]] = [set() for _ in range(n)]
    for s, targets in adjacency(g)[0].items():  # in g.edges() order: the same sets
        a = index.get(s)  # None: a missing target
        if a is None:
            continue
        mine = neighbours[a]
        for t in targets:
            b = index.get(t)
            if b is not None and b != a:
                mine.add(b)
                neighbours[b].add(a)
    if with_numpy is None:
        with_numpy = n >= NUMPY_FROM
    iterate = _iterate_numpy if with_numpy else _iterate
    return dict(zip(ids, iterate(neighbours, alpha, tol, max_iter), strict=True))


def _iterate(neighbours: list[set[int]], alpha: float, tol: float, max_iter: int) -> list[float]:
    """The power iteration over notes 0..n-1 and their neighbours, in Python."""
    n = len(neighbours)
    nbrs = [list(s) for s in neighbours]
    inv = [1.0 / len(s) if s else 0.0 for s in nbrs]
    lonely = [k for k in range(n) if not nbrs[k]]
    x = [1.0 / n] * n
    for _ in range(max_iter):
        share = [v * w for v, w in zip(x, inv, strict=True)]
        base = (alpha * sum(x[k] for k in lonely) + 1.0 - alpha) / n
        new = [base + alpha * sum(map(share.__getitem__, nb)) for nb in nbrs]
        done = sum(abs(a - b) for a, b in zip(new, x, strict=True)) < n * tol
        x = new
        if done:
            break
    return x


def _iterate_numpy(
    neighbours: list[set[int]], alpha: float, tol: float, max_iter: int
) -> list[float]:
    """_iterate's numbers to the bit, with numpy: each note's neighbours' shares are added
    one after another in the order its set iterates, as sum() adds them in _iterate (which
    adds floats plainly, as CPython 3.11's sum() does)."""
    import numpy as np

    n = len(neighbours)
    degree = np.array([len(s) for s in neighbours], dtype=np.intp)
    inv = np.where(degree > 0, 1.0 / np.maximum(degree, 1), 0.0)
    lonely = np.flatnonzero(degree == 0)
    hubs = np.flatnonzero(degree > _COLUMNS).tolist()
    # The other notes with neighbours, most first; columns[c]: the c-th neighbour of each of
    # those with more than c (the first ones).
    at = np.flatnonzero((degree > 0) & (degree <= _COLUMNS))
    at = at[np.argsort(-degree[at], kind="stable")]
    counts = degree[at]
    flat = np.fromiter(
        chain.from_iterable(map(neighbours.__getitem__, at.tolist())), np.intp, int(counts.sum())
    )
    starts = np.cumsum(counts) - counts
    columns = [flat[starts[counts > c] + c] for c in range(int(counts[0]) if len(at) else 0)]
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        share = x * inv
        base = (alpha * sum(x[lonely].tolist()) + 1.0 - alpha) / n
        total = np.zeros(len(at))
        for column in columns:
            total[: len(column)] += share[column]
        new = np.full(n, base)
        new[at] = base + alpha * total
        if hubs:
            shares = share.tolist()
            for k in hubs:
                new[k] = base + alpha * sum(map(shares.__getitem__, neighbours[k]))
        done = sum(np.abs(new - x).tolist()) < n * tol
        x = new
        if done:
            break
    return x.tolist()


def communities(
    g: nx.MultiDiGraph, seed: int = LOUVAIN_SEED, cache: Path | None = None
) -> dict[str, int]:
    """Community of every node with an edge: networkx's Louvain on the undirected simple
    graph (missing targets included, as they tie their linkers together), numbered by size
    in notes, largest first (ties: the one with the smallest id first).

    Louvain takes about a second on 10,000 notes and 57,000 edges; with `cache` (a file in
    the vault's derived-data folder) the answer for an unchanged set of edges is read back
    instead of found again."""
    import networkx as nx

    pairs = _pairs(g)
    if not pairs:
        return {}
    missing = {n for n, m in g.nodes(data="missing") if m}
    key = hashlib.blake2b(digest_size=16)
    key.update(f"{seed} {nx.__version__}\n".encode())
    # The pairs as one text, hashed at once: the same bytes as one update per pair.
    key.update("".join([f"{s}\0{t}\n" for s, t in pairs]).encode("utf-8", "surrogatepass"))
    found = _cached(cache, key.hexdigest())
    if found is None:
        u = nx.Graph()
        u.add_edges_from(pairs)
        found = [sorted(c) for c in nx.community.louvain_communities(u, seed=seed)]
        _store(cache, key.hexdigest(), found)
    found.sort(key=lambda c: (len(missing.intersection(c)) - len(c), -len(c), c[0]))
    return {node: k for k, members in enumerate(found) for node in members}


def _pairs(g: nx.MultiDiGraph) -> list[tuple[str, str]]:
    """The distinct pairs of nodes an edge joins, either way, the smaller id first, sorted
    (self-loops left out): by node, each node's few, where sorting them all at once took
    most of a second at 100,000 notes."""
    succ, pred = adjacency(g)
    pairs = []
    for u in sorted(succ):
        above = {v for v in succ[u] if v > u}
        above.update(v for v in pred[u] if v > u)
        pairs += [(u, v) for v in sorted(above)]
    return pairs


def _cached(cache: Path | None, key: str) -> list[list[str]] | None:
    if cache is None:
        return None
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        if data.get("key") == key and isinstance(data.get("communities"), list):
            return [[str(n) for n in c] for c in data["communities"]]
    except (OSError, ValueError, TypeError, AttributeError):
        pass  # missing or damaged: found again, and written anew
    return None


def _store(cache: Path | None, key: str, found: list[list[str]]) -> None:
    if cache is None:
        return
    from vault.atomic import write_atomic

    try:
        cache.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        text = json.dumps({"key": key, "communities": found}, ensure_ascii=False)
        write_atomic(cache, text.encode("utf-8", "surrogatepass"), durable=False)
    except OSError:
        pass  # derived data: not having it only costs the next run a second


def default_color_by(g: nx.MultiDiGraph, folder: dict[str, str]) -> str:
    """`type` when at least half of the notes have one; else the top-level folder when it
    splits the notes (two folders or more, none holding 90%); else communities when there
    are links (a flat vault, as Dendron writes it); else the folder."""
    notes = [n for n, m in g.nodes(data="missing") if not m]
    typed = sum(1 for n in notes if g.nodes[n]["type"])
    if notes and typed * 2 >= len(notes):
        return "type"
    tops = Counter(folder[n].split("/")[0] for n in notes)
    if len(tops) >= 2 and max(tops.values()) < len(notes) * 0.9:
        return "folder"
    if any(s != t for s, t in g.edges()):
        return "community"
    return "folder"


def _short(title: str) -> str:
    return title if len(title) <= 30 else title[:29] + "…"


def analyse(
    g: nx.MultiDiGraph,
    *,
    color_by: str | None = None,
    notes_prefix: str = "",
    with_communities: bool = True,
    cache: Path | None = None,
) -> Facts:
    """Every fact the views show, for graph `g`. `color_by` None: the default rule.
    Communities are found only when `with_communities` or when colouring by them (Louvain
    takes about a second on 10,000 notes; `cache` keeps the last answer)."""
    check(COLOR_BY, color_by)
    attrs = dict(g.nodes(data=True))  # a plain dict: NodeView's lookups cost a call each
    folder = {n: note_folder(n, notes_prefix, a["missing"]) for n, a in attrs.items()}
    mode = color_by or default_color_by(g, folder)
    community = communities(g, cache=cache) if with_communities or mode == "community" else {}
    succ, pred = adjacency(g)
    # What g.degree() says (edges out and in, each key one), without its view's calls.
    degree = {n: sum(map(len, succ[n].values())) + sum(map(len, pred[n].values())) for n in attrs}
    rank = undirected_pagerank(g)
    scale = len(rank)
    pagerank = {n: round(v * scale, 4) for n, v in rank.items()}
    notes = sorted(rank, key=lambda n: (-rank[n], -degree[n], n))
    missing = sorted((n for n in g if n not in rank), key=lambda n: (-degree[n], n))
    label_rank = {n: k for k, n in enumerate(notes + missing, start=1)}

    tag_count = Counter(t for n in notes for t in attrs[n]["tags"])

    def key_of(n: str) -> str:
        if mode == "type":
            return attrs[n]["type"] or NONE
        if mode == "folder":
            return folder[n].split("/")[0] or NONE
        if mode == "community":
            return str(community[n]) if n in community else NONE
        tags = attrs[n]["tags"]
        if not tags:
            return NONE
        return min(tags, key=lambda t: (-tag_count[t], t))  # the note's most used tag

    group = {n: key_of(n) for n in notes}
    counts = Counter(group.values())
    keys = sorted((k for k in counts if k != NONE), key=lambda k: (-counts[k], k))
    shown = keys[: len(PALETTE) - 1] if len(keys) > len(PALETTE) else keys
    leader: dict[str, str] = {}
    if mode == "community":
        for n in notes:  # best ranked first: each community is named after its first
            leader.setdefault(group[n], attrs[n]["title"] or n)
    groups = [
        Group(
            k,
            f"{_short(leader.get(k, f'community {k}'))} …" if mode == "community" else k,
            PALETTE[j],
            counts[k],
        )
        for j, k in enumerate(shown)
    ]
    if len(shown) < len(keys):
        named = set(shown)
        for n, k in group.items():
            if k != NONE and k not in named:
                group[n] = OTHER
        others = sum(counts[k] for k in keys[len(shown) :])
        groups.append(Group(OTHER, f"other ({len(keys) - len(shown)} more)", GREY, others))
    if counts[NONE]:
        groups.append(Group(NONE, NONE_LABEL[mode], GREY, counts[NONE]))
    return Facts(
        color_by=mode,
        groups=tuple(groups),
        folder=folder,
        group=group,
        community=community,
        degree=degree,
        pagerank=pagerank,
        label_rank=label_rank,
    )
