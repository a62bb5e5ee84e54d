"""Create notes: technical supplements under an existing parent, or root notes."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from vault.atomic import create_exclusive
from vault.catalog import Catalog, load_catalog
from vault.errors import GitError, InvalidInput, OutsideVault
from vault.model import Created
from vault.notes import format_note, slugify
from vault.vault import Vault

DEFAULT_SUPPLEMENT_TYPE = "Technical Supplement"
DEFAULT_ROOT_TYPE = "Note"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# How many "-2", "-3", ... suffixes to try before giving up on a name.
MAX_SUFFIX = 1000


def parse_iso_date(text: str, what: str = "date") -> str:
    """Validate a YYYY-MM-DD date given by a user."""
    text = text.strip()
    try:
        if not _ISO_DATE.match(text):
            raise ValueError
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise InvalidInput(f"bad {what} {text!r}: use YYYY-MM-DD, e.g. 2026-02-14") from None


def clean_title(title: str) -> str:
    if "\n" in title or "\r" in title:
        raise InvalidInput("the title must be one line")
    title = " ".join(title.split())
    if not title:
        raise InvalidInput("the title is empty: give --title 'Some title'")
    return title


def plan_folder(catalog: Catalog, parent_id: str | None) -> Path:
    """The folder a new note goes in: its parent's folder, or the notes folder."""
    vault = catalog.vault
    folder = vault.path_of(parent_id).parent if parent_id else vault.notes_dir
    real = Path(os.path.realpath(folder))
    if real != vault.root and vault.root not in real.parents:
        raise OutsideVault(f"{folder} resolves to {real}, outside the vault at {vault.root}")
    return folder


def new_note(
    vault: Vault,
    *,
    commit: bool = True,
    edit: Callable[[Path], None] | None = None,
    **fields,
) -> Created:
    """Create a note (see `create_note` for the fields) and commit it when in git.

    The parent is resolved and the file written under the vault's write lock, on a catalog
    read inside it, so a concurrent `vault mv` of the parent cannot leave the new note pointing
    at the parent's old path. The editor (--edit) runs after the lock is released: a person may
    take minutes there.
    """
    from vault.history import WriteLock

    with WriteLock(vault):
        created = create_note(load_catalog(vault), **fields)
    path = Path(created.path)
    if edit is not None:
        edit(path)
    if commit:
        sha, why = _commit(vault, path, f"vault: add {created.id}")
        created = replace(created, commit=sha, commit_note=why)
    return created


def create_note(
    catalog: Catalog,
    *,
    title: str,
    body: str,
    parent_ref: str | None = None,
    note_type: str | None = None,
    date: str | None = None,
    tags: tuple[str, ...] = (),
    yaml_front_matter: bool = False,
    cwd_prefix: str | None = None,
) -> Created:
    """Write a new note under its parent (not committed: `new_note` does that).

    Everything is checked before anything is written, so an error leaves the vault as it was.
    The name is `<date>-<slug>.md`, with -2, -3, ... when taken: the file is created
    exclusively, so concurrent writers each get their own name and nothing is overwritten.
    """
    title = clean_title(title)
    date = parse_iso_date(date) if date else dt.date.today().isoformat()
    if parent_ref is not None and not parent_ref.strip():
        raise InvalidInput("the parent reference is empty")
    parent_id = catalog.resolver.find(parent_ref, cwd_prefix) if parent_ref is not None else None
    note_type = " ".join((note_type or "").split()) or (
        DEFAULT_SUPPLEMENT_TYPE if parent_id else DEFAULT_ROOT_TYPE
    )
    tags = tuple(t.strip().lstrip("#") for t in tags if t.strip().lstrip("#"))
    folder = plan_folder(catalog, parent_id)
    text = format_note(
        title=title,
        date=date,
        note_type=note_type,
        parent=parent_id,
        tags=tags,
        body=body,
        yaml_front_matter=yaml_front_matter,
    )
    path = _create_unique(folder, f"{date}-{slugify(title)}", text)
    return Created(
        id=catalog.vault.note_id(path),
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


def _commit(vault: Vault, path: Path, message: str) -> tuple[str | None, str]:
    """Commit the new note when the vault is in git; (sha, "") or (None, why not)."""
    from vault.history import commit_files, find_repo

    repo = find_repo(vault.root)
    if repo is None:
        return None, ""
    try:
        return commit_files(repo, vault.ensure_state_dir() / "locks", [path], message), ""
    except GitError as exc:
        return None, str(exc)
