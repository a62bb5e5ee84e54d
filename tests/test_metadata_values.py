"""Supplied values never become other metadata (issue 24): a line break in a tag or a type
writes no header line, NUL bytes are never written, a tag with a comma or a space is never
split into other tags. Each is refused with one `Error:` line naming the field, through the
CLI and through the MCP `new` tool alike, and nothing is written or committed. What is
accepted reads back exactly as asked."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import git, snapshot

POST = "memory/posts/2026-01-11-exosomes-in-k-beauty.md"
HUB = "memory/research/2026-02-14-skin-tech-trends.md"

# (what, CLI arguments after `new`, the body on stdin, MCP `new` arguments, the error's start)
REFUSED = [
    (
        "a line break in a tag makes the note a child of another",
        ["--title", "X", "--tag", f"ok\nParent: {POST}"],
        "",
        {"title": "X", "tags": [f"ok\nParent: {POST}"]},
        f"tag 'ok\\nParent: {POST}': a tag must be one line (it holds a line break, U+000A)",
    ),
    (
        "a CR in a tag",
        ["--title", "X", "--tag", "ok\rDate: 1999-01-01"],
        "",
        {"title": "X", "tags": ["ok\rDate: 1999-01-01"]},
        "tag 'ok\\rDate: 1999-01-01': a tag must be one line",
    ),
    (
        "a tag that dates and types the note",
        ["--title", "X", "--tag", "x\nDate: 1999-01-01\nType: Hijack"],
        "",
        {"title": "X", "tags": ["x\nDate: 1999-01-01\nType: Hijack"]},
        "tag 'x\\nDate: 1999-01-01\\nType: Hijack': a tag must be one line",
    ),
    (
        "a type holding a Parent line",
        ["--title", "X", "--type", "Note\nParent: x"],
        "",
        {"title": "X", "type": "Note\nParent: x"},
        "type 'Note\\nParent: x': a type must be one line",
    ),
    (
        "NUL in the title",
        ["--title", "X\x00Y"],
        "",
        {"title": "X\x00Y"},
        "title 'X\\x00Y': a title cannot hold a NUL byte (U+0000)",
    ),
    (
        "NUL in the type",
        ["--title", "X", "--type", "Lab\x00Note"],
        "",
        {"title": "X", "type": "Lab\x00Note"},
        "type 'Lab\\x00Note': a type cannot hold a NUL byte (U+0000)",
    ),
    (
        "NUL in the body",
        ["--title", "X"],
        "Findings\x00 more",
        {"title": "X", "body": "Findings\x00 more"},
        "body: a note's body cannot hold NUL bytes (the first is character 9)",
    ),
    (
        "a comma in a tag",
        ["--title", "X", "--tag", "a,b"],
        "",
        {"title": "X", "tags": ["a,b"]},
        "tag 'a,b': a tag cannot hold a comma",
    ),
    (
        "a space in a tag",
        ["--title", "X", "--tag", "skin care"],
        "",
        {"title": "X", "tags": ["skin care"]},
        "tag 'skin care': a tag cannot hold spaces (a tag ends at a space); write 'skin-care'",
    ),
    (
        "an empty tag",
        ["--title", "X", "--tag", "ok", "--tag", " # "],
        "",
        {"title": "X", "tags": ["ok", " # "]},
        "tag ' # ': a tag cannot be empty",
    ),
    (
        "a tag in quotes",
        ["--title", "X", "--tag", '"quoted"'],
        "",
        {"title": "X", "tags": ['"quoted"']},
        "tag '\"quoted\"': a tag cannot start or end with a quote mark",
    ),
    (
        "a tab, DEL, a C1 control and a line separator",
        ["--title", "X", "--type", "a\tb", "--tag", "c\x7f", "--tag", "d\x85", "--tag", "e\u2028"],
        "",
        {"title": "X", "type": "a\tb", "tags": ["c\x7f", "d\x85", "e\u2028"]},
        "type 'a\\tb': a type cannot hold a tab (U+0009)",
    ),
    (
        "a parent reference with a NUL byte",
        ["--title", "X", "--parent", f"{HUB}\x00"],
        "",
        {"title": "X", "parent": f"{HUB}\x00"},
        f"parent '{HUB}\\x00': a parent reference cannot hold a NUL byte",
    ),
    (
        "a lone surrogate: undecodable bytes in an argument",
        ["--title", "Caf\udce9"],
        "",
        {"title": "Caf\udce9"},
        "title 'Caf\\udce9': a title cannot hold U+DCE9, a lone surrogate",
    ),
    (
        "a closing # in a '# Title' line is not text",
        ["--title", "Plan B #"],
        "",
        {"title": "Plan B #"},
        "title 'Plan B #': a '# Title' line reads as 'Plan B'",
    ),
]
IDS = [case[0] for case in REFUSED]


def untouched(root, before: dict[str, bytes]) -> None:
    """Nothing written, nothing staged, nothing committed."""
    assert snapshot(root) == before
    assert git(root, "status", "--porcelain") == ""
    assert git(root, "rev-list", "--count", "HEAD").strip() == "1"


def one_error(res) -> str:
    assert res.exit_code == 1, res.stdout
    assert res.stdout == ""
    (line,) = res.stderr.splitlines()
    assert line.startswith("Error: ") and "Traceback" not in res.stderr
    return line[len("Error: ") :]


@pytest.mark.parametrize(("what", "argv", "stdin", "mcp_args", "message"), REFUSED, ids=IDS)
def test_the_cli_refuses_with_one_line_naming_the_field(
    run, git_vault, what, argv, stdin, mcp_args, message
):
    before = snapshot(git_vault)
    got = one_error(run(git_vault, "new", *argv, input=stdin))
    assert got.startswith(message), got
    untouched(git_vault, before)


def test_the_mcp_new_tool_refuses_the_same_with_the_cli_line(run, git_vault):
    pytest.importorskip("mcp.server.mcpserver", reason="the mcp extra: pip install -e '.[mcp]'")
    from mcp import Client

    from vault.mcp.server import build_server

    async def body(c):
        out = []
        for *_, args, _ in REFUSED:
            result = await c.call_tool("new", args)
            assert result.is_error, args
            (block,) = result.content
            out.append(block.text)
        return out

    before = snapshot(git_vault)
    errors = session(Client(build_server(str(git_vault))), body)
    untouched(git_vault, before)
    for (what, argv, stdin, _, message), got in zip(REFUSED, errors, strict=True):
        assert "\n" not in got and "Traceback" not in got, what
        assert got.startswith(message), (what, got)
        assert got == one_error(run(git_vault, "new", *argv, input=stdin)), what
    untouched(git_vault, before)


def test_the_mcp_new_tool_refuses_a_body_no_utf8_file_can_hold(git_vault):
    """Only MCP can send it (JSON may hold a lone surrogate; the CLI reads bytes): no
    traceback, one line naming the body, nothing written."""
    pytest.importorskip("mcp.server.mcpserver", reason="the mcp extra: pip install -e '.[mcp]'")
    from mcp import Client

    from vault.mcp.server import build_server

    async def body(c):
        result = await c.call_tool("new", {"title": "X", "body": "Caf\udce9 notes"})
        assert result.is_error
        (block,) = result.content
        return block.text

    before = snapshot(git_vault)
    got = session(Client(build_server(str(git_vault))), body)
    assert got.startswith("body: character 4 is U+DCE9, a lone surrogate"), got
    untouched(git_vault, before)


def session(client, body):
    """`await body(client)` inside the client's session, on a thread of its own (as in
    test_mcp: a session-wide Playwright fixture may hold this thread's event loop)."""

    async def main():
        async with client as c:
            return await body(c)

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


# --- what is accepted reads back exactly as asked -----------------------------------------------


@pytest.mark.parametrize("style", [[], ["--yaml"]], ids=["headers", "yaml"])
def test_accepted_values_read_back_exactly(run, git_vault, style):
    argv = ["new", "--parent", HUB, "--title", "  Exosomes:  a  'review' & more  ", *style]
    argv += ["--type", "Lab  Note", "--date", "2026-03-01", "--json"]
    argv += ["--tag", "#k-beauty", "--tag", "k-beauty", "--tag", "c++/notes", "--tag", "it's"]
    body = "Parent: memory/posts/x.md\nDate: 1999-01-01\n---\n# Not the title\nTags: nope\n"
    res = run(git_vault, *argv, input=body)
    assert res.exit_code == 0, res.stderr
    created = json.loads(res.stdout)
    shown = json.loads(run(git_vault, "show", created["id"], "--json").stdout)
    assert (shown["title"], shown["date"], shown["type"], shown["parent"]) == (
        "Exosomes: a 'review' & more",
        "2026-03-01",
        "Lab Note",
        HUB,
    )
    assert shown["tags"] == ["k-beauty", "c++/notes", "it's"]
    assert shown["meta"] == {} and shown["warnings"] == []
    assert body in shown["body"]
    assert git(git_vault, "status", "--porcelain") == ""


def test_markdown_in_a_title_line_is_kept_as_typed_and_reads_as_its_text(run, vault_copy):
    res = run(vault_copy, "new", "--title", "The `mv` command", "--json")
    assert res.exit_code == 0, res.stderr
    made = json.loads(res.stdout)
    assert Path(made["path"]).read_text(encoding="utf-8").startswith("# The `mv` command\n")
    shown = json.loads(run(vault_copy, "show", made["id"], "--json").stdout)
    assert shown["title"] == "The mv command"


def test_markdown_in_a_title_is_kept_as_typed_in_yaml_front_matter(run, vault_copy):
    res = run(vault_copy, "new", "--title", "The `mv` command", "--yaml", "--json")
    assert res.exit_code == 0, res.stderr
    shown = json.loads(run(vault_copy, "show", json.loads(res.stdout)["id"], "--json").stdout)
    assert shown["title"] == "The `mv` command"


# --- belt and braces: the read-back check catches what the values rule would let through --------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        # The ref is checked before it is looked up: the id itself would write a header line.
        ("memory/posts/a\nDate: 1999-01-01.md", "a parent reference must be one line"),
        # A Parent line reads runs of spaces as one: the note would point at no note.
        (
            "memory/posts/two  spaces.md",
            "the note would read it back with its runs of white space as one",
        ),
    ],
    ids=["line-break", "two-spaces"],
)
def test_a_parent_whose_id_cannot_be_written_is_refused(run, git_vault, name, message):
    """The parent is the exact id of a real note, but no Parent line can hold that id."""
    (git_vault / name).write_text("# Odd\n\nDate: 2026-01-01\n", encoding="utf-8")
    git(git_vault, "add", "-A")
    git(git_vault, "commit", "-q", "-m", "odd name")
    before = snapshot(git_vault)
    for style in ([], ["--yaml"]):
        got = one_error(run(git_vault, "new", "--title", "Child", "--parent", name, *style))
        assert got.startswith(f"parent {' '.join(repr(name).split())}: {message}"), got
    assert snapshot(git_vault) == before
    assert git(git_vault, "status", "--porcelain") == ""
    assert git(git_vault, "rev-list", "--count", "HEAD").strip() == "2"


def test_write_note_refuses_an_unchecked_request_whose_metadata_would_not_read_back(vault_copy):
    """write_note on a request that skipped vault.values: the read-back still refuses."""
    from vault.create import write_note
    from vault.errors import InvalidInput
    from vault.model import NewNote
    from vault.vault import open_vault

    vault = open_vault(vault_copy)
    before = snapshot(vault_copy)
    day = "2026-05-01"
    cases = [
        (NewNote("X", tags=("a,b", "c d"), date=day), "tags ['a,b', 'c d']: the note would read"),
        (NewNote("X", note_type="T\nHijack: yes", date=day), "type 'T\\nHijack: yes': the note"),
        (
            NewNote("X", tags=("x\nDate: 1999",), date=day),
            "date '2026-05-01': the note would read it back as '1970-01-01'",
        ),
        (NewNote("X\n\nTags: a", date=day), "title 'X\\n\\nTags: a': a '# Title' line reads"),
        (NewNote("X", note_type="T\n", date=day, yaml_front_matter=True), "type 'T\\n': the"),
    ]
    for request, message in cases:
        with pytest.raises(InvalidInput) as err:
            write_note(vault, request, None)
        assert str(err.value).startswith(message), str(err.value)
    assert snapshot(vault_copy) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "# X\n\nDate: 2026-05-01\nType: Note\nHijack: yes\n",
            "metadata: the note would be read with keys nobody asked for ('Hijack')",
        ),
        (
            "# X\n\nDate: 2026-05-01\nType: Note\n",
            "metadata: the note would be read as 'headers' metadata, not 'yaml'",
        ),
    ],
    ids=["extra-key", "other-style"],
)
def test_the_read_back_refuses_keys_and_styles_nobody_asked_for(text, message):
    """Every way in seen so far changes a field first (and is named by it); these guard the
    rest: a key of its own, or a note read in another style than it was written in."""
    from vault.create import _reads_back
    from vault.errors import InvalidInput

    asked = {"title": "X", "date": "2026-05-01", "type": "Note", "parent": None, "tags": ()}
    style = "headers" if "Hijack" in text else "yaml"
    with pytest.raises(InvalidInput) as err:
        _reads_back(text, "2026-05-01-x.md", style, asked)
    assert str(err.value).startswith(message), str(err.value)
    _reads_back("# X\n\nDate: 2026-05-01\nType: Note\n", "2026-05-01-x.md", "headers", asked)
