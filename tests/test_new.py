"""`vault new`: where the file goes, what it contains, git, collisions, concurrency, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GIT_ENV, git, run_process
from conftest import snapshot as tree

HUB = "memory/research/2026-02-14-skin-tech-trends.md"
TEMPLATE = "## Summary\n\n\n## Details\n\n\n## Evidence and sources\n\n\n## Open questions\n"


def test_new_supplement_in_git_commits_exactly_that_file(run, git_vault):
    res = run(
        git_vault,
        "new",
        "--parent",
        HUB,
        "--title",
        "Exosome Stability: Room Temperature",
        "--date",
        "2026-03-01",
        "--tag",
        "exosomes",
        "--tag",
        "#stability",
        "--json",
        input="Lyophilised exosomes keep for months.\n",
    )
    assert res.exit_code == 0, res.stderr
    out = json.loads(res.stdout)
    new_id = "memory/research/2026-03-01-exosome-stability-room-temperature.md"
    assert out == {
        "id": new_id,
        "path": str(git_vault / new_id),
        "title": "Exosome Stability: Room Temperature",
        "date": "2026-03-01",
        "type": "Technical Supplement",
        "parent": HUB,
        "commit": out["commit"],
    }
    assert (git_vault / new_id).read_text(encoding="utf-8") == (
        "# Exosome Stability: Room Temperature\n"
        "\n"
        "Date: 2026-03-01\n"
        "Type: Technical Supplement\n"
        f"Parent: {HUB}\n"
        "Tags: exosomes, stability\n"
        "\n"
        "Lyophilised exosomes keep for months.\n"
    )
    assert git(git_vault, "rev-parse", "HEAD").strip() == out["commit"]
    assert git(git_vault, "log", "-1", "--format=%s").strip() == f"vault: add {new_id}"
    assert git(git_vault, "show", "--name-only", "--format=", "HEAD").split() == [new_id]
    assert git(git_vault, "rev-list", "--count", "HEAD").strip() == "2"
    assert git(git_vault, "status", "--porcelain").strip() == ""
    # The new note is read back the same way: a child of the hub.
    shown = json.loads(run(git_vault, "show", HUB, "--json").stdout)
    assert new_id in shown["children"]


def test_new_leaves_other_staged_and_modified_files_alone(run, git_vault):
    (git_vault / "memory" / "staged.md").write_text("# Staged\n", encoding="utf-8")
    git(git_vault, "add", "memory/staged.md")
    deep = git_vault / "memory/research/2026-02-14-exosomes-deep-dive.md"
    deep.write_bytes(deep.read_bytes() + b"\nlocal edit\n")
    (git_vault / "untracked.txt").write_text("scratch", encoding="utf-8")
    before = git(git_vault, "status", "--porcelain")

    res = run(git_vault, "new", "--parent", HUB, "--title", "Only Me", "--date", "2026-03-02")
    assert res.exit_code == 0, res.stderr
    new_id = res.stdout.strip()
    assert git(git_vault, "show", "--name-only", "--format=", "HEAD").split() == [new_id]
    assert git(git_vault, "status", "--porcelain") == before
    assert b"local edit" in deep.read_bytes()


def test_new_with_template_body_and_default_date(run, vault_copy):
    import datetime as dt

    res = run(vault_copy, "new", "--parent", HUB, "--title", "Template Body", "--json")
    assert res.exit_code == 0, res.stderr
    out = json.loads(res.stdout)
    today = dt.date.today().isoformat()
    assert out["date"] == today and out["commit"] is None
    text = (vault_copy / out["id"]).read_text(encoding="utf-8")
    assert text.endswith("\n\n" + TEMPLATE)


def test_new_outside_git_writes_without_committing(run, vault_copy):
    res = run(vault_copy, "new", "--parent", HUB, "--title", "No Git", "--date", "2026-03-03")
    assert res.exit_code == 0, res.stderr
    assert res.stdout.strip() == "memory/research/2026-03-03-no-git.md"
    assert res.stderr == ""
    assert not (vault_copy / ".git").exists()


def test_no_commit_flag(run, git_vault):
    res = run(git_vault, "new", "--parent", HUB, "--title", "Later", "--no-commit", "--json")
    assert json.loads(res.stdout)["commit"] is None
    assert git(git_vault, "rev-list", "--count", "HEAD").strip() == "1"
    assert "?? memory/research/" in git(git_vault, "status", "--porcelain")


def test_root_note_without_parent(run, vault_copy):
    res = run(vault_copy, "new", "--title", "Reading List", "--date", "2026-04-01", "--json")
    out = json.loads(res.stdout)
    assert out["id"] == "memory/2026-04-01-reading-list.md"
    assert out["type"] == "Note" and out["parent"] is None
    text = (vault_copy / out["id"]).read_text(encoding="utf-8")
    assert text.startswith("# Reading List\n\nDate: 2026-04-01\nType: Note\n\n## Summary")


def test_yaml_style(run, vault_copy):
    res = run(
        vault_copy,
        "new",
        "--parent",
        HUB,
        "--title",
        "Ünïcode: 'quotes' & more",
        "--date",
        "2026-03-04",
        "--yaml",
        "--type",
        "Lab Note",
        "--tag",
        "a",
        input="Body.",
    )
    new_id = res.stdout.strip()
    assert new_id == "memory/research/2026-03-04-unicode-quotes-more.md"
    assert (vault_copy / new_id).read_text(encoding="utf-8") == (
        "---\n"
        "title: 'Ünïcode: ''quotes'' & more'\n"
        "date: 2026-03-04\n"
        "type: Lab Note\n"
        f"parent: {HUB}\n"
        "tags:\n- a\n"
        "---\n\n"
        "# Ünïcode: 'quotes' & more\n\n"
        "Body.\n"
    )
    shown = json.loads(run(vault_copy, "show", new_id, "--json").stdout)
    assert (shown["title"], shown["date"], shown["type"], shown["parent"]) == (
        "Ünïcode: 'quotes' & more",
        "2026-03-04",
        "Lab Note",
        HUB,
    )


def test_body_file(run, vault_copy, tmp_path):
    body = tmp_path / "body.md"
    body.write_text("From a file.\n", encoding="utf-8")
    res = run(vault_copy, "new", "--parent", HUB, "--title", "F", "--body-file", str(body))
    assert (
        (vault_copy / res.stdout.strip()).read_text(encoding="utf-8").endswith("\n\nFrom a file.\n")
    )


def test_edit_opens_editor_before_commit(run, git_vault, tmp_path, monkeypatch):
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "edited by hand\\n" >> "$1"\n', encoding="utf-8")
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    res = run(git_vault, "new", "--parent", HUB, "--title", "Edited", "--edit", input="x\n")
    assert res.exit_code == 0, res.stderr
    new_id = res.stdout.strip()
    committed = git(git_vault, "show", f"HEAD:{new_id}")
    assert committed.endswith("x\nedited by hand\n")


def test_collisions_get_numbered_names(run, vault_copy):
    ids = []
    for _ in range(3):
        res = run(vault_copy, "new", "--parent", HUB, "--title", "Same", "--date", "2026-03-05")
        assert res.exit_code == 0, res.stderr
        ids.append(res.stdout.strip())
    assert ids == [
        "memory/research/2026-03-05-same.md",
        "memory/research/2026-03-05-same-2.md",
        "memory/research/2026-03-05-same-3.md",
    ]


def test_existing_file_is_never_overwritten(run, vault_copy):
    taken = vault_copy / "memory/research/2026-03-06-taken.md"
    taken.write_text("precious\n", encoding="utf-8")
    res = run(vault_copy, "new", "--parent", HUB, "--title", "Taken", "--date", "2026-03-06")
    assert res.stdout.strip() == "memory/research/2026-03-06-taken-2.md"
    assert taken.read_text(encoding="utf-8") == "precious\n"


def test_concurrent_new_processes_both_succeed(git_vault):
    """Several processes at once, same title: distinct files, one commit each, nothing lost."""
    argv = [sys.executable, "-m", "vault", "--vault", str(git_vault), "new", "--parent", HUB]
    argv += ["--title", "Race", "--date", "2026-03-07", "--json"]
    env = {**os.environ, **GIT_ENV}
    procs = [
        subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for _ in range(4)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [o[1] for o in outs]
    ids = sorted(json.loads(o[0])["id"] for o in outs)
    assert ids == sorted(f"memory/research/2026-03-07-race{s}.md" for s in ("", "-2", "-3", "-4"))
    assert all(json.loads(o[0])["commit"] for o in outs)
    assert git(git_vault, "rev-list", "--count", "HEAD").strip() == "5"
    assert git(git_vault, "status", "--porcelain").strip() == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--parent", "no-such-note", "--title", "X"], "Error: no note matches 'no-such-note'"),
        (["--parent", "skin-tech-trend", "--title", "X"], f"did you mean: {HUB}"),
        (["--parent", HUB, "--title", "   "], "Error: the title is empty"),
        (
            ["--parent", HUB, "--title", "X", "--date", "2026-02-30"],
            "Error: bad --date '2026-02-30'",
        ),
        (["--parent", HUB, "--title", "X", "--date", "14/02/2026"], "use YYYY-MM-DD"),
        (["--parent", "../../etc/passwd", "--title", "X"], "no note matches"),
        (["--parent", "", "--title", "X"], "Error: the parent reference is empty"),
    ],
)
def test_errors_write_nothing(run, vault_copy, args, message):
    before = tree(vault_copy)
    res = run(vault_copy, "new", *args)
    assert res.exit_code == 1
    assert message in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert res.stdout == ""
    assert tree(vault_copy) == before


def test_ambiguous_parent_lists_candidates(run, vault_copy):
    for folder in ("a", "b"):
        (vault_copy / "memory" / folder).mkdir()
        (vault_copy / "memory" / folder / "hub.md").write_text("# Hub\n", encoding="utf-8")
    before = tree(vault_copy)
    res = run(vault_copy, "new", "--parent", "hub", "--title", "X")
    assert res.exit_code == 1
    assert res.stderr.strip() == (
        "Error: 'hub' matches 2 notes: memory/a/hub.md, memory/b/hub.md; give the full id"
    )
    assert tree(vault_copy) == before


def test_bad_body_file_is_an_error(run, vault_copy, tmp_path):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(b"caf\xe9\n")
    before = tree(vault_copy)
    res = run(vault_copy, "new", "--parent", HUB, "--title", "X", "--body-file", str(bad))
    assert res.exit_code == 1
    assert "not valid UTF-8 (byte 0xe9 at offset 3)" in res.stderr
    assert tree(vault_copy) == before


def test_parent_folder_symlinked_outside_is_refused(run, vault_copy, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "hub.md").write_text("# Outside hub\n", encoding="utf-8")
    (vault_copy / "memory" / "linked.md").symlink_to(outside / "hub.md")
    res = run(vault_copy, "new", "--parent", "linked", "--title", "X")
    # The symlink points outside the vault, so it is not a note at all.
    assert res.exit_code == 1 and "no note matches 'linked'" in res.stderr
    assert sorted(p.name for p in outside.iterdir()) == ["hub.md"]


def test_commit_failure_keeps_the_note_and_says_why(run, git_vault, trust):
    trust(git_vault)
    hook = git_vault / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'hook says no' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    res = run(git_vault, "new", "--parent", HUB, "--title", "Hooked", "--json")
    assert res.exit_code == 0
    out = json.loads(res.stdout)
    assert out["commit"] is None
    assert (git_vault / out["id"]).exists()
    assert "was written but not committed" in res.stderr and "hook says no" in res.stderr


def test_new_as_a_process_reads_stdin(git_vault):
    res = run_process(git_vault, "new", "--parent", HUB, "--title", "Piped", input="piped body")
    assert res.exit_code == 0, res.stderr
    text = (git_vault / res.stdout.strip()).read_text(encoding="utf-8")
    assert text.endswith("\n\npiped body\n")


def test_new_racing_a_move_of_its_parent_never_leaves_a_dangling_parent(git_vault):
    """`new` resolves the parent under the vault's write lock that `mv` holds."""
    env = {**os.environ, **GIT_ENV}
    base = [sys.executable, "-m", "vault", "--vault", str(git_vault)]
    mv = subprocess.Popen(
        [*base, "mv", HUB, "memory/hubs/skin-tech.md"], env=env, stderr=subprocess.PIPE
    )
    new = subprocess.Popen(
        [*base, "new", "--parent", "Skin-Tech Trends 2026: Research Hub", "--title", "Racer"]
        + ["--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    new_out, new_err = new.communicate(timeout=120)
    mv.communicate(timeout=120)
    assert mv.returncode == 0
    assert new.returncode == 0, new_err  # the title names the hub wherever it lives
    created = json.loads(new_out)
    res = run_process(git_vault, "show", created["id"], "--json")
    assert json.loads(res.stdout)["parent"] == "memory/hubs/skin-tech.md"
    assert git(git_vault, "status", "--porcelain").strip() == ""


def test_an_exact_parent_id_and_a_resolved_reference_give_the_same_note(run, git_vault):
    """`new` skips reading the catalog for an exact id: the result must not differ."""
    by_id = json.loads(run(git_vault, "new", "--parent", HUB, "--title", "A", "--json").stdout)
    by_stem = run(git_vault, "new", "--parent", "skin-tech-trends", "--title", "A", "--json")
    by_stem = json.loads(by_stem.stdout)
    assert by_id["parent"] == by_stem["parent"] == HUB
    assert by_stem["id"] == by_id["id"].replace(".md", "-2.md")
    a = (git_vault / by_id["id"]).read_text(encoding="utf-8")
    b = (git_vault / by_stem["id"]).read_text(encoding="utf-8")
    assert a == b


@pytest.mark.parametrize(
    "ref",
    ["memory/.hidden/x.md", "memory/../outside.md", "memory/research", "memory/missing.md"],
)
def test_an_exact_looking_parent_that_is_not_a_note_is_not_taken(run, git_vault, ref):
    (git_vault / "memory" / ".hidden").mkdir()
    (git_vault / "memory" / ".hidden" / "x.md").write_text("# Hidden\n")
    (git_vault / "outside.md").write_text("# Outside\n")
    res = run(git_vault, "new", "--parent", ref, "--title", "Nope")
    assert res.exit_code == 1 and "no note matches" in res.stderr


def test_a_note_holding_conflict_markers_is_never_committed(run, git_vault):
    """Markers outside code stay on disk, uncommitted, with the reason; in a fence they are
    an example, and commit as any text."""
    from conftest import git

    markers = "<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> other\n"
    res = run(git_vault, "new", "--title", "Markers", "--body-file", "-", input=markers)
    assert res.exit_code == 0
    assert "holds git conflict markers (line 6)" in res.stderr
    assert git(git_vault, "status", "--porcelain").startswith("?? memory/")
    fenced = "Example:\n\n```\n" + markers + "```\n"
    res = run(git_vault, "new", "--title", "Fenced", "--body-file", "-", input=fenced)
    assert res.exit_code == 0 and "conflict markers" not in res.stderr
    assert "fenced" in git(git_vault, "log", "-1", "--name-only", "--format=")


@pytest.mark.parametrize("body", [":\r\r\nType: Hijack", "one\rtwo\r\n\rthree"])
def test_a_body_with_lone_carriage_returns_reads_back_as_written(vault_copy, body):
    """A lone CR is a line end to every reader (and to vault's): the note is written with
    "\\n" there, not left with a CR that the next "\\n" would turn into a CRLF line."""
    from vault.notes import read_note

    res = run_process(vault_copy, "new", "--title", "Ends", "--no-commit", "--json", input=body)
    assert res.exit_code == 0, res.stderr
    made = json.loads(res.stdout)
    data = Path(made["path"]).read_bytes()
    assert b"\r" not in data
    want = body.replace("\r\n", "\n").replace("\r", "\n")
    assert read_note(Path(made["path"]), made["id"]).body.strip("\n").endswith(want)
