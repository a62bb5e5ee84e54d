"""Bad input never crashes a command and never hides a note."""

from __future__ import annotations

import json

import pytest

CASES = {
    "malformed-yaml.md": (
        b"---\ntitle: Broken\ntags: [a, b\ndate: 2026-01-05\n---\nBody text\n",
        "malformed YAML front matter",
    ),
    "list-front-matter.md": (b"---\n- just\n- a list\n---\nBody\n", "not a mapping"),
    "latin1.md": (b"# Caf\xe9 notes\n\nDate: 2026-01-06\n\nna\xefve\n", "not valid UTF-8"),
    "bad-date.md": (b"# Odd date\n\nDate: next tuesday\n\nx\n", "unrecognised date"),
}


@pytest.fixture
def bad_vault(vault_copy):
    for name, (data, _) in CASES.items():
        (vault_copy / "memory" / name).write_bytes(data)
    (vault_copy / "memory" / "empty.md").write_bytes(b"")
    return vault_copy


def test_list_shows_every_note_and_warns(run, bad_vault):
    res = run(bad_vault, "list", "--json")
    assert res.exit_code == 0
    ids = {n["id"] for n in json.loads(res.stdout)}
    assert {f"memory/{name}" for name in CASES} | {"memory/empty.md"} <= ids
    for name, (_, problem) in CASES.items():
        assert any(
            line.startswith(f"warning: memory/{name}: ") and problem in line
            for line in res.stderr.splitlines()
        ), (name, res.stderr)


def test_malformed_yaml_salvages_simple_keys(run, bad_vault):
    out = json.loads(run(bad_vault, "show", "malformed-yaml", "--json").stdout)
    assert (out["title"], out["date"]) == ("Broken", "2026-01-05")
    assert out["body"] == "Body text\n"
    assert out["warnings"] == [
        "malformed YAML front matter (line 4: did not find expected ',' or ']'); "
        "only its simple 'key: value' lines were read"
    ]


def test_non_utf8_is_read_with_replacement(run, bad_vault):
    out = json.loads(run(bad_vault, "show", "latin1", "--json").stdout)
    assert out["title"] == "Caf\ufffd notes"
    assert out["date"] == "2026-01-06"
    assert out["warnings"] == [
        "not valid UTF-8 (byte 0xe9 at offset 5); undecodable bytes are shown as U+FFFD"
    ]


def test_empty_file(run, bad_vault):
    out = json.loads(run(bad_vault, "show", "memory/empty.md", "--json").stdout)
    assert out["title"] == "empty" and out["body"] == ""


def test_huge_file_is_listed_with_a_warning(run, vault_copy):
    big = vault_copy / "memory" / "huge.md"
    with open(big, "wb") as fh:
        fh.write(b"# Huge\n\nDate: 2026-01-07\n\n")
        fh.write((b"exosome data line " * 60 + b"\n") * 48_000)  # ~50 MB
    assert big.stat().st_size > 49 * 2**20
    res = run(vault_copy, "list", "--json")
    assert res.exit_code == 0
    listed = {n["id"]: n for n in json.loads(res.stdout)}["memory/huge.md"]
    assert listed == {"id": "memory/huge.md", "title": "Huge", "date": "2026-01-07",
                      "date_source": "metadata", "type": None, "parent": None}  # fmt: skip
    assert "warning: memory/huge.md: file is 4" in res.stderr
    assert "only the first 4 MiB is read" in res.stderr


def test_unreadable_file_is_listed(vault_copy):
    """As root the file would be readable anyway: the CLI then runs without the capabilities
    that let root ignore file permissions (setpriv drops them), as any other user would."""
    import os
    import shutil

    from conftest import run_process

    p = vault_copy / "memory" / "locked.md"
    p.write_text("# Locked\n", encoding="utf-8")
    p.chmod(0)
    wrap: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) is needed to test unreadable files as root"
        wrap = [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"]
    res = run_process(vault_copy, "list", "--json", wrap=wrap)
    assert res.exit_code == 0, res.stderr
    assert "memory/locked.md" in {n["id"] for n in json.loads(res.stdout)}
    assert "cannot read the file" in res.stderr


def test_binary_garbage_does_not_crash(run, vault_copy):
    (vault_copy / "memory" / "binary.md").write_bytes(bytes(range(256)) * 10)
    res = run(vault_copy, "list", "--json")
    assert res.exit_code == 0
    assert "memory/binary.md" in {n["id"] for n in json.loads(res.stdout)}


def test_fifo_named_like_a_note_is_skipped(run, vault_copy):
    import os

    os.mkfifo(vault_copy / "memory" / "pipe.md")
    res = run(vault_copy, "list", "--json")
    assert res.exit_code == 0
    assert "memory/pipe.md" not in {n["id"] for n in json.loads(res.stdout)}


def test_a_file_name_with_a_newline_stays_on_one_line(run, vault_copy):
    """Text output quotes such names as git does; JSON carries them as they are."""
    odd = vault_copy / "memory" / "two\nlines.md"
    odd.write_text("# Odd\n\n[hub](research/2026-02-14-skin-tech-trends.md)\n", encoding="utf-8")
    res = run(vault_copy, "list")
    assert res.exit_code == 0
    assert [ln for ln in res.stdout.splitlines() if "Odd" in ln] == [
        next(ln for ln in res.stdout.splitlines() if ln.endswith('"memory/two\\nlines.md"'))
    ]
    assert len(res.stdout.splitlines()) == 5
    listed = {n["id"] for n in json.loads(run(vault_copy, "list", "--json").stdout)}
    assert "memory/two\nlines.md" in listed
    back = run(vault_copy, "backlinks", "skin-tech-trends").stdout.splitlines()
    assert any(ln.startswith('"memory/two\\nlines.md":3') for ln in back), back
