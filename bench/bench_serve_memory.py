"""Where a `vault serve` process's memory goes: the server's state built in this process the
way the server builds it (vault.serve.resident, the CLI's commands answered through
vault.cli.serve.answer), the bench's warm-up rows one after another, and the process's
anonymous memory (RssAnon: what Python and malloc hold, not the files mapped) after each.

Each step is followed by a full garbage collection. With --trim, also by glibc's
malloc_trim(0), so that "freed but not handed back" (malloc's arenas) shows apart from what is
still alive; with --traced, the Python objects alive are counted by tracemalloc as well (much
slower). Run on a copy whose derived data is built, as bench_serve.py leaves it (its edits
append lines to one note of that copy, as bench_serve.py's do):

    make bench-serve-memory BENCH_VAULT=/work/bench100k   # bench/out/serve-copy-bench100k
    PYTHONPATH=src python bench/bench_serve_memory.py --vault bench/out/serve-copy-bench100k \
        [--cache bench/out/serve-copy-bench100k-cache] [--trim] [--traced]
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace


def rss_anon_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
    return 0.0


def loadavg() -> str:
    with open("/proc/loadavg", encoding="ascii") as fh:
        return " ".join(fh.read().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vault", type=Path, required=True)
    parser.add_argument("--cache", type=Path, help="its VAULT_CACHE_DIR (default: VAULT-cache)")
    parser.add_argument("--trim", action="store_true", help="malloc_trim(0) after each step")
    parser.add_argument("--traced", action="store_true", help="tracemalloc's count too")
    args = parser.parse_args()
    cache = args.cache or args.vault.with_name(args.vault.name + "-cache")
    os.environ["VAULT_CACHE_DIR"] = str(cache.resolve())
    root = str(args.vault.resolve())
    libc = ctypes.CDLL(None) if sys.platform.startswith("linux") else None
    if libc is not None and "MALLOC_ARENA_MAX" not in os.environ:
        libc.mallopt(-8, 2)  # as vault.serve.process does before its threads start
    if args.traced:
        import tracemalloc

        tracemalloc.start()

    from vault.catalog.records import alive
    from vault.cli.serve import answer
    from vault.serve import invocation
    from vault.serve.resident import Resident

    invocation.install()
    last = [rss_anon_mb()]

    def step(name: str, took: float) -> None:
        gc.collect()
        now = rss_anon_mb()
        line = f"{name:<34} {took:6.2f} s  RssAnon {now:7.0f} MB ({now - last[0]:+6.0f})"
        if args.trim and libc is not None:
            libc.malloc_trim(0)
            trimmed = rss_anon_mb()
            line += f"  trimmed {trimmed:7.0f} MB"
            now = trimmed
        if args.traced:
            import tracemalloc

            line += f"  traced {tracemalloc.get_traced_memory()[0] / 2**20:7.0f} MB"
        line += f"  catalogs alive {alive()}  load {loadavg()}"
        last[0] = now
        print(line, flush=True)

    def timed(name: str, fn) -> None:
        start = time.perf_counter()
        fn()
        step(name, time.perf_counter() - start)

    step("imports", 0.0)
    start = time.perf_counter()
    resident = Resident(root)
    resident.refresh()
    step("Resident + refresh", time.perf_counter() - start)
    served = SimpleNamespace(resident=resident)  # what vault.cli.serve.answer reads of it

    def run(*argv: str) -> None:
        request = {"argv": ["--vault", root, *argv], "env": dict(os.environ), "cwd": root}
        reply = answer(served, request)
        if not reply.get("ok") or reply["code"] != 0:
            raise SystemExit(f"vault {' '.join(argv)}: {reply}")

    for n in range(3):
        timed(f"search exosome #{n + 1}", lambda: run("search", "exosome"))
    edited = next((args.vault / "memory").rglob("*.md"))

    def edit_and_search() -> None:
        with open(edited, "a", encoding="utf-8") as fh:
            fh.write("\nOne more exosome line.\n")
        run("search", "exosome")

    for n in range(3):
        timed(f"edit + search #{n + 1}", edit_and_search)
    for n in range(2):
        timed(f"graph --format json #{n + 1}", lambda: run("graph", "--format", "json"))
    for n in range(2):
        timed(f"list --json #{n + 1}", lambda: run("list", "--json"))
    timed("edit + search", edit_and_search)
    timed("graph --format json", lambda: run("graph", "--format", "json"))
    timed("list --json", lambda: run("list", "--json"))
    timed("search exosome", lambda: run("search", "exosome"))
    # What the server's malloc_trim after a big build costs with all of this alive.
    from vault.serve.resident import give_back

    took = []
    for _ in range(5):
        start = time.perf_counter()
        give_back()
        took.append((time.perf_counter() - start) * 1000)
    print(f"give_back() (malloc_trim): {', '.join(f'{t:.2f}' for t in took)} ms", flush=True)
    resident.close()


if __name__ == "__main__":
    main()
