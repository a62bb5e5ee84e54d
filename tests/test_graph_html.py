"""The interactive HTML graph view, checked in a real headless Chromium."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from vault.graph.html import render_html

READY_TIMEOUT_MS = 30_000

EVIL_ID = 'memory/</script><script>alert(1)</script>"it\'s" <b>&amp;\u2028\u2029 é.md'


def node(
    id_: str,
    title: str | None = None,
    *,
    type_: str | None = None,
    date: str | None = None,
    tags: list[str] | None = None,
    missing: bool = False,
) -> dict:
    return {
        "id": id_,
        "title": title if title is not None else id_,
        "date": date,
        "type": type_,
        "missing": missing,
        "tags": tags or [],
    }


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


# --------------------------------------------------------------------------- pure Python


def test_render_html_embeds_data_safely() -> None:
    data = {"directed": True, "nodes": [node(EVIL_ID, "</title>x")], "edges": []}
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


def test_placeholders_in_user_text_are_left_alone() -> None:
    data = {"directed": True, "nodes": [node("__VAULT_GRAPH_TITLE__")], "edges": []}
    page = render_html(data, title="__VAULT_GRAPH_DATA__")
    assert page.count("<title>__VAULT_GRAPH_DATA__</title>") == 1
    assert '"id":"__VAULT_GRAPH_TITLE__"' in page


# --------------------------------------------------------------------------- browser


class GraphPage:
    """A page showing one rendered graph, with every request and console message recorded."""

    def __init__(self, browser, tmp_path: Path, data: dict, title: str = "vault graph"):
        self.path = tmp_path / "graph.html"
        self.path.write_text(render_html(data, title=title), encoding="utf-8")
        self.url = self.path.as_uri()
        self.tmp_path = tmp_path
        self.requests: list[str] = []
        self.console: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.on("dialog", self._on_dialog)
        self.page.goto(self.url)
        self.page.wait_for_function(
            "window.vaultGraph && window.vaultGraph.ready === true", timeout=READY_TIMEOUT_MS
        )

    def _on_console(self, msg) -> None:
        if msg.type in ("error", "warning", "assert"):
            self.console.append(f"{msg.type}: {msg.text}")

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def finish(self) -> None:
        """Screenshot, then check that the page stayed offline and quiet."""
        self.page.screenshot(path=str(self.tmp_path / "graph.png"))
        foreign = [u for u in self.requests if u != self.url and not u.startswith("data:")]
        assert foreign == [], f"unexpected requests: {foreign}"
        assert self.console == [], f"console errors/warnings: {self.console}"
        assert self.dialogs == []
        self.page.close()


def test_page_loads_offline_and_reports_counts(browser, tmp_path: Path) -> None:
    data = small_graph()
    gp = GraphPage(browser, tmp_path, data, title="Skin <research> & notes")

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
    gp.page.press("#search", "Enter")  # zooms to the matches

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
    gp.page.wait_for_timeout(100)
    gp.page.screenshot(path=str(tmp_path / "search.png"))
    gp.finish()


def test_select_shows_details_and_grouped_neighbours(browser, tmp_path: Path) -> None:
    gp = GraphPage(browser, tmp_path, small_graph())

    gp.js("id => window.vaultGraph.select(id)", "memory/research/exosomes.md")
    assert gp.js("window.vaultGraph.selected()") == "memory/research/exosomes.md"
    info = gp.page.inner_text("#info")
    assert "Exosomes deep dive" in info
    assert "memory/research/exosomes.md" in info
    assert "2026-02-14" in info
    assert "Technical Supplement" in info
    assert "biotech" in info
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

    # The missing note says so.
    gp.js("id => window.vaultGraph.select(id)", "memory/research/missing.md")
    assert "does not exist" in gp.page.inner_text("#info")

    gp.page.keyboard.press("Escape")
    assert gp.js("window.vaultGraph.selected()") is None
    gp.js("id => window.vaultGraph.select(id)", "memory/research/exosomes.md")
    gp.page.wait_for_timeout(500)
    gp.finish()


def test_clicking_nodes_and_background(browser, tmp_path: Path) -> None:
    data = {
        "directed": True,
        "nodes": [node("only.md", "The only note", type_="Idea")],
        "edges": [],
    }
    gp = GraphPage(browser, tmp_path, data)
    gp.page.wait_for_function("window.vaultGraph.settled", timeout=READY_TIMEOUT_MS)
    box = gp.page.locator("#graph").bounding_box()
    assert box is not None
    # A single node ends up in the middle of the drawing area (right of the legend).
    hits = []
    for dx in range(-150, 151, 4):
        x, y = box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2
        gp.page.mouse.click(x, y)
        if gp.js("window.vaultGraph.selected()") == "only.md":
            hits.append((x, y))
            break
    assert hits, "clicking on the node did not select it"
    gp.page.mouse.move(*hits[0])
    assert gp.page.is_visible("#tooltip")
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
    gp.page.click("#info .nb")
    assert gp.js("window.vaultGraph.selected()") == "memory/plain.md"
    assert gp.dialogs == []
    gp.finish()


@pytest.mark.slow
def test_large_graph_loads(browser, tmp_path: Path) -> None:
    data = large_graph()
    gp = GraphPage(browser, tmp_path, data)

    assert gp.js("window.vaultGraph.nodeCount") == 3000
    assert gp.js("window.vaultGraph.edgeCount") == 6000
    gp.page.fill("#search", "note 299")  # Note 299 and Note 2990..2999
    assert len(gp.js("window.vaultGraph.highlighted()")) == 11
    gp.page.fill("#search", "")
    gp.js("id => window.vaultGraph.select(id)", "memory/n0000.md")
    assert "memory/n0000.md" in gp.page.inner_text("#info")
    gp.js("window.vaultGraph.select(null)")
    gp.page.wait_for_timeout(1000)
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
