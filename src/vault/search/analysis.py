"""How text becomes index terms, in every language.

A note is read in one language, detected from its stop words (or `cjk` when most of its
letters are Chinese, Japanese or Korean). Words are NFKC-normalised and lower-cased, stop
words of that language dropped, and the rest stemmed with that language's Snowball stemmer
(Porter for English, as Whoosh's StemmingAnalyzer does). Runs of CJK characters, which are
written without spaces, become overlapping character bigrams ("ホットキー" -> ホッ ット トキ
キー) with each character as a unigram too, in every language: a query for a word inside an
unspaced run then matches the bigrams in a row (a phrase), and a one-character query its
unigram. A run takes one position per bigram, in documents and queries alike, so phrases
across runs and words line up.

The index keeps each language's notes in fields of their own (title_de, body_de, ...), and a
query is analysed once per language present: a word is stemmed the way notes of each
language were, so on a mixed vault the word as typed (unstemmed) always finds the notes that
contain it, and a one-language vault keeps that language's stemming.

Nothing here imports Whoosh at module level; stemmers and stop lists are loaded on first use.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

# Languages with a Whoosh stop list and stemmer, detected by their stop words.
LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "sv", "no", "da", "fi", "hu", "ru")
# Chinese, Japanese and Korean notes: bigrams, no stemming, no stop words.
CJK = "cjk"
ALL_LANGUAGES = (*LANGUAGES, CJK)
# A note whose language cannot be told (too short, no stop words) is read as English, as
# every note was before languages were told apart.
DEFAULT = "en"

# Words shorter or longer than this are not indexed (Whoosh's StopFilter drops one-letter
# words; very long "words" are base64, hashes or minified code, never searched for).
MIN_WORD, MAX_WORD = 2, 64
# Words offered as spelling suggestions are at most this long.
MAX_SUGGESTED = 24
# Language detection reads this much of a note.
_SAMPLE_CHARS = 3000
# A vault is of one language when at least this share of its notes are: all its notes are
# then read in that language, whatever a few of them look like.
SINGLE_SHARE = 0.8
# Stem caches are cleared when they grow past this many words (memory stays bounded on
# vaults with a huge vocabulary).
_CACHE_MAX = 200_000

# Han (with extensions and compatibility forms), kana, Hangul, bopomofo, the iteration marks.
CJK_CHARS = (
    "\u1100-\u11ff\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3040-\u30ff"
    "\u3100-\u318f\u31a0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"
)
_CJK_RUN = f"[{CJK_CHARS}]+"
# A word: Whoosh's default `\w+(\.?\w+)*` (so "e.g", "3.14" and "v2.1" stay whole), except
# that a CJK run is a token of its own even when it touches other letters.
_WORD = rf"[^\W{CJK_CHARS}]+(?:\.[^\W{CJK_CHARS}]+)*"
_PLAIN_TOKEN = re.compile(r"\w+(?:\.\w+)*")


@functools.cache
def _regex(pattern: str) -> re.Pattern:
    """The CJK patterns compiled on first use (their character classes take 6 ms to
    compile, and text without CJK never needs them)."""
    return re.compile(pattern)


_CJK_SPLIT = f"({_CJK_RUN})"
_TOKEN = rf"({_CJK_RUN})|{_WORD}"

_MISSING = object()
_stemmers: dict[str, object] = {}
_stoplists: dict[str, frozenset[str]] = {}


def normalize(text: str) -> str:
    """NFKC: full-width letters, half-width kana, ligatures and decomposed accents (file
    names from macOS) become their ordinary forms. Case is folded word by word."""
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text


def has_cjk(text: str) -> bool:
    return not text.isascii() and _regex(_CJK_RUN).search(text) is not None


def _stoplist(lang: str) -> frozenset[str]:
    words = _stoplists.get(lang)
    if words is None:
        if lang == "en":
            # Whoosh's own short English list, the one notes were always indexed with.
            from whoosh.analysis.filters import STOP_WORDS

            words = frozenset(STOP_WORDS)
        elif lang == CJK:
            words = frozenset()
        else:
            from whoosh.lang.stopwords import stoplists

            words = frozenset(stoplists[lang])
        _stoplists[lang] = words
    return words


_SNOWBALL = {
    "de": ("german", "GermanStemmer"),
    "fr": ("french", "FrenchStemmer"),
    "es": ("spanish", "SpanishStemmer"),
    "it": ("italian", "ItalianStemmer"),
    "pt": ("portugese", "PortugueseStemmer"),
    "nl": ("dutch", "DutchStemmer"),
    "sv": ("swedish", "SwedishStemmer"),
    "no": ("norwegian", "NorwegianStemmer"),
    "da": ("danish", "DanishStemmer"),
    "fi": ("finnish", "FinnishStemmer"),
    "hu": ("hungarian", "HungarianStemmer"),
    "ru": ("russian", "RussianStemmer"),
}


def _stemmer(lang: str):
    """The stem function of a language (None for CJK); only that language's module is
    imported (all of whoosh.lang.snowball takes 30 ms)."""
    if lang in _stemmers:
        return _stemmers[lang]
    if lang == "en":
        from whoosh.lang.porter import stem
    elif lang in _SNOWBALL:
        import importlib

        module, cls = _SNOWBALL[lang]
        stem = getattr(importlib.import_module(f"whoosh.lang.snowball.{module}"), cls)().stem
    else:
        stem = None
    _stemmers[lang] = stem
    return stem


class Analysis:
    """The analysis of one language: text -> terms with positions (and characters)."""

    def __init__(self, lang: str):
        if lang not in ALL_LANGUAGES:
            lang = DEFAULT
        self.lang = lang
        self._stop = _stoplist(lang)
        self._stem = _stemmer(lang)
        self._cache: dict[str, str | None] = {}

    def word(self, raw: str) -> str | None:
        """The term of one non-CJK word as written, or None when it is not indexed."""
        cache = self._cache
        term = cache.get(raw, "")
        if term == "":
            word = raw.lower()
            if not MIN_WORD <= len(word) <= MAX_WORD or word in self._stop:
                term = None
            else:
                term = self._stem(word) if self._stem else word
            if len(cache) >= _CACHE_MAX:
                cache.clear()
            cache[raw] = term
        return term

    def term(self, raw: str) -> str | None:
        """The term of one non-CJK word as found in text shown (a `plain_words` match),
        normalised on its own: what `tokens` yields for it, or None."""
        return self.word(normalize(raw))

    def whole(self, text: str) -> str:
        """A fuzzy term or a wildcard pattern: the text as one term, normalised and stemmed
        like a word (as Whoosh's analyzers do with tokenize=False), never dropped."""
        word = normalize(text).lower()
        return self._stem(word) if self._stem and not has_cjk(word) else word

    def positions(self, text: str, words: set[str] | None = None) -> dict[str, list[int]]:
        """term -> its positions in `text`, as indexed (CJK unigrams included). With
        `words`, also adds to it the text's words as written (lower-cased, letters only,
        MIN_WORD to MAX_SUGGESTED long): what spelling suggestions may offer."""
        text = normalize(text)
        out: dict[str, list[int]] = {}
        if not has_cjk(text):
            raws = _PLAIN_TOKEN.findall(text)
            self._place(raws, out, 0)
        else:
            raws = []
            pos = 0
            for i, piece in enumerate(_regex(_CJK_SPLIT).split(text)):
                if i % 2 == 0:  # between CJK runs
                    found = _PLAIN_TOKEN.findall(piece)
                    pos = self._place(found, out, pos)
                    raws += found
                elif piece:
                    for term, at in cjk_terms(piece, pos, index=True):
                        out.setdefault(term, []).append(at)
                    pos += max(1, len(piece) - 1)
        if words is not None:
            words.update(
                w.lower() for w in set(raws) if MIN_WORD <= len(w) <= MAX_SUGGESTED and w.isalpha()
            )
        return out

    def _place(self, raws: list[str], out: dict[str, list[int]], pos: int) -> int:
        """Add the terms of these words from position `pos`; the next position."""
        get = self._cache.get
        terms = [get(raw, _MISSING) for raw in raws]
        if _MISSING in terms:
            word = self.word
            terms = [word(raw) if t is _MISSING else t for raw, t in zip(raws, terms, strict=True)]
        for at, term in enumerate([t for t in terms if t is not None], pos):
            seen = out.get(term)
            if seen is None:
                out[term] = [at]
            else:
                seen.append(at)
            pos = at + 1
        return pos

    def tokens(self, text: str, *, index: bool = False) -> Iterator[tuple[str, int, int, int]]:
        """(term, position, start, end) of every term in `text`, with character offsets into
        `text` as given (each word is normalised on its own, so offsets stay those of the
        text shown); query form unless `index` (which adds CJK unigrams)."""
        pos = 0
        if not has_cjk(text):
            for m in plain_words(text):
                term = self.term(m.group())
                if term is not None:
                    yield term, pos, m.start(), m.end()
                    pos += 1
            return
        for m in _regex(_TOKEN).finditer(text):
            run = m.group(1)
            if run is None:
                term = self.term(m.group())
                if term is not None:
                    yield term, pos, m.start(), m.end()
                    pos += 1
                continue
            start = m.start()
            norm = normalize(run)
            same = len(norm) == len(run)  # else (half-width kana) the run is one span
            for term, at in cjk_terms(norm, pos, index=index):
                if same:
                    i = at - pos
                    yield term, at, start + i, start + i + len(term)
                else:
                    yield term, at, start, m.end()
            pos += max(1, len(norm) - 1)


def plain_words(text: str) -> Iterator[re.Match]:
    """The words of a text without CJK, as `Analysis.tokens` finds them (each one's term:
    `Analysis.term`)."""
    return _PLAIN_TOKEN.finditer(text)


def cjk_terms(run: str, pos: int, *, index: bool) -> Iterator[tuple[str, int]]:
    """Bigrams of a CJK run from position `pos` (one per position), with the characters as
    unigrams at the same positions when indexing (the last one shares the last bigram's)."""
    n = len(run)
    if n == 1:
        yield run, pos
        return
    for i in range(n - 1):
        yield run[i : i + 2], pos + i
        if index:
            yield run[i], pos + i
    if index:
        yield run[-1], pos + n - 2


_detector: dict[str, dict[str, float]] | None = None


def _stop_weights() -> dict[str, dict[str, float]]:
    """word -> {language: weight}: a stop word shared by k languages counts 1/k for each.
    Words of one or two letters are left out: they are too often something else (initials,
    units, syllables of names) to tell languages apart."""
    global _detector
    if _detector is None:
        from whoosh.lang.stopwords import stoplists

        owners: dict[str, list[str]] = {}
        for lang in LANGUAGES:
            for word in stoplists[lang]:
                if len(word) >= 3:
                    owners.setdefault(word, []).append(lang)
        _detector = {w: {lang: 1 / len(langs) for lang in langs} for w, langs in owners.items()}
    return _detector


def vault_language(langs: list[str]) -> str | None:
    """The one language of a vault whose notes (a sample of them) are in `langs`: the
    language of at least SINGLE_SHARE of them, or None for a mixed vault."""
    if not langs:
        return DEFAULT
    best = max(set(langs), key=langs.count)
    return best if langs.count(best) >= SINGLE_SHARE * len(langs) else None


def detect_language(text: str) -> str:
    """The language a note is written in: `cjk` when a third of its letters are CJK, else
    the language whose stop words it uses most (clearly more than the runner-up), else
    DEFAULT."""
    sample = normalize(text[:_SAMPLE_CHARS]).lower()
    cjk = sum(len(run) for run in _regex(_CJK_RUN).findall(sample)) if has_cjk(sample) else 0
    if cjk:
        letters = sum(1 for ch in sample if ch.isalpha())
        if cjk * 3 >= letters:
            return CJK
    weights = _stop_weights()
    scores: dict[str, float] = {}
    for word in _PLAIN_TOKEN.findall(sample):
        for lang, w in weights.get(word, {}).items():
            scores[lang] = scores.get(lang, 0.0) + w
    if not scores:
        return DEFAULT
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if score >= 2.0 and score >= 1.5 * runner_up:
        return best
    return DEFAULT


class Analyzed:
    """A text already analysed (term -> positions), given to Whoosh as a field's value so the
    index does not analyse it again."""

    __slots__ = ("positions",)

    def __init__(self, positions: dict[str, list[int]]):
        self.positions = positions
