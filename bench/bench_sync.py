"""`vault sync` under contention, measured: many machines writing into one vault at once.

On one host: a bare remote served over `git daemon` (the git protocol, on 127.0.0.1, a free
port; the daemon is stopped when the run ends) and over file://; N clones, each with its own
derived data ($XDG_CACHE_HOME), each one process creating notes (`vault new`) and appending
paragraphs to one shared note (`vault append`), all at once: most sync after every note
(`vault sync`), the last --served of them are served by `vault serve --sync-interval`, which
syncs for them (their totals come from `vault serve --status --json`).
After one more sync everywhere it checks that every clone and the remote hold every note and
paragraph, no conflict marker anywhere, `git fsck` clean, and no commit lost (the seed, then
one commit per note and per paragraph), and reports wall time, syncs, retries, appends
joined and conflicts kept.

Usage: python bench/bench_sync.py [--clones 8] [--served 2] [--sync-interval 1] [--notes 25]
                                  [--paragraphs 10] [--transport git --transport file]
                                  [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from git_env import ENV, git, report

SHARED = "memory/shared.md"


def paragraph(clone: int, k: int) -> str:
    return f"Paragraph {k} from clone {clone}."


# --- one machine ---------------------------------------------------------------------------


def worker(root: Path, clone: int, notes: int, paragraphs: int, sync: bool) -> None:
    """One machine, in its own process: vault commands in process (one import of vault, as
    a long-running agent would have), a sync after every note unless its server syncs; one
    JSON line per command."""
    from click.testing import CliRunner

    from vault.cli import cli

    runner = CliRunner()
    # Spread the appends over the notes: append after note k when the share moves on.
    append_after = {(k * notes) // paragraphs for k in range(paragraphs)}
    appended = 0
    for k in range(notes):
        writes = [["new", "--title", f"Note {k} from clone {clone}", "--date", "2026-03-01"]]
        if k in append_after:
            writes.append(["append", "shared"])
        for argv in writes:
            text = f"{paragraph(clone, appended)}\n" if argv[0] == "append" else ""
            appended += argv[0] == "append"
            res = runner.invoke(cli, ["--vault", str(root), *argv], input=text)
            print(json.dumps({"cmd": argv[0], "code": res.exit_code, "err": res.stderr[-300:]}))
        if not sync:
            continue
        start = time.perf_counter()
        res = runner.invoke(cli, ["--vault", str(root), "sync", "--json"])
        line = {"cmd": "sync", "code": res.exit_code, "s": time.perf_counter() - start}
        if res.exit_code == 0:
            line["result"] = json.loads(res.stdout)
        else:
            line["err"] = res.stderr[-300:]
        print(json.dumps(line), flush=True)


# --- the whole run -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_daemon(base: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            "git", "daemon", "--reuseaddr", f"--base-path={base}", "--export-all",
            "--enable=receive-pack", "--listen=127.0.0.1", f"--port={port}", str(base),
        ],
        env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, f"git://127.0.0.1:{port}/remote.git"
        except OSError:
            time.sleep(0.05)
    proc.terminate()
    raise SystemExit("git daemon did not start")


def serve(machine: Path, env: dict, interval: float) -> subprocess.Popen:
    """`vault serve --sync-interval` for one machine, once it says where it serves; its log
    in MACHINE.log."""
    with open(f"{machine}.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "vault", "--vault", str(machine), "serve",
             "--sync-interval", str(interval)],
            env=env, stdout=subprocess.PIPE, stderr=log, text=True,
        )  # fmt: skip
    if not proc.stdout.readline().startswith("serving "):
        proc.kill()
        raise SystemExit(f"vault serve did not start for {machine}")
    return proc


def served_totals(machine: Path, env: dict) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "vault", "--vault", str(machine), "serve", "--status", "--json"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(out)["sync"]["totals"]


def run(
    base: Path, url: str, clones: int, served: int, interval: float, notes: int, paragraphs: int
) -> dict:
    remote = base / "remote.git"
    machines = [base / f"m{i}" for i in range(clones)]
    envs = [{**ENV, "XDG_CACHE_HOME": str(base / f"m{i}-cache")} for i in range(clones)]
    by_server = set(range(clones - served, clones))
    git(base, "clone", "-q", url, str(machines[0]))
    (machines[0] / "memory").mkdir()
    (machines[0] / SHARED).write_text("# Shared\n\nWhat every machine adds to.\n")
    vault_cmd = [sys.executable, "-m", "vault"]
    subprocess.run(
        [*vault_cmd, "--vault", str(machines[0]), "sync"], env=ENV, check=True, capture_output=True
    )
    for m in machines[1:]:
        git(base, "clone", "-q", url, str(m))
    start = time.perf_counter()
    servers = {i: serve(machines[i], envs[i], interval) for i in sorted(by_server)}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--worker",
                str(m),
                "--clone",
                str(i),
                "--notes",
                str(notes),
                "--paragraphs",
                str(paragraphs),
                *(["--no-sync"] if i in by_server else []),
            ],
            env=envs[i],
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for i, m in enumerate(machines)
    ]
    lines = [json.loads(ln) for p in procs for ln in p.communicate()[0].splitlines()]
    totals = []
    for i, server in servers.items():  # its last sync done, then stopped
        time.sleep(interval * 1.2)
        totals.append(served_totals(machines[i], envs[i]))
        server.terminate()
        server.wait(timeout=300)
    wall = time.perf_counter() - start
    for m, env in zip(machines, envs, strict=True):  # one more sync everywhere
        last = subprocess.run(
            [*vault_cmd, "--vault", str(m), "sync"], env=env, capture_output=True, text=True
        )
        if last.returncode != 0:
            raise SystemExit(f"the last sync of {m.name} failed: {last.stderr.strip()}")
    syncs = [ln for ln in lines if ln["cmd"] == "sync"]
    results = [ln["result"] for ln in syncs if "result" in ln]
    failed = [ln for ln in lines if ln["code"] != 0]
    return {
        "clones": clones,
        "wall_s": round(wall, 1),
        "syncs": len(syncs),
        "sync_median_s": round(sorted(ln["s"] for ln in syncs)[len(syncs) // 2], 2),
        "sync_max_s": round(max(ln["s"] for ln in syncs), 2),
        "retries": sum(r["retries"] for r in results),
        "max_retries": max(r["retries"] for r in results),
        "appends_joined": sum(len(r["merged"]) for r in results),
        "conflicts_kept": sum(len(r["conflicts"]) for r in results),
        "served": {
            "clones": served,
            "interval_s": interval,
            **{k: sum(t[k] for t in totals) for k in ("syncs", "failed", "retries", "conflicts")},
            "failures": sorted(
                {
                    ln.split("sync failed: ", 1)[1][:70]
                    for i in by_server
                    for ln in Path(f"{machines[i]}.log").read_text().splitlines()
                    if "sync failed: " in ln
                }
            )[:5],
        },
        "failed_commands": {
            c: sum(ln["cmd"] == c for ln in failed) for c in ("new", "append", "sync")
        },
        "failures": sorted({ln.get("err", "").split(" in ")[0] for ln in failed})[:5],
        **verify(remote, machines, clones, notes, paragraphs),
    }


def verify(remote: Path, machines: list[Path], clones: int, notes: int, paragraphs: int) -> dict:
    tree = git(remote, "ls-tree", "-r", "--name-only", "main").split()
    shared = git(remote, "show", f"main:{SHARED}")
    heads = {git(m, "rev-parse", "HEAD").strip() for m in machines}
    found = [paragraph(i, k) for i in range(clones) for k in range(paragraphs)]
    every_clone_same = heads == {git(remote, "rev-parse", "main").strip()} and all(
        (m / SHARED).read_text() == shared
        and sum(1 for _ in (m / "memory").rglob("*.md")) == len(tree)
        and git(m, "status", "--porcelain") == ""
        for m in machines
    )
    markers = subprocess.run(
        ["git", "grep", "-l", "-E", "^(<<<<<<<|>>>>>>>)", "main"], cwd=remote, capture_output=True
    ).returncode != 1  # fmt: skip
    fsck = all(
        subprocess.run(["git", "fsck", "--strict", "--no-progress"], cwd=w, capture_output=True)
        .returncode == 0
        for w in (remote, *machines)
    )  # fmt: skip
    commits = int(git(remote, "rev-list", "--count", "main"))
    return {
        "notes_on_remote": len([p for p in tree if p != SHARED and ".conflict-" not in p]),
        "notes_expected": clones * notes,
        "paragraphs_on_remote": sum(shared.count(p) == 1 for p in found),
        "paragraphs_expected": clones * paragraphs,
        "every_clone_same": every_clone_same,
        "conflict_markers": markers,
        "fsck_clean": fsck,
        "commits": commits,
        "commits_expected": 1 + clones * (notes + paragraphs),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clones", type=int, default=8)
    ap.add_argument("--served", type=int, default=2, help="clones synced by vault serve")
    ap.add_argument("--sync-interval", type=float, default=1.0, help="their --sync-interval")
    ap.add_argument("--notes", type=int, default=25)
    ap.add_argument("--paragraphs", type=int, default=10)
    ap.add_argument("--transport", action="append", choices=("git", "file"))
    ap.add_argument("--json", type=Path)
    ap.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--clone", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--no-sync", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.clone, args.notes, args.paragraphs, not args.no_sync)
        return
    figures = {
        "nproc": os.cpu_count(),
        "load_before": os.getloadavg()[0],
        "git": git(Path.cwd(), "--version").strip(),
    }
    for transport in args.transport or ["git", "file"]:
        base = Path(tempfile.mkdtemp(prefix=f"bench-sync-{transport}-"))
        daemon = None
        try:
            git(base, "init", "-q", "--bare", "-b", "main", str(base / "remote.git"))
            if transport == "git":
                daemon, url = start_daemon(base)
            else:
                url = (base / "remote.git").as_uri()
            figures[transport] = {
                "url": url,
                **run(
                    base,
                    url,
                    args.clones,
                    args.served,
                    args.sync_interval,
                    args.notes,
                    args.paragraphs,
                ),  # fmt: skip
                "load_after": os.getloadavg()[0],
            }
        finally:
            if daemon is not None:
                daemon.terminate()
                daemon.wait(timeout=10)
            shutil.rmtree(base, ignore_errors=True)
        print(json.dumps({transport: figures[transport]}, indent=2), file=sys.stderr)
    report(figures, args.json)


if __name__ == "__main__":
    main()
