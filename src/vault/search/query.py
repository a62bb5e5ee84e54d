"""The query language: Whoosh's, checked first for what Whoosh would silently misread, with
`title`, `body` and unfielded words expanded to every language's fields; and the filter that
keeps only the notes a NoteFilter's type and dates allow."""

from __future__ import annotations

import re

from vault.errors import InvalidInput
from vault.model import NoteFilter
from vault.search.analysis import ALL_LANGUAGES, DEFAULT
from vault.search.freetext import (
    ALL_WORDS_BOOST,
    COORDINATION,
    LANGUAGE_BOOST,
    NEAR_BOOST,
    NEAR_SLOP,
    content_words,
    free_words,
    query_language,
    question_less,
)
from vault.search.schema import (
    QUERY_FIELDS,
    VOCAB,
    body_field,
    fold_name,
    id_key,
    make_schema,
    title_field,
)
from vault.text import day_start, fold

# Words of the query language that are not search terms.
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}
_FIELD_PREFIX = re.compile(r"(?<![\w\\])([A-Za-z_]\w*):(?=[^\s)])")
_DATE_CLAUSE = re.compile(r"\bdate:(\[[^\]]*\]|\{[^}]*\}|[<>]=?\S+|\S+)")
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})(?:-(\d{2}))?\b")
_DANGLING = re.compile(r"^(?:AND|OR|ANDNOT|ANDMAYBE)\b|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)$")


def check_syntax(text: str) -> None:
    """Reject what Whoosh would silently misread: unclosed quotes, brackets, unknown fields."""
    unescaped = re.sub(r"\\.", "", text)
    if unescaped.count('"') % 2:
        raise InvalidInput(f"malformed query {text!r}: a double quote is not closed")
    outside = re.sub(r'"[^"]*"', '""', unescaped)
    for open_, close in ("()", "[]", "{}"):
        depth = 0
        for ch in outside:
            depth += (ch == open_) - (ch == close)
            if depth < 0:
                break
        if depth:
            raise InvalidInput(f"malformed query {text!r}: unbalanced {open_}{close}")
    if _DANGLING.search(outside.strip()):
        raise InvalidInput(
            f"malformed query {text!r}: AND, OR and NOT need a term on each side they join"
        )
    empty = re.search(r"(?<![\w\\])([A-Za-z_]\w*):(?=\s|$|\))", outside)
    if empty:
        raise InvalidInput(
            f"malformed query {text!r}: {empty.group(1)}: needs a value, e.g. {empty.group(1)}:word"
        )
    for m in _FIELD_PREFIX.finditer(outside):
        if m.group(1) not in QUERY_FIELDS:
            raise InvalidInput(
                f"malformed query {text!r}: unknown field {m.group(1)!r}; fields are "
                + ", ".join(QUERY_FIELDS)
                + ' (put text with ":" in quotes to search for it literally)'
            )


# Bounds on a query's cost (issue 24): its length, its words, its fuzzy and wildcard terms
# (each walks the vocabulary of every language field: a fuzzy term~2 took 0.3 s on the
# 1,000 Dendron notes; a 2.7 KB query of them took 70 s on 1,500 notes), and the words one
# of them may stand for.
MAX_QUERY_CHARS = 2000
MAX_QUERY_WORDS = 64
MAX_PATTERNS = 8
MAX_EXPANSIONS = 64


def check_size(text: str) -> None:
    """Refuse a query too long to answer quickly, naming the limit."""
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidInput(
            f"query too long: {len(text):,} characters; the limit is {MAX_QUERY_CHARS:,}"
        )
    words = len(re.findall(r"\w+", text))
    if words > MAX_QUERY_WORDS:
        raise InvalidInput(f"query too long: {words} words; the limit is {MAX_QUERY_WORDS}")
    patterns = len(re.findall(r"\S*[*?]\S*|\S+~\d*", text))
    if patterns > MAX_PATTERNS:
        raise InvalidInput(
            f"too many wildcard or fuzzy terms: {patterns}; the limit is {MAX_PATTERNS}"
        )


def parse_query(searcher, text: str, lang: str | None = None):
    """The Whoosh query for `text` over the fields `searcher`'s index has; InvalidInput when
    a part of it cannot be understood.

    `title:` and `body:` (and unfielded words) stand for the title and body fields of every
    language the index holds, each analysed its own way (vault.search.analysis). A query of
    plain words that is exactly a note's file name ranks that note first. Free text (no
    operator, quote, field or pattern: vault.search.freetext) is ranked over its content
    words; on an index of several languages, notes in `lang` (default: the query's) count
    more."""
    from whoosh import query

    langs = languages(searcher)
    reader = searcher.reader()
    words = free_words(text)
    prefer = lang
    if prefer is None and len(langs) > 1:
        weights = {la: reader.field_length(body_field(la)) for la in langs}
        prefer = query_language(words or re.findall(r"\w+", text), langs, weights)
    prefer = prefer if len(langs) > 1 else None
    if words is None:
        q = _parse(text, langs, prefer)
    else:
        content = content_words(words, prefer or langs[0]) if words else [text]
        ranked = _parse(" ".join(content), langs, prefer, coordination=len(content) > 1)
        if len(content) > 1:
            bonus = [
                _parse(" ".join(content), langs, prefer).with_boost(ALL_WORDS_BOOST),
                _parse(f'"{" ".join(content)}"~{NEAR_SLOP}', langs, prefer).with_boost(NEAR_BOOST),
            ]
            ranked = query.AndMaybe(ranked, query.Or(bonus))
        q = ranked
    q = _capped(_positive(q))
    return _present(_named(_adjacent(q), text), reader)


def _parse(text: str, langs: list[str], prefer: str | None, *, coordination: bool = False):
    from whoosh import qparser

    # Whoosh's date parser misreads ISO dates with dashes inside ranges: write them compactly.
    compact = _DATE_CLAUSE.sub(lambda m: _ISO_DAY.sub(r"\1\2\3", m.group(0)), text)
    problems: list[str] = []
    group = qparser.OrGroup.factory(COORDINATION) if coordination else qparser.AndGroup
    parser = qparser.QueryParser(None, parse_schema(), group=group)
    parser.add_plugin(_expand_plugin(langs, prefer))
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(qparser.GtLtPlugin())
    if "date:" in text:  # the date parser is costly to set up
        from whoosh.qparser.dateparse import DateParserPlugin

        parser.add_plugin(DateParserPlugin(free=False, callback=lambda e: problems.append(str(e))))
    try:
        q = parser.parse(compact)
    except Exception as exc:  # the parser's own errors have no common base class
        raise InvalidInput(f"malformed query {text!r}: {exc}") from None
    if problems:
        raise InvalidInput(f"malformed query {text!r}: cannot read the date in it")
    if _has_error(q):
        raise InvalidInput(f"malformed query {text!r}: Whoosh could not read part of it")
    return q


def _capped(q):
    """`q` with each wildcard, prefix and fuzzy term standing for at most MAX_EXPANSIONS
    indexed words (the alphabetically first): a pattern matching half the vocabulary then
    costs no more than 64 words, and scores as before."""
    import copy
    import itertools

    from whoosh import query

    def cap(node):
        if isinstance(node, (query.FuzzyTerm, query.Wildcard, query.Prefix, query.Regex)):
            capped = copy.copy(node)
            expand = node._btexts
            capped._btexts = lambda reader: itertools.islice(expand(reader), MAX_EXPANSIONS)
            return capped
        return node

    return q.accept(cap)


def _present(q, reader):
    """`q` with the terms the index does not hold left out of its ORs. A word is looked for
    in every field of every language, most of which lack it; an absent term's matcher keeps
    Whoosh from skipping blocks of the others, and made a common word's search three times
    as long. An OR with no term left keeps one, which matches nothing (as it should: left
    out, an AND would no longer need it)."""
    from whoosh import query

    def absent(node) -> bool:
        return type(node) is query.Term and (node.fieldname, node.text) not in reader

    def prune(node):
        if type(node) is query.Or:
            kept = [child for child in node.subqueries if not absent(child)]
            if len(kept) < len(node.subqueries):
                return query.Or(kept or node.subqueries[:1], boost=node.boost)
        return node

    return q.accept(prune)


def _adjacent(q):
    """Phrases, exact or within a slop (a CJK word is a phrase of its bigrams; free text's
    "the words near each other" bonus is one with slop NEAR_SLOP), matched by a walk over
    sorted positions instead of Whoosh's span objects: a word in 1,000 notes took 0.35 s as
    an exact phrase, and two common words near each other 1.2 s of a served search. The
    notes matched, and so the scores (the words' own), are Whoosh's."""
    from whoosh import query

    cls = _adjacent_phrase()

    def swap(node):
        if type(node) is query.Phrase and len(node.words) > 1:
            return cls(
                node.fieldname,
                node.words,
                slop=node.slop,
                boost=node.boost,
                char_ranges=node.char_ranges,
            )
        return node

    return q.accept(swap)


_ADJACENT = None


def _adjacent_phrase():
    """The Phrase subclass matched by positions (defined once: Whoosh may only be imported
    when it is needed)."""
    global _ADJACENT
    if _ADJACENT is not None:
        return _ADJACENT
    from whoosh import matching, query
    from whoosh.matching import binary
    from whoosh.query.spans import Span, SpanWrappingMatcher
    from whoosh.util import make_binary_tree

    class AdjacentMatcher(SpanWrappingMatcher):
        """Whoosh's SpanNear2(ordered=True, mindist=1, slop=slop) over the words' terms:
        each word follows the one before it by 1 to `slop` positions."""

        def __init__(self, ms, slop: int = 1):
            self.ms = ms
            self.slop = slop
            super().__init__(make_binary_tree(binary.IntersectionMatcher, ms))

        def copy(self):
            return self.__class__([m.copy() for m in self.ms], self.slop)

        def replace(self, minquality=0):
            return self if self.is_active() else matching.NullMatcher()

        def _get_spans(self):
            slop = self.slop
            ends = sorted(self.ms[0].value_as("positions"))
            for m in self.ms[1:]:
                # The places this word can end a match: 1 to `slop` after a place the
                # words before it could (both lists ascending: one pass over each).
                reached = []
                j, n = 0, len(ends)
                for r in sorted(m.value_as("positions")):
                    while j < n and ends[j] < r - slop:
                        j += 1
                    if j < n and ends[j] < r:
                        reached.append(r)
                if not reached:
                    return []
                ends = reached
            return [Span(e, e) for e in ends]

    class AdjacentPhrase(query.Phrase):
        def matcher(self, searcher, context=None):
            fieldname = self.fieldname
            if fieldname not in searcher.schema:
                return matching.NullMatcher()
            field = searcher.schema[fieldname]
            reader = searcher.reader()
            terms = []
            for word in self.words:
                word = field.to_bytes(word)
                if (fieldname, word) not in reader:
                    return matching.NullMatcher()
                terms.append(query.Term(fieldname, word))
            m = AdjacentMatcher([t.matcher(searcher, context) for t in terms], self.slop)
            return matching.WrappingMatcher(m, boost=self.boost) if self.boost != 1.0 else m

    _ADJACENT = AdjacentPhrase
    return _ADJACENT


# Title matches count this many times more, on top of the index's title boost (which BM25
# saturates: a title word alone would not outrank one mention in a short body).
TITLE_QUERY_BOOST = 2.0
# A note named exactly like the query gets this much added to its score: more than any
# note's words can earn, so it ranks first.
NAME_BONUS = 1000.0


def _named(q, text: str):
    """`q`, plus a bonus for the notes whose file name is the query (plain words only)."""
    from whoosh import query

    if q is query.NullQuery or free_words(text) is None:
        return q
    name = fold_name(question_less(text))
    bonus = query.ConstantScoreQuery(query.Term("name", name), NAME_BONUS)
    return query.AndMaybe(q, bonus)


def languages(searcher) -> list[str]:
    """The languages the index holds notes in (those whose body field has terms)."""
    present = set(searcher.reader().indexed_field_names())
    found = [lang for lang in ALL_LANGUAGES if body_field(lang) in present]
    return found or [DEFAULT]


def expansions(langs: list[str]) -> dict[str | None, list[str]]:
    """What each field name of the query language stands for."""
    titles = [title_field(lang) for lang in langs]
    bodies = [body_field(lang) for lang in langs]
    return {None: [*titles, *bodies, "tags"], "title": titles, "body": bodies}


_parse_schema = None


def parse_schema():
    """The index schema plus `title` and `body` as names the parser accepts (the expansion
    replaces them before any text is analysed)."""
    global _parse_schema
    if _parse_schema is None:
        from whoosh import fields

        schema = make_schema()
        schema.remove("title")
        schema.add("title", fields.TEXT())
        schema.add("body", fields.TEXT())
        _parse_schema = schema
    return _parse_schema


def _expand_plugin(langs: list[str], prefer: str | None):
    import copy

    from whoosh.qparser import Plugin, syntax

    names = expansions(langs)

    class Expand(Plugin):
        """Unfielded words and title:/body: become an OR over the real fields (as Whoosh's
        MultifieldPlugin does for unfielded words, keeping each node's boost)."""

        def filters(self, parser):
            return [(self.expand, 110)]  # after FieldsPlugin (100) has set field names

        def expand(self, parser, group):
            for i, node in enumerate(group):
                if isinstance(node, syntax.GroupNode):
                    group[i] = self.expand(parser, node)
                elif node.has_fieldname and node.fieldname in names:
                    copies = []
                    for fieldname in names[node.fieldname]:
                        new = copy.copy(node)
                        new.set_fieldname(fieldname, override=True)
                        boost = node.boost
                        if fieldname.startswith("title_"):
                            boost *= TITLE_QUERY_BOOST
                        if prefer and fieldname.endswith(f"_{prefer}"):
                            boost *= LANGUAGE_BOOST
                        if boost != node.boost:
                            new.set_boost(boost)
                        copies.append(new)
                    group[i] = syntax.OrGroup(copies)
            return group

    return Expand()


def _positive(q):
    """`NOT x` alone means every note without x (Whoosh would match nothing)."""
    from whoosh import query

    if isinstance(q, query.Not):
        return query.AndNot(query.Every(), q.query)
    if (
        isinstance(q, query.And)
        and q.subqueries
        and all(isinstance(c, query.Not) for c in q.subqueries)
    ):
        return query.AndNot(query.Every(), query.Or([c.query for c in q.subqueries]))
    return q


def _has_error(q) -> bool:
    from whoosh.query import Query

    if type(q).__name__ == "ErrorQuery":
        return True
    return any(_has_error(c) for c in q.children()) if isinstance(q, Query) else False


def vocabulary():
    """The query matching vocabulary documents, which are never hits."""
    from whoosh import query

    return query.Term("kind", VOCAB)


# Fields vocabulary documents have: only queries that can reach them need the mask.
_VOCAB_FIELDS = {"id", "kind", "words"}


def mask_for(q):
    """The mask that keeps vocabulary documents out of the hits of `q`, or None when `q`
    cannot match one (it only has a `words` field, an id and a kind). Masking costs: a
    common word searched with the mask took three times as long."""
    from whoosh import query

    def reaches(node) -> bool:
        if isinstance(node, query.Every):
            return True
        field = getattr(node, "fieldname", None)
        if field in _VOCAB_FIELDS:
            return True
        return any(reaches(child) for child in node.children())

    return vocabulary() if reaches(q) else None


def note_filter(searcher, flt: NoteFilter, scope: set[str] | None):
    """None (no filter) or the set of document numbers hits must come from: the notes of the
    filter's type (the index's `kind` is the folded type) dated within its bounds (an
    undated document has no date, so a bound drops it), within the id `scope`."""
    from whoosh import query

    parts = []
    if flt.note_type:
        parts.append(query.Term("kind", fold(flt.note_type)))
    if flt.since or flt.until:
        start = day_start(flt.since) if flt.since else None
        end = day_start(flt.until) if flt.until else None
        parts.append(query.DateRange("date", start, end))
    docs = None
    if scope is not None:
        docs = set()
        for note_id in scope:
            docnum = searcher.document_number(id=id_key(note_id))
            if docnum is not None:
                docs.add(docnum)
    if parts:
        matching = set(searcher.docs_for_query(query.And(parts)))
        docs = matching if docs is None else docs & matching
    return docs
