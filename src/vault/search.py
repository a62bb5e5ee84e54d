"""Full-text search and "more like this" over the Whoosh index (see vault.index).

Every call first brings the index up to date with the catalog, so results are always fresh.
Queries use Whoosh's language over title, body and tags: terms joined with AND, OR, NOT,
"phrases", field:value (title, body, tags, type, parent, date, id), wildcards and fuzzy term~.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from vault.catalog import Catalog
from vault.errors import InvalidInput, NoteNotFound
from vault.index import (
    QUERY_FIELDS,
    TEXT_FIELDS,
    Notify,
    Progress,
    index_dir,
    normalize_type,
    open_index,
    repair_index,
    stderr_note,
    update_index,
)
from vault.notes import HEADER_LINE, read_note

# Snippets: one line of about this many characters around the best-matching passage.
SNIPPET_CHARS = 160
# Words of the query language that are not search terms.
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}
_FIELD_PREFIX = re.compile(r"(?<![\w\\])([A-Za-z_]\w*):(?=[^\s)])")
_DATE_CLAUSE = re.compile(r"\bdate:(\[[^\]]*\]|\{[^}]*\}|[<>]=?\S+|\S+)")
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})(?:-(\d{2}))?\b")
_DANGLING = re.compile(r"^(?:AND|OR|ANDNOT|ANDMAYBE)\b|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)$")
_QUERY_WORD = re.compile(r"(?<![\w:\\])([^\W\d_][\w'-]*)(?![\w:~*?])")
# Marks around highlighted words in a snippet before they become spans.
_ON, _OFF = "\x02", "\x03"


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result."""

    id: str
    title: str
    # ISO date or None.
    date: str | None
    type: str | None
    # Resolved parent id, or None.
    parent: str | None
    score: float
    # One line of the note around the matched words (plain text).
    snippet: str
    # (start, end) character spans of the matched words within `snippet`.
    marks: tuple[tuple[int, int], ...] = ()


def search(
    catalog: Catalog,
    query: str,
    *,
    note_type: str | None = None,
    under: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = 20,
    restrict_to: set[str] | None = None,
    snippets: bool = True,
    progress: Progress | None = None,
    notify: Notify | None = stderr_note,
) -> list[Hit]:
    """The notes matching `query`, best first.

    `note_type` keeps notes of that type (any case); `under` (a note id) keeps that note and
    every descendant through Parent; `since`/`until` (ISO dates) bound the note's own date;
    `restrict_to` keeps only those ids. Raises InvalidInput for a malformed query.
    """
    text = " ".join(query.split())
    if not text:
        raise InvalidInput("empty query; give words to search for, e.g. `vault search exosome`")
    check_syntax(text)
    allowed = restrict_to
    if under is not None:
        subtree = descendants(catalog, under)
        allowed = subtree if allowed is None else subtree & set(allowed)
    if limit is not None and limit < 1:
        raise InvalidInput("--limit must be at least 1")

    def run(searcher) -> list[Hit]:
        q = parse_query(searcher.schema, text)
        flt = _filter(searcher, note_type, since, until, allowed)
        if flt is not None and not flt:
            return []
        results = searcher.search(q, limit=limit, filter=flt, mask=_vocabulary(), terms=True)
        return _hits(catalog, results, snippets)

    return with_searcher(catalog, run, progress=progress, notify=notify)


def suggest(catalog: Catalog, query: str) -> str | None:
    """A corrected query (each unknown word replaced by the closest indexed word) that finds
    something, or None. Only the spelling is corrected; filters are not considered."""
    text = " ".join(query.split())

    def run(searcher) -> str | None:
        reader = searcher.reader()
        corrector = searcher.corrector("words")

        def finds(words: str) -> bool:
            try:
                q = parse_query(searcher.schema, words)
            except InvalidInput:
                return False
            return len(searcher.search(q, limit=1, mask=_vocabulary())) > 0

        out, changed, last = [], False, 0
        for m in _QUERY_WORD.finditer(text):
            word = m.group(1)
            field = re.search(r"(\w+):\"?$", text[: m.start()])
            if word in _OPERATORS or (field and field.group(1) not in TEXT_FIELDS):
                continue
            if ("words", word.lower()) in reader:
                continue
            # Whoosh ranks suggestions by frequency alone: try the closest spellings first.
            # The vocabulary may hold words of deleted notes: keep only words still found.
            for maxdist in (1, 2):
                found = [
                    w for w in corrector.suggest(word.lower(), limit=5, maxdist=maxdist) if finds(w)
                ]
                if found:
                    out.append(text[last : m.start()] + found[0])
                    last, changed = m.end(), True
                    break
        if not changed:
            return None
        fixed = "".join(out) + text[last:]
        return fixed if finds(fixed) else None

    return with_searcher(catalog, run, notify=None)


def related(
    catalog: Catalog, note_id: str, limit: int = 10, *, progress: Progress | None = None
) -> list[Hit]:
    """The notes most like `note_id` (Whoosh more-like-this on its key terms), best first."""
    note = catalog.read(note_id)

    def run(searcher) -> list[Hit]:
        docnum = searcher.document_number(id=note_id)
        if docnum is None:
            raise NoteNotFound(note_id)
        text = f"{note.record.title}\n{note.body}"
        results = searcher.more_like(docnum, "body", text=text, top=limit, numterms=15)
        return _hits(catalog, results, True)

    return with_searcher(catalog, run, progress=progress)


def descendants(catalog: Catalog, note_id: str) -> set[str]:
    """`note_id` and every note below it through resolved Parent links."""
    children = catalog.children
    seen = {note_id}
    stack = [note_id]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def with_searcher(
    catalog: Catalog,
    fn: Callable,
    *,
    progress: Progress | None = None,
    notify: Notify | None = stderr_note,
):
    """Bring the index up to date, then call fn(searcher). A failure to read the index (not a
    VaultError) leads to a repair, then to a forced rebuild, each followed by one retry."""
    from vault.errors import VaultError

    update_index(catalog, progress=progress, notify=notify)
    folder = index_dir(catalog)
    for attempt in range(3):
        try:
            ix = open_index(folder)
            with ix.searcher() as searcher:
                return fn(searcher)
        except VaultError:
            raise
        except Exception as exc:
            if attempt == 2:
                raise
            problem = f"the search index could not be read ({type(exc).__name__})"
            repair_index(catalog, problem, force=attempt == 1, progress=progress, notify=notify)
    raise AssertionError("unreachable")


# --- queries ---------------------------------------------------------------------------------


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


def parse_query(schema, text: str):
    """The Whoosh query for `text`; InvalidInput when a part of it cannot be understood."""
    from whoosh import qparser

    # Whoosh's date parser misreads ISO dates with dashes inside ranges: write them compactly.
    compact = _DATE_CLAUSE.sub(lambda m: _ISO_DAY.sub(r"\1\2\3", m.group(0)), text)
    problems: list[str] = []
    parser = qparser.MultifieldParser(list(TEXT_FIELDS), schema)
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
    return _positive(q)


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


def _vocabulary():
    """The query matching vocabulary documents, which are never hits."""
    from whoosh import query

    from vault.index import VOCAB

    return query.Term("kind", VOCAB)


def _filter(searcher, note_type, since, until, allowed: Iterable[str] | None):
    """None (no filter) or the set of document numbers the hits must come from."""
    from whoosh import query

    parts = []
    if note_type:
        parts.append(query.Term("kind", normalize_type(note_type)))
    if since or until:
        start = dt.datetime.fromisoformat(since) if since else None
        end = dt.datetime.fromisoformat(until) if until else None
        parts.append(query.DateRange("date", start, end))
    docs = None
    if allowed is not None:
        docs = set()
        for note_id in allowed:
            docnum = searcher.document_number(id=note_id)
            if docnum is not None:
                docs.add(docnum)
    if parts:
        matching = set(searcher.docs_for_query(query.And(parts)))
        docs = matching if docs is None else docs & matching
    return docs


# --- hits --------------------------------------------------------------------------------------


def _hits(catalog: Catalog, results, snippets: bool) -> list[Hit]:
    from whoosh import highlight

    fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
    formatter = _MarkFormatter()
    analyzer = results.searcher.schema["body"].analyzer
    try:
        query_terms = _words(results.q.iter_all_terms())
    except Exception:
        query_terms = set()
    hits = []
    for hit in results:
        note_id = hit["id"]
        if note_id not in catalog.records:  # deleted since the walk
            continue
        snippet, marks = "", ()
        if snippets:
            try:
                terms = _words(hit.matched_terms())
            except Exception:  # results made without terms=True (more-like-this)
                terms = query_terms
            snippet, marks = _snippet(catalog, note_id, terms, analyzer, fragmenter, formatter)
        hits.append(
            # The index is fresh and stores what the record says: no need to build records.
            Hit(
                id=note_id,
                title=hit.get("title", ""),
                date=_iso(hit.get("date")),
                type=hit.get("type"),
                parent=hit.get("parent"),
                score=round(float(hit.score or 0.0), 4),
                snippet=snippet,
                marks=marks,
            )
        )
    return hits


def _iso(value) -> str | None:
    return value.date().isoformat() if isinstance(value, dt.datetime) else None


def _words(pairs) -> set[str]:
    """The texts of title and body terms: both fields share one analyzer, so a word matched
    in the title (title:exosome) is highlighted in the body too."""
    out = set()
    for field, text in pairs:
        if field in ("title", "body"):
            out.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return out


def _snippet(catalog, note_id, terms, analyzer, fragmenter, formatter):
    from whoosh import highlight

    body = _body_text(catalog.vault.path_of(note_id), note_id)
    marked = ""
    if body and terms:
        # Analysing a whole note for its best passage is slow; the passage is nearly always
        # around the first place where a matched stem starts a word, so look there first.
        found = [m.start() for t in terms if (m := re.search(rf"(?i)\b{re.escape(t)}", body))]
        window = body[max(0, min(found) - 400) : min(found) + 400] if found else body
        marked = highlight.highlight(window, terms, analyzer, fragmenter, formatter, top=1)
        if not marked and window is not body:
            marked = highlight.highlight(body, terms, analyzer, fragmenter, formatter, top=1)
    if not marked:
        return _clip(_one_line(body), ())
    return _clip(*_spans(_one_line(marked)))


def _body_text(path, note_id: str) -> str:
    """The body as the note parser reads it (front matter and header block removed), less a
    leading `# Title` and any `Key: value` lines under it: those are shown apart from the
    snippet."""
    try:
        body = read_note(path, note_id).body
    except OSError:
        return ""
    lines = body.lstrip("\n").split("\n")
    start = 0
    if lines and lines[0].startswith("# "):
        start = 1
        while start < len(lines) and not lines[start].strip():
            start += 1
        while start < len(lines) and HEADER_LINE.match(lines[start].replace("**", "")):
            start += 1
    return "\n".join(lines[start:])


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


def _MarkFormatter():  # noqa: N802 - built lazily so whoosh is imported only when searching
    return _mark_formatter_class()()
