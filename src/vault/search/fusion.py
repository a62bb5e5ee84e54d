"""Reciprocal rank fusion: one ranking from the keyword and the vector rankings.

A note's fused score is the sum, over the rankings that hold it, of weight / (k + its rank).
Only ranks count, never the rankings' own scores (BM25F and cosines are not on one scale);
a larger k flattens the difference between the first places. K and the keyword ranking's
weight are tuned on the evaluation set (tests/eval; the sweep is in bench/README.md): the
keyword ranking is the sharper at its first places, so a small k that keeps them apart and
a keyword weight above the vectors' rank best there, and every pair near the chosen one
ranks better than keyword search alone. Standard library only.
"""

from __future__ import annotations

from collections.abc import Sequence

# The constant and the keyword ranking's weight (the vector ranking's is 1), tuned on
# tests/eval/questions.json (bench/bench_recall.py --sweep).
K = 2
KEYWORD_WEIGHT = 1.5
# How deep each ranking is read before fusing.
DEPTH = 100


def fuse(
    keyword: Sequence[str],
    vector: Sequence[str],
    k: float = K,
    keyword_weight: float = KEYWORD_WEIGHT,
) -> list[tuple[str, float]]:
    """(id, fused score), best first; ties keep the order of first appearance, the keyword
    ranking's first."""
    scores: dict[str, float] = {}
    for ranking, weight in ((keyword, keyword_weight), (vector, 1.0)):
        for rank, note_id in enumerate(ranking, 1):
            scores[note_id] = scores.get(note_id, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda item: -item[1])
