"""What is near what by meaning, through the section vectors (vault.search.vectors): the
notes nearest a query (semantic and hybrid search), the section of a note nearest it and its
text (--explain); and the notes alike: the other notes ranked by their sections' vectors
against a note's own, for `vault related` (and so `vault context`'s related items and the
MCP tools), where that ranking is fused with Whoosh's more-like-this
(vault.search.search.related).

Each other note counts by its best pair of sections, one of each note: a note about several
things is found by any of them, where the mean of its sections would blur them. Measured on
the related-notes evaluation set (tests/eval/related.py, bench/bench_related.py): fused this
way with more-like-this, recall@5 and MRR@10 beat more-like-this alone on every vault of it
(the figures are in bench/README.md).

numpy is imported inside the functions that use it, so importing this module is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vault.catalog import Catalog
from vault.search.chunks import chunks
from vault.search.texts import read_body
from vault.search.vectors import Vectors

if TYPE_CHECKING:
    import numpy as np

# A long note's first sections only ask (a 1 MB note has hundreds): the product of its
# sections with every section of the vault stays small.
MAX_SECTIONS = 64
# Sections of the note multiplied at once (the scores held stay a few MB at 100,000 notes).
BLOCK = 16


def by_sections(vectors: Vectors, note_id: str, top: int) -> list[str]:
    """The `top` other notes nearest `note_id`, each by its best pair of sections, best
    first; [] when the note has no vectors."""
    import numpy as np

    try:
        k = vectors.ids.index(note_id)
    except ValueError:
        return []
    matrix, first = vectors.matrix, vectors.first
    start = int(first[k])
    end = int(first[k + 1]) if k + 1 < len(first) else matrix.shape[0]
    own = matrix[start : min(end, start + MAX_SECTIONS)]
    best = np.full(matrix.shape[0], -np.inf, dtype=np.float32)
    for at in range(0, len(own), BLOCK):
        np.maximum(best, (matrix @ own[at : at + BLOCK].T).max(axis=1), out=best)
    notes = np.maximum.reduceat(best, first)
    notes[k] = -np.inf
    top = min(top, len(notes) - 1)
    if top <= 0:
        return []
    order = np.argpartition(-notes, top - 1)[:top]
    order = order[np.argsort(-notes[order], kind="stable")]
    return [vectors.ids[i] for i in order]


def nearest(vectors: Vectors, query: np.ndarray, allowed: set[str] | None, top: int):
    """The `top` notes nearest `query` (a unit vector), each by its best chunk: [(id, cosine,
    chunk number within the note)], best first; `allowed` keeps only those ids."""
    import numpy as np

    if not vectors.ids:
        return []
    scores = vectors.matrix @ query
    best = np.maximum.reduceat(scores, vectors.first)
    if allowed is not None:
        keep = np.fromiter((i in allowed for i in vectors.ids), bool, len(vectors.ids))
        best[~keep] = -np.inf
    top = min(top, len(best))
    order = np.argpartition(-best, top - 1)[:top]
    order = order[np.argsort(-best[order], kind="stable")]
    ends = np.append(vectors.first[1:], len(scores))
    out = []
    for k in order:
        if not np.isfinite(best[k]):
            break
        start, end = vectors.first[k], ends[k]
        chunk = int(np.argmax(scores[start:end]))
        out.append((vectors.ids[k], float(best[k]), chunk))
    return out


def best_chunk(vectors: Vectors, note_id: str, query: np.ndarray) -> tuple[int, float | None]:
    """(the number of the note's chunk nearest `query`, its cosine); (0, None) for a note
    without vectors."""
    import numpy as np

    try:
        k = vectors.ids.index(note_id)
    except ValueError:
        return 0, None
    start = int(vectors.first[k])
    end = int(vectors.first[k + 1]) if k + 1 < len(vectors.ids) else vectors.matrix.shape[0]
    scores = vectors.matrix[start:end] @ query
    best = int(np.argmax(scores))
    return best, float(scores[best])


# Characters of a chunk's text shown by --explain.
SHOWN = 160


def chunk_text(catalog: Catalog, note_id: str, number: int) -> str:
    """Chunk `number` of a note as --explain shows it: "heading: the start of its text"."""
    rec = catalog.records[note_id]
    try:
        body, _ = read_body(catalog.vault.path_of(note_id), rec.style)
    except OSError:
        return ""
    cut = chunks(rec.title, body)
    chunk = cut[min(number, len(cut) - 1)]
    text = chunk.text if len(chunk.text) <= SHOWN else chunk.text[: SHOWN - 1].rstrip() + "…"
    heading = chunk.heading.rstrip(":")
    return f"{heading}: {text}" if heading and text else heading or text
