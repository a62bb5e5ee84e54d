"""The human forms of the operations over many notes: what `vault mv` and `vault sync`
print, and what recovering an interrupted move did (the rest is vault.render.text)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vault.render.text import NAMED, shown
from vault.render.words import named, plural

if TYPE_CHECKING:
    from vault.model import MoveResult, SyncResult
    from vault.mv.recover import Recovery


def move_summary(result: MoveResult, moved: str, rewrote: str) -> str:
    return (
        f"{moved} {plural(len(result.moves), 'note')}; "
        f"{rewrote} references in {plural(len(result.rewritten), 'note')}"
    )


def move_lines(result: MoveResult) -> list[str]:
    """`mv` on stdout: "old -> new", one line a note moved."""
    return [f"{shown(old)} -> {shown(new)}" for old, new in result.moves.items()]


def move_status(result: MoveResult, dry_run: bool, no_commit: bool) -> list[str]:
    """The lines `mv` ends with on stderr: how many notes moved and were rewritten (or
    would be, with --dry-run), then the commit, or why there is none."""
    if dry_run:
        return [move_summary(result, "would move", "would rewrite")]
    lines = [move_summary(result, "moved", "rewrote")]
    if result.commit:
        lines.append(f"committed {result.commit[:10]}")
    elif no_commit:
        lines.append("not committed (--no-commit); in git, review with `git diff --cached`")
    return lines


def sync_committed(result: SyncResult) -> str:
    """The line `sync` starts with on stderr when it committed local changes."""
    return f"committed local changes as {result.committed[:10]}"


def sync_summary(result: SyncResult) -> list[str]:
    """The lines `sync` ends with on stderr, after the ids it pulled (on stdout): what came
    from the remote, and whether the push sent anything."""
    where = f"{result.remote}/{result.branch}"
    if result.dry_run:
        return _sync_plan(result, where)
    if result.pulled:
        pulled = f"pulled {plural(len(result.pulled), 'changed note')} from {where}"
    else:
        pulled = f"nothing new on {where}"
    lines = [pulled]
    lines += [
        f"joined appends made here and on {result.remote} to {shown(i)}" for i in result.merged
    ]
    lines += [
        f"conflict: {shown(note)} changed here and on {result.remote}; kept this machine's "
        f"version, and {result.remote}'s in {shown(copy)} (remove one when you have compared "
        "them)"
        for note, copy in result.conflicts
    ]
    if result.pushed:
        n = result.retries
        tries = f" after {n} retr{'y' if n == 1 else 'ies'}" if n else ""
        lines.append(f"pushed to {where}{tries}")
    else:
        lines.append(f"{where} already has everything")
    return lines


def _sync_plan(result: SyncResult, where: str) -> list[str]:
    """`sync --dry-run`: what a sync would do."""
    lines = ["dry run: nothing was committed, pulled or pushed"]
    if result.pending:
        lines.append(f"would commit {plural(len(result.pending), 'change')}:")
        lines += [f"  {shown(i)}" for i in result.pending]
    if result.pulled:
        lines.append(f"would pull {plural(len(result.pulled), 'changed note')} from {where}")
    else:
        lines.append(f"nothing new on {where}")
    commits = len(result.outgoing) + (1 if result.pending else 0)
    if commits:
        lines.append(f"would push {plural(commits, 'commit')} to {where}")
    else:
        lines.append(f"{where} already has everything")
    return lines


def recovery_text(r: Recovery) -> str:
    """One line (stderr, after "vault: ") on an interrupted `vault mv` finished or undone."""
    if r.commit is not None:
        return f"finished an interrupted {r.move}: it had committed {r.commit[:10]}"
    done = r.undone
    line = (
        f"undid an interrupted {r.move}: {plural(done.restored, 'note')} restored, "
        f"{plural(done.moved_back, 'note')} moved back"
    )
    if done.kept:
        line += f"; left as they are, changed since: {named(done.kept, NAMED)}"
    if done.index_problem:
        line += f"; git's index could not be restored ({done.index_problem}): check `git status`"
    return line + "; run the move again"
