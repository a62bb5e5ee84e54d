"""`vault graph` exports: golden files on the example vault, networkx round trips, Graphviz,
Mermaid escaping, -o, and the HTML page in a real headless Chromium.

Regenerate the golden files after an intended change with:
    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_graph_exports.py
"""

from __future__ import annotations

import io
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

# (A lone backtick is not a code span: a title keeps it, and every format must escape it.)
WEIRD_TITLE = 'Say "hi" <b>#1</b> [x] {y} (z) | a & b `c ; end \\n'
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
    assert 'label="Say \\"hi\\" <b>#1</b> [x] {y} (z) | a &amp; b `c ; end \\\\n"' in res.stdout
    dated = run(root, "graph", "--format", "dot", "--dates").stdout
    assert 'a &amp; b `c ; end \\\\n\\n2026-03-01"' in dated


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
    assert weird.endswith('(z) #124; a #38; b #96;c ; end #92;n"]:::g1')
    assert 'n0["gone"]:::missing' in nodes
    assert "  n3 -.-> n0" in lines and "  n1 --> n3" in lines
    assert "  classDef missing " + export.MERMAID_MISSING in lines


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
    # A real frame of the cleared search, the camera at rest (the page's state flags).
    page.wait_for_function(
        "window.vaultGraph.still() && !('matches' in document.documentElement.dataset)"
    )
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


# --- the same colour groups in every export --------------------------------------------------

CLIQUES = {}
for _name in ("alpha", "beta", "gamma"):
    for _k in range(5):
        _links = " ".join(f"[[{_name}-{j}]]" for j in range(5) if j != _k)
        CLIQUES[f"memory/{_name}/{_name}-{_k}.md"] = (
            f"# {_name.title()} & {_k}\n\nDate: 2026-01-0{_k + 1}\n\n{_links}\n"
        )
CLIQUES["memory/alpha/alpha-0.md"] += "\n[[beta-0]] [[nowhere]]\n"


def _colours_by_export(run, root, *args) -> dict[str, dict[str, str]]:
    """node id -> colour, as each export writes it."""
    import networkx as nx

    data = json.loads(run(root, "graph", *args).stdout)
    colour = {g["key"]: g["color"] for g in data["groups"]}
    out = {"json": {n["id"]: colour[n["group"]] for n in data["nodes"] if not n["missing"]}}
    dot = run(root, "graph", "--format", "dot", *args).stdout
    out["dot"] = dict(re.findall(r'^  "([^"]+)" \[.*fillcolor="(#[0-9a-f]{6})"', dot, re.M))
    mmd = run(root, "graph", "--format", "mermaid", *args).stdout
    classes = dict(re.findall(r"^  classDef (g\d+) fill:(#[0-9a-f]{6})", mmd, re.M))
    short = {n["id"]: f"n{k}" for k, n in enumerate(data["nodes"])}
    node_class = dict(re.findall(r'^  (n\d+)\[".*"\]:::(g\d+)$', mmd, re.M))
    out["mermaid"] = {i: classes[node_class[s]] for i, s in short.items() if s in node_class}
    for fmt in ("gexf", "graphml"):
        text = run(root, "graph", "--format", fmt, *args).stdout
        g = (nx.read_gexf if fmt == "gexf" else nx.read_graphml)(io.BytesIO(text.encode()))
        out[fmt] = {
            n: (
                "#{:02x}{:02x}{:02x}".format(*(a["viz"]["color"][c] for c in "rgb"))
                if fmt == "gexf"
                else a["color"]
            )
            for n, a in g.nodes(data=True)
            if not a["missing"]
        }
    cy = json.loads(run(root, "graph", "--format", "cytoscape", *args).stdout)
    out["cytoscape"] = {
        e["data"]["id"]: e["data"]["color"]
        for e in cy["elements"]["nodes"]
        if not e["data"]["missing"]
    }
    return out


@pytest.mark.parametrize("mode", ["default", "community", "folder", "tag"])
def test_every_export_draws_the_same_groups_in_the_same_colours(tmp_path, run, mode):
    root = write_vault(tmp_path / "v", CLIQUES)
    args = () if mode == "default" else ("--color-by", mode)
    colours = _colours_by_export(run, root, *args)
    reference = colours.pop("json")
    assert len(reference) == 15
    for fmt, got in colours.items():
        assert got == reference, fmt
    if mode in ("default", "folder", "community"):  # three folders, three communities
        assert len(set(reference.values())) == 3


# --- DOT ---------------------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/usr/bin/dot").exists(), reason="Graphviz is not installed")
def test_graphviz_shows_titles_as_written_with_a_legend_and_no_dates(tmp_path, run):
    root = write_vault(
        tmp_path / "v",
        {
            **CLIQUES,
            "memory/amp.md": "# Salt &amp; pepper & more\n\nDate: 2026-02-01\n\n[[alpha-1]]\n",
        },
    )
    svg_of = {}
    for extra in ((), ("--dates",), ("--root", "alpha-1", "--depth", "1")):
        dot = run(root, "graph", "--format", "dot", *extra).stdout
        proc = subprocess.run(
            ["/usr/bin/dot", "-Tsvg"], input=dot, capture_output=True, text=True, timeout=60
        )
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr
        svg_of[extra[:1]] = (dot, proc.stdout)
    dot, svg = svg_of[()]
    # The text of the title, shown as written: "&amp;" stays "&amp;" (SVG: &amp;amp;).
    assert ">Salt &amp;amp; pepper &amp; more</text>" in svg
    assert "2026-02-01" not in dot
    # The legend: the colour mode, each group with its count, the missing note.
    for text in (
        "Folder",
        "alpha (5)",
        "beta (5)",
        "gamma (5)",
        "top level (1)",
        "missing note (1)",
    ):
        assert f">{text}</text>" in svg, text
    assert svg.count('class="node"') == 17  # the legend is a label, not nodes
    dated, _ = svg_of[("--dates",)]
    assert "Salt &amp;amp; pepper &amp; more\\n2026-02-01" in dated
    rooted, _ = svg_of[("--root",)]
    assert re.search(r'^  "memory/alpha/alpha-1.md" \[.*penwidth=3', rooted, re.M)
    assert rooted.count("penwidth=3") == 1


# --- Mermaid ---------------------------------------------------------------------------------


def test_mermaid_marks_the_root_note(tmp_path, run):
    root = write_vault(tmp_path / "v", CLIQUES)
    res = run(root, "graph", "--format", "mermaid", "--root", "beta-0", "--depth", "1")
    assert res.exit_code == 0 and res.stderr == ""
    lines = res.stdout.splitlines()
    node = next(ln.split("[")[0].strip() for ln in lines if '"Beta #38; 0"' in ln)
    assert f"  style {node} stroke:#1f2328,stroke-width:4px" in lines
    assert sum(1 for ln in lines if ln.startswith("  style ")) == 1


def test_mermaid_warns_when_the_diagram_is_past_what_mermaid_renders(tmp_path, run):
    files = {}
    for k in range(120):
        links = " ".join(f"[[n{(k + d) % 120}]]" for d in range(1, 6))
        files[f"memory/n{k}.md"] = f"# Note {k}\n\n{links}\n"
    root = write_vault(tmp_path / "v", files)
    res = run(root, "graph", "--format", "mermaid")
    assert res.exit_code == 0
    assert res.stdout.count(" -.-> ") == 600
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("warning: ")
    assert "600 edges (its maxEdges is 500)" in res.stderr
    assert "--root REF --depth N" in res.stderr
    # To a file too, and a part of the graph is within the limits.
    out = tmp_path / "g.mmd"
    assert "maxEdges" in run(root, "graph", "--format", "mermaid", "-o", str(out)).stderr
    part = run(root, "graph", "--format", "mermaid", "--root", "n0", "--depth", "1")
    assert part.exit_code == 0 and part.stderr == ""
    # The 50,000-character limit: long titles, few edges.
    long = {f"memory/l{k}.md": f"# {'long title ' * 30}{k}\n\n[[l{k + 1}]]\n" for k in range(200)}
    res = run(write_vault(tmp_path / "w", long), "graph", "--format", "mermaid")
    assert "characters (Mermaid's maxTextSize is 50,000)" in res.stderr
    assert "edges" not in res.stderr.split("past")[0]


# --- GraphML, GEXF, Cytoscape: real readers --------------------------------------------------


def test_igraph_loads_the_graphml_export(tmp_path, run):
    import igraph

    root = write_vault(tmp_path / "v", CLIQUES)
    out = tmp_path / "g.graphml"
    assert run(root, "graph", "--format", "graphml", "-o", str(out)).exit_code == 0
    g = igraph.Graph.Read_GraphML(str(out))
    data = _json_graph(run, root)
    assert g.is_directed()
    assert g.vcount() == len(data["nodes"]) and g.ecount() == len(data["edges"])
    assert sorted(g.vs["id"]) == sorted(n["id"] for n in data["nodes"])
    assert sorted(g.es["kind"]) == sorted(e["kind"] for e in data["edges"])
    by_id = {v["id"]: v for v in g.vs}
    assert by_id["memory/alpha/alpha-0.md"]["color"] == "#4e79a7"
    assert by_id["nowhere"]["missing"] is True


@pytest.fixture(scope="session")
def graphology(tmp_path_factory):
    """graphology and its GraphML reader from npm (the library under sigma.js and Gephi
    Lite), installed once into a scratch folder. Tests using it are marked `network`: without
    node, npm or the registry they fail saying so (`make test-offline` leaves them out)."""
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        pytest.fail(
            "this test needs node and npm (to install graphology from the npm registry); "
            'install them, or leave network tests out: make test-offline (-m "not network")'
        )
    where = tmp_path_factory.mktemp("graphology")
    proc = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(where),
         "graphology@0.26.0", "graphology-graphml@0.5.2"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if proc.returncode != 0:
        said = (proc.stderr or proc.stdout).strip()[:300] or f"exit code {proc.returncode}"
        pytest.fail(
            f"npm could not install graphology (is the npm registry reachable?): {said}; "
            'offline, run make test-offline (-m "not network")'
        )
    script = where / "load.js"
    script.write_text(
        """
const fs = require("fs");
const { MultiDirectedGraph } = require("graphology");
const graphml = require("graphology-graphml");
const g = graphml.parse(MultiDirectedGraph, fs.readFileSync(process.argv[2], "utf8"));
const kinds = {};
g.forEachEdge((e, a) => { kinds[a.kind] = (kinds[a.kind] || 0) + 1; });
const node = process.argv[3];
console.log(JSON.stringify({order: g.order, size: g.size, kinds,
  attrs: g.hasNode(node) ? g.getNodeAttributes(node) : null}));
""",
        encoding="utf-8",
    )
    return script


@pytest.mark.slow
@pytest.mark.network
@pytest.mark.parametrize("which", ["cliques", "dendron"])
def test_graphology_loads_the_graphml_export(tmp_path, run, graphology, which):
    from conftest import CORPORA

    if which == "dendron":
        root = tmp_path / "dendron"
        shutil.copytree(CORPORA / "dendron-site", root)
        node = "dendron.topic.links.md"
    else:
        root = write_vault(tmp_path / "v", CLIQUES)
        node = "memory/alpha/alpha-0.md"
    out = tmp_path / "g.graphml"
    assert run(root, "graph", "--format", "graphml", "-o", str(out)).exit_code == 0
    proc = subprocess.run(
        ["node", str(graphology), str(out), node], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    data = _json_graph(run, root)
    assert got["order"] == len(data["nodes"]) and got["size"] == len(data["edges"])
    kinds: dict[str, int] = {}
    for e in data["edges"]:
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    assert got["kinds"] == kinds
    expected = next(n for n in data["nodes"] if n["id"] == node)
    assert got["attrs"]["label"] == expected["title"]
    assert got["attrs"]["missing"] is False and got["attrs"]["degree"] == expected["degree"]


def test_cytoscape_export_reads_back_with_unique_edge_ids(tmp_path, run):
    import networkx as nx

    files = dict(CLIQUES)
    files["memory/e0.md"] = "# Named like an edge id\n\n[[alpha-1]]\n"  # node id "memory/e0.md"
    files["memory/alpha/alpha-2.md"] += "\n[[e1]]\n"  # a missing target named "e1"
    root = write_vault(tmp_path / "v", files)
    res = run(root, "graph", "--format", "cytoscape")
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    expected = _json_graph(run, root)
    assert data["data"]["version"] == 2 and data["data"]["color_by"] == expected["color_by"]
    assert data["directed"] is True and data["multigraph"] is True
    nodes = data["elements"]["nodes"]
    edges = data["elements"]["edges"]
    ids = [e["data"]["id"] for e in edges]
    assert len(ids) == len(set(ids)) == len(expected["edges"])
    assert not set(ids) & {n["data"]["id"] for n in nodes}  # one namespace in Cytoscape.js
    hub = next(n["data"] for n in nodes if n["data"]["id"] == "memory/alpha/alpha-0.md")
    assert hub["name"] == "Alpha & 0" and hub["color"] == "#4e79a7"
    g = nx.cytoscape_graph(data)
    assert {(s, t, d["kind"]) for s, t, d in g.edges(data=True)} == edge_set(expected)
    assert g.number_of_nodes() == len(expected["nodes"])


# --- JSON: version and schema --------------------------------------------------------------


def test_json_has_a_version_and_every_key_is_documented_in_the_readme(example, run):
    data = _json_graph(run, example)
    assert data["version"] == export.VERSION == 2
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    schema = readme.split("#### The JSON schema", 1)[1].split("\n### ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", schema, re.M))
    keys = set(data) | {k for n in data["nodes"] for k in n} | {k for e in data["edges"] for k in e}
    keys |= {k for g in data["groups"] for k in g}
    assert keys <= documented, sorted(keys - documented)


# --- HTML: --root opens the local graph -------------------------------------------------------


def test_html_with_root_holds_the_whole_graph_and_names_the_root(tmp_path, run):
    root = write_vault(tmp_path / "v", CLIQUES)
    res = run(root, "graph", "--format", "html", "--root", "beta-2", "--depth", "2")
    assert res.exit_code == 0, res.stderr
    m = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', res.stdout)
    data = json.loads(m.group(1))
    assert data["root"] == "memory/beta/beta-2.md" and data["depth"] == 2
    assert len(data["nodes"]) == len(_json_graph(run, root)["nodes"])
    for depth in ("0", "4"):
        res = run(root, "graph", "--format", "html", "--root", "beta-2", "--depth", depth)
        assert res.exit_code == 1 and "depth 1 to 3" in res.stderr and res.stderr.count("\n") == 1


def test_the_fast_json_encoding_is_json_dumps_to_the_byte():
    import math

    from vault.text import compact_json

    values = [
        {"id": 'a"\\é😀\n\x00\u2028\udcff', "x": [1, 2.5, None, True, -0.0, 1e300]},
        {"t": ("a", "b"), "d": {"k": {}}, "n": math.nan, "i": math.inf},
        "plain",
        3,
        None,
        [],
        {},
    ]
    for value in values:
        assert compact_json(value) == json.dumps(value, ensure_ascii=False)
