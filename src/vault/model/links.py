"""Who points at whom, resolved (vault.references): backlinks, the Parent tree, a path."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backlink:
    """A reference to a note from another note."""

    # The referring note.
    id: str
    title: str
    date: str | None
    type: str | None
    # "parent" (its Parent header names the note) or "link".
    kind: str
    # Body line of a link; None for a Parent header.
    line: int | None
    # The reference as written.
    raw: str


@dataclass(frozen=True, slots=True)
class TreeNode:
    """One note in the Parent hierarchy, with the notes below it."""

    id: str
    title: str
    date: str | None
    type: str | None
    children: tuple[TreeNode, ...] = ()
    # True for a note met again on its own branch (a Parent cycle); it has no children then.
    cycle: bool = False


@dataclass(frozen=True, slots=True)
class PathStep:
    """One edge of a path between two notes."""

    source: str
    target: str
    # "parent" or "link".
    kind: str
    # "forward" when the edge points from source to target, else "backward".
    direction: str
