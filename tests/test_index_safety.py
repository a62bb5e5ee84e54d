"""The search index is data that cannot run code, read from outside the vault, and a state
folder that cannot be written never blocks a search (issue 11)."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GIT_ENV, run_process, state_dir
from search_helpers import ids_of, write_note

from vault.search.manifest import MANIFEST


class _Payload:
    """Unpickling this runs a shell command that leaves a marker file."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def crafted(marker: Path) -> bytes:
    return pickle.dumps(_Payload(marker))


# --- data only -------------------------------------------------------------------------------


def test_the_manifest_is_sqlite_and_no_pickle_beside_it_is_read(run, vault_copy, tmp_path):
    assert run(vault_copy, "index").exit_code == 0
    folder = state_dir(vault_copy) / "index"
    with open(folder / MANIFEST, "rb") as fh:
        assert fh.read(16) == b"SQLite format 3\x00"
    assert not list(folder.glob("*.pickle"))
    # A pickle where earlier versions kept the manifest is never opened: not when the index
    # is up to date, not when a note changed, not when the index is rebuilt.
    marker = tmp_path / "pwned"
    (folder / "manifest.pickle").write_bytes(crafted(marker))
    assert run(vault_copy, "search", "exosome").exit_code == 0
    write_note(vault_copy, "memory/posts/new.md", "New", "Quillaja bark.")
    assert run(vault_copy, "search", "quillaja", "--paths").stdout == "memory/posts/new.md\n"
    assert run(vault_copy, "index", "--rebuild").exit_code == 0
    assert not marker.exists()


OPENED = """
import json, os, sys
root = os.path.realpath(sys.argv[1])
seen = []

def hook(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.fsdecode(args[0])
        if not os.path.isabs(path):
            path = os.path.join(os.getcwd(), path)
        seen.append(os.path.realpath(path))

sys.addaudithook(hook)
from vault.cli import main
sys.argv = ["vault", "--vault", root, *sys.argv[2:]]
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
print(json.dumps(sorted({p for p in seen if p == root or p.startswith(root + os.sep)})),
      file=sys.stderr)
sys.exit(code)
"""


def opened_in_vault(root: Path, *args: str) -> tuple[int, list[str]]:
    """Run `vault ARGS` in a child that records every file it opens; those inside the vault
    folder, relative to it."""
    proc = subprocess.run(
        [sys.executable, "-c", OPENED, str(root), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV},
        timeout=120,
    )
    paths = json.loads(proc.stderr.strip().splitlines()[-1])
    real = os.path.realpath(root)
    return proc.returncode, [os.path.relpath(p, real) for p in paths]


def test_search_reads_nothing_in_the_vault_folder_but_the_notes(vault_copy, tmp_path):
    """Crafted derived files in the vault (where earlier versions kept them: a pickled
    manifest and Whoosh table of contents) are never opened, let alone unpickled."""
    marker = tmp_path / "pwned"
    planted = vault_copy / ".vault" / "index"
    planted.mkdir(parents=True)
    for name in ("manifest.pickle", "_MAIN_1.toc", "manifest.sqlite3"):
        (planted / name).write_bytes(crafted(marker))
    notes = {p.relative_to(vault_copy).as_posix() for p in vault_copy.glob("memory/**/*.md")}
    for args in (
        ["index", "--rebuild"],
        ["search", "exosome"],
        ["search", "exosme"],  # no hits: the spelling suggestion
        ["related", "exosomes-deep-dive"],
        ["index"],
    ):
        code, opened = opened_in_vault(vault_copy, *args)
        assert code == 0, args
        # Folders are opened to be listed (the walk stats each note relative to its folder).
        read = {p for p in opened if not (vault_copy / p).is_dir()}
        assert read <= notes, (args, read - notes)
        assert ".vault/index" not in opened and ".vault" not in opened  # not even listed
    assert not marker.exists()


# --- a state folder that cannot be written -----------------------------------------------------


def without_root_powers() -> list[str]:
    """As root, file permissions are not checked: run the CLI without the capabilities that
    let root ignore them (as tests/test_bad_input.py does)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to test read-only folders as root"
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"]


def read_only(folder: Path) -> None:
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), 0o444)
        os.chmod(dirpath, 0o555)


def writable(folder: Path) -> None:
    for dirpath, _, filenames in os.walk(folder):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), 0o644)


@pytest.fixture
def locked_state(vault_copy):
    """The example vault indexed, then its state folder made read-only (restored after)."""
    assert run_process(vault_copy, "index").exit_code == 0
    state = state_dir(vault_copy)
    read_only(state)
    yield vault_copy
    writable(state)


def test_read_only_state_folder_searches_a_temporary_copy(locked_state):
    root = locked_state
    wrap = without_root_powers()
    # Nothing changed: the index is searched as it is, without a word.
    res = run_process(root, "search", "exosome", "--paths", wrap=wrap)
    assert res.exit_code == 0, res.stderr
    assert len(ids_of(res.stdout)) == 4 and res.stderr == ""
    # A new note: the index cannot take it, a temporary copy does, with one warning.
    write_note(root, "memory/posts/new.md", "New", "Quillaja bark foams.")
    res = run_process(root, "search", "quillaja", "--paths", wrap=wrap)
    assert res.exit_code == 0, res.stderr
    assert res.stdout == "memory/posts/new.md\n"
    lines = res.stderr.splitlines()
    assert len(lines) == 1, res.stderr
    assert "cannot write the search index" in lines[0] and "temporary index" in lines[0]
    res = run_process(root, "related", "memory/posts/new.md", "--json", wrap=wrap)
    assert res.exit_code == 0, res.stderr
    # The explicit command says what is wrong and how to fix it.
    res = run_process(root, "index", wrap=wrap)
    assert res.exit_code == 1
    assert res.stderr.startswith("Error: cannot write the search index in ")
    assert "Traceback" not in res.stderr


def test_no_state_folder_possible_builds_a_temporary_index(vault_copy, tmp_path):
    """The cache folder itself is read-only: there is no index and none can be made."""
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o555)
    try:
        env = {"VAULT_CACHE_DIR": str(cache)}
        res = run_process(
            vault_copy, "search", "exosome", "--paths", env=env, wrap=without_root_powers()
        )
    finally:
        cache.chmod(0o755)
    assert res.exit_code == 0, res.stderr
    assert len(ids_of(res.stdout)) == 4
    assert [line for line in res.stderr.splitlines() if "search index" in line] == [
        line for line in res.stderr.splitlines() if "temporary index (built afresh)" in line
    ]
    assert "cannot write the search index" in res.stderr
    assert not list(cache.iterdir())
    # No hits: the spelling suggestion has no index to look in, and says nothing.
    cache.chmod(0o555)
    try:
        res = run_process(vault_copy, "search", "exosme", env=env, wrap=without_root_powers())
    finally:
        cache.chmod(0o755)
    assert res.exit_code == 0, res.stderr
    assert "No notes match." in res.stderr and "Traceback" not in res.stderr
