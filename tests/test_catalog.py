"""The catalog on big and changing vaults: progress on a first read, parallel parsing that
gives the same records, and a cache that follows every change."""

from __future__ import annotations

import json

from conftest import run_process
from search_helpers import make_vault, run_on_terminal

from vault.catalog import load_catalog
from vault.vault import open_vault


def test_a_first_read_shows_progress_on_a_terminal_only(tmp_path, monkeypatch):
    root = tmp_path / "vault"
    make_vault(root, 600)
    monkeypatch.setenv("VAULT_PROGRESS_AFTER", "0")  # the bar's one-second wait, made zero
    # `graph --stats` reads every note and prints little (the piped side must not fill up).
    code, terminal, out = run_on_terminal(root, "graph", "--stats", "--json", stream="stderr")
    assert code == 0 and "Reading notes" in terminal
    assert json.loads(out)["notes"] == 600
    code, terminal, _ = run_on_terminal(root, "graph", "--stats", "--json", stream="stderr")
    assert code == 0 and "Reading notes" not in terminal  # nothing to read the second time
    other = tmp_path / "other"
    make_vault(other, 600)
    res = run_process(other, "list", "--json", env={"VAULT_PROGRESS_AFTER": "0"})
    assert res.exit_code == 0 and res.stderr == ""  # piped: never a bar


def test_parallel_parsing_gives_the_records_a_serial_parse_gives(tmp_path, monkeypatch):
    root = tmp_path / "vault"
    make_vault(root, 500)
    vault = open_vault(root)
    parallel = load_catalog(vault, use_cache=False)
    monkeypatch.setattr("vault.catalog.loader.PARALLEL_MIN", 10**9)
    serial = load_catalog(vault, use_cache=False)
    assert list(parallel.records) == list(serial.records)
    for note_id in serial.records:
        a, b = parallel.records[note_id], serial.records[note_id]
        assert a == b, note_id


def test_the_cache_follows_adds_edits_and_deletes(tmp_path):
    root = tmp_path / "vault"
    make_vault(root, 50)
    vault = open_vault(root)
    first = load_catalog(vault)
    assert len(first.changes.added) == 50
    notes = sorted((root / "memory").rglob("*.md"))
    notes[0].unlink()
    notes[1].write_text("# Changed\n\nNew text.\n", encoding="utf-8")
    (root / "memory" / "new.md").write_text("# New\n", encoding="utf-8")
    again = load_catalog(vault)
    rel = lambda p: p.relative_to(root).as_posix()  # noqa: E731
    assert again.changes.removed == [rel(notes[0])]
    assert again.changes.updated == [rel(notes[1])]
    assert again.changes.added == ["memory/new.md"]
    assert again.records[rel(notes[1])].title == "Changed"
    warm = load_catalog(vault)
    assert not warm.changes
    assert {i: warm.records[i] for i in warm.records} == {
        i: again.records[i] for i in again.records
    }


def test_the_fast_json_writer_writes_what_json_dumps_writes():
    import random

    from vault.render import json_text

    rng = random.Random(7)
    alphabet = 'aé"\\\n\t\u2028ホ🚀<>&'
    values = [None, True, False, 0, -3, 1.5, 1e300, "", "plain"]

    def text():
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))

    for _ in range(200):
        data = [
            {text() or "k": rng.choice(values + [text()]) for _ in range(rng.randint(1, 5))}
            for _ in range(rng.randint(0, 4))
        ]
        assert json_text(data) == json.dumps(data, indent=2, ensure_ascii=False)

    class Text(str):  # a str subclass takes the general path
        pass

    others = ({"a": [1]}, [{"a": [1]}], [{}], [], "x", [{1: "a"}], [{"a": Text("b")}])
    for other in (*others, [{"a": 1}, {"a": [1]}], [{"a": "x", "b": None}, {"b": 2.5}]):
        assert json_text(other) == json.dumps(other, indent=2, ensure_ascii=False)


def test_the_json_writer_by_columns_writes_what_json_dumps_writes():
    import random

    from vault.render import json_objects

    rng = random.Random(11)
    alphabet = 'aé"\\\n\t\u2028ホ🚀<>&{},:'

    def text():
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))

    for _ in range(300):
        keys = tuple(dict.fromkeys(text() or "k" for _ in range(rng.randint(1, 5))))
        rows = rng.randint(0, 5)
        columns = [[rng.choice((None, text())) for _ in range(rows)] for _ in keys]
        objects = [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]
        expected = json.dumps(objects, indent=2, ensure_ascii=False)
        assert json_objects(keys, columns) == expected
    # Anything but strings and nulls, or keys given twice: the general writer.
    for keys, columns in (
        (("a", "b"), [["x", "y"], [1, None]]),
        (("a", "a"), [["x"], ["y"]]),
        (("a",), [[["x"]]]),
        ((), []),
    ):
        objects = [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]
        assert json_objects(keys, columns) == json.dumps(objects, indent=2, ensure_ascii=False)


def _fresh_references(root):
    """The references of a vault computed with no cache at all."""
    from vault.references import references

    return references(load_catalog(open_vault(root), use_cache=False))


def test_stored_resolutions_are_what_resolving_again_gives(tmp_path):
    """Links and Parents are resolved once and kept; every kind of change on disk gives the
    references a cache-free run gives."""
    from vault.references import references

    root = tmp_path / "vault"
    make_vault(root, 120)
    memory = root / "memory"
    (memory / "a.md").write_text("# A\n\n[[b]] [[topics/c]] [x](nowhere.md)\n", encoding="utf-8")
    (memory / "kid.md").write_text("# Kid\n\nParent: b\n", encoding="utf-8")

    def check():
        cached = references(load_catalog(open_vault(root)))
        assert cached == _fresh_references(root)
        assert references(load_catalog(open_vault(root))) == cached  # from the cache now
        return {(r.source, r.raw): r.resolution.id for r in cached}

    first = check()
    assert first[("memory/a.md", "b")] is None and first[("memory/kid.md", "b")] is None
    (memory / "b.md").write_text("# B\n", encoding="utf-8")  # a new note: names change meaning
    second = check()
    assert second[("memory/a.md", "b")] == "memory/b.md" == second[("memory/kid.md", "b")]
    (memory / "topics" / "c.md").write_text("# C\n", encoding="utf-8")
    assert check()[("memory/a.md", "topics/c")] == "memory/topics/c.md"
    (memory / "a.md").write_text("# A\n\n[[kid]]\n", encoding="utf-8")  # an edit
    assert check()[("memory/a.md", "kid")] == "memory/kid.md"
    (memory / "b.md").unlink()  # a removal
    assert check()[("memory/kid.md", "b")] is None


def test_an_unchanged_walk_gives_what_reading_every_note_gives(tmp_path):
    """The cache keeps the last walk whole; a walk that finds it unchanged reads no row, and
    its catalog is the one a cache-free run builds."""
    root = tmp_path / "vault"
    make_vault(root, 60)
    vault = open_vault(root)
    load_catalog(vault)
    warm, cold = load_catalog(vault), load_catalog(vault, use_cache=False)
    assert not warm.changes
    assert list(warm.records) == list(cold.records)
    # The fingerprint first: from the kept walk (its packed ids), before any digest dict.
    assert warm.fingerprint == cold.fingerprint and warm.digests() == cold.digests()
    assert warm.records.states() == cold.records.states()
    assert dict(warm.records.items()) == dict(cold.records.items())


def test_the_kept_walk_goes_when_notes_are_written_without_one(tmp_path):
    """A resident process writes the notes it saw change, without walking: the kept walk is
    dropped with that write, so a later walk that finds the files as the kept walk had them
    (a note made, then deleted) still compares them with the rows, and sees the deletion."""
    from vault.catalog import update_catalog

    root = tmp_path / "vault"
    make_vault(root, 30)
    vault = open_vault(root)
    first = load_catalog(vault)
    folder = vault.path_of(next(iter(first.records))).parent
    brief = folder / "brief.md"
    brief.write_text("# Brief\n", encoding="utf-8")
    seen = update_catalog(first, {str(folder)})
    brief_id = vault.note_id(brief)
    assert seen is not None and brief_id in seen.records
    brief.unlink()
    again = load_catalog(vault)
    assert again.changes.removed == [brief_id]
    assert list(again.records) == list(first.records)


def test_a_damaged_kept_walk_is_compared_note_by_note(tmp_path):
    import sqlite3

    from vault.catalog import CACHE_FILE

    root = tmp_path / "vault"
    make_vault(root, 30)
    vault = open_vault(root)
    first = load_catalog(vault)
    with sqlite3.connect(vault.state_dir / CACHE_FILE) as db:
        db.execute("UPDATE walk SET digests = 'abc def'")  # two digests for 30 notes
    note = vault.path_of(list(first.records)[3])
    note.write_text("# Edited\n", encoding="utf-8")
    again = load_catalog(vault)
    assert (
        again.changes.updated == [vault.note_id(note)]
        and again.records[vault.note_id(note)].title == "Edited"
    )
    assert again.digests() == load_catalog(vault, use_cache=False).digests()
    with sqlite3.connect(vault.state_dir / CACHE_FILE) as db:
        db.execute("UPDATE walk SET digests = 'abc def'")
    warm = load_catalog(vault)  # nothing changed, the kept walk unreadable: all rows read
    assert not warm.changes and warm.digests() == again.digests()


def test_the_walk_gives_every_visible_regular_note_with_its_file_state(tmp_path):
    import os

    from vault.vault import walk_folders

    root = tmp_path / "vault"
    make_vault(root, 300)
    notes = root / "memory"
    os.mkfifo(notes / "pipe.md")  # not a regular file: never a note
    (notes / ".hidden.md").write_text("# hidden\n")
    (notes / "attachment.png").write_bytes(b"png")
    expected = {}
    for folder, dirs, files in os.walk(notes):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = os.path.join(folder, name)
            if name.endswith(".md") and not name.startswith(".") and name != "pipe.md":
                st = os.stat(path)
                expected[os.path.relpath(path, root)] = (st.st_mtime_ns, st.st_size, st.st_ino)
    walked = {}
    for ids, paths, stats in walk_folders(open_vault(root)):
        for note_id, path, st in zip(ids, paths, stats, strict=True):
            assert path == str(root / note_id)
            walked[note_id] = (st.st_mtime_ns, st.st_size, st.st_ino)
    assert len(walked) == 300 and walked == expected


def test_a_note_gone_between_listing_and_its_stat_is_left_out(tmp_path):
    from vault.vault import _stats  # the walk's stat of a folder's notes; no race needed

    (tmp_path / "a.md").write_text("a")
    (tmp_path / "c.md").write_text("c")
    paths = [str(tmp_path / n) for n in ("a.md", "gone.md", "c.md")]
    stats = _stats(paths)
    assert stats[1] is None and [st.st_size for st in (stats[0], stats[2])] == [1, 1]
    import os

    fd = os.open(tmp_path, os.O_RDONLY)  # the walk's form: names relative to the open folder
    try:
        stats = _stats(["a.md", "gone.md", "c.md"], fd)
    finally:
        os.close(fd)
    assert stats[1] is None and [st.st_size for st in (stats[0], stats[2])] == [1, 1]


def test_columns_read_back_from_the_cache_keep_a_name_that_is_not_utf8(tmp_path):
    import os

    memory = tmp_path / "vault" / "memory"
    memory.mkdir(parents=True)
    (memory / "plain.md").write_text("# Plain\n", encoding="utf-8")
    with open(os.path.join(os.fsencode(memory), b"caf\xe9.md"), "wb") as fh:
        fh.write(b"No heading: the title is the file's name.\n")  # stored as bytes
    with open(os.path.join(os.fsencode(memory), b"kid-\xe9.md"), "wb") as fh:
        fh.write(b"# Kid\n\nParent: plain\n")
    vault = open_vault(tmp_path / "vault")
    cold = load_catalog(vault)
    warm = load_catalog(vault)  # the columns read back from the cache
    assert warm.summaries() == cold.summaries()
    name = os.fsdecode(b"memory/caf\xe9.md")
    titles, types = warm._cache.columns(("title", "type"))
    kid = os.fsdecode(b"memory/kid-\xe9.md")
    assert titles == {"memory/plain.md": "Plain", name: os.fsdecode(b"caf\xe9"), kid: "Kid"}
    assert types == {"memory/plain.md": None, name: None, kid: None}
    assert warm.parents[kid].id == "memory/plain.md"  # resolved, and stored by its name
    stored = load_catalog(vault)._cache.derived("parent", warm.resolution_key)
    assert set(stored) == {kid} and stored[kid][0] == warm.digests()[kid]


def test_dendrons_root_note_alone_makes_a_dendron_vault(tmp_path):
    """No dendron.yml: the catalog finds the root note among its ids ("root.md" in a vault
    without a memory folder, "memory/root.md" in one) and the vault is Dendron's."""
    for notes_folder in ("", "memory"):
        root = tmp_path / f"v-{notes_folder}"
        notes = root / notes_folder
        (notes / "deep" / "er").mkdir(parents=True)
        (notes / "a.md").write_text("# A\n", encoding="utf-8")
        (notes / "deep" / "er" / "root.md").write_text("---\nid: root\n---\n", encoding="utf-8")
        assert load_catalog(open_vault(root)).kind.name == "plain"  # too deep to be it
        (notes / "root.md").write_text("---\nid: root\ntitle: Root\n---\n", encoding="utf-8")
        assert load_catalog(open_vault(root)).kind.name == "dendron", notes_folder
