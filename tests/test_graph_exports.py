"""`vault graph` exports: golden files on the example vault, networkx round trips, Graphviz,
Mermaid escaping, -o, and the HTML page in a real headless Chromium.

Regenerate the golden files after an intended change with:
    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_graph_exports.py
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from graph_helpers import edge_set, pinned_example, write_vault

from vault.graph import export

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
FORMATS = {"json": "json", "graphml": "graphml", "gexf": "gexf", "dot": "dot", "mermaid": "mmd"}

WEIRD_TITLE = 'Say "hi" <b>#1</b> [x] {y} (z) | a & b `c` ; end \\n'
WEIRD = {
    "memory/weird.md": f"---\ntitle: '{WEIRD_TITLE}'\ndate: 2026-03-01\ntype: Odd Type\n---\n"
    "See [[plain]] and [[gone]].\n",
    "memory/plain.md": "# Plain\n\nDate: 2026-03-02\nParent: weird\n\nBody.\n",
    'memory/quote "and" back\\slash.md': "# Path with quotes\n\nDate: 2026-03-03\n\n[[plain]]\n",
}


def normalize(fmt: str, text: str) -> str:
    """Remove what changes between runs but not between graphs: GEXF's date and version,
    and the JSON's vault key (made from the vault's path, here a temporary folder)."""
    if fmt == "json":
        text = re.sub(r'^  "vault": "[^"]*",$', '  "vault": "VAULT",', text, count=1, flags=re.M)
    if fmt == "gexf":
        text = re.sub(r'lastmodifieddate="[^"]*"', 'lastmodifieddate="DATE"', text)
        text = re.sub(r"<creator>NetworkX [^<]*</creator>", "<creator>NetworkX</creator>", text)
    return text


@pytest.fixture
def example(tmp_path):
    return pinned_example(tmp_path / "vault")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_of_the_example_vault_matches_its_golden_file(example, run, fmt):
    res = run(example, "graph", "--format", fmt)
    assert res.exit_code == 0, res.stderr
    golden = GOLDEN / f"example.{FORMATS[fmt]}"
    text = normalize(fmt, res.stdout)
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_json_golden_has_the_dangling_link_as_a_missing_node():
    data = json.loads((GOLDEN / "example.json").read_text(encoding="utf-8"))
    missing = [n for n in data["nodes"] if n["missing"]]
    assert [n["id"] for n in missing] == ["/posts/pdrn-salmon-dna"]
    assert (
        "memory/posts/2026-01-11-exosomes-in-k-beauty.md",
        "/posts/pdrn-salmon-dna",
        "link",
    ) in edge_set(data)


def test_html_embeds_exactly_the_json_graph(example, run):
    # The page template belongs to vault.graph.html and changes on its own; what `vault graph`
    # decides is the data and title handed to it.
    from vault.graph.html import render_html
    from vault.vault import open_vault

    res = run(example, "graph", "--format", "html")
    assert res.exit_code == 0, res.stderr
    data = json.loads((GOLDEN / "example.json").read_text(encoding="utf-8"))
    data["vault"] = open_vault(example).state_dir.name
    assert res.stdout == render_html(data, "vault · link graph")


def test_the_vault_key_is_stable_and_names_the_vault(example, run, tmp_path):
    key = json.loads(run(example, "graph").stdout)["vault"]
    assert key.startswith("vault-") and len(key) > len("vault-") + 8
    other = pinned_example(tmp_path / "elsewhere" / "vault")
    assert json.loads(run(example, "graph", "--root", "exosomes-deep-dive").stdout)["vault"] == key
    assert json.loads(run(other, "graph").stdout)["vault"] not in (key, "")


def test_json_flag_equals_the_default_format(example, run):
    assert run(example, "graph", "--json").stdout == run(example, "graph").stdout


# --- networkx round trips --------------------------------------------------------------------


def _json_graph(run, root) -> dict:
    res = run(root, "graph")
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


def _expected_attrs(node: dict, colors: dict[str, str]) -> dict:
    attrs = {"label": node["title"], "title": node["title"], "tags": ",".join(node["tags"])}
    attrs["missing"] = node["missing"]
    if node["date"]:
        attrs["date"] = node["date"]
    if node["type"]:
        attrs["type"] = node["type"]
    attrs["folder"] = node["folder"]
    if node["group"] is not None:
        attrs["group"] = node["group"]
    attrs["color"] = colors[node["group"]] if node["group"] is not None else "#c3c8cf"
    for key in ("community", "degree", "pagerank", "label_rank"):
        if node[key] is not None:
            attrs[key] = node[key]
    return attrs


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
@pytest.mark.parametrize("which", ["example", "weird", "multi"])
def test_graphml_and_gexf_read_back_with_every_attribute(tmp_path, run, fmt, which):
    import networkx as nx

    if which == "example":
        root = pinned_example(tmp_path / "v")
    elif which == "weird":
        root = write_vault(tmp_path / "v", WEIRD)
    else:  # a note both linking to and naming its Parent: two edges between one pair
        root = write_vault(
            tmp_path / "v",
            {"memory/hub.md": "# Hub\n", "memory/a.md": "# A\n\nParent: hub\n\n[[hub]]\n"},
        )
    out = tmp_path / f"graph.{fmt}"
    res = run(root, "graph", "--format", fmt, "-o", str(out))
    assert res.exit_code == 0, res.stderr
    assert res.stdout == "" and f"to {out}" in res.stderr
    g = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(out)
    expected = _json_graph(run, root)
    colors = {gr["key"]: gr["color"] for gr in expected["groups"]}
    assert g.is_directed()
    nodes = dict(g.nodes(data=True))
    if fmt == "gexf":  # Gephi's colour and size, from the group and the degree
        for n in expected["nodes"]:
            viz = nodes[n["id"]].pop("viz")
            c = _expected_attrs(n, colors)["color"]
            rgb = {"r": int(c[1:3], 16), "g": int(c[3:5], 16), "b": int(c[5:7], 16)}
            assert viz["color"] == {**rgb, "a": 1.0} and "position" not in viz
            assert viz["size"] == round(4 + 2 * n["degree"] ** 0.5, 2)
        assert "networkx_key" not in out.read_text(encoding="utf-8")
    assert nodes == {n["id"]: _expected_attrs(n, colors) for n in expected["nodes"]}
    got = {(u, v, d["kind"]) for u, v, d in g.edges(data=True)}
    assert got == edge_set(expected) and g.number_of_edges() == len(expected["edges"])
    if which == "multi":
        assert g.is_multigraph()
    if fmt == "graphml":  # every edge has an id of its own (graphology refuses repeats)
        ids = re.findall(r'<edge [^>]*id="([^"]*)"', out.read_text(encoding="utf-8"))
        assert len(ids) == len(expected["edges"]) == len(set(ids))


# --- Graphviz and Mermaid --------------------------------------------------------------------


def test_dot_quotes_ids_and_labels(tmp_path, run):
    root = write_vault(tmp_path / "v", WEIRD)
    res = run(root, "graph", "--format", "dot")
    assert res.exit_code == 0, res.stderr
    assert '"memory/quote \\"and\\" back\\\\slash.md" -> "memory/plain.md"' in res.stdout
    # `&` is written &amp;, as Graphviz reads entities in labels; no date without --dates.
    assert 'label="Say \\"hi\\" <b>#1</b> [x] {y} (z) | a &amp; b `c` ; end \\\\n"' in res.stdout
    dated = run(root, "graph", "--format", "dot", "--dates").stdout
    assert 'a &amp; b `c` ; end \\\\n\\n2026-03-01"' in dated


@pytest.mark.skipif(not Path("/usr/bin/dot").exists(), reason="Graphviz is not installed")
@pytest.mark.parametrize("which", ["example", "weird"])
def test_graphviz_renders_the_dot_export(tmp_path, run, which):
    root = (
        pinned_example(tmp_path / "v") if which == "example" else write_vault(tmp_path / "v", WEIRD)
    )
    dot_file = tmp_path / "graph.dot"
    assert run(root, "graph", "--format", "dot", "-o", str(dot_file)).exit_code == 0
    proc = subprocess.run(
        ["/usr/bin/dot", "-Tsvg", str(dot_file)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    svg = proc.stdout
    assert svg.count('class="node"') == len(_json_graph(run, root)["nodes"])
    assert svg.count('class="edge"') == len(_json_graph(run, root)["edges"])
    if which == "weird":
        assert "Say &quot;hi&quot; &lt;b&gt;#1&lt;/b&gt;" in svg


def test_mermaid_escapes_labels_and_uses_safe_ids(tmp_path, run):
    root = write_vault(tmp_path / "v", WEIRD)
    res = run(root, "graph", "--format", "mermaid")
    assert res.exit_code == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0] == "flowchart LR"
    nodes = [ln.strip() for ln in lines if re.match(r"^  n\d+\[", ln)]
    # Every label is one quoted string with no character that could end or bend it.
    for line in nodes:
        m = re.fullmatch(r'n\d+\["([^"]*)"\]:::(missing|g\d+)', line)
        assert m, line
        assert not set(m.group(1)) & set('"<>[]{}|`\\'), line
        assert re.sub(r"#\d+;", "", m.group(1)).count("#") == 0, line
    weird = next(ln for ln in nodes if "Say" in ln)
    assert weird.startswith('n3["Say #34;hi#34; #60;b#62;#35;1#60;/b#62; #91;x#93; #123;y#125;')
    assert weird.endswith('(z) #124; a #38; b #96;c#96; ; end #92;n"]:::g1')
    assert 'n0["gone"]:::missing' in nodes
    assert "  n3 -.-> n0" in lines and "  n1 --> n3" in lines
    assert "  classDef missing " + export._MERMAID_MISSING in lines


# --- -o ----------------------------------------------------------------------------------------


def test_output_file_replaces_an_old_export_and_leaves_no_temp_file(example, run, tmp_path):
    out = tmp_path / "out" / "graph.json"
    out.parent.mkdir()
    out.write_text("old", encoding="utf-8")
    res = run(example, "graph", "-o", str(out))
    assert res.exit_code == 0, res.stderr
    text = normalize("json", out.read_text(encoding="utf-8"))
    assert text == (GOLDEN / "example.json").read_text(encoding="utf-8")
    assert sorted(p.name for p in out.parent.iterdir()) == ["graph.json"]


def test_output_errors_are_one_line(example, run, tmp_path):
    res = run(example, "graph", "-o", str(tmp_path / "no" / "such" / "graph.json"))
    assert res.exit_code == 1
    assert res.stderr.startswith("Error: folder ") and res.stderr.count("\n") == 1
    res = run(example, "graph", "--format", "pdf")
    assert res.exit_code == 2 and "pdf" in res.stderr


# --- the HTML page in a browser --------------------------------------------------------------


def test_html_page_in_headless_chromium(example, run, tmp_path, browser):
    page_file = tmp_path / "graph.html"
    res = run(example, "graph", "--format", "html", "-o", str(page_file))
    assert res.exit_code == 0, res.stderr
    data = _json_graph(run, example)
    url = page_file.as_uri()

    requests: list[str] = []
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_function("window.vaultGraph && window.vaultGraph.ready")
    assert page.evaluate("window.vaultGraph.nodeCount") == len(data["nodes"])
    assert page.evaluate("window.vaultGraph.edgeCount") == len(data["edges"])

    page.fill("#search", "k-beauty")
    expected = sorted(
        n["id"]
        for n in data["nodes"]
        if "k-beauty" in "\n".join([n["title"], n["id"], *n["tags"], n.get("snippet", "")]).lower()
    )
    assert expected == [
        "memory/posts/2026-01-11-exosomes-in-k-beauty.md",
        "memory/research/2026-02-14-skin-tech-trends.md",
    ]
    page.wait_for_function(
        "expected => JSON.stringify(window.vaultGraph.highlighted()) === JSON.stringify(expected)",
        arg=expected,
    )
    # The missing note by its name, and the note whose text links to it (its snippet).
    page.fill("#search", "pdrn")
    page.wait_for_function(
        "JSON.stringify(window.vaultGraph.highlighted()) === "
        '\'["/posts/pdrn-salmon-dna","memory/posts/2026-01-11-exosomes-in-k-beauty.md"]\''
    )
    page.fill("#search", "")
    page.wait_for_function("window.vaultGraph.highlighted().length === 0")
    page.wait_for_timeout(500)
    page.screenshot(path=str(tmp_path / "graph.png"))
    page.close()
    # blob: is the page's layout worker, made from a string inside the page: not a fetch.
    assert [u for u in requests if not u.startswith("blob:")] == [url]
    assert errors == []
    assert (tmp_path / "graph.png").stat().st_size > 10_000


def test_html_goes_to_stdout_without_o(example, run):
    res = run(example, "graph", "--format", "html")
    assert res.exit_code == 0 and res.stdout.lstrip().lower().startswith("<!doctype html")


@pytest.fixture(scope="module")
def corpora_copy(tmp_path_factory):
    from conftest import CORPORA

    root = tmp_path_factory.mktemp("corpora") / "foam"
    shutil.copytree(CORPORA / "foam" / "docs", root)
    return root


def test_every_format_on_a_real_vault(corpora_copy, run):
    for fmt in FORMATS:
        res = run(corpora_copy, "graph", "--format", fmt)
        assert res.exit_code == 0, (fmt, res.stderr)
        assert res.stdout
