"""The layout stays as designed: import boundaries, a fast --help, every command documented."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from vault.cli import COMMANDS, cli

SRC = Path(__file__).resolve().parents[1] / "src" / "vault"
README = Path(__file__).resolve().parents[1] / "README.md"
HEAVY = ("whoosh", "networkx", "git")


def imports_of(path: Path) -> list[tuple[str, bool]]:
    """(module, at top level?) for every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.module, id(node) in top))
    return out


def modules():
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        yield ".".join(rel.parts), path


def test_only_the_cli_and_render_import_click():
    for name, path in modules():
        if name.startswith("vault.cli") or name == "vault.render":
            continue
        assert not any(m.split(".")[0] == "click" for m, _ in imports_of(path)), name


def test_heavy_libraries_are_imported_inside_functions():
    for name, path in modules():
        top_level = [m for m, top in imports_of(path) if top]
        assert not [m for m in top_level if m.split(".")[0] in HEAVY], name


def test_layers_point_one_way():
    # The core never imports the CLI or the output layer; index and graph stay independent.
    forbidden = {
        "vault.model": ("vault.",),
        "vault.errors": ("vault.",),
        "vault.notes": ("vault.cli", "vault.render", "vault.catalog", "vault.index",
                        "vault.graph", "vault.history"),
        "vault.index": ("vault.cli", "vault.render", "vault.graph"),
        "vault.graph": ("vault.cli", "vault.render", "vault.index"),
    }  # fmt: skip
    for name, path in modules():
        if name.startswith("vault.cli") or name in ("vault.render", "vault.__main__"):
            continue
        for mod, _ in imports_of(path):
            assert not mod.startswith("vault.cli"), (name, mod)
            assert mod != "vault.render", (name, mod)
            for prefix in forbidden.get(name, ()):
                allowed = name == "vault.model" and mod == "vault.model"
                assert allowed or not mod.startswith(prefix), (name, mod)


def test_help_imports_no_heavy_library():
    code = (
        "import sys\n"
        "from vault.cli import cli\n"
        "try:\n    cli.main(['--help'], prog_name='vault')\nexcept SystemExit:\n    pass\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout, out.stdout


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_with_an_example_and_a_readme_mention(run, name):
    res = run(None, name, "--help")
    assert res.exit_code == 0, res.stderr
    assert "Examples:" in res.stdout and f"vault {name}" in res.stdout
    assert f"vault {name}" in README.read_text(encoding="utf-8")


def test_every_command_module_is_registered():
    on_disk = {p.stem for p in (SRC / "cli").glob("*.py")} - {"__init__", "common"}
    assert on_disk == {m.rsplit(".", 1)[1] for m in COMMANDS.values()}
    assert sorted(cli.list_commands(None)) == sorted(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_offers_json(run, name):
    res = run(None, name, "--help")
    assert "--json" in res.stdout or name == "graph", name
