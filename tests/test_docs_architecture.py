"""docs/architecture.md stays a true map: every module it names exists, and every module
that exists is named there."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "vault"
DOC = ROOT / "docs" / "architecture.md"
# A name in backticks that is a module or a folder: `catalog/`, `facade.py`, `git/trust.py`.
NAMED = re.compile(r"`([A-Za-z_][\w/]*(?:\.py|/))`")


def named() -> set[str]:
    return set(NAMED.findall(DOC.read_text(encoding="utf-8")))


def modules() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts]


def test_every_name_the_map_gives_is_a_real_module_or_folder():
    files = {p.relative_to(SRC).as_posix() for p in modules()}
    folders = {p.relative_to(SRC).as_posix() + "/" for p in SRC.rglob("*") if p.is_dir()}
    real = files | folders
    for name in named():
        if (ROOT / name).exists():
            continue  # a path from the repository's root: tests/..., src/vault/...
        assert any(r == name or r.endswith("/" + name) for r in real), (
            f"docs/architecture.md names `{name}`, which is no module or folder of src/vault"
        )


def test_every_module_and_family_is_on_the_map():
    names = named()
    for path in modules():
        rel = path.relative_to(SRC).as_posix()
        if path.name in ("__init__.py", "__main__.py"):
            continue  # a package's own module: its folder is on the map
        if rel.startswith("cli/") and rel != "cli/common.py":
            continue  # one module per command: the map names the rule, not each command
        assert path.name in names or rel in names, f"docs/architecture.md does not name {rel}"
    for folder in SRC.iterdir():
        if folder.is_dir() and folder.name not in ("__pycache__", "assets"):
            assert f"{folder.name}/" in names, f"docs/architecture.md does not name {folder.name}/"


def test_the_readme_links_to_it():
    assert "docs/architecture.md" in (ROOT / "README.md").read_text(encoding="utf-8")
