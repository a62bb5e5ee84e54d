"""Counts and lists in words, the one way every message says them: "1 note", "2 notes",
"a, b, c and 4 more"."""

from __future__ import annotations


def plural(n: int, word: str) -> str:
    """`n` and `word`, with an "s" unless n is 1: "1 note", "0 notes", "3 changed notes"."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def named(items: list[str], limit: int) -> str:
    """The first `limit` items, comma-separated, then how many more: "a, b and 3 more"."""
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
