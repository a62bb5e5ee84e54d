"""Benchmark the web pages of `vault serve` (figures in bench/README.md, "The web app").

A vault of 10,000 notes in git (a copy of --vault, or bench/gen_vault.py's realistic vault
when none is given), a real `vault serve` warmed up (index built, catalog loaded), then
the time of each page request over loopback, as the browser asks it (the cookie, the
Host), from the request's first byte to the page's last: the server's time, and a little
of the loopback's. Reported as p50 / p95 / max over:

- note pages: --pages notes drawn at random (fixed seed), each page once (a note page
  gathers the note, its Parent chain, children, backlinks and related notes, and renders
  the Markdown; its related notes come after, from /related.json, timed apart);
- search pages: --pages one-word queries drawn from the notes' titles, `/search?query=W`
  (the results rendered server-side), and the same through `/search.json` (what the page's
  script asks as you type);
- hub note pages: the HUBS notes with the most neighbours in the graph, each three times
  (their local graph is the largest to gather and draw).

Run them --rounds times, alternating, and give the load average beside each round: other
work on the machine changes these wall times much more than anything here does.

With --screenshots DIR it takes, instead, the README's pictures of the home, note, search
and graph pages (and a note 400 px wide in dark mode) on the vendored 1,013-note Dendron
site (tests/corpora/dendron-site), in headless Chromium with the test suite's flags.

Usage: python bench/bench_web.py [--vault DIR] [--out bench/out] [--pages 300] [--rounds 2]
       python bench/bench_web.py --screenshots docs
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
# How many hub notes (the most neighbours: the largest local graphs) are timed, three times
# each.
HUBS = 20
sys.path.insert(0, str(HERE))

from gen_vault import generate  # noqa: E402
from git_env import ENV, git  # noqa: E402


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def prepare(source: Path | None, root: Path, notes: int) -> None:
    if root.exists():
        return
    if source is not None:
        shutil.copytree(source, root, symlinks=True)
    else:
        generate(root, notes, 1, realistic=True)
    for argv in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "bench vault"]):
        git(root, *argv)


class Served:
    def __init__(self, root: Path):
        env = {k: v for k, v in ENV.items() if k != "PYTHONDONTWRITEBYTECODE"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "vault", "--vault", str(root), "serve"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        first = self.proc.stdout.readline().decode()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=(\S+)", first)
        assert m, first
        self.port, self.token = int(m[1]), m[2]
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)

    def get(self, path: str) -> tuple[int, bytes, float]:
        headers = {"Host": f"127.0.0.1:{self.port}", "Cookie": f"vault_token={self.token}"}
        start = time.perf_counter()
        self.conn.request("GET", path, headers=headers)
        res = self.conn.getresponse()
        body = res.read()
        return res.status, body, time.perf_counter() - start

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


def cpu_seconds(pid: int) -> float:
    """The process's user + system CPU time so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def hub_notes(server: Served, count: int) -> list[str]:
    """The `count` notes with the most neighbours (Parent edges and links, either way) in
    the server's graph: the note pages whose local graph is the largest."""
    status, body, _ = server.get("/graph.json")
    assert status == 200, body[:300]
    degree: dict[str, int] = {}
    for e in json.loads(body)["edges"]:
        for end in (e["source"], e["target"]):
            degree[end] = degree.get(end, 0) + 1
    real = {n["id"] for n in json.loads(body)["nodes"] if not n.get("missing")}
    return sorted((i for i in degree if i in real), key=lambda i: (-degree[i], i))[:count]


def timed(server: Served, paths: list[str]) -> dict:
    ms = []
    cpu = cpu_seconds(server.proc.pid)
    for path in paths:
        status, body, took = server.get(path)
        assert status == 200, (path, status, body[:300])
        ms.append(took * 1000)
    cpu = cpu_seconds(server.proc.pid) - cpu
    ms.sort()
    return {
        # The server's CPU per request: what the load of other work on the machine changes
        # least (wall times there wait for a core).
        "cpu_ms_mean": round(cpu * 1000 / len(ms), 1),
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1),
        "max_ms": round(ms[-1], 1),
    }


def screenshots(out: Path, work: Path) -> None:
    from bench_view import ARGS, CHROMIUM
    from playwright.sync_api import expect, sync_playwright

    corpus = HERE.parent / "tests" / "corpora" / "dendron-site"
    root = work / "web-dendron"
    if root.exists():
        shutil.rmtree(root)
    prepare(corpus, root, 0)
    out.mkdir(parents=True, exist_ok=True)
    server = Served(root)
    origin = f"http://127.0.0.1:{server.port}"
    shots = [
        ("web-home.png", "/", {}),
        ("web-note.png", "/note/dendron.topic.schema.md", {}),
        ("web-search.png", "/search?query=schema+template", {}),
        ("web-graph.png", "/graph", {}),
        ("web-note-400px-dark.png", "/note/dendron.topic.lookup.md", {"dark": True}),
    ]
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for name, path, how in shots:
                dark = how.get("dark", False)
                size = {"width": 400, "height": 860} if dark else {"width": 1280, "height": 860}
                page = browser.new_page(
                    viewport=size, color_scheme="dark" if dark else "light", device_scale_factor=1
                )
                page.goto(f"{origin}/?token={server.token}")
                page.goto(origin + path)
                settled = "() => !!(window.vaultGraph && window.vaultGraph.settled)"
                for _ in range(600 if path == "/graph" else 0):
                    if page.evaluate(settled):
                        break
                    page.wait_for_timeout(100)
                if path.startswith("/note/"):  # its related notes come after the page
                    expect(page.locator("#related")).not_to_contain_text("Looking", timeout=120_000)
                page.screenshot(path=str(out / name))
                page.close()
                print(f"wrote {out / name}", file=sys.stderr)
            browser.close()
    finally:
        server.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--vault", type=Path, help="a vault to copy (default: generate one)")
    ap.add_argument("--notes", type=int, default=10_000)
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--screenshots", type=Path, help="take the README's pictures, into here")
    args = ap.parse_args()
    if args.screenshots:
        return screenshots(args.screenshots, args.out)
    root = args.out / f"web-{args.notes}"
    prepare(args.vault, root, args.notes)
    ids = sorted(
        p.relative_to(root).as_posix() for p in (root / "memory").rglob("*.md") if p.is_file()
    )
    rng = random.Random(7)
    notes = rng.sample(ids, min(args.pages, len(ids)))
    words = sorted({w for i in ids for w in re.findall(r"[a-z]{4,}", Path(i).stem)})
    queries = rng.sample(words, min(args.pages, len(words)))
    server = Served(root)
    try:
        start = time.perf_counter()
        assert server.get("/")[0] == 200  # the catalog loaded, the problems checked
        assert server.get("/note/" + quote(notes[0]))[0] == 200
        # The index built on the first; a word the query language refuses (a stop word
        # alone) is left out.
        queries = [q for q in queries if server.get("/search.json?query=" + q)[0] == 200]
        warm = time.perf_counter() - start
        hubs = hub_notes(server, HUBS)
        print(f"warm-up {warm:.1f} s, load {loadavg()}", file=sys.stderr)
        rounds = []
        for k in range(args.rounds):
            found = {"load_before": loadavg()}
            found["note"] = timed(server, ["/note/" + quote(n) for n in notes])
            found["hub_note"] = timed(server, ["/note/" + quote(n) for n in hubs] * 3)
            found["related_json"] = timed(
                server, ["/related.json?id=" + quote(n) for n in notes[:50]]
            )
            found["search"] = timed(server, ["/search?query=" + q for q in queries])
            found["search_json"] = timed(server, ["/search.json?query=" + q for q in queries])
            found["load_after"] = loadavg()
            print(f"round {k + 1}: {json.dumps(found)}", file=sys.stderr)
            rounds.append(found)
    finally:
        server.stop()
    result = {
        "notes": len(ids),
        "cores": os.cpu_count(),
        "warm_up_s": round(warm, 1),
        "queries": len(queries),
        "rounds": rounds,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "web.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
