"""The `vault serve` process: one per vault (a lock in the state folder, held for life), the
warm state, the Unix socket for the CLI, the HTTP side for MCP, and a clean stop on SIGINT or
SIGTERM (socket, state file and lock gone, exit 0).

Calls run side by side on a pool of threads (vault.serve.pool), on one Resident: a command
answered for the CLI sees its client's working directory, environment and terminals on its
own thread (vault.serve.invocation). Each call waits at most `timeout` seconds; past it the
CLI answers alone and an MCP call gets a one-line error, while the slow call runs on and
the others are answered meanwhile.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path

from vault.errors import VaultError
from vault.serve import invocation, place, pool
from vault.serve.listener import Listener
from vault.serve.resident import Resident
from vault.vault import Vault, open_vault


class AlreadyServing(VaultError):
    def __init__(self, vault: Vault, url: str | None):
        where = f" at {url}" if url else " (starting)"
        super().__init__(f"a server already runs for {vault.root}{where}; stop it first")


@dataclass
class Served:
    """What the HTTP side and the CLI's answers are given."""

    vault: Vault
    resident: Resident
    worker: ThreadPoolExecutor  # the pool every call runs on (vault.serve.pool)
    read_only: bool
    timeout: float
    host: str
    port: int
    token: str

    def call(self, fn: Callable, *args):
        """`fn(*args)` on the pool; TimeoutError past the time limit."""
        future = self.worker.submit(fn, *args)
        try:
            return future.result(self.timeout)
        except FutureTimeout:
            future.cancel()
            raise TimeoutError(pool.too_slow(self.timeout)) from None


def log(message: str) -> None:
    print(f"vault: {message}", file=sys.__stderr__, flush=True)


def run(
    vault_dir: str | None,
    *,
    host: str,
    port: int,
    read_only: bool,
    answer: Callable[[Served, dict], dict],
    start_http: Callable[[Served, socket.socket], Callable[[], None]],
    sync_interval: float | None = None,
) -> None:
    """Serve until SIGINT or SIGTERM. `answer(served, request)` answers a CLI request on the
    pool; `start_http(served, sock)` starts the HTTP side on a listening socket and returns
    what stops it. `sync_interval`: sync with the remote every that many seconds
    (vault.serve.syncer)."""
    _fewer_arenas()
    vault = open_vault(vault_dir)
    state = vault.ensure_state_dir()
    os.chmod(state, 0o700)
    lock = _take_lock(vault, state)
    stops: list[Callable[[], None]] = []
    try:
        invocation.install()  # before any thread starts, and before the HTTP side's logging
        worker = pool.threads("vault-call")
        stops.append(lambda: worker.shutdown(wait=False, cancel_futures=True))
        resident = Resident(str(vault.root), notify=log, may_write=not read_only)
        stops.append(resident.close)
        worker.submit(resident.refresh)  # warm up while the rest starts
        tcp = _listen(host, port)
        served = Served(
            vault, resident, worker, read_only, pool.timeout(), host, tcp.getsockname()[1],
            secrets.token_urlsafe(32),
        )  # fmt: skip
        stops.append(start_http(served, tcp))
        listener = Listener(state / place.SOCKET, lambda request: _answer(served, answer, request))
        stops.append(listener.close)
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{served.port}/?token={served.token}"
        _write_state(state, {"pid": os.getpid(), "url": url, "vault": str(vault.root)})
        stops.append(lambda: _remove(state / place.STATE))
        if sync_interval:  # started last, so stopped first: a pull still finds the worker
            from vault.serve.syncer import Syncer

            syncer = Syncer(
                vault.root, state, sync_interval, log=log,
                pulled=lambda: served.call(served.resident.changed),
            )  # fmt: skip
            syncer.start()
            stops.append(syncer.stop)
        stopping = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stopping.set())
        print(f"serving {vault.root} at {url}", flush=True)
        log(f"answering the CLI on {listener.path}; MCP at http://{shown}:{served.port}/mcp")
        while not stopping.wait(1.0):
            pass
        log("stopping")
    finally:
        for stop in reversed(stops):  # the last started stops first
            try:
                stop()
            except Exception as exc:  # stop the rest anyway
                log(f"while stopping: {exc!r}")
        os.close(lock)


def _fewer_arenas() -> None:
    """glibc's malloc gives each thread that allocates its own arena (up to 8 per core) and
    hands little back from them: with the pool's threads each building records, a load run
    (32 clients, appends among the calls) held about 90 MB more RSS than with 2 arenas (408
    against 321 MB after 320 calls at 10,000 notes). $MALLOC_ARENA_MAX, when set, decides."""
    if "MALLOC_ARENA_MAX" in os.environ or not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None).mallopt(-8, 2)  # M_ARENA_MAX (malloc.h), before any thread starts
    except (OSError, AttributeError):  # not glibc
        pass


def _answer(served: Served, answer: Callable[[Served, dict], dict], request: dict) -> dict:
    if request.get("op") != "run":
        return {"ok": False, "why": "unknown request"}
    import shlex
    import time

    command = shlex.join(["vault", *request.get("argv", [])])
    start = time.perf_counter()
    try:
        reply = served.call(answer, served, request)
    except TimeoutError as exc:
        log(f"{command}: {exc}; the client answers alone")
        return {"ok": False, "why": str(exc)}
    took = (time.perf_counter() - start) * 1000
    if reply.get("ok"):
        log(f"answered {command} (exit {reply['code']}, {took:.0f} ms)")
    else:
        log(f"left {command} to the client: {reply.get('why')}")
    return reply


def _take_lock(vault: Vault, state: Path) -> int:
    import fcntl
    import time

    fd = os.open(state / place.LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd
    except BlockingIOError:
        os.close(fd)
    # The other server may be starting: give it a moment to write where it is.
    for _ in range(20):
        found = place.read_state(state)
        if found and found.get("url"):
            raise AlreadyServing(vault, found["url"])
        time.sleep(0.1)
    raise AlreadyServing(vault, None)


def _listen(host: str, port: int) -> socket.socket:
    """The HTTP side's listening socket. Made with its protocol named (IPPROTO_TCP), not 0 as
    `socket.create_server` makes it: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on
    connections whose socket says TCP, and with it on, every answer on a kept-alive connection
    waited some 40 ms for the client's delayed ACK between its headers and its body."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise VaultError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def _write_state(state: Path, data: dict) -> None:
    path = state / place.STATE
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f)
    os.replace(tmp, path)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def status(vault_dir: str | None) -> tuple[Vault, dict | None]:
    """The vault and its running server's state ({"pid", "url", "vault", "stopped", "sync"}),
    or None; "stopped": suspended (Ctrl-Z); "sync" is None unless it syncs
    (vault.serve.syncer.read_status)."""
    from vault.serve.syncer import read_status

    vault = open_vault(vault_dir)
    state = vault.state_dir
    if not place.is_running(state):
        return vault, None
    found = place.read_state(state) or {"pid": None, "url": None, "vault": str(vault.root)}
    pid = found.get("pid")
    stopped = bool(pid) and place.is_stopped(pid)
    return vault, {**found, "stopped": stopped, "sync": read_status(state, pid)}
