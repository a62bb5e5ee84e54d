"""When notes were first committed: the date of notes that carry none of their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vault.errors import GitError
from vault.git.gitpython import gitpython

if TYPE_CHECKING:
    from vault.git.worktree import WorkTree


def first_commit_dates(repo: WorkTree, ids: list[str]) -> dict[str, str]:
    """The date (YYYY-MM-DD) of the commit that added each note, for those git knows."""
    git = gitpython()

    wanted = {repo.path(note_id): note_id for note_id in ids}
    if not wanted:
        return {}
    try:
        out = repo.git.git.log(
            "--diff-filter=A",
            "--no-renames",
            "--format=@%ad",
            "--date=short",
            "--name-only",
            "-z",
            "--",
            repo.spec(repo.vault.root),
        )
    except git.GitCommandError:
        return {}  # e.g. a repository with no commits yet
    except OSError as exc:
        raise GitError(str(exc)) from exc
    found: dict[str, str] = {}
    date = ""
    for chunk in out.replace("\n", "\0").split("\0"):
        chunk = chunk.strip()
        if chunk.startswith("@"):
            date = chunk[1:]
        elif chunk in wanted:
            # git log runs newest first: the last date seen is the first commit.
            found[wanted[chunk]] = date
    return found
