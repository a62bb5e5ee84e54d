"""A git work tree holding a vault, through GitPython: its paths, its git object, and the one
way to run a git command that changes it.

Opening one is cheap (a look for `.git` above the vault root); GitPython itself (~110 ms to
import) is imported on the first call that needs git, so commands that never do never pay.
Every git command that changes the repository goes through `run`, serialised with other
vault processes and patient with git's own index.lock.

The queries over it (vault.git.dates, vault.git.log) and the Repository protocol built on it
(vault.git.repo) import this module; it imports none of them, so the arrows point one way.
"""

from __future__ import annotations

import os
import tempfile
import time
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from vault.errors import GitError, NotAGitRepo, StaleLock
from vault.git.gitpython import gitpython
from vault.git.messages import git_message
from vault.git.trust import as_environment, overrides, trusted
from vault.locks import LockTimeout, file_lock, lock_path
from vault.vault import Vault

if TYPE_CHECKING:
    from git import Repo

# How long to wait for git's own index.lock, held by another git process, before giving up.
INDEX_LOCK_WAIT = 30.0
# An index.lock unchanged this long, with no git process at work, was left by a killed one.
STALE_LOCK_AFTER = 5.0


class WorkTree:
    """A git work tree holding a vault: paths both ways, the git object, `run`."""

    def __init__(self, vault: Vault, top: Path):
        self.vault = vault
        # The work tree's top folder, resolved.
        self.top = top.resolve()
        # Whether the user trusts the repository's own config and hooks (vault.git.trust);
        # known once git is first used.
        self.trusted = False

    @cached_property
    def git(self) -> Repo:
        """The GitPython repository (imports GitPython on first use)."""
        git = gitpython()
        try:
            repo = git.Repo(self.top)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise NotAGitRepo(f"{self.top} has a .git entry but is not a git work tree") from None
        if repo.bare or repo.working_tree_dir is None:
            raise NotAGitRepo(f"{self.top} is a bare repository, not a work tree")
        # Its config and hooks may have come with the vault: none of them runs unless the
        # user trusts the repository (vault.git.trust).
        self.trusted = trusted(repo.git, str(self.top))
        if not self.trusted:
            repo.git.update_environment(**as_environment(overrides(repo.git)))
        return repo

    def transport_args(self, verb: str, remote: str | None = None) -> list[str]:
        """Options for fetch, ls-remote or push that keep an untrusted repository's
        remote.<name>.uploadpack/receivepack from running (git takes the first of those it
        reads, so a -c cannot override them; these options can).

        A push to a remote on this machine (a path, file://) runs that repository's own
        hooks, and git passes no GIT_CONFIG_* on to a local transport: the vault's config
        chose that path, so the receiving git runs with its hooks switched off too."""
        self.git  # noqa: B018 - decides self.trusted
        if self.trusted:
            return []
        if verb != "push":
            return ["--upload-pack=git-upload-pack"]
        if remote is not None and _is_local(self._push_url(remote)):
            return [f"--receive-pack=git -c core.hooksPath={os.devnull} receive-pack"]
        return ["--receive-pack=git-receive-pack"]

    def _push_url(self, remote: str) -> str:
        """Where a push to `remote` (a remote's name, or a URL) goes, after insteadOf."""
        try:
            return self.run("remote", "get-url", "--push", remote).strip()
        except GitError:
            return remote  # not a remote's name: a URL or a path given as is

    # --- paths ---------------------------------------------------------------------------

    def path(self, note_id: str) -> str:
        """A note id as a path relative to the work tree's top (what git prints and takes)."""
        return os.path.relpath(self.vault.root / note_id, self.top).replace(os.sep, "/")

    def note_id(self, git_path: str) -> str | None:
        """The note id of a path git printed, or None when it is not a note of this vault."""
        rel = os.path.relpath(self.top / git_path, self.vault.root).replace(os.sep, "/")
        prefix = self.vault.notes_prefix
        if rel.startswith("../") or not rel.lower().endswith(".md") or not rel.startswith(prefix):
            return None
        return rel

    def vault_path(self, git_path: str) -> str:
        """Any path git printed, relative to the vault root."""
        return os.path.relpath(self.top / git_path, self.vault.root).replace(os.sep, "/")

    def spec(self, folder: Path) -> str:
        """A folder as a git pathspec."""
        return os.path.relpath(folder, self.top).replace(os.sep, "/")

    @property
    def notes_spec(self) -> str:
        """The notes folder as a git pathspec."""
        return self.spec(self.vault.notes_dir)

    # --- running git ---------------------------------------------------------------------

    def run(
        self,
        *args: str,
        paths: list[str] | None = None,
        input: bytes | None = None,
        env: dict[str, str] | None = None,
        timeout: float | None = None,
    ) -> str:
        """Run one git command that may change the repository, serialised with other vault
        processes and patient with git's index.lock: a second writer waits, not fails.

        `paths` (paths relative to the top, any number) reach git through standard input
        (--pathspec-from-file), taken literally: no command line grows with them and no
        name is read as a glob. `input` is standard input otherwise; `env` adds to git's
        environment; `timeout` kills git (and what it started) after that many seconds.
        """
        git = gitpython()
        repo = self.git
        argv = ["git", *args]
        if paths is not None:
            argv = ["git", "--literal-pathspecs", *args]
            argv += ["--pathspec-from-file=-", "--pathspec-file-nul"]
            input = b"".join(os.fsencode(p) + b"\0" for p in paths)
        deadline = time.monotonic() + INDEX_LOCK_WAIT
        try:
            with file_lock(lock_path(self.vault, "git.lock"), timeout=INDEX_LOCK_WAIT):
                watch = _LockWatch(self.git_dir() / "index.lock", self.top)
                while True:
                    try:
                        return self._execute(repo, argv, input, env, timeout)
                    except git.GitCommandError as exc:
                        if _index_lock_held(str(exc.stderr)) and time.monotonic() < deadline:
                            watch.check()
                            time.sleep(0.1)
                            continue
                        raise GitError(git_message(exc)) from exc
        except LockTimeout:
            raise GitError(
                f"another vault process kept the git lock for {INDEX_LOCK_WAIT:.0f} s; try again"
            ) from None

    @staticmethod
    def _execute(repo, argv, input, env, timeout) -> str:
        extra = {"env": env} if env else {}
        if timeout is not None:
            extra["kill_after_timeout"] = timeout
        if input is None:
            return repo.git.execute(argv, **extra)
        with tempfile.TemporaryFile() as stdin:
            stdin.write(input)
            stdin.seek(0)
            return repo.git.execute(argv, istream=stdin, **extra)

    def has_commits(self) -> bool:
        return self.head() is not None

    def git_dir(self) -> Path:
        """The repository's git folder, found without git: `.git`, or where a `.git` file
        (a linked work tree, a submodule) points."""
        dotgit = self.top / ".git"
        if dotgit.is_file():
            try:
                text = dotgit.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError):
                return dotgit
            if text.startswith("gitdir:"):
                target = Path(text[len("gitdir:") :].strip())
                return target if target.is_absolute() else (self.top / target).resolve()
        return dotgit

    def head(self) -> str | None:
        """The sha HEAD points at, or None before the first commit."""
        git = gitpython()
        try:
            return self.git.git.rev_parse("--verify", "--quiet", "HEAD^{commit}") or None
        except git.GitCommandError:
            return None


def _index_lock_held(stderr: str) -> bool:
    """Another git process holds index.lock (worth waiting for), as opposed to a lock git
    cannot create at all (a read-only .git: waiting would not help)."""
    return "index.lock" in stderr and "File exists" in stderr


def _is_local(url: str) -> bool:
    """Whether git reaches `url` as a path on this machine (git's own rule: file://, or no
    scheme and no `host:` before the first slash)."""
    if url.startswith("file://"):
        return True
    if "://" in url:
        return False
    colon, slash = url.find(":"), url.find("/")
    return colon == -1 or (slash != -1 and slash < colon)


# Lock files found stale in this process, with their modification time then: a command that
# runs git again (commit after add) is not made to wait a second time.
_STALE: dict[Path, int] = {}


class _LockWatch:
    """Tells a stale index.lock from one another git process holds: StaleLock once the
    file has kept its modification time for STALE_LOCK_AFTER seconds and no process has it
    open or runs git in the work tree."""

    def __init__(self, lock: Path, top: Path):
        self.lock, self.top = lock, top
        self.mtime: int | None = None
        self.since = time.monotonic()

    def check(self) -> None:
        try:
            mtime = self.lock.stat().st_mtime_ns
        except OSError:
            mtime = None  # gone already: the next try will tell
        if mtime is not None and _STALE.get(self.lock) == mtime:
            raise StaleLock(self.lock)  # found stale by an earlier git command of this one
        if mtime is None or mtime != self.mtime:
            self.mtime, self.since = mtime, time.monotonic()
            return
        if time.monotonic() - self.since < STALE_LOCK_AFTER:
            return
        if not _git_at_work(self.lock, self.top):
            _STALE[self.lock] = mtime
            raise StaleLock(self.lock)
        self.since = time.monotonic()  # a slow git at work: look again in a while


def _git_at_work(lock: Path, top: Path) -> bool:
    """A process has `lock` open, or a git process runs in the work tree `top`. True where
    processes cannot be listed (no /proc): then only the time limit ends the wait."""
    proc = Path("/proc")
    if not (proc / "self" / "fd").is_dir():
        return True
    lock_name, top_name = os.path.realpath(lock), os.path.realpath(top)
    for pid in os.listdir(proc):
        if not pid.isdigit():
            continue
        try:
            if (proc / pid / "comm").read_text().strip() == "git":
                cwd = os.readlink(proc / pid / "cwd")
                if cwd == top_name or cwd.startswith(top_name + os.sep):
                    return True
            for fd in os.listdir(proc / pid / "fd"):
                if os.readlink(proc / pid / "fd" / fd) == lock_name:
                    return True
        except OSError:
            continue  # gone, or not ours to look at
    return False
