"""Screenshots of the graph view on a vault of about 1,000 notes.

By default the vault is the real Dendron site in tests/corpora/dendron-site (1,013 notes,
no types, all in one folder: the case that used to give a grey ball), its data made by
`vault graph` as it is today (version 1: no groups, ranks or snippets; the page's own
fallbacks do the rest). With --synthetic, a generated 1,000-node graph with every field of
the contract (bench/view_data.py).

Writes docs/graph-view-overview.png (the whole graph, settled) and docs/graph-view-local.png
(the local graph, depth 2, of a well-connected note), in headless Chromium with the test
suite's flags.

Usage: .venv/bin/python bench/screenshots.py [--out docs] [--dark] [--synthetic]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_view import ARGS, CHROMIUM, VIEWPORT, vault_graph  # noqa: E402
from view_data import make_graph  # noqa: E402

from vault.graph.html import render_html  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default=str(ROOT / "docs"))
    ap.add_argument("--size", type=int, default=1000)
    ap.add_argument("--dark", action="store_true")
    ap.add_argument("--synthetic", action="store_true")
    ap.add_argument("--root", help="the note whose local graph to show (default: a hub)")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    corpus = ROOT / "tests" / "corpora" / "dendron-site"  # vendored
    if args.synthetic or not corpus.is_dir():
        data = make_graph(args.size, color_by="folder")
        title = "research vault · link graph"
    else:
        data, title = vault_graph(corpus), "dendron-site · link graph"
        args.root = args.root or "dendron.topic.tags.md"
    page_file = HERE / "out" / "screenshot.html"
    page_file.parent.mkdir(parents=True, exist_ok=True)
    page_file.write_text(render_html(data, title), encoding="utf-8")
    suffix = "-dark" if args.dark else ""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(
            viewport=VIEWPORT, color_scheme="dark" if args.dark else "light"
        )
        page = context.new_page()
        page.goto(page_file.as_uri())
        page.wait_for_function("window.vaultGraph && window.vaultGraph.settled", timeout=120_000)
        page.wait_for_timeout(400)
        page.screenshot(path=str(out / f"graph-view-overview{suffix}.png"))
        # The local graph of the best-ranked note, as `--root REF --depth 2` would open it.
        degree = {n["id"]: 0 for n in data["nodes"]}
        for e in data["edges"]:
            degree[e["source"]] += 1
            degree[e["target"]] += 1
        hub = sorted(
            (n["id"] for n in data["nodes"] if not n["missing"] and 8 <= degree[n["id"]] <= 14),
            key=lambda i: (-degree[i], i),
        )
        root = args.root or (hub[0] if hub else max(degree, key=degree.get))
        page.evaluate("id => window.vaultGraph.openLocal(id, 2)", root)
        page.wait_for_function("window.vaultGraph.settled", timeout=120_000)
        page.wait_for_timeout(400)
        page.screenshot(path=str(out / f"graph-view-local{suffix}.png"))
        browser.close()
    print(f"wrote {out}/graph-view-overview{suffix}.png and graph-view-local{suffix}.png")


if __name__ == "__main__":
    main()
