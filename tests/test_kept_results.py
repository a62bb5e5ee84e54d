"""Results kept on disk between commands run alone (vault.derived.kept): `graph` and
`list --json` of an unchanged vault are read back, not built again, and anything that could
change them (an edit, a note only touched, a new note, the catalog's cache rebuilt, a kept
file damaged) builds them again. Real files, real git, the CLI in process."""

from __future__ import annotations

import json
import os

import pytest
from conftest import git, init_repo, state_dir

from vault.derived import kept

DEEP = "memory/research/2026-02-14-exosomes-deep-dive.md"


@pytest.fixture(autouse=True)
def _alone(monkeypatch):
    monkeypatch.setenv("VAULT_NO_SERVER", "1")


def kept_files(root) -> list:
    folder = state_dir(root) / kept.FOLDER
    return sorted(folder.glob("*.out")) if folder.exists() else []


def not_built_again(monkeypatch):
    """From now on, building a graph export or a list fails the test."""
    import vault.graph.export as export
    from vault import render

    def fail(*args, **kwargs):
        raise AssertionError("built again")

    monkeypatch.setattr(export, "export_graph", fail)
    monkeypatch.setattr(render, "summary_columns", fail)


@pytest.mark.parametrize(
    "args",
    [
        ("graph", "--format", "json"),
        ("graph", "--format", "graphml"),
        ("graph", "--format", "json", "--kind", "link"),
        ("list", "--json"),
        ("list", "--json", "--sort", "title"),
    ],
)
def test_an_unchanged_vault_s_result_is_read_back(run, vault_copy, monkeypatch, args):
    first = run(vault_copy, *args)
    assert first.exit_code == 0 and first.stdout
    assert len(kept_files(vault_copy)) == 1
    with monkeypatch.context() as m:
        not_built_again(m)
        again = run(vault_copy, *args)
    assert (again.exit_code, again.stdout, again.stderr) == (0, first.stdout, first.stderr)


def test_each_request_has_its_own_result(run, vault_copy):
    one = run(vault_copy, "graph", "--format", "json").stdout
    other = run(vault_copy, "graph", "--format", "json", "--kind", "parent").stdout
    assert one != other
    assert run(vault_copy, "graph", "--format", "json").stdout == one
    assert len(kept_files(vault_copy)) == 2


def test_an_edit_builds_it_again(run, vault_copy):
    run(vault_copy, "graph", "--format", "json")
    run(vault_copy, "list", "--json")
    path = vault_copy / DEEP
    path.write_text(
        path.read_text(encoding="utf-8").replace("# ", "# Renamed ", 1), encoding="utf-8"
    )
    titles = {n["title"] for n in json.loads(run(vault_copy, "list", "--json").stdout)}
    assert any(t.startswith("Renamed ") for t in titles)
    graph = json.loads(run(vault_copy, "graph", "--format", "json").stdout)
    assert any(n.get("title", "").startswith("Renamed ") for n in graph["nodes"])


def test_a_new_note_builds_it_again(run, vault_copy):
    run(vault_copy, "list", "--json")
    (vault_copy / "memory" / "2026-03-01-new.md").write_text("# Brand new\n", encoding="utf-8")
    ids = [n["id"] for n in json.loads(run(vault_copy, "list", "--json").stdout)]
    assert "memory/2026-03-01-new.md" in ids


def test_a_note_only_touched_builds_it_again(run, vault_copy):
    """An undated note takes its file's time: touched, its date changes though its text
    does not (the content digests alone would say nothing changed)."""
    note = vault_copy / "memory" / "undated.md"
    note.write_text("# Undated\n", encoding="utf-8")
    os.utime(note, (1_600_000_000, 1_600_000_000))  # 2020-09-13
    dated = {n["id"]: n["date"] for n in json.loads(run(vault_copy, "list", "--json").stdout)}
    assert dated["memory/undated.md"] == "2020-09-13"
    os.utime(note, (1_700_000_000, 1_700_000_000))  # 2023-11-14
    dated = {n["id"]: n["date"] for n in json.loads(run(vault_copy, "list", "--json").stdout)}
    assert dated["memory/undated.md"] == "2023-11-14"


def test_a_rebuilt_cache_builds_it_again(run, vault_copy):
    """The catalog's cache rebuilt (deleted here) may date notes otherwise: an undated note
    committed since it was first read is now dated by its commit, not its file's time."""
    note = vault_copy / "memory" / "undated.md"
    note.write_text("# Undated\n", encoding="utf-8")
    os.utime(note, (1_600_000_000, 1_600_000_000))
    init_repo(vault_copy, commit=False)
    first = json.loads(run(vault_copy, "list", "--json").stdout)
    assert {n["id"]: n["date"] for n in first}["memory/undated.md"] == "2020-09-13"
    git(vault_copy, "add", "-A")
    env = {"GIT_AUTHOR_DATE": "2021-05-06T12:00:00", "GIT_COMMITTER_DATE": "2021-05-06T12:00:00"}
    os.environ.update(env)
    try:
        git(vault_copy, "commit", "-q", "-m", "notes")
    finally:
        for key in env:
            del os.environ[key]
    (state_dir(vault_copy) / "catalog.sqlite3").unlink()
    for extra in ("catalog.sqlite3-wal", "catalog.sqlite3-shm"):
        (state_dir(vault_copy) / extra).unlink(missing_ok=True)
    dated = {n["id"]: n["date"] for n in json.loads(run(vault_copy, "list", "--json").stdout)}
    assert dated["memory/undated.md"] == "2021-05-06"


@pytest.mark.parametrize("damage", ["cut", "flip", "garbage"])
def test_a_damaged_result_is_built_again_and_replaced(run, vault_copy, damage):
    first = run(vault_copy, "graph", "--format", "json").stdout
    (path,) = kept_files(vault_copy)
    data = path.read_bytes()
    if damage == "cut":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        at = len(data) - 10
        path.write_bytes(data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :])
    else:
        path.write_bytes(b"\x80\xff not json\n" + data)
    assert run(vault_copy, "graph", "--format", "json").stdout == first
    assert path.read_bytes() == data  # replaced by what was built again


def test_only_the_last_results_are_kept(run, vault_copy):
    for depth in range(1, kept.KEEP + 3):
        done = run(vault_copy, "graph", "--format", "json", "--root", DEEP, "--depth", str(depth))
        assert done.exit_code == 0, done.stderr
    assert len(kept_files(vault_copy)) == kept.KEEP


def test_a_folder_that_cannot_be_written_only_means_nothing_is_kept(run, vault_copy):
    first = run(vault_copy, "list", "--json")
    folder = state_dir(vault_copy) / kept.FOLDER
    for path in kept_files(vault_copy):
        path.unlink()
    folder.rmdir()
    folder.write_text("a file where the folder goes", encoding="utf-8")
    again = run(vault_copy, "list", "--json")
    assert (again.exit_code, again.stdout, again.stderr) == (0, first.stdout, first.stderr)
