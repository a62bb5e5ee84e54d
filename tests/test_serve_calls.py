"""Calls side by side, as real processes: one slow call (made slow by VAULT_TEST_STALL, on the
real path of every call) never holds up quick ones, over `vault serve`'s socket and HTTP and
over `vault mcp`'s stdio, and past its time limit it is one clear line; the socket answers
no other user; a served answer on a terminal is the answer alone on that terminal."""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import pty
import shutil
import struct
import subprocess
import sys
import termios
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import GIT_ENV, PROJECT
from test_serve import _mcp, serve, vault  # noqa: F401 (serve: the fixture)

# The slow call's word, how long it stalls, and the time limit that cuts it short.
SLOW, STALL, LIMIT = "slowpoke", 40, 12
STALLED = {"VAULT_TEST_STALL": f"{SLOW}:{STALL}", "VAULT_SERVE_TIMEOUT": str(LIMIT)}


def test_a_slow_call_holds_up_no_quick_one_over_http_and_the_socket(git_vault, serve):  # noqa: F811
    pytest.importorskip("mcp.server.mcpserver")
    server = serve(git_vault, env=STALLED)
    finished: dict[str, float] = {}

    def quick_cli(n: int) -> tuple:
        answer = vault(git_vault, "search", "exosome")
        finished[f"cli {n}"] = time.monotonic()
        return answer

    async def body(client):
        slow = asyncio.create_task(client.call_tool("search", {"query": SLOW}))
        await asyncio.sleep(0.5)  # the slow call is running
        with ThreadPoolExecutor(10) as pool:
            clis = [asyncio.wrap_future(pool.submit(quick_cli, n)) for n in range(10)]
            quick = [client.call_tool("search", {"query": "exosome"}) for _ in range(10)]
            answers = await asyncio.gather(*quick, *clis)
        finished["http"] = time.monotonic()
        result = await slow
        finished["slow"] = time.monotonic()
        return answers, result

    answers, slow = _mcp(server, body)
    alone = vault(git_vault, "search", "exosome", served=False)
    assert all(not a.is_error and json.loads(a.content[0].text) for a in answers[:10])
    assert all(a == alone for a in answers[10:])
    assert slow.is_error and "\n" not in slow.content[0].text
    assert f"no answer within {LIMIT} s" in slow.content[0].text
    assert max(t for k, t in finished.items() if k != "slow") < finished["slow"]
    log = server.log()
    # Each CLI search was answered by the server while the slow call ran, none alone.
    assert log.count(" search exosome (exit 0,") == 10, log
    assert "answers alone" not in log


def test_a_slow_call_holds_up_no_quick_one_over_stdio(git_vault):
    pytest.importorskip("mcp.server.mcpserver")
    from mcp import Client, StdioServerParameters

    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "vault", "--vault", str(git_vault), "mcp"],
        env={**os.environ, **GIT_ENV, **STALLED},
        cwd=str(git_vault),
    )
    done: list[str] = []

    async def call(client, query: str):
        result = await client.call_tool("search", {"query": query})
        done.append(query)
        return result

    async def main():
        async with Client(params, read_timeout_seconds=120) as client:
            slow = asyncio.create_task(call(client, SLOW))
            await asyncio.sleep(0.5)
            quick = await asyncio.gather(*(call(client, "exosome") for _ in range(10)))
            return quick, await slow

    with ThreadPoolExecutor(1) as pool:
        quick, slow = pool.submit(asyncio.run, main()).result()
    assert all(not q.is_error and json.loads(q.content[0].text) for q in quick)
    assert done == ["exosome"] * 10 + [SLOW]
    assert slow.is_error and f"no answer within {LIMIT} s" in slow.content[0].text


ASK = """
import json, socket, sys
from vault.serve import wire
sock = socket.socket(socket.AF_UNIX)
sock.connect(sys.argv[1])
try:  # refused: closed before the request is sent, or before an answer comes
    wire.send(sock, {"op": "run", "argv": ["--vault", sys.argv[2], "list"],
                     "cwd": sys.argv[2], "env": {"PATH": "/usr/bin:/bin"}, "tty": [False, False]})
    taken, _ = wire.receive(sock)  # the server took the request; its answer follows
    answer, _ = wire.receive(sock)
    print(json.dumps([taken, answer]))
except ConnectionError:
    print("refused")
"""


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("setpriv"),
    reason="runs a client as another user: needs root and setpriv",
)
def test_the_socket_answers_no_other_user(git_vault, serve):  # noqa: F811
    """A client of another uid, given the power to open the owner-only socket anyway
    (CAP_DAC_OVERRIDE), is answered nothing: the server checks each peer's uid."""
    server = serve(git_vault)
    env = {**os.environ, "PYTHONPATH": str(PROJECT / "src")}
    ask = [sys.executable, "-c", ASK, str(server.socket), str(git_vault)]
    as_owner = subprocess.run(ask, capture_output=True, text=True, env=env, timeout=60)
    taken, answer = json.loads(as_owner.stdout)
    assert taken == {"taken": True} and answer["ok"] is True, as_owner.stderr
    nobody = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"]
    power = ["--inh-caps", "+dac_override", "--ambient-caps", "+dac_override"]
    as_other = subprocess.run(
        [*nobody, *power, *ask], capture_output=True, text=True, env=env, timeout=60
    )
    assert as_other.stdout == "refused\n", as_other.stderr


def _on_a_terminal(root: Path, argv: list[str], served: bool) -> tuple[int, bytes, bytes]:
    """`vault ARGV` with stdout and stderr each on a terminal of its own (100x30)."""
    env = {**os.environ, **GIT_ENV}
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    env.pop("VAULT_NO_SERVER", None)
    if not served:
        env["VAULT_NO_SERVER"] = "1"
    terminals = [pty.openpty(), pty.openpty()]
    for _, tty in terminals:
        fcntl.ioctl(tty, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        attrs = termios.tcgetattr(tty)
        attrs[1] &= ~termios.ONLCR  # the bytes as written, no \r added
        termios.tcsetattr(tty, termios.TCSANOW, attrs)
    (out_master, out_tty), (err_master, err_tty) = terminals
    proc = subprocess.Popen(
        [sys.executable, "-m", "vault", *argv],
        stdin=subprocess.DEVNULL, stdout=out_tty, stderr=err_tty, env=env, cwd=root,
    )  # fmt: skip
    os.close(out_tty)
    os.close(err_tty)
    read = {out_master: b"", err_master: b""}
    with ThreadPoolExecutor(2) as pool:
        for fd, data in zip(read, pool.map(_drain, read), strict=True):
            read[fd] = data
    code = proc.wait(60)
    return code, read[out_master], read[err_master]


def _drain(fd: int) -> bytes:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def test_a_served_answer_on_a_terminal_is_the_answer_alone(git_vault, serve):  # noqa: F811
    """The client says which of its streams are terminals, and their size: the served
    answer colours and wraps as the command alone does there."""
    server = serve(git_vault)
    for argv in (["show", "exosomes-deep-dive"], ["search", "exosome"], ["check"]):
        served = _on_a_terminal(git_vault, argv, served=True)
        alone = _on_a_terminal(git_vault, argv, served=False)
        assert served == alone, argv
    assert b"\x1b[" in served[1] or b"\x1b[" in alone[1]  # styled: it was a terminal
    assert b"\x1b[" in _on_a_terminal(git_vault, ["show", "exosomes-deep-dive"], True)[1]
    assert server.log().count("answered vault ") == 4  # served, not left to the client


def test_the_graph_is_built_once_per_catalog_for_served_commands(git_vault, monkeypatch):
    """`vault graph` and `vault path` answered by a server use its graph, built once for
    each catalog: again only after a note changed; so is the same export of it."""
    from click.testing import CliRunner

    import vault.graph.build
    import vault.graph.export
    from vault.cli import cli
    from vault.cli.common import SERVED
    from vault.serve.resident import Resident

    real, built = vault.graph.build.build_graph, []
    monkeypatch.setattr(vault.graph.build, "build_graph", lambda *a: built.append(1) or real(*a))
    export, exported = vault.graph.export.export_graph, []
    monkeypatch.setattr(
        vault.graph.export, "export_graph", lambda *a: exported.append(1) or export(*a)
    )
    resident = Resident(str(git_vault))
    served = SERVED.set(resident)
    try:
        runner = CliRunner()
        asks = [["graph", "--format", "json"], ["path", "exosomes-deep-dive", "skin-tech-trends"]]
        answers = [runner.invoke(cli, ["--vault", str(git_vault), *a]) for a in asks * 2]
        assert [a.exit_code for a in answers] == [0, 0, 0, 0] and len(built) == 1
        assert answers[0].stdout == answers[2].stdout and len(exported) == 1
        with open(git_vault / "memory" / "new-note.md", "w", encoding="utf-8") as fh:
            fh.write("# A new note\n\nOn [[exosomes-deep-dive]].\n")
        again = runner.invoke(cli, ["--vault", str(git_vault), *asks[0]])
        assert again.exit_code == 0 and len(built) == 2 and len(exported) == 2
        assert "memory/new-note.md" in again.stdout
    finally:
        SERVED.reset(served)
        resident.close()
