"""`vault restore`: a removed note brought back from the commit before its removal, or an
older version of a living note put back (hash-guarded like any write). Git history is read
through the Repository protocol."""

from __future__ import annotations

from vault.append import sha256_of
from vault.atomic import create_exclusive
from vault.catalog import Catalog
from vault.errors import AmbiguousRef, GitError, InvalidInput, NotCommitted, StaleLock
from vault.locks import write_lock
from vault.model import Removed, Revised, ReviseRequest
from vault.repository import Repository, check_provenance
from vault.revise.guard import Change, revise
from vault.vault import Vault, stem_of


def restore_version(
    vault: Vault, repo: Repository, request: ReviseRequest, at: str, *, commit: bool = True
) -> Revised:
    """Put back the note as it was at `at` (a revision or a date), guarded and committed."""

    def plan(catalog: Catalog, note_id: str, data: bytes) -> Change:
        # As `show --at` finds it: followed through the note's renames, so a version from
        # before a `vault mv` is put back under the note's name now.
        then = repo.version(note_id, at)
        return Change(then.data, restored_from=then.commit)

    return revise(vault, repo, request, "restore", plan, "restore", commit=commit)


def removed_note(repo: Repository, ref: str) -> tuple[str, str]:
    """(id, sha of the commit that removed it) of the removed note `ref` names: its id, a
    path ending so, or its file stem."""
    removals = repo.removals()
    want = ref.strip().removeprefix("./")
    if want in removals:
        return want, removals[want]
    stem = stem_of(want)
    found = [i for i in removals if i.endswith("/" + want) or stem_of(i) == stem]
    if len(found) > 1:
        raise AmbiguousRef(ref, sorted(found))
    if not found:
        raise InvalidInput(
            f"no removed note matches {ref!r} in git's history (and no living note does); "
            "give the id it had (see `git log --diff-filter=D --name-only`)"
        )
    return found[0], removals[found[0]]


def restore_removed(
    vault: Vault, repo: Repository, request: ReviseRequest, *, commit: bool = True
) -> Removed:
    """Bring back a removed note as it was just before the commit that removed it, under
    its old name, and commit it. Refused when a file has that name now."""
    check_provenance(request.provenance)
    with write_lock(vault):
        note_id, removal = removed_note(repo, request.ref)
        path = vault.path_of(note_id)
        if path.exists() or path.is_symlink():
            raise InvalidInput(
                f"{note_id} exists; to put back an older version give --at REV or DATE"
            )
        rev = repo.revision(note_id, removal + "^")
        data = repo.note_at(note_id, rev)
        if data is None:
            raise InvalidInput(f"{note_id} is not in the commit before {removal[:10]}")
        if commit:
            repo.check_can_commit()
        path.parent.mkdir(parents=True, exist_ok=True)
        create_exclusive(path, data)
        sha, note = None, ""
        if commit:
            try:
                message = f"vault: restore {note_id} (removed in {removal[:10]})"
                sha = repo.commit([note_id], message, provenance=request.provenance)
            except StaleLock as exc:  # fails every command until removed: exit non-zero
                raise NotCommitted(note_id, exc, "restored") from exc
            except GitError as exc:
                note = str(exc)
    return Removed(
        note_id, str(path), (), sha, restored_from=rev, sha256=sha256_of(data), commit_note=note
    )


def restore_note(
    vault: Vault, repo: Repository, request: ReviseRequest, at: str | None, *, commit: bool = True
) -> Revised | Removed:
    """`vault restore`: an older version of a living note with `at`, else a removed note."""
    if at is not None:
        return restore_version(vault, repo, request, at, commit=commit)
    return restore_removed(vault, repo, request, commit=commit)
