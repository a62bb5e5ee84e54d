"""`vault serve`, as real processes: the first line, one server per vault, --status, a clean
stop, the CLI's fast path (byte for byte what the command prints alone), freshness after
writes from other processes and a git checkout, and MCP over HTTP behind its token."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import GIT_ENV, PROJECT, git, init_repo, snapshot, state_dir

FIRST_LINE = re.compile(r"^serving (.+) at http://127\.0\.0\.1:(\d+)/\?token=([A-Za-z0-9_-]{43})$")
DEEP = "memory/research/2026-02-14-exosomes-deep-dive.md"


class Server:
    """A `vault serve` process; `stop` ends it (SIGTERM, then SIGKILL after a while)."""

    def __init__(self, root: Path, *extra: str, env: dict | None = None):
        self.root = root
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "vault", "--vault", str(root), "serve", *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **GIT_ENV, **(env or {})},
            cwd=root,
        )
        self.first = self.proc.stdout.readline().decode()
        found = FIRST_LINE.match(self.first.rstrip("\n"))
        assert found, (self.first, self.proc.stderr.read().decode() if not self.first else "")
        self.port, self.token = int(found[2]), found[3]
        self.socket = state_dir(root) / "serve.sock"

    def stop(self, sig=signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def log(self) -> str:
        self.stop()
        return self.proc.stderr.read().decode()


@pytest.fixture
def serve():
    started: list[Server] = []

    def start(root: Path, *extra: str, env: dict | None = None) -> Server:
        server = Server(root, *extra, env=env)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def vault(root: Path, *args: str, served: bool = True, cwd: Path | None = None, env=None):
    """`vault ARGS` as its own process: (exit code, stdout bytes, stderr bytes)."""
    env = {**os.environ, **GIT_ENV, **(env or {})}
    env.pop("VAULT_NO_SERVER", None)
    if not served:
        env["VAULT_NO_SERVER"] = "1"
    proc = subprocess.run(
        [sys.executable, "-m", "vault", *args],
        capture_output=True,
        env=env,
        cwd=cwd or root,
        timeout=120,
    )
    return proc.returncode, proc.stdout, proc.stderr


def test_the_first_line_one_server_per_vault_status_and_a_clean_stop(git_vault, serve):
    server = serve(git_vault)
    assert (
        server.first
        == f"serving {git_vault.resolve()} at http://127.0.0.1:{server.port}/?token={server.token}\n"
    )
    assert server.socket.exists() and (server.socket.stat().st_mode & 0o777) == 0o600
    assert (server.socket.parent.stat().st_mode & 0o777) == 0o700
    code, out, err = vault(git_vault, "serve", "--status")
    assert code == 0 and out.decode() == server.first.replace("\n", f" (pid {server.proc.pid})\n")
    code, out, err = vault(git_vault, "serve", "--status", "--json")
    assert json.loads(out)["running"] is True
    second = subprocess.run(
        [sys.executable, "-m", "vault", "--vault", str(git_vault), "serve"],
        capture_output=True, text=True, env={**os.environ, **GIT_ENV}, timeout=60,
    )  # fmt: skip
    assert second.returncode == 1 and second.stdout == ""
    assert f"at http://127.0.0.1:{server.port}/" in second.stderr
    assert server.stop() == 0
    assert not server.socket.exists() and not (server.socket.parent / "serve.json").exists()
    code, out, _ = vault(git_vault, "serve", "--status")
    assert code == 1 and out.decode() == f"no server for {git_vault.resolve()}\n"


def test_sigint_stops_it_cleanly_too(git_vault, serve):
    server = serve(git_vault)
    assert server.stop(signal.SIGINT) == 0 and not server.socket.exists()


READS = [
    ["list"],
    ["list", "--json"],  # rendered once per catalog when served: each variant its own
    ["list", "--json", "--type", "Technical Supplement"],
    ["list", "--json", "--sort", "title"],
    ["show", "exosomes-deep-dive"],
    ["show", "exosomes-deep-dive", "--json"],
    ["show", "no-such-note"],
    ["search", "exosome"],
    ["search", "barrier", "--json"],
    ["search", "--limit", "0", "x"],
    ["related", "exosomes-deep-dive"],
    ["backlinks", "skin-tech-trends"],
    ["tree"],
    ["tree", "--json"],
    ["path", "exosomes-deep-dive", "skin-tech-trends"],
    ["context", "exosomes-deep-dive", "--json"],
    ["graph"],
    ["graph", "--format", "json"],
    ["check"],
    ["check", "--json"],
    ["log"],
    ["log", "--json", DEEP],
]


def _same_both_ways(root: Path, argvs, cwd: Path | None = None, env=None) -> None:
    for argv in argvs:
        served = vault(root, *argv, cwd=cwd, env=env)
        alone = vault(root, *argv, served=False, cwd=cwd, env=env)
        assert served == alone, argv


def test_every_read_command_answers_the_same_bytes_served_and_alone(git_vault, serve):
    server = serve(git_vault)
    _same_both_ways(git_vault, READS)
    # From a folder inside: paths relative to it, as the caller's shell meant them.
    inside = [["list"], ["show", "./2026-02-14-exosomes-deep-dive.md"]]
    _same_both_ways(git_vault, inside, cwd=git_vault / "memory/research")
    assert vault(git_vault, *inside[1], cwd=git_vault / "memory/research")[0] == 0
    # From outside, the vault named by the caller's environment.
    _same_both_ways(git_vault, [["tree"]], cwd=git_vault.parent, env={"VAULT_DIR": str(git_vault)})
    answered = server.log().count("answered vault ")
    assert (
        answered == len(READS) + 2 + 1 + 1
    )  # each came through the server (VAULT_NO_SERVER: none)


# All a served command's own process may import: its start-up is most of what it costs.
SERVED_PATH = {"vault", "vault.__main__", "vault.errors", "vault.locate", "vault.serve"}
SERVED_PATH |= {"vault.serve.client", "vault.serve.place", "vault.serve.wire"}
NOT_ON_THE_SERVED_PATH = {"click", "pathlib", "dataclasses", "inspect", "shutil", "whoosh"}


RUN_AS = {
    "python -m vault": "runpy.run_module('vault', run_name='__main__')",
    "the console script": "from vault.__main__ import main; main()",
}


@pytest.mark.parametrize("how", RUN_AS.values(), ids=RUN_AS.keys())
def test_a_served_command_imports_almost_nothing(git_vault, serve, tmp_path, how):
    server = serve(git_vault)
    listing = tmp_path / "modules.txt"
    probe = (
        "import atexit, runpy, sys\n"
        f"atexit.register(lambda: open({str(listing)!r}, 'w').write('\\n'.join(sys.modules)))\n"
    )
    argv = ["--vault", str(git_vault), "search", "exosome"]
    code = probe + f"sys.argv = ['vault', *{argv!r}]\n{how}"
    env = {**os.environ, **GIT_ENV}
    env.pop("VAULT_NO_SERVER", None)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == vault(git_vault, *argv, served=False)
    modules = set(listing.read_text(encoding="utf-8").split("\n"))
    ours = {m for m in modules if m.split(".")[0] == "vault"}
    assert ours <= SERVED_PATH and "vault.serve.wire" in ours, ours
    assert modules & NOT_ON_THE_SERVED_PATH == set()
    assert server.log().count(" search exosome (exit 0") == 1


CORPORA = [PROJECT / "tests/fixtures/obsidian-community", PROJECT / "tests/corpora/foam/docs"]


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda p: p.name)
def test_the_same_bytes_on_vendored_vaults(tmp_path, serve, corpus):
    root = tmp_path / "v"
    shutil.copytree(corpus, root)
    init_repo(root)
    first = vault(root, "--vault", str(root), "list", "--json", served=False)[1]
    some = json.loads(first)[0]["id"]
    server = serve(root)
    argvs = [["list"], ["list", "--json"], ["tree"], ["check"], ["check", "--json"],
             ["graph", "--format", "json"], ["search", "the"], ["show", some],
             ["backlinks", some], ["context", some], ["related", some], ["log"]]  # fmt: skip
    _same_both_ways(root, [["--vault", str(root), *argv] for argv in argvs])
    assert server.log().count("answered vault ") == len(argvs)


def test_a_changed_notes_problems_are_told_once_served_as_alone(git_vault, serve):
    """A command tells the problems of the notes it read anew (new or changed since the
    cache), once: served, the first command after the change tells them, the next does not."""
    note = git_vault / "memory/posts/2026-01-11-exosomes-in-k-beauty.md"
    text = note.read_text(encoding="utf-8")

    def break_it(n: int) -> None:
        note.write_text(f"---\ntitle: [unclosed\n---\n{text}\nEdit {n}.\n", encoding="utf-8")

    server = serve(git_vault)
    # Warm first: a server still reading the vault when the note changes reads it broken in
    # its first load, and tells nobody but its log.
    assert vault(git_vault, "list")[0] == 0
    break_it(1)
    served = [vault(git_vault, "list"), vault(git_vault, "list")]
    # Stopped first: a running server reads a change as it comes (vault.serve.ahead), and
    # writes it in the catalog's cache, so a command run alone beside it has nothing to tell
    # (the next served command tells it).
    assert server.log().count("answered vault list") == 3
    break_it(2)
    alone = [vault(git_vault, "list", served=False), vault(git_vault, "list", served=False)]
    assert served == alone and b"warning" in alone[0][2] and alone[1][2] == b""


def test_a_dead_servers_socket_is_ignored_and_removed(git_vault, serve):
    server = serve(git_vault)
    server.stop(signal.SIGKILL)
    assert server.socket.exists()  # killed: nothing cleaned up
    assert vault(git_vault, "list") == vault(git_vault, "list", served=False)
    assert not server.socket.exists()
    again = serve(git_vault)  # and a new server starts in its place
    assert vault(git_vault, "list")[0] == 0 and again.log().count("answered vault list") == 1


def _ids(root: Path) -> set[str]:
    code, out, err = vault(root, "list", "--json")
    assert code == 0, err
    return {n["id"] for n in json.loads(out)}


def _freshness(root: Path, server: Server, rounds: int) -> None:
    """Write, rename or delete a note (as an editor would, from this process), then ask at
    once: every answer must show the change."""
    folder = root / "memory/posts"
    expected = _ids(root)
    for n in range(rounds):
        step = n % 3
        name = f"memory/posts/2026-05-{n % 28 + 1:02d}-fresh-{n}.md"
        if step == 0:
            (root / name).write_text(f"# Fresh {n}\n\nBody {n}.\n", encoding="utf-8")
            expected.add(name)
            last = name
        elif step == 1:
            moved = last.replace("fresh-", "moved-")
            os.rename(root / last, root / moved)
            expected.discard(last)
            expected.add(moved)
            last = moved
        else:
            os.unlink(root / last)
            expected.discard(last)
        assert _ids(root) == expected, f"stale answer after round {n}"
    assert folder.is_dir()
    assert server.log().count("answered vault list") == rounds + 1


def test_every_answer_shows_the_writes_made_before_it(git_vault, serve):
    _freshness(git_vault, serve(git_vault), rounds=30)


@pytest.mark.slow
def test_a_thousand_writes_and_reads_never_see_a_stale_answer(git_vault, serve):
    _freshness(git_vault, serve(git_vault), rounds=1000)


def test_answers_follow_a_git_checkout(git_vault, serve):
    git(git_vault, "checkout", "-q", "-b", "other")
    (git_vault / "memory/posts/2026-06-01-only-on-other.md").write_text("# Other\n")
    os.unlink(git_vault / DEEP)
    git(git_vault, "add", "-A")
    git(git_vault, "commit", "-q", "-m", "other")
    serve(git_vault)
    for _ in range(5):
        git(git_vault, "checkout", "-q", "main")
        ids = _ids(git_vault)
        assert DEEP in ids and "memory/posts/2026-06-01-only-on-other.md" not in ids
        git(git_vault, "checkout", "-q", "other")
        ids = _ids(git_vault)
        assert DEEP not in ids and "memory/posts/2026-06-01-only-on-other.md" in ids


def test_writes_run_where_they_are_typed_and_are_seen_by_the_next_read(git_vault, serve):
    server = serve(git_vault)
    code, out, err = vault(git_vault, "new", "--parent", DEEP, "--title", "Served note", "--json")
    assert code == 0, err
    made = json.loads(out)["id"]
    assert made in _ids(git_vault)
    log = server.log()
    assert "answered vault new" not in log and "answered vault list" in log


# --- MCP over HTTP ---------------------------------------------------------------------------


def _request(server: Server, path: str, headers: dict[str, str], method: str = "GET"):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request(method, path, headers=headers)
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def test_http_needs_the_token_and_our_host_and_origin(git_vault, serve):
    server = serve(git_vault)
    host = {"Host": f"127.0.0.1:{server.port}"}
    bearer = {**host, "Authorization": f"Bearer {server.token}"}
    assert _request(server, "/mcp", host, "POST")[0] == 401
    assert _request(server, "/mcp", {**host, "Authorization": "Bearer nope"}, "POST")[0] == 401
    assert _request(server, "/", bearer)[0] == 200
    status, headers, _ = _request(server, f"/?token={server.token}", host)
    assert status == 200 and f"vault_token={server.token}" in headers["set-cookie"]
    assert _request(server, "/", {**host, "Cookie": f"vault_token={server.token}"})[0] == 200
    evil = {**bearer, "Host": f"evil.example:{server.port}"}
    assert _request(server, "/", evil)[0] == 403
    assert _request(server, "/", {**bearer, "Origin": "http://evil.example"})[0] == 403
    ours = {**bearer, "Origin": f"http://localhost:{server.port}"}
    assert _request(server, "/", ours)[0] == 200


def _mcp(server: Server, body, token: str | None = None):
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client

    async def main():
        headers = {"Authorization": f"Bearer {token or server.token}"}
        async with create_mcp_http_client(headers=headers) as http_client:
            url = f"http://127.0.0.1:{server.port}/mcp"
            transport = streamable_http_client(url, http_client=http_client)
            async with Client(transport, read_timeout_seconds=120) as client:
                return await body(client)

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


async def _clients(server: Server, count: int, each):
    """`each(client, n)` for n in range(count), each on an MCP client of its own over HTTP
    (its own connection), all at once; their results in order."""
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client

    headers = {"Authorization": f"Bearer {server.token}"}
    url = f"http://127.0.0.1:{server.port}/mcp"

    async def one(n):
        async with (
            create_mcp_http_client(headers=headers) as http_client,
            Client(streamable_http_client(url, http_client=http_client)) as c,
        ):
            return await each(c, n)

    return await asyncio.gather(*(one(n) for n in range(count)))


def test_mcp_over_http_with_the_official_client(git_vault, serve):
    pytest.importorskip("mcp.server.mcpserver")
    server = serve(git_vault)

    async def body(client):
        names = {t.name for t in (await client.list_tools()).tools}
        shown = await client.call_tool("show", {"ref": "exosomes-deep-dive"})
        found = await client.call_tool("search", {"query": "exosome"})
        return names, shown, found

    names, shown, found = _mcp(server, body)
    assert {"search", "show", "context", "new", "append"} <= names
    assert shown.content[0].text == vault(git_vault, "show", "exosomes-deep-dive", "--json",
                                          served=False)[1].decode().rstrip("\n")  # fmt: skip
    assert not found.is_error and json.loads(found.content[0].text)


def test_read_only_offers_no_write_tool(git_vault, serve):
    pytest.importorskip("mcp.server.mcpserver")
    server = serve(git_vault, "--read-only")

    async def body(client):
        return {t.name for t in (await client.list_tools()).tools}

    names = _mcp(server, body)
    assert "search" in names and not names & {"new", "append"}


def test_read_only_leaves_an_interrupted_move_and_says_so(git_vault, serve):
    pytest.importorskip("mcp.server.mcpserver")
    server = serve(git_vault, "--read-only")
    hub = "memory/research/2026-02-14-skin-tech-trends.md"
    killed = subprocess.run(
        [sys.executable, "-m", "vault", "--vault", str(git_vault), "mv", hub, "memory/x.md"],
        capture_output=True,
        env={**os.environ, **GIT_ENV, "VAULT_TEST_KILL_AT": "rewrote-first"},
    )
    assert killed.returncode == -9
    half = snapshot(git_vault)

    async def body(client):
        return await client.call_tool("list", {})

    assert not _mcp(server, body).is_error
    assert snapshot(git_vault) == half  # nothing recovered by the server
    # The CLI's read is left to the command alone, which recovers as it always does.
    assert vault(git_vault, "list")[0] == 0 and snapshot(git_vault) != half
    log = server.log()
    assert "interrupted vault mv is pending" in log and "left vault list to the client" in log


def test_a_call_past_its_time_limit_is_a_clear_error_and_the_cli_answers_alone(git_vault, serve):
    pytest.importorskip("mcp.server.mcpserver")
    server = serve(git_vault, env={"VAULT_SERVE_TIMEOUT": "0.001"})

    async def body(client):
        return await client.call_tool("search", {"query": "exosome"})

    result = _mcp(server, body)
    assert result.is_error and "no answer within 0.001 s" in result.content[0].text
    argv = ["graph", "--format", "json"]
    assert vault(git_vault, *argv) == vault(git_vault, *argv, served=False)
    assert "the client answers alone" in server.log()


def test_twenty_agents_appending_with_hash_guards_lose_nothing(git_vault, serve):
    """Twenty MCP clients append to one note at once, each with the hash it read: one wins a
    round, the others are refused and read again; in the end every text is there once."""
    pytest.importorskip("mcp.server.mcpserver")
    server = serve(git_vault)
    commits = git(git_vault, "rev-list", "--count", "HEAD")
    first_round = []
    won: list[tuple[str, str]] = []  # (the hash the winner read, the hash it left)

    async def agent(client, n: int) -> int:
        tries = 0
        while True:
            tries += 1
            shown = json.loads((await client.call_tool("show", {"ref": DEEP})).content[0].text)
            args = {"ref": DEEP, "text": f"Agent {n} was here.", "expected_sha256": shown["sha256"]}
            result = await client.call_tool("append", args)
            if tries == 1:
                first_round.append(not result.is_error)
            if not result.is_error:
                won.append((shown["sha256"], json.loads(result.content[0].text)["sha256"]))
                return tries
            assert "changed since it was read" in result.content[0].text

    async def body(_client):
        return await _clients(server, 20, agent)

    tries = _mcp(server, body)
    text = (git_vault / DEEP).read_text(encoding="utf-8")
    assert all(text.count(f"Agent {n} was here.") == 1 for n in range(20))
    assert int(git(git_vault, "rev-list", "--count", "HEAD")) == int(commits) + 20
    assert sum(first_round) >= 1 and max(tries) >= 2
    # Each win was on the note as the one before left it: one chain, no two on one hash.
    read, left = [r for r, _ in won], [w for _, w in won]
    assert len(set(read)) == 20 and set(read[1:]) == set(left[:-1])


def test_old_catalogs_are_let_go_after_appends(git_vault, serve):
    """Eight MCP clients at once read and append (a new catalog after every append), then one
    last call: the server holds a bounded number of catalogs, whatever the threads did before
    (each idle thread held its last call's catalog; 1 GB after a load run). Counted by the
    server itself, after each call (VAULT_TEST_COUNTS: vault.serve.pool.alive)."""
    pytest.importorskip("mcp.server.mcpserver")
    server = serve(git_vault, env={"VAULT_TEST_COUNTS": "1"})
    notes = sorted(_ids(git_vault))

    async def body(_client):
        async def one(c, n):
            note = notes[n % len(notes)]
            for k in range(3):
                await c.call_tool("context", {"ref": note})
                while True:  # another client may append to the same note first
                    shown = await c.call_tool("show", {"ref": note})
                    sha = json.loads(shown.content[0].text)["sha256"]
                    args = {
                        "ref": note,
                        "text": f"Client {n} round {k}.",
                        "expected_sha256": sha,
                    }
                    result = await c.call_tool("append", args)
                    if not result.is_error:
                        break
                    assert "changed since" in result.content[0].text
                await c.call_tool("search", {"query": "exosome"})
            # The last call of each: an append, each on a catalog of its own.
            await c.call_tool("append", {"ref": note, "text": f"Client {n} is done."})

        await _clients(server, 8, one)
        return await _client.call_tool("search", {"query": "exosome"})

    assert not _mcp(server, body).is_error
    counts = re.findall(r"alive after a call: .*; catalogs (\d+) after a collection", server.log())
    assert len(counts) >= 8 * 13 + 1
    # The last call's catalog, and the references, graph and kept results of at most three
    # others (vault.serve.resident): never one per thread.
    assert int(counts[-1]) <= 4, counts[-20:]


def test_http_connections_send_without_waiting_for_acks():
    """The HTTP side's connections have Nagle's algorithm off, as asyncio (and so uvicorn)
    sets it only on a socket that says it is TCP: with it on, each answer on a kept-alive
    connection (a browser's, an MCP client's) waited ~40 ms for the client's delayed ACK."""
    import socket

    from vault.serve.process import _listen

    listening = _listen("127.0.0.1", 0)
    nodelay = []

    async def main():
        def made(reader, writer):
            sock = writer.get_extra_info("socket")
            nodelay.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(made, sock=listening)
        async with server:
            _, writer = await asyncio.open_connection(*listening.getsockname()[:2])
            for _ in range(100):
                if nodelay:
                    break
                await asyncio.sleep(0.01)
            writer.close()

    with ThreadPoolExecutor(1) as pool:  # a session-wide Playwright fixture may hold a loop
        pool.submit(asyncio.run, main()).result()
    assert nodelay and nodelay[0] != 0
