"""What `vault check` reports (vault.checks)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing `vault check` found."""

    kind: str
    # "error" or "warning".
    level: str
    # Id of the note the problem is in (for a cycle, the smallest id on it).
    note: str
    # The reference as written, the shared title, or "" when there is none.
    target: str
    # One line saying what is wrong.
    message: str
    # Body line of a link, when the problem is one; None otherwise.
    line: int | None = None
