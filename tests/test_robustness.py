"""Nothing a vault or an agent sends crashes vault or writes what nobody asked (issue 24):
file names that are not UTF-8, control characters in what is printed, deep Parent chains,
bad `mv` targets, long titles, unwritable folders, a stale git index lock, a bare
repository, an editor that fails."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import git, init_repo, run_process, snapshot


def _write_bytes_name(folder: Path, name: bytes, data: bytes) -> None:
    fd = os.open(os.fsencode(folder) + b"/" + name, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


# --- file names that are not UTF-8 ----------------------------------------------------------


def test_a_note_named_in_latin1_does_not_break_the_vault(vault_copy, run) -> None:
    _write_bytes_name(vault_copy / "memory", b"caf\xe9.md", b"# Cafe\n\nDate: 2026-01-02\n")
    res = run(vault_copy, "list")
    assert res.exit_code == 0, res.stderr
    assert "2026-01-02  -" in res.stdout and '"memory/caf\\xe9.md"' in res.stdout
    listed = run(vault_copy, "list", "--json")
    assert listed.exit_code == 0
    ids = [n["id"] for n in json.loads(listed.stdout)]
    assert "memory/caf\udce9.md" in ids  # JSON's escape, read back as the name os.fsdecode gives
    assert "\\udce9" in listed.stdout
    shown = run(vault_copy, "show", os.fsdecode(b"memory/caf\xe9.md"))
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.startswith("Cafe\n") and '"memory/caf\\xe9.md"' in shown.stdout
    checked = run(vault_copy, "check")
    assert "Traceback" not in checked.stderr and '"memory/caf\\xe9.md"' in checked.stdout


def test_a_vault_folder_named_in_latin1(tmp_path, vault_copy, run) -> None:
    root = Path(os.fsdecode(os.fsencode(tmp_path) + b"/r\xe9sum\xe9"))
    shutil.copytree(vault_copy, root)
    for args in (("list",), ("show", "skin-tech-trends")):
        res = run(root, *args)
        assert res.exit_code == 0, (args, res.stderr)
    checked = run(root, "check")  # the example vault has one broken link: exit 1, a report
    assert checked.stderr == "2 problems: 1 error, 1 warning.\n"


# --- control characters reach no terminal ---------------------------------------------------

EVIL = "Evil \x1b]0;pwned\x07title\x1b[2J"


def test_control_characters_are_escaped_on_the_terminal_only(tmp_path, run) -> None:
    root = tmp_path / "v"
    (root / "memory").mkdir(parents=True)
    (root / "memory" / "hub.md").write_text("# Hub\n\nDate: 2026-01-01\n", encoding="utf-8")
    (root / "memory" / "evil.md").write_text(
        f"# {EVIL}\n\nDate: 2026-01-02\nType: bad\x1b[31mtype\nParent: hub\n\n"
        "body with \x1b]8;;http://x\x07 a link\x9b and evil words\n",
        encoding="utf-8",
    )
    _write_bytes_name(root / "memory", b"name\x1b[2J.md", b"# Plain\n\nevil words\n")
    for args in (("list",), ("show", "evil"), ("tree",), ("search", "evil")):
        res = run(root, *args)
        assert res.exit_code == 0, (args, res.stderr)
        out = res.stdout + res.stderr
        assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out, (args, out)
        assert "\\x1b" in out, args
    listed = run(root, "list", "--json")
    assert EVIL in [n["title"] for n in json.loads(listed.stdout)]  # JSON as JSON escapes it


# --- a Parent chain deeper than Python's stack ----------------------------------------------


def test_tree_of_a_parent_chain_500_deep(tmp_path, run) -> None:
    notes = tmp_path / "v" / "memory"
    notes.mkdir(parents=True)
    for n in range(500):
        parent = f"Parent: n{n - 1}\n" if n else ""
        (notes / f"n{n}.md").write_text(f"# Note {n}\n\n{parent}", encoding="utf-8")
    res = run(notes.parent, "tree")
    assert res.exit_code == 0, res.stderr
    assert len(res.stdout.splitlines()) == 500
    assert "Note 499" in res.stdout.splitlines()[-1]
    as_json = run(notes.parent, "tree", "--json")
    assert as_json.exit_code == 0, as_json.stderr
    # (json.loads itself stops at Python's recursion limit: the text says how deep it goes.)
    last = [ln for ln in as_json.stdout.splitlines() if '"memory/n499.md"' in ln]
    assert last == [" " * (2 + 4 * 499 + 2) + '"id": "memory/n499.md",']
