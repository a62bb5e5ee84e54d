"""`graph -o`: never over a note or a non-regular file; `-` is standard output."""

from __future__ import annotations

import json
import os
import stat

import pytest
from conftest import snapshot

HUB = "memory/research/2026-02-14-skin-tech-trends.md"


@pytest.mark.parametrize("cwd_inside", [True, False])
def test_o_never_overwrites_a_note(run, vault_copy, cwd_inside):
    before = snapshot(vault_copy)
    target = HUB if cwd_inside else str(vault_copy / HUB)
    res = run(vault_copy, "graph", "-o", target, cwd=vault_copy if cwd_inside else None)
    assert res.exit_code == 1
    assert res.stderr.startswith("Error: ") and "is a note of the vault" in res.stderr
    assert snapshot(vault_copy) == before


def test_o_never_creates_a_note(run, vault_copy):
    res = run(vault_copy, "graph", "-o", str(vault_copy / "memory" / "graph.md"))
    assert res.exit_code == 1 and "among the notes" in res.stderr
    assert not (vault_copy / "memory" / "graph.md").exists()


def test_o_through_a_symlink_to_a_note_is_refused(run, vault_copy, tmp_path):
    link = tmp_path / "innocent.json"
    link.symlink_to(vault_copy / HUB)
    before = (vault_copy / HUB).read_bytes()
    res = run(vault_copy, "graph", "-o", str(link))
    assert res.exit_code == 1 and "note of the vault" in res.stderr
    assert (vault_copy / HUB).read_bytes() == before and link.is_symlink()


def test_o_refuses_devices_and_fifos(run, vault_copy, tmp_path):
    # A device of our own, like /dev/full (never the real one: a regression would replace it).
    if os.geteuid() == 0:
        device = tmp_path / "full"
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 7))
        res = run(vault_copy, "graph", "-o", str(device))
        assert res.exit_code == 1 and "not a regular file" in res.stderr
        assert stat.S_ISCHR(os.lstat(device).st_mode)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    res = run(vault_copy, "graph", "-o", str(fifo))
    assert res.exit_code == 1 and "not a regular file" in res.stderr


def test_o_dash_is_stdout(run, vault_copy, tmp_path):
    res = run(vault_copy, "graph", "-o", "-", cwd=tmp_path)
    assert res.exit_code == 0
    assert json.loads(res.stdout)["directed"] is True
    assert not (tmp_path / "-").exists()


def test_o_replaces_an_earlier_export(run, vault_copy, tmp_path):
    out = tmp_path / "graph.json"
    out.write_text("old export", encoding="utf-8")
    assert run(vault_copy, "graph", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["directed"] is True
