"""Counts in words, the one way every message says them: "1 note", "2 notes"."""

from __future__ import annotations


def plural(n: int, word: str) -> str:
    """`n` and `word`, with an "s" unless n is 1: "1 note", "0 notes", "3 changed notes"."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
