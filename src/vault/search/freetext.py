"""Free text: a query with no operator, quote, field, wildcard or fuzzy term, as users and
agents word questions ("how do I make text bold"). It is ranked, not matched: every content
word may match, notes with more of them, with them close together, or in the title rank
higher. The query language (vault.search.query) keeps its exact meaning when used.

The query's language is told from its stop words (a question always has some); they carry no
weight, and notes in that language rank first on a vault of several languages."""

from __future__ import annotations

import functools
import re

from vault.search.analysis import CJK, DEFAULT, LANGUAGES, has_cjk, normalize

# What makes a query use the query language rather than free text.
_SYNTAX = re.compile(r'[:"*?~^()\[\]{}\\]|(?<!\S)(?:AND|OR|NOT|ANDNOT|ANDMAYBE|TO)(?!\S)')
# A question mark closing the query is punctuation, not a one-letter wildcard.
_QUESTION_MARK = re.compile(r"\s*\?+\s*$")
_WORD = re.compile(r"\w+(?:['.]\w+)*")

# The Or of the words scales a note's score by how many of them it holds (Whoosh's
# coordination: 0 none of the bonus, 1 all of it).
COORDINATION = 0.9
# Added, times this, to a note holding every content word...
ALL_WORDS_BOOST = 1.0
# ...and to one holding them in order within this many words of each other.
NEAR_BOOST = 1.0
NEAR_SLOP = 8
# Notes in the query's language count this many times more (on a vault of several).
LANGUAGE_BOOST = 3.0

# Question words that Whoosh's stop lists lack, per language.
_EXTRA_STOP = {
    "en": {"would", "could", "get", "also", "via", "using", "use", "way", "ways"},
    "de": {"wie", "was", "wo", "warum", "kann", "ich"},
    "fr": {"comment", "quoi", "où", "pourquoi", "peut", "faire"},
    "es": {"cómo", "como", "qué", "dónde", "puedo", "hacer"},
    "it": {"come", "cosa", "dove", "posso", "fare"},
    "pt": {"como", "onde", "posso", "fazer"},
    "nl": {"hoe", "wat", "waar", "kan", "ik"},
}


@functools.cache
def stop_words(lang: str) -> frozenset[str]:
    """The words of `lang` a query ignores: Whoosh's (NLTK's) stop list, with question words."""
    if lang == CJK or lang not in LANGUAGES:
        return frozenset()
    from whoosh.lang.stopwords import stoplists

    return frozenset(stoplists.get(lang, ())) | _EXTRA_STOP.get(lang, set())


def question_less(text: str) -> str:
    """`text` without the question mark that closes it."""
    return _QUESTION_MARK.sub("", text)


def free_words(text: str) -> list[str] | None:
    """The words of `text` when it is free text, else None (it uses the query language)."""
    plain = question_less(text)
    if _SYNTAX.search(plain):
        return None
    return _WORD.findall(normalize(plain))


def query_language(words: list[str], present: list[str], weights: dict[str, int]) -> str:
    """The language of a query's words among those `present` in the index: the one whose
    stop words it uses most; CJK when it has CJK letters; else (and on a tie) English, as
    a note without stop words is read, then the language the index holds most text in
    (`weights`)."""
    if any(has_cjk(w) for w in words) and CJK in present:
        return CJK
    lowered = [w.lower() for w in words]
    hits = {lang: sum(w in stop_words(lang) for w in lowered) for lang in present}
    return max(present, key=lambda lang: (hits[lang], lang == DEFAULT, weights.get(lang, 0)))


def content_words(words: list[str], lang: str) -> list[str]:
    """The words that carry weight: the query's minus the stop words of its language (all of
    them when every one is a stop word), each once."""
    stops = stop_words(lang)
    kept = [w for w in words if w.lower() not in stops] or words
    return list(dict.fromkeys(kept))
