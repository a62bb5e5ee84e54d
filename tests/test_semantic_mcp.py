"""The MCP `search` tool takes --mode and --explain as the CLI does and returns the same JSON,
through the SDK's own client over stdio."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("mcp.server.mcpserver", reason="the mcp extra: pip install -e '.[mcp]'")

from test_mcp import data_of, session, stdio  # noqa: E402
from test_semantic import HANDBOOK, QUESTION, vault  # noqa: E402, F401 - the fixture


def test_search_tool_takes_mode_and_explain(run, vault):  # noqa: F811
    question = " ".join(QUESTION)

    async def body(c):
        tools = {t.name: t for t in (await c.list_tools()).tools}
        params = tools["search"].input_schema["properties"]
        semantic = await c.call_tool("search", {"query": question, "mode": "semantic"})
        explained = await c.call_tool(
            "search", {"query": question, "mode": "hybrid", "explain": True}
        )
        refused = await c.call_tool("search", {"query": question, "mode": "fuzzy"})
        return params, data_of(semantic), data_of(explained), refused

    params, (hits, text), (explained, explained_text), refused = session(stdio(vault), body)
    assert params["mode"]["enum"] == ["keyword", "semantic", "hybrid"]
    assert params["explain"]["type"] == "boolean"
    assert hits[0]["id"] == HANDBOOK and "explain" not in hits[0]
    assert text == run(vault, "search", question, "--mode", "semantic", "--json").stdout.rstrip(
        "\n"
    )
    cli = run(vault, "search", question, "--mode", "hybrid", "--explain", "--json").stdout
    assert explained == json.loads(cli)
    assert explained[0]["explain"]["vector_rank"] == 1
    assert refused.is_error and "keyword, semantic, hybrid" in refused.content[0].text
