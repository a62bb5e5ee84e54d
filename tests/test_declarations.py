"""What pyproject.toml declares holds for what the code relies on: the Whoosh names that
search/imports.py patches or stands in for still exist in the installed Whoosh (its bound,
<2.8, is what was tested), the version is written once, the licence file is the one named.

(Every imported package being declared is tests/test_architecture.py's business.)
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import subprocess
import sys
import tomllib
import types
from pathlib import Path

import pytest

from vault.search import imports

PROJECT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def source_of(module: str) -> str:
    """A module's source, found without importing it."""
    return Path(importlib.util.find_spec(module).origin).read_text(encoding="utf-8")


def names_taken(module: str, source_module: str) -> set[str]:
    """The names `module` imports with `from source_module import ...`."""
    tree = ast.parse(source_of(module))
    return {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == source_module and not node.level
        for alias in node.names
    }


def attributes_used(module: str, name: str) -> set[str]:
    """The attributes `module` reads from its global `name` (`name.x`)."""
    tree = ast.parse(source_of(module))
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and getattr(node.value, "id", None) == name
    }


# --- Whoosh: what search/imports.py patches -------------------------------------------------


def test_the_codec_pickles_with_a_module_global_dumps_that_load_whoosh_replaces():
    """imports.load_whoosh swaps whoosh.codec.whoosh3.dumps: that name must be the one the
    codec calls (imported from whoosh.compat, called with protocol 2)."""
    assert "dumps" in names_taken("whoosh.codec.whoosh3", "whoosh.compat")
    assert "dumps(data, 2)" in source_of("whoosh.codec.whoosh3")
    imports.load_whoosh()
    codec = importlib.import_module("whoosh.codec.whoosh3")
    assert codec.dumps is imports._dumps
    assert callable(importlib.import_module("whoosh.compat").dumps)


@pytest.mark.parametrize(
    ("stub", "importer", "module"),
    [
        # whoosh.compat imports urllib.request for one download helper.
        (imports._urllib_request, "whoosh.compat", "urllib.request"),
        # whoosh.query.terms imports the English morphology tables for one query type.
        (imports._morph_en, "whoosh.query.terms", "whoosh.lang.morph_en"),
    ],
)
def test_a_stand_in_has_every_name_whoosh_takes_from_the_real_module(stub, importer, module):
    taken = names_taken(importer, module)
    assert taken, f"{importer} no longer imports from {module}: the stand-in is dead code"
    made = stub()
    real = importlib.import_module(module)
    for name in taken:
        assert inspect.isfunction(getattr(made, name, None)), f"the stand-in lacks {name}"
        assert inspect.isfunction(getattr(real, name, None)), f"{module}.{name} is gone"


SEARCH_PROBE = """
import sys
from vault.cli import cli
try:
    cli.main({argv!r}, prog_name="vault")
except SystemExit:
    pass
print("LOADED", sorted(m for m in {stood_in!r} if m in sys.modules), file=sys.stderr)
"""


def test_a_search_imports_none_of_the_modules_the_stand_ins_replace(tmp_path):
    """A whole search (the index built, then searched: whoosh.query among what it imports)
    runs with none of the real modules behind the stand-ins loaded."""
    (tmp_path / "memory").mkdir()
    (tmp_path / "memory" / "a.md").write_text("# A\n\nExosomes carry proteins.\n")
    stood_in = ["whoosh.lang.morph_en", "urllib.request", "asyncio"]
    for _ in range(2):  # the first run builds the index, the second only searches
        argv = ["--vault", str(tmp_path), "search", "exosome"]
        code = SEARCH_PROBE.format(argv=argv, stood_in=stood_in)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert "Exosomes carry proteins" in out.stdout, out.stderr
        assert "whoosh.query" in source_of("whoosh.searching")
        assert out.stderr.splitlines()[-1] == "LOADED []"


def test_cached_property_asks_asyncio_only_what_the_stand_in_answers():
    """whoosh.reading uses cached_property, which imports asyncio; the stand-in answers
    iscoroutinefunction, and ensure_future is only for coroutine methods (Whoosh has none)."""
    assert "cached_property" in names_taken("whoosh.reading", "cached_property")
    assert attributes_used("cached_property", "asyncio") == {"iscoroutinefunction", "ensure_future"}
    assert inspect.isfunction(imports._asyncio().iscoroutinefunction)


def test_the_modules_load_whoosh_imports_are_modules():
    for name in ("whoosh.compat", "whoosh.reading", "whoosh.codec.whoosh3", "whoosh.index"):
        assert isinstance(importlib.import_module(name), types.ModuleType), name
    index = imports.whoosh_index()
    assert index is sys.modules["whoosh.index"]
    for name in ("open_dir", "create_in"):  # what search/index.py and search/build.py call
        assert inspect.isfunction(getattr(index, name)), name


def test_whoosh_is_the_tested_release():
    from importlib.metadata import version

    bound = next(r for r in PYPROJECT["dependencies"] if r.startswith("Whoosh-Reloaded"))
    assert bound == "Whoosh-Reloaded>=2.7.5,<2.8"
    assert version("Whoosh-Reloaded").startswith("2.7.")


# --- one version, one licence ---------------------------------------------------------------


def test_vault_version_is_the_pyproject_version():
    res = subprocess.run(
        [sys.executable, "-m", "vault", "--version"], capture_output=True, text=True, check=True
    )
    assert res.stdout == f"vault, version {PYPROJECT['version']}\n"


def test_the_version_is_written_only_in_pyproject():
    for path in (PROJECT / "src" / "vault").rglob("*.py"):
        assert PYPROJECT["version"] not in path.read_text(encoding="utf-8"), path


def test_the_licence_file_exists_and_is_the_one_pyproject_names():
    assert PYPROJECT["license"] == "MIT"
    assert PYPROJECT["license-files"] == ["LICENSE"]
    text = (PROJECT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Copyright (c) 2026 the vault authors" in text
