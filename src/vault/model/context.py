"""What `vault context` gathers around a note (vault.context)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ContextItem:
    """One note in the context of another (`vault context`), and why it is there."""

    # "parent", "child", "sibling", "link", "backlink" or "related".
    why: str
    id: str
    title: str
    date: str | None
    type: str | None
    # Steps from the note: 1 for its parent, children and links, 2 for the grandparent,
    # siblings and grandchildren, ...; None for related notes (alike, not connected).
    distance: int | None
    # A short plain-text excerpt: the opening of the note, or for a backlink the line that
    # links; None for parents (named by id and title only).
    snippet: str | None = None


@dataclass(frozen=True, slots=True)
class NoteContext:
    """What an agent needs before writing about a note, nearest first, within a budget."""

    id: str
    title: str
    date: str | None
    type: str | None
    body: str
    # Hex sha256 of the note's bytes, for a following `append`.
    sha256: str
    # True when the body was cut to fit the budget.
    truncated: bool
    items: tuple[ContextItem, ...]
    # why -> how many more items of that kind did not fit in the budget.
    omitted: dict[str, int]
    # The budget: the JSON of the note and its items stays within this many characters.
    max_chars: int


# --- revising notes: replace, set, rm, restore (vault.revise) ------------------------------------
