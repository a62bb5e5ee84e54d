"""Compare two checkouts of vault on the same vault, run for run: `vault --help`, a warm
`vault list --json`, `vault new --no-commit` under a note, warm `vault search` (a rare
word, a common word, two words, a ten-word question) and a cold `vault index`.

A refactor must not make these slower, and one machine's figures drift over minutes, so the
two checkouts are measured alternately (base, new, base, new, ...) and each figure is the
median of its runs. Whole processes, as a user runs them; `PYTHONDONTWRITEBYTECODE` is
removed from the children's environment (set, it recompiles vault on every run).

    .venv/bin/python bench/gen_vault.py /tmp/v10k --notes 10000 --realistic
    git worktree add /tmp/base <rev>
    .venv/bin/python bench/bench_compare.py --vault /tmp/v10k --base /tmp/base/src --new src

Each checkout gets its own derived-data folder (XDG_CACHE_HOME), so neither reads the
other's index.
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

QUESTION = "how do cells take up exosomes in a study of skin repair after injury"
SEARCHES = {
    "search rare": ["exosome"],
    "search common": ["skin"],
    "search two words": ["cell", "study"],
    "search ten words": QUESTION.split(),
}


def env_for(src: Path, xdg: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(src.resolve())
    env["XDG_CACHE_HOME"] = str(xdg)
    env["VAULT_NO_SERVER"] = "1"
    return env


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=cwd, capture_output=True)
    took = time.perf_counter() - start
    if proc.returncode not in (0,):
        sys.exit(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.decode()[-500:]}")
    if argv[-1] == "--json" and "new" in argv:  # a note made for the benchmark: remove it
        Path(json.loads(proc.stdout)["path"]).unlink()
    return took


def load() -> float:
    return os.getloadavg()[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--vault", type=Path, required=True, help="a vault made by gen_vault.py")
    ap.add_argument("--base", type=Path, required=True, help="the older checkout's src/")
    ap.add_argument("--new", type=Path, required=True, help="the newer checkout's src/")
    ap.add_argument("--runs", type=int, default=10, help="runs of each warm figure")
    ap.add_argument("--cold-runs", type=int, default=2, help="runs of the cold index")
    ap.add_argument("--only", default="", help="comma-separated figures to run: list,new,search")
    a = ap.parse_args()
    only = set(filter(None, a.only.split(",")))

    def wanted(what: str) -> bool:
        return not only or what in only

    scratch = Path(tempfile.mkdtemp(prefix="vault-compare-"))
    sides = {"base": a.base, "new": a.new}
    envs = {name: env_for(src, scratch / name) for name, src in sides.items()}
    vault = [sys.executable, "-m", "vault", "--vault", str(a.vault)]
    times: dict[tuple[str, str], list[float]] = {}
    loads = []

    def run(label: str, argv: list[str], runs: int, before=None) -> None:
        for _ in range(runs):
            for name in sides:
                if before:
                    before(name)
                times.setdefault((label, name), []).append(timed(argv, envs[name], a.vault))
                loads.append(load())

    def wipe(name: str) -> None:
        shutil.rmtree(scratch / name, ignore_errors=True)
        shutil.rmtree(a.vault / ".vault", ignore_errors=True)

    if a.cold_runs and wanted("index"):
        run("cold index", [*vault, "index", "--json"], a.cold_runs, before=wipe)
    if wanted("help"):
        run("--help", [sys.executable, "-m", "vault", "--help"], a.runs)
    run("list --json", [*vault, "list", "--json"], 1)  # warm-up: the catalog's cache
    for name in sides:
        times[("list --json", name)].clear()
    if wanted("list"):
        run("list --json", [*vault, "list", "--json"], a.runs)
    parent = next(p for p in sorted((a.vault / "memory").rglob("*.md")) if " " not in p.name)
    new = [*vault, "new", "--parent", str(parent.relative_to(a.vault)), "--title", "Bench note"]
    if wanted("new"):
        run("new --no-commit", [*new, "--no-commit", "--json"], a.runs)
    for label, words in SEARCHES.items() if wanted("search") else ():
        run(label, [*vault, "search", *words], 1)  # warm-up
        for name in sides:
            times[(label, name)].clear()
        run(label, [*vault, "search", *words], a.runs)

    print(f"{os.cpu_count()} cores, load average during the runs {min(loads):.1f}-{max(loads):.1f}")
    print("| work | base | new | new / base |")
    print("| --- | ---: | ---: | ---: |")
    for label in ["cold index", "--help", "list --json", "new --no-commit", *SEARCHES]:
        if not times.get((label, "base")):
            continue
        b = statistics.median(times[(label, "base")])
        n = statistics.median(times[(label, "new")])
        unit, scale = ("s", 1) if b >= 1 else ("ms", 1000)
        print(f"| {label} | {b * scale:.{2 if unit == 's' else 0}f} {unit} "
              f"| {n * scale:.{2 if unit == 's' else 0}f} {unit} | {n / b:.2f} |")  # fmt: skip
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
