"""Helpers for the graph, export, tree/backlinks and check tests: small vaults written from
a dict, and the example vault with its one undated note pinned to a fixed date."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from conftest import EXAMPLE

# The example note without any date gets its mtime as date; pin it so output is stable.
UNDATED = "memory/articles/the-rising-trend-of-exosomes-in-skincare.md"
PINNED_MTIME = 1767614400  # 2026-01-05 12:00 UTC: the same day in every time zone but +12/-12


def write_vault(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write files (paths relative to root) and return root."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


def pinned_example(root: Path) -> Path:
    """A copy of the example vault at root, its undated note's mtime fixed."""
    shutil.copytree(EXAMPLE, root / "memory")
    os.utime(root / UNDATED, (PINNED_MTIME, PINNED_MTIME))
    return root


def edge_set(graph_json: str | dict) -> set[tuple[str, str, str]]:
    data = json.loads(graph_json) if isinstance(graph_json, str) else graph_json
    return {(e["source"], e["target"], e["kind"]) for e in data["edges"]}
