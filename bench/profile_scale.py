"""Profile vault's commands on a vault made by bench_scale.py: where each one's time goes.

Each command runs once under cProfile as its own process (`python -m cProfile -o F -m vault
...`), in the harness's environment (XDG_CACHE_HOME per vault, PYTHONDONTWRITEBYTECODE unset);
the cold ones (cold_index, first_list) after deleting every derived file. Writes
bench/out/profiles/N/COMMAND.prof and prints, per command, the functions with the largest own
time and the largest cumulative time, each as a share of the run.

Usage:
    .venv/bin/python bench/profile_scale.py --notes 10000 [--only graph,warm_list] [--top 12]
"""

from __future__ import annotations

import argparse
import io
import os
import pstats
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_scale import COMMON, RARE, child_env  # noqa: E402

# name -> (arguments after `vault --vault DIR`, cold: delete derived data first)
COMMANDS = {
    "graph": (["graph", "--format", "json"], False),
    "warm_list": (["list", "--json"], False),
    "search_rare": (["search", RARE], False),
    "search_common": (["search", COMMON], False),
    "first_list": (["list", "--json"], True),
    "cold_index": (["index", "--json"], True),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=int, default=10_000, help="which bench/out/scale-N vault")
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--only", default="", help="commands, comma-separated (default: all)")
    ap.add_argument("--top", type=int, default=12)
    args = ap.parse_args()
    out = args.out.resolve()
    root, xdg = out / f"scale-{args.notes}", out / f"scale-{args.notes}.xdg"
    if not root.is_dir():
        raise SystemExit(f"no {root}: run bench/bench_scale.py --sizes {args.notes} first")
    dest = out / "profiles" / str(args.notes)
    dest.mkdir(parents=True, exist_ok=True)
    env = child_env(xdg, out)
    only = [c for c in args.only.split(",") if c] or list(COMMANDS)
    # Warm commands first (the catalog cache and index are warm), cold ones last.
    for name in sorted(only, key=lambda c: COMMANDS[c][1]):
        argv, cold = COMMANDS[name]
        if cold:
            shutil.rmtree(root / ".vault", ignore_errors=True)
            shutil.rmtree(xdg, ignore_errors=True)
            xdg.mkdir(parents=True)
        else:  # make sure it is warm: one plain run first
            subprocess.run(
                [sys.executable, "-m", "vault", "--vault", str(root), *argv],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        prof = dest / f"{name}.prof"
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "vault"]
            + ["--vault", str(root), *argv],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - start
        print(f"\n## {name}: vault {' '.join(argv)} ({seconds:.1f} s under cProfile)")
        print(summary(prof, args.top))


def summary(prof: Path, top: int) -> str:
    stats = pstats.Stats(str(prof), stream=io.StringIO())
    total = stats.total_tt or 1e-9
    rows = []
    for (file, line, func), (_cc, calls, tottime, cumtime, _) in stats.stats.items():
        where = _short(file)
        rows.append((tottime, cumtime, calls, f"{where}:{line}({func})"))
    out = [f"total {total:.2f} s", "", "own time (tottime):"]
    for tottime, _cum, calls, name in sorted(rows, reverse=True)[:top]:
        out.append(f"  {tottime / total:6.1%} {tottime:8.2f} s {calls:>10,} calls  {name}")
    out += ["", "cumulative, vault's own functions:"]
    own = [r for r in rows if "vault/" in r[3] and "site-packages" not in r[3]]
    for _tot, cumtime, calls, name in sorted(own, key=lambda r: -r[1])[:top]:
        out.append(f"  {cumtime / total:6.1%} {cumtime:8.2f} s {calls:>10,} calls  {name}")
    return "\n".join(out)


def _short(file: str) -> str:
    if "site-packages/" in file:
        return "site-packages/" + file.split("site-packages/", 1)[1]
    if "/src/vault/" in file:
        return "vault/" + file.split("/src/vault/", 1)[1]
    return os.path.basename(file) if file.startswith("/") else file


if __name__ == "__main__":
    main()
