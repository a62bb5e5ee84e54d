"""Search snippets: one line of a note around the words a query matched, with their spans.

The note's prose, as plain text (vault.markdown.text: no link syntax, no image or badge URLs),
is analysed the way its language was indexed (vault.search.analysis), so a stem matches every
form of its word and a CJK word its characters; the snippet starts a little before the first
match and is cut by the one clipper (vault.markdown.clip). Only the first SCAN_CHARS of a
note are looked through: a note of several megabytes costs no more than a long one.

A resident process (vault serve) calls keep_texts() once: from then on a note's plain text is
kept, by its file's size and mtime, in an LRU bounded by characters (TextCache), so the next
search that shows the note reads no file and reduces no Markdown: most of a served search's
time was that. A CLI process keeps nothing (it shows each note once, and reduces only up to
the first match).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator

from vault.markdown.clip import SNIPPET_CHARS, Spans, clip_spans
from vault.markdown.text import text_blocks, without_title_line
from vault.search.analysis import has_cjk, plain_words
from vault.search.fieldtypes import analysis
from vault.search.texts import read_body

# How far into a note the first match is looked for (and how much of the file is read).
SCAN_CHARS = 200_000
SCAN_BYTES = 256 * 1024
# How much text before and after the first match is kept before the line is clipped.
_BEFORE, _AFTER = 120, 320
# At most this many terms (the longest) are looked for to find where to start.
_MAX_HINTS = 64


# The bound of a resident process's TextCache: its texts' characters (about 4 bytes each at
# worst, 1 for ASCII), so at most ~64 MB of text for prose; 10,000 notes take ~35 MB.
TEXT_CACHE_CHARS = 16_000_000
# A file modified less than this long ago is read afresh each time, never kept.
_SETTLED_NS = 2_000_000_000


class TextCache:
    """Notes' block texts (the reduction of their first SCAN_CHARS), by (path, style, title,
    label_first) and the file's (size, mtime_ns, inode): an LRU holding at most `max_chars`
    characters. Safe to share between threads."""

    def __init__(self, max_chars: int = TEXT_CACHE_CHARS):
        self.max_chars = max_chars
        self.chars = 0
        self._items: OrderedDict[tuple, tuple[tuple, list[str], int]] = OrderedDict()
        self._lock = threading.Lock()

    def texts(self, path, style: str | None, title: str, label_first: bool) -> list[str]:
        """The note's block texts, as Snippets.of reads them (kept while the file's size,
        mtime and inode stay the same)."""
        try:
            st = os.stat(path)
        except OSError:
            return list(_texts(path, style, title, label_first))  # as uncached: no text
        if time.time_ns() - st.st_mtime_ns < _SETTLED_NS:
            # Written just now: a second write in the same clock tick, of the same size,
            # would leave the stamp as it is (git's "racily clean" files). Not kept.
            return list(_texts(path, style, title, label_first))
        stamp = (st.st_size, st.st_mtime_ns, st.st_ino)  # a new inode: an atomic rewrite
        key = (str(path), style, title, label_first)
        with self._lock:
            got = self._items.get(key)
            if got is not None and got[0] == stamp:
                self._items.move_to_end(key)
                return got[1]
        texts = list(_texts(path, style, title, label_first))
        size = sum(map(len, texts)) + 64  # the entry's own cost, so empty notes count too
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.chars -= old[2]
            if size <= self.max_chars:
                self._items[key] = (stamp, texts, size)
                self.chars += size
                while self.chars > self.max_chars:
                    self.chars -= self._items.popitem(last=False)[1][2]
        return texts

    def __len__(self) -> int:
        return len(self._items)


_cache: TextCache | None = None


def keep_texts(max_chars: int = TEXT_CACHE_CHARS) -> TextCache:
    """Keep notes' texts from now on (a resident process); the cache, made once."""
    global _cache
    if _cache is None:
        _cache = TextCache(max_chars)
    return _cache


def _texts(path, style: str | None, title: str, label_first: bool) -> Iterator[str]:
    """The note's block texts as Snippets.of reads them, one at a time: a reader that stops
    at its first match reduces no more of the note (TextCache keeps them all)."""
    try:
        body = without_title_line(read_body(path, style, limit=SCAN_BYTES)[0], title)
    except OSError:
        body = ""
    return (text for _, text in text_blocks(body[:SCAN_CHARS], label_first))


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
        # lang -> {word as written: whether its term is one of `terms`}, for text without
        # CJK: each word is analysed once per result list, not at each of its occurrences
        # (re-analysing the words of each hit was a fifth of a served search's CPU).
        self._matches: dict[str | None, dict[str, bool]] = {}

    def of(self, path, style: str | None, lang: str | None, title: str = "") -> tuple[str, Spans]:
        """(snippet, spans of the matched words in it) for a note's file (titled `title`)."""
        terms = self.terms
        if _cache is not None:
            texts = _cache.texts(path, style, title, self.label_first)
        else:
            texts = _texts(path, style, title, self.label_first)
        ana = analysis(lang or "en") if terms else None
        # The note as plain text (vault.markdown.text), block by block until the first
        # match and some text after it: the words are found, and marked, in the text shown.
        parts: list[str] = []
        size = 0
        first = None
        for text in texts:
            at = size + (1 if parts else 0)
            parts.append(text)
            size = at + len(text)
            if first is None and ana is not None and (self.hint is None or self.hint.search(text)):
                found = self._first(ana, text)
                first = None if found is None else at + found
            if first is not None and size >= first + _AFTER or ana is None and size > SNIPPET_CHARS:
                break  # enough after the first match; without terms, the opening is enough
        line = " ".join(parts)
        if first is None and ana is not None and self.hint is not None:
            first = self._first(ana, line)  # a stem that is not how the word starts
        if first is None:
            return clip_spans(line[: 2 * SNIPPET_CHARS], ())  # the note's opening
        lo = max(0, first - _BEFORE)
        lo = line.rfind(" ", 0, lo) + 1 if lo else 0  # not in the middle of a word
        window = line[lo : first + _AFTER]
        spans: list[list[int]] = []
        for start, end in self._found(ana, window):
            if spans and start <= spans[-1][1]:  # overlapping CJK bigrams: one span
                spans[-1][1] = max(spans[-1][1], end)
            else:
                spans.append([start, end])
        marks = tuple((a, b) for a, b in spans)
        return clip_spans(window, marks, around=marks[0][0] if marks else None)

    def _first(self, ana, text: str) -> int | None:
        """Where the first matched term in `text` begins."""
        return next((start for start, _ in self._found(ana, text)), None)

    def _found(self, ana, text: str) -> Iterator[tuple[int, int]]:
        """(start, end) of each word of `text` whose term (as `ana` indexes it) is one of
        the terms looked for: what `ana.tokens(text, index=True)` yields for them."""
        terms = self.terms
        if has_cjk(text):
            for term, _, start, end in ana.tokens(text, index=True):
                if term in terms:
                    yield start, end
            return
        # Analysis.tokens without CJK: each of the plain words, its term on its own.
        matches = self._matches.setdefault(ana.lang, {})
        for m in plain_words(text):
            raw = m.group()
            hit = matches.get(raw)
            if hit is None:
                hit = matches[raw] = ana.term(raw) in terms
            if hit:
                yield m.span()
