"""The MCP tool set: `mv` as a tool with the CLI's guarantees, `new`/`append`/`mv` committed
with the client's declared name, `vault mcp --tools a,b,c`, and the size of `tools/list`
(read into an agent's context every turn), through the SDK's own client."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import git, init_repo, snapshot

pytest.importorskip("mcp.server.mcpserver", reason="the mcp extra: pip install -e '.[mcp]'")

from mcp import Client  # noqa: E402
from mcp.types import Implementation  # noqa: E402
from test_mcp import READ_TOOLS, WRITE_TOOLS, data_of, error_of, session, stdio  # noqa: E402

from vault.mcp.server import build_server  # noqa: E402

HUB = "memory/hub.md"
# The budget for the whole tool list, in tokens (characters ÷ 4).
TOKEN_BUDGET = 3000


@pytest.fixture
def vault(tmp_path) -> Path:
    root = tmp_path / "v"
    (root / "memory").mkdir(parents=True)
    (root / HUB).write_text("# Hub\n\nDate: 2026-03-01\nType: Research Hub\n\nThe hub.\n")
    (root / "memory" / "child.md").write_text("# Child\n\nDate: 2026-03-02\nParent: hub.md\n\nX\n")
    (root / "memory" / "other.md").write_text("# Other\n\nSee [the hub](hub.md) and [[hub]].\n")
    return init_repo(root)


def as_agent(root: Path, name: str = "agent-x") -> Client:
    return Client(build_server(str(root)), client_info=Implementation(name=name, version="1"))


def agent_of(root: Path, rev: str = "HEAD") -> str:
    return git(root, "log", "-1", "--format=%(trailers:key=Vault-Agent,valueonly)", rev).strip()


def test_mv_over_mcp_is_the_clis_move_committed_as_the_client(run, vault):
    expected = run(vault, "mv", HUB, "memory/hubs/", "--dry-run", "--json").stdout

    async def body(c):
        dry = await c.call_tool("mv", {"ref": HUB, "new_path": "memory/hubs/", "dry_run": True})
        moved = await c.call_tool("mv", {"ref": "hub", "new_path": "memory/hubs/"})
        taken = await c.call_tool("mv", {"ref": "child", "new_path": "memory/other.md"})
        return dry, moved, taken

    dry, moved, taken = session(as_agent(vault), body)
    assert data_of(dry)[1] == expected.rstrip("\n")  # the same JSON as the command
    data, _ = data_of(moved)
    assert data["moved"] == [{"from": HUB, "to": "memory/hubs/hub.md"}]
    assert data["rewritten"] == ["memory/other.md"]
    assert data["commit"] == git(vault, "rev-parse", "HEAD").strip()
    assert "[the hub](hubs/hub.md)" in (vault / "memory/other.md").read_text()
    child = json.loads(run(vault, "show", "child", "--json").stdout)
    assert child["parent"] == "memory/hubs/hub.md"  # its Parent still finds the hub
    assert git(vault, "status", "--porcelain") == ""
    assert len(git(vault, "log", "--format=%H").split()) == 2  # one commit for the move
    assert agent_of(vault) == "agent-x"
    assert "exists" in error_of(taken)  # refused in the command's words, nothing moved
    assert (vault / "memory/child.md").exists()


def test_new_and_append_over_mcp_name_the_client_or_the_agent_given(vault):
    async def body(c):
        created = data_of(await c.call_tool("new", {"title": "Plan", "parent": "hub"}))[0]
        sha = data_of(await c.call_tool("show", {"ref": created["id"]}))[0]["sha256"]
        args = {"ref": created["id"], "text": "More.", "expected_sha256": sha}
        await c.call_tool("append", {**args, "agent": "named", "source": "https://x.org"})
        return created

    created = session(as_agent(vault, "my-client"), body)
    assert agent_of(vault, "HEAD~1") == "my-client"
    assert git(vault, "log", "-1", "--format=%(trailers:only,unfold)").split("\n")[:2] == [
        "Vault-Agent: named",
        "Vault-Source: https://x.org",
    ]
    assert created["id"].startswith("memory/")


def test_read_only_lists_none_of_the_write_tools_and_refuses_mv(vault):
    before = snapshot(vault)

    async def body(c):
        names = {t.name for t in (await c.list_tools()).tools}
        refused = await c.call_tool("mv", {"ref": HUB, "new_path": "memory/x.md"})
        return names, refused

    names, refused = session(stdio(vault, "--read-only"), body)
    assert names == READ_TOOLS and not names & WRITE_TOOLS and "mv" in WRITE_TOOLS
    assert refused.is_error and snapshot(vault) == before


def test_tools_offers_only_the_tools_named(run, vault):
    async def body(c):
        return sorted(t.name for t in (await c.list_tools()).tools)

    assert session(stdio(vault, "--tools", "show, context,mv"), body) == ["context", "mv", "show"]
    assert session(stdio(vault, "--tools", "show,log", "--read-only"), body) == ["log", "show"]
    res = run(vault, "mcp", "--tools", "show,nope")
    assert res.exit_code == 1
    (line,) = res.stderr.strip().splitlines()
    assert "no tool 'nope'" in line and "search, show, list" in line and "restore" in line
    res = run(vault, "mcp", "--tools", "show,append", "--read-only")
    assert res.exit_code == 1 and "append writes" in res.stderr and "search, show" in res.stderr


def tools_list_tokens(root: Path, only: frozenset[str] | None = None) -> int:
    """The size of `tools/list` as the client receives it, in tokens (characters ÷ 4)."""

    async def body(c):
        listed = await c.list_tools()
        return listed.model_dump_json(by_alias=True, exclude_none=True)

    return len(session(Client(build_server(str(root), only=only)), body)) // 4


def test_the_full_tool_list_stays_under_3000_tokens(vault, capsys):
    full = tools_list_tokens(vault)
    few = tools_list_tokens(vault, frozenset({"search", "show", "context", "append"}))
    with capsys.disabled():
        print(f"\ntools/list: {full} tokens for all 18 tools, {few} for 4")
    assert full < TOKEN_BUDGET
    assert few < full / 3


def test_write_tools_take_agent_and_source_and_read_tools_do_not(vault):
    async def body(c):
        return {t.name: t.input_schema["properties"] for t in (await c.list_tools()).tools}

    props = session(Client(build_server(str(vault))), body)
    for name in WRITE_TOOLS:
        assert {"agent", "source"} <= set(props[name]), name
    for name in ("list", "search", "log"):
        assert "agent" in props[name] and "source" not in props[name], name
    assert json.dumps(props).count('"title": "') == 0  # pydantic's titles left out
