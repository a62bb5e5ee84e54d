"""Search snippets: one line of a note around the words a query matched, with their spans.

The note's prose is analysed the way its language was indexed (vault.search.analysis), so a
stem matches every form of its word and a CJK word its characters; the snippet starts a
little before the first match. Only the first SCAN_CHARS of a note are looked through: a
note of several megabytes costs no more than a long one.
"""

from __future__ import annotations

import bisect
import re

from vault.notes import prose
from vault.search.fieldtypes import analysis
from vault.search.texts import read_body

# Snippets: one line of about this many characters around the first matched word.
SNIPPET_CHARS = 160
# How far into a note the first match is looked for (and how much of the file is read).
SCAN_CHARS = 200_000
SCAN_BYTES = 256 * 1024
# How much text before and after the first match is kept before the line is clipped.
_BEFORE, _AFTER = 120, 320
_SPACES = re.compile(r"\s+")
# At most this many terms (the longest) are looked for to find where to start.
_MAX_HINTS = 64


class Snippets:
    """Makes the snippets of one result list (for the terms a query looks for)."""

    def __init__(self, terms: set[str]):
        self.terms = terms
        # Where a match may start: a stem or CJK term written out (any case). Most words
        # begin with their stem, so analysing starts a little before the first of these.
        hints = sorted((t for t in terms if len(t) >= 2), key=len, reverse=True)[:_MAX_HINTS]
        self.hint = re.compile("|".join(map(re.escape, hints)), re.IGNORECASE) if hints else None

    def of(
        self, path, style: str | None, lang: str | None, title: str = ""
    ) -> tuple[str, tuple[tuple[int, int], ...]]:
        """(snippet, spans of the matched words in it) for a note's file (titled `title`)."""
        terms = self.terms
        try:
            body = prose(read_body(path, style, limit=SCAN_BYTES)[0], title)[:SCAN_CHARS]
        except OSError:
            body = ""
        if not body or not terms:
            return _clip(_one_line(body), ())
        ana = analysis(lang or "en")
        first = None
        hint = self.hint.search(body) if self.hint else None
        if hint:
            start = body.rfind(" ", 0, max(0, hint.start() - 100)) + 1
            first = _first(ana, body, terms, start)
        if first is None:  # a stem that is not how the word starts (happy -> happi)
            first = _first(ana, body, terms, 0)
        if first is None:
            return _clip(_one_line(body), ())
        lo = max(0, first - _BEFORE)
        lo = body.rfind(" ", 0, lo) + 1 if lo else 0  # not in the middle of a word
        window = body[lo : first + _AFTER]
        spans: list[list[int]] = []
        for term, _, start, end in ana.tokens(window, index=True):
            if term in terms:
                if spans and start <= spans[-1][1]:  # overlapping CJK bigrams: one span
                    spans[-1][1] = max(spans[-1][1], end)
                else:
                    spans.append([start, end])
        return _clip(*_flatten(window, spans))


def _first(ana, body: str, terms: set[str], start: int) -> int | None:
    """Where the first matched term at or after `start` begins."""
    text = body[start:]
    return next(
        (start + s for term, _, s, _ in ana.tokens(text, index=True) if term in terms), None
    )


def _flatten(text: str, spans: list[list[int]]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The text on one line (each run of white space one space), the spans moved with it."""
    line = _SPACES.sub(" ", text)
    lead = len(line) - len(line.lstrip(" "))
    # (where a run of white space ended in `text`, characters dropped before that point)
    cuts = [(0, 0)]
    dropped = 0
    for m in _SPACES.finditer(text):
        dropped += len(m.group()) - 1
        cuts.append((m.end(), dropped))
    ends = [c for c, _ in cuts]

    def moved(i: int) -> int:
        return i - cuts[bisect.bisect_right(ends, i) - 1][1] - lead

    line = line.strip(" ")
    return line, tuple((max(0, moved(a)), min(moved(b), len(line))) for a, b in spans)


def _clip(text: str, marks: tuple) -> tuple[str, tuple[tuple[int, int], ...]]:
    """At most SNIPPET_CHARS, starting a little before the first matched word."""
    if len(text) <= SNIPPET_CHARS:
        return text, marks
    start = max(0, min(marks[0][0] - 40, len(text) - SNIPPET_CHARS)) if marks else 0
    if start:
        start = text.find(" ", start) + 1 or start  # not in the middle of a word
    end = start + SNIPPET_CHARS
    cut = text.rfind(" ", start, end)
    end = cut if cut > start + SNIPPET_CHARS // 2 else end
    lead = "…" if start else ""
    trail = "…" if end < len(text) else ""
    shift = len(lead) - start
    kept = tuple((a + shift, b + shift) for a, b in marks if a >= start and b <= end)
    return lead + text[start:end] + trail, kept


def _one_line(text: str) -> str:
    return " ".join(text.split())
