"""Benchmark the HTML graph view in headless Chromium: first frame, settle time, pan and zoom.

For each size, a synthetic graph is made with bench/view_data.py (hubs, communities, ~20%
orphans, ~3% missing targets, mostly untyped notes), rendered to a page with the same
embedding code as `vault graph --format html`, and opened in Debian's Chromium through
Playwright with the test suite's flags (software rendering: --disable-gpu). Measured:

- first frame: navigation start to `data-ready="true"` on #graph (performance.now());
- settled: navigation start to `data-settled="true"` (the layout has stopped);
- pan: the mouse drags the background for ~2.5 s, one move per frame; frames are counted
  with requestAnimationFrame: fps while the mouse moves, and the worst frame in ms over the
  movement and until the page is still after it (`vaultGraph.still()`: where the new page
  redraws for real);
- zoom: wheel events in and out for ~2.5 s, one every two frames, counted the same way.

Pages: "new" (this worktree's page), "old" (the hand-written canvas page at --old-ref),
"plain" (the new page drawing every frame for real, without its software-rendering
shortcut), "precomputed" (the new page given x/y for every node: a layout computed ahead).

Usage:
    .venv/bin/python bench/bench_view.py                      # 1,000 / 6,600 / 10,000, new + old
    .venv/bin/python bench/bench_view.py --sizes dendron      # the real Dendron vault
    .venv/bin/python bench/bench_view.py --sizes 6600 --pages new --runs 3
Results: a Markdown table on stdout, raw figures in bench/out/view.json.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

from view_data import make_graph  # noqa: E402

from vault.graph.html import _embed_json, render_html  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 800}
OLD_REF = "bf3436e"  # the last commit with the hand-written canvas page

# Records when #graph gets its markers, whatever element #graph is (canvas or div).
INIT = """
window.__marks = {};
new MutationObserver(() => {
  const g = document.getElementById('graph');
  if (!g) return;
  for (const a of ['data-ready', 'data-settled']) {
    if (g.getAttribute(a) === 'true' && !(a in window.__marks))
      window.__marks[a] = performance.now();
  }
}).observe(document, {subtree: true, attributes: true, childList: true});
"""
COUNT_START = """() => {
  window.__frames = []; window.__counting = true;
  const f = (t) => {
    if (!window.__counting) return;
    window.__frames.push(t);
    requestAnimationFrame(f);
  };
  requestAnimationFrame(f);
}"""
# fps: frames from the first input to the last one; worst frame: over that time and the
# settle time after it (so the page's full redraw once the camera stops counts too).
COUNT_STOP = """(lastInput) => {
  window.__counting = false;
  const t = window.__frames; const d = [];
  for (let i = 1; i < t.length; i++) d.push(t[i] - t[i - 1]);
  const moving = t.filter(x => x <= lastInput);
  return {frames: moving.length - 1,
          ms: moving.length > 1 ? moving[moving.length - 1] - moving[0] : 0,
          worst: d.length ? Math.max(...d) : null};
}"""
# Waits on the page's state, never a fixed time. NEXT_FRAMES: n animation frames from now
# (inputs are paced by the page's own frames, as a browser coalesces pointer events per
# frame). STILL: the new page's flag, a real frame drawn with the camera at rest; the old
# page (--old-ref) has none, and draws each input in the frame after it.
NEXT_FRAMES = """(n) => new Promise((done) => {
  const step = (k) => (k ? requestAnimationFrame(() => step(k - 1)) : done());
  step(n);
})"""
STILL = """() => { const g = window.vaultGraph;
  return !g || typeof g.still !== 'function' || g.still(); }"""


def wait_still(page) -> None:
    """Until the page has drawn its last input for real, plus one frame (so a long redraw
    ends up in the frame times COUNT_STOP reads)."""
    page.evaluate(NEXT_FRAMES, 2)
    page.wait_for_function(STILL, timeout=60_000)
    page.evaluate(NEXT_FRAMES, 1)


DRAW_MS = """() => {
  const s = window.vaultGraph && window.vaultGraph.sigma;
  if (!s) return null;
  const px = new Uint8Array(4);
  const times = [];
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    s.render();
    for (const gl of Object.values(s.webGLContexts))
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[2];
}"""


CORPUS = ROOT / "tests" / "corpora" / "dendron-site"  # vendored (tests/corpora/README.md)


def vault_graph(corpus: Path) -> dict:
    """`vault graph` (JSON, as the CLI writes it today) on a scratch copy of a real vault."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "vault"
        shutil.copytree(corpus, root)
        for path in root.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        res = subprocess.run(
            [sys.executable, "-m", "vault", "--vault", str(root), "graph"],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    return json.loads(res.stdout)


def old_page(data: dict, title: str, ref: str) -> str:
    template = subprocess.run(
        ["git", "show", f"{ref}:src/vault/assets/graph_view.html"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    values = {
        "__VAULT_GRAPH_DATA__": _embed_json(data),
        "__VAULT_GRAPH_TITLE__": html.escape(title, quote=True),
    }
    return re.sub("__VAULT_GRAPH_DATA__|__VAULT_GRAPH_TITLE__", lambda m: values[m[0]], template)


def with_positions(data: dict, browser, out: Path) -> dict:
    """The graph with x/y for every node: the new page's own settled layout, read back."""
    path = out / "layout-source.html"
    path.write_text(render_html(data, "layout"), encoding="utf-8")
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(path.as_uri())
    page.wait_for_function("window.vaultGraph && window.vaultGraph.settled", timeout=120_000)
    pos = page.evaluate(
        """() => { const r = {}; const g = window.vaultGraph;
        for (const id of g.visibleNodes()) r[id] = g.graphPosition(id); return r; }"""
    )
    page.close()
    data = json.loads(json.dumps(data))
    for n in data["nodes"]:
        n["x"], n["y"] = pos[n["id"]]
    return data


def measure(browser, path: Path, settle_timeout_s: float, options: dict | None = None) -> dict:
    page = browser.new_page(viewport=VIEWPORT)
    if options:
        page.add_init_script(f"window.vaultGraphOptions = {json.dumps(options)};")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.add_init_script(INIT)
    page.goto(path.as_uri(), timeout=120_000)
    result: dict = {}
    page.wait_for_function("window.__marks && 'data-ready' in window.__marks", timeout=120_000)
    result["first_frame_s"] = page.evaluate("window.__marks['data-ready']") / 1000
    t0 = time.monotonic()
    try:
        page.wait_for_function(
            "'data-settled' in window.__marks", timeout=settle_timeout_s * 1000, polling=200
        )
        result["settled_s"] = page.evaluate("window.__marks['data-settled']") / 1000
    except Exception:
        result["settled_s"] = None  # not within the time limit
        result["settle_limit_s"] = round(result["first_frame_s"] + time.monotonic() - t0, 1)
    wait_still(page)
    box = page.locator("#graph").bounding_box()
    cx, cy = box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.5

    # Pan: drag the background back and forth for ~2.5 s.
    page.mouse.move(cx, cy)
    page.evaluate(COUNT_START)
    page.mouse.down()
    t_end = time.monotonic() + 2.5
    k = 0
    while time.monotonic() < t_end:
        k += 1
        dx = 120 * ((k % 40) / 20 - 1 if (k // 40) % 2 == 0 else 1 - (k % 40) / 20)
        page.mouse.move(cx + dx, cy + dx * 0.4)
        page.evaluate(NEXT_FRAMES, 1)
    page.mouse.up()
    last = page.evaluate("performance.now()")
    wait_still(page)
    pan = page.evaluate(COUNT_STOP, last)

    # Zoom: wheel in and out for ~2.5 s.
    page.mouse.move(cx, cy)
    page.evaluate(COUNT_START)
    t_end = time.monotonic() + 2.5
    k = 0
    while time.monotonic() < t_end:
        k += 1
        page.mouse.wheel(0, -120 if (k // 6) % 2 == 0 else 120)
        page.evaluate(NEXT_FRAMES, 2)
    last = page.evaluate("performance.now()")
    wait_still(page)
    zoom = page.evaluate(COUNT_STOP, last)
    # One redraw of the new page (the camera's view, as a pan or zoom needs), waited for to
    # the end (readPixels makes the GPU, here SwiftShader, finish): what a frame costs.
    result["draw_ms"] = page.evaluate(DRAW_MS)
    page.close()
    for name, r in (("pan", pan), ("zoom", zoom)):
        result[f"{name}_fps"] = r["frames"] / (r["ms"] / 1000) if r["ms"] else 0.0
        result[f"{name}_worst_ms"] = r["worst"]
    result["errors"] = errors
    return result


def fmt(values: list, unit: str, digits: int = 1) -> str:
    vals = [v for v in values if v is not None]
    if not vals:
        return "–"
    lo, hi = min(vals), max(vals)
    missing = len(vals) < len(values)
    text = (
        f"{lo:.{digits}f}"
        if round(lo, digits) == round(hi, digits)
        else f"{lo:.{digits}f}–{hi:.{digits}f}"
    )
    return text + unit + (" (some runs: not settled)" if missing else "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--sizes",
        default="1000,6600,10000",
        help="node counts of generated graphs, and/or 'dendron' (the real 1,013-note vault)",
    )
    ap.add_argument("--pages", default="new,old")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--old-ref", default=OLD_REF)
    ap.add_argument("--settle-timeout", type=float, default=150.0, help="seconds")
    ap.add_argument("--out", default=str(HERE / "out"))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    sizes = args.sizes.split(",")
    pages = args.pages.split(",")
    results: dict = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for size in sizes:
            # "dendron": the real Dendron site in tests/corpora, through `vault graph`.
            data = vault_graph(CORPUS) if size == "dendron" else make_graph(int(size))
            label = f"{len(data['nodes'])} nodes / {len(data['edges'])} edges"
            for which in pages:
                path = out / f"view-{which}-{size}.html"
                options = None
                if which == "plain":  # sigma drawing every frame for real
                    options = {"fastMove": False}
                if which in ("new", "plain"):
                    text = render_html(data, f"bench {size}")
                elif which == "old":
                    text = old_page(data, f"bench {size}", args.old_ref)
                elif which == "precomputed":
                    text = render_html(with_positions(data, browser, out), f"bench {size}")
                else:
                    raise SystemExit(f"unknown page {which}")
                path.write_text(text, encoding="utf-8")
                runs = []
                for r in range(args.runs):
                    load0 = os.getloadavg()[0]
                    res = measure(browser, path, args.settle_timeout, options)
                    # The machine's 1-minute load average around the run (2 cores: above ~2,
                    # something else competes for them).
                    res["load_avg"] = round((load0 + os.getloadavg()[0]) / 2, 2)
                    res["html_bytes"] = len(text.encode("utf-8"))
                    runs.append(res)
                    print(f"{which:12} {label:28} run {r + 1}: {json.dumps(res)}", file=sys.stderr)
                results[f"{which}/{size}"] = {"graph": label, "runs": runs}
                (out / "view.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
        browser.close()
    print(
        "| page | graph | first frame | settled | pan fps (worst frame) | zoom fps (worst frame) "
        "| one redraw | load avg |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for key, r in results.items():
        which = key.split("/")[0]
        runs = r["runs"]
        settled = [x["settled_s"] for x in runs]
        limit = max((x.get("settle_limit_s") or 0) for x in runs)
        settled_txt = (
            fmt(settled, " s") if any(v is not None for v in settled) else f"> {limit:.0f} s"
        )
        pan, zoom = (
            f"{fmt([x[f'{m}_fps'] for x in runs], '', 0)} "
            f"({fmt([x[f'{m}_worst_ms'] for x in runs], ' ms', 0)})"
            for m in ("pan", "zoom")
        )
        print(
            f"| {which} | {r['graph']} | {fmt([x['first_frame_s'] for x in runs], ' s', 2)} "
            f"| {settled_txt} | {pan} | {zoom} "
            f"| {fmt([x.get('draw_ms') for x in runs], ' ms', 0)} "
            f"| {fmt([x.get('load_avg') for x in runs], '', 1)} |"
        )


if __name__ == "__main__":
    main()
