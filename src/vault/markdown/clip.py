"""The one word-boundary clipper, and the one snippet length: search results, `vault context`
and the graph view's note text are all cut by `clip`. Standard library only."""

from __future__ import annotations

# A snippet (a search result's line, an excerpt in `vault context`): at most this many
# characters, cut at a word, plus "…" where text was left out.
SNIPPET_CHARS = 160
# How far before the word a snippet is cut `around` it starts.
_LEAD = 40
# What a cut end leaves off before its "…".
_TRAILING = " ,;:.-"

Spans = tuple[tuple[int, int], ...]


def window(text: str, limit: int = SNIPPET_CHARS, around: int | None = None) -> tuple[int, int]:
    """(start, end) of the part of `text` a snippet keeps: at most `limit` characters, from
    the start or, given `around` (a position), from a word starting a little before it; the
    end at the last space that keeps more than half of `limit` (else at `limit`)."""
    if len(text) <= limit:
        return 0, len(text)
    start = 0
    if around is not None:
        start = max(0, min(around - _LEAD, len(text) - limit))
        if start:
            start = text.find(" ", start) + 1 or start  # not in the middle of a word
    end = start + limit
    if end >= len(text):
        return start, len(text)
    space = text.rfind(" ", start, end + 1)
    if space > start + limit // 2:
        end = space
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    return start, end


def clip(text: str, limit: int = SNIPPET_CHARS, around: int | None = None) -> str:
    """`text` cut to at most `limit` characters at a word boundary (see `window`), with "…"
    where text was left out."""
    return clip_spans(text, (), limit, around)[0]


def clip_spans(
    text: str, spans: Spans, limit: int = SNIPPET_CHARS, around: int | None = None
) -> tuple[str, Spans]:
    """`clip`, and `spans` (start, end) of `text` moved to where they are in the clipped text
    (those cut off left out)."""
    start, end = window(text, limit, around)
    lead = "…" if start else ""
    trail = "…" if end < len(text) else ""
    shift = len(lead) - start
    kept = tuple((a + shift, b + shift) for a, b in spans if a >= start and b <= end)
    return lead + text[start:end] + trail, kept
