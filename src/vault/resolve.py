"""Resolve references to note ids: Parent headers, body links, and what users type."""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from vault.errors import AmbiguousRef, NoteNotFound
from vault.links import WHOLE_MD_LINK, WHOLE_WIKILINK, wikilink_parts, without_anchor
from vault.model import Link, Resolution
from vault.text import fold
from vault.vault import stem_of, strip_md

_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}[-_ ]")


@dataclass
class Resolver:
    """Lookup tables over a set of notes. Build once per command with `Resolver.build`."""

    # Every note id.
    ids: set[str]
    # Id prefix of the notes folder ("memory/" or ""), for site-rooted and short paths.
    notes_prefix: str
    # Lower-cased id without ".md" -> ids (several only when ids differ in case).
    by_path: dict[str, list[str]] = field(default_factory=dict)
    # Lower-cased file stem -> ids.
    by_stem: dict[str, list[str]] = field(default_factory=dict)
    # Lower-cased, whitespace-collapsed title -> ids.
    by_title: dict[str, list[str]] = field(default_factory=dict)
    # Lower-cased stem without its leading YYYY-MM-DD- -> ids ("exosomes-deep-dive").
    by_slug: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, notes: Iterable[tuple[str, str]], notes_prefix: str = "") -> Resolver:
        """From (id, title) pairs: ids and titles are all that references are resolved by."""
        r = cls(ids=set(), notes_prefix=notes_prefix)
        for note_id, title in notes:
            r.ids.add(note_id)
            stem = stem_of(note_id).lower()
            r.by_path.setdefault(strip_md(note_id).lower(), []).append(note_id)
            r.by_stem.setdefault(stem, []).append(note_id)
            r.by_title.setdefault(fold(title), []).append(note_id)
            slug = _DATED.sub("", stem)
            if slug != stem:
                r.by_slug.setdefault(slug, []).append(note_id)
        for table in (r.by_path, r.by_stem, r.by_title, r.by_slug):
            for ids in table.values():
                ids.sort()
        return r

    # --- paths ---------------------------------------------------------------------------

    def _by_exact_path(self, path: str) -> Resolution | None:
        path = posixpath.normpath(path) if path else path
        if not path or path == "." or path.startswith("../") or path == "..":
            return None
        if path in self.ids:
            return Resolution(path)
        if path + ".md" in self.ids:
            return Resolution(path + ".md")
        hits = self.by_path.get(strip_md(path).lower())
        if hits:
            return Resolution(hits[0]) if len(hits) == 1 else Resolution(None, tuple(hits))
        return None

    def _first_path(self, candidates: Iterable[str]) -> Resolution | None:
        for candidate in candidates:
            hit = self._by_exact_path(candidate)
            if hit is not None:
                return hit
        return None

    def _bystem_of(self, stem: str, from_id: str | None) -> Resolution | None:
        hits = self.by_stem.get(stem_of(stem).lower())
        if not hits:
            return None
        if len(hits) == 1:
            return Resolution(hits[0])
        if from_id is not None:
            # Several notes share the name: the one in the linking note's own folder wins.
            here = posixpath.dirname(from_id)
            near = [h for h in hits if posixpath.dirname(h) == here]
            if len(near) == 1:
                return Resolution(near[0])
        return Resolution(None, tuple(hits))

    def _by_suffix(self, path: str) -> Resolution | None:
        tail = "/" + strip_md(path.strip("/")).lower()
        hits = sorted(i for i in self.ids if ("/" + strip_md(i).lower()).endswith(tail))
        if not hits:
            return None
        return Resolution(hits[0]) if len(hits) == 1 else Resolution(None, tuple(hits))

    # --- the three kinds of reference written in notes -------------------------------------

    def resolve_markdown(self, target: str, from_id: str) -> Resolution:
        """A Markdown link target: relative to the note, root-relative, or site-rooted (/x)."""
        here = posixpath.dirname(from_id)
        if target.startswith("/"):
            rel = target.lstrip("/")
            hit = self._first_path([rel, self.notes_prefix + rel])
        else:
            hit = self._first_path(
                [posixpath.join(here, target), target, self.notes_prefix + target]
            )
        return hit or Resolution(None)

    def resolve_wikilink(self, target: str, from_id: str | None) -> Resolution:
        """A [[wikilink]] target: a path (when it has a /) or a file stem."""
        target = target.strip()
        if "/" in target:
            here = posixpath.dirname(from_id) if from_id else ""
            hit = self._first_path(
                [target.lstrip("/"), self.notes_prefix + target.lstrip("/")]
                + ([posixpath.join(here, target)] if from_id else [])
            ) or self._by_suffix(target)
            if hit is not None:
                return hit
        return self._bystem_of(target, from_id) or Resolution(None)

    def resolve_link(self, link: Link, from_id: str) -> Resolution:
        if link.syntax == "markdown":
            return self.resolve_markdown(link.target, from_id)
        res = self.resolve_wikilink(link.target, from_id)
        if res.id is None and not res.candidates and link.alias:
            # Dendron writes [[label|target]]: try the other side before calling it dangling.
            alt = self.resolve_wikilink(link.alias, from_id)
            if alt.id is not None or alt.candidates:
                return alt
        return res

    def resolve_parent(self, ref: str, from_id: str) -> Resolution:
        """A Parent header: an id, a path relative to the note, a [[wikilink]], a Markdown
        link, or a file stem."""
        ref = ref.strip().strip("'\"")
        m = WHOLE_WIKILINK.match(ref)
        if m:
            return self.resolve_wikilink(wikilink_parts(m.group(1))[0], from_id)
        m = WHOLE_MD_LINK.match(ref)
        if m:
            return self.resolve_markdown(without_anchor(m.group(1)), from_id)
        here = posixpath.dirname(from_id)
        if ref.startswith("/"):
            hit = self._first_path([ref.lstrip("/"), self.notes_prefix + ref.lstrip("/")])
        else:
            hit = self._first_path([ref, posixpath.join(here, ref), self.notes_prefix + ref])
        if hit is None and "/" not in ref:
            hit = self._bystem_of(ref, from_id)
        if hit is None and "/" in ref:
            hit = self._by_suffix(ref)
        return hit or Resolution(None)

    def link_target_label(self, link: Link) -> str:
        """The raw text to report for a dangling link (Dendron's label-first form aware)."""
        if link.syntax == "wikilink" and " " in link.target and link.alias:
            return link.alias if " " not in link.alias else link.target
        return link.target

    # --- what users type on the command line -------------------------------------------------

    def find(self, ref: str, cwd_id_prefix: str | None = None, titles: bool = True) -> str:
        """The one note a user means by `ref`; NoteNotFound or AmbiguousRef otherwise.

        Tried in order, the first kind that matches wins: an id; a path relative to the
        working directory (`cwd_id_prefix` is the working directory's id prefix, when it is
        inside the vault); a path relative to the root or the notes folder, with or without
        ".md"; a [[wikilink]]; a file name or stem; a title; a stem without its leading
        date (`exosomes-deep-dive` for `2026-02-14-exosomes-deep-dive.md`); the tail of a path.
        """
        raw = ref
        ref = ref.strip()
        if not ref:
            raise NoteNotFound(raw)
        m = WHOLE_WIKILINK.match(ref)
        if m:
            return self._one(raw, self.resolve_wikilink(wikilink_parts(m.group(1))[0], None))
        if ref in self.ids:
            return ref
        paths = []
        if cwd_id_prefix is not None and not ref.startswith("/"):
            paths.append(posixpath.join(cwd_id_prefix, ref) if cwd_id_prefix else ref)
        paths += [ref.lstrip("/"), self.notes_prefix + ref.lstrip("/")]
        hit = self._first_path(paths)
        if hit is None and "/" not in ref:
            hit = self._bystem_of(ref, None)
        if hit is None and titles:
            ids = self.by_title.get(fold(ref))
            if ids:
                hit = Resolution(ids[0]) if len(ids) == 1 else Resolution(None, tuple(ids))
        if hit is None and "/" not in ref:
            ids = self.by_slug.get(strip_md(ref).lower())
            if ids:
                hit = Resolution(ids[0]) if len(ids) == 1 else Resolution(None, tuple(ids))
        if hit is None and "/" in ref:
            hit = self._by_suffix(ref)
        if hit is None:
            raise NoteNotFound(raw, self.suggest(ref))
        return self._one(raw, hit)

    def _one(self, ref: str, res: Resolution) -> str:
        if res.id is not None:
            return res.id
        if res.candidates:
            raise AmbiguousRef(ref, res.candidates)
        raise NoteNotFound(ref, self.suggest(ref))

    def suggest(self, ref: str, limit: int = 3) -> list[str]:
        """Ids of the notes whose id, stem or title is closest to `ref`."""
        key = strip_md(ref.strip().strip("[]")).lower()
        keys: dict[str, str] = {}
        for table in (self.by_stem, self.by_title, self.by_path):
            for k, ids in table.items():
                keys.setdefault(k, ids[0])
        close = difflib.get_close_matches(key, list(keys), n=limit * 2, cutoff=0.6)
        out: list[str] = []
        for k in close:
            if keys[k] not in out:
                out.append(keys[k])
        if len(out) < limit and len(key) >= 3:
            for k in sorted(keys):
                if key in k and keys[k] not in out:
                    out.append(keys[k])
                if len(out) >= limit:
                    break
        return out[:limit]
