"""The recall evaluation: questions worded as users ask them (questions.json: the vault, the
question, the notes that answer it), each vault copied to a scratch folder, searched, and
scored with recall@5, MRR@10 and nDCG@10. Used by tests/test_recall.py (the floor) and
bench/bench_recall.py (the figures, today's search against the new ranking).

The vault paths are relative to the repository root; "." stands for the example vault
(memory/). Whatever `vault` package is first on the path is the one measured."""

from __future__ import annotations

import json
import math
import shutil
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = Path(__file__).with_name("questions.json")
# Hits looked at: recall@5, MRR@10 and nDCG@10.
DEPTH = 10


def questions() -> list[dict]:
    return json.loads(QUESTIONS.read_text(encoding="utf-8"))


def copy_vaults(dest: Path, names) -> dict[str, Path]:
    """Each named vault copied under `dest` (the index of a copy lives in the cache, not in
    the repository); name -> the copy's root."""
    out = {}
    for n, name in enumerate(sorted(set(names))):
        root = dest / f"v{n}"
        if name == ".":
            shutil.copytree(REPO / "memory", root / "memory")
        else:
            shutil.copytree(REPO / name, root)
        out[name] = root
    return out


def run(dest: Path, limit: int = DEPTH, **options) -> list[dict]:
    """Every question searched on its vault's copy: [{question, vault, answers, ranked,
    seconds}], in the file's order. The first search of a vault (which builds its index)
    is made before any is timed. `options` go to every search (mode="hybrid")."""
    from vault.catalog import load_catalog
    from vault.search.search import search
    from vault.vault import open_vault

    qs = questions()
    roots = copy_vaults(dest, [q["vault"] for q in qs])
    catalogs = {}
    for name, root in roots.items():
        catalogs[name] = load_catalog(open_vault(root))
        search(catalogs[name], "warmup", limit=1, snippets=False, **options)
    out = []
    for q in qs:
        start = time.perf_counter()
        try:
            hits = search(
                catalogs[q["vault"]], q["question"], limit=limit, snippets=False, **options
            )
        except Exception as exc:  # the baseline refuses some questions (a "?" as wildcard)
            hits, error = [], str(exc)
        else:
            error = None
        seconds = time.perf_counter() - start
        ranked = [h.id for h in hits]
        out.append({**q, "ranked": ranked, "seconds": seconds, "error": error})
    return out


def scores(results: list[dict]) -> dict[str, float]:
    """recall@5 (share of questions with an answer in the top 5), MRR@10 and nDCG@10
    (binary relevance), averaged over the questions, and latency figures."""
    r5 = mrr = ndcg = 0.0
    for res in results:
        answers = set(res["answers"])
        ranked = res["ranked"][:DEPTH]
        r5 += any(i in answers for i in ranked[:5])
        first = next((k for k, i in enumerate(ranked, 1) if i in answers), None)
        mrr += 1 / first if first else 0.0
        dcg = sum(1 / math.log2(k + 1) for k, i in enumerate(ranked, 1) if i in answers)
        ideal = sum(1 / math.log2(k + 1) for k in range(1, min(len(answers), DEPTH) + 1))
        ndcg += dcg / ideal
    n = len(results) or 1
    times = sorted(res["seconds"] for res in results)
    return {
        "questions": len(results),
        "recall@5": r5 / n,
        "mrr@10": mrr / n,
        "ndcg@10": ndcg / n,
        "median_ms": 1000 * times[len(times) // 2] if times else 0.0,
        "max_ms": 1000 * times[-1] if times else 0.0,
    }
