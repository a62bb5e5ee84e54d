"""`vault serve`'s HTTP side: the MCP server of `vault mcp` over Streamable HTTP at /mcp, on
the warm state and the pool of threads `vault serve` shares with the CLI, behind its Guard
(token, Host and Origin: vault.serve.guard), run by uvicorn on a thread of its own."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable

from mcp.server.transport_security import TransportSecuritySettings

from vault.mcp.server import _Calls, build_server
from vault.serve.guard import Guard
from vault.serve.process import Served
from vault.web.app import with_pages


def start_http(served: Served, sock: socket.socket) -> Callable[[], None]:
    """Serve MCP on the listening `sock`; returns what stops it."""
    import uvicorn

    calls = _Calls(served.resident, served.worker, served.timeout)
    server = build_server(str(served.vault.root), read_only=served.read_only, calls=calls)
    # The Guard checks Host and Origin against the exact address served.
    no_rebinding_check = TransportSecuritySettings(enable_dns_rebinding_protection=False)
    app = server.streamable_http_app(
        streamable_http_path="/mcp",
        host=served.host,
        transport_security=no_rebinding_check,
        # Each answer as one JSON body, not an SSE stream: no tool sends anything before its
        # result (no progress, no log messages), and for a client of the handshake-era
        # protocol (a session: most clients in the field) the stream cost the server ~2 ms
        # of CPU a call, a third of what a quick call costs it (bench/README.md).
        json_response=True,
    )
    app = with_pages(served, app)  # the web app (vault.web) at /, MCP at /mcp
    guarded = Guard(app, token=served.token, host=served.host, port=served.port)
    config = uvicorn.Config(guarded, log_level="warning", lifespan="on", access_log=False)
    http = uvicorn.Server(config)
    thread = threading.Thread(
        target=http.run, kwargs={"sockets": [sock]}, name="vault-http", daemon=True
    )
    thread.start()

    def stop() -> None:
        http.should_exit = True
        thread.join(10)
        sock.close()

    return stop
