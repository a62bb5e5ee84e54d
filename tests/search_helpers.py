"""Shared by the search and index tests: generated vaults with known planted words."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def _load_generator():
    spec = importlib.util.spec_from_file_location("gen_vault", PROJECT / "bench" / "gen_vault.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen_vault = _load_generator()


def make_vault(root: Path, n: int, seed: int = 1) -> dict[str, dict]:
    """Write a generated vault of n notes under root (root/memory/...); return its facts."""
    return gen_vault.generate(root, n, seed)


def copy_vault(src: Path, dst: Path) -> Path:
    """A copy of a generated vault, index and caches included (file times are kept)."""
    from conftest import state_dir

    shutil.copytree(src, dst, symlinks=True)
    if state_dir(src).exists():
        shutil.copytree(state_dir(src), state_dir(dst), symlinks=True)
    return dst


def with_term(facts: dict[str, dict], term: str) -> set[str]:
    return {note_id for note_id, f in facts.items() if term in f["terms"]}


def ids_of(stdout: str) -> set[str]:
    return {line for line in stdout.splitlines() if line}


def json_ids(stdout: str) -> list[str]:
    return [hit["id"] for hit in json.loads(stdout)]


def write_note(root: Path, note_id: str, title: str, body: str, **headers: str) -> Path:
    """A note in header-line style, written directly (as an editor or agent would)."""
    lines = [f"# {title}", ""]
    lines += [f"{key.capitalize()}: {value}" for key, value in headers.items()]
    path = root / note_id
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n\n" + body + "\n", encoding="utf-8")
    return path


def run_on_terminal(root: Path, *args: str, stream: str) -> tuple[int, str, str]:
    """Run `python -m vault --vault root ARGS` with `stream` ("stdout" or "stderr") on a real
    pseudo-terminal and the other piped; returns (exit code, terminal text, piped text)."""
    import os
    import pty
    import subprocess
    import sys

    from conftest import GIT_ENV

    leader, follower = pty.openpty()
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, stream: follower}
    proc = subprocess.Popen(
        [sys.executable, "-m", "vault", "--vault", str(root), *args],
        **pipes,
        env={**os.environ, **GIT_ENV, "TERM": "xterm"},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO once the child has closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    piped = (proc.stderr if stream == "stdout" else proc.stdout).read()
    proc.wait(timeout=120)
    os.close(leader)
    return proc.returncode, b"".join(chunks).decode(), piped.decode()
