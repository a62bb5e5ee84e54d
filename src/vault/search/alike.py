"""Notes alike by meaning: the other notes ranked by their sections' vectors against a note's
own, for `vault related` (and so `vault context`'s related items and the MCP tools), where
that ranking is fused with Whoosh's more-like-this (vault.search.search.related).

Each other note counts by its best pair of sections, one of each note: a note about several
things is found by any of them, where the mean of its sections would blur them. Measured on
the related-notes evaluation set (tests/eval/related.py, bench/bench_related.py): fused this
way with more-like-this, recall@5 and MRR@10 beat more-like-this alone on every vault of it
(the figures are in bench/README.md).

numpy is imported inside the function that uses it, so importing this module is cheap.
"""

from __future__ import annotations

from vault.search.vectors import Vectors

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
