"""Finish a rebase that stopped on conflicting notes, losing no byte and committing no marker.

During `git rebase`, stage 2 ("ours") is the remote side (what is being rebased onto, plus
the local commits already replayed) and stage 3 ("theirs") is the local commit being
replayed; stage 1 is their common base. For each conflicted note:

- both sides only appended to the base (vault's most common write): the remote text, then
  the local addition, so the additions read in the order of their commits;
- one side deleted the note, the other changed it: the changed side is kept;
- anything else (front matter, header lines, the same paragraph): the local version stays at
  the note's path and the remote one is kept beside it as a conflict copy
  (vault.conflict_files), both committed.

Merge drivers from the repository's config are switched off for an untrusted repository
(vault.git.trust), so this is done here, in Python, and never by a `.gitattributes` driver.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime

from vault.atomic import write_atomic
from vault.conflict_files import conflict_copy_name, refusal
from vault.errors import GitError
from vault.git.gitpython import gitpython
from vault.git.repo import GitRepository, operation_in_progress

# A rebase replays one local commit at a time; this many stops on conflicts is more than any
# sync's local commits could cause, and ends a loop that would otherwise never end.
MAX_STOPS = 10_000


@dataclass
class Resolved:
    """What finishing the rebase did."""

    # Ids of notes whose appends on both sides were joined.
    merged: set[str] = field(default_factory=set)
    # (note id, id of the conflict copy holding the remote version), in the order made.
    copies: list[tuple[str, str]] = field(default_factory=list)


def finish_rebase(repo: GitRepository, stopped: GitError) -> Resolved:
    """Resolve every conflicted note of the stopped rebase and continue it, until it ends.

    A conflict in a file that is not a note, or a stop that is not a conflict, aborts the
    rebase (the repository is as before the pull) and raises GitError.
    """
    done = Resolved()
    when = datetime.now(UTC)
    host = socket.gethostname()
    error = stopped
    for _ in range(MAX_STOPS):
        stages = _unmerged(repo)
        if not stages:
            _abort(repo)
            raise GitError(f"{error} (the rebase was aborted; nothing was pushed)")
        others = sorted(p for p in stages if repo.note_id(p) is None)
        if others:
            _abort(repo)
            raise ConflictOutsideNotes([repo.vault_path(p) for p in others])
        written: list[str] = []
        for path, by_stage in sorted(stages.items()):
            written += _resolve(repo, path, by_stage, host, when, done)
        refuse_markers(repo, written, during_rebase=True)
        repo.run("add", "--all", paths=written)
        try:
            repo.run("rebase", "--continue", env={"GIT_EDITOR": "true"})
        except GitError as exc:
            if operation_in_progress(repo.git_dir()) is None:
                raise
            error = exc  # the next local commit stopped too
            continue
        if operation_in_progress(repo.git_dir()) is None:
            return done
    _abort(repo)
    raise GitError("the rebase kept stopping on conflicts; it was aborted, nothing was pushed")


class ConflictOutsideNotes(GitError):
    """A file that is not a note changed both here and on the remote."""

    def __init__(self, ids: list[str]):
        self.ids = ids
        super().__init__(", ".join(ids))


def _resolve(
    repo: GitRepository,
    path: str,
    by_stage: dict[int, str],
    host: str,
    when: datetime,
    done: Resolved,
) -> list[str]:
    """Write the resolution of one conflicted note; the paths written (or removed)."""
    base, remote, local = (_blob(repo, by_stage.get(n)) for n in (1, 2, 3))
    target = repo.top / path
    note = repo.vault_path(path)
    if remote is None and local is None:
        target.unlink(missing_ok=True)  # deleted on both sides: nothing to keep
        return [path]
    if remote is None or local is None:
        write_atomic(target, remote if local is None else local)  # the side that changed
        return [path]
    if base and remote.startswith(base) and local.startswith(base):
        write_atomic(target, remote + local[len(base) :])
        done.merged.add(note)
        return [path]
    copy = conflict_copy_name(path, host, when)
    n = 1
    while (repo.top / copy).exists():
        n += 1
        copy = conflict_copy_name(path, host, when)[: -len(".md")] + f"-{n}.md"
    write_atomic(target, local)
    write_atomic(repo.top / copy, remote)
    done.copies.append((note, repo.vault_path(copy)))
    return [path, copy]


def _unmerged(repo: GitRepository) -> dict[str, dict[int, str]]:
    """Conflicted path -> {stage: blob sha}."""
    out = repo.git.git.ls_files("-u", "-z")
    stages: dict[str, dict[int, str]] = {}
    for entry in out.split("\0"):
        if "\t" not in entry:
            continue
        info, path = entry.split("\t", 1)
        _, sha, stage = info.split()
        stages.setdefault(path, {})[int(stage)] = sha
    return stages


def _blob(repo: GitRepository, sha: str | None) -> bytes | None:
    if sha is None:
        return None
    return repo.git.git.execute(
        ["git", "cat-file", "blob", sha], stdout_as_string=False, strip_newline_in_stdout=False
    )


def _abort(repo: GitRepository) -> None:
    try:
        repo.git.git.rebase("--abort")
    except gitpython().GitCommandError:
        pass


def refuse_markers(repo: GitRepository, paths: list[str], *, during_rebase: bool = False) -> None:
    """GitError when a file about to be committed holds conflict markers (a rebase in
    progress is aborted first): vault never commits one."""
    for path in paths:
        try:
            data = (repo.top / path).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            continue  # a deletion commits no text
        why = refusal(repo.vault_path(path), data)
        if why:
            if during_rebase:
                _abort(repo)
            raise GitError(why)
