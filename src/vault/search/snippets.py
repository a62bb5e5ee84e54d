"""Search snippets: one line of a note around the words a query matched, with their spans.

The note's prose is analysed the way its language was indexed (vault.search.analysis), so a
stem matches every form of its word and a CJK word its characters; the snippet starts a
little before the first match. Only the first SCAN_CHARS of a note are looked through: a
note of several megabytes costs no more than a long one.
"""

from __future__ import annotations

from vault.notes import prose
from vault.search.fieldtypes import analysis
from vault.search.texts import read_body

# Snippets: one line of about this many characters around the first matched word.
SNIPPET_CHARS = 160
# How far into a note the first match is looked for.
SCAN_CHARS = 200_000
# How much text around the first match is kept before the line is clipped.
_WINDOW = 400


class Snippets:
    """Makes the snippets of one result list."""

    def of(
        self, path, style: str | None, lang: str | None, terms: set[str]
    ) -> tuple[str, tuple[tuple[int, int], ...]]:
        """(snippet, spans of the matched words in it) for a note's file."""
        try:
            body = prose(read_body(path, style)[0])[:SCAN_CHARS]
        except OSError:
            body = ""
        if not body or not terms:
            return _clip(_one_line(body), ())
        ana = analysis(lang or "en")
        first = next(
            (start for term, _, start, _ in ana.tokens(body, index=True) if term in terms),
            None,
        )
        if first is None:
            return _clip(_one_line(body), ())
        lo = max(0, first - _WINDOW)
        lo = body.rfind(" ", 0, lo) + 1 if lo else 0  # not in the middle of a word
        window = body[lo : first + _WINDOW]
        spans: list[list[int]] = []
        for term, _, start, end in ana.tokens(window, index=True):
            if term in terms:
                if spans and start <= spans[-1][1]:  # overlapping CJK bigrams: one span
                    spans[-1][1] = max(spans[-1][1], end)
                else:
                    spans.append([start, end])
        return _clip(*_flatten(window, spans))


def _flatten(text: str, spans: list[list[int]]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The text on one line (each run of white space one space), the spans moved with it."""
    out: list[str] = []
    moved = [0] * (len(text) + 1)  # where each character of `text` lands
    length = 0
    space = True  # drop leading white space
    for i, ch in enumerate(text):
        moved[i] = length
        if ch.isspace():
            if not space:
                out.append(" ")
                length += 1
            space = True
        else:
            out.append(ch)
            length += 1
            space = False
    moved[len(text)] = length
    line = "".join(out).rstrip()
    return line, tuple((moved[a], min(moved[b], len(line))) for a, b in spans)


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
