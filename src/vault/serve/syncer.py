"""`vault serve --sync-interval SECONDS`: the served clone kept in step with its remote.

One thread runs `vault sync --json` every SECONDS (a tenth more or less at random, so
servers started together drift apart), measured from the end of the last one, so two never
run at once; the sync takes the vault's write lock as it does when typed. After a sync that
changed the notes, the server is told to look again (its watch sees the files change too),
and `vault serve --status` reads the outcome from a file in the state folder.

The sync runs as its own process, with the environment the server started with, never in
the server's own: a command answered for the CLI swaps the process's environment and
working directory while it runs (vault.serve.process), and the vault's state folder, so its
write lock, is found through $XDG_CACHE_HOME; a sync reading it mid-swap could take the
wrong lock. A process of its own also keeps a stopping server from cutting a rebase in two:
it is started in its own session (a Ctrl-C in the terminal does not reach it) and the server
waits for it to finish, which a sync's own bounds (retries, network deadlines) make short.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

STATUS = "serve-sync.json"  # {"interval", "next_due", "last", "totals"}, in the state folder
JITTER = 0.1  # each wait is the interval, a tenth more or less


class Syncer:
    """The thread that syncs the served vault every `interval` seconds."""

    def __init__(
        self,
        root: Path,
        state_dir: Path,
        interval: float,
        *,
        pulled: Callable[[], None],
        log: Callable[[str], None],
    ):
        self.root = root
        self.path = state_dir / STATUS
        self.interval = interval
        self.pulled = pulled  # told after a sync that changed the notes here
        self.log = log
        # Fixed now, before any command answered for the CLI changes the process's own.
        self.env = {**os.environ, "VAULT_NO_SERVER": "1"}
        self.last: dict | None = None
        # Since the server started: syncs run, failed, push retries, conflict copies kept.
        self.totals = {"syncs": 0, "failed": 0, "retries": 0, "conflicts": 0}
        self._told: str | None = None  # the last failure logged, so a repeat is not
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="vault-sync", daemon=True)

    def start(self) -> None:
        self._write(time.time())
        self._thread.start()

    def stop(self) -> None:
        """Stop syncing; a sync under way is waited for, never cut short."""
        self._stopping.set()
        if self._thread.is_alive():
            self.log("waiting for the sync under way to finish")
            self._thread.join()
        _remove(self.path)

    def _loop(self) -> None:
        while not self._stopping.is_set():  # the first sync at once: what came meanwhile
            self.sync_once()
            wait = self.interval * random.uniform(1 - JITTER, 1 + JITTER)
            self._write(time.time() + wait)
            self._stopping.wait(wait)

    def sync_once(self) -> dict:
        """Run one sync; its outcome, as `vault serve --status --json` shows it."""
        started = time.time()
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "vault", "--vault", str(self.root), "sync", "--json"],
                capture_output=True,
                text=True,
                env=self.env,
                cwd=self.root,
                start_new_session=True,
            )
        except OSError as exc:
            proc = subprocess.CompletedProcess([], 1, "", f"Error: cannot run vault sync: {exc}")
        self.last = outcome(proc.returncode, proc.stdout, proc.stderr, started)
        self.totals["syncs"] += 1
        self.totals["failed"] += not self.last["ok"]
        self.totals["retries"] += self.last["retries"]
        self.totals["conflicts"] += len(self.last["conflicts"])
        self._tell(self.last)
        if self.last["pulled"] or self.last["conflicts"]:
            try:
                self.pulled()
            except Exception as exc:  # the watch sees the files anyway
                self.log(f"sync: could not refresh the served state: {exc!r}")
        return self.last

    def _tell(self, last: dict) -> None:
        if last["error"] is not None:
            if last["error"] != self._told:
                self.log(f"sync failed: {last['error']}")
            self._told = last["error"]
            return
        if self._told is not None:
            self.log("sync works again")
        self._told = None
        if last["pulled"] or last["pushed"] or last["conflicts"]:
            self.log(f"sync: {summary(last)}")

    def _write(self, next_due: float) -> None:
        data = {
            "pid": os.getpid(),  # whose: a file a killed server left says nothing
            "interval": self.interval,
            "next_due": _iso(next_due),
            "last": self.last,
            "totals": self.totals,
        }
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f)
        os.replace(tmp, self.path)


def outcome(code: int, stdout: str, stderr: str, started: float) -> dict:
    """One sync's outcome from what `vault sync --json` printed."""
    last = {
        "at": _iso(started),
        "seconds": round(time.time() - started, 2),
        "ok": False,
        "committed": None,
        "pulled": [],
        "pushed": False,
        "retries": 0,
        "merged": [],
        "conflicts": [],
        "error": None,
    }
    if code == 0:
        try:
            result = json.loads(stdout)
        except ValueError:
            result = None
        if isinstance(result, dict):
            last["ok"] = True
            for key in ("committed", "pulled", "pushed", "retries", "merged", "conflicts"):
                last[key] = result.get(key, last[key])
            return last
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    error = next((ln for ln in reversed(lines) if ln.startswith("Error: ")), None)
    if error is None:
        error = lines[-1] if lines else f"vault sync exited {code}"
    last["error"] = error.removeprefix("Error: ")
    return last


def summary(last: dict) -> str:
    """One line: how the last sync went."""
    if last["error"] is not None:
        return f"failed: {last['error']}"
    parts = ["ok"]
    if last["retries"]:
        parts[0] += f" after {last['retries']} retr{'y' if last['retries'] == 1 else 'ies'}"
    if last["pulled"]:
        n = len(last["pulled"])
        parts.append(f"pulled {n} note{'s' if n != 1 else ''}")
    if last["pushed"]:
        parts.append("pushed")
    if last["conflicts"]:
        copies = ", ".join(c["copy"] for c in last["conflicts"])
        parts.append(f"conflicts kept: {copies}")
    return ", ".join(parts)


def read_status(state_dir: Path, pid: int | None) -> dict | None:
    """What the syncer of the server `pid` last wrote, or None (it does not sync)."""
    try:
        with open(state_dir / STATUS, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.pop("pid", None) != pid:
        return None
    return data


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
