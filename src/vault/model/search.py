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
    # How the hit was ranked, when --explain asked (vault.search.fusion).
    explain: Explain | None = None


@dataclass(frozen=True, slots=True)
class Explain:
    """Why a hit ranks where it does: its place in each ranking and what fused them."""

    # 1-based rank in the keyword ranking, None when the keyword search did not find it.
    keyword_rank: int | None
    # 1-based rank in the vector ranking, None when it was not among the nearest notes.
    vector_rank: int | None
    # The reciprocal-rank-fusion score (hybrid), or the ranking's own score.
    fused: float
    # The section that matched the query best (its heading, then the start of its text).
    chunk: str
    # That section's cosine similarity to the query (None without a vector rank).
    cosine: float | None = None


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
