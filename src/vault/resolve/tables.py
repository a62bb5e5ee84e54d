"""The name tables references are looked up in: ids indexed by path, file name, title, dated
slug and every path suffix once, when they are built, so every lookup is a dictionary lookup;
and the rule that picks the nearest of several same-named notes."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Self

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
    # id -> the by_title key it is indexed under (to take it out again: `changed`).
    title_of: dict[str, str] = field(default_factory=dict)

    def fill(self, notes: Iterable[tuple[str, str]]) -> None:
        """Index these (id, title) pairs: ids and titles are all references resolve by."""
        title_of = self.title_of
        for note_id, title in notes:  # written out: _keys's tuples cost a cold build 10%
            self.ids.add(note_id)
            path = strip_md(note_id).lower()
            add(self.by_path, path, note_id)
            parts = path.split("/")
            stem = parts[-1]
            add(self.by_stem, stem, note_id)
            if len(parts) > 1:  # the whole path is a suffix too: the same string, not a copy
                add(self.by_suffix, path, note_id)
            for k in range(1, len(parts) - 1):
                add(self.by_suffix, "/".join(parts[k:]), note_id)
            key = title_of[note_id] = fold(title)
            add(self.by_title, key, note_id)
            slug = _DATED.sub("", stem)
            if slug != stem:
                add(self.by_slug, slug, note_id)
        for table in self._tables():
            for ids in table.values():
                if len(ids) > 1:
                    ids.sort()

    def _tables(self) -> tuple[dict[str, list[str]], ...]:
        return (self.by_path, self.by_stem, self.by_suffix, self.by_title, self.by_slug)

    def changed(self, gone: Iterable[str], notes: Iterable[tuple[str, str]]) -> Self:
        """These tables with the notes `gone` taken out and the (id, title) pairs `notes` put
        in (a note read again is both): the tables `fill` makes from the notes as they are
        now. A copy: nothing of these tables is changed (other threads read them). Only the
        tables that change are copied (in C), and a list only where it changes: a note
        edited with its title kept changes nothing."""
        net: dict[tuple[str, str, str], int] = {}  # (table, key, id) -> +1 put in, -1 out
        titles: dict[str, str | None] = {}  # id -> its title key now (None: gone)
        for note_id in gone:
            if note_id in self.ids:
                titles[note_id] = None
                for name, key in [*_keys(note_id), ("by_title", self.title_of[note_id])]:
                    net[name, key, note_id] = net.get((name, key, note_id), 0) - 1
        for note_id, title in notes:
            key = titles[note_id] = fold(title)
            for name, k in [*_keys(note_id), ("by_title", key)]:
                net[name, k, note_id] = net.get((name, k, note_id), 0) + 1
        net = {at: n for at, n in net.items() if n}
        ids = {i: title for i, title in titles.items() if self.title_of.get(i) != title}
        if not net and not ids:
            return self
        tables = {name: dict(getattr(self, name)) for name in {name for name, _, _ in net}}
        for (name, key, note_id), n in sorted(net.items()):
            table = tables[name]
            listed = table[key] = [i for i in table.get(key, ()) if i != note_id]
            if n > 0:
                listed.append(note_id)
        for name, key, _ in net:
            listed = tables[name][key]
            if not listed:
                del tables[name][key]
            elif len(listed) > 1:
                listed.sort()
        new = replace(self, **tables)
        if ids:
            new.ids = set(self.ids)
            new.title_of = dict(self.title_of)
            for note_id, title in ids.items():
                if title is None:
                    new.ids.discard(note_id)
                    del new.title_of[note_id]
                else:
                    new.ids.add(note_id)
                    new.title_of[note_id] = title
        return new

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


def _keys(note_id: str) -> list[tuple[str, str]]:
    """(table, key) of every entry of `note_id` in the tables but by_title (as `fill`
    makes them)."""
    path = strip_md(note_id).lower()
    parts = path.split("/")
    stem = parts[-1]
    out = [("by_path", path), ("by_stem", stem)]
    out += [("by_suffix", "/".join(parts[k:])) for k in range(len(parts) - 1)]
    slug = _DATED.sub("", stem)
    if slug != stem:
        out.append(("by_slug", slug))
    return out


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
