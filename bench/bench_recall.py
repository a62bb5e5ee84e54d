"""Recall of search on questions worded as users ask them (tests/eval/questions.json):
recall@5, MRR@10, nDCG@10 and latency, for the search of a base checkout (default: main, in
a scratch git worktree) and of this checkout in each mode.

    python bench/bench_recall.py [--base SRC] [--sweep]

Rows: the base as it is (every word must match), the base given the questions' content words
joined with OR (what a user could type today), and this checkout's keyword, semantic and
hybrid modes. Each row runs in a subprocess with its own `vault` package first on the path
and its own cache folder. --sweep prints the fused ranking's figures for each reciprocal
rank fusion constant k and keyword weight (vault.search.fusion's K and KEYWORD_WEIGHT are
the ones chosen)."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
EVAL = REPO / "tests" / "eval"


SWEEP = (1, 2, 3, 5, 10, 20, 60)
WEIGHTS = (1.0, 1.25, 1.5, 2.0, 3.0)


def worker(mode: str) -> None:
    """Run the evaluation with the `vault` on the path; print the results as JSON."""
    sys.path.insert(0, str(EVAL))
    import evaluate

    if mode == "sweep":
        sweep(evaluate)
        return
    options = {"mode": mode} if mode in ("keyword", "semantic", "hybrid") else {}

    if mode == "or":
        from whoosh.lang.stopwords import stoplists

        stops = set(stoplists["en"])

        def as_or(text: str) -> str:
            words = [w for w in re.findall(r"\w+", text) if w.lower() not in stops]
            return " OR ".join(words or re.findall(r"\w+", text))

        evaluate_questions = evaluate.questions
        evaluate.questions = lambda: [
            {**q, "question": as_or(q["question"])} for q in evaluate_questions()
        ]
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
        results = evaluate.run(Path(tmp) / "vaults", **options)
    print(json.dumps({"scores": evaluate.scores(results), "results": results}))


def sweep(evaluate) -> None:
    """Both rankings of every question read 100 deep once, then fused with each k."""
    from vault.search.fusion import DEPTH, fuse

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
        keyword = evaluate.run(Path(tmp) / "k", limit=DEPTH, mode="keyword")
        semantic = evaluate.run(Path(tmp) / "s", limit=DEPTH, mode="semantic")
    rows = {}
    for k in SWEEP:
        for w in WEIGHTS:
            fused = [
                {**a, "ranked": [i for i, _ in fuse(a["ranked"], b["ranked"], k, w)]}
                for a, b in zip(keyword, semantic, strict=True)
            ]
            rows[f"{k} | {w}"] = evaluate.scores(fused)
    print(json.dumps(rows))


def measure(src: Path, mode: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run(
        [sys.executable, __file__, "--worker", mode],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def base_checkout() -> Path:
    """main's src in a scratch worktree (made once, reused)."""
    path = Path(tempfile.gettempdir()) / "recall-base"
    if not path.exists():
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(path), "main"],
            check=True,
            capture_output=True,
        )
    return path / "src"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, help="the src folder of the base checkout")
    modes = ("as-is", "or", "keyword", "semantic", "hybrid", "sweep")
    parser.add_argument("--worker", choices=modes, help=argparse.SUPPRESS)
    parser.add_argument("--misses", action="store_true", help="list this checkout's misses")
    parser.add_argument("--sweep", action="store_true", help="fusion's k on the set, only")
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    if args.sweep:
        print("| k | keyword weight | recall@5 | MRR@10 | nDCG@10 |")
        print("| ---: | ---: | ---: | ---: | ---: |")
        for k, s in measure(REPO / "src", "sweep").items():
            print(f"| {k} | {s['recall@5']:.3f} | {s['mrr@10']:.3f} | {s['ndcg@10']:.3f} |")
        return
    base = args.base or base_checkout()
    rows = [
        ("main: the question as typed", measure(base, "as-is")),
        ("main: content words joined with OR", measure(base, "or")),
        ("this checkout: --mode keyword", measure(REPO / "src", "keyword")),
        ("this checkout: --mode semantic", measure(REPO / "src", "semantic")),
        ("this checkout: --mode hybrid", measure(REPO / "src", "hybrid")),
    ]
    n = rows[0][1]["scores"]["questions"]
    print(f"{n} questions, tests/eval/questions.json\n")
    print("| search | recall@5 | MRR@10 | nDCG@10 | median ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, data in rows:
        s = data["scores"]
        print(
            f"| {name} | {s['recall@5']:.3f} | {s['mrr@10']:.3f} | {s['ndcg@10']:.3f} "
            f"| {s['median_ms']:.1f} | {s['max_ms']:.1f} |"
        )
    if args.misses:
        for res in rows[-3][1]["results"]:
            if not set(res["answers"]) & set(res["ranked"][:5]):
                print(f"miss: {res['question']!r} -> {res['ranked'][:3]}")


if __name__ == "__main__":
    main()
