"""The search index in a resident process (vault serve): an update right after an edit writes
one small segment and does not merge; a thread merges the small segments later; each
thread's kept searcher opens only the segments that are new, with the deletions the others
have now. Searches find the same notes throughout, each once. And a write of the server's
own is read back through its watcher, without a walk of the whole vault."""

from __future__ import annotations

import shutil
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from search_helpers import make_vault

from vault.catalog import load_catalog
from vault.search import merging, searchers
from vault.search.index import index_dir, open_index
from vault.search.merging import merge_small_segments
from vault.search.search import search
from vault.vault import open_vault


@pytest.fixture
def kept(monkeypatch):
    """Searchers kept per thread, as in a resident process (and forgotten afterwards)."""
    monkeypatch.setattr(searchers, "_kept", threading.local())
    monkeypatch.setattr(searchers, "_keeping", True)


def found(root: Path, query: str) -> list[str]:
    return [hit.id for hit in search(load_catalog(open_vault(root)), query, limit=1000)]


def edit(note: Path, text: str) -> None:
    note.write_text(note.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")


def segments(root: Path) -> list:
    return open_index(index_dir(load_catalog(open_vault(root))))._segments()


def frequency(root: Path, word: str) -> float:
    with open_index(index_dir(load_catalog(open_vault(root)))).searcher() as searcher:
        return searcher.reader().frequency("words", word)


def test_a_kept_searcher_keeps_its_readers_and_sees_new_deletions(tmp_path, kept):
    make_vault(tmp_path, 30)
    notes = sorted((tmp_path / "memory").rglob("*.md"))
    edit(notes[0], "A quokkaland word.")
    assert found(tmp_path, "quokkaland") == [open_vault(tmp_path).note_id(notes[0])]
    (folder,) = searchers._kept.searchers
    first = searchers._kept.searchers[folder][1]
    readers = {id(r) for r, _ in first.reader().leaf_readers()}
    # The note no longer has the word: its old document (in a segment the searcher has
    # open) is deleted, and the kept reader of that segment must know it.
    notes[0].write_text("# Plain\n\nNothing of the kind.\n", encoding="utf-8")
    assert found(tmp_path, "quokkaland") == []
    second = searchers._kept.searchers[folder][1]
    assert second is not first and first.is_closed
    assert readers & {id(r) for r, _ in second.reader().leaf_readers()}  # reused, not reopened
    assert found(tmp_path, "plain") == [open_vault(tmp_path).note_id(notes[0])]


def test_updates_leave_merging_to_later_and_the_merge_changes_no_answer(tmp_path, kept):
    make_vault(tmp_path, 30)
    found(tmp_path, "exosome")  # the index, built
    told = []
    merging.merge_later(told.append)
    try:
        notes = sorted((tmp_path / "memory").rglob("*.md"))[:10]
        for n, note in enumerate(notes):
            edit(note, f"Wallabyword number{n}.")
            assert len(found(tmp_path, "wallabyword")) == n + 1
        edit(notes[0], "Once more.")  # its document in the first small segment is deleted
        assert len(found(tmp_path, "wallabyword")) == 10
    finally:
        merging.merge_later(None)
    vault = open_vault(tmp_path)
    assert [v.root for v in told] == [vault.root] * 11
    before = segments(tmp_path)
    small = [s for s in before if s.doc_count_all() < 10]
    assert len(small) == 11  # one segment per update, none merged
    assert sum(s.deleted_count() for s in small) == 1  # notes[0]'s first document
    answers = {q: found(tmp_path, q) for q in ("wallabyword", "exosome", "skin", "number3")}
    assert merge_small_segments(vault) == 11
    after = segments(tmp_path)
    assert len(after) == len(before) - 10
    assert sum(s.deleted_count() for s in after) == sum(s.deleted_count() for s in before) - 1
    # The kept searcher opens the merged segment and drops the merged ones: no note twice.
    assert {q: found(tmp_path, q) for q in answers} == answers
    assert sorted(answers["wallabyword"]) == sorted(vault.note_id(n) for n in notes)
    assert merge_small_segments(vault) == 0  # one small segment left: nothing to merge


def test_the_server_merges_on_its_own_thread_once_updates_pause(tmp_path, kept, monkeypatch):
    from vault.serve import resident

    monkeypatch.setattr(resident, "MERGE_IDLE", 0.2)
    make_vault(tmp_path, 30)
    found(tmp_path, "exosome")
    served = resident.Resident(str(tmp_path), watch=False, notify=lambda message: None)
    try:
        notes = sorted((tmp_path / "memory").rglob("*.md"))[:8]
        for n, note in enumerate(notes):
            edit(note, f"Numbatword {n}.")
            assert len(search(served.refresh(), "numbatword", limit=100)) == n + 1
        deadline = time.monotonic() + 30
        while served._merger.merged < 8 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert served._merger.merged >= 8
        assert len(search(served.refresh(), "numbatword", limit=100)) == 8
    finally:
        served.close()
    assert merging._merge_later is None  # a command run alone merges on its update again


def test_known_words_are_counted_at_the_merge_and_new_ones_at_once(tmp_path, kept):
    make_vault(tmp_path, 30)
    found(tmp_path, "exosome")
    note = sorted((tmp_path / "memory").rglob("*.md"))[0]
    word = "exosome" if "exosome" in note.read_text(encoding="utf-8").lower() else "note"
    edit(note, "A note on exosome.")  # (once, so the word is in it)
    found(tmp_path, "exosome")
    counted = frequency(tmp_path, word)
    merging.merge_later(lambda vault: None)
    try:
        for n in range(3):
            edit(note, f"Dingo{'xyz'[n]}word again.")
            assert found(tmp_path, f"dingo{'xyz'[n]}word") == [open_vault(tmp_path).note_id(note)]
            # A word new to the vocabulary is counted at once (spelling suggestions)...
            assert frequency(tmp_path, f"dingo{'xyz'[n]}word") == 1
        assert frequency(tmp_path, word) == counted  # ...a known one at the merge
        assert merge_small_segments(open_vault(tmp_path)) == 0  # fewer than MAX_SEGMENTS
    finally:
        merging.merge_later(None)
    assert frequency(tmp_path, word) == counted + 3
    assert frequency(tmp_path, "dingoxword") == 3  # as if each update had counted it


def test_a_write_of_the_servers_own_is_read_back_without_a_walk(tmp_path):
    from vault.serve.resident import Resident

    make_vault(tmp_path, 30)
    served = Resident(str(tmp_path), notify=lambda message: None)
    try:
        if served.watcher is None:
            pytest.skip("no file watcher here")
        served.refresh()
        walks = served.walks
        note = sorted((tmp_path / "memory").rglob("*.md"))[0]
        note_id = open_vault(tmp_path).note_id(note)
        seen = {served.refresh().digests()[note_id]}
        for n in range(3):
            edit(note, f"Written by the server, {n}.")
            served.changed()  # as the write tools do
            seen.add(served.refresh().digests()[note_id])
            assert len(seen) == n + 2  # this write read back at once
        assert served.walks == walks
    finally:
        served.close()


def test_a_word_found_in_the_vocabulary_is_looked_up_again_after_a_rebuild(tmp_path, kept):
    """Updates remember the words the vocabulary has (merging.known): a rebuild, which no
    longer has a word no note keeps, makes them look again, so the word is counted at once."""
    make_vault(tmp_path, 30)
    note = sorted((tmp_path / "memory").rglob("*.md"))[0]
    text = note.read_text(encoding="utf-8")
    merging.merge_later(lambda vault: None)
    try:
        edit(note, "A wombatword here.")
        found(tmp_path, "wombatword")  # new to the vocabulary: counted at once
        edit(note, "The wombatword again.")
        found(tmp_path, "wombatword")  # found in the vocabulary now: left to the merge
        assert frequency(tmp_path, "wombatword") == 1
        note.write_text(text, encoding="utf-8")  # no note has the word any more
        found(tmp_path, "wombatword")
        shutil.rmtree(index_dir(load_catalog(open_vault(tmp_path))))
        assert found(tmp_path, "exosome") is not None  # rebuilt: the word is gone
        assert frequency(tmp_path, "wombatword") == 0
        edit(note, "A wombatword once more.")
        assert found(tmp_path, "wombatword") == [open_vault(tmp_path).note_id(note)]
        assert frequency(tmp_path, "wombatword") == 1  # new again: counted at once
    finally:
        merging.merge_later(None)


def test_a_stopping_server_does_not_wait_out_another_process_s_index_lock(tmp_path, monkeypatch):
    """SIGTERM must stop a server promptly: its merging thread, merging or writing the
    deferred vocabulary counts as it stops, waits a few seconds for an index lock another
    process holds (here: a `vault index` under VAULT_INDEX_TIMEOUT=600), not the index's
    timeout, and says what it could not write."""
    from vault.locks import file_lock
    from vault.serve.resident import Resident

    monkeypatch.setenv("VAULT_INDEX_TIMEOUT", "600")
    make_vault(tmp_path, 30)
    found(tmp_path, "exosome")  # the index is built
    said: list[str] = []
    served = Resident(str(tmp_path), watch=False, notify=said.append)
    # As an update that committed without merging and left a word's count to the merge.
    merging.defer(served.vault.state_dir / "index", Counter({"exosome": 1}))
    with file_lock(open_vault(tmp_path).locks_dir / "index.lock", timeout=5):
        served._merger.told(served.vault)
        time.sleep(1.5)  # past MERGE_IDLE: the thread is waiting for the lock
        closing = threading.Thread(target=served.close)
        closing.start()
        closing.join(120)  # a hang, not a speed: the fixed wait is a few seconds
        stuck = closing.is_alive()
    closing.join()
    assert not stuck
    assert any("small segments" in m for m in said)
    assert any("deferred counts" in m for m in said)
    merging.take_deferred(served.vault.state_dir / "index")  # not left to the next test


def test_a_server_merges_the_small_segments_it_finds_at_its_start(tmp_path, kept, monkeypatch):
    """Small segments left by commands run alone (or by a server stopped before it merged)
    are merged a little after a server starts, with no update to set it off, one size class
    after the other (MERGE_LEAST of a class at a time); searches answer the same."""
    from vault.serve import resident

    monkeypatch.setattr(resident, "MERGE_IDLE", 0.2)
    make_vault(tmp_path, 30)
    found(tmp_path, "exosome")
    notes = sorted((tmp_path / "memory").rglob("*.md"))
    merging.merge_later(lambda vault: None)  # as a stopped server's updates left them
    try:
        for n in range(2):  # two segments of 10 notes
            for note in notes[10 * n : 10 * n + 10]:
                edit(note, f"Bilbyword {n}.")
            found(tmp_path, "bilbyword")
        for note in notes[20:30]:  # ten of one note
            edit(note, "Potoroo.")
            found(tmp_path, "potoroo")
    finally:
        merging.merge_later(None)
    # The build's one segment (30 notes: "small" too) and the two of 10 notes, of the
    # size class 10-99 (three: fewer than MERGE_LEAST); ten of one note (the first with
    # the vocabulary's document of the new word).
    assert sorted(map(merging._level, small_segments(tmp_path))) == [1] * 10 + [2] * 3
    answers = {q: sorted(found(tmp_path, q)) for q in ("bilbyword", "potoroo", "exosome", "skin")}
    served = resident.Resident(str(tmp_path), watch=False, notify=lambda message: None)
    try:
        deadline = time.monotonic() + 60
        while served._merger.merged < 14 and time.monotonic() < deadline:
            time.sleep(0.05)
        # The ten into one of 10 notes, then the four of 10-99 into one.
        assert served._merger.merged == 14
        assert {q: sorted(found(tmp_path, q)) for q in answers} == answers
    finally:
        served.close()
    assert len(small_segments(tmp_path)) == 1


def small_segments(root: Path) -> list:
    return merging.small(open_index(index_dir(load_catalog(open_vault(root)))))
