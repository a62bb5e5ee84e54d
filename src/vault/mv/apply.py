"""Carry out a `vault mv` plan: rewrite, move, stage as `git mv` would, commit once.

All files are rewritten first, then moved, then committed; if anything fails before the
commit, every file, the index entries and new folders are put back as they were. Git is
reached only through the vault.repository.Repository protocol.
"""

from __future__ import annotations

import os
from pathlib import Path

from vault.atomic import write_atomic
from vault.catalog import load_catalog
from vault.errors import GitError, NotAGitRepo, VaultError
from vault.locks import write_lock
from vault.model import MoveResult
from vault.mv.plan import MovePlan, plan_diff, plan_move
from vault.repository import Repository, listed_notes
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
) -> MoveResult:
    """Move a note (or a folder of notes) and rewrite every reference to it, as one commit.

    Outside git, only a dry run or --no-commit (plain file moves) is possible. In the middle
    of a rebase, merge, cherry-pick, revert or bisect nothing is written. A note the move
    would commit that holds uncommitted changes stops it (UncommittedChanges), unless
    `include_changes`: the commit would carry those changes too.
    """
    if repo is None and commit and not dry_run:
        raise NotAGitRepo(
            f"{vault.root} is not inside a git work tree, so the move cannot be committed; "
            "run `git init` there, or pass --no-commit to just move the files"
        )
    if repo is not None and not dry_run:
        repo.check_can_commit()  # the move stages even with --no-commit
    with write_lock(vault):
        catalog = load_catalog(vault, repo)
        plan = plan_move(catalog, ref, new_path, cwd)
        result = MoveResult(plan.moves, plan.rewritten_ids(), None, list(plan.warnings))
        if dry_run:
            result.diff = plan_diff(plan)
            return result
        result.commit = apply_plan(
            vault, plan, repo, commit, result.warnings, include_changes=include_changes
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
) -> str | None:
    """Write, move and (in git) stage and commit a plan; the commit's sha or None."""
    touched = sorted(set(plan.moves) | set(plan.edits))
    tracked = repo.tracked(touched) if repo is not None else set()
    if repo is not None and commit and not include_changes:
        _refuse_uncommitted(repo.dirty(sorted(tracked)))
    # The index entries of every touched path, to put back exactly on failure.
    saved_index = repo.save_index(sorted(tracked)) if tracked else ""
    git_moves = [(o, n) for o, n in plan.moves.items() if o in tracked]
    written: list[str] = []
    moved: list[tuple[str, str]] = []
    made_dirs: list[Path] = []
    indexed = False
    try:
        for old_id, (_before, after) in sorted(plan.edits.items()):
            write_atomic(vault.path_of(old_id), after.encode("utf-8"))
            written.append(old_id)
        for old_id, new_id in plan.moves.items():
            made_dirs += _make_folders(vault.path_of(new_id).parent)
            _rename_new(vault.path_of(old_id), vault.path_of(new_id))
            moved.append((old_id, new_id))
        if git_moves:
            indexed = True
            repo.stage_moves(git_moves)
        edited = [i for i in plan.edits if i not in plan.moves and i in tracked]
        paths = [o for o, _ in git_moves] + [n for _, n in git_moves] + edited
        if repo is not None:
            untracked = [plan.moves.get(i, i) for i in touched if i not in tracked]
            if untracked:
                warnings.append(
                    "not tracked by git, so changed on disk only: " + ", ".join(sorted(untracked))
                )
        sha = None
        if repo is not None and paths and commit:
            sha = repo.commit(paths, _move_message(plan), stage=False)
        elif repo is not None and edited:
            indexed = True
            repo.stage(edited)
    except BaseException:
        _undo(vault, plan, repo, written, moved, made_dirs, saved_index if indexed else None)
        raise
    _prune_empty_folders(vault, plan.moves)
    return sha


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


def _prune_empty_folders(vault: Vault, moves: dict[str, str]) -> None:
    """Remove the folders the move emptied (never the notes folder itself)."""
    folders = {vault.path_of(old).parent for old in moves}
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        while folder != vault.notes_dir and vault.notes_dir in folder.parents:
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent


def _make_folders(folder: Path) -> list[Path]:
    """Create `folder` and missing parents; the ones created, outermost first."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for f in reversed(missing):
        f.mkdir()
    return list(reversed(missing))


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


def _undo(vault, plan, repo, written, moved, made_dirs, saved_index) -> None:
    """Put every file and index entry back as it was before the move began."""
    for old_id, new_id in reversed(moved):
        try:
            os.replace(vault.path_of(new_id), vault.path_of(old_id))
        except OSError:
            pass
    for old_id in written:
        try:
            write_atomic(vault.path_of(old_id), plan.edits[old_id][0].encode("utf-8"))
        except OSError:
            pass
    for folder in reversed(made_dirs):
        try:
            folder.rmdir()
        except OSError:
            pass
    if repo is not None and saved_index is not None:
        try:
            repo.restore_index(saved_index, [n for _, n in moved])
        except Exception:  # best effort: the files themselves are already back
            pass


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
