"""What a server keeps between calls, kept small (vault.serve.resident): an export kept as
UTF-8 that writes out the same bytes as its text, the graph and references of an older
catalog let go of once a newer one is loaded, and one object for equal resolutions and link
texts among the references decoded from the cache."""

from __future__ import annotations

import gc
import io
import os
import weakref

import pytest

from vault.catalog import load_catalog
from vault.graph.export import PIECE, Exported
from vault.references import references
from vault.serve.resident import Resident, give_back
from vault.vault import open_vault

DEEP = "memory/research/2026-02-14-exosomes-deep-dive.md"


def utf8_stream() -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)


def test_an_export_is_kept_as_utf8_in_pieces_and_gives_its_text_back():
    # One emoji makes a Python string 4 bytes a character; the kept UTF-8 is about 1 byte.
    text = ("x" * (PIECE - 1) + "🙂") + "é" * PIECE + "end\n"
    exported = Exported.of(text, 2, 1)
    assert exported.text == text
    assert len(exported.encoded) == 3
    assert sum(map(len, exported.encoded)) == len(text.encode("utf-8"))
    assert "".join(exported.pieces()) == text
    # Written to a UTF-8 stream, the pieces are its bytes as they are.
    pieces = list(exported.pieces(utf8_stream()))
    assert all(isinstance(p, bytes) for p in pieces) and b"".join(pieces) == text.encode()


@pytest.mark.parametrize(
    "text",
    ["a lone surrogate \udc80 passes through", "a colour \x1b[31mred\x1b[0m code"],
)
def test_an_export_that_click_would_write_otherwise_is_written_as_text(text):
    exported = Exported.of(text, 1, 0)
    assert exported.text == text
    assert list(exported.pieces(utf8_stream())) == [text]


def test_an_export_to_a_stream_in_another_encoding_is_written_as_text():
    exported = Exported.of("café", 1, 0)
    latin = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    assert list(exported.pieces(latin)) == ["café"]
    assert list(exported.pieces()) == ["café"]
    assert list(exported.pieces(utf8_stream())) == ["café".encode()]


def test_graph_json_is_the_same_served_and_alone(git_vault, run):
    """The CLI writes the kept pieces; the bytes are those of the export written alone."""
    from click.testing import CliRunner

    from vault.cli import cli
    from vault.cli.common import SERVED
    from vault.graph.export import GraphRequest, export_graph

    alone = run(git_vault, "graph", "--format", "json")
    catalog = load_catalog(open_vault(str(git_vault)))
    assert alone.stdout == export_graph(catalog, GraphRequest()).text
    r = Resident(str(git_vault), watch=False, notify=lambda message: None)
    token = SERVED.set(r)
    try:
        for _ in range(2):  # built, then kept
            got = CliRunner().invoke(cli, ["--vault", str(git_vault), "graph", "--format", "json"])
            assert got.exit_code == 0
            assert got.stdout_bytes == alone.stdout.encode("utf-8")
        assert r.walks == 2  # each answered from the resident (which walks, unwatched)
    finally:
        SERVED.reset(token)
        r.close()


@pytest.mark.skipif(not hasattr(os, "O_CLOEXEC"), reason="inotify is Linux's")
def test_what_was_built_on_an_older_catalog_is_let_go_of(vault_copy):
    r = Resident(str(vault_copy), notify=lambda message: None)
    try:
        old = r.refresh()
        graph, refs = r.graph(old), r.references(old)
        export = r.kept(old, "export", lambda: Exported.of("kept", 1, 0))
        assert r.graph(old) is graph and r.references(old) is refs  # built once
        gone = [weakref.ref(graph), weakref.ref(export), weakref.ref(old.records)]
        del graph, export, refs, old
        path = vault_copy / DEEP
        path.write_text(path.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
        new = r.refresh()
        gc.collect()
        # No call holds the older catalog: its records, graph and kept export are freed.
        assert [w() for w in gone] == [None, None, None]
        assert r.graph(new) is r.graph(new)
    finally:
        r.close()


def test_give_back_is_harmless():
    give_back()
    give_back()


def test_decoded_references_share_equal_resolutions_and_texts(tmp_path):
    """Read back from the cache, the references (and the Parents) to one note are one
    Resolution and one text (not a copy each); they are the same as resolved afresh."""
    notes = tmp_path / "vault" / "memory"
    notes.mkdir(parents=True)
    (notes / "hub.md").write_text("# Hub\n\nThe middle.\n", encoding="utf-8")
    for name in ("a", "b", "c"):
        body = f"# {name}\n\nParent: hub\n\nSee [[hub]], [[hub]] again and [[nowhere]].\n"
        (notes / f"{name}.md").write_text(body, encoding="utf-8")
    vault = open_vault(str(tmp_path / "vault"))
    fresh = references(load_catalog(vault))  # resolved, and stored in the cache
    catalog = load_catalog(vault)  # a new catalog: decoded from the cache
    decoded = references(catalog)
    assert decoded == fresh
    parents = [catalog.parents[f"memory/{name}.md"] for name in ("a", "b", "c")]
    assert parents[0].id == "memory/hub.md" and len(set(map(id, parents))) == 1
    for raw in ("hub", "nowhere"):
        refs = [ref for ref in decoded if ref.raw == raw and ref.kind == "link"]
        assert len(refs) == 6 if raw == "hub" else 3
        assert len({id(ref.resolution) for ref in refs}) == 1
        assert len({id(ref.raw) for ref in refs}) == 1
    assert {ref.resolution.id for ref in decoded} == {"memory/hub.md", None}


def test_the_graph_shares_one_attribute_dict_per_edge_kind(git_vault):
    """The kept graph holds one {"kind": ...} per kind; a part selected from it is a graph of
    its own, whose edges can be changed without changing the whole."""
    from vault.graph.build import build_graph
    from vault.graph.query import select

    g = build_graph(load_catalog(open_vault(str(git_vault))))
    data = {}
    for _, _, kind, attrs in g.edges(keys=True, data=True):
        assert attrs == {"kind": kind}
        data.setdefault(kind, set()).add(id(attrs))
    assert set(data) == {"parent", "link"} and all(len(ids) == 1 for ids in data.values())
    assert all(len(g.pred[v][u]) for u, v in g.edges())  # the same edges both ways
    assert "edge_attr_dict_factory" not in vars(g)  # networkx's own for anything added later
    part = select(g, kind="link")
    for u, v, k in part.edges(keys=True):
        part.edges[u, v, k]["kind"] = "changed"
    assert all(attrs == {"kind": k} for _, _, k, attrs in g.edges(keys=True, data=True))


def test_the_name_tables_hold_a_note_s_path_once(vault_copy):
    """A note's path (lower case, no .md) is a key of by_path and, as its longest suffix, of
    by_suffix: one string for both."""
    resolver = load_catalog(open_vault(str(vault_copy))).resolver
    by_path = {key: key for key in resolver.by_path}
    suffixes = [key for key in resolver.by_suffix if key in by_path]
    assert suffixes and all(by_path[key] is key for key in suffixes)
    assert resolver.by_suffix["research/2026-02-14-exosomes-deep-dive"] == [DEEP]


def test_memory_is_handed_back_at_the_next_call_after_a_big_build(vault_copy, monkeypatch):
    """After a call built the graph (or references, or a kept result), the next call begins
    by handing malloc's free memory back, once; calls that build nothing do not."""
    from vault.serve import resident as module

    r = Resident(str(vault_copy), watch=False, notify=lambda message: None)
    try:
        calls = []
        monkeypatch.setattr(module, "give_back", lambda: calls.append(1))
        r.refresh()
        r.refresh()
        assert calls == []
        r.graph(r.refresh())  # built: references, then the graph
        assert len(calls) == 2
        r.refresh()
        assert len(calls) == 3
        r.refresh()
        r.graph(r.catalog)  # the same catalog: built already
        assert len(calls) == 3
    finally:
        r.close()
