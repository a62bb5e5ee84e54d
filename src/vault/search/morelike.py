"""More like this, cheaply: the ranking Whoosh's `Searcher.more_like` gives (a note's key
terms by the Bo1 model, then an OR of them, each boosted by its weight, scored by BM25F),
the same notes in the same order, at a fraction of its cost.

Whoosh scores the OR one posting at a time in Python: at 10,000 notes the 15 key terms of a
note match ~18,000 postings, each scored through a chain of matchers and a length lookup
(~170 ms of CPU, most of `vault related` and so of `vault context`). Here each term's
postings are read a block at a time and scored with numpy against each segment's length
column, read once per segment reader and kept while it lives (a resident process keeps its
readers across searches: vault.search.searchers). The statistics (idf, average length) are
the searcher's own, so the scores are Whoosh's to the last bits of a float.

The key terms of a note's text are kept too, for the index generation they were computed
against (a resident process's `context` and `related` ask about the same notes again and
again; the Expander looks each word of the note up in every segment).

numpy and whoosh are imported inside the functions that use them.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

# Key terms kept (note texts of recent calls; a few KB each).
KEPT_KEY_TERMS = 256
# Words' frequencies kept, per segment (~150 bytes each: at most ~15 MB).
KEPT_FREQUENCIES = 100_000

_key_terms: OrderedDict[tuple, list[tuple[str, float]]] = OrderedDict()
_key_terms_lock = threading.Lock()
# (segment id, field, word) -> the word's frequency in that segment: a segment's files
# never change, so this holds for every reader of it, in any thread, whatever the index's
# generation (Whoosh counts deleted documents' words too). Oldest first.
_frequencies: dict[tuple[str, str, bytes], float] = {}
_frequencies_lock = threading.Lock()
# segment reader -> {field: each document's length as BM25F reads it}
_lengths: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def more_like(searcher, docnum: int, field: str, text: str, top: int, numterms: int):
    """(the docnums of the `top` documents most like `text` in `field`, best first, never
    `docnum`; the query they answer, an OR of the key terms), as Whoosh's
    `searcher.more_like(docnum, field, text=text, top=top, numterms=numterms)` ranks them:
    by score, then by document number."""
    import numpy as np
    from whoosh import query
    from whoosh.scoring import BM25F

    weighting = searcher.weighting
    if type(weighting) is not BM25F:  # scored some other way: Whoosh's own
        found = searcher.more_like(docnum, field, text=text, top=top, numterms=numterms)
        return [hit.docnum for hit in found], found.q
    terms = key_terms(searcher, field, text, numterms)
    q = query.Or([query.Term(field, word, boost=weight) for word, weight in terms])
    if not terms or top <= 0:
        return [], q
    reader = searcher.reader()
    avgfl = searcher.avg_field_length(field) or 1
    b = weighting._field_B.get(field, weighting.B)
    k1 = weighting.K1
    parts_ids, parts_scores = [], []
    for leaf, offset in reader.leaf_readers():
        scores = None
        for word, boost in terms:
            ids, tfs = _postings(leaf, field, word)
            if not len(ids):
                continue
            idf = searcher.idf(field, word)
            fl = _field_lengths(leaf, field)[ids].astype(np.float64)
            # whoosh.scoring.bm25, term by term in the query's order as Whoosh sums them
            part = boost * (idf * ((tfs * (k1 + 1)) / (tfs + k1 * ((1 - b) + b * fl / avgfl))))
            if scores is None:
                scores = np.zeros(leaf.doc_count_all(), dtype=np.float64)
                hit = np.zeros(leaf.doc_count_all(), dtype=bool)
            scores[ids] += part
            hit[ids] = True
        if scores is None:
            continue
        deleted = leaf.deleted_docs_set if hasattr(leaf, "deleted_docs_set") else ()
        if deleted:
            hit[np.fromiter(deleted, np.int64, len(deleted))] = False
        local = np.flatnonzero(hit)
        parts_ids.append(local + offset)
        parts_scores.append(scores[local])
    if not parts_ids:
        return [], q
    ids = np.concatenate(parts_ids)
    scores = np.concatenate(parts_scores)
    keep = ids != docnum
    ids, scores = ids[keep], scores[keep]
    if len(ids) > top:
        # the top `top` scores, and every document tied with the last of them
        cut = np.partition(-scores, top - 1)[top - 1]
        keep = -scores <= cut
        ids, scores = ids[keep], scores[keep]
    order = np.lexsort((ids, -scores))[:top]
    return [int(i) for i in ids[order]], q


def key_terms(searcher, field: str, text: str, numterms: int) -> list[tuple[str, float]]:
    """Whoosh's `searcher.key_terms_from_text(field, text, numterms, normalize=False)`: the
    words of `text` scored by the Bo1 model against the index, best first, each weighed
    relative to the best. Kept for the index generation it was computed against."""
    reader = searcher.reader()
    key = (id(reader), reader.generation(), reader.doc_count_all(), field, numterms, text)
    with _key_terms_lock:
        found = _key_terms.get(key)
        if found is not None:
            _key_terms.move_to_end(key)
            return found
    found = _key_terms_of(reader, field, text, numterms)
    with _key_terms_lock:
        _key_terms[key] = found
        while len(_key_terms) > KEPT_KEY_TERMS:
            _key_terms.popitem(last=False)
    return found


def _key_terms_of(reader, field: str, text: str, numterms: int) -> list[tuple[str, float]]:
    """Whoosh's Expander (whoosh.classify) with the same model and arithmetic, but each word
    is looked up once in each segment, where Whoosh asks whether any segment has it and
    then sums its frequency over them all; and what a segment answered is kept
    (_frequencies), so after an edit only its new small segment is asked. The lookups are
    most of the cost: ~40 ms for a note at 10,000 notes."""
    from whoosh.classify import Bo1Model

    fieldobj = reader.schema[field]
    counts: dict[str, float] = {}
    for btext, _, weight, _ in fieldobj.index(text):
        word = fieldobj.from_bytes(btext)
        counts[word] = counts.get(word, 0.0) + weight
    top_total = sum(counts.values())
    model = Bo1Model(reader.doc_count_all(), reader.field_length(field))
    leaves = [(leaf, _segment_id(leaf)) for leaf, _ in reader.leaf_readers()]
    scored = []
    for word, weight in counts.items():
        btext = fieldobj.to_bytes(word)
        cf = sum(_frequency(leaf, segment, field, btext) for leaf, segment in leaves)
        if cf:  # else not in the index
            scored.append((model.score(weight, cf, top_total), word))
    if not scored:
        return []
    norm = max(score for score, _ in scored)
    ranked = sorted(((score / norm, word) for score, word in scored), key=lambda x: (-x[0], x[1]))
    return [(word, weight) for weight, word in ranked[:numterms]]


def _segment_id(leaf) -> str | None:
    segment = getattr(leaf, "segment", None)
    return segment().segment_id() if segment is not None else None


def _frequency(leaf, segment: str | None, field: str, btext: bytes) -> float:
    """The word's frequency in one segment (the sum of its postings' weights), 0 when the
    segment has no such word."""
    if segment is None:
        return leaf.frequency(field, btext)
    key = (segment, field, btext)
    found = _frequencies.get(key)
    if found is None:
        found = _frequencies[key] = leaf.frequency(field, btext)
        if len(_frequencies) > KEPT_FREQUENCIES:
            with _frequencies_lock:
                for old in list(_frequencies)[: KEPT_FREQUENCIES // 4]:
                    _frequencies.pop(old, None)
    return found


def _postings(leaf, field: str, word: str):
    """(docnums, weights) of a term in one segment, deleted documents included (the caller
    drops them), as numpy arrays."""
    import numpy as np
    from whoosh.codec.whoosh3 import W3LeafMatcher
    from whoosh.matching.wrappers import FilterMatcher

    btext = leaf.schema[field].to_bytes(word)
    if (field, btext) not in leaf:
        return np.empty(0, np.int64), np.empty(0, np.float64)
    m = leaf.postings(field, btext)
    if isinstance(m, FilterMatcher):  # of the deletions: dropped by the caller
        m = m.child
    ids: list = []
    weights: list = []
    if isinstance(m, W3LeafMatcher):  # a block at a time, as Whoosh reads them
        while m.is_active():
            m._read_ids()
            m._read_weights()
            ids.extend(m._ids)
            weights.extend(m._weights)
            m._next_block()
    else:  # postings inlined in the term's entry (a term of a few documents)
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            m.next()
    return np.asarray(ids, np.int64), np.asarray(weights, np.float64)


def _field_lengths(leaf, field: str):
    """Each document's length in `field`, as BM25F reads it (the length column's byte,
    widened), kept while the segment reader lives: 4 bytes a document."""
    import numpy as np

    kept = _lengths.get(leaf)
    if kept is None:
        kept = {}
        try:
            _lengths[leaf] = kept
        except TypeError:  # a reader that takes no weak reference: read each time
            pass
    found = kept.get(field)
    if found is None:
        n = leaf.doc_count_all()
        found = kept[field] = np.fromiter(
            (leaf.doc_field_length(d, field, 1) or 1 for d in range(n)), np.int32, n
        )
    return found
