"""What git itself costs on a vault of N notes: the figures behind docs/scale.md.

Takes a vault made by bench/gen_vault.py (its notes under DIR/memory), makes it a git
repository and times, in seconds (median of --repeat runs where a run changes nothing):

- `git add -A` and `git commit` of every note (the first commit);
- `git status` with nothing changed, with core.untrackedCache off and on, and with
  core.fsmonitor when this git has the built-in daemon (on Linux git 2.39 has not);
- `git add` and `git commit` of 10 edited and 10 new notes;
- `git clone --no-local` (objects packed and sent, as a remote would) and `git fetch` of
  one new commit into that clone;
- the size of .git and of the work tree.

Usage: python bench/bench_git_costs.py DIR [--repeat 3] [--json OUT]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from git_env import ENV, report
from git_env import git as run_git


def git(cwd: Path, *args: str) -> float:
    """Run git; the wall time it took, in seconds."""
    start = time.perf_counter()
    run_git(cwd, *args)
    return time.perf_counter() - start


def median(cwd: Path, repeat: int, *args: str) -> float:
    return statistics.median(git(cwd, *args) for _ in range(repeat))


def size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def has_fsmonitor(cwd: Path) -> bool:
    proc = subprocess.run(
        ["git", "fsmonitor--daemon", "status"], cwd=cwd, env=ENV, capture_output=True, text=True
    )
    return "not supported" not in proc.stderr


def measure(root: Path, repeat: int) -> dict:
    shutil.rmtree(root / ".git", ignore_errors=True)
    notes = sum(1 for _ in (root / "memory").rglob("*.md"))
    out: dict = {"notes": notes, "work_tree_bytes": size(root / "memory")}
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "core.untrackedCache", "false")
    out["first_add_s"] = git(root, "add", "-A")
    out["first_commit_s"] = git(root, "commit", "-q", "-m", "all notes")
    out["git_dir_bytes"] = size(root / ".git")
    out["status_s"] = median(root, repeat, "status", "--porcelain")
    git(root, "config", "core.untrackedCache", "true")
    git(root, "update-index", "--untracked-cache")
    git(root, "status", "--porcelain")  # fills the cache
    out["status_untracked_cache_s"] = median(root, repeat, "status", "--porcelain")
    if has_fsmonitor(root):
        git(root, "config", "core.fsmonitor", "true")
        git(root, "status", "--porcelain")  # starts the daemon
        out["status_fsmonitor_s"] = median(root, repeat, "status", "--porcelain")
        git(root, "fsmonitor--daemon", "stop")
        git(root, "config", "core.fsmonitor", "false")
    else:
        out["status_fsmonitor_s"] = None  # git's built-in daemon is not built for this OS
    files = sorted((root / "memory").rglob("*.md"))[:10]
    for f in files:
        f.write_text(f.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    for i in range(10):
        (root / "memory" / f"bench-new-{i}.md").write_text(f"# New {i}\n", encoding="utf-8")
    out["add_20_s"] = git(root, "add", "-A")
    out["commit_20_s"] = git(root, "commit", "-q", "-m", "20 notes")
    clone = root.parent / (root.name + "-clone")
    shutil.rmtree(clone, ignore_errors=True)
    out["clone_s"] = git(root.parent, "clone", "-q", "--no-local", str(root), str(clone))
    (root / "memory" / "bench-fetch.md").write_text("# Fetched\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "one more")
    out["fetch_1_commit_s"] = git(clone, "fetch", "-q", "origin")
    out["clone_status_s"] = median(clone, repeat, "status", "--porcelain")
    shutil.rmtree(clone)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    result = measure(args.dir.resolve(), args.repeat)
    result["git"] = run_git(args.dir, "--version").strip()
    report(result, args.json)


if __name__ == "__main__":
    main()
