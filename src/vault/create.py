"""Create notes: technical supplements under an existing parent, or root notes."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from vault.atomic import create_exclusive
from vault.catalog import Catalog, load_catalog
from vault.errors import BadOption, GitError, InvalidInput, OutsideVault
from vault.locks import write_lock
from vault.model import Created, NewNote
from vault.notes import format_note, slugify, supplement_template
from vault.repository import Repository
from vault.text import parse_user_date
from vault.vault import Vault, existing_note

DEFAULT_SUPPLEMENT_TYPE = "Technical Supplement"
DEFAULT_ROOT_TYPE = "Note"
# How many "-2", "-3", ... suffixes to try before giving up on a name.
MAX_SUFFIX = 1000


def default_type(parent_id: str | None) -> str:
    """The type of a new note given none: a supplement under a parent, else a plain note."""
    return DEFAULT_SUPPLEMENT_TYPE if parent_id else DEFAULT_ROOT_TYPE


def clean_title(title: str) -> str:
    if "\n" in title or "\r" in title:
        raise InvalidInput("the title must be one line")
    title = " ".join(title.split())
    if not title:
        raise BadOption("title", lambda n: f"the title is empty: give {n('title')} 'Some title'")
    return title


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
    at the parent's old path. The editor (--edit) runs after the lock is released: a person may
    take minutes there.

    In the middle of a rebase, merge, cherry-pick, revert or bisect nothing is written (a
    commit then could be lost); a commit that fails (a hook, no identity, no git) leaves
    the note written, unstaged, with `commit_note` saying why.
    """
    if commit and repo is not None:
        repo.check_can_commit()
    with write_lock(vault):
        ref = request.parent_ref
        if ref is None or existing_note(vault, ref.strip()):
            # No parent, or its exact id (what agents pass), needs no catalog: at 100,000
            # notes the walk and the resolver would be nearly all of the command's time.
            created = write_note(vault, request, ref.strip() if ref is not None else None)
        else:
            created = create_note(load_catalog(vault, repo), request)
    path = Path(created.path)
    if edit is not None:
        edit(path)
    if commit and repo is not None:
        try:
            sha = repo.commit([created.id], f"vault: add {created.id}")
            created = replace(created, commit=sha)
        except GitError as exc:
            created = replace(created, commit_note=str(exc))
    return created


def create_note(catalog: Catalog, request: NewNote) -> Created:
    """Write a new note under its parent (not committed: `new_note` does that).

    A blank body becomes a section template for the note's type. Everything is checked
    before anything is written, so an error leaves the vault as it was.
    The name is `<date>-<slug>.md`, with -2, -3, ... when taken: the file is created
    exclusively, so concurrent writers each get their own name and nothing is overwritten.
    """
    parent_ref = request.parent_ref
    if parent_ref is not None and not parent_ref.strip():
        raise InvalidInput("the parent reference is empty")
    parent_id = (
        catalog.resolver.find(parent_ref, request.cwd_prefix) if parent_ref is not None else None
    )
    return write_note(catalog.vault, request, parent_id)


def write_note(vault: Vault, request: NewNote, parent_id: str | None) -> Created:
    """Write the note `request` asks for under the note `parent_id` (an id, resolved)."""
    title = clean_title(request.title)
    date = parse_user_date(request.date) if request.date else dt.date.today().isoformat()
    note_type = " ".join((request.note_type or "").split()) or default_type(parent_id)
    tags = tuple(t.strip().lstrip("#") for t in request.tags if t.strip().lstrip("#"))
    folder = plan_folder(vault, parent_id)
    text = format_note(
        title=title,
        date=date,
        note_type=note_type,
        parent=parent_id,
        tags=tags,
        body=request.body if request.body.strip() else supplement_template(note_type),
        yaml_front_matter=request.yaml_front_matter,
    )
    path = _create_unique(folder, f"{date}-{slugify(title)}", text)
    return Created(
        id=vault.note_id(path),
        path=str(path),
        title=title,
        date=date,
        type=note_type,
        parent=parent_id,
        commit=None,
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
