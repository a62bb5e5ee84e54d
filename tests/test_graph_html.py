"""The interactive HTML graph view (sigma.js over WebGL), checked in a real headless Chromium.

The data given to the page is the format in docs/graph-view-data.md. Most tests build pages
from hand-made data through `render_html`, so they do not depend on how the CLI computes the
optional fields (groups, ranks, snippets); the page must work with and without them. The
tests at the end (`test_cli_page_*`) open pages `vault graph --format html` wrote for
hand-made and vendored vaults: the data the CLI computes, as the page shows it.

Two things the browser does on its own are not held against the page:
- a `blob:` request: the layout worker's script, made from a string inside the page (it
  never leaves memory);
- console warnings "GL Driver Message ... GPU stall due to ReadPixels": Chromium logs them
  for any WebGL canvas when it composites without a GPU (as --disable-gpu makes it do).
Console errors of any kind, page errors and any other request still fail a test.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, CORPORA, PROJECT

from vault.graph.html import render_html

READY_TIMEOUT_MS = 30_000
VIEWPORT = {"width": 1280, "height": 800}
SETTLE_TIMEOUT_MS = 60_000

EVIL_ID = 'memory/</script><script>alert(1)</script>"it\'s" <b>&amp;\u2028\u2029 é.md'
EVIL_TEXT = (
    "Intro <img src=x onerror=\"window.__pwned=1;alert('x')\"> and "
    "<script>window.__pwned=2</script> &amp; [[wiki]] text</p>"
)
BROWSER_NOISE = re.compile(r"GL Driver Message|GPU stall due to ReadPixels")


def node(
    id_: str,
    title: str | None = None,
    *,
    type_: str | None = None,
    date: str | None = None,
    tags: list[str] | None = None,
    missing: bool = False,
    **extra,
) -> dict:
    out = {
        "id": id_,
        "title": title if title is not None else id_,
        "date": date,
        "type": type_,
        "missing": missing,
        "tags": tags or [],
    }
    out.update(extra)
    return out


def edge(source: str, target: str, kind: str = "link") -> dict:
    return {"source": source, "target": target, "kind": kind}


def small_graph() -> dict:
    nodes = [
        node(
            "memory/research/exosomes.md",
            "Exosomes deep dive",
            type_="Technical Supplement",
            date="2026-02-14",
            tags=["skincare", "biotech"],
        ),
        node(
            "memory/research/trends.md",
            "Skin tech trends",
            type_="Research",
            date="2026-02-14",
            tags=["skincare"],
        ),
        node("memory/posts/kbeauty.md", "Exosomes in K-beauty", type_="Post", date="2026-01-11"),
        node("memory/posts/rising.md", "The rising trend of exosomes", type_="Post"),
        node("memory/ideas/peptides.md", "Peptide serums", tags=["ideas"]),
        node("memory/ideas/lonely.md", "A note nobody links to"),
        node("memory/research/missing.md", missing=True),
    ]
    edges = [
        edge("memory/research/exosomes.md", "memory/research/trends.md", "parent"),
        edge("memory/posts/kbeauty.md", "memory/research/exosomes.md", "parent"),
        edge("memory/posts/rising.md", "memory/research/exosomes.md", "link"),
        edge("memory/research/exosomes.md", "memory/ideas/peptides.md", "link"),
        edge("memory/research/exosomes.md", "memory/research/missing.md", "link"),
        edge("memory/ideas/peptides.md", "memory/research/trends.md", "link"),
    ]
    return {"directed": True, "nodes": nodes, "edges": edges}


def chain_graph() -> dict:
    """a0 - a1 - a2 - a3 - a4 (links), plus b (parent of a0) and an unrelated c."""
    ids = [f"memory/chain/a{i}.md" for i in range(5)]
    nodes = [node(i, f"A{k}") for k, i in enumerate(ids)]
    nodes += [node("memory/other/b.md", "B"), node("memory/other/c.md", "C")]
    edges = [edge(ids[k], ids[k + 1]) for k in range(4)]
    edges.append(edge(ids[0], "memory/other/b.md", "parent"))
    return {"directed": True, "vault": "chain", "nodes": nodes, "edges": edges}


def large_graph(n_nodes: int = 3000, n_edges: int = 6000, seed: int = 7) -> dict:
    rnd = random.Random(seed)
    types = ["Technical Supplement", "Research", "Post", "Idea", None]
    nodes = [
        node(f"memory/n{i:04d}.md", f"Note {i}", type_=rnd.choice(types)) for i in range(n_nodes)
    ]
    edges = []
    for i in range(1, n_nodes):
        edges.append(edge(nodes[i]["id"], nodes[rnd.randrange(i)]["id"], "parent"))
    while len(edges) < n_edges:
        a, b = rnd.randrange(n_nodes), rnd.randrange(n_nodes)
        if a != b:
            edges.append(edge(nodes[a]["id"], nodes[b]["id"], "link"))
    return {"directed": True, "nodes": nodes, "edges": edges}


def untyped_vault(n_per_folder: int = 6) -> dict:
    """Real vaults: no note has a type; notes sit in folders and carry tags."""
    nodes, edges = [], []
    for folder in ("research", "posts", "ideas"):
        ids = [f"memory/{folder}/{folder}-{k}.md" for k in range(n_per_folder)]
        for k, i in enumerate(ids):
            nodes.append(node(i, f"{folder.title()} {k}", tags=[folder[:3]] if k % 2 else []))
        edges += [edge(ids[k], ids[0]) for k in range(1, n_per_folder)]
    edges.append(edge("memory/posts/posts-1.md", "memory/research/research-2.md"))
    return {"directed": True, "vault": "untyped", "nodes": nodes, "edges": edges}


# --------------------------------------------------------------------------- pure Python


def test_render_html_embeds_data_safely() -> None:
    data = {"directed": True, "nodes": [node(EVIL_ID, "</title>x", snippet=EVIL_TEXT)], "edges": []}
    page = render_html(data, title="<script>alert('t')</script> & notes")

    assert page.startswith("<!DOCTYPE html>")
    assert "__VAULT_GRAPH_" not in page
    assert "<title>&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt; &amp; notes</title>" in page
    match = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', page, re.S)
    assert match is not None
    embedded = match.group(1)
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in embedded
    assert json.loads(embedded) == data
    # Nothing is fetched from anywhere: no external scripts, styles, fonts or images.
    assert not re.search(r"(src|href)=\"(?!data:|#)", page)
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page
    # The bundled libraries' licences travel with the page and with the package.
    assert "sigma 3." in page and "graphology 0." in page and "Permission is hereby granted" in page


def test_placeholders_in_user_text_are_left_alone() -> None:
    data = {"directed": True, "nodes": [node("__VAULT_GRAPH_TITLE__")], "edges": []}
    page = render_html(data, title="__VAULT_GRAPH_DATA__")
    assert page.count("<title>__VAULT_GRAPH_DATA__</title>") == 1
    assert '"id":"__VAULT_GRAPH_TITLE__"' in page


def test_licences_of_the_bundled_libraries_are_package_data() -> None:
    from importlib import resources

    licences = resources.files("vault").joinpath("assets").joinpath("licenses")
    names = sorted(p.name for p in licences.iterdir())
    for lib in ("sigma.txt", "graphology.txt", "graphology-layout-forceatlas2.txt"):
        assert lib in names
    for name in names:
        assert "MIT" in licences.joinpath(name).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- browser


class GraphPage:
    """A page showing one rendered graph, with every request and console message recorded."""

    def __init__(
        self,
        browser,
        tmp_path: Path,
        data: dict,
        title: str = "vault graph",
        *,
        context=None,
        settle: bool = True,
        viewport: dict | None = None,
        page_file: Path | None = None,
    ):
        """`page_file`: a page written already (by `vault graph`), instead of `data`."""
        self.path = page_file or tmp_path / "graph.html"
        if page_file is None:
            self.path.write_text(render_html(data, title=title), encoding="utf-8")
        self.url = self.path.as_uri()
        self.tmp_path = tmp_path
        self.requests: list[str] = []
        self.console: list[str] = []
        self.dialogs: list[str] = []
        if context is not None:
            self.page = context.new_page()
            self.page.set_viewport_size(viewport or VIEWPORT)
        else:
            self.page = browser.new_page(viewport=viewport or VIEWPORT)
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.on("dialog", self._on_dialog)
        self.load(settle)

    def load(self, settle: bool = True) -> None:
        self.page.goto(self.url)
        self.wait_ready(settle)

    def reload(self, settle: bool = True) -> None:
        self.page.reload()
        self.wait_ready(settle)

    def wait_ready(self, settle: bool = True) -> None:
        self.page.wait_for_function(
            "window.vaultGraph && window.vaultGraph.ready === true", timeout=READY_TIMEOUT_MS
        )
        if settle:
            self.wait_settled()

    def wait_settled(self) -> None:
        self.page.wait_for_function("window.vaultGraph.settled === true", timeout=SETTLE_TIMEOUT_MS)

    def wait_still(self) -> None:
        """Until a real frame shows the camera where it is and no camera animation runs."""
        self.page.wait_for_function("window.vaultGraph.still()", timeout=READY_TIMEOUT_MS)
        self.wait_flag("view", "still")

    def wait_flag(self, name: str, value: str) -> None:
        """Until <html data-NAME="VALUE">: the page's state flags (docs/graph-view-data.md)."""
        from playwright.sync_api import expect  # the browser fixture has checked it is there

        expect(self.page.locator("html")).to_have_attribute(f"data-{name}", value)

    def _on_console(self, msg) -> None:
        if msg.type in ("error", "warning", "assert"):
            if msg.type == "warning" and BROWSER_NOISE.search(msg.text):
                return
            self.console.append(f"{msg.type}: {msg.text}")

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def visible(self) -> list[str]:
        return self.js("window.vaultGraph.visibleNodes()")

    def open_filters(self) -> None:
        if not self.js("document.getElementById('filters').open"):
            self.page.click("#filters summary")

    def finish(self, name: str = "graph") -> None:
        """Screenshot, then check that the page stayed offline and quiet."""
        self.page.screenshot(path=str(self.tmp_path / f"{name}.png"))
        foreign = [
            u
            for u in self.requests
            if u != self.url and not u.startswith("data:") and not u.startswith("blob:")
        ]
        assert foreign == [], f"unexpected requests: {foreign}"
        assert self.console == [], f"console errors/warnings: {self.console}"
        assert self.dialogs == []
        self.page.close()


def test_page_loads_offline_and_reports_counts(browser, tmp_path: Path) -> None:
    data = small_graph()
    gp = GraphPage(browser, tmp_path, data, title="Skin <research> & notes")

    assert gp.js("window.vaultGraph.renderer") == "webgl"
    assert gp.page.get_attribute("#graph", "data-ready") == "true"
    assert gp.page.get_attribute("#graph", "data-settled") == "true"
    # The same flags on <html>, with the layout worker's state.
    for name, value in (("ready", "true"), ("settled", "true"), ("layout", "done")):
        assert gp.page.get_attribute("html", f"data-{name}") == value
    assert gp.page.get_attribute("html", "data-selected") is None
    assert gp.page.get_attribute("html", "data-matches") is None
    assert gp.js("window.vaultGraph.still()") is True
    assert gp.js("window.vaultGraph.frames()") >= 1
    assert gp.js("window.vaultGraph.nodeCount") == len(data["nodes"])
    assert gp.js("window.vaultGraph.edgeCount") == len(data["edges"])
    assert gp.page.get_attribute("#graph", "data-node-count") == str(len(data["nodes"]))
    assert gp.page.title() == "Skin <research> & notes"
    assert gp.page.inner_text("header h1") == "Skin <research> & notes"
    assert gp.js("window.vaultGraph.highlighted()") == []
    assert gp.js("window.vaultGraph.selected()") is None
    legend = gp.page.inner_text("#legend")
    for word in ("Technical Supplement", "Research", "Post", "untyped", "missing note", "link"):
        assert word in legend
    assert gp.page.is_hidden("#empty")
    assert gp.page.is_hidden("#nogl")
    gp.finish()


def test_search_highlights_matches_and_clears(browser, tmp_path: Path) -> None:
    gp = GraphPage(browser, tmp_path, small_graph())

    # "Exosomes" is in three titles; "EXOSOMES deep" in one; "skin" in a title and a tag.
    gp.page.fill("#search", "exosomes in")
    assert gp.js("window.vaultGraph.highlighted()") == ["memory/posts/kbeauty.md"]
    assert gp.page.inner_text("#match-count") == "1 match"

    gp.page.fill("#search", "SKIN")
    expected = ["memory/research/exosomes.md", "memory/research/trends.md"]
    assert gp.js("window.vaultGraph.highlighted()") == expected
    assert gp.page.inner_text("#match-count") == "2 matches"
    before = gp.js("window.vaultGraph.camera()")
    gp.page.press("#search", "Enter")  # zooms to the matches
    gp.wait_still()
    assert gp.js("window.vaultGraph.camera()") != before

    gp.page.fill("#search", "ideas/")  # matches the id (path), not the title
    assert gp.js("window.vaultGraph.highlighted()") == [
        "memory/ideas/lonely.md",
        "memory/ideas/peptides.md",
    ]

    gp.page.fill("#search", "no such words")
    assert gp.js("window.vaultGraph.highlighted()") == []
    assert gp.page.inner_text("#match-count") == "No matches"

    gp.page.fill("#search", "")
    assert gp.js("window.vaultGraph.highlighted()") == []
    assert gp.page.inner_text("#match-count").strip() == ""

    gp.page.fill("#search", "skin")
    gp.wait_flag("matches", "2")
    gp.wait_still()
    gp.page.screenshot(path=str(tmp_path / "search.png"))
    gp.finish()


def test_search_matches_note_text(browser, tmp_path: Path) -> None:
    data = small_graph()
    data["nodes"][4]["snippet"] = (
        "Peptides signal the skin to make collagen; see the Matrixyl trial."
    )
    data["nodes"][1]["snippet"] = "A review of skin tech for 2026."
    gp = GraphPage(browser, tmp_path, data)

    gp.page.fill("#search", "matrixyl")
    assert gp.js("window.vaultGraph.highlighted()") == ["memory/ideas/peptides.md"]
    gp.page.fill("#search", "review of skin")
    assert gp.js("window.vaultGraph.highlighted()") == ["memory/research/trends.md"]
    gp.page.press("#search", "Enter")
    gp.finish()


def test_select_shows_details_and_grouped_neighbours(browser, tmp_path: Path) -> None:
    data = small_graph()
    data["nodes"][0]["snippet"] = "Exosomes are tiny vesicles.\n\nThis note collects the studies."
    gp = GraphPage(browser, tmp_path, data)

    gp.js("id => window.vaultGraph.select(id)", "memory/research/exosomes.md")
    assert gp.js("window.vaultGraph.selected()") == "memory/research/exosomes.md"
    info = gp.page.inner_text("#info")
    assert "Exosomes deep dive" in info
    assert "memory/research/exosomes.md" in info
    assert "2026-02-14" in info
    assert "Technical Supplement" in info
    assert "biotech" in info
    assert gp.page.inner_text("#snippet") == data["nodes"][0]["snippet"]
    # Neighbour dimming: the selected note's neighbours keep their colour, the rest fade.
    shown = "id => window.vaultGraph.sigma.getNodeDisplayData(id).color"
    base = "id => window.vaultGraph.nodeColor(id)"
    for nb in ("memory/research/trends.md", "memory/ideas/peptides.md"):
        assert gp.js(shown, nb) == gp.js(base, nb)
    assert gp.js(shown, "memory/ideas/lonely.md") != gp.js(base, "memory/ideas/lonely.md")
    # Grouped neighbours: parent, children, links out, links in.
    sections = gp.js(
        """() => Array.from(document.querySelectorAll('#info h3')).map(h => {
            const list = h.nextElementSibling;
            return [h.firstChild.textContent,
                    Array.from(list.querySelectorAll('.nb')).map(b => b.textContent)];
        })"""
    )
    assert sections == [
        ["Parent", ["Skin tech trends"]],
        ["Children", ["Exosomes in K-beauty"]],
        ["Links out", ["memory/research/missing.md", "Peptide serums"]],
        ["Links in", ["The rising trend of exosomes"]],
    ]

    # A neighbour in the panel is clickable and selects that note.
    gp.page.click("#info .nb:has-text('Peptide serums')")
    assert gp.js("window.vaultGraph.selected()") == "memory/ideas/peptides.md"
    assert "memory/ideas/peptides.md" in gp.page.inner_text("#info")
    assert gp.page.locator("#snippet").count() == 0  # no text given for this note

    # The missing note says so.
    gp.js("id => window.vaultGraph.select(id)", "memory/research/missing.md")
    assert "does not exist" in gp.page.inner_text("#info")

    gp.page.keyboard.press("Escape")
    assert gp.js("window.vaultGraph.selected()") is None
    gp.js("id => window.vaultGraph.select(id)", "memory/research/exosomes.md")
    gp.wait_flag("selected", "memory/research/exosomes.md")
    gp.wait_still()
    gp.finish()


def test_note_text_is_shown_as_text_and_never_runs(browser, tmp_path: Path) -> None:
    data = small_graph()
    data["nodes"][0]["snippet"] = EVIL_TEXT
    data["nodes"][0]["title"] = "<img src=x onerror=alert(3)> title"
    gp = GraphPage(browser, tmp_path, data)

    gp.js("id => window.vaultGraph.select(id)", "memory/research/exosomes.md")
    assert gp.page.inner_text("#snippet") == EVIL_TEXT
    assert gp.page.inner_text("#info h2") == "<img src=x onerror=alert(3)> title"
    assert gp.js("document.querySelectorAll('#info img, #info script, #tooltip img').length") == 0
    gp.page.fill("#search", "onerror")
    assert gp.js("window.vaultGraph.highlighted()") == ["memory/research/exosomes.md"]
    # The text has been searched and drawn (labels too): had it run, it would have by now.
    gp.wait_flag("matches", "1")
    gp.wait_still()
    assert gp.js("window.__pwned === undefined")
    assert gp.dialogs == []
    gp.finish()


def test_clicking_nodes_and_background(browser, tmp_path: Path) -> None:
    data = {
        "directed": True,
        "nodes": [node("only.md", "The only note", type_="Idea")],
        "edges": [],
    }
    gp = GraphPage(browser, tmp_path, data)
    box = gp.page.locator("#graph").bounding_box()
    assert box is not None
    # A single node ends up in the middle of the drawing area.
    pos = gp.js("window.vaultGraph.viewportPosition('only.md')")
    assert abs(pos["x"] - box["width"] / 2) < 150 and abs(pos["y"] - box["height"] / 2) < 150
    # The scan's quick clicks on the background would count as double clicks, which zoom
    # (sigma's default): keep the camera still for this test.
    gp.js("window.vaultGraph.sigma.setSetting('doubleClickZoomingRatio', 1)")
    hits = []
    for dx in range(-150, 151, 4):
        x, y = box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2
        gp.page.mouse.click(x, y)
        if gp.js("window.vaultGraph.selected()") == "only.md":
            hits.append((x, y))
            break
    assert hits, "clicking on the node did not select it"
    pos = gp.js("window.vaultGraph.viewportPosition('only.md')")
    gp.page.mouse.move(box["x"] + 5, box["y"] + 5)
    gp.page.mouse.move(box["x"] + pos["x"], box["y"] + pos["y"])
    gp.page.wait_for_selector("#tooltip", state="visible")
    assert "The only note" in gp.page.inner_text("#tooltip")
    gp.page.mouse.click(box["x"] + box["width"] - 10, box["y"] + 10)  # empty space
    assert gp.js("window.vaultGraph.selected()") is None
    gp.finish()


def test_hostile_ids_round_trip(browser, tmp_path: Path) -> None:
    data = {
        "directed": True,
        "nodes": [
            node(EVIL_ID, "Evil </script> title \"quoted\" 'single' <img src=x>", type_="<b>"),
            node("memory/plain.md", "Plain note"),
        ],
        "edges": [edge("memory/plain.md", EVIL_ID, "link")],
    }
    gp = GraphPage(browser, tmp_path, data, title="</title><script>alert(2)</script>")

    assert gp.js("window.vaultGraph.nodeCount") == 2
    assert gp.page.title() == "</title><script>alert(2)</script>"
    assert gp.js("JSON.parse(document.getElementById('graph-data').textContent)") == data
    gp.page.fill("#search", "alert(1)")
    assert gp.js("window.vaultGraph.highlighted()") == [EVIL_ID]
    gp.page.fill("#search", "")

    gp.js("id => window.vaultGraph.select(id)", EVIL_ID)
    assert gp.js("window.vaultGraph.selected()") == EVIL_ID
    info = gp.page.inner_text("#info")
    assert "</script><script>alert(1)</script>" in info
    assert "Plain note" in info
    assert gp.js("document.querySelectorAll('#info img, #info script, #info b').length") == 0
    assert gp.js("document.querySelectorAll('#legend b, #filters b').length") == 0
    gp.page.click("#info .nb")
    assert gp.js("window.vaultGraph.selected()") == "memory/plain.md"
    assert gp.dialogs == []
    gp.finish()


def test_legend_counts_and_legend_as_filter(browser, tmp_path: Path) -> None:
    gp = GraphPage(browser, tmp_path, small_graph())

    rows = gp.js(
        """() => Array.from(document.querySelectorAll('#legend .row')).map(r => [
            r.dataset.key, r.querySelector('.lbl').textContent,
            r.querySelector('.n').textContent])"""
    )
    assert rows == [
        ["Post", "Post", "2"],
        ["Research", "Research", "1"],
        ["Technical Supplement", "Technical Supplement", "1"],
        ["(none)", "untyped", "2"],
        ["(missing)", "missing note", "1"],
        ["kind:parent", "parent (note → its parent)", "2"],
        ["kind:link", "link", "4"],
    ]
    assert len(gp.visible()) == 7
    gp.page.click("#legend .row[data-key='Post']")
    assert "memory/posts/kbeauty.md" not in gp.visible()
    assert "memory/posts/rising.md" not in gp.visible()
    assert len(gp.visible()) == 5
    assert gp.js(
        "document.querySelector(\"#legend .row[data-key='Post']\").classList.contains('off')"
    )
    gp.page.click("#legend .row[data-key='(missing)']")
    assert "memory/research/missing.md" not in gp.visible()
    # Edges to hidden notes go too: left are exosomes→trends, exosomes→peptides, peptides→trends.
    assert gp.js("window.vaultGraph.visibleEdgeCount()") == 3
    gp.page.click("#legend .row[data-key='kind:link']")
    assert gp.js("window.vaultGraph.visibleEdgeCount()") == 1
    gp.page.click("#legend .row[data-key='Post']")
    gp.page.click("#legend .row[data-key='(missing)']")
    gp.page.click("#legend .row[data-key='kind:link']")
    assert len(gp.visible()) == 7
    assert gp.js("window.vaultGraph.visibleEdgeCount()") == 6
    gp.finish()


def test_filters_by_type_folder_tag_and_edge_kind(browser, tmp_path: Path) -> None:
    gp = GraphPage(browser, tmp_path, small_graph())
    gp.open_filters()

    def box(dim: str, value: str):
        return gp.page.locator(f"#filters input[data-dim='{dim}'][data-value='{value}']")

    box("type", "Post").uncheck()
    assert "memory/posts/kbeauty.md" not in gp.visible()
    assert "memory/research/trends.md" in gp.visible()
    box("type", "Post").check()

    box("folder", "ideas").uncheck()
    assert sorted(set(small_ids()) - set(gp.visible())) == [
        "memory/ideas/lonely.md",
        "memory/ideas/peptides.md",
    ]
    box("folder", "ideas").check()

    # Tags: a note shows while one of its tags is on; "no tag" covers notes without any.
    box("tag", "skincare").uncheck()
    assert "memory/research/trends.md" not in gp.visible()  # skincare only
    assert "memory/research/exosomes.md" in gp.visible()  # also biotech
    box("tag", "(none)").uncheck()
    assert sorted(n for n in gp.visible() if not n.endswith("missing.md")) == [
        "memory/ideas/peptides.md",
        "memory/research/exosomes.md",
    ]
    gp.page.click("#f-reset")
    assert len(gp.visible()) == 7

    box("kind", "parent").uncheck()
    assert gp.js("window.vaultGraph.visibleEdgeCount()") == 4
    box("kind", "link").uncheck()
    assert gp.js("window.vaultGraph.visibleEdgeCount()") == 0
    box("kind", "parent").check()
    assert gp.js("window.vaultGraph.visibleEdgeCount()") == 2

    box("other", "orphans").uncheck()
    assert "memory/ideas/lonely.md" not in gp.visible()
    assert "selected" not in gp.page.inner_text("#shown")
    assert gp.page.inner_text("#shown") == "6 of 7 shown"
    gp.finish()


def small_ids() -> list[str]:
    return sorted(n["id"] for n in small_graph()["nodes"])


def test_local_graph_with_depth_slider(browser, tmp_path: Path) -> None:
    gp = GraphPage(browser, tmp_path, chain_graph())

    gp.js("id => window.vaultGraph.select(id)", "memory/chain/a1.md")
    gp.page.click("#open-local")
    gp.wait_settled()
    assert gp.page.is_visible("#local-bar")
    local = gp.js("window.vaultGraph.local()")
    assert local["root"] == "memory/chain/a1.md" and local["depth"] == 1
    assert local["nodes"] == ["memory/chain/a0.md", "memory/chain/a1.md", "memory/chain/a2.md"]
    assert gp.visible() == local["nodes"]

    gp.page.locator("#depth").fill("2")
    gp.wait_settled()
    assert gp.js("window.vaultGraph.local().nodes") == [
        "memory/chain/a0.md",
        "memory/chain/a1.md",
        "memory/chain/a2.md",
        "memory/chain/a3.md",
        "memory/other/b.md",
    ]
    gp.page.locator("#depth").fill("3")
    gp.wait_settled()
    assert len(gp.visible()) == 6  # all but the unrelated C
    # The legend counts what the local graph shows: 6 notes, 1 parent edge, 4 links.
    counts = gp.js(
        """() => Object.fromEntries(Array.from(document.querySelectorAll('#legend .row'))
            .map(r => [r.dataset.key, Number(r.querySelector('.n').textContent)]))"""
    )
    assert counts["kind:parent"] == 1 and counts["kind:link"] == 4
    assert sum(v for k, v in counts.items() if not k.startswith("kind:")) == 6
    gp.page.screenshot(path=str(tmp_path / "local.png"))

    gp.page.click("#close-local")
    gp.wait_settled()
    assert gp.js("window.vaultGraph.local()") is None
    assert gp.page.is_hidden("#local-bar")
    assert len(gp.visible()) == 7
    gp.finish()


def test_local_graph_opened_from_data(browser, tmp_path: Path) -> None:
    data = chain_graph()
    data["root"] = "memory/chain/a4.md"
    data["depth"] = 2
    gp = GraphPage(browser, tmp_path, data)

    assert gp.js("window.vaultGraph.local()") == {
        "root": "memory/chain/a4.md",
        "depth": 2,
        "nodes": ["memory/chain/a2.md", "memory/chain/a3.md", "memory/chain/a4.md"],
    }
    assert gp.js("window.vaultGraph.selected()") == "memory/chain/a4.md"
    assert gp.page.inner_text("#local-title") == "A4"
    assert gp.page.input_value("#depth") == "2"
    assert "memory/chain/a4.md" in gp.js("window.vaultGraph.labels()")
    gp.page.keyboard.press("Escape")  # deselect
    gp.page.keyboard.press("Escape")  # leave the local graph
    gp.wait_settled()
    assert gp.js("window.vaultGraph.local()") is None
    gp.finish()


def test_colour_groups_on_a_vault_without_types(browser, tmp_path: Path) -> None:
    gp = GraphPage(browser, tmp_path, untyped_vault())

    assert gp.js("window.vaultGraph.colorBy()") == "folder"
    groups = gp.js("window.vaultGraph.groups()")
    assert [(g["label"], g["count"]) for g in groups] == [
        ("ideas", 6),
        ("posts", 6),
        ("research", 6),
    ]
    assert len({g["color"] for g in groups}) == 3
    assert "untyped" not in gp.page.inner_text("#legend")
    colours = {
        gp.js("id => window.vaultGraph.nodeColor(id)", f"memory/{f}/{f}-0.md")
        for f in ("ideas", "posts", "research")
    }
    assert len(colours) == 3
    # The type filter is not offered when no note has a type; colour by tag is.
    assert gp.page.is_hidden("#f-type-sect")
    options = gp.js("Array.from(document.querySelectorAll('#color-by option')).map(o => o.value)")
    assert options == ["folder", "tag", "community"]
    gp.page.select_option("#color-by", "tag")
    assert gp.js("window.vaultGraph.colorBy()") == "tag"
    assert [(g["label"], g["count"]) for g in gp.js("window.vaultGraph.groups()")] == [
        ("ide", 3),
        ("pos", 3),
        ("res", 3),
        ("no tag", 9),
    ]
    gp.finish()


def test_colour_groups_on_a_flat_vault_are_communities(browser, tmp_path: Path) -> None:
    """No types, every note in one folder (as Dendron writes them): the page finds
    communities itself, names each after its best-connected note."""
    nodes, edges = [], []
    for cluster in ("alpha", "beta", "gamma"):
        ids = [f"{cluster}.note{k}.md" for k in range(8)]
        nodes += [node(i, f"{cluster.title()} {k}") for k, i in enumerate(ids)]
        edges += [edge(a, b) for k, a in enumerate(ids) for b in ids[k + 1 :]]  # a clique
        edges += [edge(ids[0], f"{cluster}.hub.md")]
        nodes.append(node(f"{cluster}.hub.md", f"{cluster.title()} hub"))
        for i in ids[1:]:
            edges.append(edge(i, f"{cluster}.hub.md"))
    edges += [edge("alpha.hub.md", "beta.hub.md"), edge("beta.hub.md", "gamma.hub.md")]
    nodes.append(node("lonely.md", "Lonely"))
    gp = GraphPage(browser, tmp_path, {"directed": True, "nodes": nodes, "edges": edges})

    assert gp.js("window.vaultGraph.colorBy()") == "community"
    groups = gp.js("window.vaultGraph.groups()")
    assert sorted((g["label"], g["count"]) for g in groups) == [
        ("Alpha hub …", 9),
        ("Beta hub …", 9),
        ("Gamma hub …", 9),
        ("no links", 1),
    ]
    members = {gp.js("id => window.vaultGraph.groupOf(id)", f"beta.note{k}.md") for k in range(8)}
    assert len(members) == 1
    assert "untyped" not in gp.page.inner_text("#legend")
    gp.finish()


def test_colour_groups_given_by_the_data(browser, tmp_path: Path) -> None:
    data = untyped_vault()
    data["color_by"] = "community"
    data["groups"] = [
        {"key": "0", "label": "Skin research", "color": "#e15759", "count": 6},
        {"key": "1", "label": "Posts and ideas", "color": "#59a14f", "count": 12},
    ]
    for n in data["nodes"]:
        n["community"] = 0 if "/research/" in n["id"] else 1
        n["group"] = str(n["community"])
    gp = GraphPage(browser, tmp_path, data)

    assert gp.js("window.vaultGraph.colorBy()") == "community"
    assert [(g["label"], g["color"], g["count"]) for g in gp.js("window.vaultGraph.groups()")] == [
        ("Skin research", "#e15759", 6),
        ("Posts and ideas", "#59a14f", 12),
    ]
    assert (
        gp.js("id => window.vaultGraph.nodeColor(id)", "memory/research/research-1.md") == "#e15759"
    )
    legend = gp.page.inner_text("#legend")
    assert "Skin research" in legend and "Posts and ideas" in legend
    gp.finish()


def test_dark_mode_follows_the_system_setting(browser, tmp_path: Path) -> None:
    context = browser.new_context(color_scheme="dark")
    try:
        gp = GraphPage(browser, tmp_path, small_graph(), context=context)
        assert gp.js("window.vaultGraph.theme().dark") is True
        bg = gp.js("getComputedStyle(document.body).backgroundColor")
        assert bg == "rgb(20, 23, 28)"
        assert gp.js("window.vaultGraph.theme().text") == "#e4e8ee"
        gp.finish("dark")
    finally:
        context.close()
    light = GraphPage(browser, tmp_path, small_graph())
    assert light.js("window.vaultGraph.theme().dark") is False
    assert light.js("getComputedStyle(document.body).backgroundColor") == "rgb(247, 248, 250)"
    light.finish()


def test_settings_persist_across_reloads_per_vault(browser, tmp_path: Path) -> None:
    context = browser.new_context()
    try:
        data = untyped_vault()
        gp = GraphPage(browser, tmp_path, data, context=context)
        gp.page.click("#legend .row[data-key='posts']")
        gp.page.select_option("#color-by", "tag")
        gp.open_filters()
        gp.page.locator("#filters input[data-dim='kind'][data-value='link']").uncheck()
        assert gp.js("window.vaultGraph.visibleEdgeCount()") == 0

        gp.reload()
        assert gp.js("window.vaultGraph.colorBy()") == "tag"
        assert gp.js("window.vaultGraph.visibleEdgeCount()") == 0
        assert gp.js("document.getElementById('filters').open") is True
        gp.page.select_option("#color-by", "folder")
        assert "memory/posts/posts-0.md" not in gp.visible()  # hidden per colour mode
        gp.finish()

        # The same vault written with another --color-by starts from that one.
        (tmp_path / "recoloured").mkdir()
        recoloured = dict(untyped_vault(), color_by="tag")
        gp3 = GraphPage(browser, tmp_path / "recoloured", recoloured, context=context)
        assert gp3.js("window.vaultGraph.colorBy()") == "tag"
        gp3.finish()

        # Another vault (another "vault" key in the data) starts from the defaults.
        other = dict(untyped_vault(), vault="another")
        (tmp_path / "other").mkdir()
        gp2 = GraphPage(browser, tmp_path / "other", other, context=context)
        assert gp2.js("window.vaultGraph.colorBy()") == "folder"
        assert "memory/posts/posts-0.md" in gp2.visible()
        assert gp2.js("window.vaultGraph.visibleEdgeCount()") == len(other["edges"])
        gp2.finish()
    finally:
        context.close()


def test_small_graph_fills_the_view(browser, tmp_path: Path) -> None:
    data = small_graph()
    gp = GraphPage(browser, tmp_path, data)
    box = gp.page.locator("#graph").bounding_box()
    pts = [gp.js("id => window.vaultGraph.viewportPosition(id)", n["id"]) for n in data["nodes"]]
    xs = [p["x"] for p in pts]
    ys = [p["y"] for p in pts]
    spread = max((max(xs) - min(xs)) / box["width"], (max(ys) - min(ys)) / box["height"])
    assert spread > 0.6, f"the graph covers only {spread:.0%} of the view"
    assert all(
        0 <= x <= box["width"] and 0 <= y <= box["height"] for x, y in zip(xs, ys, strict=True)
    )
    # Nodes are drawn big enough to see and click.
    assert min(p["size"] for p in pts) >= 6
    gp.finish()


def test_labels_are_plain_text_without_overlap_and_grow_on_zoom(browser, tmp_path: Path) -> None:
    data = large_graph(1000, 2500)
    data["nodes"][0]["title"] = "Index [[wiki]] **bold**"
    gp = GraphPage(browser, tmp_path, data)

    def overlaps(boxes):
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                if a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]:
                    return (a, b)
        return None

    overview = gp.js("window.vaultGraph.labels()")
    assert 8 <= len(overview) <= 200
    assert overlaps(gp.js("window.vaultGraph.labelBoxes()")) is None
    # The best connected note (the tree's root) is labelled at overview zoom.
    assert "memory/n0000.md" in overview
    gp.js("window.vaultGraph.sigma.getCamera().setState({x: 0.5, y: 0.5, ratio: 0.25, angle: 0})")
    gp.wait_still()
    zoomed = gp.js("window.vaultGraph.labels()")
    assert len(zoomed) > len(overview)
    assert overlaps(gp.js("window.vaultGraph.labelBoxes()")) is None
    gp.finish()


@pytest.mark.slow
def test_large_graph_loads(browser, tmp_path: Path) -> None:
    data = large_graph()
    gp = GraphPage(browser, tmp_path, data)

    assert gp.js("window.vaultGraph.nodeCount") == 3000
    assert gp.js("window.vaultGraph.edgeCount") == 6000
    assert gp.page.get_attribute("#graph", "data-settled") == "true"
    gp.page.fill("#search", "note 299")  # Note 299 and Note 2990..2999
    assert len(gp.js("window.vaultGraph.highlighted()")) == 11
    gp.page.fill("#search", "")
    gp.js("id => window.vaultGraph.select(id)", "memory/n0000.md")
    assert "memory/n0000.md" in gp.page.inner_text("#info")
    gp.js("window.vaultGraph.select(null)")
    # Pan and zoom with the mouse: the page keeps drawing and stays quiet.
    box = gp.page.locator("#graph").bounding_box()
    gp.page.mouse.move(box["x"] + 300, box["y"] + 300)
    gp.page.mouse.down()
    gp.page.mouse.move(box["x"] + 420, box["y"] + 360, steps=10)
    gp.page.mouse.up()
    gp.page.mouse.wheel(0, -400)
    gp.wait_still()
    gp.finish()


def test_empty_graph_shows_no_notes(browser, tmp_path: Path) -> None:
    gp = GraphPage(browser, tmp_path, {"directed": True, "nodes": [], "edges": []})

    assert gp.js("window.vaultGraph.nodeCount") == 0
    assert gp.js("window.vaultGraph.edgeCount") == 0
    assert gp.page.is_visible("#empty")
    assert gp.page.inner_text("#empty") == "No notes"
    gp.page.fill("#search", "anything")
    assert gp.js("window.vaultGraph.highlighted()") == []
    gp.page.click("#fit")
    gp.finish()


def test_without_webgl_the_page_says_so(browser, tmp_path: Path) -> None:
    path = tmp_path / "graph.html"
    path.write_text(render_html(small_graph()), encoding="utf-8")
    b = browser.browser_type.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, "--disable-webgl"]
    )
    try:
        page = b.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(path.as_uri())
        page.wait_for_function("window.vaultGraph && window.vaultGraph.error === 'webgl'")
        assert page.is_visible("#nogl")
        assert "needs WebGL" in page.inner_text("#nogl")
        assert page.get_attribute("#graph", "data-error") == "webgl"
        # Search and the note panel still work.
        page.fill("#search", "peptide")
        page.click("#fallback-list .nb")
        assert "Peptide serums" in page.inner_text("#info")
        assert errors == []
    finally:
        b.close()


# ---------------------------------------------------------------- pages `vault graph` wrote


def cli_page(browser, tmp_path: Path, run, root: Path, *args: str, settle: bool = True):
    """The page `vault graph --format html ARGS -o FILE` writes for the vault at `root`, open
    in Chromium, with the data it embeds."""
    out = tmp_path / "cli-graph.html"
    res = run(root, "graph", "--format", "html", *args, "-o", str(out))
    assert res.exit_code == 0, res.stderr
    text = out.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', text, re.S)
    return GraphPage(browser, tmp_path, None, page_file=out, settle=settle), json.loads(m[1])


def copy_fixture(name: str, dest: Path, leave_out: tuple[str, ...] = ()) -> Path:
    import shutil

    src = PROJECT / "tests" / "fixtures" / name
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("expected.json", *leave_out))
    return dest


def test_cli_page_of_a_vault_without_types_is_coloured_by_folder(browser, tmp_path, run):
    # The YAML alias bomb is left out: reading it is another part's test (tests/test_bad_input).
    root = copy_fixture("obsidian-community", tmp_path / "v", ("YAML alias bomb.md",))
    gp, data = cli_page(browser, tmp_path, run, root)
    assert data["color_by"] == "folder"
    assert gp.js("window.vaultGraph.colorBy()") == "folder"
    groups = gp.js("window.vaultGraph.groups()")
    assert groups == data["groups"]
    assert [g["label"] for g in groups] == ["Daily", "Projects", "Templates", "People", "top level"]
    assert len({g["color"] for g in groups if g["key"] != "(none)"}) == 4
    legend = gp.page.inner_text("#legend")
    assert "untyped" not in legend and "Daily" in legend
    for n in data["nodes"]:
        if not n["missing"]:
            expected = next(g["color"] for g in groups if g["key"] == n["group"])
            assert gp.js("id => window.vaultGraph.nodeColor(id)", n["id"]) == expected, n["id"]
    # The legend still filters: hiding Daily hides exactly the three daily notes.
    gp.js("window.vaultGraph.toggleGroup('Daily')")
    hidden = {n["id"] for n in data["nodes"]} - set(gp.visible())
    assert hidden == {n["id"] for n in data["nodes"] if n["group"] == "Daily"}
    gp.finish("cli-community-vault")


def test_cli_page_of_a_flat_vault_is_coloured_by_its_communities(browser, tmp_path, run):
    root = copy_fixture("dendron-mini", tmp_path / "v")
    gp, data = cli_page(browser, tmp_path, run, root)
    assert data["color_by"] == "community" == gp.js("window.vaultGraph.colorBy()")
    assert gp.js("window.vaultGraph.groups()") == data["groups"]
    assert [g["label"] for g in data["groups"]][0] == "Python …"
    python = [n["id"] for n in data["nodes"] if n["id"].startswith("notes/lang.python")]
    assert len({gp.js("id => window.vaultGraph.groupOf(id)", i) for i in python}) == 1
    gp.finish("cli-flat-vault")


def test_cli_page_opens_the_local_graph_of_root(browser, tmp_path, run):
    import shutil

    root = tmp_path / "foam"
    shutil.copytree(CORPORA / "foam" / "docs", root)
    note = "user/features/graph-view.md"
    part = json.loads(run(root, "graph", "--root", note, "--depth", "2").stdout)
    gp, data = cli_page(browser, tmp_path, run, root, "--root", note, "--depth", "2")
    assert data["root"] == note and data["depth"] == 2
    local = gp.js("window.vaultGraph.local()")
    assert local["root"] == note and local["depth"] == 2
    # The page's neighbourhood is the one `vault graph --root --depth` takes.
    assert local["nodes"] == sorted(n["id"] for n in part["nodes"])
    assert gp.js("window.vaultGraph.selected()") == note
    assert gp.page.input_value("#depth") == "2"
    assert note in gp.js("window.vaultGraph.labels()")
    # Leaving it shows the whole vault, which the page holds.
    gp.page.click("#close-local")
    gp.wait_settled()
    assert len(gp.visible()) == len(data["nodes"])
    gp.finish("cli-local")


EVIL_NOTE = (
    '# Evil note\n\nIntro <img src=x onerror="window.__pwned=1"> and '
    "<script>window.__pwned=2</script> about zymurgy, with [[plain|a plain link]].\n"
    "<!-- secretword in a comment -->\n"
)


def test_cli_page_shows_note_text_on_click_and_searches_it(browser, tmp_path, run):
    files = {
        "memory/evil.md": EVIL_NOTE,
        "memory/plain.md": "---\ntitle: Plain note\n---\n# Plain note\n\n"
        "Fermentation of **barley** into beer.\n",
    }
    root = tmp_path / "v"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    gp, data = cli_page(browser, tmp_path, run, root)
    snippets = {n["id"]: n.get("snippet") for n in data["nodes"]}
    assert snippets["memory/plain.md"] == "Fermentation of barley into beer."
    assert snippets["memory/evil.md"] == "Intro and about zymurgy, with a plain link."
    # A click on the node shows its text.
    box = gp.page.locator("#graph").bounding_box()
    pos = gp.js("window.vaultGraph.viewportPosition('memory/evil.md')")
    gp.page.mouse.move(box["x"] + pos["x"], box["y"] + pos["y"])
    gp.page.wait_for_selector("#tooltip", state="visible")
    gp.page.mouse.down()
    gp.page.mouse.up()
    gp.page.wait_for_function("window.vaultGraph.selected() === 'memory/evil.md'")
    assert gp.page.inner_text("#snippet") == snippets["memory/evil.md"]
    gp.js("id => window.vaultGraph.select(id)", "memory/plain.md")
    assert gp.page.inner_text("#snippet") == "Fermentation of barley into beer."
    gp.page.fill("#search", "zymurgy")
    assert gp.js("window.vaultGraph.highlighted()") == ["memory/evil.md"]
    gp.page.fill("#search", "barley")
    assert gp.js("window.vaultGraph.highlighted()") == ["memory/plain.md"]
    gp.page.fill("#search", "secretword")  # comments are not text
    assert gp.js("window.vaultGraph.highlighted()") == []
    assert gp.js("window.__pwned === undefined")
    gp.finish("cli-note-text")


@pytest.mark.slow
def test_cli_page_of_a_generated_vault_of_2000_notes(browser, tmp_path, run):
    import sys

    sys.path.insert(0, str(PROJECT / "bench"))
    from view_data import make_graph, write_vault

    graph = make_graph(2000, seed=3, with_snippets=False)
    write_vault(graph, tmp_path / "v", seed=3)
    gp, data = cli_page(browser, tmp_path, run, tmp_path / "v")
    assert gp.js("window.vaultGraph.nodeCount") == len(data["nodes"]) >= 1900
    assert gp.js("window.vaultGraph.edgeCount") == len(data["edges"])
    assert gp.js("window.vaultGraph.groups()") == data["groups"]
    labels = gp.js("window.vaultGraph.labels()")
    best = [n["id"] for n in sorted(data["nodes"], key=lambda n: n["label_rank"])[:3]]
    assert set(best) & set(labels)
    note = best[0]
    gp.page.fill("#search", next(n for n in data["nodes"] if n["id"] == note)["snippet"][:40])
    assert note in gp.js("window.vaultGraph.highlighted()")
    gp.finish("cli-2000")
