"""The walk started as a command starts (vault.walk_ahead): a child process's walk is the
walk the catalog would make, a command run as a process takes it over, and a search so run
sees every change made before it, as without it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GIT_ENV

from vault import walk_ahead
from vault.catalog.states import Walk
from vault.vault import open_vault, walk_folders


def walk_here(vault) -> tuple[Walk, list[tuple[str, str]]]:
    walk, skipped = Walk(), []
    for folder in walk_folders(vault, lambda i, why: skipped.append((i, why))):
        walk.extend(*folder)
    return walk, skipped


def test_the_walk_ahead_finds_what_the_walk_finds(vault_copy, tmp_path):
    notes = vault_copy / "memory"
    (notes / "deep" / "er").mkdir(parents=True)
    (notes / "deep" / "er" / "one.md").write_text("# One\n", encoding="utf-8")
    (notes / "deep" / "folder.md").mkdir()  # a folder, not a note
    (notes / "deep" / "folder.md" / "two.md").write_text("# Two\n", encoding="utf-8")
    (notes / ".hidden").mkdir()
    (notes / ".hidden" / "no.md").write_text("# No\n", encoding="utf-8")
    (notes / os.fsdecode(b"caf\xe9.md")).write_text("# Not UTF-8\n", encoding="utf-8")
    outside = tmp_path / "outside.md"
    outside.write_text("# Outside\n", encoding="utf-8")
    (notes / "link-out.md").symlink_to(outside)  # left out, and said so
    (notes / "link-in.md").symlink_to(notes / "deep" / "er" / "one.md")  # followed
    vault = open_vault(vault_copy)

    walk_ahead.start(vault)
    found = walk_ahead.taken(vault)
    assert found is not None
    ahead = Walk.of(found, str(vault.root))
    here, skipped = walk_here(vault)

    assert len(here.ids) >= 8 and "memory/deep/folder.md/two.md" in here.ids
    assert (ahead.ids, ahead.paths, ahead.packed_ids()) == (here.ids, here.paths, here.packed_ids())
    assert (ahead.times, ahead.inodes) == (here.times, here.inodes)
    assert ahead.states() == here.states()
    assert found.skipped == skipped and [i for i, _ in skipped] == ["memory/link-out.md"]
    assert walk_ahead.taken(vault) is None  # taken once


def test_a_dropped_walk_ahead_is_not_taken(vault_copy):
    vault = open_vault(vault_copy)
    walk_ahead.start(vault)
    walk_ahead.drop(vault)
    assert walk_ahead.taken(vault) is None


# Run as `vault` runs, recording whether the catalog's load took a walk ahead over.
PROBE = """import sys
from vault import walk_ahead
walk_ahead._spare_core = lambda: True  # whatever else this machine is running
taken = walk_ahead.taken
def recording(vault):
    found = taken(vault)
    open({out!r}, "a").write("taken\\n" if found is not None else "none\\n")
    return found
walk_ahead.taken = recording
sys.argv = ["vault", *{argv!r}]
from vault.__main__ import main
main()
"""


def search_process(root: Path, tmp_path: Path, *words: str) -> tuple[list[str], str]:
    """The ids a `vault search WORDS --paths` process prints, and what its load took."""
    stdout, taken = vault_process(root, tmp_path, "search", *words, "--paths")
    return stdout.split(), taken


def vault_process(root: Path, tmp_path: Path, *args: str) -> tuple[str, str]:
    """What a `vault ARGS` process prints on stdout, and what its load took."""
    out = tmp_path / "taken.txt"
    out.unlink(missing_ok=True)
    argv = ["--vault", str(root), *args]
    env = {**os.environ, **GIT_ENV, "VAULT_NO_SERVER": "1"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(out=str(out), argv=argv)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stdout, out.read_text(encoding="utf-8").strip()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the walk ahead is forked")
def test_a_search_process_takes_the_walk_ahead_and_sees_every_change(vault_copy, tmp_path):
    notes = vault_copy / "memory"
    note = notes / "quokka.md"
    note.write_text("# Quokka\n\nA note about wombats.\n", encoding="utf-8")
    assert search_process(vault_copy, tmp_path, "wombats") == (["memory/quokka.md"], "taken")

    # The same size, another word, the same mtime as before: the ctime still tells.
    before = note.stat()
    note.write_text("# Quokka\n\nA note about numbats.\n", encoding="utf-8")
    os.utime(note, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert search_process(vault_copy, tmp_path, "numbats") == (["memory/quokka.md"], "taken")
    assert search_process(vault_copy, tmp_path, "wombats") == ([], "taken")

    (notes / "bilby.md").write_text("# Bilby\n\nNumbats too.\n", encoding="utf-8")
    ids, taken = search_process(vault_copy, tmp_path, "numbats")
    assert (sorted(ids), taken) == (["memory/bilby.md", "memory/quokka.md"], "taken")
    note.rename(notes / "potoroo.md")
    ids, taken = search_process(vault_copy, tmp_path, "numbats")
    assert (sorted(ids), taken) == (["memory/bilby.md", "memory/potoroo.md"], "taken")
    (notes / "bilby.md").unlink()
    assert search_process(vault_copy, tmp_path, "numbats") == (["memory/potoroo.md"], "taken")


def test_only_a_command_that_walks_first_starts_a_walk(vault_copy, monkeypatch):
    monkeypatch.setattr(walk_ahead, "_spare_core", lambda: True)
    root = str(vault_copy)
    for argv in (
        ["--vault", root, "show", "memory/deep.md"],
        ["--vault", root, "search", "exosome", "--help"],
        ["--vault", root, "--version"],
        ["--vault", str(vault_copy / "no-such-folder"), "search", "exosome"],
    ):
        walk_ahead.start_for(argv)
        assert walk_ahead._ahead == {}, argv
    walk_ahead.start_for([f"--vault={root}", "list", "--json"])
    vault = open_vault(vault_copy)
    assert list(walk_ahead._ahead) == [(str(vault.root), str(vault.notes_dir))]
    walk_ahead.drop(vault)


def test_no_walk_ahead_without_a_core_to_spare(vault_copy, monkeypatch):
    monkeypatch.setattr(os, "getloadavg", lambda: (3.0, 2.0, 2.0))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    walk_ahead.start_for(["--vault", str(vault_copy), "search", "exosome"])
    assert walk_ahead._ahead == {}
    monkeypatch.setattr(os, "getloadavg", lambda: (2.5, 2.0, 2.0))
    walk_ahead.start_for(["--vault", str(vault_copy), "search", "exosome"])
    assert len(walk_ahead._ahead) == 1
    walk_ahead.drop(open_vault(vault_copy))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the walk ahead is forked")
def test_a_move_to_recover_drops_the_walk_ahead(git_vault, tmp_path):
    from test_mv_recovery import HUB, HUB_NEW, _kill

    _kill(git_vault, "moved-first", HUB, HUB_NEW)  # the hub is moved, the move unfinished
    stdout, taken = vault_process(git_vault, tmp_path, "list", "--json")
    # The move was undone before the notes were read: the walk of the moved ones is not used.
    assert (HUB in stdout, HUB_NEW in stdout, taken) == (True, False, "none")
