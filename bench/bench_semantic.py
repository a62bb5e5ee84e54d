"""Semantic search at scale: on a copy of a realistic vault (default /work/bench10k, never
written), each as a whole process the way a person or an agent runs it:

- cold `vault index --rebuild` of the index alone (this checkout's index, as main builds it)
  and of index and vectors (this checkout's `vault index`), alternated run for run, wall
  and CPU seconds (the children's included);
- warm `vault search` in each mode, for a two-word query and a ten-word question;
- the derived data on disk: the index and the vectors.

Every figure is printed with the load average it ran under (the machine is shared: CPU
seconds compare better than wall seconds when it is loaded). PYTHONDONTWRITEBYTECODE is
removed from the children's environment.

With `--base OTHER/src` it compares instead: this checkout and another one (its src/
folder, e.g. from `git archive`), alternated run for run, each with its own derived data:
cold `vault index --rebuild` with vectors, and warm hybrid search (two words, ten words).

Usage: python bench/bench_semantic.py [--vault /work/bench10k] [--runs 5] [--cold-runs 2]
       [--base OTHER/src]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["PYTHONPATH"] = str(REPO / "src")
TWO = ["sleep", "quality"]
TEN = ["how", "does", "sleep", "quality", "change", "what", "people", "remember", "after"]
TEN.append("learning")

INDEX_ONLY = """
import sys
from vault.catalog import load_catalog
from vault.search.index import update_index
from vault.vault import open_vault
update_index(load_catalog(open_vault(sys.argv[1])), rebuild=True)
"""


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def timed(argv: list[str], env: dict) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its children) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def size(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vault", type=Path, default=Path("/work/bench10k"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=2)
    parser.add_argument("--base", type=Path, help="another checkout's src/, to compare with")
    args = parser.parse_args()
    if args.base:
        compare(args)
        return
    with tempfile.TemporaryDirectory(prefix="bench-semantic-") as tmp:
        root = Path(tmp) / "vault"
        shutil.copytree(args.vault, root)
        env = {**ENV, "XDG_CACHE_HOME": str(Path(tmp) / "cache")}
        vault = [sys.executable, "-m", "vault", "--vault", str(root)]
        print(f"vault: {args.vault} ({sum(1 for _ in root.rglob('*.md'))} notes)")
        print("| what | wall s | CPU s | load average |")
        print("| --- | ---: | ---: | --- |")
        for _ in range(args.cold_runs):
            for name, argv in (
                ("cold index alone", [sys.executable, "-c", INDEX_ONLY, str(root)]),
                ("cold `vault index --rebuild` (index + vectors)", [*vault, "index", "--rebuild"]),
            ):
                shown = load()
                wall, cpu = timed(argv, env)
                print(f"| {name} | {wall:.2f} | {cpu:.2f} | {shown} |", flush=True)
        state = next((Path(tmp) / "cache" / "vault").iterdir())
        print(
            f"| derived data: index {size(state / 'index'):.1f} MB, "
            f"vectors {size(state / 'vectors'):.1f} MB | | | |"
        )
        for words, label in ((TWO, "two words"), (TEN, "ten-word question")):
            rows: dict[str, list[tuple[float, float]]] = {}
            shown = load()
            for _ in range(args.runs):  # the modes alternate, run for run
                for mode in ("keyword", "semantic", "hybrid"):
                    argv = [*vault, "search", *words, "--mode", mode]
                    rows.setdefault(mode, []).append(timed(argv, env))
            for mode, runs in rows.items():
                wall = statistics.median(r[0] for r in runs)
                cpu = statistics.median(r[1] for r in runs)
                print(
                    f"| warm `search` {label}, --mode {mode} (median of {args.runs}) "
                    f"| {wall:.3f} | {cpu:.3f} | {shown} → {load()} |",
                    flush=True,
                )


def compare(args) -> None:
    """This checkout against args.base, alternated run for run (see the docstring)."""
    sides = {"base": args.base.resolve(), "this": REPO / "src"}
    with tempfile.TemporaryDirectory(prefix="bench-semantic-") as tmp:
        root = Path(tmp) / "vault"
        shutil.copytree(args.vault, root)
        envs = {
            name: {**ENV, "PYTHONPATH": str(src), "XDG_CACHE_HOME": str(Path(tmp) / name)}
            for name, src in sides.items()
        }
        vault = [sys.executable, "-m", "vault", "--vault", str(root)]
        print(f"vault: {args.vault}; base {sides['base']}, this {sides['this']}")
        print("| what | side | wall s | CPU s | load average |")
        print("| --- | --- | ---: | ---: | --- |")
        for _ in range(args.cold_runs):
            for name, env in envs.items():
                shown = load()
                wall, cpu = timed([*vault, "index", "--rebuild"], env)
                print(f"| cold `index --rebuild` + vectors | {name} | {wall:.2f} | {cpu:.2f} "
                      f"| {shown} |", flush=True)  # fmt: skip
        for words, label in ((TWO, "two words"), (TEN, "ten-word question")):
            argv = [*vault, "search", *words, "--mode", "hybrid"]
            for env in envs.values():
                timed(argv, env)  # warm-up: the page cache, the catalog's cache
            rows: dict[str, list[tuple[float, float]]] = {}
            shown = load()
            for _ in range(args.runs):
                for name, env in envs.items():
                    rows.setdefault(name, []).append(timed(argv, env))
            for name, runs in rows.items():
                wall = statistics.median(r[0] for r in runs)
                cpu = statistics.median(r[1] for r in runs)
                print(f"| warm hybrid `search` {label} (median of {args.runs}) | {name} "
                      f"| {wall:.3f} | {cpu:.3f} | {shown} → {load()} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
