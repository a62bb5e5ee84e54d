"""`vault init` on a hub-sized vault (issue 25: under 2 s on the 6,591-note Obsidian hub):
a vault of NOTES generated notes committed to git, then `vault init` timed as a whole
process, commit included, RUNS times on fresh copies. `PYTHONDONTWRITEBYTECODE` is removed
from the child's environment.

    .venv/bin/python bench/bench_init.py --notes 6600 --runs 5
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gen_vault import generate
from git_env import ENV, git


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=int, default=6600)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    env = {k: v for k, v in ENV.items() if k != "PYTHONDONTWRITEBYTECODE"}
    scratch = Path(tempfile.mkdtemp(prefix="vault-bench-init-"))
    made = scratch / "made"
    generate(made, a.notes)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "notes"]):
        git(made, "-c", "gc.auto=0", *args)  # no background gc: it would pack while we copy
    times, loads = [], []
    for n in range(a.runs):
        root = scratch / f"run{n}"
        shutil.copytree(made, root, symlinks=True)
        env["XDG_CACHE_HOME"] = str(scratch / f"cache{n}")
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "vault", "--vault", str(root), "init"],
            env=env,
            capture_output=True,
            text=True,
        )
        times.append(time.perf_counter() - start)
        loads.append(os.getloadavg()[0])
        if proc.returncode:
            sys.exit(f"vault init exited {proc.returncode}: {proc.stderr}")
        shutil.rmtree(root)
    shutil.rmtree(scratch, ignore_errors=True)
    print(
        f"vault init, {a.notes} notes, commit included: median {statistics.median(times):.2f} s,"
        f" min {min(times):.2f} s, max {max(times):.2f} s over {a.runs} runs;"
        f" {os.cpu_count()} cores, load average {min(loads):.1f}-{max(loads):.1f}"
    )


if __name__ == "__main__":
    main()
