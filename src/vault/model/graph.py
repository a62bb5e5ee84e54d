"""What `vault graph --stats` finds (vault.graph)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Hub:
    """A much-connected node in the graph statistics."""

    id: str
    title: str
    missing: bool
    # The degree (an int) or the PageRank (a float), by the list it is in.
    value: float


@dataclass(frozen=True, slots=True)
class Community:
    """A group of notes linked more among themselves than to the rest (Louvain)."""

    # Its number: 0 is the largest.
    number: int
    # Notes in it (missing targets not counted).
    size: int
    # Id and title of its best-ranked note (by PageRank), which names it.
    leader: str
    title: str


@dataclass(frozen=True, slots=True)
class GraphStats:
    """What `vault graph --stats` reports."""

    nodes: int
    notes: int
    # Targets linked to that do not exist.
    missing: int
    edges: int
    # Edge count per kind, in KINDS order.
    edge_kinds: dict[str, int]
    components: int
    largest_component: int
    # Notes with children but no Parent edge (the tops of hierarchies).
    roots: tuple[str, ...]
    # Notes with no edge at all.
    orphans: tuple[str, ...]
    # Loops of Parent edges (each a note that is its own ancestor).
    parent_cycles: int
    top_degree: tuple[Hub, ...]
    # By PageRank over the notes: a missing target has none.
    top_pagerank: tuple[Hub, ...]
    # Every community with a note in it, largest first.
    communities: tuple[Community, ...] = ()
