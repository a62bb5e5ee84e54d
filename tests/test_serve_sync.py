"""`vault serve --sync-interval`: a served clone kept in step with its remote, as real
processes (two clones of one bare remote stand in for two machines): what the other machine
pushed is in the served answers within seconds, what is written here reaches the remote, and
`--status` tells how the last sync went."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import EXAMPLE, GIT_ENV, git, state_dir

FIRST_LINE = re.compile(r"^serving (.+) at http://127\.0\.0\.1:(\d+)/\?token=([A-Za-z0-9_-]{43})$")


def vault(root: Path, *args: str, served: bool = True, input: str | None = None):
    """`vault ARGS` as its own process (through the server's socket unless `served` is off)."""
    env = {**os.environ, **GIT_ENV}
    env.pop("VAULT_NO_SERVER", None)
    if not served:
        env["VAULT_NO_SERVER"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "vault", "--vault", str(root), *args],
        capture_output=True, text=True, env=env, cwd=root, input=input, timeout=120,
    )  # fmt: skip


@pytest.fixture
def serve():
    """serve(root, *extra) -> the `vault serve` process, its first line read; stopped after."""
    started: list[subprocess.Popen] = []

    def start(root: Path, *extra: str) -> subprocess.Popen:
        proc = subprocess.Popen(
            [sys.executable, "-m", "vault", "--vault", str(root), "serve", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **GIT_ENV}, cwd=root,
        )  # fmt: skip
        started.append(proc)
        first = proc.stdout.readline()
        assert FIRST_LINE.match(first.rstrip("\n")), (first, "" if first else proc.stderr.read())
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def machines(tmp_path) -> tuple[Path, Path, Path]:
    """(remote, a, b): a seeded the remote with the example vault; b is a clone of it."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    a, b = tmp_path / "a", tmp_path / "b"
    git(tmp_path, "clone", "-q", str(remote), str(a))
    shutil.copytree(EXAMPLE, a / "memory")
    assert vault(a, "sync", served=False).returncode == 0
    git(tmp_path, "clone", "-q", str(remote), str(b))
    return remote, a, b


def until(check, seconds: float = 30.0):
    """check()'s first true answer, asking every 0.2 s; fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            assert found, f"not within {seconds:g} s"
            return found
        time.sleep(0.2)


def status(root: Path) -> dict:
    res = vault(root, "serve", "--status", "--json", served=False)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_a_served_clone_follows_its_remote_both_ways(machines, serve):
    remote, a, b = machines
    server = serve(b, "--sync-interval", "1")
    # Another machine pushes a note: the served answers show it within seconds.
    made = vault(a, "new", "--title", "Zeolite membranes", "--date", "2026-03-01", served=False)
    assert made.returncode == 0, made.stderr
    note = made.stdout.strip()
    assert vault(a, "sync", served=False).returncode == 0
    until(lambda: note in vault(b, "search", "zeolite", "--paths").stdout.split())
    shown = vault(b, "show", note)
    assert shown.returncode == 0 and shown.stdout.startswith("Zeolite membranes\n"), shown.stderr
    # A note written here reaches the remote, and the other machine, by the next sync.
    here = vault(b, "new", "--title", "Perovskite cells", "--date", "2026-03-02", input="")
    assert here.returncode == 0, here.stderr
    mine = here.stdout.strip()
    until(lambda: mine in git(remote, "ls-tree", "-r", "--name-only", "main"))
    sync = until(lambda: (s := status(b)["sync"])["last"] and s["last"]["ok"] and s)
    assert sync["interval"] == 1
    assert set(sync["last"]) >= {"at", "retries", "pulled", "pushed", "conflicts", "error"}
    assert sync["totals"]["syncs"] >= 1 and sync["totals"]["failed"] == 0
    assert vault(a, "sync", served=False).returncode == 0
    assert (a / mine).is_file()
    server.send_signal(signal.SIGTERM)
    assert server.wait(60) == 0
    log = server.stderr.read()
    assert "sync: ok, pulled 1 note" in log and "pushed" in log, log
    assert not (state_dir(b) / "serve-sync.json").exists()


def test_status_tells_the_last_sync_and_a_failure(machines, serve):
    _, _, b = machines
    git(b, "remote", "set-url", "origin", str(b.parent / "gone.git"))
    serve(b, "--sync-interval", "30")
    sync = until(lambda: status(b)["sync"]["last"])
    assert status(b)["sync"]["totals"]["failed"] >= 1
    assert sync["ok"] is False and sync["error"].startswith("could not fetch from remote 'origin'")
    text = vault(b, "serve", "--status", served=False).stdout.splitlines()
    assert re.fullmatch(
        r"sync every 30 s: last at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, failed: could not fetch "
        r"from remote 'origin' .*; next due \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",
        text[1],
    ), text


def test_a_server_without_sync_says_so_in_its_status(git_vault, serve):
    # What a killed server that synced left behind is not this server's.
    left = {"pid": 1, "interval": 5, "next_due": None, "last": None, "totals": {}}
    state_dir(git_vault).mkdir(parents=True, exist_ok=True)
    (state_dir(git_vault) / "serve-sync.json").write_text(json.dumps(left))
    serve(git_vault)
    assert status(git_vault)["sync"] is None
    assert len(vault(git_vault, "serve", "--status", served=False).stdout.splitlines()) == 1


def test_read_only_refuses_to_sync_and_a_vault_outside_git_too(machines, vault_copy):
    _, _, b = machines
    res = vault(b, "serve", "--read-only", "--sync-interval", "5", served=False)
    assert res.returncode == 2
    assert res.stderr.splitlines()[-1] == (
        "Error: --sync-interval writes (it commits, pulls and pushes) and --read-only writes "
        "nothing: use one or the other (see 'vault serve --help')"
    )
    res = vault(vault_copy, "serve", "--sync-interval", "5", served=False)
    assert res.returncode == 1 and res.stderr.startswith("Error: ") and "git" in res.stderr
    assert len(res.stderr.splitlines()) == 1, res.stderr
