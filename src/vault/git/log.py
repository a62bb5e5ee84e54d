"""`vault log`: the history of the vault, or of one note through its renames; what each commit
changed in it (`--patch`), who made it (the Vault-Agent trailer), and the note as it was at a
commit or on a day (`vault show --at`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from vault.errors import GitError, InvalidInput
from vault.filters import agent_matches
from vault.git.gitpython import gitpython
from vault.git.messages import git_message
from vault.model import LogEntry, NoteVersion
from vault.repository import read_trailers
from vault.text import user_day

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
    agent: str | None = None,
    patch: bool = False,
) -> list[LogEntry]:
    """Commits touching the notes folder, newest first; with `note_id`, that note's history
    through its renames (git log --follow). `agent` keeps the commits whose Vault-Agent
    trailer names it (vault.filters.agent_matches); `patch` adds what each commit changed in
    the note (or in the notes folder)."""
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
        if not author and not agent:
            out = log(fmt, "--name-status", "-z", "-M", *scope, *count, *paths)
            entries = _parse_log(out, repo)
        else:
            # Fixed string, any case: `--author claude` finds "Claude <claude@...>". The
            # commits of others are still read, for the renames that give notes their names
            # now; the count applies to the commits kept.
            out = log(fmt, "--name-status", "-z", "-M", *scope, *paths)
            entries = _parse_log(out, repo)
            if author:
                who = [f"--author={author}", "--fixed-strings", "--regexp-ignore-case"]
                wanted = set(log("--format=%H", *who, *scope, *paths).split())
                entries = [e for e in entries if e.commit in wanted]
            if agent:
                entries = [e for e in entries if agent_matches(e.agent, agent)]
            entries = entries[: max(0, limit)] if limit is not None else entries
        if patch and entries:
            bounded = count if not (author or agent) else []
            patches = _patches(repo, [*scope, *bounded, *paths])
            entries = [replace(e, patch=patches.get(e.commit, "")) for e in entries]
    except git.GitCommandError as exc:
        raise GitError(git_message(exc)) from exc
    return entries


def _patches(repo: WorkTree, selection: list[str]) -> dict[str, str]:
    """Commit -> what it changed in the selected paths (a unified diff), for the commits
    `selection` (git log's range and path arguments) names; the user's diff settings
    (colour, external diff tools) left out."""
    log = repo.git.git.log
    out = log("--format=%x1e%H", "-p", "-M", "--no-color", "--no-ext-diff", *selection)
    found: dict[str, str] = {}
    for chunk in out.split("\x1e")[1:]:
        sha, _, diff = chunk.partition("\n")
        diff = diff.strip("\n")
        found[sha.strip()] = diff + "\n" if diff else ""
    return found


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
        message = message.strip("\n")
        agent, source = read_trailers(message)
        entries.append(LogEntry(sha, name, email, date, message, tuple(sorted(ids)), agent, source))
    return entries


def changed_note_ids(
    repo: WorkTree, since: str | None = None, author: str | None = None, what: str = ""
) -> set[str]:
    """Ids (current names) of the notes that commits since `since` and/or by `author`
    touched. The caller keeps those that still exist."""
    entries = log_entries(repo, since=since, author=author, what=what or "--since")
    return {note for entry in entries for note in entry.notes}


def last_commits(repo: WorkTree) -> dict[str, LogEntry]:
    """Id (its name now) -> the latest commit that touched it, for every note git saw."""
    last: dict[str, LogEntry] = {}
    for entry in log_entries(repo):  # newest first: the first seen is the last made
        for note in entry.notes:
            last.setdefault(note, entry)
    return last


def last_commit(repo: WorkTree, note_id: str) -> LogEntry | None:
    """The latest commit that touched the note, through its renames; None when none did."""
    found = log_entries(repo, note_id, limit=1)
    return found[0] if found else None


def note_version(repo: WorkTree, note_id: str, at: str) -> NoteVersion:
    """The note as it was at `at`: a revision (sha, HEAD~2, a tag), else a day as
    vault.text.user_day reads it (YYYY-MM-DD, today, yesterday, N days ago), meaning the last
    commit touching the note by the end of that day. Followed through the note's renames, so
    an older name is found; InvalidInput when `at` names nothing or the note did not exist."""
    git = gitpython()

    text = at.strip()
    if not text or text.startswith("-"):
        raise InvalidInput(f"--at {at!r}: give a commit (a sha, HEAD~2, a tag) or a day")
    history = {e.commit: e for e in log_entries(repo, note_id)}
    if not history:
        raise InvalidInput(f"git has no history of {note_id}: it was never committed")
    names = _names_in(repo, note_id)  # commit -> (status, the note's git path in it)
    try:
        rev = repo.git.git.rev_parse("--verify", "--quiet", "--end-of-options", text + "^{commit}")
    except git.GitCommandError:
        rev = ""
    if rev:
        # The last commit touching the note (under any of its names) that `rev` holds.
        paths = sorted({path for _, path in names.values()})
        last = repo.git.git.log("-n", "1", "--format=%H", rev, "--", *paths).strip()
    else:
        day = user_day(text)
        if day is None:
            raise InvalidInput(
                f"--at {at!r} is not a commit in this repository nor a day (YYYY-MM-DD, "
                "today, yesterday, N days ago)"
            )
        last = next((sha for sha, e in history.items() if e.date[:10] <= day), "")
        rev = last
    first = list(history.values())[-1]
    if not last or last not in names or names[last][0] == "D":
        raise InvalidInput(
            f"{note_id} did not exist at {text} (its history starts at {first.commit[:10]}, "
            f"{first.date[:10]}); see `vault log {note_id}`"
        )
    path = names[last][1]
    data = repo.git.git.execute(
        ["git", "cat-file", "blob", f"{rev}:{path}"],
        stdout_as_string=False,
        strip_newline_in_stdout=False,  # the note's bytes, its last newline included
    )
    return NoteVersion(rev, repo.note_id(path) or path, data, history[last])


def _names_in(repo: WorkTree, note_id: str) -> dict[str, tuple[str, str]]:
    """Commit -> (status letter, the note's git path after it), for every commit of the
    note's history, through its renames."""
    out = repo.git.git.log(
        "--follow", "--format=%x1e%H%x1f", "--name-status", "-z", "-M", "--", repo.path(note_id)
    )
    found: dict[str, tuple[str, str]] = {}
    for chunk in out.split("\x1e")[1:]:
        sha, _, files = chunk.partition("\x1f")
        tokens = [t.strip("\n") for t in files.split("\0") if t.strip("\n")]
        if len(tokens) >= 2:
            found[sha] = (tokens[0][:1], tokens[-1])  # R: old, new; the name after it
    return found
