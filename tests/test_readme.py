"""The README's transcripts are what the program prints (see tests/transcripts.py)."""

from __future__ import annotations

import difflib

import pytest
from transcripts import PROJECT, blocks, normalise, run_block

README = PROJECT / "README.md"
BLOCKS = blocks(README.read_text(encoding="utf-8"))


def test_the_readme_has_transcripts():
    assert len(BLOCKS) >= 10
    assert sum(len(b.steps) for b in BLOCKS) >= 25


@pytest.mark.parametrize("block", BLOCKS, ids=[f"line{b.line}" for b in BLOCKS])
def test_readme_block_is_what_vault_prints(block, tmp_path):
    outputs = run_block(block, tmp_path)
    for step, actual in zip(block.steps, outputs, strict=True):
        want, got = normalise(step.expected), normalise(actual)
        if want != got:
            diff = "\n".join(
                difflib.unified_diff(
                    want.splitlines(), got.splitlines(), "README", "vault", lineterm=""
                )
            )
            pytest.fail(
                f"README.md line {block.line}: `$ {step.command}` prints otherwise "
                f"(python tests/transcripts.py --update README.md rewrites it):\n{diff}"
            )
