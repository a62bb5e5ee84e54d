"""`vault append`: text added at the end of a note or of one section, and no other byte
changed; a stale expected hash, a missing or repeated section refused with nothing written."""

from __future__ import annotations

import hashlib
import json
import os

import pytest
from conftest import git, snapshot

from vault.append import append_to_note, find_headings, plan_append
from vault.errors import GitError, InvalidInput
from vault.model import AppendRequest
from vault.notes import read_note
from vault.vault import open_vault

DEEP = "memory/research/2026-02-14-exosomes-deep-dive.md"
HUB = "memory/research/2026-02-14-skin-tech-trends.md"
POST = "memory/posts/2026-01-11-exosomes-in-k-beauty.md"


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def without(new: bytes, inserted: bytes) -> bytes:
    """`new` with the one inserted block taken out: what must equal the old bytes."""
    at = new.find(inserted)
    assert at >= 0 and new.find(inserted, at + 1) < 0
    return new[:at] + new[at + len(inserted) :]


# --- through the CLI -----------------------------------------------------------------------------


def test_append_at_the_end_commits_exactly_that_note(run, git_vault):
    path = git_vault / DEEP
    before = path.read_bytes()
    (git_vault / "memory/scratch.md").write_text("# Scratch\n", encoding="utf-8")
    res = run(git_vault, "append", "exosomes-deep-dive", "--json", input="Trehalose helps.\n")
    assert res.exit_code == 0, res.stderr
    out = json.loads(res.stdout)
    after = path.read_bytes()
    assert after == before.rstrip(b"\n") + b"\n\nTrehalose helps.\n"
    assert out["id"] == DEEP and out["section"] is None
    assert out["sha256"] == hashlib.sha256(after).hexdigest()
    assert after.decode().split("\n")[out["line"] - 1] == "Trehalose helps."
    assert git(git_vault, "log", "-1", "--format=%H %s").split(" ", 1) == [
        out["commit"],
        f"vault: append to {DEEP}\n",
    ]
    assert git(git_vault, "show", "--name-only", "--format=", "HEAD").split() == [DEEP]
    assert "?? memory/scratch.md" in git(git_vault, "status", "--porcelain")


def test_append_human_output(run, git_vault):
    res = run(git_vault, "append", DEEP, input="More.\n")
    assert res.exit_code == 0, res.stderr
    assert res.stdout == DEEP + "\n"
    assert f"appended at the end of {DEEP}" in res.stderr and "committed" in res.stderr


def test_append_to_a_section_ends_it_before_the_next_heading_of_its_level(run, vault_copy):
    path = vault_copy / HUB
    before = path.read_bytes()
    res = run(vault_copy, "append", HUB, "--section", "trends WE follow", "--json", input="X\n")
    assert res.exit_code == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["section"] == "## Trends we follow"
    text = path.read_text(encoding="utf-8")
    # After the last ### subsection's text, before "## How to add to this hub".
    assert "market themselves on this mechanism.\n\nX\n\n## How to add to this hub" in text
    assert without(path.read_bytes(), b"\nX\n") == before
    assert read_note(path, HUB).record.tags == ("skincare", "k-beauty", "regenerative")


def test_section_may_be_given_with_its_hashes(run, vault_copy):
    heading = "### PDRN (polydeoxyribonucleotide)"
    res = run(vault_copy, "append", HUB, "--section", heading, input="Y")
    assert res.exit_code == 0, res.stderr
    text = (vault_copy / HUB).read_text(encoding="utf-8")
    assert "in Korean clinics. No supplement yet.\n\nY\n\n### Senolytics" in text


def test_front_matter_untouched_byte_for_byte(run, vault_copy):
    path = vault_copy / POST
    before = path.read_bytes()
    head = before[: before.index(b"---", 3) + 4]
    meta = read_note(path, POST).record.meta
    res = run(vault_copy, "append", POST, "--section", "What Are Exosomes?", input="Z\n")
    assert res.exit_code == 0, res.stderr
    after = path.read_bytes()
    assert after.startswith(head)
    assert without(after, b"\nZ\n") == before
    assert read_note(path, POST).record.meta == meta


def test_missing_section_lists_the_headings_and_writes_nothing(run, git_vault):
    before = snapshot(git_vault)
    res = run(git_vault, "append", DEEP, "--section", "Nope", input="text\n")
    assert res.exit_code == 1
    assert res.stderr.startswith(f"Error: no section 'Nope' in {DEEP}; its headings: ")
    assert "'## 1. Mechanism of Action'" in res.stderr and "'### B. Plant-Derived" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert snapshot(git_vault) == before
    assert git(git_vault, "status", "--porcelain") == ""


def test_duplicated_section_refused(run, vault_copy):
    path = vault_copy / "memory/dup.md"
    path.write_text("# Dup\n\n## Notes\n\na\n\n## Other\n\n### notes\n\nb\n", encoding="utf-8")
    before = path.read_bytes()
    res = run(vault_copy, "append", "memory/dup.md", "--section", "Notes", input="text\n")
    assert res.exit_code == 1
    assert "2 sections of memory/dup.md are headed 'Notes' (lines 3, 9)" in res.stderr
    assert "its headings: '# Dup', '## Notes', '## Other', '### notes'" in res.stderr
    assert path.read_bytes() == before


def test_headings_in_code_blocks_are_not_headings(run, vault_copy):
    path = vault_copy / "memory/code.md"
    path.write_text(
        "# Code\n\n## Real\n\n```sh\n# not a heading\n## Fake\n```\n\n~~~~\n## Fake\n~~~\n~~~~\n"
        "\n    ## indented code\n\n## After\n\nend\n",
        encoding="utf-8",
    )
    res = run(vault_copy, "append", "memory/code.md", "--section", "Fake", input="t\n")
    assert res.exit_code == 1
    assert "its headings: '# Code', '## Real', '## After'" in res.stderr
    res = run(vault_copy, "append", "memory/code.md", "--section", "Real", input="t\n")
    assert res.exit_code == 0, res.stderr
    assert "## indented code\n\nt\n\n## After\n" in path.read_text(encoding="utf-8")


def test_stale_hash_refused_naming_the_current_one(run, git_vault):
    path = git_vault / DEEP
    read = json.loads(run(git_vault, "show", DEEP, "--json").stdout)["sha256"]
    assert read == sha(path)
    path.write_bytes(path.read_bytes() + b"\nAn edit made meanwhile.\n")
    before = snapshot(git_vault)
    res = run(git_vault, "append", DEEP, "--expect-sha256", read, input="late\n")
    assert res.exit_code == 1
    assert f"its sha256 is now {sha(path)}, not {read}" in res.stderr
    assert "nothing was written" in res.stderr
    assert snapshot(git_vault) == before
    res = run(git_vault, "append", DEEP, "--expect-sha256", sha(path).upper(), input="ok\n")
    assert res.exit_code == 0, res.stderr


def test_bad_hash_and_empty_text_refused(run, vault_copy):
    before = snapshot(vault_copy)
    res = run(vault_copy, "append", DEEP, "--expect-sha256", "abc", input="x")
    assert res.exit_code == 1 and "bad expected sha256 'abc'" in res.stderr
    res = run(vault_copy, "append", DEEP, input="\n  \n")
    assert res.exit_code == 1 and "nothing to append" in res.stderr
    assert snapshot(vault_copy) == before


def test_no_commit(run, git_vault):
    head = git(git_vault, "rev-parse", "HEAD")
    res = run(git_vault, "append", DEEP, "--no-commit", "--json", input="x\n")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["commit"] is None
    assert git(git_vault, "rev-parse", "HEAD") == head
    assert git(git_vault, "status", "--porcelain").strip() == f"M {DEEP}"


def test_body_file(run, vault_copy, tmp_path):
    (tmp_path / "add.md").write_text("From a file.\n", encoding="utf-8")
    res = run(vault_copy, "append", DEEP, "--body-file", str(tmp_path / "add.md"))
    assert res.exit_code == 0, res.stderr
    assert (vault_copy / DEEP).read_text(encoding="utf-8").endswith("\n\nFrom a file.\n")


def test_not_utf8_refused(run, vault_copy):
    path = vault_copy / "memory/latin.md"
    path.write_bytes(b"# Caf\xe9\n\ntext\n")
    res = run(vault_copy, "append", "memory/latin.md", input="x\n")
    assert res.exit_code == 1 and "is not valid UTF-8 (byte 0xe9 at offset 5)" in res.stderr
    assert path.read_bytes() == b"# Caf\xe9\n\ntext\n"


def test_a_linked_note_is_written_through_its_link(run, vault_copy):
    os.symlink("research/2026-02-14-exosomes-deep-dive.md", vault_copy / "memory/alias.md")
    res = run(vault_copy, "append", "memory/alias.md", input="via the link\n")
    assert res.exit_code == 0, res.stderr
    assert (vault_copy / "memory/alias.md").is_symlink()
    assert (vault_copy / DEEP).read_text(encoding="utf-8").endswith("\n\nvia the link\n")


def test_nothing_written_when_git_cannot_commit_now(vault_copy):
    class Rebasing:
        def first_commit_dates(self, ids):
            return {}

        def check_can_commit(self):
            raise GitError("a rebase is in progress; finish it (git rebase --continue) first")

    before = snapshot(vault_copy)
    with pytest.raises(GitError, match="rebase is in progress"):
        append_to_note(open_vault(vault_copy), AppendRequest(DEEP, "x"), Rebasing())
    assert snapshot(vault_copy) == before


# --- the bytes (plan_append is pure) --------------------------------------------------------


def plan(text: str, add: str = "new", section: str | None = None) -> str:
    return plan_append(text.encode(), add, section, "memory/n.md")[0].decode()


def test_end_of_note_forms():
    assert plan("# T\n\nbody\n") == "# T\n\nbody\n\nnew\n"
    assert plan("# T\n\nbody") == "# T\n\nbody\n\nnew\n"  # no newline at the end
    assert plan("# T\n\nbody\n\n\n") == "# T\n\nbody\n\nnew\n\n\n"  # trailing blanks kept
    assert plan("") == "new\n"
    assert plan("\n\n") == "new\n\n\n"
    assert plan("body\n", "\n\n  two\nlines\n\n") == "body\n\n  two\nlines\n"


def test_header_lines_are_ended_by_the_blank_line_before_the_text():
    note = "# T\n\nDate: 2026-01-01\nType: Note\n"
    out = plan(note, "Key: not metadata")
    assert out == note + "\nKey: not metadata\n"
    rec = read_note_text(out)
    assert "key" not in {k.lower() for k in rec.meta} and rec.type == "Note"


def read_note_text(text: str):
    from vault.notes import parse_note

    return parse_note(text, "memory/n.md").record


def test_crlf_notes_get_crlf():
    out = plan_append(b"# T\r\n\r\n## A\r\n\r\na\r\n\r\n## B\r\n", "x\ny", "A", "n")[0]
    assert out == b"# T\r\n\r\n## A\r\n\r\na\r\n\r\nx\r\ny\r\n\r\n## B\r\n"


def test_empty_section_and_a_rule_after_it():
    assert plan("## A\n## B\n", "x", "A") == "## A\n\nx\n\n## B\n"
    assert plan("## A\n\ntext\n\nB\n---\n", "x", "A") == "## A\n\ntext\n\nx\n\nB\n---\n"
    # "text" over --- is a setext heading, so section A is empty.
    assert plan("## A\ntext\n---\n", "x", "A") == "## A\n\nx\n\ntext\n---\n"


def test_setext_headings():
    text = "Title\n=====\n\nintro\n\nPart one\n--------\n\none\n\nPart two\n---\n\ntwo\n"
    heads = find_headings(text.split("\n"))
    assert [(h.level, h.text) for h in heads] == [(1, "Title"), (2, "Part one"), (2, "Part two")]
    assert "one\n\nx\n\nPart two\n" in plan(text, "x", "part one")
    # A rule after a list item or after a blank line is no heading.
    assert find_headings(["- item", "---", "", "---", "text"]) == []


def test_atx_forms():
    lines = ["#hashtag", "# A #", "    # code", "   ### B", "####### seven", "## C ##  "]
    assert [(h.level, h.text) for h in find_headings(lines)] == [(1, "A"), (3, "B"), (2, "C")]


def test_section_in_yaml_front_matter_is_not_a_heading():
    text = "---\ntitle: x\n# comment: y\n---\n\n# Body\n\ntext\n"
    with pytest.raises(InvalidInput, match="its headings: '# Body'"):
        plan_append(text.encode(), "t", "comment: y", "n", "yaml")


def test_appenders_at_once_each_get_their_own_commit(git_vault):
    import subprocess
    import sys

    from conftest import GIT_ENV

    env = {**os.environ, **GIT_ENV}
    argv = [sys.executable, "-m", "vault", "--vault", str(git_vault), "append", DEEP]
    procs = [
        subprocess.Popen(argv, stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        for _ in range(3)
    ]
    for n, proc in enumerate(procs):
        proc.stdin.write(f"Writer {n}.\n")
        proc.stdin.close()
    for proc in procs:
        assert proc.wait(timeout=120) == 0, proc.stderr.read()
    text = (git_vault / DEEP).read_text(encoding="utf-8")
    assert sorted(line for line in text.splitlines() if line.startswith("Writer ")) == [
        "Writer 0.",
        "Writer 1.",
        "Writer 2.",
    ]
    for k in range(3):
        patch = git(git_vault, "show", "--format=%s", f"HEAD~{k}")
        assert patch.startswith(f"vault: append to {DEEP}\n")
        assert sum(line.startswith("+Writer ") for line in patch.splitlines()) == 1
    assert git(git_vault, "status", "--porcelain") == ""


@pytest.mark.parametrize(
    "text",
    [
        "Date: 1999-01-01\nType: Hijack\nParent: memory/research/2026-02-14-skin-tech-trends.md\n",
        "Tags: stolen, tags\n\nMore text.\n",
    ],
)
def test_text_appended_under_a_bare_title_stays_body(run, vault_copy, text):
    """A note holding only its title: header lines appended under it would be its metadata;
    they stay text (an empty comment keeps them apart), and the note's metadata is as it was."""
    note = vault_copy / "memory" / "bare.md"
    note.write_text("# Only a title\n", encoding="utf-8")
    before = read_note(note, "memory/bare.md").record
    res = run(vault_copy, "append", "memory/bare.md", input=text)
    assert res.exit_code == 0, res.stderr
    after = read_note(note, "memory/bare.md")
    rec = after.record
    assert (rec.style, rec.type, rec.parent_ref, rec.tags, rec.meta, rec.title) == (
        before.style, before.type, before.parent_ref, before.tags, before.meta, before.title
    )  # fmt: skip
    assert text.strip() in after.body


def test_text_that_would_close_unclosed_front_matter_is_refused(run, vault_copy):
    note = vault_copy / "memory" / "open.md"
    note.write_bytes(b"---\ntitle: Open\n\nText.\n")
    res = run(vault_copy, "append", "memory/open.md", input="---\nparent: x.md\n---\n")
    assert res.exit_code == 1
    assert res.stderr.startswith(
        "Error: memory/open.md: this text would change the note's metadata"
    )
    assert note.read_bytes() == b"---\ntitle: Open\n\nText.\n"
