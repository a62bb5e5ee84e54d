"""`vault log`: the history of the vault, or of one note through its renames."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from vault.errors import GitError, InvalidInput
from vault.git.gitpython import gitpython
from vault.git.messages import git_message
from vault.model import LogEntry

if TYPE_CHECKING:
    from vault.git.worktree import WorkTree

_RELATIVE = re.compile(r"^(\d+)\s*(second|minute|hour|day|week|month|year)s?\s+ago$", re.I)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?$")


def since_args(repo: WorkTree, since: str, what: str = "--since") -> list[str]:
    """git log arguments for "changed since": a date (YYYY-MM-DD[THH:MM]), a phrase like
    "3 days ago", "yesterday" or "today", else a commit (sha, tag, branch, HEAD~3), which
    selects the commits after it."""
    git = gitpython()

    text = since.strip()
    if _ISO.match(text):
        try:
            day = dt.datetime.fromisoformat(text.replace(" ", "T"))
        except ValueError:
            raise InvalidInput(f"{what}: {text!r} is not a real date") from None
        return [f"--since={day.isoformat()}"]
    if _RELATIVE.match(text):
        return [f"--since={text}"]
    if text.lower() in ("today", "yesterday"):
        day = dt.date.today() - dt.timedelta(days=1 if text.lower() == "yesterday" else 0)
        return [f"--since={day.isoformat()}T00:00:00"]
    try:
        sha = repo.git.git.rev_parse("--verify", "--quiet", f"{text}^{{commit}}")
    except git.GitCommandError:
        sha = ""
    if not sha or text.startswith("-"):
        raise InvalidInput(
            f"{what}: {text!r} is not a date (YYYY-MM-DD), 'N days ago', or a commit in this "
            "repository"
        )
    return [f"{sha}..HEAD"]


def log_entries(
    repo: WorkTree,
    note_id: str | None = None,
    *,
    since: str | None = None,
    author: str | None = None,
    limit: int | None = None,
    what: str = "--since",
) -> list[LogEntry]:
    """Commits touching the notes folder, newest first; with `note_id`, that note's history
    through its renames (git log --follow)."""
    git = gitpython()

    if not repo.has_commits():
        return []
    scope = since_args(repo, since, what) if since else []
    if note_id is not None:
        paths = ["--follow", "--", repo.path(note_id)]
    else:
        paths = ["--", repo.notes_spec]
    count = [f"--max-count={max(0, limit)}"] if limit is not None else []
    fmt = "--format=%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%B%x1f"
    log = repo.git.git.log
    try:
        if not author:
            out = log(fmt, "--name-status", "-z", "-M", *scope, *count, *paths)
            return _parse_log(out, repo)
        # Fixed string, any case: `--author claude` finds "Claude <claude@...>". The commits
        # of other authors are still read, for the renames that give notes their names now.
        who = [f"--author={author}", "--fixed-strings", "--regexp-ignore-case"]
        wanted = set(log("--format=%H", *who, *scope, *count, *paths).split())
        if not wanted:
            return []
        out = log(fmt, "--name-status", "-z", "-M", *scope, *paths)
    except git.GitCommandError as exc:
        raise GitError(git_message(exc)) from exc
    return [e for e in _parse_log(out, repo) if e.commit in wanted]


def _parse_log(out: str, repo: WorkTree) -> list[LogEntry]:
    entries: list[LogEntry] = []
    # Walking newest first: where each older name lives now.
    current: dict[str, str] = {}
    for chunk in out.split("\x1e")[1:]:
        sha, name, email, date, message, files = chunk.split("\x1f", 5)
        tokens = [t.strip("\n") for t in files.split("\0")]
        tokens = [t for t in tokens if t]
        touched: list[str] = []
        renames: list[tuple[str, str]] = []
        i = 0
        while i < len(tokens):
            status = tokens[i]
            if status[:1] in ("R", "C") and i + 2 < len(tokens):
                old, new = tokens[i + 1], tokens[i + 2]
                touched.append(new)
                if status[0] == "R":
                    renames.append((old, new))
                i += 3
            else:
                if i + 1 < len(tokens):
                    touched.append(tokens[i + 1])
                i += 2
        ids: list[str] = []
        for path in touched:
            note = repo.note_id(current.get(path, path))
            if note is not None and note not in ids:
                ids.append(note)
        for old, new in renames:
            current[old] = current.get(new, new)
        entries.append(LogEntry(sha, name, email, date, message.strip("\n"), tuple(sorted(ids))))
    return entries


def changed_note_ids(
    repo: WorkTree, since: str | None = None, author: str | None = None, what: str = ""
) -> set[str]:
    """Ids (current names) of the notes that commits since `since` and/or by `author`
    touched. The caller keeps those that still exist."""
    entries = log_entries(repo, since=since, author=author, what=what or "--since")
    return {note for entry in entries for note in entry.notes}
