"""Search snippets: one line of a note around the words a query matched, with their spans."""

from __future__ import annotations

import re

from vault.notes import prose, read_note

# Snippets: one line of about this many characters around the best-matching passage.
SNIPPET_CHARS = 160
# Marks around highlighted words in a snippet before they become spans.
_ON, _OFF = "\x02", "\x03"


class Snippets:
    """Makes the snippets of one result list (the highlighter's parts are set up once)."""

    def __init__(self, searcher):
        from whoosh import highlight

        self.analyzer = searcher.schema["body"].analyzer
        self.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
        self.formatter = _mark_formatter_class()()

    def of(self, path, note_id: str, terms: set[str]) -> tuple[str, tuple[tuple[int, int], ...]]:
        """(snippet, spans of the matched words in it) for a note's file."""
        from whoosh import highlight

        try:
            body = prose(read_note(path, note_id).body)
        except OSError:
            body = ""
        marked = ""
        if body and terms:
            # Analysing a whole note for its best passage is slow; the passage is nearly always
            # around the first place where a matched stem starts a word, so look there first.
            found = [m.start() for t in terms if (m := re.search(rf"(?i)\b{re.escape(t)}", body))]
            window = body[max(0, min(found) - 400) : min(found) + 400] if found else body
            args = (terms, self.analyzer, self.fragmenter, self.formatter)
            marked = highlight.highlight(window, *args, top=1)
            if not marked and window is not body:
                marked = highlight.highlight(body, *args, top=1)
        if not marked:
            return _clip(_one_line(body), ())
        return _clip(*_spans(_one_line(marked)))


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


def _spans(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    out: list[str] = []
    marks = []
    length = 0
    start = 0
    for piece in re.split(f"([{_ON}{_OFF}])", marked):
        if piece == _ON:
            start = length
        elif piece == _OFF:
            marks.append((start, length))
        else:
            out.append(piece)
            length += len(piece)
    return "".join(out), tuple(marks)


def _mark_formatter_class():
    from whoosh.highlight import Formatter, get_text

    class MarkFormatter(Formatter):
        """Wraps matched words in control marks that `_spans` turns into offsets."""

        between = " … "

        def format_token(self, text, token, replace=False):
            return _ON + get_text(text, token, replace) + _OFF

    return MarkFormatter
