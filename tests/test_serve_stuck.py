"""A server that takes no command (stopped with Ctrl-Z, or hung) never holds up the CLI: the
command is answered without it, with one line saying why. Before, every read command waited
for it forever."""

from __future__ import annotations

import json
import os
import signal
import socket
import time

from conftest import state_dir
from test_serve import serve, vault  # noqa: F401 - `serve` is a fixture

from vault.serve import place
from vault.serve.client import TAKEN_SECONDS


def test_a_stopped_server_is_passed_by_at_once_and_serves_again_when_woken(git_vault, serve):  # noqa: F811
    server = serve(git_vault)
    alone = vault(git_vault, "list", served=False)
    pid = server.proc.pid
    os.kill(pid, signal.SIGSTOP)
    try:
        for _ in range(500):  # until the kernel has stopped it
            if place.is_stopped(pid):
                break
            time.sleep(0.01)
        code, out, err = vault(git_vault, "list")
        status = vault(git_vault, "serve", "--status")
        as_json = json.loads(vault(git_vault, "serve", "--status", "--json")[1])
    finally:
        os.kill(pid, signal.SIGCONT)
    assert status == (
        0,
        server.first.replace("\n", f" (pid {pid})\n").encode()
        + f"stopped: it answers nothing until woken (`fg`, or `kill -CONT {pid}`)\n".encode(),
        b"",
    )
    assert as_json["running"] is True and as_json["stopped"] is True
    assert (code, out) == alone[:2]
    assert err.decode() == (
        f"warning: the vault's server (pid {pid}) is stopped; answered without it "
        f"(`fg` in its terminal, or `kill -CONT {pid}`, wakes it)\n"
    )
    assert vault(git_vault, "list") == alone  # woken, it answers again
    assert json.loads(vault(git_vault, "serve", "--status", "--json")[1])["stopped"] is False
    assert server.log().count("answered vault ") == 1
    assert server.stop() == 0


def test_a_server_that_takes_nothing_is_passed_by_after_a_while(git_vault):
    """A socket whose server never reads (hung): connected and sent, nothing comes back."""
    folder = state_dir(git_vault)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / place.SOCKET
    hung = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        place.bind(path, hung)  # (through its folder when the path is long for a socket)
        hung.listen(8)  # never accepted: the kernel queues the connection
        code, out, err = vault(git_vault, "list")
    finally:
        hung.close()
        path.unlink()
    alone = vault(git_vault, "list", served=False)
    assert (code, out) == alone[:2]
    said = f"warning: the vault's server took no command for {TAKEN_SECONDS:g} s; "
    assert err.decode() == said + "answered without it\n"
