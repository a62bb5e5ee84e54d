"""MCP over `vault serve`'s HTTP for a client of the handshake-era protocol (an initialize
handshake, then a session: what most MCP clients in the field speak), besides the SDK's
default tested in test_serve.py: the same tools and answers as the CLI, the Vault-Agent the
client declares, and each answer one JSON body rather than an event stream."""

from __future__ import annotations

import asyncio
import http.client
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import git
from test_serve import DEEP, serve, vault  # noqa: F401 (serve: the fixture)


def _legacy_session(server, body):
    """`body(client)` on the SDK's client in its handshake-era mode, named "old-agent"."""
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client
    from mcp.types import Implementation

    async def main():
        headers = {"Authorization": f"Bearer {server.token}"}
        async with create_mcp_http_client(headers=headers) as http_client:
            url = f"http://127.0.0.1:{server.port}/mcp"
            transport = streamable_http_client(url, http_client=http_client)
            named = Implementation(name="old-agent", version="1")
            async with Client(transport, mode="legacy", client_info=named) as client:
                return await body(client)

    with ThreadPoolExecutor(1) as pool:  # a session-wide Playwright fixture may hold a loop
        return pool.submit(asyncio.run, main()).result()


def test_a_handshake_era_client_gets_the_clis_answers_and_is_the_vault_agent(
    git_vault,
    serve,  # noqa: F811
):
    pytest.importorskip("mcp.server.mcpserver")
    server = serve(git_vault)

    async def body(client):
        names = {t.name for t in (await client.list_tools()).tools}
        found = await client.call_tool("search", {"query": "exosome"})
        shown = await client.call_tool("show", {"ref": DEEP})
        args = {"ref": DEEP, "text": "From an older client.", "expected_sha256": ""}
        args["expected_sha256"] = json.loads(shown.content[0].text)["sha256"]
        appended = await client.call_tool("append", args)
        return names, found, shown, appended

    cli = vault(git_vault, "search", "exosome", "--json", served=False)[1].decode()
    names, found, shown, appended = _legacy_session(server, body)
    assert {"search", "show", "context", "append"} <= names
    assert not found.is_error and found.content[0].text == cli.rstrip("\n")
    assert found.structured_content == {"result": json.loads(cli)}
    assert not shown.is_error and not appended.is_error, appended.content[0].text
    assert "From an older client." in (git_vault / DEEP).read_text(encoding="utf-8")
    trailer = "--format=%(trailers:key=Vault-Agent,valueonly)"
    assert git(git_vault, "log", "-1", trailer).strip() == "old-agent"


def test_an_mcp_answer_is_one_json_body_not_an_event_stream(git_vault, serve):  # noqa: F811
    """No tool sends anything before its result, so each answer is plain JSON: an SSE stream
    per request cost the server ~2 ms a call for a session's client (bench/README.md)."""
    pytest.importorskip("mcp.server.mcpserver")
    server = serve(git_vault)
    hello = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "raw", "version": "1"},
        },
    }
    headers = {
        "Host": f"127.0.0.1:{server.port}",
        "Authorization": f"Bearer {server.token}",
        "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream",
    }
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("POST", "/mcp", json.dumps(hello), headers=headers)
    response = conn.getresponse()
    answer = response.read()
    conn.close()
    assert response.status == 200, answer
    assert response.getheader("content-type", "").startswith("application/json")
    assert json.loads(answer)["result"]["serverInfo"]["name"] == "vault"
    del headers["Authorization"]  # and the Guard still stands in front of it
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("POST", "/mcp", json.dumps(hello), headers=headers)
    assert conn.getresponse().status == 401
    conn.close()
