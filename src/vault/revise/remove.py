"""`vault rm`: a note taken out of the vault in one commit of its own, so `vault restore`
can bring it back; refused while other notes link to it or name it as their Parent."""

from __future__ import annotations

from vault.append import check_sha256, check_stale, sha256_of
from vault.catalog import catalog_now
from vault.errors import GitError, InvalidInput, NotCommitted, StaleLock
from vault.locks import write_lock
from vault.model import Removed, ReviseRequest
from vault.references import backlinks
from vault.repository import Repository, check_provenance
from vault.vault import Vault

# How many referring notes an error names before summarising the rest.
REFERRERS_SHOWN = 20


def remove_note(
    vault: Vault,
    repo: Repository | None,
    request: ReviseRequest,
    *,
    force: bool = False,
    commit: bool = True,
) -> Removed:
    """Delete one note and commit the deletion. Refused, with nothing changed, while other
    notes refer to it (unless `force`), when its hash is not the expected one, or when what
    is on disk is not all in git (it could not be restored), unless `force`."""
    expected = check_sha256(request.expected_sha256)
    check_provenance(request.provenance)
    with write_lock(vault):
        catalog = catalog_now(vault, repo)
        note_id = catalog.resolver.find(request.ref, request.cwd_prefix)
        path = vault.path_of(note_id)
        check_stale(note_id, sha256_of(path.read_bytes()), expected)
        referrers = tuple(dict.fromkeys(b.id for b in backlinks(catalog, note_id)))
        if referrers and not force:
            named = ", ".join(referrers[:REFERRERS_SHOWN])
            more = len(referrers) - REFERRERS_SHOWN
            raise InvalidInput(
                f"{note_id} is referred to by {len(referrers)} other note(s) ({named}"
                + (f" and {more} more" if more > 0 else "")
                + "); change them first (vault backlinks lists the lines), or give --force; "
                "nothing was removed"
            )
        if not force:
            _check_recoverable(repo, note_id, commit)
        if commit and repo is not None:
            repo.check_can_commit()
        path.unlink()
        sha, note = None, ""
        if commit and repo is not None:
            try:
                sha = repo.commit(
                    [note_id], f"vault: remove {note_id}", provenance=request.provenance
                )
            except StaleLock as exc:  # fails every command until removed: exit non-zero
                raise NotCommitted(note_id, exc, "removed") from exc
            except GitError as exc:
                note = str(exc)
    return Removed(note_id, str(path), referrers, sha, commit_note=note)


def _check_recoverable(repo: Repository | None, note_id: str, commit: bool) -> None:
    """InvalidInput unless git holds the note exactly as it is on disk (so the removal's
    commit is all `vault restore` needs)."""
    if repo is None:
        raise InvalidInput(
            f"the vault is not in git, so nothing could bring {note_id} back; give --force "
            "to remove it anyway"
        )
    if not commit:
        return  # the user commits (or not) the removal themselves
    if note_id not in repo.tracked([note_id]) or repo.dirty([note_id]):
        raise InvalidInput(
            f"{note_id} has changes git does not hold, which `vault restore` could not bring "
            "back; commit them first, or give --force; nothing was removed"
        )
