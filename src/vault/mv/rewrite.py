"""Rewrite one note's references for a move: only the reference text changes, every other
byte of the note (line endings included) stays as it was.

A reference is rewritten only when it resolved to a note and, left as it is, would no longer
name that note (at its new place) from the note it is written in (at its new place): a link
whose target does not change is never touched, not even its case. A rewritten reference keeps
its own form (relative stays relative, root-relative stays root-relative, site-rooted `/x`
stays site-rooted, a name stays a name, `.md` is kept or dropped as written, `#anchor`,
`|alias`, `#heading` and %-escapes are kept) and the writer's spelling of every part that
does not change; only the parts that must change are new. Each rewrite is resolved again
against the new layout, and falls back to an explicit path when its form would now mean
another note. Links are found with the parser's own patterns over the parser's own masked
text (vault.links, vault.notes.link_text), and the Parent line with the header styles' own
rules (vault.headers).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote, unquote

from vault.headers import find_block, key_line, value_of, with_value
from vault.links import (
    MD_LINK,
    REF_DEF,
    WHOLE_MD_LINK,
    WHOLE_WIKILINK,
    WIKILINK,
    dendron_prefix,
    embedded,
    read_md_target,
    split_dendron_vault,
    split_md_target,
    split_wikilink,
    wikilink_parts,
    wikilink_side,
    without_anchor,
)
from vault.model import Link, NoteRecord
from vault.notes import PARENT_KEYS, link_text
from vault.resolve import Resolver
from vault.vault import has_md, stem_of, strip_md

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
    block = find_block(lines, rec.style)
    if rec.parent_ref:
        _rewrite_parent(lines, block, rec, ctx, warnings)
    masked = link_text(lines, block).split("\n")
    if rec.id in ctx.moves:
        # A moved note's relative links to files that are not notes: scan its whole text.
        scan: Iterable[int] = range(1, len(lines) + 1)
    else:
        scan = sorted({link.line for link in rec.links})
    for number in scan:
        if 1 <= number <= len(lines) and "[" in masked[number - 1]:
            lines[number - 1] = _rewrite_line(lines[number - 1], masked[number - 1], rec, ctx)
    return bom + "\n".join(lines)


# --- one line of the body ------------------------------------------------------------------


def _rewrite_line(line: str, blank: str, rec: NoteRecord, ctx: Context) -> str:
    """Rewrite the link targets on one line; `blank` is the line with code blanked out, so
    positions match and links inside code are left alone."""
    spans: list[tuple[int, int, str]] = []
    for m in WIKILINK.finditer(blank):
        new = _rewrite_wikilink_inner(line[m.start(1) : m.end(1)], rec.id, ctx)
        if new is not None:
            spans.append((m.start(1), m.end(1), new))
    for m in MD_LINK.finditer(blank):
        image = embedded(blank, m)
        new = _rewrite_md_target(line[m.start(2) : m.end(2)], rec.id, ctx, image)
        if new is not None:
            spans.append((m.start(2), m.end(2), new))
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
    read = read_md_target(raw, image)
    if read is None:
        return None
    path, attachment = read
    written, suffix = split_md_target(inner)
    new_from = ctx.moves.get(from_id, from_id)
    res = None if attachment else ctx.old.resolve_markdown(path, from_id)
    if res is not None and res.id is not None:
        want = ctx.moves.get(res.id, res.id)
        if ctx.new.resolve_markdown(path, new_from).id == want and not _rebased(
            path, from_id, res.id, ctx
        ):
            return None  # still names the note: never rewritten
        new_path = _new_markdown_path(path, from_id, res.id, ctx)
    elif from_id in ctx.moves and not path.startswith("/"):
        # An attachment (or other file) linked relatively from a moved note: follow it.
        old_file = posixpath.normpath(posixpath.join(posixpath.dirname(from_id), path))
        if old_file.startswith("../") or not ctx.file_exists(old_file):
            return None
        new_path = posixpath.relpath(old_file, posixpath.dirname(new_from) or ".")
    else:
        return None
    if path.startswith("./") and not new_path.startswith("./"):
        new_path = "./" + new_path  # keep the writer's explicit "./" (also as ./../x)
    if new_path == path:
        return None
    if "%" in written:  # the writer escaped the path: escape the new parts the same way
        escape = lambda part: quote(part, safe=_URL_SAFE)  # noqa: E731
    elif wrapped:
        escape = lambda part: part  # noqa: E731
    else:  # escape only what would end the link early; other characters stay readable
        escape = lambda part: part.translate(_LINK_BREAKERS)  # noqa: E731
    new_written = _keep_spelling(written.strip(), new_path, escape)
    return f"<{new_written}{suffix}>" if wrapped else new_written + suffix


def _rebased(path: str, from_id: str, target: str, ctx: Context) -> bool:
    """Is this the shortest relative path from a moved note to its target, which from the
    note's new place is no longer the shortest (`../research/x.md` when the note is back in
    research/)? A relative path written the short way says where the target is from the
    note: when the note moves, it is written the short way again, so a move and the move
    back give the same bytes. A path written the long way round by its writer
    (`../features/x.md` from features/) is the writer's style and is left alone."""
    if from_id not in ctx.moves or not _is_relative(path, from_id, target):
        return False
    new_from, new_target = ctx.moves[from_id], ctx.moves.get(target, target)
    written = posixpath.normpath(path)
    return _same_path(written, _shortest(target, from_id)) and not _same_path(
        written, _shortest(new_target, new_from)
    )


def _is_relative(path: str, from_id: str, target: str) -> bool:
    if path.startswith("/"):
        return False
    return _form_of([("relative", posixpath.join(posixpath.dirname(from_id), path))], target) == (
        "relative"
    )


def _shortest(target: str, from_id: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(from_id) or ".")


def _same_path(a: str, b: str) -> bool:
    return strip_md(a).lower() == strip_md(b).lower()


def _relative_path(path: str, from_id: str, target: str, ctx: Context) -> str:
    """The new relative path of a link that must change. Written the short way, it is the
    short way from the new places; written with more `..` than needed (the writer's style,
    `../features/x.md`), it keeps as many `..` and only the folders below change, when the
    target is still below that ancestor."""
    new_from, new_target = ctx.moves.get(from_id, from_id), ctx.moves.get(target, target)
    shortest = _shortest(new_target, new_from)
    written = posixpath.normpath(path)
    if _same_path(written, _shortest(target, from_id)):
        return shortest
    ups, parts = 0, written.split("/")
    while ups < len(parts) and parts[ups] == "..":
        ups += 1
    base = posixpath.dirname(new_from)
    for _ in range(ups):
        base = posixpath.dirname(base) if base else ".."
    if base == ".." or (base and not new_target.startswith(base + "/")):
        return shortest
    return "/".join([".."] * ups + [posixpath.relpath(new_target, base or ".")])


def _new_markdown_path(path: str, from_id: str, target: str, ctx: Context) -> str:
    new_from, new_target = ctx.moves.get(from_id, from_id), ctx.moves.get(target, target)
    here = posixpath.dirname(from_id)
    keep_md = has_md(path)
    if ctx.old.kind.name == "obsidian" and "/" not in path and _same_name(path, target):
        # Obsidian reads a bare file name as a name, found anywhere: keep it a name.
        new = posixpath.basename(new_target if keep_md else strip_md(new_target))
        if ctx.new.resolve_markdown(new, new_from).id == new_target:
            return new
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
    if form == "relative":
        new = _relative_path(path, from_id, target, ctx)
        new = new if keep_md else strip_md(new)
    else:
        new = _path_in_form(form, new_target, new_from, ctx.prefix, keep_md=keep_md)
    if ctx.new.resolve_markdown(new, new_from).id != new_target:
        new = _path_in_form("relative", new_target, new_from, ctx.prefix, keep_md=True)
    return new


def _rewrite_wikilink_inner(inner: str, from_id: str, ctx: Context) -> str | None:
    """The new inside of a [[wikilink]] (alias and #heading kept), or None."""
    left, mid, right = split_wikilink(inner)
    link = _wiki_link(inner)
    if not link.target or ctx.old.is_attachment(link):
        return None  # attachments are found by name or from the root: a move changes nothing
    old = ctx.old.resolve_link(link, from_id)
    if old.id is None:
        return None
    new_from, want = ctx.moves.get(from_id, from_id), ctx.moves.get(old.id, old.id)
    if ctx.new.resolve_link(link, new_from).id == want:
        return None  # still names the note: never rewritten
    # The target is before the "|", or after it in a Dendron vault ([[label|target]]).
    on_left = not ctx.old.target_on_right(link)
    side = left if on_left else right
    written = split_dendron_vault(wikilink_side(side))[1]
    new = _keep_spelling(written, _wiki_path(written, from_id, old.id, want, new_from, ctx.prefix))

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
    t = t.strip()
    if "/" not in t:
        stem = new_target.rsplit("/", 1)[-1]
        return stem if keep_md else strip_md(stem)
    if t.startswith(("./", "../")):
        new = _path_in_form("relative", new_target, new_from, prefix, keep_md)
        # Still relative, and the writer's leading "./" kept (as ./../x too).
        return "./" + new if t.startswith("./") or not new.startswith("../") else new
    bare = t.lstrip("/")
    # Any other path in a wikilink is a path from the root or the tail of one, never relative.
    forms = [("root", bare), ("notes", prefix + bare)]
    form = _form_of(forms, target)
    if form is None:  # matched by its tail: keep as many trailing parts as were written
        parts = strip_md(new_target).split("/")
        new = "/".join(parts[-len(t.strip("/").split("/")) :])
        return new + ".md" if keep_md else new
    new = _path_in_form(form, new_target, new_from, prefix, keep_md)
    return "/" + new if t.startswith("/") and form != "relative" else new


# --- the Parent header -----------------------------------------------------------------------


def _rewrite_parent(
    lines: list[str], block, rec: NoteRecord, ctx: Context, warnings: list[str]
) -> None:
    ref = rec.parent_ref or ""
    old = ctx.old.resolve_parent(ref, rec.id)
    if old.id is None:
        return
    new_from, want = ctx.moves.get(rec.id, rec.id), ctx.moves.get(old.id, old.id)
    if ctx.new.resolve_parent(ref, new_from).id == want:
        return  # still names the note: never rewritten
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
    if new is None:
        return
    new = _keep_spelling(written, new)
    if new == written:
        return
    number = key_line(lines, block, PARENT_KEYS)
    value = value_of(lines[number]) if number is not None else ""
    # Look for the path where it was written: inside [[...]], (...) or as the whole value.
    opener = "[[" if wiki else "(" if md else ""
    at = value.find(opener + written) if number is not None else -1
    at = at + len(opener) if at >= 0 else at
    if at < 0:
        warnings.append(
            f"{ctx.moves.get(rec.id, rec.id)}: its Parent header is written in a form that "
            f"could not be edited; change {written!r} to {new!r} by hand"
        )
        return
    lines[number] = with_value(lines[number], value[:at] + new + value[at + len(written) :])


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


def _same_name(path: str, note_id: str) -> bool:
    return strip_md(posixpath.basename(path)).lower() == stem_of(note_id).lower()


def _keep_spelling(written: str, new: str, escape: Callable[[str], str] = lambda p: p) -> str:
    """`new` (a path, its parts not escaped) with every part that names the same thing as
    the part written in its place (any case, %-escapes decoded) kept as the writer wrote it;
    the other parts pass through `escape`. Parts line up from the end, then from the start."""
    old_parts, new_parts = written.split("/"), new.split("/")
    out = [escape(part) for part in new_parts]

    def same(a: str, b: str) -> bool:
        return unquote(a).lower() == b.lower()

    k = 1
    while k <= min(len(old_parts), len(new_parts)) and same(old_parts[-k], new_parts[-k]):
        out[-k] = old_parts[-k]
        k += 1
    matched_tail = k - 1
    for i in range(min(len(old_parts), len(new_parts)) - matched_tail):
        if not same(old_parts[i], new_parts[i]):
            break
        out[i] = old_parts[i]
    return "/".join(out)


def _replace_target(side: str, new: str) -> str:
    """`side` (one side of a wikilink, maybe with #heading and spaces) with its path replaced."""
    head = dendron_prefix(side)
    rest = side[len(head) :]
    path_part, hash_, heading = rest.partition("#")
    lead = path_part[: len(path_part) - len(path_part.lstrip())]
    trail = path_part[len(path_part.rstrip()) :]
    return head + lead + new + trail + hash_ + heading
