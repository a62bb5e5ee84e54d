"""Benchmark full-text search on generated vaults (see bench/README.md for the figures).

For each size N it generates a vault (bench/gen_vault.py), then measures, each as a whole
process the way a person or an agent runs it:

- cold full index: `vault index` with no .vault/ at all (walk, parse, index), notes/s,
  peak memory, and the size of the index on disk;
- `vault search exosome` on a warm, unchanged vault: median of --runs runs;
- the same right after one note was edited (each run edits it first): median;
- `rg -il exosome` over the same folder beside them, as the floor to compare against;
- `vault --help`: median.

Usage: python bench/bench_search.py [--sizes 1000,10000] [--out bench/out] [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_vault import generate  # noqa: E402

VAULT = [sys.executable, "-m", "vault"]
QUERY = "exosome"


def timed(argv: list[str]) -> tuple[float, int, subprocess.CompletedProcess]:
    """(seconds, peak RSS in KiB, result) of one process run to completion."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err)
        # wait4 gives this child's own resource usage, so its peak memory is measured alone.
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if code != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({code}): {stderr.decode(errors='replace')}")
    return seconds, usage.ru_maxrss, subprocess.CompletedProcess(argv, code, stdout, stderr)


def median_run(argv: list[str], runs: int, before=None) -> tuple[float, int]:
    """(median seconds, max peak RSS KiB) over `runs` runs; `before()` runs untimed first."""
    times, peak = [], 0
    for _ in range(runs):
        if before:
            before()
        seconds, rss, _ = timed(argv)
        times.append(seconds)
        peak = max(peak, rss)
    return statistics.median(times), peak


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def bench_size(n: int, out: Path, runs: int, seed: int) -> dict:
    root = out / f"vault-{n}"
    if root.exists():
        shutil.rmtree(root)
    start = time.perf_counter()
    facts = generate(root, n, seed)
    generated = time.perf_counter() - start
    vault = [*VAULT, "--vault", str(root)]
    expected = sum(1 for f in facts.values() if "exosome" in f["terms"])

    # Cold: no cache, no index.
    shutil.rmtree(root / ".vault", ignore_errors=True)
    cold, cold_rss, res = timed([*vault, "index", "--json"])
    report = json.loads(res.stdout)
    assert report["notes"] == n, report

    # Warm and unchanged (one untimed run first, so the file cache is warm).
    argv = [*vault, "search", QUERY, "--paths", "--limit", str(expected + 10)]
    _, _, res = timed(argv)
    found = len(res.stdout.splitlines())
    assert found == expected, f"search found {found} notes, expected {expected}"
    warm, warm_rss = median_run([*vault, "search", QUERY], runs)

    # One note edited before each run: the run brings the index up to date first.
    note = sorted(root.glob("memory/research/*.md"))[0]
    counter = iter(range(10**9))

    def edit() -> None:
        with open(note, "a", encoding="utf-8") as fh:
            fh.write(f"\nEdited {next(counter)}.\n")

    changed, changed_rss = median_run([*vault, "search", QUERY], runs, before=edit)

    rg = shutil.which("rg")
    floor = median_run([rg, "-il", QUERY, str(root)], runs)[0] if rg else None
    help_time = median_run([*VAULT, "--help"], runs)[0]
    return {
        "notes": n,
        "corpus_mb": round(folder_size(root / "memory") / 2**20, 1),
        "generate_s": round(generated, 2),
        "cold_index_s": round(cold, 2),
        "notes_per_s": round(n / cold),
        "cold_index_peak_mb": round(cold_rss / 1024),
        "index_mb": round(folder_size(root / ".vault" / "index") / 2**20, 1),
        "search_warm_ms": round(warm * 1000),
        "search_after_edit_ms": round(changed * 1000),
        "search_peak_mb": round(max(warm_rss, changed_rss) / 1024),
        "rg_ms": round(floor * 1000) if floor is not None else None,
        "help_ms": round(help_time * 1000),
        "hits": expected,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="vault sizes, comma-separated")
    ap.add_argument("--out", type=Path, default=HERE / "out", help="where vaults are generated")
    ap.add_argument("--runs", type=int, default=15, help="runs per median (at least 10)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}, runs per median: {args.runs}")
    results = []
    for n in sizes:
        print(f"\nN = {n:,}: generating, indexing, searching ...", flush=True)
        r = bench_size(n, args.out, max(args.runs, 10), args.seed)
        results.append(r)
        print(f"  corpus                    {r['corpus_mb']} MB of Markdown ({r['hits']} hits)")
        print(f"  cold full index           {r['cold_index_s']} s ({r['notes_per_s']} notes/s)")
        print(f"  index size                {r['index_mb']} MB")
        print(f"  peak memory (index)       {r['cold_index_peak_mb']} MB")
        print(f"  peak memory (search)      {r['search_peak_mb']} MB")
        rg = f"{r['rg_ms']} ms" if r["rg_ms"] is not None else "rg not installed"
        print(f"  search {QUERY}, unchanged {r['search_warm_ms']} ms   (rg -il {QUERY}: {rg})")
        print(f"  search {QUERY}, 1 edited  {r['search_after_edit_ms']} ms")
        print(f"  vault --help              {r['help_ms']} ms")
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nfigures saved in {args.out / 'results.json'}")


if __name__ == "__main__":
    main()
