"""Search snippets: one line of a note around the words a query matched, with their spans.

The note's prose, as plain text (vault.markdown.text: no link syntax, no image or badge URLs),
is analysed the way its language was indexed (vault.search.analysis), so a stem matches every
form of its word and a CJK word its characters; the snippet starts a little before the first
match and is cut by the one clipper (vault.markdown.clip). Only the first SCAN_CHARS of a
note are looked through: a note of several megabytes costs no more than a long one.
"""

from __future__ import annotations

import re

from vault.markdown.clip import SNIPPET_CHARS, Spans, clip_spans
from vault.markdown.text import text_blocks, without_title_line
from vault.search.fieldtypes import analysis
from vault.search.texts import read_body

# How far into a note the first match is looked for (and how much of the file is read).
SCAN_CHARS = 200_000
SCAN_BYTES = 256 * 1024
# How much text before and after the first match is kept before the line is clipped.
_BEFORE, _AFTER = 120, 320
# At most this many terms (the longest) are looked for to find where to start.
_MAX_HINTS = 64


class Snippets:
    """Makes the snippets of one result list (for the terms a query looks for)."""

    def __init__(self, terms: set[str], label_first: bool = False):
        self.terms = terms
        # A Dendron vault's wikilinks are [[label|target]] (vault.resolve's one detector).
        self.label_first = label_first
        # Where a match may start: a stem or CJK term written out (any case). Most words
        # begin with their stem, so a block is analysed only when one of these is in it.
        hints = sorted((t for t in terms if len(t) >= 2), key=len, reverse=True)[:_MAX_HINTS]
        self.hint = re.compile("|".join(map(re.escape, hints)), re.IGNORECASE) if hints else None

    def of(self, path, style: str | None, lang: str | None, title: str = "") -> tuple[str, Spans]:
        """(snippet, spans of the matched words in it) for a note's file (titled `title`)."""
        terms = self.terms
        try:
            body = without_title_line(read_body(path, style, limit=SCAN_BYTES)[0], title)
        except OSError:
            body = ""
        ana = analysis(lang or "en") if terms else None
        # The note as plain text (vault.markdown.text), block by block until the first
        # match and some text after it: the words are found, and marked, in the text shown.
        parts: list[str] = []
        size = 0
        first = None
        for _, text in text_blocks(body[:SCAN_CHARS], self.label_first):
            at = size + (1 if parts else 0)
            parts.append(text)
            size = at + len(text)
            if first is None and ana is not None and (self.hint is None or self.hint.search(text)):
                found = _first(ana, text, terms, 0)
                first = None if found is None else at + found
            if first is not None and size >= first + _AFTER or ana is None and size > SNIPPET_CHARS:
                break  # enough after the first match; without terms, the opening is enough
        line = " ".join(parts)
        if first is None and ana is not None and self.hint is not None:
            first = _first(ana, line, terms, 0)  # a stem that is not how the word starts
        if first is None:
            return clip_spans(line[: 2 * SNIPPET_CHARS], ())  # the note's opening
        lo = max(0, first - _BEFORE)
        lo = line.rfind(" ", 0, lo) + 1 if lo else 0  # not in the middle of a word
        window = line[lo : first + _AFTER]
        spans: list[list[int]] = []
        for term, _, start, end in ana.tokens(window, index=True):
            if term in terms:
                if spans and start <= spans[-1][1]:  # overlapping CJK bigrams: one span
                    spans[-1][1] = max(spans[-1][1], end)
                else:
                    spans.append([start, end])
        marks = tuple((a, b) for a, b in spans)
        return clip_spans(window, marks, around=marks[0][0] if marks else None)


def _first(ana, text: str, terms: set[str], start: int) -> int | None:
    """Where the first matched term at or after `start` begins."""
    text = text[start:]
    return next(
        (start + s for term, _, s, _ in ana.tokens(text, index=True) if term in terms), None
    )
