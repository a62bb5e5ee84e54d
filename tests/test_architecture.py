"""The layout stays as designed: families, one-way dependencies, no import circles, heavy
libraries only in their family, a fast --help, every command documented, modules of one job,
every third-party import declared.

Every import counts, at module level, inside a function or under `if TYPE_CHECKING:`: a
deferred import is still a dependency, it only runs later, and a type-only one is a
dependency of the reader. Only the question "does importing this module import that one
now?" leaves the last two out.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import click
import pytest
from conftest import EXAMPLE

from vault.cli import COMMANDS, cli

PROJECT = Path(__file__).resolve().parents[1]
SRC = PROJECT / "src" / "vault"
README = PROJECT / "README.md"
PYPROJECT = PROJECT / "pyproject.toml"
# Family folder -> the one outside library only it may import.
FAMILIES = {"graph": "networkx", "search": "whoosh", "git": "git", "mcp": "mcp"}
# Heavy library -> the one family that may import it: each family's own, and the libraries
# the search family's vectors need (numpy; the shipped model's tokenizer is plain Python).
OWNER = {lib: family for family, lib in FAMILIES.items()} | {"numpy": "search"}
HEAVY = tuple(OWNER)
# Families that may import a library another owns: the graph's PageRank runs in numpy.
ALSO = {"numpy": ("graph",)}
# The web stack: only the web adapter (vault.web) may import these.
WEB_STACK = ("jinja2", "markdown_it", "mdit_py_plugins")


def _is_type_checking(test: ast.expr) -> bool:
    """`if TYPE_CHECKING:` or `if typing.TYPE_CHECKING:`."""
    return getattr(test, "id", getattr(test, "attr", "")) == "TYPE_CHECKING"


class _Imports(ast.NodeVisitor):
    """Every import of a module, with whether it runs when the module is imported: at
    module or class level, and not under `if TYPE_CHECKING:`."""

    def __init__(self) -> None:
        self.found: list[tuple[ast.Import | ast.ImportFrom, bool]] = []
        self._deferred = 0  # inside a function, or under TYPE_CHECKING

    def _later(self, node: ast.AST) -> None:
        self._deferred += 1
        self.generic_visit(node)
        self._deferred -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _later

    def visit_If(self, node: ast.If) -> None:
        if not _is_type_checking(node.test):
            return self.generic_visit(node)
        self._deferred += 1
        for stmt in node.body:
            self.visit(stmt)
        self._deferred -= 1
        for stmt in node.orelse:
            self.visit(stmt)

    def visit_Import(self, node: ast.Import) -> None:
        self.found.append((node, not self._deferred))

    visit_ImportFrom = visit_Import


def imports_of(path: Path, name: str) -> list[tuple[str, bool]]:
    """(absolute module, runs when the module is imported?) for every import in a file,
    relative ones resolved: module level, inside functions and under TYPE_CHECKING."""
    visitor = _Imports()
    visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = []
    for node, now in visitor.found:
        if isinstance(node, ast.Import):
            out += [(alias.name, now) for alias in node.names]
            continue
        if node.level:
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            module = f"{base}.{node.module}" if node.module else base
        else:
            module = node.module
        out.append((module, now))
        # `from vault.graph import build` imports the submodule vault.graph.build.
        for alias in node.names:
            sub = f"{module}.{alias.name}"
            if (SRC.parent / Path(*sub.split("."))).with_suffix(".py").exists():
                out.append((sub, now))
    return out


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        out[".".join(parts)] = path
    return out


def layer(name: str) -> str:
    """ "cli" (click commands), "mcp" (the MCP server), "web" (the pages), "serve" (the
    resident process), a family name, or "core"."""
    parts = name.split(".")
    if name == "vault.__main__":
        return "cli"
    if len(parts) > 1 and parts[1] in ("cli", "serve", "web", *FAMILIES):
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
        for mod, now in imports_of(path, name):
            root = mod.split(".")[0]
            if root in HEAVY:
                family = OWNER[root]
                allowed = (family, *ALSO.get(root, ()))
                assert layer(name) in allowed, f"{name} imports {root} (only vault.{family} may)"
                # The mcp server is a process of its own; everything else defers the import
                # (a TYPE_CHECKING import is never imported when the program runs).
                assert not now or family == "mcp", f"{name} imports {root} at module level"


def test_only_the_web_adapter_imports_the_web_stack():
    for name, path in modules().items():
        if layer(name) == "web":
            continue
        used = {m.split(".")[0] for m, _ in imports_of(path, name)} & set(WEB_STACK)
        assert not used, f"{name} imports {sorted(used)} (only vault.web may)"


def test_only_the_cli_and_render_import_click():
    for name, path in modules().items():
        if layer(name) in ("cli", "render"):
            continue
        assert not any(m.split(".")[0] == "click" for m, _ in imports_of(path, name)), name


def test_dependencies_point_one_way():
    """cli, mcp and web -> serve -> families -> core. Families reach each other only through
    the core's data; the core imports no family; nothing imports the CLI; the web adapter
    imports neither other adapter; serve imports no adapter; only adapters and serve use
    render."""
    for name, path in modules().items():
        mine = layer(name)
        for dep in vault_imports(name, path):
            theirs = layer(dep)
            if theirs == mine or mine == "cli":
                continue
            assert theirs != "cli", f"{name} imports the CLI ({dep})"
            if mine == "mcp":
                continue  # the MCP server is an adapter like the CLI (http.py mounts web)
            if mine == "web":
                assert theirs != "mcp", f"{name} imports the MCP server ({dep})"
                continue  # the pages are an adapter like the CLI
            assert theirs != "web", f"{name} imports the web adapter ({dep})"
            if mine == "serve":
                # The resident process: the CLI and the MCP server are handed to it as
                # callables (vault.cli.serve), never imported.
                assert theirs != "mcp", f"{name} imports the MCP server ({dep})"
                continue
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


# Commands without a --json option, and why.
NO_JSON = {
    "mcp": "a server: it speaks JSON-RPC to its client on stdin/stdout, every answer is JSON",
}


@pytest.mark.parametrize("name", sorted(set(COMMANDS) - set(NO_JSON)))
def test_every_command_offers_json(name):
    """A real `--json` flag on the command, not the word somewhere in its help."""
    command = cli.get_command(click.Context(cli), name)
    flags = [p for p in command.params if isinstance(p, click.Option) and "--json" in p.opts]
    assert flags and flags[0].is_flag, f"vault {name} has no --json flag"


def test_the_commands_without_json_exist():
    assert set(NO_JSON) <= set(COMMANDS)


# --- module size -------------------------------------------------------------------------------

MAX_LINES = 500
# A module may be longer when its docstring says, after this phrase, why it is one table of
# like things (a module of one job that is long only because the table is).
TABLE_MARK = "one table:"


def _length(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_is_over_500_lines_unless_it_is_one_table():
    for path in modules().values():
        rel = path.relative_to(SRC.parent).as_posix()
        if _length(path) <= MAX_LINES:
            continue
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        assert TABLE_MARK in doc.lower(), (
            f"{rel} has {_length(path)} lines (at most {MAX_LINES}): split it along its "
            f"seams, or say in its docstring why it is {TABLE_MARK!r} ... of like things"
        )


# --- declared dependencies ---------------------------------------------------------------------

# Family folder -> the extra that installs what only it imports.
FAMILY_EXTRAS = {"mcp": "mcp", "web": "mcp"}


def _distribution(requirement: str) -> str:
    """The normalised distribution name of a requirement line (PEP 503)."""
    name = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)[1]
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_package_is_declared_where_it_is_used():
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    base = {_distribution(r) for r in project["dependencies"]}
    extras = {k: {_distribution(r) for r in v} for k, v in project["optional-dependencies"].items()}
    providers = packages_distributions()
    missing = []
    for name, path in modules().items():
        declared = base | extras.get(FAMILY_EXTRAS.get(layer(name), ""), set())
        for mod, _ in imports_of(path, name):
            root = mod.split(".")[0]
            if root in sys.stdlib_module_names or root in ("vault", "__future__"):
                continue
            dists = {_distribution(d) for d in providers.get(root, [])}
            assert dists, f"{name} imports {root}, which no installed distribution provides"
            if not dists & declared:
                missing.append(f"{name} imports {root} ({', '.join(sorted(dists))})")
    assert missing == [], "imported but not declared in pyproject.toml:\n" + "\n".join(missing)
