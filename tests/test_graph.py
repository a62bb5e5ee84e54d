"""The link graph: which references become edges, subgraphs, stats, and real vaults."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from conftest import CORPORA
from graph_helpers import edge_set, pinned_example, write_vault

from vault.catalog import load_catalog
from vault.graph.build import build_graph
from vault.graph.query import components, select
from vault.graph.stats import pagerank, stats
from vault.vault import open_vault

HUB = "memory/hub.md"
A, B, C = "memory/notes/a.md", "memory/notes/b.md", "memory/notes/c.md"
D, E, F, G = "memory/notes/d.md", "memory/notes/e.md", "memory/notes/f.md", "memory/notes/g.md"
H, K = "memory/notes/h.md", "memory/notes/k.md"
X, Y, Z = "memory/cycle/x.md", "memory/cycle/y.md", "memory/cycle/z.md"
SAME1, SAME2 = "memory/one/same.md", "memory/two/same.md"

HUB_TEXT = """---
title: Hub
date: 2026-01-01
type: Hub
tags: [alpha, beta]
---
Relative: [a](notes/a.md) and again [a twice](notes/a.md).
Root-relative: [b](memory/notes/b.md). Notes-folder-relative: [k](notes/k).
Site-rooted: [c](/notes/c) and an anchor on it [c at part](/notes/c#part).
Wikilinks: [[d]], [[e|Alias for E]], [[f#Heading]], an embed ![[g]], again [[d]].
Images are not edges: ![pic](pic.png) ![[diagram.png]] [scan](scan.pdf).
External and anchors are not edges: [web](https://example.com/notes/a.md) [top](#top)
<mailto:x@example.com> [mail](mailto:x@example.com) [proto](//cdn.example.com/x).
Missing: [[nowhere]] and [gone](notes/gone.md).
Self: [me](hub.md) [[hub]].
Ambiguous: [[same]].
Code is not a link: `[[d-in-code]]`

```
[[in-fence]] [x](notes/in-fence.md)
```

[ref]: notes/h.md "A reference definition"
"""


def note(title: str, *headers: str, body: str = "") -> str:
    lines = [f"# {title}", "", *headers]
    return "\n".join(lines) + "\n\n" + (body or "Text.") + "\n"


FILES = {
    HUB: HUB_TEXT,
    A: note("A", "Date: 2026-01-02", "Parent: memory/hub.md", body="Back to [hub](../hub.md)."),
    B: note("B", "Date: 2026-01-03", "Parent: [[hub]]"),
    C: note("C", "Date: 2026-01-04", "Parent: ../hub.md", body="Up: [x](/hub)"),
    D: note("D", "Date: 2026-01-05", "Type: Leaf", body="Root-relative: [hub](memory/hub.md)"),
    E: note("E", "Date: 2026-01-06", "Type: Leaf"),
    F: note("F", "Date: 2026-01-07", "Type: leaf"),
    G: note("G", "Date: 2026-01-08"),
    H: note("H", "Date: 2026-01-09", "Parent: nowhere-at-all"),
    K: note("K", "Date: 2026-01-10"),
    X: note("X", "Date: 2026-01-11", "Parent: y"),
    Y: note("Y", "Date: 2026-01-12", "Parent: [[x]]"),
    Z: note("Z", "Date: 2026-01-13", "Parent: z"),
    SAME1: note("Same one", "Date: 2026-01-14"),
    SAME2: note("Same two", "Date: 2026-01-15"),
}

EXPECTED = {
    (HUB, A, "link"),
    (HUB, B, "link"),
    (HUB, K, "link"),
    (HUB, C, "link"),
    (HUB, D, "link"),
    (HUB, E, "link"),
    (HUB, F, "link"),
    (HUB, G, "link"),
    (HUB, H, "link"),
    (HUB, "nowhere", "link"),
    (HUB, "notes/gone.md", "link"),
    (A, HUB, "parent"),
    (A, HUB, "link"),
    (B, HUB, "parent"),
    (C, HUB, "parent"),
    (C, HUB, "link"),
    (D, HUB, "link"),
    (H, "nowhere-at-all", "parent"),
    (X, Y, "parent"),
    (Y, X, "parent"),
}


@pytest.fixture
def known(tmp_path):
    return write_vault(tmp_path / "v", FILES)


def graph_of(root):
    return build_graph(load_catalog(open_vault(root)))


def test_every_link_syntax_gives_exactly_the_known_edges(known, run):
    res = run(known, "graph")
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["directed"] is True
    assert edge_set(data) == EXPECTED
    # One edge object per (source, target, kind), in sorted order.
    keys = [(e["source"], e["target"], e["kind"]) for e in data["edges"]]
    assert keys == sorted(set(keys))


def test_nodes_are_every_note_plus_missing_targets(known, run):
    data = json.loads(run(known, "graph").stdout)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert set(nodes) == set(FILES) | {"nowhere", "notes/gone.md", "nowhere-at-all"}
    assert [n["id"] for n in data["nodes"]] == sorted(nodes)
    v1 = ("id", "title", "date", "type", "tags", "missing")
    assert {k: nodes[HUB][k] for k in v1} == {
        "id": HUB,
        "title": "Hub",
        "date": "2026-01-01",
        "type": "Hub",
        "tags": ["alpha", "beta"],
        "missing": False,
    }
    assert nodes["nowhere"] == {
        "id": "nowhere",
        "title": "nowhere",
        "date": None,
        "type": None,
        "tags": [],
        "missing": True,
        "folder": "",
        "group": None,
        "community": None,
        "degree": 1,
        "pagerank": None,
        "label_rank": len(nodes) - 1,  # after every note; "notes/gone.md" first by id
    }
    assert {i for i, n in nodes.items() if n["missing"]} == {
        "nowhere",
        "notes/gone.md",
        "nowhere-at-all",
    }


def test_dendron_label_first_wikilinks_and_cross_folder_stems(tmp_path):
    root = write_vault(
        tmp_path / "v",
        {
            "dendron.yml": "version: 5\n",  # label first only in a Dendron vault
            "memory/a.md": "# A\n\n[[The B note|b]] [[c]] [[sub/d]] [[memory/sub/d]]\n",
            "memory/b.md": "# B\n",
            "memory/deep/c.md": "# C\n",
            "memory/sub/d.md": "# D\n",
        },
    )
    assert set(graph_of(root).edges()) == {
        ("memory/a.md", "memory/b.md"),
        ("memory/a.md", "memory/deep/c.md"),
        ("memory/a.md", "memory/sub/d.md"),
    }


def test_a_dangling_parent_is_a_parent_edge_to_a_missing_node(tmp_path):
    root = write_vault(tmp_path / "v", {"memory/a.md": "# A\n\nParent: memory/b.md\n"})
    graph = graph_of(root)
    assert graph.nodes["memory/b.md"]["missing"]
    assert list(graph.edges(keys=True)) == [("memory/a.md", "memory/b.md", "parent")]


def test_unchanged_notes_come_from_the_cache(known):
    vault = open_vault(known)
    first = build_graph(load_catalog(vault))
    catalog = load_catalog(vault)
    assert not catalog.changes
    assert list(build_graph(catalog).edges(keys=True)) == list(first.edges(keys=True))
    (known / D).write_text(note("D", "Date: 2026-01-05", "Type: Leaf"), encoding="utf-8")
    catalog = load_catalog(vault)
    assert catalog.changes.updated == [D]
    assert (D, HUB, "link") in first.edges(keys=True)
    assert (D, HUB, "link") not in build_graph(catalog).edges(keys=True)


# --- subgraphs -------------------------------------------------------------------------------


def test_kind_filter_drops_missing_targets_left_without_edges(known, run):
    data = json.loads(run(known, "graph", "--kind", "parent").stdout)
    assert edge_set(data) == {t for t in EXPECTED if t[2] == "parent"}
    ids = {n["id"] for n in data["nodes"]}
    assert "nowhere-at-all" in ids and "nowhere" not in ids and "notes/gone.md" not in ids
    assert set(FILES) <= ids
    links = json.loads(run(known, "graph", "--kind", "link").stdout)
    assert edge_set(links) == {t for t in EXPECTED if t[2] == "link"}


def test_type_filter_keeps_notes_of_that_type_and_edges_between_them(known, run):
    data = json.loads(run(known, "graph", "--type", "LEAF").stdout)
    assert {n["id"] for n in data["nodes"]} == {D, E, F}
    assert data["edges"] == []


def test_root_and_depth_take_a_neighbourhood_in_both_directions(known, run):
    one = json.loads(run(known, "graph", "--root", "d").stdout)
    assert {n["id"] for n in one["nodes"]} == {D, HUB}
    assert edge_set(one) == {(HUB, D, "link"), (D, HUB, "link")}
    two = json.loads(run(known, "graph", "--root", "d", "--depth", "2").stdout)
    hub_side = {t for (s, t, _) in EXPECTED if s == HUB} | {s for (s, t, _) in EXPECTED if t == HUB}
    assert {n["id"] for n in two["nodes"]} == hub_side | {HUB}
    zero = json.loads(run(known, "graph", "--root", "memory/notes/d.md", "--depth", "0").stdout)
    assert [n["id"] for n in zero["nodes"]] == [D] and zero["edges"] == []


def test_root_errors_are_one_line(known, run):
    res = run(known, "graph", "--root", "no-such-note")
    assert res.exit_code == 1 and res.stderr.startswith("Error: no note matches 'no-such-note'")
    res = run(known, "graph", "--depth", "2")
    assert res.exit_code == 2 and "--depth needs --root" in res.stderr
    res = run(known, "graph", "--root", "same")
    assert res.exit_code == 1 and "matches 2 notes" in res.stderr
    res = run(known, "graph", "--root", "e", "--type", "hub")
    assert res.exit_code == 1 and "not in the graph" in res.stderr
    res = run(known, "graph", "--json", "--format", "dot")
    assert res.exit_code == 2 and "--json and --format dot disagree" in res.stderr
    res = run(known, "graph", "--stats", "--format", "graphml")
    assert res.exit_code == 2 and "--stats prints text" in res.stderr


def test_select_on_an_empty_vault(tmp_path):
    (tmp_path / "v" / "memory").mkdir(parents=True)
    graph = graph_of(tmp_path / "v")
    assert graph.number_of_nodes() == 0 and graph.number_of_edges() == 0
    assert select(graph, kind="link").number_of_nodes() == 0
    assert stats(graph).components == 0


# --- stats -----------------------------------------------------------------------------------


def test_stats_counts_roots_orphans_and_hubs(known, run):
    res = run(known, "graph", "--stats", "--json")
    assert res.exit_code == 0, res.stderr
    s = json.loads(res.stdout)
    assert s["notes"] == len(FILES) and s["missing"] == 3
    assert s["nodes"] == len(FILES) + 3 and s["edges"] == len(EXPECTED)
    assert s["edge_kinds"] == {"parent": 6, "link": 14}
    assert s["roots"] == [HUB]
    assert s["orphans"] == [Z, SAME1, SAME2]
    # The hub's 10 notes and 3 missing targets, then {x, y}, and singletons z, same1, same2.
    assert s["components"] == 5 and s["largest_component"] == 13
    assert s["top_degree"][0] == {"id": HUB, "title": "Hub", "missing": False, "degree": 17}
    # The x <-> y Parent cycle keeps its rank circulating, so it outranks the hub.
    ranks = s["top_pagerank"]
    assert [r["id"] for r in ranks[:3]] == [X, Y, HUB]
    assert [r["pagerank"] for r in ranks] == sorted((r["pagerank"] for r in ranks), reverse=True)
    text = run(known, "graph", "--stats")
    assert text.exit_code == 0
    assert "edges       20  (parent 6, link 14)" in text.stdout
    assert "Top hubs by PageRank:" in text.stdout


def test_stats_agree_with_networkx(tmp_path, run):
    """The --stats figures match networkx's own algorithms run on the exported JSON."""
    import networkx as nx
    from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

    shutil.copytree(CORPORA / "foam" / "docs", tmp_path / "foam")
    data = json.loads(run(tmp_path / "foam", "graph").stdout)
    g = nx.MultiDiGraph()
    g.add_nodes_from(n["id"] for n in data["nodes"])
    g.add_edges_from((e["source"], e["target"], e["kind"]) for e in data["edges"])
    s = json.loads(run(tmp_path / "foam", "graph", "--stats", "--json").stdout)
    assert s["components"] == nx.number_weakly_connected_components(g)
    assert s["largest_component"] == max(len(c) for c in nx.weakly_connected_components(g))
    degrees = dict(g.degree())
    assert [(h["id"], h["degree"]) for h in s["top_degree"]] == sorted(
        ((i, d) for i, d in degrees.items() if d), key=lambda p: (-p[1], p[0])
    )[:10]
    expected = _pagerank_python(nx.DiGraph(g))
    ours = pagerank(graph_of(tmp_path / "foam"))
    assert ours.keys() == expected.keys()
    assert max(abs(ours[k] - expected[k]) for k in ours) < 1e-6
    assert [len(c) for c in components(graph_of(tmp_path / "foam"))] == sorted(
        (len(c) for c in nx.weakly_connected_components(g)), reverse=True
    )


def test_stats_text_on_the_example_vault(tmp_path, run):
    root = pinned_example(tmp_path / "v")
    res = run(root, "graph", "--stats")
    assert res.exit_code == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[:6] == [
        "notes       4",
        "missing     1  (targets linked to that do not exist)",
        "edges       5  (parent 1, link 4)",
        "components  1  (largest: 5 nodes)",
        "roots       1  (notes with children and no Parent)",
        "orphans     0  (notes with no parent, links or backlinks)",
    ]


# --- real vaults -----------------------------------------------------------------------------


def test_foam_builds_and_most_wikilinks_resolve_to_edges(tmp_path, run):
    shutil.copytree(CORPORA / "foam" / "docs", tmp_path / "foam")
    res = run(tmp_path / "foam", "graph")
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert len([n for n in data["nodes"] if not n["missing"]]) >= 80
    edges = edge_set(data)
    catalog = load_catalog(open_vault(tmp_path / "foam"))
    wiki = resolved = 0
    for rec in catalog.records.values():
        for link in rec.links:
            if link.syntax != "wikilink":
                continue
            wiki += 1
            target = catalog.resolver.resolve_link(link, rec.id).id
            if target is not None and target != rec.id:
                resolved += 1
                assert (rec.id, target, "link") in edges
    # The corpus README counts 97.5% of foam's wikilinks as resolving.
    assert wiki > 100 and resolved / wiki >= 0.95


def test_dendron_builds_a_graph_and_stats_without_error(tmp_path, run):
    shutil.copytree(CORPORA / "dendron-site", tmp_path / "dendron")
    res = run(tmp_path / "dendron", "graph", "--stats", "--json")
    assert res.exit_code == 0, res.stderr
    s = json.loads(res.stdout)
    assert s["notes"] >= 1000 and s["edges"] > 1000 and s["missing"] > 0
    for fmt in ("graphml", "gexf", "dot", "mermaid"):
        res = run(tmp_path / "dendron", "graph", "--format", fmt)
        assert res.exit_code == 0, (fmt, res.stderr)


def test_a_neighbourhood_comes_out_in_id_order_on_every_run(known):
    """networkx iterates a small subgraph view in the order of a set, which changes with
    the interpreter's hash seed: the order must not."""
    import os
    import subprocess
    import sys

    outs = set()
    for seed in ("1", "2", "3", "4"):
        proc = subprocess.run(
            [sys.executable, "-m", "vault", "--vault", str(known), "graph", "--root", "d"],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=60,
        )
        assert proc.returncode == 0, proc.stderr
        data = json.loads(proc.stdout)
        assert [n["id"] for n in data["nodes"]] == [HUB, D]
        assert [(e["source"], e["target"]) for e in data["edges"]] == [(HUB, D), (D, HUB)]
        outs.add(proc.stdout)
    assert len(outs) == 1


# --- PageRank over notes, communities ----------------------------------------------------------


def test_pagerank_is_over_notes_so_a_missing_target_never_ranks(tmp_path, run):
    """Issue 10: on the example vault the missing /posts/pdrn-salmon-dna ranked first."""
    root = pinned_example(tmp_path / "v")
    s = json.loads(run(root, "graph", "--stats", "--json").stdout)
    ranks = s["top_pagerank"]
    assert ranks[0]["id"] == "memory/research/2026-02-14-skin-tech-trends.md"
    assert not any(r["missing"] for r in ranks) and len(ranks) == s["notes"]
    assert abs(sum(r["pagerank"] for r in ranks) - 1) < 1e-4
    # Degree still counts missing targets: one nobody wrote but many link to is worth seeing.
    assert any(h["missing"] for h in s["top_degree"])
    # The view's ranks agree: notes first, a missing target after every note.
    nodes = json.loads(run(root, "graph").stdout)["nodes"]
    by_rank = sorted(nodes, key=lambda n: n["label_rank"])
    assert by_rank[0]["id"] == ranks[0]["id"] and by_rank[-1]["missing"]
    assert [n["label_rank"] for n in by_rank] == list(range(1, len(nodes) + 1))
    assert all(n["pagerank"] is None for n in nodes if n["missing"])


def cliques(*names: str, size: int = 6, bridge: bool = True) -> dict[str, str]:
    """A vault of `size`-note cliques (one per name, in a flat folder), linked in a chain by
    one link between their first notes, plus an orphan."""
    files = {}
    for name in names:
        for k in range(size):
            others = " ".join(f"[[{name}-{j}]]" for j in range(size) if j != k)
            files[f"memory/{name}-{k}.md"] = f"# {name.title()} {k}\n\n{others}\n"
    if bridge:
        for a, b in zip(names, names[1:], strict=False):
            files[f"memory/{a}-0.md"] += f"\nSee [[{b}-0]].\n"
    files["memory/lonely.md"] = "# Lonely\n\nNo links.\n"
    return files


def test_stats_report_communities_with_sizes_and_names(tmp_path, run):
    root = write_vault(tmp_path / "v", cliques("alpha", "beta", "gamma"))
    res = run(root, "graph", "--stats", "--json")
    assert res.exit_code == 0, res.stderr
    found = json.loads(res.stdout)["communities"]
    assert [c["size"] for c in found] == [6, 6, 6]
    assert [c["community"] for c in found] == [0, 1, 2]
    # Named after its best-ranked note: the bridged first note of each clique.
    leaders = {c["leader"] for c in found}
    assert leaders == {"memory/alpha-0.md", "memory/beta-0.md", "memory/gamma-0.md"}
    assert {c["title"] for c in found} == {"Alpha 0", "Beta 0", "Gamma 0"}
    text = run(root, "graph", "--stats").stdout
    assert "communities 3  (notes linked more among themselves; largest: 6 notes)" in text
    assert "Largest communities (Louvain), each named after its best-ranked note:" in text
    assert "       6  Beta 0  memory/beta-0.md" in text


def test_communities_are_the_same_on_every_run_and_come_from_the_cache(tmp_path, run):
    import shutil

    from vault.derived import kept
    from vault.graph import analysis
    from vault.graph.export import COMMUNITIES_CACHE

    root = write_vault(tmp_path / "v", cliques("alpha", "beta", "gamma", "delta"))
    first = json.loads(run(root, "graph").stdout)
    cache = open_vault(root).state_dir / COMMUNITIES_CACHE
    assert cache.is_file()
    # Unchanged edges: read back, Louvain not run again.
    import networkx as nx

    def refuse(*args, **kwargs):
        raise AssertionError("Louvain ran again")

    saved = nx.community.louvain_communities
    nx.community.louvain_communities = refuse
    try:
        assert json.loads(run(root, "graph").stdout) == first
        cache.write_text("{not json", encoding="utf-8")  # damaged: found again
        shutil.rmtree(cache.parent / kept.FOLDER)  # the export kept whole, dropped too
        with pytest.raises(AssertionError, match="ran again"):
            run(root, "graph")
    finally:
        nx.community.louvain_communities = saved
    assert json.loads(run(root, "graph").stdout) == first
    communities = {n["id"]: n["community"] for n in first["nodes"]}
    assert len({communities[f"memory/beta-{k}.md"] for k in range(6)}) == 1
    assert communities["memory/lonely.md"] is None
    assert analysis.communities(graph_of(root)) == {
        n: c for n, c in communities.items() if c is not None
    }


# --- colour groups -----------------------------------------------------------------------------


def groups_of(run, root, *args) -> tuple[str, list[tuple[str, str, int]], dict]:
    data = json.loads(run(root, "graph", *args).stdout)
    return (
        data["color_by"],
        [(g["key"], g["label"], g["count"]) for g in data["groups"]],
        {n["id"]: n["group"] for n in data["nodes"]},
    )


def test_colour_by_type_when_most_notes_have_one(tmp_path, run):
    mode, groups, _ = groups_of(run, pinned_example(tmp_path / "v"))
    assert mode == "type"
    assert groups == [
        ("Research Hub", "Research Hub", 1),
        ("Skincare Science", "Skincare Science", 1),
        ("Technical Supplement", "Technical Supplement", 1),
        ("(none)", "untyped", 1),
    ]


def test_colour_by_folder_when_few_notes_have_a_type(known, run):
    mode, groups, group = groups_of(run, known)
    assert mode == "folder"  # 4 typed notes of 15
    assert groups == [
        ("notes", "notes", 9),
        ("cycle", "cycle", 3),
        ("one", "one", 1),
        ("two", "two", 1),
        ("(none)", "top level", 1),
    ]
    assert group[HUB] == "(none)" and group["nowhere"] is None


def test_a_flat_vault_without_types_is_coloured_by_community(tmp_path, run):
    root = write_vault(tmp_path / "v", cliques("alpha", "beta", "gamma"))
    mode, groups, group = groups_of(run, root)
    assert mode == "community"
    assert sorted(label for _, label, _ in groups) == [
        "Alpha 0 …",
        "Beta 0 …",
        "Gamma 0 …",
        "no links",
    ]
    assert [count for _, _, count in groups] == [6, 6, 6, 1]
    assert len({group[f"memory/gamma-{k}.md"] for k in range(6)}) == 1
    assert group["memory/lonely.md"] == "(none)"


def test_colour_by_tag_takes_each_notes_most_used_tag(tmp_path, run):
    files = {f"memory/n{k}.md": f"---\ntags: [common, t{k % 3}]\n---\nText.\n" for k in range(6)}
    files["memory/rare.md"] = "---\ntags: [rare, t0]\n---\nText.\n"
    files["memory/none.md"] = "# None\n"
    root = write_vault(tmp_path / "v", files)
    mode, groups, group = groups_of(run, root, "--color-by", "tag")
    assert mode == "tag"
    assert groups == [("common", "common", 6), ("t0", "t0", 1), ("(none)", "no tag", 1)]
    assert group["memory/rare.md"] == "t0" and group["memory/none.md"] == "(none)"


def test_past_eleven_groups_the_rest_share_one(tmp_path, run):
    files = {}
    for k in range(15):
        for j in range(k + 1):  # folder fk holds k+1 notes: a strict order of sizes
            files[f"memory/f{k:02d}/n{j}.md"] = f"# N{k}-{j}\n"
    root = write_vault(tmp_path / "v", files)
    mode, groups, group = groups_of(run, root)
    assert mode == "folder"
    keys = [key for key, _, _ in groups]
    assert keys == [f"f{k:02d}" for k in range(14, 3, -1)] + ["(other)"]
    assert groups[-1] == ("(other)", "other (4 more)", 1 + 2 + 3 + 4)
    assert group["memory/f00/n0.md"] == "(other)"
    data = json.loads(run(root, "graph").stdout)
    colors = [g["color"] for g in data["groups"]]
    assert len(set(colors[:-1])) == 11 and colors[-1] == "#a3a9b2"


def test_unknown_colour_mode_is_a_usage_error(known, run):
    res = run(known, "graph", "--color-by", "mood")
    assert res.exit_code == 2 and "mood" in res.stderr


# --- labels and note text --------------------------------------------------------------------


def test_labels_are_plain_text(tmp_path, run):
    root = write_vault(
        tmp_path / "v",
        {
            "memory/a.md": "# [[dataview|Dataview]] tips for **busy** people\n\nText.\n",
            "memory/b.md": "# See [the docs](https://example.com) now\n\nText.\n",
            "memory/d.md": "# snake_case and 2*3*4\n\nText.\n",
        },
    )
    nodes = json.loads(run(root, "graph").stdout)["nodes"]
    titles = {n["id"]: n["title"] for n in nodes if not n["missing"]}
    assert titles == {
        "memory/a.md": "Dataview tips for busy people",
        "memory/b.md": "See the docs now",
        "memory/d.md": "snake_case and 2*3*4",
    }


SNIPPET_NOTES = {
    # YAML front matter, a title heading, Markdown of every kind.
    "memory/yaml.md": "---\ntitle: Yaml note\ntags: [a]\n---\n\n# Yaml note\n\n"
    "Intro with [[target|an alias]], [[plain]], [a link](https://x.example) and **bold**,\n"
    "*italic*, `code [[not a link]]`, ~~gone~~ and an image ![pic](p.png) ![[embed.png]].\n"
    "<!-- a comment [[hidden]] --> %% an Obsidian comment %%\n\n"
    "- first item\n- [x] done item\n\n```\nfenced code\n```\n\n## Next section\n\nLater text.\n",
    # Header lines under the title.
    "memory/headers.md": "# Headers note\n\nDate: 2026-01-01\nType: Idea\n\n"
    "> [!tip] A callout\n> quoted line\n\nText after.\n",
    # Plain: the first line is the title (the file is named after it), so not the text; in a
    # file named otherwise, it is the text (the file name is the title).
    "memory/plain-title-line.md": "Plain title line\n\nThe body begins here.\n",
    "memory/plain.md": "Plain title line\n\nThe body begins here.\n",
    # Long: cut at a word boundary.
    "memory/long.md": "# Long\n\n" + " ".join(f"word{k}" for k in range(200)) + "\n",
    "memory/empty.md": "",
}


def test_snippets_are_the_notes_beginning_as_plain_text(tmp_path, run):
    root = write_vault(tmp_path / "v", SNIPPET_NOTES)
    nodes = {n["id"]: n for n in json.loads(run(root, "graph").stdout)["nodes"]}
    snippet = {i: n.get("snippet") for i, n in nodes.items()}
    assert snippet["memory/yaml.md"] == (
        "Intro with an alias, plain, a link and bold, italic, code [[not a link]], gone and "
        "an image pic .\n\n• first item\n• done item"  # an image is its alt text, an embed nothing
    )
    assert snippet["memory/headers.md"] == "A callout quoted line\n\nText after."
    assert snippet["memory/plain-title-line.md"] == "The body begins here."
    assert snippet["memory/plain.md"] == "Plain title line\n\nThe body begins here."
    long = snippet["memory/long.md"]
    assert long.endswith("…") and len(long) <= 301 and long.startswith("word0 word1 ")
    assert long[:-1].split()[-1].startswith("word") and " " not in long[-2:]
    assert snippet["memory/empty.md"] == ""
    assert "snippet" not in nodes["target"]  # the missing target has no text


def test_a_snippet_stops_at_the_next_section(tmp_path):
    from vault.graph.snippets import snippet_of

    body = "# T\n\n" + "A first paragraph that is long enough to stand on its own. " * 2
    body += "\n\n## Second\n\nNot shown.\n"
    assert (
        snippet_of(body) == ("A first paragraph that is long enough to stand on its own. " * 2)[:-1]
    )
    # A heading right at the start is kept: it is the section's name.
    assert snippet_of("## Intro\n\nShort.\n\n## More\n\nAlso.\n") == (
        "Intro\n\nShort.\n\nMore\n\nAlso."
    )


def test_snippets_read_only_the_beginning_of_a_note(tmp_path, run):
    from vault.graph import snippets

    big = "# Big\n\nThe start.\n\n" + ("filler " * 200 + "\n\n") * 2000  # ~2.8 MB
    long_yaml = "---\ntitle: Long front matter\nnotes: '" + "x" * 20_000 + "'\n---\nAfter it.\n"
    root = write_vault(tmp_path / "v", {"memory/big.md": big, "memory/fm.md": long_yaml})
    reads: list[int] = []
    real_open = open

    class Counting:
        def __init__(self, fh):
            self.fh = fh

        def read(self, n=-1):
            data = self.fh.read(n)
            reads.append(len(data))
            return data

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    snippets.open = lambda path, mode="r", *a, **k: Counting(real_open(path, mode, *a, **k))
    try:
        got = snippets.read_snippets(root, [("memory/big.md", "plain", "Big")])
        assert got["memory/big.md"].startswith("The start.\n\nfiller filler ")
        assert sum(reads) <= snippets.HEAD_BYTES
        # Front matter past the head: the rest is read, and the text after it found.
        assert snippets.read_snippets(root, [("memory/fm.md", "yaml", "")]) == {
            "memory/fm.md": "After it."
        }
    finally:
        del snippets.open


def test_dendron_vaults_show_the_label_of_label_first_wikilinks(tmp_path, run):
    files = {
        "notes/a.md": "---\ntitle: A\n---\nSee [[The B note|b]] and [[b]].\n",
        "notes/b.md": "---\ntitle: B\n---\nText.\n",
    }
    root = write_vault(tmp_path / "v", files)
    obsidian = {n["id"]: n.get("snippet") for n in json.loads(run(root, "graph").stdout)["nodes"]}
    assert obsidian["notes/a.md"] == "See b and b."
    (root / "dendron.yml").write_text("version: 5\n", encoding="utf-8")
    dendron = {n["id"]: n.get("snippet") for n in json.loads(run(root, "graph").stdout)["nodes"]}
    assert dendron["notes/a.md"] == "See The B note and b."


def test_snippets_kept_with_the_derived_data_follow_every_edit(run, tmp_path):
    """Snippets are kept between runs, each with its note's digest: an edited note's is made
    again (same size and time too), a removed note's goes, the others are read from the cache."""
    root = tmp_path / "v"
    (root / "memory").mkdir(parents=True)
    a, b = root / "memory" / "a.md", root / "memory" / "b.md"
    a.write_text("# A\n\nFirst words of A.\n", encoding="utf-8")
    b.write_text("# B\n\nFirst words of B, see [[a]].\n", encoding="utf-8")

    def snippets() -> dict[str, str]:
        res = run(root, "graph")
        assert res.exit_code == 0, res.stderr
        return {n["id"]: n.get("snippet") for n in json.loads(res.stdout)["nodes"]}

    assert snippets() == {
        "memory/a.md": "First words of A.",
        "memory/b.md": "First words of B, see a.",
    }
    stat = a.stat()
    a.write_text("# A\n\nOther words of A.\n", encoding="utf-8")  # the same size
    os.utime(a, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert snippets()["memory/a.md"] == "Other words of A."
    b.unlink()
    c = root / "memory" / "c.md"
    c.write_text("# C\n\nWords of C.\n", encoding="utf-8")
    assert snippets() == {"memory/a.md": "Other words of A.", "memory/c.md": "Words of C."}
