"""Git, through GitPython: find the repository, commit notes, dates, log, and apply moves.

GitPython is imported inside the functions: importing it costs ~110 ms, which commands that
never touch git (search, list on a warm cache, --help) should not pay.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vault.errors import GitError, InvalidInput, NotAGitRepo
from vault.locks import LockTimeout, file_lock
from vault.vault import Vault

if TYPE_CHECKING:
    from git import Repo

# How long to wait for git's own index.lock, held by another git process, before giving up.
INDEX_LOCK_WAIT = 30.0


def find_repo(path: Path) -> Repo | None:
    """The git work tree containing `path`, or None (no repo, bare repo, or no git at all)."""
    try:
        import git
    except ImportError:  # GitPython raises ImportError when the git executable is missing
        return None
    try:
        repo = git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    if repo.bare or repo.working_tree_dir is None:
        return None
    return repo


def require_repo(path: Path) -> Repo:
    repo = find_repo(path)
    if repo is None:
        raise NotAGitRepo(f"{path} is not inside a git work tree (run `git init` there first)")
    return repo


def run_git(repo: Repo, lock_dir: Path, *args: str) -> str:
    """Run one git command, serialised with other vault processes and patient with git's
    index.lock: a second writer waits instead of failing."""
    import git

    deadline = time.monotonic() + INDEX_LOCK_WAIT
    try:
        with file_lock(lock_dir / "git.lock", timeout=INDEX_LOCK_WAIT):
            while True:
                try:
                    return repo.git.execute(["git", *args])
                except git.GitCommandError as exc:
                    if "index.lock" in str(exc.stderr) and time.monotonic() < deadline:
                        time.sleep(0.1)
                        continue
                    raise GitError(_git_message(exc)) from exc
    except LockTimeout:
        raise GitError(
            f"another vault process kept the git lock for {INDEX_LOCK_WAIT:.0f} s; try again"
        ) from None


def _git_message(exc: Exception) -> str:
    stderr = str(getattr(exc, "stderr", "") or "").strip()
    lines = [ln.strip().removeprefix("stderr:").strip(" '") for ln in stderr.splitlines()]
    # git's "hint:" lines say how to silence the hint, not what went wrong.
    lines = [ln for ln in lines if ln and not ln.startswith("hint:")]
    detail = "; ".join(lines[-2:]) or str(exc)
    cmd = getattr(exc, "command", None)
    verb = cmd[1] if isinstance(cmd, list | tuple) and len(cmd) > 1 else "git"
    return f"git {verb} failed: {detail}"


def commit_files(repo: Repo, lock_dir: Path, paths: list[Path], message: str) -> str:
    """Commit exactly `paths` (adding them first), leaving everything else staged or not as
    it was. Returns the new commit's sha."""
    rel = [os.path.relpath(p, repo.working_tree_dir) for p in paths]
    run_git(repo, lock_dir, "add", "--", *rel)
    # --only commits just these paths even when the user has other changes staged.
    run_git(repo, lock_dir, "commit", "--quiet", "--only", "-m", message, "--", *rel)
    return repo.git.rev_parse("HEAD")


def first_commit_dates(repo: Repo, root: Path, ids: list[str]) -> dict[str, str]:
    """The date (YYYY-MM-DD) of the commit that added each note, for those git knows."""
    import git

    top = Path(repo.working_tree_dir).resolve()
    wanted = {}
    for note_id in ids:
        rel = os.path.relpath(root / note_id, top).replace(os.sep, "/")
        wanted[rel] = note_id
    if not wanted:
        return {}
    try:
        out = repo.git.log(
            "--diff-filter=A",
            "--no-renames",
            "--format=@%ad",
            "--date=short",
            "--name-only",
            "-z",
            "--",
            os.path.relpath(root, top) or ".",
        )
    except git.GitCommandError:
        return {}  # e.g. a repository with no commits yet
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


# --- where things are ------------------------------------------------------------------------


def repo_top(repo: Repo) -> Path:
    return Path(repo.working_tree_dir).resolve()


def _repo_path(repo: Repo, root: Path, note_id: str) -> str:
    """A vault id as a path relative to the repository's top (what git prints)."""
    return os.path.relpath(root / note_id, repo_top(repo)).replace(os.sep, "/")


def pathspec(repo: Repo, folder: Path) -> str:
    rel = os.path.relpath(folder, repo_top(repo)).replace(os.sep, "/")
    return "." if rel == "." else rel


def locks_dir(vault: Vault) -> Path:
    return vault.ensure_state_dir() / "locks"


def has_commits(repo: Repo) -> bool:
    try:
        repo.head.commit  # noqa: B018
    except ValueError:
        return False
    return True


# --- log ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One commit, as `vault log` shows it."""

    # Full hex sha.
    commit: str
    author: str
    email: str
    # Author date, ISO 8601 with the author's UTC offset.
    date: str
    # The whole commit message, trailing newlines removed.
    message: str
    # Ids of the notes the commit touched, named by where they are now when they were
    # renamed later (a deleted note keeps its last name).
    notes: tuple[str, ...]


_RELATIVE = re.compile(r"^(\d+)\s*(second|minute|hour|day|week|month|year)s?\s+ago$", re.I)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?$")


def since_args(repo: Repo, since: str, what: str = "--since") -> list[str]:
    """git log arguments for "changed since": a date (YYYY-MM-DD[THH:MM]), a phrase like
    "3 days ago", "yesterday" or "today", else a commit (sha, tag, branch, HEAD~3), which
    selects the commits after it."""
    import git

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
        sha = repo.git.rev_parse("--verify", "--quiet", f"{text}^{{commit}}")
    except git.GitCommandError:
        sha = ""
    if not sha or text.startswith("-"):
        raise InvalidInput(
            f"{what}: {text!r} is not a date (YYYY-MM-DD), 'N days ago', or a commit in this "
            "repository"
        )
    return [f"{sha}..HEAD"]


def log_entries(
    vault: Vault,
    note_id: str | None = None,
    *,
    since: str | None = None,
    author: str | None = None,
    limit: int | None = None,
) -> list[LogEntry]:
    """Commits touching the notes folder, newest first; with `note_id`, that note's history
    through its renames (git log --follow). NotAGitRepo outside git."""
    import git

    repo = require_repo(vault.root)
    if not has_commits(repo):
        return []
    scope = since_args(repo, since) if since else []
    if note_id is not None:
        paths = ["--follow", "--", _repo_path(repo, vault.root, note_id)]
    else:
        paths = ["--", pathspec(repo, vault.notes_dir)]
    count = [f"--max-count={max(0, limit)}"] if limit is not None else []
    fmt = "--format=%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%B%x1f"
    try:
        if not author:
            out = repo.git.log(fmt, "--name-status", "-z", "-M", *scope, *count, *paths)
            return _parse_log(out, repo, vault)
        # Fixed string, any case: `--author claude` finds "Claude <claude@...>". The commits
        # of other authors are still read, for the renames that give notes their names now.
        who = [f"--author={author}", "--fixed-strings", "--regexp-ignore-case"]
        wanted = set(repo.git.log("--format=%H", *who, *scope, *count, *paths).split())
        if not wanted:
            return []
        out = repo.git.log(fmt, "--name-status", "-z", "-M", *scope, *paths)
    except git.GitCommandError as exc:
        raise GitError(_git_message(exc)) from exc
    return [e for e in _parse_log(out, repo, vault) if e.commit in wanted]


def _parse_log(out: str, repo: Repo, vault: Vault) -> list[LogEntry]:
    top = repo_top(repo)
    prefix = vault.notes_prefix

    def as_id(path: str) -> str | None:
        rel = os.path.relpath(top / path, vault.root).replace(os.sep, "/")
        if rel.startswith("../") or not rel.lower().endswith(".md") or not rel.startswith(prefix):
            return None
        return rel

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
            note = as_id(current.get(path, path))
            if note is not None and note not in ids:
                ids.append(note)
        for old, new in renames:
            current[old] = current.get(new, new)
        entries.append(LogEntry(sha, name, email, date, message.strip("\n"), tuple(sorted(ids))))
    return entries


def changed_note_ids(
    vault: Vault, since: str | None = None, author: str | None = None, what: str = ""
) -> set[str]:
    """Ids (current names) of the notes that commits since `since` and/or by `author`
    touched. The caller keeps those that still exist."""
    try:
        entries = log_entries(vault, since=since, author=author)
    except InvalidInput as exc:
        if what:
            raise InvalidInput(str(exc).replace("--since", what, 1)) from None
        raise
    return {note for entry in entries for note in entry.notes}


# --- mv ----------------------------------------------------------------------------------------


@dataclass
class MoveResult:
    """What `vault mv` did (or, for a dry run, would do)."""

    # Old id -> new id of every moved note.
    moves: dict[str, str]
    # Ids (after the move) of the notes whose text was rewritten.
    rewritten: list[str]
    # The commit's sha, or None (dry run, --no-commit, nothing tracked).
    commit: str | None
    # References that could not be kept valid, and other things the user should know.
    warnings: list[str]
    # The planned changes as a unified diff, for dry runs; None otherwise.
    diff: str | None = None


WRITE_LOCK_WAIT = 120.0


class WriteLock:
    """Held by mv and sync for their whole run: both rewrite notes that another process may
    be planning edits to."""

    def __init__(self, vault: Vault):
        self.cm = file_lock(locks_dir(vault) / "write.lock", timeout=WRITE_LOCK_WAIT)

    def __enter__(self):
        try:
            return self.cm.__enter__()
        except LockTimeout:
            raise GitError(
                f"another vault mv or sync kept the vault busy for {WRITE_LOCK_WAIT:.0f} s; "
                "try again"
            ) from None

    def __exit__(self, *exc):
        return self.cm.__exit__(*exc)


def move(
    vault: Vault,
    ref: str,
    new_path: str,
    cwd: Path,
    *,
    dry_run: bool = False,
    commit: bool = True,
) -> MoveResult:
    """Move a note (or a folder of notes) and rewrite every reference to it, as one commit.

    All files are rewritten first, then moved, then committed; if anything fails before the
    commit, every file, the index entries and new folders are put back as they were.
    Outside git, only a dry run or --no-commit (plain file moves) is possible.
    """
    from vault.catalog import load_catalog
    from vault.move import plan_diff, plan_move

    repo = find_repo(vault.root)
    if repo is None and commit and not dry_run:
        raise NotAGitRepo(
            f"{vault.root} is not inside a git work tree, so the move cannot be committed; "
            "run `git init` there, or pass --no-commit to just move the files"
        )
    with WriteLock(vault):
        catalog = load_catalog(vault)
        plan = plan_move(catalog, ref, new_path, cwd)
        result = MoveResult(plan.moves, plan.rewritten_ids(), None, list(plan.warnings))
        if dry_run:
            result.diff = plan_diff(plan)
            return result
        result.commit = _apply_move(repo, vault, plan, commit, result.warnings)
    return result


def _apply_move(repo, vault: Vault, plan, commit: bool, warnings: list[str]) -> str | None:
    from vault.atomic import write_atomic

    lock_dir = locks_dir(vault)
    rel = (lambda i: _repo_path(repo, vault.root, i)) if repo is not None else (lambda i: i)
    touched = sorted(set(plan.moves) | set(plan.edits))
    tracked = _tracked(repo, [rel(i) for i in touched]) if repo is not None else set()
    # The index entries of every touched path, to put back exactly on failure.
    saved_index = repo.git.ls_files("-s", "-z", "--", *tracked) if tracked else ""
    git_moves = [(o, n) for o, n in plan.moves.items() if rel(o) in tracked]
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
            # Same index result as `git mv` for each note, in two git calls for any number.
            indexed = True
            run_git(
                repo, lock_dir, "rm", "--cached", "--quiet", "--", *[rel(o) for o, _ in git_moves]
            )
            run_git(repo, lock_dir, "add", "--", *[rel(n) for _, n in git_moves])
        edited = [rel(i) for i in plan.edits if i not in plan.moves and rel(i) in tracked]
        paths = [rel(o) for o, _ in git_moves] + [rel(n) for _, n in git_moves] + edited
        untracked = [
            plan.moves.get(i, i) for i in touched if repo is not None and rel(i) not in tracked
        ]
        if untracked:
            warnings.append(
                "not tracked by git, so changed on disk only: " + ", ".join(sorted(untracked))
            )
        sha = None
        if repo is not None and paths and commit:
            message = _move_message(plan)
            run_git(repo, lock_dir, "commit", "--quiet", "--only", "-m", message, "--", *paths)
            sha = repo.git.rev_parse("HEAD")
        elif repo is not None and edited:
            indexed = True
            run_git(repo, lock_dir, "add", "--", *edited)
    except BaseException:
        _undo_move(repo, vault, plan, written, moved, made_dirs, saved_index if indexed else None)
        raise
    _prune_empty_folders(vault, plan.moves)
    return sha


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


def _tracked(repo, paths: list[str]) -> set[str]:
    if not paths:
        return set()
    out = repo.git.ls_files("-z", "--", *paths)
    return {p for p in out.split("\0") if p}


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


def _undo_move(repo, vault, plan, written, moved, made_dirs, saved_index) -> None:
    """Put every file and index entry back as it was before the move began."""
    from vault.atomic import write_atomic

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
        news = [_repo_path(repo, vault.root, n) for _, n in moved]
        try:
            if news:
                repo.git.rm("--cached", "--quiet", "--ignore-unmatch", "--", *news)
            if saved_index.strip("\0"):
                subprocess.run(
                    ["git", "update-index", "-z", "--index-info"],
                    input=saved_index.encode("utf-8"),
                    cwd=repo.working_tree_dir,
                    check=True,
                    capture_output=True,
                )
        except Exception:  # best effort: the files themselves are already back
            pass


def _move_message(plan) -> str:
    items = list(plan.moves.items())
    if len(items) == 1:
        subject = f"vault: move {items[0][0]} -> {items[0][1]}"
    else:
        src = os.path.commonpath([o for o, _ in items])
        dst = os.path.commonpath([n for _, n in items])
        subject = f"vault: move {src}/ -> {dst}/ ({len(items)} notes)"
    others = [i for i in plan.rewritten_ids() if i not in plan.moves.values()]
    if not others:
        return subject
    return subject + "\n\nReferences rewritten in:\n" + "".join(f"- {i}\n" for i in others)
