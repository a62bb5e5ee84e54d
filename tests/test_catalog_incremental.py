"""A resident catalog brought up to date from the folders its watcher saw change
(vault.catalog.update_catalog, vault.serve.resident): after an edit, a rename, a delete, a
new note, a new folder, and an edit made while a call is in flight, it holds what a walk of
the vault finds, in the walk's order, and says what changed as the walk would have; and the
calls' threads keep no old catalog alive. Real files, real inotify, a real pool."""

from __future__ import annotations

import os
import threading

import pytest

from vault.catalog import load_catalog
from vault.serve import pool
from vault.serve.resident import Resident

pytestmark = pytest.mark.skipif(not hasattr(os, "O_CLOEXEC"), reason="inotify is Linux's")

DEEP = "memory/research/2026-02-14-exosomes-deep-dive.md"


@pytest.fixture
def resident(vault_copy):
    r = Resident(str(vault_copy), notify=lambda message: None)
    assert r.watcher is not None
    r.refresh()
    yield r
    r.close()


def walked(r: Resident):
    """What a walk of the vault finds now (a command run alone)."""
    return load_catalog(r.vault, r.repo)


def same_as_a_walk(r: Resident) -> None:
    catalog = r.refresh()
    walk = walked(r)
    assert list(catalog.records) == list(walk.records)  # the walk's order
    assert catalog.digests() == walk.digests()
    assert catalog.fingerprint == walk.fingerprint
    assert catalog.records.states() == walk.records.states()
    assert catalog.summaries() == walk.summaries()
    assert catalog.parents == walk.parents and catalog.skipped == walk.skipped


def walks(r: Resident) -> int:
    return r.walks


def test_an_edit_reads_one_note_and_matches_a_walk(resident, vault_copy):
    before = walks(resident)
    path = vault_copy / DEEP
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    catalog = resident.refresh()
    assert walks(resident) == before  # no walk: the note alone was read again
    assert catalog.changes.updated == [DEEP] and not catalog.changes.added
    same_as_a_walk(resident)


def test_a_rename_within_and_across_folders(resident, vault_copy):
    before = walks(resident)
    moved = DEEP.replace("deep-dive", "renamed")
    os.rename(vault_copy / DEEP, vault_copy / moved)
    catalog = resident.refresh()
    assert DEEP not in catalog.records and moved in catalog.records
    assert catalog.changes.removed == [DEEP] and catalog.changes.added == [moved]
    same_as_a_walk(resident)
    elsewhere = "memory/posts/" + moved.rsplit("/", 1)[1]
    os.rename(vault_copy / moved, vault_copy / elsewhere)
    assert elsewhere in resident.refresh().records
    assert walks(resident) == before
    same_as_a_walk(resident)
    # Into a folder with no note yet: where its notes go in the walk's order is the walk's.
    os.rename(vault_copy / elsewhere, vault_copy / "memory/first.md")
    assert "memory/first.md" in resident.refresh().records
    assert walks(resident) == before + 1
    same_as_a_walk(resident)


def test_a_delete_and_a_new_note(resident, vault_copy):
    before = walks(resident)
    os.unlink(vault_copy / DEEP)
    new = "memory/research/2026-07-01-brand-new.md"
    (vault_copy / new).write_text("# Brand new\n\nParent: [[Exosomes deep dive]]\n")
    catalog = resident.refresh()
    assert DEEP not in catalog.records and new in catalog.records
    assert catalog.changes.removed == [DEEP] and catalog.changes.added == [new]
    assert walks(resident) == before
    same_as_a_walk(resident)


def test_a_new_folder_is_walked(resident, vault_copy):
    before = walks(resident)
    (vault_copy / "memory/fresh/deeper").mkdir(parents=True)
    (vault_copy / "memory/fresh/deeper/2026-07-02-inside.md").write_text("# Inside\n")
    catalog = resident.refresh()
    assert "memory/fresh/deeper/2026-07-02-inside.md" in catalog.records
    assert walks(resident) == before + 1  # a folder event: the walk, not a guess
    same_as_a_walk(resident)
    # The new folder is watched from now on: an edit there reads it alone.
    (vault_copy / "memory/fresh/deeper/2026-07-03-second.md").write_text("# Second\n")
    assert "memory/fresh/deeper/2026-07-03-second.md" in resident.refresh().records
    assert walks(resident) == before + 1
    same_as_a_walk(resident)


def test_an_edit_while_a_call_is_in_flight(resident, vault_copy):
    """A call keeps the catalog it started with; a call that starts after the edit sees it,
    and so does the first call's next one."""
    path = vault_copy / DEEP
    old = walked(resident).digests()[DEEP]
    started, edited = threading.Event(), threading.Event()

    def in_flight():
        resident.refresh()
        started.set()
        edited.wait(30)
        return resident.catalog.digests()[DEEP]

    worker = pool.threads("test")
    try:
        first = worker.submit(in_flight)
        assert started.wait(30)
        path.write_text(path.read_text(encoding="utf-8") + "\nMid-call.\n", encoding="utf-8")
        new = worker.submit(lambda: resident.refresh().digests()[DEEP]).result(30)
        edited.set()
        assert first.result(30) == old  # one call, one catalog
        assert new != old and new == walked(resident).digests()[DEEP]
        assert worker.submit(lambda: resident.refresh().digests()[DEEP]).result(30) == new
    finally:
        worker.shutdown()
    same_as_a_walk(resident)


def test_idle_threads_keep_no_old_catalog(resident, vault_copy):
    """Four calls at once on four threads, each after a change of its own (so each holds a
    catalog of its own), five times: once the calls end, only the resident's catalog is
    alive (one per idle thread, before pool.CallLocal; and each until the cycle collector
    ran, while a catalog and its derived store pointed at each other)."""
    import gc

    worker = pool.threads("test")
    together = threading.Barrier(4)
    one_at_a_time = threading.Lock()

    def call(n: int, k: int) -> None:
        together.wait(30)  # four threads, not one reused
        with one_at_a_time:
            (vault_copy / f"memory/2026-07-1{n}-call.md").write_text(f"# Call {n} {k}\n")
            assert resident.refresh().parents  # read from the cache's derived values

    gc.collect()
    gc.disable()  # what is let go must be let go at once, not by the cycle collector later
    try:
        for k in range(5):
            for future in [worker.submit(call, n, k) for n in range(4)]:
                future.result(30)
        # Counted while the threads live on, idle (a thread's locals go when it ends): the
        # resident's catalog, and the one the fixture's refresh left to this (non-pool) thread.
        assert pool.alive()["catalogs"] <= 2
    finally:
        gc.enable()
        worker.shutdown()


def test_a_write_of_the_server_s_own_reads_the_notes_through_its_catalog(
    resident, vault_copy, monkeypatch
):
    """An append made in the resident process finds its note in the catalog the watcher keeps
    (vault.catalog.catalog_now), not by walking the vault inside the write lock, and still
    sees a note another process made just before it."""
    import subprocess
    import sys

    from vault.append import append_to_note
    from vault.catalog import loader
    from vault.model import AppendRequest

    before = walks(resident)
    walked_folders = []
    walk = loader.walk_folders
    monkeypatch.setattr(
        loader, "walk_folders", lambda *a, **k: walked_folders.append(1) or walk(*a, **k)
    )
    made = vault_copy / "memory" / "research" / "made-elsewhere.md"
    write = f"open({str(made)!r}, 'w').write('# Made elsewhere\\n\\nBody.\\n')"
    subprocess.run([sys.executable, "-c", write], check=True)
    request = AppendRequest(ref="made-elsewhere", text="Appended by the server.")
    done = append_to_note(resident.vault, request, None)
    assert done.id == "memory/research/made-elsewhere.md"
    assert made.read_text(encoding="utf-8").endswith("Appended by the server.\n")
    assert not walked_folders and walks(resident) == before
    same_as_a_walk(resident)


def test_a_note_rewritten_through_a_temporary_file_is_read_alone(resident, vault_copy, monkeypatch):
    """`vault append` and most editors write a note as a temporary file renamed over it: the
    watcher tells the note, not its folder, so the folder is not listed again (at 100,000
    notes, listing the note's folder of 16,000 was most of the work after an edit); a note
    renamed in where none of that name was still lists its folder."""
    from vault.atomic import write_atomic
    from vault.catalog import update

    listed = []
    files = update._files
    monkeypatch.setattr(
        update, "_files", lambda folder, root: listed.append(folder) or files(folder, root)
    )
    before = walks(resident)
    path = vault_copy / DEEP
    write_atomic(path, path.read_bytes() + b"\nRewritten through a temporary file.\n")
    catalog = resident.refresh()
    assert catalog.changes.updated == [DEEP] and not catalog.changes.added
    assert listed == [] and walks(resident) == before
    same_as_a_walk(resident)
    made = vault_copy / "memory/research/renamed-in.md"
    tmp = vault_copy / "memory/research/.renamed-in.md.tmp"
    tmp.write_text("# Renamed in\n")
    os.replace(tmp, made)
    assert resident.refresh().changes.added == ["memory/research/renamed-in.md"]
    assert listed == [str(made.parent)] and walks(resident) == before
    same_as_a_walk(resident)


def test_a_folder_s_notes_are_in_name_order_whatever_the_file_system_lists(resident, vault_copy):
    """The walk lists each folder's notes sorted by name, so a note rewritten through a
    temporary file keeps its place, in the resident catalog as in a walk, on file systems
    that list a renamed file last (btrfs, tmpfs) as on those that list by a hash of the name
    (ext4); and a folder listed again for a new note is in the same order."""
    import random

    names = [f"note-{n:02d}.md" for n in range(40)]
    random.Random(7).shuffle(names)
    folder = vault_copy / "memory/many"
    folder.mkdir()
    for name in names:
        (folder / name).write_text(f"# {name}\n")
    ids = [i for i in resident.refresh().records if i.startswith("memory/many/")]
    assert ids == sorted(ids) and len(ids) == 40
    same_as_a_walk(resident)
    rewritten = folder / "note-07.md"
    tmp = folder / ".note-07.md.tmp"
    tmp.write_text("# Rewritten\n")
    os.replace(tmp, rewritten)
    (folder / "note-20a.md").write_text("# New beside\n")
    same_as_a_walk(resident)
    ids = [i for i in resident.refresh().records if i.startswith("memory/many/")]
    assert ids == sorted(ids) and len(ids) == 41
