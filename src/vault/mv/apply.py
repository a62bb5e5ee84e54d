"""Carry out a `vault mv` plan: rewrite, move, stage as `git mv` would, commit once.

Before any file is touched, an intent record (vault.intents) says what will move and which
bytes each rewritten note gets; it is removed once the move is done. All files are
rewritten first, then moved, then committed; if anything fails before the commit, or the
process is killed, every file, the index entries and new folders are put back as they were
(vault.mv.recover, here on a failure, by the next vault command after a kill). Git is
reached only through the vault.repository.Repository protocol.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
from pathlib import Path

from vault.atomic import write_atomic
from vault.catalog import catalog_now
from vault.errors import FileFailed, GitError, NotAGitRepo, VaultError
from vault.intents import MoveIntent, NoteEdit, clear_move_record, write_move_record
from vault.locks import write_lock
from vault.model import MoveResult, Provenance
from vault.mv.plan import MovePlan, plan_diff, plan_move
from vault.mv.recover import prune_emptied, undo
from vault.repository import Repository, check_provenance, listed_notes
from vault.vault import Vault

# How many uncommitted notes a refusal names before "and K more".
NAMED = 10


class UncommittedChanges(VaultError):
    """Notes the move would commit hold changes the user has not committed."""


def move(
    vault: Vault,
    ref: str,
    new_path: str,
    cwd: Path,
    repo: Repository | None,
    *,
    dry_run: bool = False,
    commit: bool = True,
    include_changes: bool = False,
    provenance: Provenance | None = None,
) -> MoveResult:
    """Move a note (or a folder of notes) and rewrite every reference to it, as one commit.

    Outside git, only a dry run or --no-commit (plain file moves) is possible. In the middle
    of a rebase, merge, cherry-pick, revert or bisect nothing is written. A note the move
    would commit that holds uncommitted changes stops it (UncommittedChanges), unless
    `include_changes`: the commit would carry those changes too. `provenance` gives the
    commit its trailers.
    """
    check_provenance(provenance)
    if repo is None and commit and not dry_run:
        raise NotAGitRepo(
            f"{vault.root} is not inside a git work tree, so the move cannot be committed; "
            "run `git init` there, or pass --no-commit to just move the files"
        )
    if repo is not None and not dry_run:
        repo.check_can_commit()  # the move stages even with --no-commit
    with write_lock(vault):
        catalog = catalog_now(vault, repo)
        plan = plan_move(catalog, ref, new_path, cwd)
        result = MoveResult(plan.moves, plan.rewritten_ids(), None, list(plan.warnings))
        if dry_run:
            result.diff = plan_diff(plan)
            return result
        result.commit = apply_plan(
            vault,
            plan,
            repo,
            commit,
            result.warnings,
            include_changes=include_changes,
            provenance=provenance,
        )
    return result


def apply_plan(
    vault: Vault,
    plan: MovePlan,
    repo: Repository | None,
    commit: bool,
    warnings: list[str],
    *,
    include_changes: bool = False,
    provenance: Provenance | None = None,
) -> str | None:
    """Write, move and (in git) stage and commit a plan; the commit's sha or None."""
    touched = sorted(set(plan.moves) | set(plan.edits))
    tracked = repo.tracked(touched) if repo is not None else set()
    committing = repo is not None and commit
    if committing and not include_changes:
        _refuse_uncommitted(repo.dirty(sorted(tracked)))
    git_moves = [(o, n) for o, n in plan.moves.items() if o in tracked]
    message = _move_message(plan) if committing else None
    intent = MoveIntent(
        pid=os.getpid(),
        started=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        summary=_summary(plan),
        moves=[[o, n] for o, n in plan.moves.items()],
        edits=[NoteEdit(i, before, after) for i, (before, after) in sorted(plan.edits.items())],
        tracked=sorted(tracked),
        # The index entries of every touched path, to put back exactly on failure.
        index=repo.save_index(sorted(tracked)) if tracked else "",
        head=repo.head() if committing else None,
        message=message,
        new_folders=_new_folders(vault, plan.moves.values()),
    )
    write_move_record(vault, intent)
    _checkpoint("recorded")
    try:
        # Each note is replaced atomically; durability comes from one sync for them all
        # below (an fsync per note costs ~5 ms, 10 s for 2,000 notes): until then the
        # durable record can undo any of them.
        for n, (old_id, (_before, after)) in enumerate(sorted(plan.edits.items())):
            write_atomic(vault.path_of(old_id), after.encode("utf-8"), durable=False)
            _checkpoint("rewrote-first" if n == 0 else "")
        _checkpoint("rewrote-all")
        for folder in intent.new_folders:
            vault.path_of(folder).mkdir(exist_ok=True)
        for n, (old_id, new_id) in enumerate(plan.moves.items()):
            _rename_new(vault.path_of(old_id), vault.path_of(new_id))
            _checkpoint("moved-first" if n == 0 else "")
        os.sync()
        if git_moves:
            repo.stage_moves(git_moves)
            _checkpoint("staged")
        edited = [i for i in plan.edits if i not in plan.moves and i in tracked]
        paths = [o for o, _ in git_moves] + [n for _, n in git_moves] + edited
        if repo is not None:
            untracked = [plan.moves.get(i, i) for i in touched if i not in tracked]
            if untracked:
                warnings.append(
                    "not tracked by git, so changed on disk only: " + ", ".join(sorted(untracked))
                )
        sha = None
        if committing and paths:
            sha = repo.commit(paths, message, stage=False, provenance=provenance)
            _checkpoint("committed")
        elif repo is not None and edited:
            repo.stage(edited)
    except BaseException as exc:
        undo(vault, intent, repo)
        clear_move_record(vault)
        if isinstance(exc, OSError) and not isinstance(exc, VaultError):
            # A full disk, a read-only folder: one line, and the move undone.
            where = exc.filename or vault.notes_dir
            raise FileFailed("move", where, exc) from exc
        raise
    prune_emptied(vault, list(plan.moves))
    clear_move_record(vault)
    return sha


def _checkpoint(event: str) -> None:
    """Where the crash tests kill a move: with VAULT_TEST_KILL_AT=<event> in the
    environment this process dies by SIGKILL right there, as if killed from outside."""
    if event and os.environ.get("VAULT_TEST_KILL_AT") == event:
        os.kill(os.getpid(), signal.SIGKILL)


def _refuse_uncommitted(dirty: set[str]) -> None:
    if not dirty:
        return
    names = sorted(dirty)
    shown = ", ".join(names[:NAMED])
    if len(names) > NAMED:
        shown += f" and {len(names) - NAMED} more"
    raise UncommittedChanges(
        f"{shown} {'has' if len(names) == 1 else 'have'} changes that are not committed, "
        "and the move would commit them with it; commit or stash them first, or pass "
        "--include-changes to commit them with the move"
    )


def _new_folders(vault: Vault, new_ids) -> list[str]:
    """The folders (ids) the moves will create, outermost first."""
    out: list[str] = []
    for new_id in new_ids:
        missing = []
        folder = vault.path_of(new_id).parent
        while not folder.exists():
            missing.append(vault.note_id(folder))
            folder = folder.parent
        out += [f for f in reversed(missing) if f not in out]
    return sorted(out, key=lambda f: (f.count("/"), f))


def _rename_new(src: Path, dst: Path) -> None:
    """Rename without ever replacing a file that appeared at `dst` meanwhile."""
    try:
        os.link(src, dst)
    except FileExistsError:
        raise GitError(f"{dst} appeared while moving; nothing was moved") from None
    except OSError:
        if os.path.lexists(dst):
            raise GitError(f"{dst} appeared while moving; nothing was moved") from None
        os.rename(src, dst)
        return
    os.unlink(src)


def _summary(plan: MovePlan) -> str:
    items = list(plan.moves.items())
    if len(items) == 1:
        return f"{items[0][0]} -> {items[0][1]}"
    src = os.path.commonpath([o for o, _ in items])
    dst = os.path.commonpath([n for _, n in items])
    return f"{src}/ -> {dst}/ ({len(items)} notes)"


def _move_message(plan: MovePlan) -> str:
    """The commit's message: what moved, then the notes whose references were rewritten
    (the first ones by name, then how many more: bounded however many there are)."""
    subject = f"vault: move {_summary(plan)}"
    others = [i for i in plan.rewritten_ids() if i not in plan.moves.values()]
    if not others:
        return subject
    return subject + "\n\nReferences rewritten in:\n" + listed_notes(others)
