"""Create notes: technical supplements under an existing parent, or root notes."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from vault import values
from vault.atomic import create_exclusive, read_file
from vault.catalog import Catalog, catalog_now
from vault.config import new_note_style
from vault.errors import (
    EditorFailed,
    FileFailed,
    GitError,
    InvalidInput,
    NotCommitted,
    OutsideVault,
    StaleLock,
)
from vault.locks import write_lock
from vault.markdown.text import plain_text
from vault.model import Created, NewNote, NoteRecord
from vault.notes import format_note, parse_note, slugify, supplement_template
from vault.repository import Repository, check_provenance
from vault.text import parse_user_date
from vault.vault import Vault, existing_note

DEFAULT_SUPPLEMENT_TYPE = "Technical Supplement"
DEFAULT_ROOT_TYPE = "Note"
# How many "-2", "-3", ... suffixes to try before giving up on a name.
MAX_SUFFIX = 1000


def default_type(parent_id: str | None) -> str:
    """The type of a new note given none: a supplement under a parent, else a plain note."""
    return DEFAULT_SUPPLEMENT_TYPE if parent_id else DEFAULT_ROOT_TYPE


def checked(request: NewNote) -> NewNote:
    """`request` with every value it supplies put through the one rule for values that
    become metadata (vault.values): each kept as given (white space runs as one space, tags
    without their `#`, each once), or InvalidInput naming the field."""
    return replace(
        request,
        title=values.title(request.title),
        note_type=values.note_type(request.note_type),
        tags=values.tags(request.tags),
        body=values.body(request.body),
        parent_ref=values.parent_ref(request.parent_ref),
    )


def plan_folder(vault: Vault, parent_id: str | None) -> Path:
    """The folder a new note goes in: its parent's folder, or the notes folder."""
    folder = vault.path_of(parent_id).parent if parent_id else vault.notes_dir
    real = Path(os.path.realpath(folder))
    if real != vault.root and vault.root not in real.parents:
        raise OutsideVault(f"{folder} resolves to {real}, outside the vault at {vault.root}")
    return folder


def new_note(
    vault: Vault,
    request: NewNote,
    repo: Repository | None,
    *,
    commit: bool = True,
    edit: Callable[[Path], None] | None = None,
) -> Created:
    """Create a note and commit it when the vault is in git.

    The parent is resolved and the file written under the vault's write lock, on a catalog
    read inside it, so a concurrent `vault mv` of the parent cannot leave the new note pointing
    at the parent's old path, and committed inside it, so a `vault sync` (another process, or
    `vault serve --sync-interval`) never commits or rebases between the write and the commit.
    The editor (--edit) runs after the lock is released (a person may take minutes there) and
    the commit takes it again.

    In the middle of a rebase, merge, cherry-pick, revert or bisect nothing is written (a
    commit then could be lost); a commit that fails (a hook, no identity, no git) leaves
    the note written, unstaged, with `commit_note` saying why; a stale index.lock leaves it
    written and raises NotCommitted.
    """
    request = checked(request)  # before the lock, the catalog and git: bad input fails fast
    check_provenance(request.provenance)
    with write_lock(vault):
        if commit and repo is not None:  # inside the lock: a sync's rebase is over by now
            repo.check_can_commit()
        ref = request.parent_ref
        if ref is None or existing_note(vault, ref.strip()):
            # No parent, or its exact id (what agents pass), needs no catalog: at 100,000
            # notes the walk and the resolver would be nearly all of the command's time.
            created = write_note(vault, request, ref.strip() if ref is not None else None)
        else:
            created = create_note(catalog_now(vault, repo), request)
        if edit is None:  # committed inside the lock: a `vault sync` never sees it half-done
            return _commit(created, repo, request) if commit and repo is not None else created
    _edit(Path(created.path), created.id, edit)
    if commit and repo is not None:
        with write_lock(vault):
            created = _commit(created, repo, request)
    return created


def _commit(created: Created, repo: Repository, request: NewNote) -> Created:
    try:
        message = f"vault: add {created.id}"
        sha = repo.commit([created.id], message, provenance=request.provenance)
        return replace(created, commit=sha)
    except StaleLock as exc:  # fails every command until removed: say so, exit non-zero
        raise NotCommitted(created.id, exc) from exc
    except GitError as exc:
        return replace(created, commit_note=str(exc))


def _edit(path: Path, note_id: str, edit: Callable[[Path], None]) -> None:
    """Run the editor on the new note. A failed editor (or an interrupt) removes the note, as
    does one that leaves it empty (EditorFailed): nothing is committed, nothing left behind."""
    try:
        edit(path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise EditorFailed(f"the editor removed the note {note_id}; nothing committed") from None
    except OSError as exc:
        raise FileFailed("read", path, exc) from exc
    if not data.strip():
        path.unlink(missing_ok=True)
        raise EditorFailed(f"the editor left {note_id} empty; removed it, nothing committed")


def create_note(catalog: Catalog, request: NewNote) -> Created:
    """Write a new note under its parent (not committed: `new_note` does that), for a
    request already `checked`.

    A blank body becomes a section template for the note's type. Everything is checked
    before anything is written, so an error leaves the vault as it was.
    The name is `<date>-<slug>.md`, with -2, -3, ... when taken: the file is created
    exclusively, so concurrent writers each get their own name and nothing is overwritten.
    """
    parent_ref = values.parent_ref(request.parent_ref)
    parent_id = (
        catalog.resolver.find(parent_ref, request.cwd_prefix) if parent_ref is not None else None
    )
    return write_note(catalog.vault, request, parent_id)


def write_note(vault: Vault, request: NewNote, parent_id: str | None) -> Created:
    """Write the note a `checked` request asks for under the note `parent_id` (an id,
    resolved). Nothing is written unless the note reads back with exactly that metadata."""
    title = request.title
    date = parse_user_date(request.date) if request.date else dt.date.today().isoformat()
    config = vault.config  # .vault.toml: how this vault writes new notes, when it says
    note_type = request.note_type or (
        default_type(parent_id) if parent_id or not config.default_type else config.default_type
    )
    style, links = new_note_style(vault.root, vault.notes_dir, config)
    yaml_front_matter = request.yaml_front_matter or style == "yaml"
    # Obsidian shows a property as a link, and counts it in its graph and backlinks, only
    # when it is written as one: `parent: "[[folder/Note]]"`.
    _check_parent(vault, parent_id, request.expected_parent_sha256)
    parent = parent_id
    if parent_id and yaml_front_matter and links == "obsidian":
        parent = f"[[{parent_id.removesuffix('.md')}]]"
    tags = tuple(request.tags)
    folder = plan_folder(vault, parent_id)
    text = format_note(
        title=title,
        date=date,
        note_type=note_type,
        parent=parent,
        tags=tags,
        body=request.body if request.body.strip() else supplement_template(note_type),
        yaml_front_matter=yaml_front_matter,
    )
    base = f"{date}-{slugify(title)}"
    style = "yaml" if yaml_front_matter else "headers"
    asked = {"title": title, "date": date, "type": note_type, "parent": parent, "tags": tags}
    title = _reads_back(text, f"{base}.md", style, asked)
    path = _create_unique(folder, base, text)
    return Created(
        id=vault.note_id(path),
        path=str(path),
        title=title,
        date=date,
        type=note_type,
        parent=parent_id,
        commit=None,
    )


def _check_parent(vault: Vault, parent_id: str | None, expected: str | None) -> None:
    """StaleNote when the parent's bytes no longer have the sha256 the writer read: checked
    here, under the lock that writes the note, so no write slips between check and write."""
    from vault.append import check_stale, sha256_of

    if expected is not None and parent_id is not None:
        check_stale(parent_id, sha256_of(read_file(vault.path_of(parent_id))), expected)


def _reads_back(text: str, name: str, style: str, asked: dict[str, object]) -> str:
    """Belt and braces: read the note's text back with the parser every command reads notes
    with, and refuse (InvalidInput naming the field) when any metadata value would read back
    as anything but what was asked, or when keys nobody asked for appear. Whatever a header
    style ever gets wrong, a note's metadata is exactly what was asked, or nothing is written.
    """
    record, got = read_back(text, name)
    for field, want in asked.items():
        if got[field] == want:
            continue
        if field == "title" and style == "headers" and got[field] == plain_text(want):
            # A '# Title' line is Markdown: "The `mv` command" is kept in it as typed and
            # reads as its text, as every title written as a heading does.
            continue
        if field == "tags":
            raise InvalidInput(
                f"tags {values.shown(list(want))}: the note would read them back as "
                f"{values.shown(list(got[field]))}, so nothing was written"
            )
        if field == "title" and style == "headers":
            raise InvalidInput(
                f"title {values.shown(want)}: a '# Title' line reads as "
                f"{values.shown(got[field])} (a closing # is not text); write the title as it "
                "should read, or use YAML front matter"
            )
        if isinstance(want, str) and " ".join(want.split()) == got[field]:
            # Said in words: the CLI's one-line errors show runs of spaces as one.
            raise InvalidInput(
                f"{field} {values.shown(want)}: the note would read it back with its runs of "
                "white space as one space, so nothing was written"
            )
        raise not_read_back(field, want, got[field])
    if record.style != style:
        raise not_in_style(record.style, style)
    if record.meta:
        raise InvalidInput(
            f"metadata: the note would be read with keys nobody asked for "
            f"({', '.join(map(values.shown, record.meta))}), so nothing was written"
        )
    return record.title


def read_back(text: str, name: str) -> tuple[NoteRecord, dict[str, object]]:
    """A note about to be written as every command will read it: its record, and the fields
    a writer names (title, date, type, parent, tags). This module and vault.revise.metadata
    write nothing whose metadata would not read back as asked."""
    record = parse_note(text, name).record
    fields = {
        "title": record.title,
        "date": record.date,
        "type": record.type,
        "parent": record.parent_ref,
        "tags": record.tags,
    }
    return record, fields


def not_read_back(field: str, want: object, have: object) -> InvalidInput:
    return InvalidInput(
        f"{field} {values.shown(want)}: the note would read it back as "
        f"{values.shown(have)}, so nothing was written"
    )


def not_in_style(have: str, want: str) -> InvalidInput:
    return InvalidInput(
        f"metadata: the note would be read as {have!r} metadata, not {want!r}, "
        "so nothing was written"
    )


def _create_unique(folder: Path, base: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(1, MAX_SUFFIX + 1):
        path = folder / (f"{base}.md" if n == 1 else f"{base}-{n}.md")
        try:
            create_exclusive(path, text.encode("utf-8"))
            return path
        except FileExistsError:
            continue
    raise InvalidInput(f"{MAX_SUFFIX} notes named {base}*.md already exist in {folder}")
