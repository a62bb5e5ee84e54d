"""The README's `$ vault …` blocks as golden transcripts (zk's .tesh files, in our README).

Each ```console block runs, in order, in one bash session on a fresh copy of the example
vault (in git, with a fixed identity and date), from the vault's root, with stdout and
stderr together as a terminal would show them. What a block shows must be what the program
prints, after normalising only what differs from machine to machine: the vault's absolute
path, dates, commit hashes and timings.

    python tests/transcripts.py --update README.md   # rewrite every block's output from a run
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
EXAMPLE = PROJECT / "memory"
# What the README shows as the vault's path.
SHOWN_ROOT = "/home/ada/notes"
GIT_DATE = "2026-11-24T12:00:00+00:00"
ENV = {
    "GIT_AUTHOR_NAME": "Ada Researcher",
    "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada Researcher",
    "GIT_COMMITTER_EMAIL": "ada@example.com",
    "GIT_AUTHOR_DATE": GIT_DATE,
    "GIT_COMMITTER_DATE": GIT_DATE,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "PYTHONUNBUFFERED": "1",
    "NO_COLOR": "1",
    "COLUMNS": "100",
}
_MARK = "@@vault-transcript@@"
_BLOCK = re.compile(r"^```console\n(.*?)^```$", re.S | re.M)


@dataclass
class Step:
    # The command as written (continuation lines joined with newlines).
    command: str
    # The output shown under it.
    expected: str


@dataclass
class Block:
    # Line number of the ``` line in the README (1-based), for messages.
    line: int
    steps: list[Step]
    # Character span of the block's body in the README.
    span: tuple[int, int]


def blocks(text: str) -> list[Block]:
    out = []
    for m in _BLOCK.finditer(text):
        steps: list[Step] = []
        lines = m.group(1).split("\n")[:-1]
        i = 0
        while i < len(lines):
            line = lines[i]
            if not line.startswith("$ "):
                raise ValueError(f"README line {text.count(chr(10), 0, m.start()) + 2 + i}: "
                                 "a console block must start with a `$ ` command")  # fmt: skip
            command = [line[2:]]
            while command[-1].endswith(("\\", "|")) and i + 1 < len(lines):
                i += 1
                command.append(lines[i])
            i += 1
            shown = []
            while i < len(lines) and not lines[i].startswith("$ "):
                shown.append(lines[i])
                i += 1
            while shown and not shown[-1].strip():
                shown.pop()  # a blank line before the next command is layout
            steps.append(Step("\n".join(command), "\n".join(shown)))
        out.append(Block(text.count("\n", 0, m.start()) + 1, steps, m.span(1)))
    return out


def fresh_vault(parent: Path) -> Path:
    """A copy of the example vault in a git repository with one commit."""
    root = parent / "notes"
    shutil.copytree(EXAMPLE, root / "memory")
    env = {**os.environ, **ENV}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "Example vault"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)
    return root


def run_block(block: Block, work: Path) -> list[str]:
    """The output of each step of a block, run in one bash session in a fresh vault."""
    root = fresh_vault(work)
    script = ["set +e"]
    for step in block.steps:
        # Print a mark between steps, keeping $? for the next step (`echo $?`).
        script.append(f"{step.command}\n__s=$?; echo {_MARK}; (exit $__s)")
    env = {**os.environ, **ENV, "HOME": str(work / "home")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("VAULT_DIR", None)
    proc = subprocess.run(
        ["bash", "-c", "\n".join(script) + "\n"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
    )
    parts = proc.stdout.split(_MARK + "\n")
    return [p.rstrip("\n").replace(str(root), SHOWN_ROOT) for p in parts[: len(block.steps)]]


def normalise(text: str) -> str:
    text = re.sub(r"\b\d{4}-\d{2}-\d{2}(?:T[\d:+.-]+)?\b", "<date>", text)
    text = re.sub(r"\b[0-9a-f]{10,40}\b", "<hash>", text)
    text = re.sub(r"\b\d+\.\d+s\b", "<seconds>", text)
    return re.sub(r'("seconds": )[\d.]+', r"\1<seconds>", text)


def update(readme: Path) -> None:
    text = readme.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        pieces, last = [], 0
        for n, block in enumerate(blocks(text)):
            work = Path(tmp) / f"b{n}"
            work.mkdir()
            outputs = run_block(block, work)
            body = []
            for step, out in zip(block.steps, outputs, strict=True):
                body.append("$ " + step.command)
                if out:
                    body.append(out)
            pieces.append(text[last : block.span[0]])
            pieces.append(_blank_lines_between(body))
            last = block.span[1]
        pieces.append(text[last:])
    readme.write_text("".join(pieces), encoding="utf-8")


def _blank_lines_between(body: list[str]) -> str:
    out = []
    for item in body:
        if item.startswith("$ ") and out and not out[-1].startswith("$ "):
            out.append("")
        out.append(item)
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    if sys.argv[1:2] != ["--update"] or len(sys.argv) != 3:
        sys.exit("usage: python tests/transcripts.py --update README.md")
    update(Path(sys.argv[2]))
