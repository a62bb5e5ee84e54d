"""References written in notes, resolved the way the tool that wrote the vault resolves them:
body links (wikilinks and Markdown links, to notes, folders and attachments) and Parent
headers. The rules are in the package's docstring (vault.resolve)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Self

from vault.links import WHOLE_MD_LINK, WHOLE_WIKILINK, is_asset, wikilink_parts, without_anchor
from vault.model import Link, Resolution
from vault.resolve.attachments import Files, find_attachment
from vault.resolve.kind import PLAIN_KIND, VaultKind, target_on_right, wiki_name
from vault.resolve.tables import NameTables, nearest
from vault.vault import strip_md

# What a Markdown link to a folder opens (Foam): its index note, else its README.
_FOLDER_NOTES = ("index", "readme")
NOWHERE = Resolution(None)


class Shared:
    """One object for every equal value decoded: the texts written and the resolutions of
    references (a link's target, a Parent). A server keeps every reference (362,754 at
    100,000 notes), and most repeat a few targets: decoded apart, each carried its own copy
    of the target's id and its own Resolution (~140 MB in all; ~50 MB shared)."""

    def __init__(self):
        self.texts: dict[str, str] = {}
        self.resolutions: dict[tuple, Resolution] = {}

    def text(self, text: str) -> str:
        return self.texts.setdefault(text, text)

    def resolution(self, found: str | None, candidates: Sequence[str]) -> Resolution:
        key = (found, *candidates)
        try:
            res = self.resolutions.get(key)
        except TypeError:  # not strings (a damaged cache row): kept as it is, not shared
            return Resolution(found, tuple(candidates))
        if res is None:
            res = self.resolutions[key] = Resolution(found, tuple(candidates))
        return res


@dataclass
class LinkResolver(NameTables):
    """The name tables, read by the rules of the tool that wrote the vault."""

    # Which tool's rules links follow.
    kind: VaultKind = PLAIN_KIND

    @classmethod
    def build(
        cls, notes: Iterable[tuple[str, str]], notes_prefix: str = "", kind: VaultKind = PLAIN_KIND
    ) -> Self:
        """From (id, title) pairs: ids and titles are all that references are resolved by.
        Build once per command."""
        r = cls(notes_prefix=notes_prefix, kind=kind)
        r.fill(notes)
        return r

    def _by_name_or_path(self, text: str, from_id: str | None) -> Resolution | None:
        """A link path as Obsidian reads one (see vault.resolve's docstring)."""
        text = text.strip()
        if not text:
            return None
        here = posixpath.dirname(from_id) if from_id else ""
        if text.startswith(("./", "../")):
            return self.exact(posixpath.join(here, text)) if from_id else None
        if text.startswith("/"):
            bare = text.lstrip("/")
            return self.first_exact([bare, self.notes_prefix + bare])
        key = strip_md(text).lower()
        if "/" not in key:
            return nearest(self.by_stem.get(key), from_id)
        return self.first_exact([text, self.notes_prefix + text]) or nearest(
            self.by_suffix.get(posixpath.normpath(key)), from_id
        )

    # --- which side of a wikilink is the target ---------------------------------------------

    def target_of(self, link: Link) -> str:
        """The text a link points with: for a wikilink the part before "|", except in a
        Dendron vault, which writes [[label|target]]. Never the display text."""
        return link.alias if self.target_on_right(link) else link.target

    def target_on_right(self, link: Link) -> bool:
        """Is the target of this wikilink written after its "|" (Dendron's order)?"""
        return target_on_right(self.kind, link)

    def target_text(self, link: Link) -> str:
        """The link's target as written: what `check` quotes and a missing node is named."""
        return self.target_of(link)

    def is_attachment(self, link: Link) -> bool:
        if link.syntax == "wikilink":
            return is_asset(self.target_of(link))
        return link.attachment

    # --- the three kinds of reference written in notes -------------------------------------

    def resolve_markdown(self, target: str, from_id: str) -> Resolution:
        """A Markdown link target (%-decoded). In an Obsidian vault it is read like a
        wikilink path; elsewhere it is a path relative to the note, from the root, or
        site-rooted (/x, also under the notes folder). A folder opens its index or README."""
        here = posixpath.dirname(from_id)
        if self.kind.name == "obsidian":
            hit = self._by_name_or_path(target, from_id)
        elif target.startswith("/"):
            rel = target.lstrip("/")
            hit = self.first_exact([rel, self.notes_prefix + rel])
        else:
            hit = self.first_exact(
                [posixpath.join(here, target), target, self.notes_prefix + target]
            )
        if hit is None:
            folder = target.rstrip("/")
            base = folder.lstrip("/") if target.startswith("/") else posixpath.join(here, folder)
            hit = self.first_exact(posixpath.join(base, name) for name in _FOLDER_NOTES)
        return hit or NOWHERE

    def resolve_wikilink(self, target: str, from_id: str | None) -> Resolution:
        """A [[wikilink]] target (the target side only): a name or a path."""
        name = wiki_name(self.kind, target)
        if name is None:
            return NOWHERE
        return self._by_name_or_path(name, from_id) or NOWHERE

    def resolve_link(self, link: Link, from_id: str) -> Resolution:
        """A body link (attachments resolve to no note)."""
        if self.is_attachment(link):
            return NOWHERE
        if link.syntax == "markdown":
            return self.resolve_markdown(link.target, from_id)
        return self.resolve_wikilink(self.target_of(link), from_id)

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
            hit = self.first_exact([ref.lstrip("/"), self.notes_prefix + ref.lstrip("/")])
        else:
            hit = self.first_exact([ref, posixpath.join(here, ref), self.notes_prefix + ref])
        if hit is None and not ref.startswith(("/", "./", "../")):
            hit = self._by_name_or_path(ref, from_id)
        return hit or NOWHERE

    def resolve_attachment(self, link: Link, from_id: str, files: Files) -> str | None:
        """The file an attachment link points at, or None when there is none: wikilinks (and
        any link in an Obsidian vault) find files by name as well as by path."""
        by_name = link.syntax == "wikilink" or self.kind.name == "obsidian"
        if link.syntax == "wikilink":
            target = wiki_name(self.kind, self.target_of(link))
        else:
            target = link.target
        return find_attachment(target, from_id, files, self.notes_prefix, by_name)
