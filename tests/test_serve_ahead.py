"""A server reads what changed as it changes (vault.serve.ahead): the catalog and the search
index are up to date before the next call asks, what it cannot do well is left to that call,
and the problems of every note changed since the last command are told by the next one."""

from __future__ import annotations

import os
import time

import pytest

from vault.search.index import index_dir
from vault.search.search import search
from vault.serve.resident import Resident

pytestmark = pytest.mark.skipif(not hasattr(os, "O_CLOEXEC"), reason="inotify is Linux's")

DEEP = "memory/research/2026-02-14-exosomes-deep-dive.md"
POST = "memory/posts/2026-01-11-exosomes-in-k-beauty.md"
WAIT = 30.0  # seconds a round may take on a loaded machine (it takes milliseconds)


@pytest.fixture
def resident(git_vault):
    told: list[str] = []
    r = Resident(str(git_vault), notify=told.append)
    r.told = told
    assert r.watcher is not None and r.ahead is not None
    yield r
    r.close()


def rounds_after(r: Resident, before: int) -> int:
    """Wait for the look ahead's next round (no sleeping guess: it counts its rounds)."""
    deadline = time.monotonic() + WAIT
    while r.ahead.rounds == before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert r.ahead.rounds > before, "the look ahead never read the change"
    return r.ahead.rounds


def index_is_fresh(catalog) -> bool:
    """Whether the vault's index on disk holds `catalog`'s notes as they are (no update)."""
    from vault.derived import freshness
    from vault.search.index import SCHEMA_VERSION
    from vault.search.manifest import Manifest

    stored = Manifest.open(index_dir(catalog), SCHEMA_VERSION)
    with stored:
        return freshness.is_fresh(catalog, stored)


def write(path, text: str) -> None:
    """As vault and most editors write a note: a hidden temporary file renamed over it, so
    the watcher sees the note change once, whole (an in-place write is a few events, and a
    loaded machine may let the look ahead read between them; the next call reads again)."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def edit(root, note_id: str, text: str) -> None:
    path = root / note_id
    write(path, path.read_text(encoding="utf-8") + f"\n{text}\n")


def test_an_edit_is_in_the_catalog_and_the_index_before_the_next_call(resident, git_vault):
    old = resident.refresh()
    search(old, "exosome")  # the index exists and is up to date
    before, walks = resident.ahead.rounds, resident.walks
    edit(git_vault, DEEP, "A quokkafrond appears.")
    rounds_after(resident, before)
    # The call finds the note read and the index written: the thread did both.
    catalog = resident.refresh()
    assert catalog is not old and catalog.changes.updated == [DEEP]
    assert resident.walks == walks  # one note read again, never a walk
    assert index_is_fresh(catalog) and not index_is_fresh(old)
    assert [h.id for h in search(catalog, "quokkafrond")] == [DEEP]
    assert resident.told == []


def test_no_index_is_built_ahead_and_a_damaged_one_is_left_for_the_search_to_tell(
    resident, git_vault
):
    resident.refresh()
    folder = index_dir(resident.catalog)
    before = resident.ahead.rounds
    edit(git_vault, DEEP, "First edit.")
    before = rounds_after(resident, before)
    assert not folder.exists()  # building one is a search's job (or `vault index`'s)

    search(resident.refresh(), "exosome")
    for path in folder.iterdir():
        if path.is_file() and path.suffix in (".seg", ".trm", ".pst"):
            path.write_bytes(os.urandom(300))
    edit(git_vault, DEEP, "A second quokkafrond.")
    rounds_after(resident, before)
    told: list[str] = []
    hits = search(resident.refresh(), "quokkafrond", notify=told.append)
    assert [h.id for h in hits] == [DEEP]
    assert any("rebuilding the search index" in line for line in told), told


def test_every_change_since_the_last_command_is_told_by_the_next(resident, git_vault):
    """Two notes broken at two moments, each read ahead on its own: the next command tells
    both (as one run alone would), the one after it neither."""
    resident.catalog_for_command()  # nothing left to tell from the first load

    def break_it(note_id: str) -> None:
        path = git_vault / note_id
        write(path, "---\ntitle: [unclosed\n---\n" + path.read_text(encoding="utf-8"))

    before = resident.ahead.rounds
    break_it(POST)
    before = rounds_after(resident, before)
    resident.refresh()  # an MCP call between them tells nothing
    break_it(DEEP)
    rounds_after(resident, before)
    told = resident.catalog_for_command().changes
    assert told.updated == sorted([POST, DEEP]) and not told.added and not told.removed
    assert not resident.catalog_for_command().changes


def test_close_stops_the_thread(git_vault):
    r = Resident(str(git_vault), notify=lambda message: None)
    thread = r.ahead._thread
    assert thread.is_alive()
    r.close()
    assert not thread.is_alive()
    r.ahead.close()  # again: nothing to do, no error


def test_without_a_watcher_there_is_no_look_ahead(git_vault):
    r = Resident(str(git_vault), watch=False, notify=lambda message: None)
    try:
        assert r.ahead is None
    finally:
        r.close()
