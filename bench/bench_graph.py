"""Benchmark `vault graph` (and check/tree) as whole processes, the way a user runs them.

For each vault size, a synthetic vault is made with bench/gen_vault.py (or the vault given
with --vault is used), then each command is run as `python -m vault ...`: once with no
catalog cache (every note parsed), then --runs times with the cache warm (the usual case:
unchanged notes come from the catalog in the vault's derived-data folder). Every child runs
with XDG_CACHE_HOME set to a temporary folder of this run, so "no cache" is really none and
the user's own cache is never touched. Prints a Markdown table of wall-clock times.

Usage:
    .venv/bin/python bench/bench_graph.py                    # 1,000 and 10,000 notes
    .venv/bin/python bench/bench_graph.py --notes 2000 --runs 3
    .venv/bin/python bench/bench_graph.py --vault /path/to/vault
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (label, arguments after `vault --vault DIR`); "{out}" is a scratch output folder.
COMMANDS = [
    ("graph (json)", ["graph"]),
    ("graph --format html -o", ["graph", "--format", "html", "-o", "{out}/graph.html"]),
    ("graph --format mermaid", ["graph", "--format", "mermaid"]),
    ("graph --format dot", ["graph", "--format", "dot"]),
    ("graph --format graphml", ["graph", "--format", "graphml"]),
    ("graph --format gexf", ["graph", "--format", "gexf"]),
    ("graph --stats", ["graph", "--stats"]),
    ("check", ["check"]),
    ("tree", ["tree"]),
]


def run_once(vault: Path, args: list[str], out: Path) -> float:
    argv = [sys.executable, "-m", "vault", "--vault", str(vault)]
    argv += [a.replace("{out}", str(out)) for a in args]
    dropped = ("PYTHONDONTWRITEBYTECODE", "VAULT_CACHE_DIR")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["XDG_CACHE_HOME"] = str(out / "xdg")
    start = time.perf_counter()
    proc = subprocess.run(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env
    )
    elapsed = time.perf_counter() - start
    # check exits 1 when it finds errors; anything else is a failure of the benchmark.
    if proc.returncode not in (0, 1) or (proc.returncode == 1 and args[0] != "check"):
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return elapsed


def bench_vault(vault: Path, runs: int, label: str) -> list[str]:
    rows = []
    with tempfile.TemporaryDirectory() as out:  # its xdg/ starts empty: no derived data
        cold = run_once(vault, ["graph"], Path(out))
        rows.append(f"| {label} | graph (json), no cache | {cold * 1000:.0f} | - |")
        for name, args in COMMANDS:
            run_once(vault, args, Path(out))  # warm the cache and the OS file cache
            times = [run_once(vault, args, Path(out)) for _ in range(runs)]
            rows.append(
                f"| {label} | {name} | {statistics.median(times) * 1000:.0f} "
                f"| {min(times) * 1000:.0f} |"
            )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--vault", type=Path, help="benchmark this vault instead of generated ones")
    args = ap.parse_args()

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.runs} warm runs each")
    print()
    print("| vault | command | median ms | min ms |")
    print("| --- | --- | ---: | ---: |")
    if args.vault:
        for row in bench_vault(args.vault.resolve(), args.runs, args.vault.name):
            print(row, flush=True)
        return
    for n in args.notes:
        with tempfile.TemporaryDirectory() as tmp:
            vault = Path(tmp) / "vault"
            subprocess.run(
                [sys.executable, str(HERE / "gen_vault.py"), str(vault), "--notes", str(n)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            for row in bench_vault(vault, args.runs, f"{n:,} notes"):
                print(row, flush=True)


if __name__ == "__main__":
    main()
