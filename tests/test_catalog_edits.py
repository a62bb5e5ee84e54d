"""A walk that finds the notes of the kept walk, some of them edited: only those are read
again (vault.catalog.loader._edited), and a note git dated keeps its date without git."""

from __future__ import annotations

import os
import shutil
import subprocess

from conftest import git, init_repo, run_process
from search_helpers import make_vault

from vault.catalog import load_catalog
from vault.vault import open_vault


def test_edits_found_against_the_kept_walk_give_what_a_cache_free_run_gives(tmp_path):
    root = tmp_path / "vault"
    make_vault(root, 600)  # more notes than one block of the kept walk's comparison
    vault = open_vault(root)
    ids = list(load_catalog(vault).records)
    edited = [ids[0], ids[300], ids[-1]]
    vault.path_of(ids[0]).write_text("# Edited\n\nNew text.\n", encoding="utf-8")
    st = os.stat(vault.path_of(ids[300]))  # the same size, another mtime: read again too
    os.utime(vault.path_of(ids[300]), ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    with open(vault.path_of(ids[-1]), "a", encoding="utf-8") as fh:
        fh.write("\nOne more line.\n")
    again = load_catalog(vault)
    assert again.changes.updated == edited
    assert not again.changes.added and not again.changes.removed
    cold = load_catalog(vault, use_cache=False)
    assert again.records[ids[0]].title == "Edited"
    assert again.records[ids[300]] == cold.records[ids[300]]  # built alone, by position
    assert list(again.records) == list(cold.records)
    assert again.digests() == cold.digests() and again.fingerprint == cold.fingerprint
    assert again.records.states() == cold.records.states()
    assert dict(again.records.items()) == dict(cold.records.items())
    warm = load_catalog(vault)  # the kept walk is the one after the edits
    assert not warm.changes and warm.digests() == cold.digests()


def _git_shim(tmp_path):
    """A `git` first on PATH that logs each call and runs the real one: (env, log)."""
    folder, log = tmp_path / "shim", tmp_path / "git-calls.log"
    folder.mkdir()
    shim = folder / "git"
    shim.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{shutil.which("git")}" "$@"\n')
    shim.chmod(0o755)
    return {"PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}, log


def _commit(root, when: str, *paths: str) -> None:
    git(root, "add", "--", *paths)
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", "commit", "-q", "-m", "notes"], cwd=root, check=True, env=env)


def test_an_edited_note_keeps_its_first_commit_date_without_asking_git(tmp_path):
    from vault.git.repo import open_repository

    root = tmp_path / "vault"
    memory = root / "memory"
    memory.mkdir(parents=True)
    kept, later = memory / "kept.md", memory / "later.md"
    kept.write_text("# Kept\n\nNo date of its own.\n", encoding="utf-8")
    init_repo(root, commit=False)
    _commit(root, "2020-01-02T10:00:00+00:00", "memory/kept.md")
    later.write_text("# Later\n\nNot committed yet.\n", encoding="utf-8")
    env, log = _git_shim(tmp_path)
    assert run_process(root, "list", env=env).exit_code == 0

    def dates():
        vault = open_vault(root)
        records = load_catalog(vault, open_repository(vault)).records
        return {i: (records[i].date, records[i].date_source) for i in records}

    assert dates()["memory/kept.md"] == ("2020-01-02", "git")
    assert dates()["memory/later.md"][1] == "mtime"
    _commit(root, "2021-03-04T10:00:00+00:00", "memory/later.md")
    log.write_text("")
    with open(kept, "a", encoding="utf-8") as fh:
        fh.write("\nAn edit.\n")
    assert run_process(root, "list", env=env).exit_code == 0
    assert not [call for call in log.read_text().splitlines() if call.startswith("log")]
    assert dates()["memory/kept.md"] == ("2020-01-02", "git")
    with open(later, "a", encoding="utf-8") as fh:  # dated by its mtime before: git is asked
        fh.write("\nAn edit.\n")
    assert run_process(root, "list", env=env).exit_code == 0
    assert [call for call in log.read_text().splitlines() if call.startswith("log")]
    assert dates() == {
        "memory/kept.md": ("2020-01-02", "git"),
        "memory/later.md": ("2021-03-04", "git"),
    }


def test_a_row_lost_from_the_cache_is_read_again_for_a_column(tmp_path):
    import sqlite3

    from vault.catalog import CACHE_FILE

    root = tmp_path / "vault"
    make_vault(root, 40)
    vault = open_vault(root)
    load_catalog(vault)
    warm = load_catalog(vault)  # nothing changed: no row read yet
    lost = list(warm.records)[7]
    with sqlite3.connect(vault.state_dir / CACHE_FILE) as db:  # as another process might
        db.execute("DELETE FROM notes WHERE id = ?", (lost,))
    assert warm.summaries() == load_catalog(vault, use_cache=False).summaries()
