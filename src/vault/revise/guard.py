"""The one path every revising write takes: resolve the note under the write lock, check the
hash the caller read, compute the new bytes, refuse during a rebase (or merge, ...), write
atomically, commit with provenance. Each verb supplies only its change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vault.append import check_sha256, check_stale, real_path, sha256_of
from vault.atomic import write_atomic
from vault.catalog import Catalog, catalog_now
from vault.errors import GitError, NotCommitted, StaleLock
from vault.locks import write_lock
from vault.model import Revised, ReviseRequest
from vault.repository import Repository, check_provenance
from vault.vault import Vault


@dataclass(frozen=True, slots=True)
class Change:
    """What a verb makes of a note's bytes."""

    data: bytes
    # 1-based line where the change starts, when that means something.
    line: int | None = None
    # The metadata keys written or taken out.
    keys: tuple[str, ...] = ()
    # The commit the bytes come from (restore).
    restored_from: str | None = None


# (catalog, note id, the note's bytes) -> the change; raises VaultError to refuse it.
Planner = Callable[[Catalog, str, bytes], Change]


def revise(
    vault: Vault,
    repo: Repository | None,
    request: ReviseRequest,
    action: str,
    plan: Planner,
    message: str,
    *,
    commit: bool = True,
) -> Revised:
    """Change one note as `plan` says (`action` names the verb in the result, `message`
    in the commit: "vault: <message> <id>"); everything is checked before anything is written,
    so a refusal leaves the note as it was. A commit that fails (a hook) leaves the note
    written, with `commit_note` saying why; a stale index.lock raises NotCommitted."""
    expected = check_sha256(request.expected_sha256)
    check_provenance(request.provenance)
    with write_lock(vault):
        if commit and repo is not None:
            repo.check_can_commit()  # before anything else: nothing is written then
        catalog = catalog_now(vault, repo)
        note_id = catalog.resolver.find(request.ref, request.cwd_prefix)
        target = real_path(vault, note_id)
        data = target.read_bytes()
        check_stale(note_id, sha256_of(data), expected)
        change = plan(catalog, note_id, data)
        changed = change.data != data
        sha, note = None, ""
        if changed:  # the note already reads so: nothing to write, no empty commit
            write_atomic(target, change.data)
            sha, note = _committed(
                vault, repo, [target], f"vault: {message} {note_id}", request, commit
            )
    return Revised(
        id=note_id,
        path=str(target),
        action=action,
        line=change.line,
        keys=change.keys,
        sha256=sha256_of(change.data),
        commit=sha,
        restored_from=change.restored_from,
        changed=changed,
        commit_note=note,
    )


def _committed(
    vault: Vault,
    repo: Repository | None,
    paths: list[Path],
    message: str,
    request: ReviseRequest,
    commit: bool,
) -> tuple[str | None, str]:
    """(the commit's sha or None, why there is none when one was wanted)."""
    if not commit or repo is None:
        return None, ""
    ids = [vault.note_id(p) for p in paths]
    try:
        return repo.commit(ids, message, provenance=request.provenance), ""
    except StaleLock as exc:  # fails every command until removed: exit non-zero
        raise NotCommitted(", ".join(ids), exc) from exc
    except GitError as exc:
        return None, str(exc)
