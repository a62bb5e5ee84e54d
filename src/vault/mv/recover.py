"""Finish or undo a `vault mv` that did not end: killed, or failed partway.

Every vault command calls `recover` as it starts (one stat when there is nothing to do).
What is safe decides which way it goes:

- the move's commit exists: everything it wrote is in that commit, so it is finished (its
  emptied folders and temp files removed);
- otherwise it is undone: each moved note goes back, each rewritten note gets its old text
  back, and git's index entries are restored. A note is changed only when it holds
  exactly the bytes the move wrote (its digest in the record): a note someone edited
  after the crash is left as it is and named, so no byte anyone wrote is lost.

Undoing twice is the same as once, so a recovery that is itself killed is simply run again.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from vault.atomic import write_atomic
from vault.errors import GitError, VaultBusy, VaultError
from vault.intents import MoveIntent, clear_move_record, digest, pending_move, read_move_record
from vault.locks import write_lock
from vault.repository import Repository
from vault.vault import Vault


@dataclass
class Undone:
    """What an undo did."""

    # Notes given their old text back, and notes moved back.
    restored: int = 0
    moved_back: int = 0
    # Notes left as they were because someone changed them after the move wrote them.
    kept: list[str] = field(default_factory=list)
    # Why git's index could not be put back, if it could not.
    index_problem: str = ""


@dataclass
class Recovery:
    """What recovering an interrupted move did (vault.render.recovery_text words it)."""

    # The move as every message about it names it:
    # "`vault mv a.md -> b/a.md` (process 4242, started 2026-11-24T10:00:00+00:00)".
    move: str
    # The move's commit, when it had made one: the move was finished, not undone.
    commit: str | None = None
    # What the undo did, when it was undone.
    undone: Undone | None = None


def recover(vault: Vault, open_repo: Callable[[Vault], Repository | None]) -> Recovery | None:
    """Finish or undo an interrupted `vault mv` of this vault, under its write lock; what
    was done, or None when there was nothing to do. `open_repo` opens the repository (only
    called when there is a record)."""
    if not pending_move(vault):
        return None
    try:
        # Not waiting: whoever holds the lock is alive, so the record is theirs (a move in
        # progress, or a recovery) -- and it may be a git hook of that very move running
        # vault, which waiting would deadlock. A writer meets the record under the lock.
        with write_lock(vault, timeout=0, recovering=True):
            return _recover_locked(vault, open_repo)
    except VaultBusy:
        return None


def _recover_locked(
    vault: Vault, open_repo: Callable[[Vault], Repository | None]
) -> Recovery | None:
    try:
        intent = read_move_record(vault)
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise VaultError(
            f"the record of an interrupted `vault mv` cannot be read ({exc}); look at "
            f"{vault.state_dir}, then delete it to go on"
        ) from None
    if intent is None:
        return None  # the move finished in between
    repo = open_repo(vault) if (intent.tracked or intent.message) else None
    return _recover(vault, intent, repo)


def _recover(vault: Vault, intent: MoveIntent, repo: Repository | None) -> Recovery:
    what = f"`vault mv {intent.summary}` (process {intent.pid}, started {intent.started})"
    sha = None
    if intent.message is not None:
        if repo is None:
            raise GitError(
                f"an interrupted {what} cannot be finished or undone outside its git "
                "repository; run vault where the repository is"
            )
        try:
            sha = repo.find_commit(intent.head, intent.message)
        except GitError as exc:
            raise GitError(f"an interrupted {what} needs git to be recovered: {exc}") from None
    if sha is not None:
        finish(vault, intent)
        clear_move_record(vault)
        return Recovery(what, commit=sha)
    done = undo(vault, intent, repo)
    clear_move_record(vault)
    return Recovery(what, undone=done)


def finish(vault: Vault, intent: MoveIntent) -> None:
    """The move's commit exists: tidy what the killed process left (temp files, the
    folders it emptied)."""
    _remove_temp_files(vault, intent)
    prune_emptied(vault, [old for old, _ in intent.moves])


def undo(vault: Vault, intent: MoveIntent, repo: Repository | None) -> Undone:
    """Put every note the move touched back as it was, except notes changed since."""
    done = Undone()
    for old, new in reversed(intent.moves):
        src, dst = vault.path_of(new), vault.path_of(old)
        if not os.path.lexists(src):
            continue  # never moved
        if os.path.lexists(dst):
            if _same_file(src, dst):
                os.unlink(src)  # killed between linking the new name and unlinking the old
            else:
                done.kept.append(new)  # something else took the old name meanwhile
            continue
        _rename_back(src, dst)
        done.moved_back += 1
    for edit in intent.edits:
        path = vault.path_of(edit.id)
        try:
            data = path.read_bytes()
        except OSError:
            continue  # gone, or not back at this name: nothing of the move's to undo
        now = digest(data)
        if now == edit.after_sha256:
            write_atomic(path, edit.before.encode("utf-8"), durable=False)
            done.restored += 1
        elif now != edit.before_sha256:
            done.kept.append(edit.id)
    _remove_temp_files(vault, intent)
    for folder in reversed(intent.new_folders):
        try:
            vault.path_of(folder).rmdir()
        except OSError:
            pass  # not empty, or already gone
    os.sync()  # every note back on disk before the record can go (one sync, not one per note)
    if repo is not None and intent.tracked:
        tracked = set(intent.tracked)
        added = [new for old, new in intent.moves if old in tracked]
        try:
            repo.restore_index(intent.index, added)
        except (GitError, OSError) as exc:
            done.index_problem = str(exc)
    done.kept = sorted(set(done.kept))
    return done


def prune_emptied(vault: Vault, old_ids: list[str]) -> None:
    """Remove the folders the move emptied (never the notes folder itself)."""
    folders = {vault.path_of(old).parent for old in old_ids}
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        while folder != vault.notes_dir and vault.notes_dir in folder.parents:
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent


def _remove_temp_files(vault: Vault, intent: MoveIntent) -> None:
    """The temporary files the moving process was writing when it died, named as
    vault.atomic names them (".<name>.<pid>.tmp" beside the note)."""
    if intent.pid == os.getpid():
        return  # this process: write_atomic already removed its own
    for note_id in {i for pair in intent.moves for i in pair} | {e.id for e in intent.edits}:
        path = vault.path_of(note_id)
        tmp = path.with_name(f".{path.name}.{intent.pid}.tmp")
        try:
            tmp.unlink()
        except OSError:
            pass


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _rename_back(src: Path, dst: Path) -> None:
    """Rename without replacing anything at `dst` (checked just before: under the lock)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        os.rename(src, dst)
        return
    os.unlink(src)
