"""Plan `vault mv`: where notes go, and the exact text edits that keep every reference valid.

Everything here is a pure function over ids and texts (files are read through a callback), so
the planner is tested without git. history.py applies a plan: writes, moves (staged as
`git mv` would), one commit.

A reference is rewritten only when it RESOLVED to a moved note (or sits in a moved note and
its base folder changed); each keeps its own form: a relative Markdown link stays relative,
root-relative stays root-relative, site-rooted `/x` stays site-rooted, `.md` is kept or
dropped as written, `#anchor`, `|alias` and `#heading` are kept. After the move every
rewritten reference is resolved again against the new layout; when its form would now be
ambiguous it falls back to an explicit path. Only the reference text changes: every other
byte of a note, line endings included, stays as it was.
"""

from __future__ import annotations

import difflib
import os
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

from vault.catalog import Catalog
from vault.errors import InvalidInput, OutsideVault
from vault.model import Link, NoteRecord
from vault.notes import HEADER_LINE, MD_LINK, REF_DEF, URL_SCHEME, WIKILINK, blank_code
from vault.resolve import Resolver
from vault.vault import Vault

_PARENT_KEYS = ("parent", "up")
_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9_ -]*?)[ \t]*:")
_DENDRON = re.compile(r"^(\s*dendron://[^/]*/)")
_URL_SAFE = "/-._~!$&'*+,;=:@"
_LINK_BREAKERS = str.maketrans({" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E"})


@dataclass
class MovePlan:
    """What `vault mv` will do: the moves and the new text of every note it edits."""

    # Old id -> new id, for every note that moves (one, or every note under a folder).
    moves: dict[str, str]
    # Old id -> (text before, text after), only for notes whose text changes.
    edits: dict[str, tuple[str, str]] = field(default_factory=dict)
    # References that could not be kept valid, one line each naming the note.
    warnings: list[str] = field(default_factory=list)

    def rewritten_ids(self) -> list[str]:
        """Ids (after the move) of the notes whose text changes."""
        return sorted(self.moves.get(i, i) for i in self.edits)


# --- where notes go ------------------------------------------------------------------------


def plan_moves(ids: Iterable[str], source: str, target: str, folder: bool) -> dict[str, str]:
    """Old id -> new id. `source` and `target` are ids, or folder ids when `folder`."""
    if not folder:
        return {source: target}
    src, dst = source.rstrip("/") + "/", target.rstrip("/") + "/"
    moves = {i: dst + i[len(src) :] for i in sorted(ids) if i.startswith(src)}
    if not moves:
        raise InvalidInput(f"the folder {source} holds no notes to move")
    return moves


# --- planning the edits ----------------------------------------------------------------------


@dataclass
class _Ctx:
    old: Resolver
    new: Resolver
    moves: dict[str, str]
    prefix: str
    # Does a non-note file exist at this root-relative path? (for attachments of moved notes)
    file_exists: Callable[[str], bool]


def plan_edits(
    records: dict[str, NoteRecord],
    resolver: Resolver,
    notes_prefix: str,
    moves: dict[str, str],
    read_text: Callable[[str], str | None],
    file_exists: Callable[[str], bool] = lambda path: False,
) -> MovePlan:
    """The text edits that keep every reference valid after `moves`.

    `read_text(id)` returns a note's text exactly as on disk (line endings kept), or None when
    it cannot be decoded; such a note is reported, not edited.
    """
    # The notes as they will be after the move: only ids change.
    new_resolver = Resolver.build(
        ((moves.get(r.id, r.id), r.title) for r in records.values()), notes_prefix
    )
    ctx = _Ctx(resolver, new_resolver, moves, notes_prefix, file_exists)
    plan = MovePlan(moves=dict(moves))
    for note_id in sorted(_notes_to_check(records, ctx)):
        text = read_text(note_id)
        if text is None:
            plan.warnings.append(
                f"{note_id}: not valid UTF-8 text, so its links were not rewritten; check it"
            )
            continue
        if text.count("\r") != text.count("\r\n"):
            plan.warnings.append(
                f"{note_id}: uses old Mac (CR) line endings, so its links were not rewritten"
            )
            continue
        new_text = rewrite_note(text, records[note_id], ctx, plan.warnings)
        if new_text != text:
            plan.edits[note_id] = (text, new_text)
    return plan


def _notes_to_check(records: dict[str, NoteRecord], ctx: _Ctx) -> set[str]:
    """Moved notes, notes referring to a moved note, and notes whose unchanged references
    would resolve differently once the moved notes are in place (a name becoming ambiguous)."""
    out = set(ctx.moves)
    for rec in records.values():
        if rec.id in out:
            continue
        refs = [(ctx.old.resolve_link(link, rec.id), link) for link in rec.links]
        if rec.parent_ref:
            refs.append((ctx.old.resolve_parent(rec.parent_ref, rec.id), None))
        for res, link in refs:
            if res.id is None:
                continue
            if res.id in ctx.moves:
                out.add(rec.id)
                break
            if link is None:
                now = ctx.new.resolve_parent(rec.parent_ref, rec.id)
            else:
                now = ctx.new.resolve_link(link, rec.id)
            if now.id != res.id:
                out.add(rec.id)
                break
    return out


def rewrite_note(text: str, rec: NoteRecord, ctx: _Ctx, warnings: list[str]) -> str:
    """The note's text with its references to moved notes (and, for a moved note, its
    relative references) rewritten; every other byte unchanged."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = text[len(bom) :].split("\n")
    if rec.parent_ref:
        _rewrite_parent(lines, rec, ctx, warnings)
    blank = blank_code(text[len(bom) :]).split("\n")
    if rec.id in ctx.moves:
        # A moved note's attachment links are not in rec.links: scan its whole body.
        scan: Iterable[int] = range(_body_start(lines, rec), len(lines) + 1)
    else:
        scan = sorted({link.line for link in rec.links})
    for number in scan:
        if 1 <= number <= len(lines):
            lines[number - 1] = _rewrite_line(lines[number - 1], blank[number - 1], rec, ctx)
    return bom + "\n".join(lines)


def _body_start(lines: list[str], rec: NoteRecord) -> int:
    """1-based first line after the metadata block (front matter or header lines)."""
    if rec.style == "yaml":
        for i in range(1, len(lines)):
            if re.match(r"^(?:-{3,}|\.{3})[ \t]*\r?$", lines[i]):
                return i + 2
        return 1
    if rec.style == "headers":
        block = _header_block(lines)
        return block[-1] + 2 if block else 1
    return 1


# --- one line of the body ------------------------------------------------------------------


def _rewrite_line(line: str, blank: str, rec: NoteRecord, ctx: _Ctx) -> str:
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


def _rewrite_md_target(raw: str, from_id: str, ctx: _Ctx, image: bool) -> str | None:
    """The new raw target of a Markdown link (`<...>`, %-escapes, #anchor kept), or None."""
    wrapped = raw.startswith("<") and raw.endswith(">")
    inner = raw[1:-1] if wrapped else raw
    if not inner.strip() or inner.startswith(("#", "//", "?")) or URL_SCHEME.match(inner):
        return None
    cut = min((i for i in (inner.find("#"), inner.find("?")) if i >= 0), default=len(inner))
    written, suffix = inner[:cut], inner[cut:]
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


def _new_markdown_path(path: str, from_id: str, target: str, ctx: _Ctx) -> str:
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
    new = _path_in_form(form, new_target, new_from, ctx.prefix, keep_md=_has_md(path))
    if ctx.new.resolve_markdown(new, new_from).id != new_target:
        new = _path_in_form("relative", new_target, new_from, ctx.prefix, keep_md=True)
    return new


def _rewrite_wikilink_inner(inner: str, from_id: str, ctx: _Ctx) -> str | None:
    """The new inside of a [[wikilink]] (alias and #heading kept), or None."""
    left, mid, right = _split_wiki(inner)
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
    written = _target_text(side)
    if written.startswith("dendron://"):
        written = written[len("dendron://") :].partition("/")[2]
    new = _wiki_path(written, from_id, old.id, want, new_from, ctx.prefix)

    def joined(path: str) -> str:
        new_side = _replace_target(side, path)
        return new_side + mid + right if on_left else left + mid + new_side

    result = joined(new)
    if ctx.new.resolve_link(_wiki_link(result), new_from).id != want:
        result = joined(_strip_md(want))
    return None if result == inner else result


def _split_wiki(inner: str) -> tuple[str, str, str]:
    """(target side, separator, alias side) of a wikilink's inside; `\\|` in tables too."""
    sep = inner.find("|")
    if sep > 0 and inner[sep - 1] == "\\":
        return inner[: sep - 1], "\\|", inner[sep + 1 :]
    if sep >= 0:
        return inner[:sep], "|", inner[sep + 1 :]
    return inner, "", ""


def _wiki_link(inner: str) -> Link:
    """The Link notes.extract_links would make of this wikilink inside."""
    left, _, right = _split_wiki(inner)
    target = _target_text(left)
    if target.startswith("dendron://"):
        target = target[len("dendron://") :].partition("/")[2]
    return Link("wikilink", target, _target_text(right))


def _wiki_path(t: str, from_id: str, target: str, new_target: str, new_from: str, prefix: str):
    keep_md = _has_md(t)
    if "/" not in t:
        stem = new_target.rsplit("/", 1)[-1]
        return stem if keep_md else _strip_md(stem)
    here = posixpath.dirname(from_id)
    bare = t.lstrip("/")
    forms = [("root", bare), ("notes", prefix + bare), ("relative", posixpath.join(here, t))]
    form = _form_of(forms, target)
    if form is None:  # matched by its tail: keep as many trailing parts as were written
        parts = _strip_md(new_target).split("/")
        new = "/".join(parts[-len(t.strip("/").split("/")) :])
        return new + ".md" if keep_md else new
    new = _path_in_form(form, new_target, new_from, prefix, keep_md)
    return "/" + new if t.startswith("/") and form != "relative" else new


# --- the Parent header -----------------------------------------------------------------------


def _rewrite_parent(lines: list[str], rec: NoteRecord, ctx: _Ctx, warnings: list[str]) -> None:
    ref = rec.parent_ref or ""
    old = ctx.old.resolve_parent(ref, rec.id)
    if old.id is None:
        return
    new_from, want = ctx.moves.get(rec.id, rec.id), ctx.moves.get(old.id, old.id)
    if _still_fine(rec.id, old.id, ctx, ctx.new.resolve_parent(ref, rec.id).id):
        return
    bare = ref.strip().strip("'\"")
    wiki = re.match(r"^!?\[\[([^\[\]]+)\]\]$", bare)
    md = re.match(r"^\[[^\]]*\]\(\s*<?([^)>]+?)>?\s*\)$", bare)
    if wiki:
        written = _target_text(wiki.group(1).replace("\\|", "|").split("|", 1)[0])
        new = _wiki_path(written, rec.id, old.id, want, new_from, ctx.prefix)
        if ctx.new.resolve_wikilink(new, new_from).id != want:
            new = _strip_md(want)
    elif md:
        written = md.group(1).split("#", 1)[0].strip()
        new = _new_markdown_path(written, rec.id, old.id, ctx)
    else:
        written = bare
        new = _parent_path(bare, rec.id, old.id, want, new_from, ctx.prefix)
        if ctx.new.resolve_parent(new, new_from).id != want:
            new = want
    if new is None or new == written:
        return
    number = _parent_line(lines, rec.style)
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
    keep_md = _has_md(ref)
    here = posixpath.dirname(from_id)
    if ref.startswith("/"):
        forms = [("site", ref.lstrip("/")), ("site-notes", prefix + ref.lstrip("/"))]
    else:
        forms = [("root", ref), ("relative", posixpath.join(here, ref)), ("notes", prefix + ref)]
    form = _form_of(forms, target)
    if form is None and "/" not in ref:
        stem = new_target.rsplit("/", 1)[-1]
        return stem if keep_md else _strip_md(stem)
    if form is None:
        parts = _strip_md(new_target).split("/")
        new = "/".join(parts[-len(ref.strip("/").split("/")) :])
        return new + ".md" if keep_md else new
    return _path_in_form(form, new_target, new_from, prefix, keep_md)


def _parent_line(lines: list[str], style: str) -> int | None:
    """Index of the line holding the Parent (or Up) key: the first one, as the parser reads."""
    if style == "yaml":
        for i in range(1, len(lines)):
            if re.match(r"^(?:-{3,}|\.{3})[ \t]*\r?$", lines[i]):
                return None
            m = _KEY.match(lines[i])
            if m and m.group(1).strip().lower() in _PARENT_KEYS:
                return i
        return None
    for i in _header_block(lines):
        text = lines[i].replace("**", "") if lines[i].startswith("**") else lines[i]
        m = _KEY.match(text)
        if m and m.group(1).strip().lower() in _PARENT_KEYS:
            return i
    return None


def _header_block(lines: list[str]) -> list[int]:
    """Indexes of the `Key: value` lines under a note's `# Title` (as notes.py reads them)."""
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i >= len(lines) or not lines[i].startswith("# "):
        return []
    i += 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    block = []
    while i < len(lines):
        text = lines[i].rstrip("\r")
        text = text.replace("**", "") if text.startswith("**") else text
        if not HEADER_LINE.match(text):
            break
        block.append(i)
        i += 1
    return block


def _still_fine(from_id: str, target: str, ctx: _Ctx, now: str | None) -> bool:
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
        or _strip_md(path).lower() == (_strip_md(note_id).lower())
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
    return path if keep_md else _strip_md(path)


def _has_md(path: str) -> bool:
    return path.lower().endswith(".md")


def _strip_md(path: str) -> str:
    return path[:-3] if path.lower().endswith(".md") else path


def _target_text(side: str) -> str:
    return side.split("#", 1)[0].strip()


def _replace_target(side: str, new: str) -> str:
    """`side` (one side of a wikilink, maybe with #heading and spaces) with its path replaced."""
    m = _DENDRON.match(side)
    head = m.group(1) if m else ""
    rest = side[len(head) :]
    path_part, hash_, heading = rest.partition("#")
    lead = path_part[: len(path_part) - len(path_part.lstrip())]
    trail = path_part[len(path_part.rstrip()) :]
    return head + lead + new + trail + hash_ + heading


# --- showing a plan ----------------------------------------------------------------------------


def plan_diff(plan: MovePlan) -> str:
    """A git-style unified diff of the plan: rename headers plus content changes, which
    `git apply` accepts."""
    out: list[str] = []
    for old_id in sorted(set(plan.moves) | set(plan.edits)):
        new_id = plan.moves.get(old_id, old_id)
        out.append(f"diff --git a/{old_id} b/{new_id}\n")
        if new_id != old_id:
            out.append(f"rename from {old_id}\nrename to {new_id}\n")
        if old_id in plan.edits:
            before, after = plan.edits[old_id]
            out.extend(_unified(before, after, old_id, new_id))
    return "".join(out)


def _unified(before: str, after: str, a: str, b: str) -> list[str]:
    out = []
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{a}", f"b/{b}"
    )
    for line in lines:
        if line.startswith(("---", "+++")):
            out.append(line.rstrip("\n") + "\n")
        elif line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return out


# --- from a command line to a plan --------------------------------------------------------------


def plan_move(catalog: Catalog, ref: str, new_path: str, cwd: Path) -> MovePlan:
    """Check a `vault mv REF NEW_PATH` and plan it; nothing is written.

    REF is a note (anything `vault show` accepts) or a folder of notes. NEW_PATH is relative
    to the working directory when that is inside the vault, else to the vault root (an
    absolute path works too); a NEW_PATH ending in "/" or naming an existing folder receives
    the note under its own name. The target must be inside the notes folder and must not
    exist; a note's new name must end in .md. Only notes move (the .md files): attachments
    stay where they are and the moved notes' links to them are rewritten, so a folder's
    notes may also move into an existing folder as long as no name is taken there.
    """
    vault = catalog.vault
    source, folder = _source(catalog, ref, cwd)
    target = _target(vault, new_path, cwd, source, folder)
    moves = plan_moves(catalog.records, source, target, folder)
    for new_id in moves.values():
        if os.path.lexists(vault.path_of(new_id)) and new_id not in moves:
            raise InvalidInput(f"{new_id} already exists; choose another name")

    def read_text(note_id: str) -> str | None:
        try:
            return vault.path_of(note_id).read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            return None

    return plan_edits(
        catalog.records,
        catalog.resolver,
        vault.notes_prefix,
        moves,
        read_text,
        file_exists=lambda rel: vault.path_of(rel).is_file(),
    )


def _cwd_base(vault: Vault, cwd: Path) -> Path:
    """Where relative paths start: the working directory inside the vault, else the root."""
    try:
        vault.note_id(cwd)
    except OutsideVault:
        return vault.root
    return cwd


def _source(catalog: Catalog, ref: str, cwd: Path) -> tuple[str, bool]:
    """(id or folder id, is it a folder)."""
    vault = catalog.vault
    raw = ref.strip()
    if not raw:
        raise InvalidInput("give the note (or folder) to move")
    for base in (_cwd_base(vault, cwd), vault.root, vault.notes_dir):
        folder = Path(os.path.abspath(base / raw))
        if folder.is_dir() and not raw.lower().endswith(".md"):
            if folder == vault.notes_dir or folder == vault.root:
                raise InvalidInput("cannot move the notes folder itself")
            return _inside_notes(vault, folder, ref), True
    try:
        prefix = vault.note_id(cwd)
        prefix = "" if prefix == "." else prefix
    except OutsideVault:
        prefix = None
    return catalog.resolver.find(ref, prefix), False


def _target(vault: Vault, new_path: str, cwd: Path, source: str, folder: bool) -> str:
    raw = new_path.strip()
    if not raw:
        raise InvalidInput("give the new path")
    path = Path(os.path.abspath(_cwd_base(vault, cwd) / Path(raw).expanduser()))
    if not folder and (raw.endswith(("/", os.sep)) or path.is_dir()):
        path = path / posixpath.basename(source)
    target = _inside_notes(vault, path, new_path)
    if any(part.startswith(".") for part in target.split("/")):
        raise InvalidInput(f"{target}: hidden files and folders are not notes; choose another")
    if target == source:
        raise InvalidInput(f"{source} is already there")
    if folder:
        if target.startswith(source + "/"):
            raise InvalidInput(f"cannot move {source} into itself")
        if os.path.lexists(path) and not path.is_dir():
            raise InvalidInput(f"{target} already exists and is not a folder")
    else:
        if not target.lower().endswith(".md"):
            raise InvalidInput(
                f"the new name must end in .md, e.g. {target}.md (or end it with / to move "
                "the note into that folder under its own name)"
            )
        if os.path.lexists(path):
            raise InvalidInput(f"{target} already exists; choose another name")
    return target


def _inside_notes(vault: Vault, path: Path, shown: str) -> str:
    """The id of a path inside the notes folder; OutsideVault otherwise."""
    real_parent = Path(os.path.realpath(path.parent))
    notes = Path(os.path.realpath(vault.notes_dir))
    if real_parent != notes and notes not in real_parent.parents:
        raise OutsideVault(
            f"{shown} is outside the notes folder {vault.notes_dir}; notes stay inside it"
        )
    return vault.note_id(path)
