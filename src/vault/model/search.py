"""Search hits and the index's report (vault.search)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result."""

    id: str
    title: str
    # ISO date or None.
    date: str | None
    type: str | None
    # Resolved parent id, or None.
    parent: str | None
    score: float
    # One line of the note around the matched words (plain text).
    snippet: str
    # (start, end) character spans of the matched words within `snippet`.
    marks: tuple[tuple[int, int], ...] = ()


@dataclass
class IndexReport:
    """What bringing the search index up to date did."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    seconds: float = 0.0
    # True when the whole index was built from scratch (first use, damage, --rebuild).
    rebuilt: bool = False
    # Why it was rebuilt when that was not asked for and not its first use ("" otherwise).
    reason: str = ""
    # Notes in the index afterwards.
    notes: int = 0
