"""The graph's fast paths give, to the byte, what the plain ones they replaced gave: the
adjacency written into networkx's dicts (against add_edge), PageRank in numpy (against the
Python loop), the JSON lines written from templates (against json.dumps of each item), and
the key Louvain's answer is cached under (against one hash update per pair)."""

from __future__ import annotations

import hashlib
import json
import math

import networkx as nx
import pytest
from graph_helpers import write_vault

from vault.catalog import load_catalog
from vault.graph.analysis import (
    _COLUMNS,
    LOUVAIN_SEED,
    analyse,
    communities,
    edge_count,
    undirected_pagerank,
)
from vault.graph.build import build_graph
from vault.graph.json_formats import graph_dict, to_json
from vault.graph.prepare import View
from vault.vault import open_vault

HUB_LINKERS = _COLUMNS + 16  # past the notes whose shares numpy adds a column at a time


def _files() -> dict[str, str]:
    files = {
        "memory/hub.md": "---\ntitle: The hub\ntype: Hub\ntags: [a, b]\n---\n# The hub\n",
        "memory/alone.md": "---\ntitle: Alone\n---\nNo links at all.\n",
        "memory/odd.md": (
            '---\ntitle: \'Odd "}, {" title 😀\'\ntags: ["x\\"y", é]\n---\n'
            "Links to [[odd]] itself, [[nowhere]] and [[hub]] twice: [[hub]].\n"
        ),
    }
    for i in range(HUB_LINKERS):
        parent = f"Parent: [[n{i - 1}]]\n" if i % 3 else ""
        files[f"memory/n/n{i}.md"] = (
            f"---\ntitle: Note {i}\ndate: 2026-01-{1 + i % 28:02d}\n---\n{parent}"
            f"See [[hub]], [[n{(i * 7) % HUB_LINKERS}]] and [[gone {i % 5}]].\n"
        )
    return files


@pytest.fixture()
def catalog(tmp_path):
    root = write_vault(tmp_path / "v", _files())
    return load_catalog(open_vault(root))


def test_the_adjacency_written_directly_is_the_one_add_edge_builds(catalog):
    g = build_graph(catalog)
    plain = nx.MultiDiGraph()
    plain.add_nodes_from(g.nodes(data=True))
    for s, t, k in sorted(g.edges(keys=True)):
        plain.add_edge(s, t, key=k, kind=k)
    assert list(g.nodes(data=True)) == list(plain.nodes(data=True))
    assert list(g.edges(keys=True, data=True)) == list(plain.edges(keys=True, data=True))
    for n in g:  # successors and predecessors, in the order networkx keeps them
        assert list(g.succ[n].items()) == list(plain.succ[n].items()), n
        assert list(g.pred[n].items()) == list(plain.pred[n].items()), n
    assert g.number_of_edges() == edge_count(g) == plain.number_of_edges()
    assert dict(g.degree()) == dict(plain.degree())
    # One data dict per kind, shared by its edges; a copy gets dicts of its own.
    kinds = {k: [d for *_, kk, d in g.edges(keys=True, data=True) if kk == k] for k in ("link",)}
    assert len(kinds["link"]) > HUB_LINKERS and all(d is kinds["link"][0] for d in kinds["link"])
    copy = g.copy()
    copy.add_edge("hub.md", "alone.md", key="link", kind="link")
    assert not g.has_edge("hub.md", "alone.md") and g.number_of_edges() == edge_count(g)


def test_pagerank_in_numpy_is_the_python_loop_to_the_bit(catalog):
    g = build_graph(catalog)
    notes = [n for n, m in g.nodes(data="missing") if not m]
    hub_neighbours = set(g.pred["memory/hub.md"]) | set(g.succ["memory/hub.md"])
    assert len(hub_neighbours) > _COLUMNS  # summed by sum() on the numpy path
    assert any(g.degree(n) == 0 for n in notes)  # and a note without neighbours
    plain = undirected_pagerank(g, with_numpy=False)
    fast = undirected_pagerank(g, with_numpy=True)
    assert list(plain.items()) == list(fast.items())
    assert set(plain) == set(notes) and math.isclose(sum(plain.values()), 1.0)
    assert len(set(plain.values())) > 3  # ranks that differ: the sums were not all alike


def _json_items_as_dumps(g, view) -> str:
    """to_json's text as it was written before its templates: json.dumps of each item."""
    data = graph_dict(g, view)
    out = ["{\n"]
    for k, (key, v) in enumerate(data.items()):
        out.append(f',\n  "{key}": ' if k else f'  "{key}": ')
        if key not in ("groups", "nodes", "edges"):
            out.append(json.dumps(v, ensure_ascii=False))
        elif not v:
            out.append("[]")
        else:
            items = ",\n    ".join(json.dumps(i, ensure_ascii=False) for i in v)
            out.append(f"[\n    {items}\n  ]")
    return "".join(out) + "\n}\n"


def test_json_lines_from_templates_are_json_dumps_of_each_item(catalog):
    g = build_graph(catalog)
    facts = analyse(g, with_communities=True)
    snippets = {n: f'snippet of {n} "quoted" \u2028 😀' for n in g if n.startswith("memory/n")}
    view = View(facts, vault_key="v-1", snippets=snippets)
    assert to_json(g, view) == _json_items_as_dumps(g, view)
    assert json.loads(to_json(g, view)) == graph_dict(g, view)
    # Values of kinds no node holds today are written by json itself: NaN, infinity,
    # true for a number, a tag that is not a string, a count that is not an int.
    odd = g.copy()
    odd.nodes["memory/odd.md"]["date"] = 20260101
    odd.nodes["memory/alone.md"]["tags"] = ("t", 1)
    odd.nodes["memory/hub.md"]["title"] = None
    facts.pagerank["memory/n/n1.md"] = math.nan
    facts.pagerank["memory/n/n2.md"] = 3
    facts.pagerank["memory/n/n5.md"] = -math.inf
    facts.label_rank["memory/n/n6.md"] = False
    facts.degree["memory/n/n3.md"] = 2.5
    facts.community["memory/n/n4.md"] = True
    view = View(facts, vault_key="v-1", snippets=snippets, root="memory/hub.md", depth=1)
    assert to_json(odd, view) == _json_items_as_dumps(odd, view)
    empty = nx.MultiDiGraph()
    view = View(analyse(empty), snippets={})
    assert to_json(empty, view) == _json_items_as_dumps(empty, view)


def test_the_louvain_cache_key_is_one_hash_update_per_sorted_pair(catalog, tmp_path):
    g = build_graph(catalog)
    cache = tmp_path / "communities.json"
    found = communities(g, cache=cache)
    pairs = sorted({(s, t) if s < t else (t, s) for s, t in g.edges() if s != t})
    key = hashlib.blake2b(digest_size=16)
    key.update(f"{LOUVAIN_SEED} {nx.__version__}\n".encode())
    for s, t in pairs:
        key.update(f"{s}\0{t}\n".encode("utf-8", "surrogatepass"))
    stored = json.loads(cache.read_text(encoding="utf-8"))
    assert stored["key"] == key.hexdigest()  # a cache written before is still read back
    assert found == communities(g, cache=cache)
    assert set(found) == {n for pair in pairs for n in pair}
