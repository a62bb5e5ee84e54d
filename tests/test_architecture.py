"""The layout stays as designed: families, one-way dependencies, no import circles, heavy
libraries only in their family, a fast --help, every command documented.

Every import counts, at module level or inside a function: a deferred import is still a
dependency, it only runs later.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE

from vault.cli import COMMANDS, cli

SRC = Path(__file__).resolve().parents[1] / "src" / "vault"
README = Path(__file__).resolve().parents[1] / "README.md"
# Family folder -> the one outside library only it may import.
FAMILIES = {"graph": "networkx", "search": "whoosh", "git": "git", "mcp": "mcp"}
HEAVY = tuple(FAMILIES.values())


def _type_only(tree: ast.Module) -> set[int]:
    """The nodes inside `if TYPE_CHECKING:` blocks: names for annotations, never imported
    when the program runs, so they are no dependency."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            out |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return out


def imports_of(path: Path, name: str) -> list[tuple[str, bool]]:
    """(absolute module, at top level?) for every import in a file that runs, at module level
    or inside a function, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    skip = _type_only(tree)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out += [(alias.name, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module
            out.append((module, id(node) in top))
            # `from vault.graph import build` imports the submodule vault.graph.build.
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                if (SRC.parent / Path(*sub.split("."))).with_suffix(".py").exists():
                    out.append((sub, id(node) in top))
    return out


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        out[".".join(parts)] = path
    return out


def layer(name: str) -> str:
    """ "cli" (click commands), "mcp" (the MCP server), a family name, or "core"."""
    parts = name.split(".")
    if name == "vault.__main__":
        return "cli"
    if len(parts) > 1 and parts[1] in ("cli", *FAMILIES):
        return parts[1]
    if name == "vault.render" or name.startswith("vault.render."):
        return "render"
    return "core"


def vault_imports(name: str, path: Path) -> set[str]:
    """The vault modules a module imports (packages resolved to their __init__)."""
    known = modules()
    out = set()
    for mod, _ in imports_of(path, name):
        if mod.split(".")[0] != "vault":
            continue
        while mod not in known and "." in mod:
            mod = mod.rsplit(".", 1)[0]  # `from vault.x import name`: the module vault.x
        if mod in known and mod != name:
            out.add(mod)
    return out


def test_the_graph_has_no_import_circles():
    graph = {name: vault_imports(name, path) for name, path in modules().items()}
    seen: dict[str, int] = {}  # 1: on the current path, 2: done
    stack: list[str] = []

    def visit(node: str) -> None:
        seen[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if seen.get(dep) == 1:
                circle = stack[stack.index(dep) :] + [dep]
                pytest.fail("import circle: " + " -> ".join(circle))
            if dep not in seen:
                visit(dep)
        stack.pop()
        seen[node] = 2

    for node in sorted(graph):
        if node not in seen:
            visit(node)


def test_heavy_libraries_only_in_their_family_and_inside_functions():
    for name, path in modules().items():
        for mod, top in imports_of(path, name):
            root = mod.split(".")[0]
            if root in HEAVY:
                family = next(f for f, lib in FAMILIES.items() if lib == root)
                assert layer(name) == family, f"{name} imports {root} (only vault.{family} may)"
                # The mcp server is a process of its own; everything else defers the import.
                assert not top or family == "mcp", f"{name} imports {root} at module level"


def test_only_the_cli_and_render_import_click():
    for name, path in modules().items():
        if layer(name) in ("cli", "render"):
            continue
        assert not any(m.split(".")[0] == "click" for m, _ in imports_of(path, name)), name


def test_dependencies_point_one_way():
    """cli and mcp -> families -> core. Families reach each other only through the core's
    data; the core imports no family; nothing imports the CLI; only adapters use render."""
    for name, path in modules().items():
        mine = layer(name)
        for dep in vault_imports(name, path):
            theirs = layer(dep)
            if theirs == mine or mine == "cli":
                continue
            assert theirs != "cli", f"{name} imports the CLI ({dep})"
            if mine == "mcp":
                continue  # the MCP server is an adapter like the CLI
            assert theirs != "render", f"{name} imports render: only the CLI and mcp may"
            if mine == "render":
                assert theirs == "core", f"render imports {dep}"
                continue
            assert theirs == "core", f"{name} ({mine}) imports {dep} ({theirs})"


def test_the_core_names_git_only_through_the_repository_protocol():
    """catalog, create, filters and mv know git only as vault.repository.Repository."""
    for name, path in modules().items():
        if layer(name) in ("core", "render"):
            deps = vault_imports(name, path)
            assert not any(d.startswith("vault.git") for d in deps), name


HEAVY_PROBE = """
import os, sys
sys.argv = ["vault"] + {argv!r}
from vault.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="vault")
except SystemExit:
    pass
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r}))
print("HEAVY", heavy, file=sys.stderr)
"""


def heavy_imports(argv: list[str], cwd: Path | None = None) -> list[str]:
    code = HEAVY_PROBE.format(argv=argv, heavy=list(HEAVY))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=cwd
    )
    line = next(ln for ln in out.stderr.splitlines() if ln.startswith("HEAVY"))
    return eval(line[len("HEAVY ") :])  # a list literal we printed ourselves


def test_help_imports_no_heavy_library():
    assert heavy_imports(["--help"]) == []


@pytest.mark.parametrize(
    ("argv", "allowed"),
    [
        (["list"], []),
        (["list", "--json"], []),
        (["tree"], []),
        (["backlinks", "skin-tech-trends"], []),
        (["check"], []),
        (["show", "exosomes-deep-dive"], []),
        (["search", "exosome"], ["whoosh"]),
        (["graph"], ["networkx"]),
    ],
)
def test_commands_import_only_the_libraries_they_need(tmp_path, argv, allowed):
    root = tmp_path / "v"
    shutil.copytree(EXAMPLE, root / "memory")
    heavy_imports(["--vault", str(root), "list"])  # warm the cache: later runs parse nothing
    assert heavy_imports(["--vault", str(root), *argv]) == allowed


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
