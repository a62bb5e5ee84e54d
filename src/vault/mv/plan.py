"""Plan `vault mv`: where notes go, and the exact new text of every note it edits.

Everything here is a pure function over ids and texts (files are read through a callback),
so the planner is tested without git; vault.mv.rewrite rewrites one note's text and
vault.mv.apply carries a plan out.
"""

from __future__ import annotations

import difflib
import os
import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from vault.atomic import read_file
from vault.catalog import Catalog
from vault.errors import InvalidInput, OutsideVault
from vault.model import NoteRecord
from vault.mv.rewrite import Context, rewrite_note
from vault.resolve import Resolver
from vault.vault import Vault


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
        ((moves.get(r.id, r.id), r.title) for r in records.values()), notes_prefix, resolver.kind
    )
    ctx = Context(resolver, new_resolver, moves, notes_prefix, file_exists)
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


def _notes_to_check(records: dict[str, NoteRecord], ctx: Context) -> set[str]:
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
            return read_file(vault.path_of(note_id)).decode("utf-8")
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
        if _is_folder(folder) and not raw.lower().endswith(".md"):
            if folder == vault.notes_dir or folder == vault.root:
                raise InvalidInput("cannot move the notes folder itself")
            return _inside_notes(vault, folder, ref), True
    try:
        prefix = vault.note_id(cwd)
        prefix = "" if prefix == "." else prefix
    except OutsideVault:
        prefix = None
    return catalog.resolver.find(ref, prefix), False


def _is_folder(path: Path) -> bool:
    """Whether `path` is a folder; not when the file system refuses its name (too long)."""
    try:
        return path.is_dir()
    except OSError:
        return False


def _target(vault: Vault, new_path: str, cwd: Path, source: str, folder: bool) -> str:
    raw = new_path.strip()
    if not raw:
        raise InvalidInput("give the new path")
    path = Path(os.path.abspath(_cwd_base(vault, cwd) / Path(raw).expanduser()))
    _check_name(vault, raw)
    if not folder and (raw.endswith(("/", os.sep)) or path.is_dir()):
        path = path / posixpath.basename(source)
    target = _inside_notes(vault, path, new_path)
    if any(part.startswith(".") for part in target.split("/")):
        raise InvalidInput(f"{target}: hidden files and folders are not notes; choose another")
    _check_folders(vault, target)
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


# The longest name a folder entry may have, in bytes, where the system does not say.
NAME_MAX = 255


def _check_name(vault: Vault, target: str) -> None:
    """InvalidInput unless `target` (a path) can name a note: UTF-8 (links to it are
    Markdown text), no part longer than the file system allows."""
    try:
        parts = [part.encode("utf-8") for part in target.split("/")]
    except UnicodeEncodeError:
        raise InvalidInput(
            f"{target} is not UTF-8; notes are named in UTF-8, so that links can name them"
        ) from None
    try:
        limit = os.pathconf(vault.notes_dir, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = NAME_MAX
    for part in parts:
        if len(part) > limit:
            raise InvalidInput(
                f"{part[:40].decode('utf-8', 'replace')}... is {len(part)} bytes long; "
                f"a name here has at most {limit}"
            )


def _check_folders(vault: Vault, target: str) -> None:
    """InvalidInput when a folder on the way to `target` (an id) is a file."""
    names = target.split("/")
    for n in range(1, len(names)):
        folder = "/".join(names[:n])
        path = vault.path_of(folder)
        if os.path.lexists(path) and not path.is_dir():
            raise InvalidInput(f"{folder} is a file, not a folder; choose another path")


def _inside_notes(vault: Vault, path: Path, shown: str) -> str:
    """The id of a path inside the notes folder; OutsideVault otherwise."""
    real_parent = Path(os.path.realpath(path.parent))
    notes = Path(os.path.realpath(vault.notes_dir))
    if real_parent != notes and notes not in real_parent.parents:
        raise OutsideVault(
            f"{shown} is outside the notes folder {vault.notes_dir}; notes stay inside it"
        )
    return vault.note_id(path)
