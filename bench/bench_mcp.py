"""Benchmark `vault mcp` against the CLI on a generated vault (figures in bench/README.md).

Generates a vault of N notes (bench/gen_vault.py) and builds its index, then starts
`vault --vault ROOT mcp` the way an MCP client does, through the SDK's stdio client, and
times tool calls round trip (request written, reply read and validated by the client):

- `search` for "exosome", the vault unchanged: median of --runs calls;
- `show` of a different note each call: median;
- `search` right after one note was edited (the server sees the edit, loads the catalog
  again and updates the index before answering): median;
- the first call after start-up (the catalog loaded, the index checked).

Beside each, the CLI doing the same as a whole process (`python -m vault ... --json`, so
interpreter start-up and imports count, as when an agent shells out): median of --cli-runs.
With each median goes the CPU time a call cost the server process (or the CLI process), which
a busy machine changes much less than the wall time.

Usage: python bench/bench_mcp.py [--notes 10000] [--out bench/out] [--runs 30] [--cli-runs 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_vault import generate  # noqa: E402

QUERY = "exosome"


def cli_median(argv, runs: int, env: dict, before=None) -> tuple[float, float]:
    """(median seconds, mean CPU seconds) of `runs` whole-process runs of `argv(k)`
    (`before()` untimed before each)."""
    times = []
    cpu = _children_cpu()
    for k in range(runs):
        if before:
            before()
        start = time.perf_counter()
        subprocess.run(argv(k), env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times), (_children_cpu() - cpu) / runs


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _server_cpu() -> float:
    """CPU seconds used so far by the `vault mcp` child of this process (Linux /proc): on a
    busy machine, what a call costs apart from waiting for a core."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                argv = fh.read().split(b"\0")
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and b"mcp" in argv:
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return float("nan")


async def server_figures(root: Path, env: dict, ids: list[str], runs: int, edit) -> dict:
    from mcp import Client, StdioServerParameters

    params = StdioServerParameters(
        command=sys.executable, args=["-m", "vault", "--vault", str(root), "mcp"], env=env
    )

    async def call(c, name: str, args: dict) -> float:
        start = time.perf_counter()
        result = await c.call_tool(name, args)
        seconds = time.perf_counter() - start
        if result.is_error:
            raise SystemExit(f"{name} {args} failed: {result.content[0].text}")
        return seconds

    async def series(c, name: str, args, before=None) -> tuple[float, float]:
        """(median seconds, server CPU seconds per call) of `runs` calls."""
        times, cpu = [], _server_cpu()
        for k in range(runs):
            if before:
                before()
            times.append(await call(c, name, args(k)))
        return statistics.median(times), (_server_cpu() - cpu) / runs

    started = time.perf_counter()
    async with Client(params, read_timeout_seconds=600) as c:
        connected = time.perf_counter() - started
        first = await call(c, "search", {"query": QUERY})
        await call(c, "show", {"ref": ids[-1]})  # the resolver and the Parent structure
        out = {
            "search": await series(c, "search", lambda k: {"query": QUERY}),
            "show": await series(c, "show", lambda k: {"ref": ids[k % len(ids)]}),
            "search_after_edit": await series(c, "search", lambda k: {"query": QUERY}, edit),
        }
    figures = {"connect_ms": round(connected * 1000), "first_search_ms": round(first * 1000)}
    for key, (wall, cpu) in out.items():
        figures[f"{key}_ms"] = round(wall * 1000, 1)
        figures[f"{key}_cpu_ms"] = round(cpu * 1000, 1)
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=int, default=10_000)
    ap.add_argument("--out", type=Path, default=HERE / "out", help="where the vault goes")
    ap.add_argument("--runs", type=int, default=30, help="tool calls per median")
    ap.add_argument("--cli-runs", type=int, default=10, help="CLI processes per median")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    root = args.out / f"mcp-{args.notes}"
    # Derived data of its own, so a run neither uses nor disturbs ~/.cache/vault.
    env = {**os.environ, "VAULT_CACHE_DIR": str(args.out / f"mcp-{args.notes}-cache")}
    env.pop("VAULT_DIR", None)
    vault = [sys.executable, "-m", "vault", "--vault", str(root)]
    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}", flush=True)
    if not (root / "memory").is_dir():
        print(f"generating {args.notes:,} notes and indexing them ...", flush=True)
        generate(root, args.notes, args.seed)
    subprocess.run([*vault, "index"], env=env, check=True, capture_output=True)
    listing = subprocess.run([*vault, "list", "--json"], env=env, check=True, capture_output=True)
    every = [n["id"] for n in json.loads(listing.stdout)]
    ids = every[:: max(1, len(every) // args.runs)][: args.runs]
    note = root / sorted(every)[0]
    counter = iter(range(10**9))

    def edit() -> None:
        with open(note, "a", encoding="utf-8") as fh:
            fh.write(f"\nEdited {next(counter)}.\n")

    print("the server, through the SDK's stdio client ...", flush=True)
    server = asyncio.run(server_figures(root, env, ids, args.runs, edit))
    print("the CLI, one process per call ...", flush=True)
    runs = args.cli_runs
    measured = {
        "search": cli_median(lambda k: [*vault, "search", QUERY, "--json"], runs, env),
        "show": cli_median(lambda k: [*vault, "show", ids[k % len(ids)], "--json"], runs, env),
        "search_after_edit": cli_median(
            lambda k: [*vault, "search", QUERY, "--json"], runs, env, before=edit
        ),
    }
    cli = {}
    for key, (wall, cpu) in measured.items():
        cli[f"{key}_ms"] = round(wall * 1000, 1)
        cli[f"{key}_cpu_ms"] = round(cpu * 1000, 1)
    load = os.getloadavg()[0]
    print(f"\n{args.notes:,} notes, load average {load:.1f} on {os.cpu_count()} cores")
    print(f"median ms round trip (CPU ms per call); server: {args.runs} calls, CLI: {runs} runs")
    print(f"{'':28}{'vault mcp':>18}{'CLI':>18}")
    for key, label in (
        ("search", f"search {QUERY}"),
        ("show", "show (a different note)"),
        ("search_after_edit", f"search {QUERY}, 1 edited"),
    ):
        ours = f"{server[key + '_ms']} ({server[key + '_cpu_ms']})"
        theirs = f"{cli[key + '_ms']} ({cli[key + '_cpu_ms']})"
        print(f"{label:28}{ours:>18}{theirs:>18}")
    print(f"server start: connected in {server['connect_ms']} ms, first search "
          f"{server['first_search_ms']} ms")  # fmt: skip
    results = {"notes": args.notes, "cores": os.cpu_count(), "load": round(load, 1)}
    results |= {"server": server, "cli": cli}
    (args.out / "mcp.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"figures saved in {args.out / 'mcp.json'}")


if __name__ == "__main__":
    main()
