"""Full-text search and "more like this" over the Whoosh index (see vault.search.index).

Every call first brings the index up to date with the catalog, so results are always fresh.
Queries use Whoosh's language over title, body and tags: terms joined with AND, OR, NOT,
"phrases", field:value (title, body, tags, type, parent, date, id), wildcards and fuzzy term~.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from vault.catalog import Catalog
from vault.errors import InvalidInput, NoteNotFound, VaultError
from vault.filters import id_scope
from vault.model import Hit, NoteFilter
from vault.repository import Repository
from vault.search.index import Notify, Progress, index_dir, open_index, repair_index, update_index
from vault.search.query import OPERATORS, check_syntax, note_filter, parse_query, vocabulary
from vault.search.schema import TEXT_FIELDS
from vault.search.snippets import Snippets

_QUERY_WORD = re.compile(r"(?<![\w:\\])([^\W\d_][\w'-]*)(?![\w:~*?])")


def search(
    catalog: Catalog,
    query: str,
    flt: NoteFilter = NoteFilter(),  # noqa: B008 - frozen, so one shared default is safe
    *,
    repo: Repository | None = None,
    cwd_prefix: str | None = None,
    restrict_to: set[str] | None = None,
    limit: int | None = 20,
    snippets: bool = True,
    progress: Progress | None = None,
    notify: Notify | None = None,
) -> list[Hit]:
    """The notes matching `query` and passing `flt` (vault.filters' rules), best first;
    `restrict_to` further keeps only those ids. Raises InvalidInput for a malformed query."""
    text = " ".join(query.split())
    if not text:
        raise InvalidInput("empty query; give words to search for, e.g. `vault search exosome`")
    check_syntax(text)
    if limit is not None and limit < 1:
        raise InvalidInput("--limit must be at least 1")
    scope = id_scope(catalog, flt, repo, cwd_prefix)
    if restrict_to is not None:
        scope = set(restrict_to) if scope is None else scope & set(restrict_to)

    def run(searcher) -> list[Hit]:
        q = parse_query(searcher.schema, text)
        docs = note_filter(searcher, flt, scope)
        if docs is not None and not docs:
            return []
        results = searcher.search(q, limit=limit, filter=docs, mask=vocabulary(), terms=True)
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
            return len(searcher.search(q, limit=1, mask=vocabulary())) > 0

        out, changed, last = [], False, 0
        for m in _QUERY_WORD.finditer(text):
            word = m.group(1)
            field = re.search(r"(\w+):\"?$", text[: m.start()])
            if word in OPERATORS or (field and field.group(1) not in TEXT_FIELDS):
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
    catalog: Catalog,
    note_id: str,
    limit: int = 10,
    *,
    progress: Progress | None = None,
    notify: Notify | None = None,
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

    return with_searcher(catalog, run, progress=progress, notify=notify)


def with_searcher(
    catalog: Catalog,
    fn: Callable,
    *,
    progress: Progress | None = None,
    notify: Notify | None = None,
):
    """Bring the index up to date, then call fn(searcher). A failure to read the index (not a
    VaultError) leads to a repair, then to a forced rebuild, each followed by one retry."""
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


# --- hits --------------------------------------------------------------------------------------


def _hits(catalog: Catalog, results, snippets: bool) -> list[Hit]:
    maker = Snippets(results.searcher) if snippets else None
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
        if maker is not None:
            try:
                terms = _words(hit.matched_terms())
            except Exception:  # results made without terms=True (more-like-this)
                terms = query_terms
            snippet, marks = maker.of(catalog.vault.path_of(note_id), note_id, terms)
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
