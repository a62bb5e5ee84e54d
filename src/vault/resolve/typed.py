"""What users type on the command line (an id, a path, a name, a title, a [[wikilink]]):
the one note they mean, or an error that says which notes they might mean."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from vault.errors import AmbiguousRef, NoteNotFound
from vault.links import WHOLE_WIKILINK, wikilink_parts
from vault.model import Link, Resolution
from vault.resolve.tables import nearest
from vault.resolve.written import LinkResolver
from vault.text import fold
from vault.vault import strip_md


@dataclass
class Resolver(LinkResolver):
    """Lookup tables over a set of notes, for references written in notes and for what users
    type. Build once per command with `Resolver.build`."""

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
        hit = self.first_exact(paths)
        key = strip_md(ref).lower()
        if hit is None and "/" not in ref:
            hit = nearest(self.by_stem.get(key), None)
        if hit is None and titles:
            hit = nearest(self.by_title.get(fold(ref)), None)
        if hit is None and "/" not in ref:
            hit = nearest(self.by_slug.get(key), None)
        if hit is None and "/" in ref:
            hit = nearest(self.by_suffix.get(key.strip("/")), None)
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
        import difflib  # only when a reference matched nothing

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
