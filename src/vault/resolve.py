"""Resolve references to note ids: Parent headers, body links, and what users type.

Links resolve the way the tool that wrote the vault resolves them (Obsidian's
`getLinkpathDest`, Foam's identifiers, Dendron's label-first wikilinks):

- a name without a folder (`[[Canvas]]`, `[[Graph View.md]]`) matches every note of that
  file name, in any case; one match is the answer, from anywhere;
- `./x` and `../x` are relative to the linking note's folder and must match exactly;
- `/x` is a path from the vault root (or the notes folder), and nothing else is tried;
- any other path is an exact path from the root, else every note whose path ends with it;
- several matches go to the one nearest the linking note: the one sharing the deepest
  folder with it (its own folder first), then the one in the fewest folders. Only notes
  still equal after that are a tie, and a tie is ambiguous.

Every lookup is a dictionary lookup: ids are indexed by path, file name and every path
suffix once, when the resolver is built.
"""

from __future__ import annotations

import difflib
import os
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from vault.errors import AmbiguousRef, NoteNotFound
from vault.links import (
    WHOLE_MD_LINK,
    WHOLE_WIKILINK,
    is_asset,
    split_dendron_vault,
    wikilink_parts,
    without_anchor,
)
from vault.model import Link, NoteRecord, Resolution
from vault.text import fold
from vault.vault import Vault, strip_md

_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}[-_ ]")
# What a Markdown link to a folder opens (Foam): its index note, else its README.
_FOLDER_NOTES = ("index", "readme")
NOWHERE = Resolution(None)


# --- what kind of vault -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VaultKind:
    """Which tool wrote the vault, as far as links are concerned."""

    # "obsidian" (an .obsidian/ folder at the root: Markdown link paths resolve like
    # wikilinks), "dendron" (wikilinks are [[label|target]]) or "plain" (Foam, this
    # project's own vaults, anything else: wikilinks are [[target|label]], Markdown links
    # are paths).
    name: str = "plain"
    # Dendron: the vault names dendron.yml lists, for `dendron://name/note` links; None when
    # they are not known (any name is then this vault).
    dendron_vaults: frozenset[str] | None = None
    # What showed the kind ("dendron.yml at the root", ...), for people.
    why: str = ""


PLAIN_KIND = VaultKind()


def detect_kind(vault: Vault, records: Mapping[str, NoteRecord]) -> VaultKind:
    """The kind of a vault: Dendron when a dendron.yml is at its root (or its notes folder's)
    or when Dendron's root note is there (a `root.md` whose YAML `id` is `root`, which Dendron
    gives every vault: the vendored dendron-site has no dendron.yml), else Obsidian when an
    .obsidian/ folder is there, else plain."""
    folders = [vault.root] + ([vault.notes_dir] if vault.notes_dir != vault.root else [])
    for folder in folders:
        config = folder / "dendron.yml"
        if config.is_file():
            return VaultKind("dendron", _dendron_vaults(config), f"{config.name} found")
    for note_id in records:
        if (note_id == "root.md" or note_id.endswith("/root.md")) and note_id.count("/") <= 1:
            rec = records[note_id]
            if rec.style == "yaml" and rec.meta.get("id") == "root":
                return VaultKind("dendron", None, f"{note_id} is a Dendron root note")
    for folder in folders:
        if (folder / ".obsidian").is_dir():
            return VaultKind("obsidian", None, ".obsidian/ found")
    return PLAIN_KIND


def _dendron_vaults(config: Path) -> frozenset[str] | None:
    """The names of the vaults in dendron.yml (`workspace.vaults[].name`, else the folder's
    name), or None when the file does not list them."""
    from vault.notes import load_yaml

    try:
        with open(config, "rb") as fh:
            text = fh.read(1 << 20).decode("utf-8", errors="replace")
    except OSError:
        return None
    data, _ = load_yaml(text)
    workspace = data.get("workspace") if isinstance(data, dict) else None
    vaults = workspace.get("vaults") if isinstance(workspace, dict) else None
    if not isinstance(vaults, list):
        return None
    names = set()
    for entry in vaults:
        if isinstance(entry, dict):
            name = entry.get("name") or os.path.basename(str(entry.get("fsPath", "")).rstrip("/"))
            if name and name != ".":
                names.add(str(name))
    return frozenset(names) or None


# --- the resolver --------------------------------------------------------------------------------


def _add(table: dict[str, list[str]], key: str, note_id: str) -> None:
    ids = table.get(key)
    if ids is None:
        table[key] = [note_id]
    else:
        ids.append(note_id)


@dataclass
class Resolver:
    """Lookup tables over a set of notes. Build once per command with `Resolver.build`."""

    # Every note id.
    ids: set[str]
    # Id prefix of the notes folder ("memory/" or ""), for site-rooted and short paths.
    notes_prefix: str
    # Which tool's rules links follow.
    kind: VaultKind = PLAIN_KIND
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

    @classmethod
    def build(
        cls, notes: Iterable[tuple[str, str]], notes_prefix: str = "", kind: VaultKind = PLAIN_KIND
    ) -> Resolver:
        """From (id, title) pairs: ids and titles are all that references are resolved by."""
        r = cls(ids=set(), notes_prefix=notes_prefix, kind=kind)
        for note_id, title in notes:
            r.ids.add(note_id)
            path = strip_md(note_id).lower()
            _add(r.by_path, path, note_id)
            parts = path.split("/")
            stem = parts[-1]
            _add(r.by_stem, stem, note_id)
            for k in range(len(parts) - 1):
                _add(r.by_suffix, "/".join(parts[k:]), note_id)
            _add(r.by_title, fold(title), note_id)
            slug = _DATED.sub("", stem)
            if slug != stem:
                _add(r.by_slug, slug, note_id)
        for table in (r.by_path, r.by_stem, r.by_suffix, r.by_title, r.by_slug):
            for ids in table.values():
                if len(ids) > 1:
                    ids.sort()
        return r

    # --- the building blocks ---------------------------------------------------------------

    def _exact(self, path: str) -> Resolution | None:
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

    def _first_exact(self, paths: Iterable[str]) -> Resolution | None:
        for path in paths:
            hit = self._exact(path)
            if hit is not None:
                return hit
        return None

    @staticmethod
    def _nearest(hits: list[str] | None, from_id: str | None) -> Resolution | None:
        """The one of several same-named notes nearest the linking note; a tie (or no
        linking note, as for what users type) is ambiguous."""
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

    def _by_name_or_path(self, text: str, from_id: str | None) -> Resolution | None:
        """A link path as Obsidian reads one (see the module docstring)."""
        text = text.strip()
        if not text:
            return None
        here = posixpath.dirname(from_id) if from_id else ""
        if text.startswith(("./", "../")):
            return self._exact(posixpath.join(here, text)) if from_id else None
        if text.startswith("/"):
            bare = text.lstrip("/")
            return self._first_exact([bare, self.notes_prefix + bare])
        key = strip_md(text).lower()
        if "/" not in key:
            return self._nearest(self.by_stem.get(key), from_id)
        return self._first_exact([text, self.notes_prefix + text]) or self._nearest(
            self.by_suffix.get(posixpath.normpath(key)), from_id
        )

    # --- which side of a wikilink is the target ---------------------------------------------

    def target_of(self, link: Link) -> str:
        """The text a link points with: for a wikilink the part before "|", except in a
        Dendron vault, which writes [[label|target]]. Never the display text."""
        return link.alias if self.target_on_right(link) else link.target

    def target_on_right(self, link: Link) -> bool:
        """Is the target of this wikilink written after its "|" (Dendron's order)?"""
        return link.syntax == "wikilink" and bool(link.alias) and self.kind.name == "dendron"

    def is_attachment(self, link: Link) -> bool:
        if link.syntax == "wikilink":
            return is_asset(self.target_of(link))
        return link.attachment

    def _wiki_name(self, name: str) -> str | None:
        """A wikilink target without Dendron's `dendron://vault/` prefix; None when it names
        a vault this one is not."""
        vault, rest = split_dendron_vault(name.strip())
        if vault is None:
            return name
        known = self.kind.dendron_vaults
        return rest if known is None or vault in known else None

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
            hit = self._first_exact([rel, self.notes_prefix + rel])
        else:
            hit = self._first_exact(
                [posixpath.join(here, target), target, self.notes_prefix + target]
            )
        if hit is None:
            folder = target.rstrip("/")
            base = folder.lstrip("/") if target.startswith("/") else posixpath.join(here, folder)
            hit = self._first_exact(posixpath.join(base, name) for name in _FOLDER_NOTES)
        return hit or NOWHERE

    def resolve_wikilink(self, target: str, from_id: str | None) -> Resolution:
        """A [[wikilink]] target (the target side only): a name or a path."""
        name = self._wiki_name(target)
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
            hit = self._first_exact([ref.lstrip("/"), self.notes_prefix + ref.lstrip("/")])
        else:
            hit = self._first_exact([ref, posixpath.join(here, ref), self.notes_prefix + ref])
        if hit is None and not ref.startswith(("/", "./", "../")):
            hit = self._by_name_or_path(ref, from_id)
        return hit or NOWHERE

    def target_text(self, link: Link) -> str:
        """The link's target as written: what `check` quotes and a missing node is named."""
        return self.target_of(link)

    def resolve_attachment(self, link: Link, from_id: str, files: Files) -> str | None:
        """The file an attachment link points at, or None when there is none: a path as a
        Markdown link reads one, or (for wikilinks and in Obsidian vaults) a file name or
        path tail found anywhere, nearest first, as Obsidian finds `![[diagram.png]]`."""
        by_name = link.syntax == "wikilink" or self.kind.name == "obsidian"
        target = self._wiki_name(self.target_of(link)) if link.syntax == "wikilink" else link.target
        if not target:
            return None
        here = posixpath.dirname(from_id)
        bare = target.lstrip("/")
        if target.startswith(("./", "../")):
            paths = [posixpath.join(here, target)]
        elif target.startswith("/"):
            paths = [bare, self.notes_prefix + bare]
        else:
            paths = [posixpath.join(here, target), target, self.notes_prefix + target]
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
        res = self._nearest(sorted(hits), from_id)
        if res is None:
            return None
        return res.id or res.candidates[0]

    # --- what users type on the command line -------------------------------------------------

    def find(self, ref: str, cwd_id_prefix: str | None = None, titles: bool = True) -> str:
        """The one note a user means by `ref`; NoteNotFound or AmbiguousRef otherwise.

        Tried in order, the first kind that matches wins: an id; a path relative to the
        working directory (`cwd_id_prefix` is the working directory's id prefix, when it is
        inside the vault); a path relative to the root or the notes folder, with or without
        ".md"; a [[wikilink]]; a file name or stem; a title; a stem without its leading
        date (`exosomes-deep-dive` for `2026-02-14-exosomes-deep-dive.md`); the tail of a path.
        Several notes of one name are ambiguous here: a user can always say which.
        """
        raw = ref
        ref = ref.strip()
        if not ref:
            raise NoteNotFound(raw)
        m = WHOLE_WIKILINK.match(ref)
        if m:
            inner = wikilink_parts(m.group(1))
            link = Link("wikilink", inner[0], inner[1])
            return self._one(raw, self.resolve_wikilink(self.target_of(link), None))
        if ref in self.ids:
            return ref
        paths = []
        if cwd_id_prefix is not None and not ref.startswith("/"):
            paths.append(posixpath.join(cwd_id_prefix, ref) if cwd_id_prefix else ref)
        paths += [ref.lstrip("/"), self.notes_prefix + ref.lstrip("/")]
        hit = self._first_exact(paths)
        key = strip_md(ref).lower()
        if hit is None and "/" not in ref:
            hit = self._nearest(self.by_stem.get(key), None)
        if hit is None and titles:
            hit = self._nearest(self.by_title.get(fold(ref)), None)
        if hit is None and "/" not in ref:
            hit = self._nearest(self.by_slug.get(key), None)
        if hit is None and "/" in ref:
            hit = self._nearest(self.by_suffix.get(key.strip("/")), None)
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
                    _add(self._by_name, name.lower(), path)
        return self._by_path
