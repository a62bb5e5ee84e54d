"""Full-text search and "more like this" over the Whoosh index (see vault.search.index).

Every call first brings the index up to date with the catalog, so results are always fresh.
Plain words and questions are ranked (vault.search.freetext); otherwise queries use Whoosh's
language over title, body and tags: terms joined with AND, OR, NOT, "phrases", field:value
(title, body, tags, type, parent, date, id), wildcards and fuzzy term~.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable

from vault.catalog import Catalog
from vault.errors import InvalidInput, NoteNotFound, VaultError
from vault.filters import id_scope
from vault.model import Hit, NoteFilter
from vault.options import MODE, RELATED_LIMIT, SEARCH_LIMIT, check
from vault.repository import Repository
from vault.search.analysis import ALL_LANGUAGES, MAX_SUGGESTED, has_cjk
from vault.search.freetext import stop_words
from vault.search.index import Notify, Progress, repair_index, searchable
from vault.search.query import (
    OPERATORS,
    check_size,
    check_syntax,
    languages,
    mask_for,
    note_filter,
    parse_query,
)
from vault.search.schema import TEXT_FIELDS, body_field, id_key, id_of
from vault.search.searchers import index_searcher
from vault.search.snippets import Snippets

# A word of a query that "did you mean" may correct; compiled on first use (re keeps it),
# since only a search that found nothing needs it (4 ms of every search's start otherwise).
_QUERY_WORD = r"(?<![\w:\\])([^\W\d_][\w'-]*)(?![\w:~*?])"
# "Did you mean" stops looking after this long: on a vault with a huge vocabulary a query
# with no hits must not cost more than one with hits.
SUGGEST_SECONDS = 0.3


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
    folders: tuple[str, ...] = (),
    lang: str | None = None,
    mode: str = MODE.default,
    explain: bool = False,
    progress: Progress | None = None,
    notify: Notify | None = None,
) -> list[Hit]:
    """The notes matching `query` and passing `flt` (vault.filters' rules), best first;
    `restrict_to` further keeps only those ids, `folders` only the notes in those folders;
    `lang` ranks notes of that language first (default: the query's). `mode` ranks by the
    words (keyword), by meaning (semantic: section vectors) or by both fused (hybrid);
    `explain` says on each hit how it was ranked. Raises InvalidInput for a malformed
    query."""
    text = " ".join(query.split())
    if not text:
        raise InvalidInput("empty query; give words to search for, e.g. `vault search exosome`")
    check_size(text)
    check_syntax(text)
    check(SEARCH_LIMIT, limit)
    check(MODE, mode)
    if lang is not None and lang not in ALL_LANGUAGES:
        raise InvalidInput(f"unknown language {lang!r}; use one of: {', '.join(ALL_LANGUAGES)}")
    scope = id_scope(catalog, flt, repo, cwd_prefix)
    if restrict_to is not None:
        scope = set(restrict_to) if scope is None else scope & set(restrict_to)
    if folders:
        inside = in_folders(catalog, folders)
        scope = inside if scope is None else scope & inside

    vectors = None
    if mode != "keyword" or explain:
        from vault.search.vectors import fresh_vectors

        vectors = fresh_vectors(catalog, progress=progress, notify=notify)

    def run(searcher) -> list[Hit]:
        q = parse_query(searcher, text, lang)
        docs = note_filter(searcher, flt, scope)
        if docs is not None and not docs:
            return []
        terms = _positive_terms(q, searcher.reader())
        if vectors is None:
            results = searcher.search(q, limit=limit, filter=docs, mask=mask_for(q))
            return _hits(catalog, results, terms, snippets)
        return _ranked(
            catalog, searcher, q, docs, scope, vectors, text, mode, limit, terms, snippets, explain
        )

    return with_searcher(catalog, run, progress=progress, notify=notify)


def in_folders(catalog: Catalog, folders: tuple[str, ...]) -> set[str]:
    """The ids of the notes in these folders of the vault (subfolders included);
    InvalidInput for a folder the vault does not have."""
    prefixes = []
    for folder in folders:
        name = folder.replace("\\", "/").strip().strip("/")
        if name in ("", "."):
            return set(catalog.records)
        if not (catalog.vault.root / name).is_dir():
            raise InvalidInput(f"no folder {folder!r} in the vault; --in takes a folder's path")
        prefixes.append(name + "/")
    return {i for i in catalog.records if i.startswith(tuple(prefixes))}


def suggest(catalog: Catalog, query: str) -> str | None:
    """A corrected query (each unknown word replaced by the closest indexed word) that finds
    something, or None. Only the spelling is corrected; filters are not considered.

    The work is bounded: CJK words and words over MAX_SUGGESTED letters are not corrected,
    a suggestion shares the word's first letter (Whoosh then walks only that part of the
    vocabulary), and the search for one stops after SUGGEST_SECONDS."""
    text = " ".join(query.split())
    deadline = time.monotonic() + SUGGEST_SECONDS

    def run(searcher) -> str | None:
        reader = searcher.reader()
        corrector = searcher.corrector("words")
        # Stop words are never corrected ("I link notes" is not "in link notes").
        stops = set().union(*(stop_words(lang) for lang in languages(searcher)))

        def finds(words: str) -> bool:
            try:
                q = parse_query(searcher, words)
            except InvalidInput:
                return False
            return not searcher.search(q, limit=1, mask=mask_for(q)).is_empty()

        out, changed, last = [], False, 0
        for m in re.finditer(_QUERY_WORD, text):
            word = m.group(1)
            field = re.search(r"(\w+):\"?$", text[: m.start()])
            if word in OPERATORS or (field and field.group(1) not in TEXT_FIELDS):
                continue
            low = word.lower()
            if low in stops or len(low) > MAX_SUGGESTED or has_cjk(low) or ("words", low) in reader:
                continue
            # Whoosh ranks suggestions by frequency alone: try the closest spellings first.
            # The vocabulary may hold words of deleted notes: keep only words still found.
            for maxdist in (1, 2):
                if time.monotonic() > deadline:
                    return None
                candidates = corrector.suggest(low, limit=5, maxdist=maxdist, prefix=1)
                found = [w for w in candidates if time.monotonic() < deadline and finds(w)]
                if found:
                    out.append(text[last : m.start()] + found[0])
                    last, changed = m.end(), True
                    break
        if not changed:
            return None
        fixed = "".join(out) + text[last:]
        return fixed if finds(fixed) else None

    # The search just brought the index up to date. A suggestion is a courtesy: an index that
    # cannot be read (a temporary one is gone by now) means no suggestion, not an error.
    try:
        return with_searcher(catalog, run, notify=None, refresh=False)
    except Exception:
        return None


def related(
    catalog: Catalog,
    note_id: str,
    limit: int = 10,
    *,
    progress: Progress | None = None,
    notify: Notify | None = None,
) -> list[Hit]:
    """The notes most like `note_id`, best first: more-like-this on its key terms (in its
    own language's field; vault.search.morelike: Whoosh's ranking, at a tenth of the cost)
    fused with the notes nearest by their sections' vectors (vault.search.alike), which
    ranks better than either alone (bench/bench_related.py)."""
    from vault.search import fusion
    from vault.search.alike import by_sections
    from vault.search.morelike import more_like
    from vault.search.vectors import fresh_vectors

    check(RELATED_LIMIT, limit)
    note = catalog.read(note_id)
    vectors = fresh_vectors(catalog, progress=progress, notify=notify)

    def run(searcher) -> list[Hit]:
        docnum = searcher.document_number(id=id_key(note_id))
        if docnum is None:
            raise NoteNotFound(note_id)
        lang = searcher.stored_fields(docnum).get("lang") or "en"
        text = f"{note.record.title}\n{note.body}"
        alike, q = more_like(searcher, docnum, body_field(lang), text, fusion.DEPTH, 15)
        keyword = [id_of(searcher.stored_fields(d)["id"]) for d in alike]
        order = fusion.fuse(keyword, by_sections(vectors, note_id, fusion.DEPTH))[:limit]
        found = []
        for other, score in order:
            docnum = searcher.document_number(id=id_key(other))
            if docnum is not None:
                found.append(fields := _Found(searcher.stored_fields(docnum)))
                fields.score = score
        return _hits(catalog, found, _positive_terms(q, searcher.reader()), True)

    return with_searcher(catalog, run, progress=progress, notify=notify)


def with_searcher(
    catalog: Catalog,
    fn: Callable,
    *,
    progress: Progress | None = None,
    notify: Notify | None = None,
    refresh: bool = True,
):
    """Bring the index up to date, then call fn(searcher). A failure to read the index (not a
    VaultError) leads to a repair, then to a forced rebuild, each followed by one retry."""
    from vault.search.index import index_dir

    if not refresh:  # as it is: no repair either
        with index_searcher(index_dir(catalog)) as searcher:
            return fn(searcher)
    with searchable(catalog, progress=progress, notify=notify) as folder:
        return _searching(catalog, folder, fn, progress, notify, folder != index_dir(catalog))


def _searching(catalog, folder, fn, progress, notify, private: bool):
    for attempt in range(3):
        try:
            with index_searcher(folder) as searcher:
                return fn(searcher)
        except VaultError:
            raise
        except Exception as exc:
            if attempt == 2:
                raise
            problem = f"the search index could not be read ({type(exc).__name__})"
            repair_index(
                catalog,
                problem,
                force=attempt == 1,
                progress=progress,
                notify=notify,
                folder=folder if private else None,
            )
    raise AssertionError("unreachable")


# --- semantic and hybrid --------------------------------------------------------------------


class _Found(dict):
    """A note's stored fields with a score: what _hits reads of a Whoosh hit."""

    score: float = 0.0


def _ranked(
    catalog, searcher, q, docs, scope, vectors, text, mode, limit, terms, snippets, explain
):
    """The hits of a semantic or hybrid search (or of a keyword one, explained): both
    rankings read DEPTH deep within the filters, then fused (vault.search.fusion)."""
    from vault.search import embedding, fusion
    from vault.search.alike import nearest
    from vault.search.freetext import question_less

    depth = max(limit or 0, fusion.DEPTH)
    keyword = [
        id_of(hit["id"]) for hit in searcher.search(q, limit=depth, filter=docs, mask=mask_for(q))
    ]
    allowed = scope
    if docs is not None:
        allowed = {id_of(searcher.stored_fields(d)["id"]) for d in docs}
    query_vector = embedding.embed([question_less(text)])[0]
    near = nearest(vectors, query_vector, allowed, depth)
    semantic = [note_id for note_id, _, _ in near]
    if mode == "keyword":
        order = [(i, None) for i in keyword]
    elif mode == "semantic":
        order = [(note_id, cosine) for note_id, cosine, _ in near]
    else:
        order = fusion.fuse(keyword, semantic)
    order = order[:limit] if limit else order
    found = []
    for note_id, score in order:
        docnum = searcher.document_number(id=id_key(note_id))
        if docnum is None:
            continue
        fields = _Found(searcher.stored_fields(docnum))
        fields.score = score if score is not None else 0.0
        found.append(fields)
    if mode == "keyword":  # the keyword scores, as without --explain
        scored = {
            id_of(h["id"]): h.score
            for h in searcher.search(q, limit=len(found) or 1, filter=docs, mask=mask_for(q))
        }
        for fields in found:
            fields.score = scored.get(id_of(fields["id"]), 0.0)
    hits = _hits(catalog, found, terms, snippets)
    if not explain:
        return hits
    from dataclasses import replace

    from vault.model import Explain
    from vault.search.alike import best_chunk, chunk_text

    keyword_rank = {note_id: k for k, note_id in enumerate(keyword, 1)}
    vector_rank = {note_id: k for k, note_id in enumerate(semantic, 1)}
    out = []
    for hit in hits:
        chunk, cosine = best_chunk(vectors, hit.id, query_vector)
        out.append(
            replace(
                hit,
                explain=Explain(
                    keyword_rank=keyword_rank.get(hit.id),
                    vector_rank=vector_rank.get(hit.id),
                    fused=hit.score,
                    chunk=chunk_text(catalog, hit.id, chunk),
                    cosine=None if cosine is None else round(cosine, 4),
                ),
            )
        )
    return out


# --- hits --------------------------------------------------------------------------------------


def _positive_terms(q, reader) -> set[str]:
    """The texts of the title and body terms a query looks for (not those it excludes), with
    wildcards, prefixes and fuzzy terms expanded to the indexed terms they match: what
    snippets highlight."""
    from whoosh import query

    out: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, query.Not):
            return
        if isinstance(node, query.AndNot):
            walk(node.a)
            return
        if isinstance(node, query.AndMaybe):
            walk(node.a)  # the name bonus is not a word to highlight
            walk(node.b)
            return
        if isinstance(node, (query.Term, query.Phrase)) or not node.children():
            for field, text in node.existing_terms(reader, phrases=True, expand=True):
                if field.startswith(("title_", "body_")):
                    out.add(text.decode("utf-8") if isinstance(text, bytes) else text)
            return
        for child in node.children():
            walk(child)

    try:
        walk(q)
    except Exception:  # a query type without terms
        pass
    return out


def _hits(catalog: Catalog, results, terms: set[str], snippets: bool) -> list[Hit]:
    maker = Snippets(terms, catalog.kind.name == "dendron") if snippets else None
    hits = []
    for hit in results:
        note_id = id_of(hit["id"])
        if note_id not in catalog.records:  # deleted since the walk
            continue
        snippet, marks = "", ()
        title, parent = hit.get("title", ""), hit.get("parent")
        if "\ufffd" in title or (parent and "\ufffd" in parent):  # a name not UTF-8
            title, parent = catalog.records[note_id].title, catalog.parent_id(note_id)
        if maker is not None:
            path = catalog.vault.path_of(note_id)
            snippet, marks = maker.of(path, hit.get("style"), hit.get("lang"), title)
        hits.append(
            # The index is fresh and stores what the record says: no need to build records.
            Hit(
                id=note_id,
                title=title,
                date=_iso(hit.get("date")),
                type=hit.get("type"),
                parent=parent,
                score=round(float(hit.score or 0.0), 4),
                snippet=snippet,
                marks=marks,
            )
        )
    return hits


def _iso(value) -> str | None:
    return value.date().isoformat() if isinstance(value, dt.datetime) else None
