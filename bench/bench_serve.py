"""Benchmark `vault serve` on a generated vault (figures in bench/README.md).

Generates a vault of N notes (bench/gen_vault.py), builds its index, starts `vault serve`
and times, as whole processes (`python -m vault ...`, interpreter start-up and imports
included, as when an agent shells out), median of --runs:

- `vault search exosome` answered by the server, and alone (VAULT_NO_SERVER=1);
- the same right after one note was edited (the server drains the event, loads the catalog
  again and updates the index before answering);
- `vault graph --format json` and `vault list --json`, served;
- MCP over HTTP: `search` from 16 concurrent clients (the SDK's client, each in a process
  of its own), p50 and p95, and the CPU a call cost the server and the client;
- the server's RSS after warm-up, and the time from start to its first answer;
- `vault search` through the installed console script (pip's wrapper around
  pyproject's [project.scripts] entry), served: the entry that takes the fast path first
  (vault.__main__:main) beside the one that imports the CLI first (vault.cli:main);
- with --agent-rounds N, an agent's loop over MCP: show a note, append a new word to it with
  the hash, pause --think seconds (1.1: past the server's merge pause), search for the word;
  the searches' p50, p90 and max;
- a load run: --load-clients MCP clients over HTTP, --load-calls mixed calls each (search,
  show, context, and append with a hash guard, retried after a refusal), counting errors,
  lost appends and the server's RSS before and after; the throughput, and the server's CPU
  per call (the figure a busy machine changes least).

The machine's core count and load average (`uptime`) go with the figures: other work on the
machine changes wall times much more than CPU times.

The server's RSS is sampled every --rss-every calls of the load run (the curve shows whether
memory stays flat after warm-up). The figures end as a compact table, one line each.

Usage: python bench/bench_serve.py [--vault DIR] [--notes 10000] [--out bench/out] [--runs 15]
       [--load-clients 32] [--load-calls 500] [--rss-every 1000] [--agent-rounds N]
       [--think SECONDS] [--only-load]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_vault import generate  # noqa: E402
from git_env import ENV, git  # noqa: E402

QUERY = "exosome"


def uptime() -> str:
    """The load average over 1, 5 and 15 minutes, beside every figure."""
    return "load " + " ".join(Path("/proc/loadavg").read_text().split()[:3])


# What pip writes for a [project.scripts] entry "vault = MODULE:main".
CONSOLE_SCRIPT = """\
import sys
from {module} import main
if __name__ == '__main__':
    sys.argv[0] = sys.argv[0].removesuffix('.exe')
    sys.exit(main())
"""


def whole(argv: list[str], env: dict, runs: int, before=None, command=None) -> float:
    """Median seconds of `runs` whole-process runs of `python -m vault ARGV` (or of
    `command ARGV`). The median CPU seconds of the process itself (user + system, not the
    server's) go to CPU[-1]: on a loaded machine they say what waiting for a core hid."""
    import resource

    times, cpu = [], []
    for _ in range(runs):
        if before:
            before()
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([*(command or [sys.executable, "-m", "vault"]), *argv], env=env,
                       check=True, capture_output=True)  # fmt: skip
        times.append(time.perf_counter() - start)
        now = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(now.ru_utime - used.ru_utime + now.ru_stime - used.ru_stime)
    CPU.append(statistics.median(cpu))
    return statistics.median(times)


CPU: list[float] = []


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        kb = next(int(line.split()[1]) for line in fh if line.startswith(f"{field}:"))
    return kb / 1024


def rss_parts(pid: int) -> str:
    """The RSS split: the process's own memory (anonymous) and pages of files it maps."""
    anon, files = rss_mb(pid, "RssAnon"), rss_mb(pid, "RssFile")
    return f"anonymous {anon:.0f} MB, files mapped {files:.0f} MB"


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (/proc/PID/stat)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# Untimed calls each MCP client makes first: the table's figures are warm. A pool thread's
# first searches open its own Whoosh searcher and fill its readers' caches, and 16 clients'
# calls land on 8 threads in no set order. The server's CPU per call at 10,000 notes, load
# 10: 37 ms after 1 or 3 untimed calls each, 24-26 ms after 10, 14-17 ms after 400 calls.
WARM_CALLS = 10


@contextlib.asynccontextmanager
async def mcp_client(port: int, token: str):
    """The SDK's MCP client of the server at `port`, over HTTP with its token."""
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client

    headers = {"Authorization": f"Bearer {token}"}
    url = f"http://127.0.0.1:{port}/mcp"
    async with (
        create_mcp_http_client(headers=headers) as http_client,
        Client(streamable_http_client(url, http_client=http_client)) as client,
    ):
        yield client


async def mcp_searches(port: int, token: str, calls: int, ready, go) -> tuple[list[float], float]:
    """One MCP client over HTTP (the SDK's): connects and makes WARM_CALLS untimed calls
    (the client's first call also lists the tools), awaits `ready()` then `go()`, then times
    `calls` searches. Returns their times and the CPU seconds this process used meanwhile."""
    async with mcp_client(port, token) as client:
        for _ in range(WARM_CALLS):
            await client.call_tool("search", {"query": QUERY})
        await ready()
        await go()
        times = []
        cpu = time.process_time()
        for _ in range(calls):
            start = time.perf_counter()
            result = await client.call_tool("search", {"query": QUERY})
            times.append(time.perf_counter() - start)
            assert not result.is_error, result.content[0].text
        return times, time.process_time() - cpu


def mcp_client_process(port: int, calls: int) -> None:
    """`bench_serve.py --mcp-client PORT CALLS` (token in $VAULT_BENCH_TOKEN): one client of
    http_search in a process of its own; says "ready" once connected, starts its calls on a
    line from stdin, prints its times and CPU seconds as JSON."""

    async def ready() -> None:
        print("ready", flush=True)

    async def go() -> None:
        await asyncio.to_thread(sys.stdin.readline)

    token = os.environ["VAULT_BENCH_TOKEN"]
    times, cpu = asyncio.run(mcp_searches(port, token, calls, ready, go))
    print(json.dumps({"times": times, "cpu": cpu}), flush=True)


def http_search(port: int, token: str, pid: int, clients: int, calls: int) -> dict:
    """`clients` MCP clients over HTTP, each in a process of its own (as agents are: each its
    own interpreter, often on its own machine; 16 clients in one asyncio process would queue
    behind that one interpreter's JSON-RPC and pydantic work, a cost of the benchmark, not
    of the server), all connected before any starts, each making `calls` searches. Returns
    the call times, and the CPU seconds the server (pid) and the clients used meanwhile."""
    env = {**os.environ, "VAULT_BENCH_TOKEN": token}
    argv = [sys.executable, __file__, "--mcp-client", str(port), str(calls)]
    procs = [subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True) for _ in range(clients)]  # fmt: skip
    try:
        for proc in procs:
            assert proc.stdout.readline().strip() == "ready", "an MCP client failed to connect"
        server_cpu = cpu_seconds(pid)
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        done = [json.loads(proc.stdout.readline()) for proc in procs]
        server_cpu = cpu_seconds(pid) - server_cpu
    finally:
        for proc in procs:
            proc.stdin.close()
            proc.wait(60)
    times = [t for d in done for t in d["times"]]
    return {"times": times, "server_cpu": server_cpu, "client_cpu": sum(d["cpu"] for d in done)}


async def load_run(
    port: int, token: str, clients: int, calls: int, notes: list[str], pid: int, every: int
) -> dict:
    """`clients` MCP clients over HTTP making `calls` calls each, mixed: search, show, context
    and append (with the hash `show` gave; refused when another client appended first, then
    read again and retried). Errors are calls that failed for any other reason."""
    run = time.strftime("%Y%m%dT%H%M%S")
    errors: list[str] = []
    appended: list[tuple[str, str]] = []
    refused = 0
    done = 0
    curve: list[tuple[int, float]] = [(0, rss_mb(pid))]  # (calls made, server RSS MB)

    async def one(n: int) -> None:
        nonlocal refused, done
        rng = random.Random(n)
        async with mcp_client(port, token) as client:
            for i in range(calls):
                kind = rng.choices(("search", "show", "context", "append"), (4, 3, 2, 1))[0]
                note = rng.choice(notes)
                if kind == "search":
                    result = await client.call_tool("search", {"query": rng.choice(WORDS)})
                elif kind in ("show", "context"):
                    result = await client.call_tool(kind, {"ref": note})
                else:
                    text = f"Load run {run} client {n} call {i}."  # once in the vault
                    while True:
                        shown = await client.call_tool("show", {"ref": note})
                        sha = json.loads(shown.content[0].text)["sha256"]
                        args = {"ref": note, "text": text, "expected_sha256": sha}
                        result = await client.call_tool("append", args)
                        if result.is_error and "changed since" in result.content[0].text:
                            refused += 1
                            continue
                        break
                    if not result.is_error:
                        appended.append((note, text))
                if result.is_error:
                    errors.append(f"{kind}: {result.content[0].text}")
                done += 1
                if done % every == 0:
                    curve.append((done, rss_mb(pid)))

    start = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(clients)))
    return {"seconds": time.perf_counter() - start, "errors": errors, "appended": appended,
            "refused": refused, "curve": curve}  # fmt: skip


# Issue 20's targets at 10,000 and 100,000 notes, beside each figure of the table printed last
# (a vault of another size gets the nearer one's).
TARGETS = {
    10_000: {
        "vault search, served": "≤ 80 ms",
        "vault search right after an edit, served": "≤ 100 ms",
        "vault graph --format json, served": "≤ 500 ms",
        "vault list --json, served": "≤ 100 ms",
        "MCP over HTTP search, 16 clients, p50 / p95": "≤ 30 / 100 ms",
        "server RSS after warm-up": "≤ 400 MB",
        "start to first answer": "≤ 3 s",
        "vault search, alone": "≤ 250 ms",
    },
    100_000: {
        "vault search, served": "≤ 120 ms",
        "vault search right after an edit, served": "≤ 150 ms",
        "vault graph --format json, served": "≤ 3 s",
        "vault list --json, served": "≤ 0.6 s",
        "MCP over HTTP search, 16 clients, p50 / p95": "≤ 60 / 200 ms",
        "server RSS after warm-up": "≤ 1.5 GB",
        "start to first answer": "≤ 20 s",
        "vault search, alone": "≤ 0.6 s",
    },
}
TABLE: list[tuple[str, str, str]] = []  # (figure, value, load average), printed last


async def agent_loop(port: int, token: str, note: str, rounds: int, think: float) -> list[float]:
    """An agent's loop over MCP (one SDK client over HTTP): show `note`, append a new word
    to it with the hash, think for `think` seconds, then search for that word, which must
    find the note first. Returns the searches' times. A think time past the server's merge
    pause (vault.serve.resident.MERGE_IDLE) lets the small-segment merge run meanwhile."""
    run = time.strftime("%H%M%S")
    times = []
    async with mcp_client(port, token) as client:
        for n in range(rounds):
            shown = json.loads((await client.call_tool("show", {"ref": note})).content[0].text)
            word = f"agentloop{run}x{n}"
            args = {"ref": note, "text": f"Seen: {word}.", "expected_sha256": shown["sha256"]}
            result = await client.call_tool("append", args)
            assert not result.is_error, result.content[0].text
            await asyncio.sleep(think)
            start = time.perf_counter()
            result = await client.call_tool("search", {"query": word})
            times.append(time.perf_counter() - start)
            hits = json.loads(result.content[0].text)
            assert hits and hits[0]["id"] == note, (word, hits)
    return times


def tabled(figure: str, value: str) -> None:
    TABLE.append((figure, value, uptime().removeprefix("load ")))


WORDS = ["exosome", "skin barrier", "retinol", "peptide OR ceramide", "collagen", "notes"]


def latencies(args, vault, env, alone, edited, port, token, pid, row, rows) -> None:
    """The figures of one call at a time, whole processes, and the MCP clients at once."""
    row("vault search, served", whole([*vault, "search", QUERY], env, args.runs))
    row("vault search, alone", whole([*vault, "search", QUERY], alone, max(3, args.runs // 3)))

    def edit() -> None:
        with open(edited, "a", encoding="utf-8") as fh:
            fh.write("\nOne more exosome line.\n")

    row("vault search right after an edit, served",
        whole([*vault, "search", QUERY], env, args.runs, before=edit))  # fmt: skip
    row("vault graph --format json, served",
        whole([*vault, "graph", "--format", "json"], env, max(3, args.runs // 3)))  # fmt: skip
    row("vault list --json, served", whole([*vault, "list", "--json"], env, args.runs))
    for module in ("vault.__main__", "vault.cli"):
        script = args.out / f"vault-script-{module}.py"
        script.write_text(CONSOLE_SCRIPT.format(module=module), encoding="utf-8")
        command = [sys.executable, str(script)]
        row(f"vault search, served, console script entry {module}:main",
            whole([*vault, "search", QUERY], env, args.runs, command=command))  # fmt: skip
    mcp = http_search(int(port), token, pid, 16, 5)
    times = sorted(mcp["times"])
    p50, p95 = times[len(times) // 2], times[int(len(times) * 0.95)]
    # CPU per call: what a call costs, which a busy machine changes much less than wall times.
    server_cpu, client_cpu = (mcp[k] / len(times) * 1000 for k in ("server_cpu", "client_cpu"))
    tabled("MCP over HTTP search, 16 clients, p50 / p95",
           f"{p50 * 1000:.0f} / {p95 * 1000:.0f} ms (CPU per call: server {server_cpu:.1f} ms, "
           f"client {client_cpu:.1f} ms)")  # fmt: skip
    rows.append(
        f"MCP over HTTP search, 16 client processes x 5 calls: p50 {p50 * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms; CPU per call: server {server_cpu:.1f} ms, "
        f"client {client_cpu:.1f} ms | {uptime()}"
    )


def main() -> None:
    if sys.argv[1:2] == ["--mcp-client"]:
        return mcp_client_process(int(sys.argv[2]), int(sys.argv[3]))
    parser = argparse.ArgumentParser()
    parser.add_argument("--vault", type=Path, help="a vault to copy (default: generate one)")
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--load-clients", type=int, default=32)
    parser.add_argument("--load-calls", type=int, default=500)
    parser.add_argument("--rss-every", type=int, default=1000, help="load-run calls per sample")
    parser.add_argument("--only-load", action="store_true", help="the load run alone")
    parser.add_argument("--agent-rounds", type=int, default=0, help="agent loop rounds (0: none)")
    parser.add_argument("--think", type=float, default=1.1, help="agent loop's pause, seconds")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    name = f"copy-{args.vault.resolve().name}" if args.vault else str(args.notes)
    root = args.out / f"serve-{name}"
    # git with a fixed identity and no user config, as the other benchmarks run it.
    env = {**ENV, "VAULT_CACHE_DIR": str(args.out / f"serve-{name}-cache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("VAULT_DIR", None)
    env.pop("VAULT_NO_SERVER", None)
    alone = {**env, "VAULT_NO_SERVER": "1"}
    vault = ["--vault", str(root)]
    if args.vault and not root.exists():
        shutil.copytree(args.vault, root, symlinks=True)
    if not (root / "memory").is_dir():
        print(f"generating {args.notes:,} notes ...", flush=True)
        generate(root, args.notes, args.seed)
    if not (root / ".git").exists():
        # In git of its own, as people keep a vault: each append is a commit. (A copy inside
        # this project's checkout would otherwise find the project's repository, where
        # bench/out is ignored, and every commit would fail.)
        for step in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "the bench vault"]):
            git(root, *step)
    args.notes = sum(1 for _ in (root / "memory").rglob("*.md"))
    subprocess.run([sys.executable, "-m", "vault", *vault, "index"], env=alone, check=True,
                   capture_output=True)  # fmt: skip
    edited = next((root / "memory").rglob("*.md"))
    rows = [f"nproc {os.cpu_count()}; {args.notes:,} notes; median of {args.runs} runs"]

    start = time.perf_counter()
    log_path = args.out / f"serve-{name}.log"
    log = open(log_path, "w+", encoding="utf-8")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [sys.executable, "-m", "vault", *vault, "serve"],
        env=env, stdout=subprocess.PIPE, stderr=log, text=True,
    )  # fmt: skip
    seen = [0]

    def server_ms() -> str:
        """The server's median time to answer, over the answers it logged since last asked."""
        lines = log_path.read_text(encoding="utf-8").splitlines()[seen[0] :]
        seen[0] += len(lines)
        took = [int(m[1]) for m in map(re.compile(r"answered .*, (\d+) ms\)$").search, lines) if m]
        return f"; server {statistics.median(took):.0f} ms" if took else ""

    try:
        first = server.stdout.readline()
        port, token = re.search(r":(\d+)/\?token=(\S+)$", first.strip()).groups()
        subprocess.run([sys.executable, "-m", "vault", *vault, "list", "--json"], env=env,
                       check=True, capture_output=True)  # fmt: skip
        took = time.perf_counter() - start
        server_ms()
        rows.append(f"start to first answer (`vault list --json`): {took:.2f} s | {uptime()}")
        tabled("start to first answer", f"{took:.2f} s")

        def row(label: str, seconds: float) -> None:
            server_took = server_ms()
            rows.append(f"{label}: {seconds * 1000:.0f} ms (client CPU {CPU[-1] * 1000:.0f} ms"
                        f"{server_took}) | {uptime()}")  # fmt: skip
            print(rows[-1], flush=True)
            inside = f" ({server_took.split()[-2]} ms)" if server_took else ""
            tabled(label, f"{seconds * 1000:.0f} ms{inside}")

        if not args.only_load:
            latencies(args, vault, env, alone, edited, port, token, server.pid, row, rows)
        if args.agent_rounds:
            times = sorted(asyncio.run(agent_loop(int(port), token, str(edited.relative_to(root)),
                                                  args.agent_rounds, args.think)))  # fmt: skip
            n = len(times)
            figure = f"agent loop, search after append and {args.think:g} s, p50 / p90 / max"
            value = f"{times[n // 2] * 1000:.0f} / {times[n * 9 // 10] * 1000:.0f} / "
            value += f"{times[-1] * 1000:.0f} ms"
            rows.append(f"{figure} ({n} rounds): {value} | {uptime()}")
            tabled(figure, value)
        rows.append(f"server RSS after warm-up: {rss_mb(server.pid):.0f} MB")
        tabled("server RSS after warm-up", f"{rss_mb(server.pid):.0f} MB")
        if args.load_calls:
            found = subprocess.run([sys.executable, "-m", "vault", *vault, "list", "--json"],
                                   env=env, check=True, capture_output=True).stdout  # fmt: skip
            notes = [n["id"] for n in json.loads(found)[:: max(1, args.notes // 8)]][:8]
            before = rss_mb(server.pid)
            used = cpu_seconds(server.pid)
            load = asyncio.run(load_run(int(port), token, args.load_clients, args.load_calls,
                                        notes, server.pid, args.rss_every))  # fmt: skip
            after = rss_mb(server.pid)
            used = cpu_seconds(server.pid) - used
            texts = {n: (root / n).read_text(encoding="utf-8") for n in notes}
            lost = [t for n, t in load["appended"] if texts[n].count(t) != 1]
            total = args.load_clients * args.load_calls
            rows.append(
                f"load run, {args.load_clients} clients x {args.load_calls} mixed calls: "
                f"{total / load['seconds']:.0f} calls/s ({load['seconds']:.0f} s), "
                f"server CPU {used / total * 1000:.1f} ms per call, "
                f"{len(load['errors'])} errors, {len(load['appended'])} appends, "
                f"{len(lost)} lost, {load['refused']} refused by their hash guard and retried; "
                f"RSS {before:.0f} -> {after:.0f} MB | {uptime()}"
            )
            curve = ", ".join(f"{n}: {mb:.0f}" for n, mb in load["curve"])
            rows.append(f"  RSS MB after N calls: {curve}; at the end {rss_parts(server.pid)}")
            tabled(f"load run {args.load_clients} x {args.load_calls}",
                   f"{total / load['seconds']:.0f} calls/s ({used / total * 1000:.0f} ms CPU "
                   f"each), {len(load['errors'])} errors, "
                   f"{len(lost)} lost, RSS {before:.0f} -> {after:.0f} MB")  # fmt: skip
            for error in load["errors"][:5]:
                rows.append(f"  error: {error}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
        log.close()
    print("\n".join(rows))
    print(f"\n| {args.notes:,} notes | wall (server) | target | load 1/5/15 min |")
    print("| --- | ---: | ---: | --- |")
    targets = TARGETS[min(TARGETS, key=lambda size: abs(size - args.notes))]
    for figure, value, load in TABLE:
        print(f"| {figure} | {value} | {targets.get(figure, '')} | {load} |")


if __name__ == "__main__":
    main()
