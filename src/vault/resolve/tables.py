"""The name tables references are looked up in: ids indexed by path, file name, title, dated
slug and every path suffix once, when they are built, so every lookup is a dictionary lookup;
and the rule that picks the nearest of several same-named notes."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from vault.model import Resolution
from vault.text import fold
from vault.vault import strip_md

_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}[-_ ]")


def add(table: dict[str, list[str]], key: str, note_id: str) -> None:
    ids = table.get(key)
    if ids is None:
        table[key] = [note_id]
    else:
        ids.append(note_id)


@dataclass
class NameTables:
    """Lookup tables over a set of notes."""

    # Every note id.
    ids: set[str] = field(default_factory=set)
    # Id prefix of the notes folder ("memory/" or ""), for site-rooted and short paths.
    notes_prefix: str = ""
    # Lower-cased id without ".md" -> ids (several only when ids differ in case).
    by_path: dict[str, list[str]] = field(default_factory=dict)
    # Lower-cased file stem -> ids.
    by_stem: dict[str, list[str]] = field(default_factory=dict)
    # Lower-cased path suffix of two or more parts, without ".md" -> ids
    # ("2023/release notes" and "archive/2023/release notes" for en/Archive/2023/...).
    by_suffix: dict[str, list[str]] = field(default_factory=dict)
    # Lower-cased, whitespace-collapsed title -> ids.
    by_title: dict[str, list[str]] = field(default_factory=dict)
    # Lower-cased stem without its leading YYYY-MM-DD- -> ids ("exosomes-deep-dive").
    by_slug: dict[str, list[str]] = field(default_factory=dict)

    def fill(self, notes: Iterable[tuple[str, str]]) -> None:
        """Index these (id, title) pairs: ids and titles are all references resolve by."""
        for note_id, title in notes:
            self.ids.add(note_id)
            path = strip_md(note_id).lower()
            add(self.by_path, path, note_id)
            parts = path.split("/")
            stem = parts[-1]
            add(self.by_stem, stem, note_id)
            for k in range(len(parts) - 1):
                add(self.by_suffix, "/".join(parts[k:]), note_id)
            add(self.by_title, fold(title), note_id)
            slug = _DATED.sub("", stem)
            if slug != stem:
                add(self.by_slug, slug, note_id)
        for table in (self.by_path, self.by_stem, self.by_suffix, self.by_title, self.by_slug):
            for ids in table.values():
                if len(ids) > 1:
                    ids.sort()

    def exact(self, path: str) -> Resolution | None:
        """The note at this path from the root (any case, ".md" optional), if there is one."""
        if not path:
            return None
        path = posixpath.normpath(path)
        if path in (".", "..") or path.startswith(("../", "/")):
            return None
        if path in self.ids:
            return Resolution(path)
        hits = self.by_path.get(strip_md(path).lower())
        if not hits:
            return None
        if len(hits) == 1:
            return Resolution(hits[0])
        exact = [h for h in hits if strip_md(h) == strip_md(path)]
        return Resolution(exact[0]) if len(exact) == 1 else Resolution(None, tuple(hits))

    def first_exact(self, paths: Iterable[str]) -> Resolution | None:
        for path in paths:
            hit = self.exact(path)
            if hit is not None:
                return hit
        return None


def nearest(hits: list[str] | None, from_id: str | None) -> Resolution | None:
    """The one of several same-named notes (or files) nearest the linking note: the one
    sharing the deepest folder with it (its own folder first), then the one in the fewest
    folders. A tie (or no linking note, as for what users type) is ambiguous."""
    if not hits:
        return None
    if len(hits) == 1:
        return Resolution(hits[0])
    if from_id is None:
        return Resolution(None, tuple(hits))
    here = from_id.split("/")[:-1]

    def distance(note_id: str) -> tuple[int, int]:
        # Not the length of the path in characters, as Obsidian compares: which note a
        # name means must not change when an unrelated folder is renamed.
        parts = note_id.split("/")[:-1]
        shared = 0
        for a, b in zip(parts, here, strict=False):
            if a != b:
                break
            shared += 1
        return (-shared, len(parts))

    ranked = sorted((distance(h), h) for h in hits)
    best = [h for d, h in ranked if d == ranked[0][0]]
    return Resolution(best[0]) if len(best) == 1 else Resolution(None, tuple(sorted(best)))
