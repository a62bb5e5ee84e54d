"""vault: a command-line manager for research-notes memory vaults.

The version is written once, in pyproject.toml; `vault.__version__` reads it from the
installed package's metadata when first asked (importlib.metadata takes longer to import
than the whole command line, so nothing reads it unless `--version` or the MCP server does).
"""

from __future__ import annotations

# What a checkout run without being installed (PYTHONPATH=src) calls itself.
UNKNOWN_VERSION = "0+unknown"


def __getattr__(name: str) -> str:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("vault")
        except PackageNotFoundError:
            return UNKNOWN_VERSION
    raise AttributeError(f"module 'vault' has no attribute {name!r}")
