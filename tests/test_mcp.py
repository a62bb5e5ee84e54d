"""`vault mcp`: the real server driven by the SDK's own client, over stdio (a `vault mcp`
process, as an MCP client runs it) and in-process where that is quicker. Every tool's result
is the CLI's --json; errors are the CLI's line; the server sees outside edits by the next
call; writes are safe next to a CLI writing at the same time."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import GIT_ENV, git, run_process, snapshot

pytest.importorskip("mcp.server.mcpserver", reason="the mcp extra: pip install -e '.[mcp]'")

from mcp import Client, StdioServerParameters  # noqa: E402

from vault.mcp.server import build_server  # noqa: E402
from vault.serve.watch import Watcher  # noqa: E402

DEEP = "memory/research/2026-02-14-exosomes-deep-dive.md"
HUB = "memory/research/2026-02-14-skin-tech-trends.md"
POST = "memory/posts/2026-01-11-exosomes-in-k-beauty.md"
READ_TOOLS = {
    "search", "show", "list", "related", "backlinks", "tree", "path", "graph", "check", "log",
    "context",
}  # fmt: skip
WRITE_TOOLS = {"new", "append", "mv", "replace", "set", "rm", "restore"}


def stdio(root: Path, *extra: str, cwd: Path | None = None) -> Client:
    """A client of `vault --vault ROOT mcp` started as its own process."""
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "vault", "--vault", str(root), "mcp", *extra],
        env={**os.environ, **GIT_ENV},
        cwd=str(cwd or root.parent),
    )
    return Client(params, read_timeout_seconds=120)


def session(client: Client, body):
    """Run `await body(client)` inside the client's session, on a thread of its own: the
    session-wide browser fixture (Playwright's sync API) keeps an event loop running on this
    one."""

    async def main():
        async with client as c:
            return await body(c)

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


def data_of(result) -> tuple[object, str]:
    """(the data, its text) of a successful result, checking structured content agrees."""
    assert not result.is_error, result.content[0].text
    text = result.content[0].text
    data = json.loads(text)
    structured = result.structured_content
    assert (structured if isinstance(data, dict) else structured["result"]) == data
    return data, text


def error_of(result) -> str:
    assert result.is_error
    (block,) = result.content
    assert "\n" not in block.text and "Traceback" not in block.text
    return block.text


def cli_error(res, code: int = 1) -> str:
    assert res.exit_code == code, res.stdout
    (line,) = res.stderr.strip().splitlines()
    assert line.startswith("Error: ")
    return line[len("Error: ") :]


def as_parameters(cli_line: str) -> str:
    """The CLI's error line with each option's flag spelled as the tool's parameter."""
    from vault.options import BY_COMMAND

    names = {o.cli_flag: o.name for options in BY_COMMAND.values() for o in options}
    return re.sub(r"--[a-z0-9-]+", lambda m: names.get(m.group(), m.group()), cli_line)


# --- the tools are the commands -----------------------------------------------------------------

SAME_AS_CLI = [
    ("search", {"query": "exosome"}, ["search", "exosome"]),
    (
        "search",
        {"query": "stability", "under": "skin-tech-trends", "limit": 1},
        ["search", "stability", "--under", "skin-tech-trends", "--limit", "1"],
    ),
    (
        "search",
        {"query": "exosome", "type": "technical supplement", "since": "2026-02-01"},
        ["search", "exosome", "--type", "technical supplement", "--since", "2026-02-01"],
    ),
    ("search", {"query": "exosome", "author": "Test"}, ["search", "exosome", "--author", "Test"]),
    ("show", {"ref": "exosomes-deep-dive"}, ["show", "exosomes-deep-dive"]),
    ("show", {"ref": "Skin-Tech Trends 2026: Research Hub"}, ["show", HUB]),
    ("list", {}, ["list"]),
    ("list", {"type": "Research Hub"}, ["list", "--type", "Research Hub"]),
    ("list", {"changed_since": "HEAD~1"}, ["list", "--changed-since", "HEAD~1"]),
    (
        "list",
        {"tags": ["#Skincare", "k-beauty"]},
        ["list", "--tag", "#Skincare", "--tag", "k-beauty"],
    ),
    (
        "search",
        {"query": "exosome", "tags": ["SKINCARE"]},
        ["search", "exosome", "--tag", "SKINCARE"],
    ),
    ("related", {"ref": DEEP, "limit": 2}, ["related", DEEP, "--limit", "2"]),
    ("backlinks", {"ref": POST}, ["backlinks", POST]),
    ("backlinks", {"ref": "[[2026-02-14-skin-tech-trends]]"}, ["backlinks", HUB]),
    ("tree", {}, ["tree"]),
    ("tree", {"ref": "skin-tech-trends"}, ["tree", "skin-tech-trends"]),
    ("path", {"a": POST, "b": "exosomes-deep-dive"}, ["path", POST, "exosomes-deep-dive"]),
    ("graph", {}, ["graph"]),
    ("graph", {"root": HUB, "depth": 1}, ["graph", "--root", HUB, "--depth", "1"]),
    (
        "graph",
        {"kind": "parent", "type": "Research Hub"},
        ["graph", "--kind", "parent", "--type", "Research Hub"],
    ),  # noqa: E501
    ("check", {}, ["check"]),
    ("log", {"limit": 2}, ["log", "--limit", "2"]),
    ("log", {"ref": DEEP}, ["log", DEEP]),
    ("context", {"ref": DEEP}, ["context", DEEP]),
    (
        "context",
        {"ref": HUB, "depth": 2, "max_chars": 1500},
        ["context", HUB, "--depth", "2", "--max-chars", "1500"],
    ),  # noqa: E501
]


def test_every_read_tool_returns_what_the_command_prints_with_json(run, git_vault):
    """Over stdio, as a client runs it: the text is the CLI's stdout, byte for byte."""
    git(git_vault, "commit", "-q", "--allow-empty", "-m", "second")

    async def body(c):
        return [data_of(await c.call_tool(name, args)) for name, args, _ in SAME_AS_CLI]

    results = session(stdio(git_vault), body)
    for (name, _, argv), (data, text) in zip(SAME_AS_CLI, results, strict=True):
        res = run(git_vault, *argv, *([] if name == "graph" else ["--json"]))
        assert res.exit_code in (0, 1), res.stderr  # check exits 1 on the example's broken link
        assert text + "\n" == res.stdout or text == res.stdout, (name, argv)
        assert data == json.loads(res.stdout)


def test_check_filters_by_kind_and_level(run, git_vault):
    """The tool selects problems as `vault check --kind/--ignore/--level` does."""
    calls = [
        ({"kind": "broken_link"}, ["--kind", "broken_link"]),
        ({"kind": ["broken_link", "missing_date"], "level": "info"},
         ["--kind", "broken_link", "--kind", "missing_date", "--level", "info"]),
        ({"level": "error"}, ["--level", "error"]),
        ({"ignore": "orphan", "level": "info"}, ["--ignore", "orphan", "--level", "info"]),
        ({}, []),
    ]  # fmt: skip

    async def body(c):
        results = [data_of(await c.call_tool("check", args))[0] for args, _ in calls]
        return results, error_of(await c.call_tool("check", {"kind": "nope"}))

    results, bad = session(Client(build_server(str(git_vault))), body)
    for (args, argv), got in zip(calls, results, strict=True):
        want = json.loads(run(git_vault, "check", *argv, "--json").stdout)
        assert got == want, args
    assert results[0]["errors"] == 1 and results[2]["warnings"] == 0
    assert bad.startswith("unknown problem kind 'nope'; use one of: dangling_parent,")


def test_new_and_append_return_what_the_commands_print(run, git_vault, tmp_path):
    import shutil

    twin = tmp_path / "twin"
    shutil.copytree(git_vault, twin)
    args = {"title": "Exosome stability", "parent": "skin-tech-trends", "date": "2026-03-01"}
    args |= {"body": "Trehalose.", "tags": ["exosomes", "stability"]}

    async def body(c):
        created = data_of(await c.call_tool("new", args))[0]
        sha = data_of(await c.call_tool("show", {"ref": created["id"]}))[0]["sha256"]
        added = await c.call_tool(
            "append", {"ref": created["id"], "text": "More.", "expected_sha256": sha}
        )
        return created, data_of(added)[0]

    created, appended = session(Client(build_server(str(git_vault))), body)
    argv = ["new", "--parent", "skin-tech-trends", "--title", "Exosome stability"]
    argv += ["--date", "2026-03-01", "--tag", "exosomes", "--tag", "stability", "--json"]
    cli_created = json.loads(run(twin, *argv, input="Trehalose.").stdout)
    cli_appended = json.loads(run(twin, "append", created["id"], "--json", input="More.").stdout)
    for ours, theirs in ((created, cli_created), (appended, cli_appended)):
        assert ours.keys() == theirs.keys()
        assert ours["commit"] and theirs["commit"]
        mine = {k: v for k, v in ours.items() if k not in ("path", "commit")}
        assert mine == {k: v for k, v in theirs.items() if k not in ("path", "commit")}
    assert (git_vault / created["id"]).read_bytes() == (twin / created["id"]).read_bytes()
    assert git(git_vault, "log", "-2", "--format=%s").splitlines() == [
        f"vault: append to {created['id']}",
        f"vault: add {created['id']}",
    ]


# --- errors -------------------------------------------------------------------------------------

SAME_ERRORS = [
    ("show", {"ref": "exosomes-deep"}, ["show", "exosomes-deep"]),
    ("show", {"ref": "exosomes"}, ["show", "exosomes"]),
    ("search", {"query": "   "}, ["search", "   "]),
    ("search", {"query": "exosome", "since": "March"}, ["search", "exosome", "--since", "March"]),
    ("search", {"query": "title:("}, ["search", "title:("]),
    ("related", {"ref": "nope"}, ["related", "nope"]),
    ("graph", {"depth": 2}, ["graph", "--depth", "2"]),
    ("log", {"since": "not a date"}, ["log", "--since", "not a date"]),
    (
        "new",
        {"title": "X", "parent": "skin-tech"},
        ["new", "--parent", "skin-tech", "--title", "X"],
    ),  # noqa: E501
    ("new", {"title": "  "}, ["new", "--title", "  "]),
    ("new", {"title": "X", "date": "2026-13-01"}, ["new", "--title", "X", "--date", "2026-13-01"]),
    (
        "append",
        {"ref": DEEP, "text": "x", "section": "Nope", "expected_sha256": "0" * 64},
        ["append", DEEP, "--section", "Nope", "--expect-sha256", "0" * 64],
    ),
]


def test_failures_are_tool_errors_with_the_cli_line(run, git_vault):
    async def body(c):
        return [error_of(await c.call_tool(name, args)) for name, args, _ in SAME_ERRORS]

    before = snapshot(git_vault)
    errors = session(Client(build_server(str(git_vault))), body)
    for (_, _, argv), got in zip(SAME_ERRORS, errors, strict=True):
        if argv[0] == "graph":  # a usage error in the CLI (exit 2): it adds where to look
            want = cli_error(run(git_vault, *argv), 2).split(" (see ")[0]
        else:
            want = cli_error(run(git_vault, *argv, input="x\n"))
        assert got == as_parameters(want), argv  # the same words, naming parameters
    assert snapshot(git_vault) == before
    assert errors[0] == (
        "no note matches 'exosomes-deep'; did you mean: "
        "memory/research/2026-02-14-exosomes-deep-dive.md"
    )


def test_log_outside_git_and_bad_arguments_are_one_line(vault_copy, run):
    async def body(c):
        return (
            error_of(await c.call_tool("log", {})),
            error_of(await c.call_tool("search", {"query": "x", "limit": "many"})),
            error_of(await c.call_tool("append", {"ref": DEEP, "text": "x"})),
            error_of(await c.call_tool("nope", {})),
        )

    log, limit, unhashed, unknown = session(Client(build_server(str(vault_copy))), body)
    assert log == cli_error(run(vault_copy, "log"))
    assert "limit" in limit and "valid integer" in limit
    assert "expected_sha256" in unhashed and "required" in unhashed.lower()
    assert "nope" in unknown


def test_what_json_can_carry_and_a_command_line_cannot_is_one_line(git_vault):
    """A NUL byte or a lone surrogate: JSON holds either (\\u0000, \\udcff), argv neither.
    They reached git's arguments and the file's encoder as tracebacks ("internal error")."""

    async def body(c):
        return (
            error_of(await c.call_tool("show", {"ref": DEEP, "at": "HEAD\x00"})),
            error_of(await c.call_tool("search", {"query": "x", "author": "a\x00b"})),
            error_of(await c.call_tool("restore", {"ref": DEEP, "at": "\x00"})),
        )

    async def append(c):
        shown = await c.call_tool("show", {"ref": DEEP})
        sha = data_of(shown)[0]["sha256"]
        args = {"ref": DEEP, "text": "Caf\udce9", "expected_sha256": sha}
        return error_of(await c.call_tool("append", args))

    before = snapshot(git_vault)
    at, author, restore_at = session(Client(build_server(str(git_vault))), body)
    assert at == "at cannot hold a NUL byte" and restore_at == at
    assert author == "author cannot hold a NUL byte"
    surrogate = session(Client(build_server(str(git_vault))), append)
    assert surrogate.startswith("text: character 4 is U+DCE9, a lone surrogate"), surrogate
    assert snapshot(git_vault) == before


# --- tools are described so an agent can use them -----------------------------------------------


def test_tools_are_described_typed_and_structured(vault_copy):
    from vault.cli import COMMANDS

    async def body(c):
        return (await c.list_tools()).tools, c.instructions

    tools, instructions = session(Client(build_server(str(vault_copy))), body)
    assert {t.name for t in tools} == READ_TOOLS | WRITE_TOOLS
    assert {t.name for t in tools} <= set(COMMANDS)
    assert "sha256" in instructions and "context" in instructions
    assert "vault <tool> ... --json" in instructions  # each tool is the command of its name
    for t in tools:
        # One line of a sentence or two: the list is read into an agent's context each turn.
        assert 40 < len(t.description) < 100 and "\n" not in t.description, t.name
        assert bool(t.annotations.read_only_hint) is (t.name in READ_TOOLS)
        for name, prop in t.input_schema["properties"].items():
            assert prop.get("description"), (t.name, name)
            assert "title" not in prop and {"type": "null"} not in prop.get("anyOf", []), name
    by_name = {t.name: t for t in tools}
    assert by_name["append"].input_schema["required"] == ["ref", "text", "expected_sha256"]
    assert by_name["search"].input_schema["required"] == ["query"]
    assert by_name["new"].input_schema["properties"]["tags"]["type"] == "array"


# --- read-only ----------------------------------------------------------------------------------


def test_read_only_lists_no_write_tool_and_writes_nothing(git_vault):
    git(git_vault, "commit", "-q", "--allow-empty", "-m", "second")
    before, head = snapshot(git_vault), git(git_vault, "rev-parse", "HEAD")

    async def body(c):
        names = {t.name for t in (await c.list_tools()).tools}
        for name, args, _ in SAME_AS_CLI:
            data_of(await c.call_tool(name, args))
        refused = [
            await c.call_tool("new", {"title": "X"}),
            await c.call_tool("append", {"ref": DEEP, "text": "x", "expected_sha256": "0" * 64}),
        ]
        return names, refused

    names, refused = session(stdio(git_vault, "--read-only"), body)
    assert names == READ_TOOLS
    assert all(r.is_error and "Unknown tool" in r.content[0].text for r in refused)
    assert snapshot(git_vault) == before
    assert git(git_vault, "rev-parse", "HEAD") == head
    assert git(git_vault, "status", "--porcelain") == ""


# --- always fresh -------------------------------------------------------------------------------


@pytest.mark.parametrize("watch", [True, False], ids=["watcher", "walk"])
def test_an_outside_edit_is_seen_by_the_next_call(git_vault, watch):
    path = git_vault / DEEP
    folder = git_vault / "memory/new-folder"

    async def body(c):
        async def call(name, **args):
            return data_of(await c.call_tool(name, args))[0]

        seen = []
        first = await call("show", ref=DEEP)
        assert await call("search", query="zygomorphic") == []
        path.write_bytes(path.read_bytes() + b"\nA zygomorphic finding.\n")  # an editor
        shown = await call("show", ref=DEEP)
        seen.append(shown["body"].endswith("A zygomorphic finding.\n"))
        now = hashlib.sha256(path.read_bytes()).hexdigest()
        seen.append(shown["sha256"] == now != first["sha256"])
        seen.append([h["id"] for h in await call("search", query="zygomorphic")] == [DEEP])
        folder.mkdir()  # a new folder, then a note in it: watched from its first file
        fresh = "# Fresh\n\nParent: [[2026-02-14-skin-tech-trends]]\n\nHi.\n"
        (folder / "fresh.md").write_text(fresh, encoding="utf-8")
        children = (await call("show", ref=HUB))["children"]
        seen.append("memory/new-folder/fresh.md" in children)
        (folder / "fresh.md").rename(folder / "renamed.md")  # as git checkout or mv does
        ids = {n["id"] for n in await call("list")}
        seen.append(
            {"memory/new-folder/renamed.md"}
            == ids
            - {DEEP, HUB, POST}
            - {"memory/articles/the-rising-trend-of-exosomes-in-skincare.md"}
        )
        (folder / "renamed.md").unlink()
        folder.rmdir()
        seen.append(error_of(await c.call_tool("show", {"ref": "renamed"})).startswith("no note"))
        return seen

    server = build_server(str(git_vault), watch=watch)
    assert session(Client(server), body) == [True] * 6


def test_another_vault_process_writing_is_seen(git_vault):
    async def body(c):
        before = {n["id"] for n in data_of(await c.call_tool("list", {}))[0]}
        res = run_process(git_vault, "new", "--title", "From the CLI", "--date", "2026-04-01")
        assert res.exit_code == 0, res.stderr
        after = {n["id"] for n in data_of(await c.call_tool("list", {}))[0]}
        return after - before

    assert session(stdio(git_vault), body) == {"memory/2026-04-01-from-the-cli.md"}


def test_the_catalog_is_kept_until_the_watcher_says_something_changed(git_vault, monkeypatch):
    import vault.serve.resident as resident

    walks = []
    load = resident.load_catalog
    monkeypatch.setattr(resident, "load_catalog", lambda *a: walks.append(1) or load(*a))
    r = resident.Resident(str(git_vault), notify=pytest.fail)
    assert r.watcher is not None
    first = r.refresh()
    assert r.refresh() is first and r.refresh() is first and len(walks) == 1
    (git_vault / "memory/x.txt").write_text("not a note")
    assert r.refresh() is first and len(walks) == 1
    # Touched, same bytes: that note read again (no walk: vault.catalog.update_catalog), the
    # same catalog kept.
    os.utime(git_vault / DEEP)
    assert r.refresh() is first and len(walks) == 1
    (git_vault / DEEP).write_text("# Changed\n", encoding="utf-8")
    assert r.refresh() is not first and len(walks) == 1
    r.close()


def test_without_a_watcher_every_call_walks(git_vault, monkeypatch):
    import vault.serve.resident as resident

    notes = []
    r = resident.Resident(str(git_vault), watch=False, notify=notes.append)
    try:
        assert r.watcher is None and notes == []
        first = r.refresh()
        assert r.refresh() is first  # unchanged: what was built on it is kept
        (git_vault / DEEP).write_text("# Changed\n", encoding="utf-8")
        assert r.refresh() is not first
    finally:
        r.close()  # else its catalog stays registered for the process's writes (catalog_now)


def test_the_watcher_counts_notes_and_folders_only(tmp_path):
    top = tmp_path / "memory"
    (top / ".obsidian").mkdir(parents=True)
    watcher = Watcher(top)
    try:
        assert watcher.changed() is False
        (top / "a.md").write_text("x")
        assert watcher.changed() is True and watcher.changed() is False
        (top / ".a.md.swp").write_text("x")
        (top / "notes.txt").write_text("x")
        (top / ".obsidian" / "workspace.md").write_text("x")
        assert watcher.changed() is False
        (top / "sub").mkdir()
        assert watcher.changed() is True
        (top / "sub" / "b.md").write_text("x")
        assert watcher.changed() is True
        os.rename(top / "sub", top / "moved")
        assert watcher.changed() is True
        (top / "moved" / "b.md").write_text("y")
        assert watcher.changed() is True
        (tmp_path / "elsewhere").mkdir()
        os.rename(top / "moved", tmp_path / "elsewhere" / "gone")
        assert watcher.changed() is True
        (tmp_path / "elsewhere" / "gone" / "b.md").write_text("z")  # out of the vault now
        assert watcher.changed() is False
    finally:
        watcher.close()


# --- writing ------------------------------------------------------------------------------------


def test_append_tool_stale_hash_sections_and_front_matter(git_vault):
    post = git_vault / POST
    original = post.read_bytes()

    async def body(c):
        shown = data_of(await c.call_tool("show", {"ref": POST}))[0]
        sha = shown["sha256"]
        out = {}
        out["missing"] = error_of(
            await c.call_tool(
                "append", {"ref": POST, "text": "x", "section": "Nope", "expected_sha256": sha}
            )
        )
        ok = await c.call_tool(
            "append",
            {"ref": POST, "text": "New.", "section": "What Are Exosomes?", "expected_sha256": sha},
        )
        out["ok"] = data_of(ok)[0]
        out["stale"] = error_of(
            await c.call_tool("append", {"ref": POST, "text": "again", "expected_sha256": sha})
        )
        again = await c.call_tool(
            "append", {"ref": POST, "text": "Last.", "expected_sha256": out["ok"]["sha256"]}
        )
        out["again"] = data_of(again)[0]
        return out

    out = session(Client(build_server(str(git_vault))), body)
    assert out["missing"].startswith(f"no section 'Nope' in {POST}; its headings: '## What Are")
    assert out["ok"]["section"] == "## What Are Exosomes?"
    assert out["stale"] == (
        f"{POST} changed since it was read: its sha256 is now {out['ok']['sha256']}, not "
        f"{hashlib.sha256(original).hexdigest()}; read it again (vault show --json) and retry; "
        "nothing was written"
    )
    final = post.read_bytes()
    assert out["again"]["sha256"] == hashlib.sha256(final).hexdigest()
    fm_end = original.index(b"---", 3) + 4
    assert final[:fm_end] == original[:fm_end]
    assert final.replace(b"\nNew.\n", b"", 1).replace(b"\n\nLast.\n", b"", 1) == original
    assert git(git_vault, "status", "--porcelain") == ""


def test_new_refuses_a_path_outside_the_vault(run, git_vault, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "target.md").write_text("# Outside\n")

    async def body(c):
        absolute = {"title": "X", "parent": str(outside / "target.md")}
        relative = {"title": "X", "parent": "../../outside/target.md"}
        escape = {"title": "../../../escape", "date": "2026-05-01"}
        return [
            error_of(await c.call_tool("new", absolute)),
            error_of(await c.call_tool("new", relative)),
            data_of(await c.call_tool("new", escape))[0],
        ]

    before = set(os.listdir(outside))
    absolute, relative, slugged = session(Client(build_server(str(git_vault))), body)
    argv = ["new", "--title", "X", "--parent", str(outside / "target.md")]
    assert absolute == cli_error(run(git_vault, *argv))
    assert relative.startswith("no note matches '../../outside/target.md'")
    assert slugged["id"] == "memory/2026-05-01-escape.md"
    assert set(os.listdir(outside)) == before


def test_new_refuses_a_notes_folder_that_leads_outside(run, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.md").write_text("# A\n")
    root = tmp_path / "v"
    root.mkdir()
    os.symlink(outside, root / "memory")

    async def body(c):
        return error_of(await c.call_tool("new", {"title": "X"}))

    got = session(Client(build_server(str(root))), body)
    assert got == cli_error(run(root, "new", "--title", "X"))
    assert "outside the vault" in got
    assert os.listdir(outside) == ["a.md"]


def test_server_and_cli_writing_at_once_both_succeed(git_vault):
    env = {**os.environ, **GIT_ENV}

    async def body(c):
        out = []
        for n in range(3):
            cli = subprocess.Popen(
                [sys.executable, "-m", "vault", "--vault", str(git_vault), "new", "--json",
                 "--title", f"Race {n}", "--date", "2026-06-01", "--parent", "skin-tech-trends"],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                env=env, text=True,
            )  # fmt: skip
            sha = data_of(await c.call_tool("show", {"ref": DEEP}))[0]["sha256"]
            ours = await c.call_tool(
                "new", {"title": f"Race {n}", "date": "2026-06-01", "parent": "skin-tech-trends"}
            )
            appended = await c.call_tool(
                "append", {"ref": DEEP, "text": f"Round {n}.", "expected_sha256": sha}
            )
            stdout, stderr = cli.communicate(timeout=120)
            assert cli.returncode == 0, stderr
            out.append((data_of(ours)[0]["id"], json.loads(stdout)["id"], data_of(appended)[0]))
        return out

    rounds = session(stdio(git_vault), body)
    for n, (ours, theirs, _) in enumerate(rounds):
        assert {ours, theirs} == {
            f"memory/research/2026-06-01-race-{n}.md",
            f"memory/research/2026-06-01-race-{n}-2.md",
        }
    subjects = git(git_vault, "log", "--format=%s").splitlines()
    assert sum(s.startswith("vault: add memory/research/2026-06-01-race-") for s in subjects) == 6
    assert sum(s == f"vault: append to {DEEP}" for s in subjects) == 3
    assert git(git_vault, "status", "--porcelain") == ""
    text = (git_vault / DEEP).read_text(encoding="utf-8")
    assert text.endswith("\n\nRound 0.\n\nRound 1.\n\nRound 2.\n")


# --- without the extra --------------------------------------------------------------------------

BLOCKED = """
import sys
sys.modules[{module!r}] = None  # what `import` finds when the package is not installed
from vault.cli import main
sys.argv = ["vault", "--vault", {root!r}, "mcp"]
main()
"""


@pytest.mark.parametrize("module", ["mcp", "mcp.server.mcpserver"], ids=["missing", "mcp-1.x"])
def test_without_the_extra_vault_mcp_says_what_to_install(vault_copy, module):
    code = BLOCKED.format(module=module, root=str(vault_copy))
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, input="", timeout=60
    )
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr == (
        "Error: vault mcp needs the MCP Python SDK 2.x, which is not installed: "
        "pip install 'vault[mcp]' (or pip install 'mcp>=2,<3')\n"
    )


def test_a_move_killed_while_the_server_runs_is_recovered_by_its_next_call(git_vault, capsys):
    """The server finishes or undoes an interrupted `vault mv` before it reads the notes, as
    every command does."""
    hub = "memory/research/2026-02-14-skin-tech-trends.md"
    before = snapshot(git_vault)

    async def body(c):
        first = data_of(await c.call_tool("list", {}))[0]
        killed = subprocess.run(
            [sys.executable, "-m", "vault", "--vault", str(git_vault), "mv", hub, "memory/x.md"],
            capture_output=True,
            env={**os.environ, **GIT_ENV, "VAULT_TEST_KILL_AT": "rewrote-first"},
        )
        assert killed.returncode == -9
        assert snapshot(git_vault) != before  # half-written
        second = data_of(await c.call_tool("list", {}))[0]
        return first, second

    first, second = session(Client(build_server(str(git_vault))), body)
    assert snapshot(git_vault) == before
    assert [n["id"] for n in second] == [n["id"] for n in first]
    # Said on stderr in the words every command uses.
    said = [ln for ln in capsys.readouterr().err.splitlines() if "interrupted" in ln]
    assert len(said) == 1, said
    assert said[0].startswith(f"vault: undid an interrupted `vault mv {hub} -> memory/x.md` (")
    assert said[0].endswith("; run the move again")
