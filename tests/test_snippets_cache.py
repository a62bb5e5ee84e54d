"""What a resident process keeps between searches: notes' plain text (vault.search.snippets.
TextCache: the same snippets as read from the files, fresh after an edit, bounded) and its
threads' index searchers (vault.search.searchers); the resident alone keeps them."""

from __future__ import annotations

import os
import time

from search_helpers import make_vault

from vault.catalog import load_catalog
from vault.search import snippets
from vault.search.search import search
from vault.search.snippets import Snippets, TextCache
from vault.vault import open_vault

QUERIES = ["exosome", "skin", "cell study", "how do cells take up exosomes", "vesic*", "title:a"]


def _settle(root) -> None:
    """Date every note a minute back: files written just now are never kept."""
    past = time.time() - 60
    for path in (root / "memory").rglob("*.md"):
        os.utime(path, (past, past))


def _results(catalog, cache: TextCache | None, monkeypatch) -> list:
    monkeypatch.setattr(snippets, "_cache", cache)
    return [[(h.id, h.score, h.snippet, h.marks) for h in search(catalog, q)] for q in QUERIES]


def test_kept_texts_give_the_same_snippets(tmp_path, monkeypatch):
    make_vault(tmp_path, 60)
    _settle(tmp_path)
    catalog = load_catalog(open_vault(tmp_path))
    read = _results(catalog, None, monkeypatch)
    cache = TextCache()
    kept = _results(catalog, cache, monkeypatch)
    again = _results(catalog, cache, monkeypatch)  # now from memory
    assert any(hits for hits in read)
    assert len(cache) > 0
    assert kept == read and again == read


def _note(tmp_path, text: str):
    path = tmp_path / "n.md"
    path.write_text(text, encoding="utf-8")
    past = time.time() - 60
    os.utime(path, (past, past))
    return path


def test_an_edited_note_is_read_again(tmp_path):
    cache = TextCache()
    path = _note(tmp_path, "# N\n\nThe kilo word here.\n")
    assert cache.texts(path, "plain", "N", False) == ["The kilo word here."]
    st = path.stat()
    path.write_text("# N\n\nThe lima word here.\n", encoding="utf-8")  # the same size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000))
    assert cache.texts(path, "plain", "N", False) == ["The lima word here."]
    text, spans = Snippets({"lima"}).of(path, "plain", "en", "N")
    assert text[spans[0][0] : spans[0][1]] == "lima"


def test_a_note_written_just_now_is_not_kept(tmp_path):
    cache = TextCache()
    path = tmp_path / "n.md"
    path.write_text("Fresh words.\n", encoding="utf-8")
    assert cache.texts(path, "plain", "", False) == ["Fresh words."]
    assert len(cache) == 0


def test_the_cache_is_bounded_by_characters(tmp_path):
    cache = TextCache(max_chars=300)
    paths = []
    for i in range(10):
        (tmp_path / str(i)).mkdir()
        paths.append(_note(tmp_path / str(i), f"Note {i} " + "word " * 20))
    for path in paths:
        cache.texts(path, "plain", "", False)
    assert 0 < len(cache) < len(paths)
    assert cache.chars <= 300
    cache.texts(paths[-1], "plain", "", False)  # the newest is still there...
    assert (str(paths[-1]), "plain", "", False) in cache._items
    assert (str(paths[0]), "plain", "", False) not in cache._items  # ...the oldest went first
    huge = _note(tmp_path, "x" * 1000)
    assert cache.texts(huge, "plain", "", False) == ["x" * 1000]
    assert (str(huge), "plain", "", False) not in cache._items
    assert (str(paths[-1]), "plain", "", False) in cache._items  # not flushed out by it
    assert cache.chars <= 300


def test_only_a_resident_process_keeps_texts(tmp_path, monkeypatch):
    from vault.search import searchers as index
    from vault.search import vectors

    monkeypatch.setattr(snippets, "_cache", None)
    monkeypatch.setattr(index, "_keeping", False)
    monkeypatch.setattr(vectors, "_keeping", False)
    make_vault(tmp_path, 5)
    catalog = load_catalog(open_vault(tmp_path))
    search(catalog, "the")
    assert snippets._cache is None and not index._keeping  # a CLI process
    assert not vectors._keeping
    from vault.serve.resident import Resident

    resident = Resident(str(tmp_path), watch=False, notify=lambda message: None)
    try:
        assert isinstance(snippets._cache, TextCache)
        assert index._keeping and vectors._keeping
    finally:
        resident.close()


def test_a_kept_searcher_is_reused_until_the_index_changes(tmp_path, monkeypatch):
    import threading

    from vault.search import searchers as index

    make_vault(tmp_path, 30)
    catalog = load_catalog(open_vault(tmp_path))
    fresh = [[(h.id, h.score, h.snippet) for h in search(catalog, q)] for q in QUERIES]
    monkeypatch.setattr(index, "_kept", threading.local())
    monkeypatch.setattr(index, "_keeping", True)
    kept = [[(h.id, h.score, h.snippet) for h in search(catalog, q)] for q in QUERIES]
    assert kept == fresh
    (folder,) = index._kept.searchers
    first = index._kept.searchers[folder][1]
    search(catalog, "exosome")
    assert index._kept.searchers[folder][1] is first  # the index is unchanged
    note = next((tmp_path / "memory").rglob("*.md"))
    note.write_text(note.read_text(encoding="utf-8") + "\nA zanzibarian word.\n", "utf-8")
    catalog = load_catalog(open_vault(tmp_path))
    assert [h.id for h in search(catalog, "zanzibarian")] == [catalog.vault.note_id(note)]
    assert index._kept.searchers[folder][1] is not first  # the index changed: opened again
    assert first.is_closed


def test_a_searcher_sums_each_field_s_length_over_its_segments_once(tmp_path, monkeypatch):
    """BM25F asks for a field's total length for each term in each segment; a searcher sums
    it over the segments once, and scores as Whoosh's own does, as segments are added under
    a kept searcher (reopened with the readers it had)."""
    import threading

    from whoosh.reading import MultiReader

    from vault.search import merging
    from vault.search import searchers as index

    make_vault(tmp_path, 30)
    notes = sorted((tmp_path / "memory").rglob("*.md"))
    search(load_catalog(open_vault(tmp_path)), "exosome")  # built: one segment
    monkeypatch.setattr(index, "_kept", threading.local())
    real = MultiReader.field_length
    summed = []

    def counted(self, fieldname):
        summed.append(fieldname)
        return real(self, fieldname)

    merging.merge_later(lambda vault: None)  # and one more per update: the sum is over them
    try:
        for n, note in enumerate(notes[:3]):
            note.write_text(note.read_text(encoding="utf-8") + f"\nExosome cell {n}.\n", "utf-8")
            catalog = load_catalog(open_vault(tmp_path))
            with monkeypatch.context() as whoosh_s:  # Whoosh's own sums, each time
                whoosh_s.setattr(index, "_summed_once", lambda searcher: searcher)
                whoosh_s.setattr(index, "_keeping", False)  # (a server test may leave it on)
                plain = [[(h.id, h.score) for h in search(catalog, q)] for q in QUERIES]
            with monkeypatch.context() as kept:
                kept.setattr(index, "_keeping", True)
                kept.setattr(MultiReader, "field_length", counted)
                summed.clear()
                once = [[(h.id, h.score) for h in search(catalog, q)] for q in QUERIES]
            assert once == plain and any(once)
            assert summed and len(summed) == len(set(summed))  # once per field
    finally:
        merging.merge_later(None)
    assert len(index._open(next(iter(index._kept.searchers)))._segments()) == 4
