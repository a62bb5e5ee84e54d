"""Shared fixtures: copies of the example vault in tmp_path, real git repos, the CLI."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from vault.cli import cli

PROJECT = Path(__file__).resolve().parents[1]
EXAMPLE = PROJECT / "memory"
CORPORA = PROJECT / "tests" / "corpora"

# Debian's Chromium: `playwright install` cannot download a browser on our machines.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]

# Ctrl-C as a terminal delivers it. A run started in the background (`cmd &` in a script,
# nohup) inherits SIGINT ignored, and so would every vault process the tests start: the tests
# of Ctrl-C could not interrupt them. A handler here is reset to the default in each child.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# Every test runs git with a fixed identity and no user or system config.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    """Derived data (index, caches, locks) goes to a cache folder of the test session's own,
    for fixtures of every scope: never the developer's ~/.cache."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    os.environ.pop("VAULT_CACHE_DIR", None)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """No test sees the developer's VAULT_DIR, git config or editor."""
    monkeypatch.delenv("VAULT_DIR", raising=False)
    monkeypatch.setenv("EDITOR", "true")
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


@pytest.fixture(scope="session")
def browser():
    """A real headless Chromium driven by Playwright. Missing: skip locally, fail under CI."""
    reason = ""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium)"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            reason = "playwright is not installed (pip install -e '.[test]')"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def state_dir(root: Path) -> Path:
    """Where vault keeps the derived data (index, cache, locks) of the vault at `root`."""
    from vault.vault import open_vault

    return open_vault(root).state_dir


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root (except .git and .vault) with its bytes: "nothing was written"."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in (".git", ".vault")]
        for name in filenames:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as fh:
                out[os.path.relpath(path, root).replace(os.sep, "/")] = fh.read()
    return out


def git(cwd: Path, *args: str) -> str:
    """Run git in `cwd` and return its stdout (raises on failure)."""
    out = subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV},
    )
    return out.stdout


@pytest.fixture
def trust(monkeypatch, tmp_path):
    """trust(root) -> env: say, in a global git config of the test's own, that the vault at
    root is the user's to trust (vault.trusted), so its hooks run; pass the returned env to
    run_process (the in-process CLI sees it already)."""

    def _trust(root: Path) -> dict[str, str]:
        config = tmp_path / "trusting.gitconfig"
        config.write_text(f"[vault]\n\ttrusted = {root}\n", encoding="utf-8")
        monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
        return {"GIT_CONFIG_GLOBAL": str(config)}

    return _trust


def init_repo(path: Path, commit: bool = True) -> Path:
    git(path, "init", "-q", "-b", "main")
    if commit:
        git(path, "add", "-A")
        git(path, "commit", "-q", "-m", "initial")
    return path


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def vault_copy(tmp_path) -> Path:
    """A copy of the example vault (memory/ under a root folder), not in git."""
    root = tmp_path / "vault"
    shutil.copytree(EXAMPLE, root / "memory")
    return root


@pytest.fixture
def git_vault(vault_copy) -> Path:
    """A copy of the example vault in a fresh git repo with one commit."""
    return init_repo(vault_copy)


@pytest.fixture
def run():
    """run(root, *args, input=None) -> Result: the CLI in-process, against vault `root`."""

    def _run(root: Path | None, *args: str, input: str | bytes | None = None, cwd=None):
        runner = CliRunner()
        argv = (["--vault", str(root)] if root is not None else []) + list(args)
        old = os.getcwd()
        if cwd is not None:
            os.chdir(cwd)
        try:
            res = runner.invoke(cli, argv, input=input, catch_exceptions=False)
        finally:
            os.chdir(old)
        return Result(res.exit_code, res.stdout, res.stderr)

    return _run


def run_process(
    root: Path | None, *args: str, input: str | None = None, cwd=None, env=None, wrap=()
):
    """The CLI as a separate process (python -m vault), as an agent would call it; `wrap` is
    a command to run it under (e.g. setpriv)."""
    argv = [*wrap, sys.executable, "-m", "vault"]
    argv += (["--vault", str(root)] if root is not None else []) + list(args)
    proc = subprocess.run(
        argv,
        input=input,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **GIT_ENV, **(env or {})},
        timeout=120,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)
