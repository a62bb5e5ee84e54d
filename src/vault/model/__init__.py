"""The data model: plain frozen dataclasses, standard library only.

Library functions take and return these; `vault.render` turns them into the `--json` shapes
and the human forms, so a shape is defined in exactly one place.

`from vault.model import X` works for every class, as it did when this was one module; the
classes live in a few modules by who needs them (`notes` is what every command builds) and
each module is imported the first time one of its classes is asked for. Creating a frozen
dataclass costs about 0.7 ms on Python 3.11 (each generated method is compiled from text):
all 31 at once were a sixth of `vault new`'s time (measured: bench/README.md).
"""

from __future__ import annotations

import importlib

# Each class, and the module of vault.model that holds it.
WHERE = {
    "Link": "notes",
    "NoteRecord": "notes",
    "NoteSummary": "notes",
    "Note": "notes",
    "Resolution": "notes",
    "Reference": "notes",
    "NoteFilter": "notes",
    "Backlink": "links",
    "TreeNode": "links",
    "PathStep": "links",
    "Hub": "graph",
    "Community": "graph",
    "GraphStats": "graph",
    "Hit": "search",
    "Explain": "search",
    "IndexReport": "search",
    "LogEntry": "history",
    "NoteVersion": "history",
    "SyncResult": "history",
    "NewNote": "writes",
    "Created": "writes",
    "Provenance": "writes",
    "AppendRequest": "changes",
    "Appended": "changes",
    "MoveResult": "changes",
    "ReviseRequest": "revising",
    "ReplaceRequest": "revising",
    "SetRequest": "revising",
    "Revised": "revising",
    "Removed": "revising",
    "Problem": "problems",
    "ContextItem": "context",
    "NoteContext": "context",
}

__all__ = list(WHERE)


def __getattr__(name: str):
    module = WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'vault.model' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"vault.model.{module}"), name)
    globals()[name] = value  # asked once
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *WHERE])
