"""Issue 19's targets, whole process: a warm `vault search` with no server, a rare word and a
ten-word question, on a big vault (by default /work/bench10k, 10,000 notes), for one checkout
or two run alternately (base, new, base, new, ...).

Warm means the index, the catalog cache and the page cache are warm and nothing changed
since the last call: each side runs once untimed first. Each side has its own derived-data
folder (XDG_CACHE_HOME under --state), so neither reads or rebuilds the other's index or
catalog. `PYTHONDONTWRITEBYTECODE` is removed from the children's environment. Every series
prints the median and the minimum of --runs runs, with the load average before and after
(the machine is shared: compare sides within one table).

`--instructions` also counts each side's instructions for one run of each query with
`valgrind --tool=callgrind` (user space only: no system-call or I/O time, but the count
repeats to within 0.5% whatever else the machine is doing).

    .venv/bin/python bench/bench_warm_search.py --new src --base /tmp/base/src --instructions
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_compare import env_for  # noqa: E402 (each side's own source, derived data, no server)

QUESTION = "how do I repair the skin barrier with niacinamide serum"
QUERIES = {"rare word": ["exosome"], "ten words": QUESTION.split()}
TARGETS = {"rare word": 0.25, "ten words": 0.30}


def argv_for(vault: Path, words: list[str]) -> list[str]:
    return [sys.executable, "-m", "vault", "--vault", str(vault), "search", *words]


def run(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.perf_counter() - start
    if proc.returncode:
        sys.exit(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.decode()[-500:]}")
    return took


def instructions(argv: list[str], env: dict[str, str]) -> int | None:
    if not shutil.which("valgrind"):
        return None
    proc = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    found = re.search(r"Collected : (\d+)", proc.stderr)
    return int(found.group(1)) if found else None


def loadavg() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--vault", type=Path, default=Path("/work/bench10k"))
    ap.add_argument("--new", type=Path, default=Path(__file__).resolve().parents[1] / "src")
    ap.add_argument("--base", type=Path, help="another checkout's src, run alternately")
    ap.add_argument("--state", type=Path, default=Path("/tmp/bench-warm-search"))
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--instructions", action="store_true", help="also count instructions")
    args = ap.parse_args()
    sides = {"new": args.new} if args.base is None else {"base": args.base, "new": args.new}
    envs = {name: env_for(src, args.state / name) for name, src in sides.items()}
    print(f"{args.vault}, median (min) of {args.runs} whole-process runs, warm, no server")
    for label, words in QUERIES.items():
        argv = argv_for(args.vault, words)
        for env in envs.values():
            run(argv, env)  # warm (builds the side's derived data on its first use)
        times: dict[str, list[float]] = {name: [] for name in sides}
        before = loadavg()
        for _ in range(args.runs):
            for name, env in envs.items():
                times[name].append(run(argv, env))
        cells = [
            f"{name} {statistics.median(t) * 1000:.0f} ms ({min(t) * 1000:.0f})"
            for name, t in times.items()
        ]
        target = f"target {TARGETS[label] * 1000:.0f} ms"
        print(f"{label:10s} {' | '.join(cells)} | {target} | load {before} -> {loadavg()}")
        if args.instructions:
            counts = {name: instructions(argv, env) for name, env in envs.items()}
            print(
                f"{'':10s} instructions: "
                + " | ".join(
                    f"{name} {c / 1e6:,.1f} M" if c else f"{name} -" for name, c in counts.items()
                )
            )


if __name__ == "__main__":
    main()
