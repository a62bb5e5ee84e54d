"""What the git benchmarks share: git run with a fixed identity and no user or system config
(so a developer's settings never change a figure), and the report printed and kept."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str) -> str:
    """Run git in `cwd` with ENV; its stdout (CalledProcessError when it fails)."""
    return subprocess.run(
        ["git", *args], cwd=cwd, env=ENV, check=True, capture_output=True, text=True
    ).stdout


def report(data: dict, out: Path | None) -> None:
    """The figures as JSON on stdout, and in `out` when given."""
    text = json.dumps(data, indent=2)
    print(text)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
