"""The search index: always fresh without a reindex, `vault index`, locks, damage, two
processes at once, and processes killed while indexing."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import GIT_ENV, run_process, state_dir
from search_helpers import (
    copy_vault,
    ids_of,
    make_vault,
    run_on_terminal,
    with_term,
    write_note,
)

from vault.search.index import MANIFEST

N = 60


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A generated vault, indexed once; each test works on its own copy."""
    root = tmp_path_factory.mktemp("index") / "vault"
    facts = make_vault(root, N)
    res = run_process(root, "index")
    assert res.exit_code == 0, res.stderr
    return root, facts


@pytest.fixture
def gen(template, tmp_path):
    root, facts = template
    return copy_vault(root, tmp_path / "vault"), facts


def paths(run, root, *query):
    res = run(root, "search", *query, "--paths", "--limit", "1000")
    assert res.exit_code == 0, res.stderr
    return ids_of(res.stdout)


def index_json(run, root, *args):
    res = run(root, "index", "--json", *args)
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


def bump(path: Path) -> None:
    """Make sure a rewritten file's mtime differs from before (coarse file-system clocks)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


# --- always fresh --------------------------------------------------------------------------


def test_added_note_is_found_without_reindex(run, gen):
    root, facts = gen
    write_note(root, "memory/research/new-idea.md", "New idea", "Zanthoxylum peels gently.")
    assert paths(run, root, "zanthoxylum") == {"memory/research/new-idea.md"}
    assert paths(run, root, "exosome") == with_term(facts, "exosome")


def test_edited_note_is_found_by_its_new_words_only(run, gen):
    root, facts = gen
    note_id = sorted(with_term(facts, "exosome"))[0]
    path = root / note_id
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("exosome", "liposome").replace("Exosome", "Liposome"), "utf-8")
    bump(path)
    assert paths(run, root, "exosome") == with_term(facts, "exosome") - {note_id}
    assert note_id in paths(run, root, "liposome")


def test_edits_the_index_missed_are_written_with_the_next_one(run, gen):
    """An edit seen by another command (`list` refreshes the note cache, not the index),
    then another edit: the search writes both, not only the one the cache just saw."""
    root, facts = gen
    first, second = sorted(with_term(facts, "niacinamide"))[:2]

    def append(note_id: str, word: str) -> None:
        path = root / note_id
        path.write_text(path.read_text(encoding="utf-8") + f"\n{word} here.\n", "utf-8")
        bump(path)

    append(first, "Quillaja")
    assert run(root, "list").exit_code == 0
    append(second, "Moringa")
    assert paths(run, root, "quillaja") == {first}
    assert paths(run, root, "moringa") == {second}


def test_deleted_note_disappears(run, gen):
    root, facts = gen
    gone = sorted(with_term(facts, "niacinamide"))[0]
    (root / gone).unlink()
    assert paths(run, root, "niacinamide") == with_term(facts, "niacinamide") - {gone}


def test_renamed_note_is_found_under_its_new_id(run, gen):
    root, facts = gen
    old = sorted(with_term(facts, "niacinamide"))[0]
    new = "memory/research/renamed-note.md"
    os.rename(root / old, root / new)
    assert paths(run, root, "niacinamide") == with_term(facts, "niacinamide") - {old} | {new}
    res = run(root, "search", "niacinamide", "--json", "--limit", "100")
    assert [h for h in json.loads(res.stdout) if h["id"] == new]


def test_parent_resolved_later_is_picked_up(run, vault_copy):
    """A Parent that dangles, then resolves when its note appears: hits show the new parent."""
    root = vault_copy
    write_note(root, "memory/research/child.md", "Child", "Quillaja foam.", parent="[[future]]")
    hits = json.loads(run(root, "search", "quillaja", "--json").stdout)
    assert [h["parent"] for h in hits] == [None]
    write_note(root, "memory/research/future.md", "Future", "Later.")
    hits = json.loads(run(root, "search", "quillaja", "--json").stdout)
    assert [h["parent"] for h in hits] == ["memory/research/future.md"]
    assert paths(run, root, "parent:memory/research/future.md") == {"memory/research/child.md"}


def test_many_small_updates_keep_results_exact(run, gen):
    """Each update is a small commit; segments pile up and get merged; nothing is lost."""
    root, _ = gen
    for n in range(12):
        write_note(root, f"memory/posts/burst-{n}.md", f"Burst {n}", f"Tamanu oil number{n}.")
        res = run(root, "search", "tamanu", "--paths", "--limit", "1000")
        assert res.exit_code == 0 and "rebuilding" not in res.stderr  # merged, not rebuilt
        assert len(ids_of(res.stdout)) == n + 1
    assert paths(run, root, "number7") == {"memory/posts/burst-7.md"}
    assert index_json(run, root) == {
        "added": 0,
        "updated": 0,
        "removed": 0,
        "notes": N + 12,
        "seconds": pytest.approx(0, abs=5),
        "rebuilt": False,
    }


# --- vault index ---------------------------------------------------------------------------


def test_index_reports_what_it_did(run, gen):
    root, _ = gen
    report = index_json(run, root, "--rebuild")
    assert report["rebuilt"] is True and report["added"] == report["notes"] == N
    assert set(report) == {"added", "updated", "removed", "notes", "seconds", "rebuilt"}
    assert index_json(run, root)["added"] == 0
    first = sorted(root.glob("memory/research/*.md"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    bump(first)
    sorted(root.glob("memory/posts/*.md"))[0].unlink()
    write_note(root, "memory/posts/fresh.md", "Fresh", "Fresh words.")
    report = index_json(run, root)
    assert (report["added"], report["updated"], report["removed"]) == (1, 1, 1)
    assert report["rebuilt"] is False and report["notes"] == N
    res = run(root, "index")
    assert res.stdout.startswith(f"Index up to date: {N} notes")


def test_first_use_builds_quietly(run, vault_copy):
    res = run(vault_copy, "search", "exosome", "--paths")
    assert res.exit_code == 0 and len(res.stdout.splitlines()) == 4
    assert res.stderr == ""
    # Derived data lives outside the vault folder: nothing to commit by mistake.
    assert (state_dir(vault_copy) / "index").is_dir()
    assert not (vault_copy / ".vault").exists()
    assert vault_copy not in state_dir(vault_copy).parents


# --- damage --------------------------------------------------------------------------------


def test_garbage_index_files_are_rebuilt_with_a_note(run, gen):
    root, facts = gen
    folder = state_dir(root) / "index"
    for path in folder.iterdir():
        if path.is_file() and path.name != MANIFEST:
            path.write_bytes(os.urandom(300))
    res = run(root, "search", "exosome", "--paths")
    assert res.exit_code == 0, res.stderr
    assert ids_of(res.stdout) == with_term(facts, "exosome")
    assert "rebuilding the search index" in res.stderr
    assert len(res.stderr.splitlines()) == 1
    res = run(root, "search", "exosome", "--paths")
    assert res.stderr == ""


def test_missing_segment_files_are_rebuilt(run, gen):
    root, facts = gen
    for path in (state_dir(root) / "index").glob("*.seg"):
        path.unlink()
    for path in (state_dir(root) / "index").glob("*.pst"):
        path.unlink()
    res = run(root, "search", "exosome", "--paths")
    assert ids_of(res.stdout) == with_term(facts, "exosome")
    assert "rebuilding the search index" in res.stderr


def test_garbage_manifest_and_unknown_files(run, gen):
    root, facts = gen
    folder = state_dir(root) / "index"
    (folder / MANIFEST).write_bytes(b"not a pickle")
    (folder / "stray.bin").write_bytes(os.urandom(100))
    res = run(root, "search", "niacinamide", "--paths")
    assert ids_of(res.stdout) == with_term(facts, "niacinamide")


def test_index_of_another_schema_version_is_rebuilt(run, gen):
    root, facts = gen
    manifest = state_dir(root) / "index" / MANIFEST
    with sqlite3.connect(manifest) as db:
        db.execute("UPDATE meta SET value = '-1' WHERE key = 'schema'")
    res = run(root, "search", "exosome", "--paths")
    assert ids_of(res.stdout) == with_term(facts, "exosome")
    assert "another version; rebuilding the search index" in res.stderr


def test_whole_state_folder_deleted(run, gen):
    import shutil

    root, facts = gen
    shutil.rmtree(state_dir(root))
    assert paths(run, root, "exosome") == with_term(facts, "exosome")


def test_lost_manifest_write_is_repaired_without_duplicates(run, gen):
    """A process that died after its commit but before writing the manifest: the next run
    writes those notes again, and each note is still one hit."""
    root, _ = gen
    manifest = state_dir(root) / "index" / MANIFEST
    before = manifest.read_bytes()
    write_note(root, "memory/posts/once.md", "Once", "Moringa seed oil.")
    assert paths(run, root, "moringa") == {"memory/posts/once.md"}
    manifest.write_bytes(before)  # as if the manifest write never happened
    res = run(root, "search", "moringa", "--json")
    assert [h["id"] for h in json.loads(res.stdout)] == ["memory/posts/once.md"]
    assert index_json(run, root)["added"] == 0


# --- locks ---------------------------------------------------------------------------------

HOLD_WHOOSH_LOCK = """
import sys, time
from whoosh.index import open_dir
ix = open_dir(sys.argv[1])
w = ix.writer()
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
w.cancel()
"""


def hold_whoosh_lock(root: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_WHOOSH_LOCK, str(state_dir(root) / "index"), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_locked_index_times_out_with_a_clear_message(run, gen, monkeypatch):
    root, _ = gen
    write_note(root, "memory/posts/pending.md", "Pending", "Kakadu plum.")  # needs a write
    proc = hold_whoosh_lock(root, 30)
    try:
        monkeypatch.setenv("VAULT_INDEX_TIMEOUT", "0.5")
        start = time.monotonic()
        res = run(root, "search", "kakadu")
        waited = time.monotonic() - start
    finally:
        proc.kill()
        proc.wait()
    assert res.exit_code == 1
    assert res.stderr.startswith("Error: the search index is locked by another process")
    assert "VAULT_INDEX_TIMEOUT" in res.stderr and "Traceback" not in res.stderr
    assert waited >= 0.5
    assert paths(run, root, "kakadu") == {"memory/posts/pending.md"}


def test_search_waits_for_a_writer_to_finish(run, gen, monkeypatch):
    root, _ = gen
    write_note(root, "memory/posts/pending.md", "Pending", "Kakadu plum.")
    proc = hold_whoosh_lock(root, 1.0)
    try:
        monkeypatch.setenv("VAULT_INDEX_TIMEOUT", "30")
        res = run(root, "search", "kakadu", "--paths")
    finally:
        proc.wait()
    assert res.exit_code == 0, res.stderr
    assert ids_of(res.stdout) == {"memory/posts/pending.md"}


def test_vault_index_lock_held_by_another_writer(run, gen, monkeypatch):
    """The vault's own lock (held while another vault process indexes) is waited on too."""
    from vault.locks import file_lock

    root, _ = gen
    write_note(root, "memory/posts/pending.md", "Pending", "Kakadu plum.")
    held, release = threading.Event(), threading.Event()

    def holder():
        with file_lock(state_dir(root) / "locks" / "index.lock"):
            held.set()
            release.wait(30)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(10)
    try:
        monkeypatch.setenv("VAULT_INDEX_TIMEOUT", "0.3")
        res = run(root, "index")
    finally:
        release.set()
        thread.join()
    assert res.exit_code == 1
    assert "locked by another process (waited 0.3s)" in res.stderr
    assert index_json(run, root)["added"] == 1


def test_unchanged_vault_searches_while_locked(run, gen, monkeypatch):
    """Readers take no lock: with nothing to write, a held write lock does not matter."""
    root, facts = gen
    proc = hold_whoosh_lock(root, 30)
    try:
        monkeypatch.setenv("VAULT_INDEX_TIMEOUT", "0.2")
        found = paths(run, root, "exosome")
    finally:
        proc.kill()
        proc.wait()
    assert found == with_term(facts, "exosome")


# --- several processes -----------------------------------------------------------------------

WRITER = """
import subprocess, sys
from pathlib import Path
root, tag, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
for n in range(count):
    note = root / "memory" / "posts" / f"{tag}-{n}.md"
    note.write_text(f"# {tag} {n}\\n\\nDate: 2026-01-01\\n\\nSharedword {tag}word{n}.\\n")
    cmd = "index" if n % 2 else "search"
    args = [sys.executable, "-m", "vault", "--vault", str(root), cmd]
    if cmd == "search":
        args += [f"{tag}word{n}", "--paths"]
    out = subprocess.run(args, capture_output=True, text=True)
    sys.stderr.write(out.stderr)
    if out.returncode != 0:
        sys.exit(f"{cmd} failed: {out.stderr}")
    if cmd == "search" and out.stdout.strip() != f"memory/posts/{tag}-{n}.md":
        sys.exit(f"search for {tag}word{n} found {out.stdout!r}")
"""


def test_two_writers_and_a_reader_at_once(gen):
    root, facts = gen
    env = {**os.environ, **GIT_ENV, "VAULT_INDEX_TIMEOUT": "60"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(root), tag, "6"],
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for tag in ("alpha", "beta")
    ]
    searches = []
    while any(p.poll() is None for p in procs):
        searches.append(run_process(root, "search", "exosome", "--paths"))
    errors = [p.communicate()[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    assert not any("LockError" in e or "Traceback" in e for e in errors)
    for res in searches:
        assert res.exit_code == 0, res.stderr
        assert ids_of(res.stdout) == with_term(facts, "exosome")
    found = ids_of(run_process(root, "search", "sharedword", "--paths", "--limit", "100").stdout)
    assert found == {f"memory/posts/{t}-{n}.md" for t in ("alpha", "beta") for n in range(6)}


def kill_when(event, root: Path, *args: str, env: dict | None = None, timeout: float = 60.0):
    """Start `vault ARGS` on root and SIGKILL it the moment `event()` is true (polled every
    half millisecond), so the kill lands at that point of the work however loaded the machine
    is. Fails if the process ends before the event happens."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "vault", "--vault", str(root), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **GIT_ENV, **(env or {})},
    )
    deadline = time.monotonic() + timeout
    try:
        while not event():
            assert proc.poll() is None, f"vault {' '.join(args)} ended before the event"
            assert time.monotonic() < deadline, "the event never happened"
            time.sleep(0.0005)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()


def _files(folder: Path) -> set[str]:
    try:
        return {entry.name for entry in os.scandir(folder)}
    except OSError:
        return set()


def _new_folders(state: Path) -> list[Path]:
    return [p for p in state.glob("index.new-*") if p.is_dir()]


@pytest.mark.slow
def test_killed_while_rebuilding_is_repaired(tmp_path):
    root = tmp_path / "vault"
    facts = make_vault(root, 300)
    assert run_process(root, "index").exit_code == 0
    state = state_dir(root)
    # A segment every 100 notes, so there are moments between segments to kill at.
    chunks = {"VAULT_INDEX_CHUNK": "100"}

    def with_segments(n: int):
        def event() -> bool:
            return any(
                sum(name.endswith(".trm") for name in _files(f)) >= n for f in _new_folders(state)
            )

        return event

    events = {
        "the new index folder is made": lambda: bool(_new_folders(state)),
        "its first segment is written": with_segments(1),
        "its second segment is written": with_segments(2),
    }
    for name, event in events.items():
        kill_when(event, root, "index", "--rebuild", env=chunks)
        res = run_process(root, "search", "exosome", "--paths")
        assert res.exit_code == 0, (name, res.stderr)
        assert ids_of(res.stdout) == with_term(facts, "exosome"), name
    res = run_process(root, "index", "--rebuild", "--json")
    assert json.loads(res.stdout)["notes"] == 300
    # Half-built folders left by the killed rebuilds are cleaned up.
    assert [p.name for p in state.iterdir() if p.name.startswith("index.")] == []


@pytest.mark.slow
def test_killed_while_updating_is_repaired(tmp_path):
    root = tmp_path / "vault"
    facts = make_vault(root, 300)
    assert run_process(root, "index").exit_code == 0
    folder = state_dir(root) / "index"
    notes = sorted(root.glob("memory/**/*.md"))

    def new_segment_file(before: set[str]):
        return lambda: any(n.endswith(".trm") and n not in before for n in _files(folder))

    def new_toc(before: set[str]):
        return lambda: any(n.endswith(".toc") and n not in before for n in _files(folder))

    # Mid-commit (a segment file written, no table of contents yet), and just after the
    # commit (a new table of contents, the manifest not yet saved).
    for make_event in (new_segment_file, new_toc, new_segment_file):
        for path in notes[:200]:
            path.write_text(path.read_text(encoding="utf-8") + "\nAppended.\n", encoding="utf-8")
            bump(path)
        kill_when(make_event(_files(folder)), root, "index")
        res = run_process(root, "search", "exosome", "--paths")
        assert res.exit_code == 0, res.stderr
        assert ids_of(res.stdout) == with_term(facts, "exosome")
        res = run_process(root, "search", "appended", "--paths", "--limit", "1000")
        assert len(ids_of(res.stdout)) == 200


# --- start-up cost -------------------------------------------------------------------------


def test_search_help_does_not_import_whoosh():
    code = (
        "import sys\n"
        "from vault.cli import cli\n"
        "try:\n"
        "    cli(['search', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'whoosh'], 'whoosh imported'\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.slow
def test_progress_bar_only_on_a_terminal(tmp_path):
    """Long indexing draws a bar on stderr when stderr is a terminal, and nothing otherwise."""
    root = tmp_path / "vault"
    make_vault(root, 250)
    code, terminal, out = run_on_terminal(root, "index", "--json", stream="stderr")
    assert code == 0
    assert "Indexing notes" in terminal
    assert json.loads(out)["added"] == 250  # stdout stays clean JSON
    res = run_process(root, "index", "--rebuild", "--json")
    assert res.stderr == ""


# --- the full build ------------------------------------------------------------------------


def _postings(folder: Path) -> list:
    """Every term of an index with its statistics and postings, and every stored document."""
    from vault.search.imports import whoosh_index

    ix = whoosh_index().open_dir(str(folder))
    out = []
    with ix.reader() as reader:
        for fieldname, text in reader.all_terms():
            info = reader.term_info(fieldname, text)
            m = reader.postings(fieldname, text)
            posts = []
            while m.is_active():
                posts.append((m.id(), m.weight(), m.value()))
                m.next()
            stats = (info.doc_frequency(), info.weight(), info.min_length(), info.max_length())
            out.append((fieldname, text, stats, info.max_weight(), posts))
        out.append(list(reader.iter_docs()))
    return out


@pytest.mark.parametrize("block", [128, 8])
def test_the_build_writes_what_whoosh_would(tmp_path, monkeypatch, block):
    """The build's own writer fills Whoosh's posting blocks a term at a time (and writes a
    term of one block at once); the index is the one Whoosh's posting-by-posting path
    writes: same terms, statistics and postings, same bytes. With blocks of 8 postings
    (Whoosh's are 128), terms of one block and of several alternate within a field."""
    import uuid

    from whoosh.codec import whoosh3

    import vault.search.build as build
    import vault.search.schema as schema
    from vault.catalog import load_catalog
    from vault.vault import open_vault

    root = tmp_path / "vault"
    make_vault(root, 120)
    text = "ホットキーを使うと、マウスを使わずに実行できます。"
    write_note(root, "memory/ja.md", "ホットキー", text)
    catalog = load_catalog(open_vault(root))
    monkeypatch.setattr(schema.uuid, "uuid4", lambda: uuid.UUID(int=7))  # vocabulary ids
    monkeypatch.setattr(whoosh3.W3Codec.__init__, "__defaults__", (block, 3, 1))
    built = []
    for bulk in (True, False):
        if not bulk:
            monkeypatch.setattr(build, "_bulk_capable", lambda writer: False)
        folder = tmp_path / f"index-{bulk}"
        folder.mkdir()
        build.build(catalog, folder, None)
        files = sorted(f.read_bytes() for f in folder.iterdir() if f.suffix in (".trm", ".pst"))
        built.append((_postings(folder), files))
    assert built[0] == built[1]  # the terms and postings, and the files' very bytes
    assert len(built[0][0]) > 1000
