"""Every example in every command's --help runs on the example vault as written."""

from __future__ import annotations

import re
import shlex
import shutil

import pytest
from conftest import EXAMPLE, init_repo

from vault.cli import COMMANDS, cli


def examples():
    for name in sorted(COMMANDS):
        command = cli.get_command(None, name)
        text = command.help or ""
        lines = text.split("Examples:", 1)[1].splitlines() if "Examples:" in text else []
        joined = re.sub(r"\\\s*\n\s*", " ", "\n".join(lines))
        for line in joined.splitlines():
            line = line.strip()
            if line.startswith("vault "):
                yield pytest.param(name, line, id=line[:70])


@pytest.mark.parametrize(("name", "line"), list(examples()))
def test_help_example_runs(run, tmp_path, name, line):
    if name == "sync":
        pytest.skip("needs a remote: covered by tests/test_sync.py")
    if name == "serve" and "--status" not in line:
        pytest.skip("a server runs until it is stopped: covered by tests/test_serve.py")
    root = tmp_path / "vault"
    shutil.copytree(EXAMPLE, root / "memory")
    init_repo(root)
    # Only the vault command: drop shell pipes and redirections after it.
    command = re.split(r"\s[|>]\s", line)[0]
    argv = shlex.split(command)[1:]
    res = run(root, *argv, input="Example body.\n", cwd=tmp_path)  # -o files land in tmp_path
    assert "no note matches" not in res.stderr, (line, res.stderr)
    assert "Traceback" not in res.stderr
    # `check` exits 1 on the example vault by design (its dangling link); `serve --status`
    # exits 1 when no server runs, as here.
    expected = 1 if name in ("check", "serve") else 0
    assert res.exit_code == expected, (line, res.stderr)
