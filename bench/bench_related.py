"""Related notes, measured: recall@5 and MRR@10 of each way to rank a note's related notes,
on the evaluation set of tests/eval/related.py (the notes an author linked, made Parent or
child; every link masked out of a copy of the vault, where the rankings run).

Rankings compared (each excludes the note itself):
- `mlt`: Whoosh more-like-this on the note's title and text (`vault related` before this);
- `vec-mean`: the mean of the note's section vectors, each other note by its best section;
- `vec-pairs`: the best pair of sections, one of each note (vault.search.alike);
- `vec-notes`: the mean of the note's sections against each other note's mean;
- `fused`: mlt and one vector ranking fused (vault.search.fusion), over a few k and weights;
- `related()`: what `vault related` returns (this checkout's), with its latency.

Usage: python bench/bench_related.py [--sweep]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests" / "eval")]

import related as evalset  # noqa: E402  (tests/eval/related.py)

DEPTH = 100


def rankings(catalog, notes: list[dict]) -> dict[str, list[list[str]]]:
    """method -> one ranking of ids per case."""
    import numpy as np

    from vault.search.alike import by_sections
    from vault.search.search import related
    from vault.search.vectors import fresh_vectors

    vectors = fresh_vectors(catalog)
    matrix, first, ids = vectors.matrix, vectors.first, vectors.ids
    counts = np.diff(np.append(first, len(matrix)))
    means = np.add.reduceat(matrix, first, axis=0) / counts[:, None]
    means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
    position = {note_id: k for k, note_id in enumerate(ids)}
    out: dict[str, list[list[str]]] = {}
    seconds: dict[str, float] = {}

    def top(scores: np.ndarray, note_id: str) -> list[str]:
        scores = scores.copy()
        if note_id in position:
            scores[position[note_id]] = -np.inf
        order = np.argsort(-scores, kind="stable")[:DEPTH]
        return [ids[k] for k in order]

    start = time.perf_counter()
    out["mlt"] = evalset.more_like_this(catalog, notes, DEPTH)
    seconds["mlt"] = time.perf_counter() - start
    for case in notes:
        start = time.perf_counter()
        k = position[case["id"]]
        own = matrix[first[k] : first[k] + counts[k]]
        mean = own.mean(axis=0)
        mean /= max(float(np.linalg.norm(mean)), 1e-12)
        out.setdefault("vec-mean", []).append(
            top(np.maximum.reduceat(matrix @ mean, first), case["id"])
        )
        out.setdefault("vec-notes", []).append(top(means @ mean, case["id"]))
        seconds["vec-mean and vec-notes"] = seconds.get("vec-mean and vec-notes", 0.0)
        seconds["vec-mean and vec-notes"] += time.perf_counter() - start
        start = time.perf_counter()
        out.setdefault("vec-pairs", []).append(by_sections(vectors, case["id"], DEPTH))
        seconds["vec-pairs"] = seconds.get("vec-pairs", 0.0) + time.perf_counter() - start
    for case in notes:
        start = time.perf_counter()
        hits = related(catalog, case["id"], limit=DEPTH)
        out.setdefault("related()", []).append([h.id for h in hits])
        seconds["related()"] = seconds.get("related()", 0.0) + time.perf_counter() - start
    print(f"    seconds: {', '.join(f'{k} {v:.2f}' for k, v in seconds.items())}", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sweep", action="store_true", help="fusion over more k and weights")
    a = ap.parse_args()
    from vault.catalog import load_catalog
    from vault.search import fusion
    from vault.search.vectors import update_index_and_vectors
    from vault.vault import open_vault

    pairs: dict[str, list[tuple[set[str], list[str]]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-related-") as tmp:
        for name in evalset.VAULTS:
            root, notes = evalset.masked_copy(Path(tmp), name)
            catalog = load_catalog(open_vault(root))
            update_index_and_vectors(catalog)
            print(f"{name}: {len(notes)} notes", flush=True)
            ranked = rankings(catalog, notes)
            grid = [(k, w) for k in (2, 10, 60) for w in (0.5, 1.0, 1.5, 2.0)] if a.sweep else []
            grid.append((fusion.K, fusion.KEYWORD_WEIGHT))
            for vec in ("vec-mean", "vec-pairs", "vec-notes"):
                for k, w in grid:
                    ranked[f"fused {vec} k {k} w {w}"] = [
                        [i for i, _ in fusion.fuse(m, v, k=k, keyword_weight=w)]
                        for m, v in zip(ranked["mlt"], ranked[vec], strict=True)
                    ]
            for method, lists in ranked.items():
                got = [(c["related"], r) for c, r in zip(notes, lists, strict=True)]
                pairs.setdefault(method, []).extend(got)
                pairs.setdefault(f"{method} @ {name}", []).extend(got)
    print("| ranking | notes | recall@5 | MRR@10 |")
    print("| --- | ---: | ---: | ---: |")
    for method, got in pairs.items():
        s = evalset.scores(got)
        print(f"| {method} | {s['notes']} | {s['recall@5']:.3f} | {s['mrr@10']:.3f} |")


if __name__ == "__main__":
    main()
