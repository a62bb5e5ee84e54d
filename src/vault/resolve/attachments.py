"""Links to files that are not notes (images, PDFs): which file in the vault they open."""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from vault.resolve.tables import add, nearest


def find_attachment(
    target: str | None, from_id: str, files: Files, notes_prefix: str, by_name: bool
) -> str | None:
    """The file `target` (a link's target, Dendron's prefix already off) points at from the
    note `from_id`, or None: a path as a Markdown link reads one, or with `by_name` (wikilinks,
    and any link in an Obsidian vault) a file name or path tail found anywhere, nearest first,
    as Obsidian finds `![[diagram.png]]`."""
    if not target:
        return None
    here = posixpath.dirname(from_id)
    bare = target.lstrip("/")
    if target.startswith(("./", "../")):
        paths = [posixpath.join(here, target)]
    elif target.startswith("/"):
        paths = [bare, notes_prefix + bare]
    else:
        paths = [posixpath.join(here, target), target, notes_prefix + target]
    for path in paths:
        found = files.at(path)
        if found is not None:
            return found
    if not by_name:
        return None
    for path in paths:
        found = files.at_any_case(path)
        if found is not None:
            return found
    if target.startswith(("./", "../", "/")):
        return None
    tail = "/" + posixpath.normpath(target).lower()
    hits = [p for p in files.named(target) if ("/" + p.lower()).endswith(tail)]
    res = nearest(sorted(hits), from_id)
    if res is None:
        return None
    return res.id or res.candidates[0]


class Files:
    """The vault's files that are not notes (attachments), for links to them. Whether a path
    is a file is asked of the file system, as a Markdown renderer would; the walk that finds
    files by name (any case, as Obsidian does) happens once, on first need, so a vault whose
    attachments are all linked by path is never walked. Paths are relative to the root."""

    def __init__(self, root: Path):
        self.root = root
        self._by_path: dict[str, str] | None = None
        self._by_name: dict[str, list[str]] = {}

    def at(self, path: str) -> str | None:
        """`path` when it is a file in the vault (not a note), exactly as written."""
        path = posixpath.normpath(path)
        if path in (".", "..") or path.startswith(("../", "/")) or path.lower().endswith(".md"):
            return None
        return path if (self.root / path).is_file() else None

    def at_any_case(self, path: str) -> str | None:
        path = posixpath.normpath(path)
        return self._walked().get(path.lower())

    def named(self, path: str) -> list[str]:
        """Every file with this file name (any case), wherever it is."""
        self._walked()
        return self._by_name.get(path.rsplit("/", 1)[-1].lower(), [])

    def _walked(self) -> dict[str, str]:
        if self._by_path is None:
            self._by_path = {}
            root = str(self.root)
            for folder, dirs, names in os.walk(root):
                dirs[:] = [d for d in dirs if not d.startswith(".")]  # as the notes walk does
                rel = os.path.relpath(folder, root).replace(os.sep, "/")
                for name in names:
                    if name.startswith(".") or name.lower().endswith(".md"):
                        continue
                    path = name if rel == "." else f"{rel}/{name}"
                    self._by_path.setdefault(path.lower(), path)
                    add(self._by_name, name.lower(), path)
        return self._by_path
