"""Rewrite one note's references for a move: only the reference text changes, every other
byte of the note (line endings included) stays as it was.

A reference is rewritten only when it RESOLVED to a moved note (or sits in a moved note and
its base folder changed); each keeps its own form: a relative Markdown link stays relative,
root-relative stays root-relative, site-rooted `/x` stays site-rooted, `.md` is kept or
dropped as written, `#anchor`, `|alias` and `#heading` are kept. After the move every
rewritten reference is resolved again against the new layout; when its form would now be
ambiguous it falls back to an explicit path. Links are found with the parser's own patterns
(vault.links) and the Parent line with the header styles' own rules (vault.headers).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote, unquote

from vault.headers import find_block, key_line
from vault.links import (
    MD_LINK,
    REF_DEF,
    WHOLE_MD_LINK,
    WHOLE_WIKILINK,
    WIKILINK,
    blank_code,
    dendron_prefix,
    is_external,
    split_md_target,
    split_wikilink,
    wikilink_parts,
    wikilink_side,
    without_anchor,
)
from vault.model import Link, NoteRecord
from vault.notes import PARENT_KEYS
from vault.resolve import Resolver
from vault.vault import has_md, strip_md

_URL_SAFE = "/-._~!$&'*+,;=:@"
_LINK_BREAKERS = str.maketrans({" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E"})


@dataclass
class Context:
    """What rewriting needs to know: the notes before and after the move."""

    old: Resolver
    new: Resolver
    moves: dict[str, str]
    prefix: str
    # Does a non-note file exist at this root-relative path? (for attachments of moved notes)
    file_exists: Callable[[str], bool]


def rewrite_note(text: str, rec: NoteRecord, ctx: Context, warnings: list[str]) -> str:
    """The note's text with its references to moved notes (and, for a moved note, its
    relative references) rewritten; every other byte unchanged."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = text[len(bom) :].split("\n")
    if rec.parent_ref:
        _rewrite_parent(lines, rec, ctx, warnings)
    blank = blank_code(text[len(bom) :]).split("\n")
    if rec.id in ctx.moves:
        # A moved note's attachment links are not in rec.links: scan its whole body.
        scan: Iterable[int] = range(find_block(lines, rec.style).body + 1, len(lines) + 1)
    else:
        scan = sorted({link.line for link in rec.links})
    for number in scan:
        if 1 <= number <= len(lines):
            lines[number - 1] = _rewrite_line(lines[number - 1], blank[number - 1], rec, ctx)
    return bom + "\n".join(lines)


# --- one line of the body ------------------------------------------------------------------


def _rewrite_line(line: str, blank: str, rec: NoteRecord, ctx: Context) -> str:
    """Rewrite the link targets on one line; `blank` is the line with code blanked out, so
    positions match and links inside code are left alone."""
    spans: list[tuple[int, int, str]] = []
    for m in WIKILINK.finditer(blank):
        new = _rewrite_wikilink_inner(line[m.start(2) : m.end(2)], rec.id, ctx)
        if new is not None:
            spans.append((m.start(2), m.end(2), new))
    for m in MD_LINK.finditer(blank):
        new = _rewrite_md_target(line[m.start(3) : m.end(3)], rec.id, ctx, bool(m.group(1)))
        if new is not None:
            spans.append((m.start(3), m.end(3), new))
    for m in REF_DEF.finditer(blank):
        new = _rewrite_md_target(line[m.start(2) : m.end(2)], rec.id, ctx, False)
        if new is not None:
            spans.append((m.start(2), m.end(2), new))
    spans.sort()
    out, pos = [], 0
    for start, end, new in spans:
        if start < pos:  # overlapping matches: keep the first
            continue
        out.append(line[pos:start])
        out.append(new)
        pos = end
    out.append(line[pos:])
    return "".join(out)


def _rewrite_md_target(raw: str, from_id: str, ctx: Context, image: bool) -> str | None:
    """The new raw target of a Markdown link (`<...>`, %-escapes, #anchor kept), or None."""
    wrapped = raw.startswith("<") and raw.endswith(">")
    inner = raw[1:-1] if wrapped else raw
    if not inner.strip() or is_external(inner):
        return None
    written, suffix = split_md_target(inner)
    path = unquote(written).strip()
    if not path:
        return None
    new_from = ctx.moves.get(from_id, from_id)
    res = None if image else ctx.old.resolve_markdown(path, from_id)
    if res is not None and res.id is not None:
        if _still_fine(from_id, res.id, ctx, ctx.new.resolve_markdown(path, from_id).id):
            return None
        new_path = _new_markdown_path(path, from_id, res.id, ctx)
    elif from_id in ctx.moves and not path.startswith("/"):
        # An attachment (or other file) linked relatively from a moved note: follow it.
        old_file = posixpath.normpath(posixpath.join(posixpath.dirname(from_id), path))
        if old_file.startswith("../") or not ctx.file_exists(old_file):
            return None
        new_path = posixpath.relpath(old_file, posixpath.dirname(new_from) or ".")
    else:
        return None
    if path.startswith("./") and not new_path.startswith("."):
        new_path = "./" + new_path  # keep the writer's explicit "./"
    if new_path == path:
        return None
    if wrapped:
        return f"<{new_path}{suffix}>"
    if "%" in written:  # the writer escaped the path: escape the new one the same way
        return quote(new_path, safe=_URL_SAFE) + suffix
    # Otherwise escape only what would end the link early; other characters stay readable.
    return new_path.translate(_LINK_BREAKERS) + suffix


def _new_markdown_path(path: str, from_id: str, target: str, ctx: Context) -> str:
    new_from, new_target = ctx.moves.get(from_id, from_id), ctx.moves.get(target, target)
    here = posixpath.dirname(from_id)
    if path.startswith("/"):
        rel = path.lstrip("/")
        forms = [("site", rel), ("site-notes", ctx.prefix + rel)]
    else:
        forms = [
            ("relative", posixpath.join(here, path)),
            ("root", path),
            ("notes", ctx.prefix + path),
        ]
    form = _form_of(forms, target) or "relative"
    new = _path_in_form(form, new_target, new_from, ctx.prefix, keep_md=has_md(path))
    if ctx.new.resolve_markdown(new, new_from).id != new_target:
        new = _path_in_form("relative", new_target, new_from, ctx.prefix, keep_md=True)
    return new


def _rewrite_wikilink_inner(inner: str, from_id: str, ctx: Context) -> str | None:
    """The new inside of a [[wikilink]] (alias and #heading kept), or None."""
    left, mid, right = split_wikilink(inner)
    link = _wiki_link(inner)
    if not link.target:
        return None
    old = ctx.old.resolve_link(link, from_id)
    if old.id is None:
        return None
    new_from, want = ctx.moves.get(from_id, from_id), ctx.moves.get(old.id, old.id)
    if _still_fine(from_id, old.id, ctx, ctx.new.resolve_link(link, from_id).id):
        return None
    # Dendron writes [[label|target]]: rewrite whichever side resolved.
    first = ctx.old.resolve_wikilink(link.target, from_id)
    on_left = first.id is not None or bool(first.candidates) or not link.alias
    side = left if on_left else right
    written = wikilink_side(side)
    new = _wiki_path(written, from_id, old.id, want, new_from, ctx.prefix)

    def joined(path: str) -> str:
        new_side = _replace_target(side, path)
        return new_side + mid + right if on_left else left + mid + new_side

    result = joined(new)
    if ctx.new.resolve_link(_wiki_link(result), new_from).id != want:
        result = joined(strip_md(want))
    return None if result == inner else result


def _wiki_link(inner: str) -> Link:
    """The Link the parser makes of this wikilink inside."""
    target, alias = wikilink_parts(inner)
    return Link("wikilink", target, alias)


def _wiki_path(t: str, from_id: str, target: str, new_target: str, new_from: str, prefix: str):
    keep_md = has_md(t)
    if "/" not in t:
        stem = new_target.rsplit("/", 1)[-1]
        return stem if keep_md else strip_md(stem)
    here = posixpath.dirname(from_id)
    bare = t.lstrip("/")
    forms = [("root", bare), ("notes", prefix + bare), ("relative", posixpath.join(here, t))]
    form = _form_of(forms, target)
    if form is None:  # matched by its tail: keep as many trailing parts as were written
        parts = strip_md(new_target).split("/")
        new = "/".join(parts[-len(t.strip("/").split("/")) :])
        return new + ".md" if keep_md else new
    new = _path_in_form(form, new_target, new_from, prefix, keep_md)
    return "/" + new if t.startswith("/") and form != "relative" else new


# --- the Parent header -----------------------------------------------------------------------


def _rewrite_parent(lines: list[str], rec: NoteRecord, ctx: Context, warnings: list[str]) -> None:
    ref = rec.parent_ref or ""
    old = ctx.old.resolve_parent(ref, rec.id)
    if old.id is None:
        return
    new_from, want = ctx.moves.get(rec.id, rec.id), ctx.moves.get(old.id, old.id)
    if _still_fine(rec.id, old.id, ctx, ctx.new.resolve_parent(ref, rec.id).id):
        return
    bare = ref.strip().strip("'\"")
    wiki = WHOLE_WIKILINK.match(bare)
    md = WHOLE_MD_LINK.match(bare)
    if wiki:
        written = wikilink_parts(wiki.group(1))[0]
        new = _wiki_path(written, rec.id, old.id, want, new_from, ctx.prefix)
        if ctx.new.resolve_wikilink(new, new_from).id != want:
            new = strip_md(want)
    elif md:
        written = without_anchor(md.group(1))
        new = _new_markdown_path(written, rec.id, old.id, ctx)
    else:
        written = bare
        new = _parent_path(bare, rec.id, old.id, want, new_from, ctx.prefix)
        if ctx.new.resolve_parent(new, new_from).id != want:
            new = want
    if new is None or new == written:
        return
    number = key_line(lines, find_block(lines, rec.style), PARENT_KEYS)
    line = lines[number] if number is not None else ""
    # Look for the path where it was written: inside [[...]], (...) or as the whole value.
    opener = "[[" if wiki else "(" if md else ""
    at = line.find(opener + written, line.find(":") + 1) if number is not None else -1
    at = at + len(opener) if at >= 0 else at
    if at < 0:
        warnings.append(
            f"{ctx.moves.get(rec.id, rec.id)}: its Parent header is written in a form that "
            f"could not be edited; change {written!r} to {new!r} by hand"
        )
        return
    lines[number] = line[:at] + new + line[at + len(written) :]


def _parent_path(ref: str, from_id: str, target: str, new_target: str, new_from: str, prefix: str):
    keep_md = has_md(ref)
    here = posixpath.dirname(from_id)
    if ref.startswith("/"):
        forms = [("site", ref.lstrip("/")), ("site-notes", prefix + ref.lstrip("/"))]
    else:
        forms = [("root", ref), ("relative", posixpath.join(here, ref)), ("notes", prefix + ref)]
    form = _form_of(forms, target)
    if form is None and "/" not in ref:
        stem = new_target.rsplit("/", 1)[-1]
        return stem if keep_md else strip_md(stem)
    if form is None:
        parts = strip_md(new_target).split("/")
        new = "/".join(parts[-len(ref.strip("/").split("/")) :])
        return new + ".md" if keep_md else new
    return _path_in_form(form, new_target, new_from, prefix, keep_md)


def _still_fine(from_id: str, target: str, ctx: Context, now: str | None) -> bool:
    """Neither end moves and the reference, unchanged, still names the same note."""
    return from_id not in ctx.moves and target not in ctx.moves and now == target


# --- path forms --------------------------------------------------------------------------------


def _form_of(forms: list[tuple[str, str]], target: str) -> str | None:
    """The first form whose path names `target` (as the resolver tries them, in order)."""
    for name, candidate in forms:
        if _same_note(candidate, target):
            return name
    return None


def _same_note(candidate: str, note_id: str) -> bool:
    path = posixpath.normpath(candidate) if candidate else candidate
    if not path or path.startswith("..") or path == ".":
        return False
    return (
        path == note_id
        or path + ".md" == note_id
        or strip_md(path).lower() == (strip_md(note_id).lower())
    )


def _path_in_form(form: str, target: str, from_id: str, prefix: str, keep_md: bool) -> str:
    in_notes = target[len(prefix) :] if prefix and target.startswith(prefix) else target
    if form == "relative":
        path = posixpath.relpath(target, posixpath.dirname(from_id) or ".")
    elif form == "root":
        path = target
    elif form == "notes":
        path = in_notes
    elif form == "site":
        path = "/" + target
    else:  # site-notes
        path = "/" + in_notes
    return path if keep_md else strip_md(path)


def _replace_target(side: str, new: str) -> str:
    """`side` (one side of a wikilink, maybe with #heading and spaces) with its path replaced."""
    head = dendron_prefix(side)
    rest = side[len(head) :]
    path_part, hash_, heading = rest.partition("#")
    lead = path_part[: len(path_part) - len(path_part.lstrip())]
    trail = path_part[len(path_part.rstrip()) :]
    return head + lead + new + trail + hash_ + heading
