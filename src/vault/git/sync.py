"""`vault sync`: share a vault through an ordinary git remote.

Commit what is pending under the notes folder, rebase onto the remote and push. Every git
command that changes the repository goes through GitRepository.run (serialised with other
vault processes, patient with index.lock).
"""

from __future__ import annotations

import os
import random
import shlex
import time
from pathlib import Path

from vault.errors import GitError
from vault.git.conflicts import ConflictOutsideNotes, Resolved, finish_rebase, refuse_markers
from vault.git.gitpython import gitpython
from vault.git.messages import redact
from vault.git.repo import GitRepository
from vault.locks import write_lock
from vault.model import SyncResult
from vault.repository import listed_notes

# A push the remote rejected because it moved is retried (fetch, rebase, push again) at most
# this many times, and not after this many seconds since the first push; the wait before
# each retry is drawn at random ("full jitter") from 0 up to BACKOFF_BASE * 2**retry seconds,
# capped at BACKOFF_CAP, so machines that collided do not collide again in step.
# Measured (bench/README.md, 8 clones on one loaded host): a retry must rebase, so its
# fetch-to-push window is two or three times that of a machine whose last push is still the
# remote's last commit, and it wins about one try in ten; 8 tries left 5-12% of syncs
# failing. The time is the bound that matters to a user, so the count only stops a sync
# that could never win, and the cap keeps a loser trying every second or two, not five.
MAX_RETRIES = 30
RETRY_SECONDS = 60.0
BACKOFF_BASE = 0.2
BACKOFF_CAP = 2.0
# What git says when a push lost a race for the remote branch (and only then: a hook that
# declined the push is not worth retrying).
_LOST_RACE = (
    "fetch first",
    "non-fast-forward",
    "failed to update ref",
    "failed to lock",
    "cannot lock ref",
    "stale info",
)
# How long a remote may stay silent (no connection, no bytes) before sync gives up, in
# seconds; $VAULT_NETWORK_TIMEOUT overrides it.
NETWORK_TIMEOUT = 30
# However the remote is reached (git://, a custom ssh command), one network command is
# killed after this many times NETWORK_TIMEOUT.
DEADLINE_FACTOR = 20


def sync(repo: GitRepository, remote: str | None = None, *, dry_run: bool = False) -> SyncResult:
    """Commit pending changes under the notes folder, pull with rebase, push.

    A rebase that stops on conflicting notes is finished by vault.git.conflicts (appends on
    both sides joined, any other conflict kept as a conflict copy beside the note); one in a
    file that is not a note aborts the rebase, so the repository is as it was before the
    pull with the local commit intact, and raises GitError naming the files. A push the
    remote rejected because it moved is retried with jittered backoff, bounded in count and
    time; the vault's write lock is let go during each wait, so the machine's own writers
    (an agent's `vault new`, a server's) are not held up by other machines' pushes.
    `dry_run`: say what would be committed, pulled and pushed, and change nothing.
    """
    net = Network.for_repo(repo)
    run = _Run(time.monotonic())
    with write_lock(repo.vault):
        _check_ready(repo)
        branch = repo.git.active_branch.name
        remote, remote_branch = _remote_for(repo, branch, remote)
        if dry_run:
            return _plan(repo, net, remote, remote_branch)
        committed = _commit_pending(repo)
        if not repo.has_commits():
            raise GitError("nothing to sync yet: the repository has no commits and no notes")
        pushed = _try_push(repo, net, remote, remote_branch, run)
    while pushed is None:  # someone pushed in between: wait, pull their work, try again
        wait = random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2**run.retries))
        if run.retries >= MAX_RETRIES or time.monotonic() + wait > run.started + RETRY_SECONDS:
            raise GitError(
                f"{remote}/{remote_branch} kept moving: the push was rejected "
                f"{run.retries + 1} times in {time.monotonic() - run.started:.0f} s (other "
                "machines pushing); your commits are kept locally: run `vault sync` again"
            )
        run.retries += 1
        time.sleep(wait)  # without the lock: this machine's writers go on meanwhile
        with write_lock(repo.vault):
            _check_ready(repo)  # nor did anyone start a rebase or switch branches meanwhile
            if repo.git.active_branch.name != branch:
                raise GitError(
                    f"the branch changed from {branch} to {repo.git.active_branch.name} "
                    "while sync waited to push again; nothing more was pushed: run "
                    "`vault sync` again"
                )
            pushed = _try_push(repo, net, remote, remote_branch, run)
    pulled = _changed_notes(repo, *run.span) if run.span else set()
    return SyncResult(
        committed,
        tuple(sorted(pulled)),
        pushed,
        remote,
        remote_branch,
        retries=run.retries,
        merged=tuple(sorted(run.merged)),
        conflicts=tuple(run.copies),
    )


class _Run:
    """What one sync has done so far, across its tries."""

    def __init__(self, started: float):
        self.started = started
        self.retries = 0
        # (where this clone stood, the last remote commit pulled): the notes that differ
        # between them are what the pull brought, named once after the push, not on every
        # try (each git process in the try is time another machine can push in).
        self.span: tuple[str, str] | None = None
        self.merged: set[str] = set()
        self.copies: list[tuple[str, str]] = []
        self.checked = False  # the remote is not a checkout git would refuse to push into


def _try_push(
    repo: GitRepository, net: Network, remote: str, branch: str, run: _Run
) -> bool | None:
    """One try: fetch, rebase onto what came, push. Whether it pushed (False: nothing to
    push), or None when another machine pushed first.

    The time from the fetch to the push is a window in which another machine's push makes
    this one lose: so no git process in it that the try can do without (the shas are read
    in Python, the notes pulled are named after the push)."""
    fetched = _fetch(repo, net, remote, branch)
    if fetched is not None:
        base, resolved = _pull(repo, remote, branch, fetched)
        if base is not None:
            run.span = (run.span[0] if run.span else base, fetched)
        run.merged |= resolved.merged
        run.copies += resolved.copies
    if repo.git.head.commit.hexsha == fetched:
        return False
    if not run.checked:
        _refuse_checked_out_branch(repo, remote, branch)
        run.checked = True
    try:
        net.run(repo, "push", "--quiet", remote, f"HEAD:refs/heads/{branch}")
    except GitError as exc:
        text = f"{exc} {getattr(exc.__cause__, 'stderr', '')}"
        if not any(words in text for words in _LOST_RACE):
            raise _remote_error(repo, net, remote, "push", exc) from None
        return None
    return True


class Network:
    """How sync reaches a remote: never waiting on a prompt or a silent connection.

    Every network command runs with git's low-speed limit (http: fewer than 1,000 bytes a
    second for `seconds` aborts, which covers a server that accepts and never answers),
    ssh in batch mode with a connect timeout and keep-alives (unless the user chose their
    own ssh command), no terminal or askpass prompt, and a deadline for any other way a
    remote can hang.
    """

    def __init__(self, seconds: int, env: dict[str, str]):
        self.seconds = seconds
        self.env = env
        # transport_args by (verb, remote), asked once a sync: for a push from an untrusted
        # repository it runs git, and a retry's push should not wait for that again.
        self._transport: dict[tuple[str, str | None], list[str]] = {}

    @classmethod
    def for_repo(cls, repo: GitRepository) -> Network:
        try:
            seconds = max(1, int(os.environ.get("VAULT_NETWORK_TIMEOUT", NETWORK_TIMEOUT)))
        except ValueError:
            seconds = NETWORK_TIMEOUT
        env = {"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "", "SSH_ASKPASS": ""}
        if not os.environ.get("GIT_HTTP_LOW_SPEED_LIMIT"):
            env["GIT_HTTP_LOW_SPEED_LIMIT"] = "1000"
        if not os.environ.get("GIT_HTTP_LOW_SPEED_TIME"):
            env["GIT_HTTP_LOW_SPEED_TIME"] = str(seconds)
        if not _own_ssh_command(repo):
            alive = max(1, seconds // 3)
            env["GIT_SSH_COMMAND"] = shlex.join(
                [
                    "ssh",
                    "-o",
                    "BatchMode=yes",
                    "-o",
                    f"ConnectTimeout={seconds}",
                    "-o",
                    f"ServerAliveInterval={alive}",
                    "-o",
                    "ServerAliveCountMax=3",
                ]
            )
        return cls(seconds, env)

    def run(self, repo: GitRepository, verb: str, *args: str) -> str:
        remote = next((a for a in args if not a.startswith("-")), None)
        if (verb, remote) not in self._transport:
            self._transport[verb, remote] = repo.transport_args(verb, remote)
        argv = [verb, *self._transport[verb, remote], *args]
        return repo.run(*argv, env=self.env, timeout=self.seconds * DEADLINE_FACTOR)


def _own_ssh_command(repo: GitRepository) -> bool:
    """The user picked how git runs ssh ($GIT_SSH_COMMAND, $GIT_SSH, or core.sshCommand in
    a repository they trust: an untrusted one's is switched off, vault.git.trust)."""
    if os.environ.get("GIT_SSH_COMMAND") or os.environ.get("GIT_SSH"):
        return True
    reader = repo.git.config_reader()
    if not repo.trusted:
        reader = repo.git.config_reader("global")
    return bool(reader.get_value("core", "sshCommand", "")) if reader.has_section("core") else False


def _check_ready(repo: GitRepository) -> None:
    repo.check_can_commit()
    if repo.git.head.is_detached:
        raise GitError("HEAD is detached; check out a branch (`git switch main`) to sync")


def _remote_for(repo: GitRepository, branch: str, remote: str | None) -> tuple[str, str]:
    """(remote, branch on the remote): --remote, else the branch's upstream, else origin."""
    reader = repo.git.config_reader()
    section = f'branch "{branch}"'
    upstream_remote = reader.get_value(section, "remote", "") if reader.has_section(section) else ""
    merge = reader.get_value(section, "merge", "") if reader.has_section(section) else ""
    name = remote or upstream_remote or "origin"
    names = [r.name for r in repo.git.remotes]
    if name not in names:
        known = f" (this repository has: {', '.join(names)})" if names else ""
        raise GitError(
            f"no git remote named {name!r}{known}; add one with `git remote add {name} URL` "
            "or pass --remote NAME"
        )
    remote_branch = branch
    if name == upstream_remote and str(merge).startswith("refs/heads/"):
        remote_branch = str(merge)[len("refs/heads/") :]
    return name, remote_branch


def _pending(repo: GitRepository) -> list[str]:
    """The paths (from the top) of every change under the notes folder, as git sees them."""
    spec = repo.notes_spec
    status = repo.git.git.status("--porcelain=v1", "-z", "--untracked-files=all", "--", spec)
    paths: list[str] = []
    tokens = status.split("\0")
    i = 0
    while i < len(tokens):
        entry = tokens[i]
        if len(entry) > 3:
            paths.append(entry[3:])
            if entry[0] in "RC":
                i += 1  # the next token is the old name
        i += 1
    return paths


def _commit_pending(repo: GitRepository) -> str | None:
    """Commit every change under the notes folder (and nothing outside it); never a file
    holding conflict markers."""
    spec = repo.notes_spec
    paths = _pending(repo)
    if not paths:
        return None
    refuse_markers(repo, paths)
    ids = sorted({repo.vault_path(p) for p in paths})
    notes = [i for i in ids if i.lower().endswith(".md")]
    n = len(notes)
    subject = f"vault: sync {n} note{'s' if n != 1 else ''}"
    if len(ids) != n:
        subject += f" ({len(ids) - n} other file{'s' if len(ids) - n != 1 else ''})"
    message = subject + "\n\n" + listed_notes(ids)
    repo.run("add", "--all", "--", spec)
    repo.run("commit", "--quiet", "--only", "-m", message, "--", spec)
    return repo.git.git.rev_parse("HEAD")


def _fetch(repo: GitRepository, net: Network, remote: str, branch: str) -> str | None:
    """Fetch the remote branch; its sha, or None when the remote does not have it yet.

    One connection, not an `ls-remote` first, and no `git maintenance` after it (the commits
    vault makes run that): under contention every retry pays them, and the shorter the
    fetch-rebase-push cycle, the likelier the push wins."""
    try:
        net.run(
            repo,
            "fetch",
            "--quiet",
            "--no-tags",
            "--no-auto-maintenance",
            remote,
            f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}",
        )
    except GitError as exc:
        if "couldn't find remote ref" in str(getattr(exc.__cause__, "stderr", "")):
            return None  # an empty remote, or one without this branch yet
        raise _remote_error(repo, net, remote, "fetch from", exc) from None
    return repo.git.rev_parse(f"refs/remotes/{remote}/{branch}").hexsha  # in Python: no process


# What git (curl, ssh, GitPython's deadline) says when a remote stays silent.
_SILENT = ("Operation too slow", "timed out", "Timeout:", "Connection timed out")


def _remote_error(
    repo: GitRepository, net: Network, remote: str, verb: str, exc: GitError
) -> GitError:
    try:
        url = repo.git.remote(remote).url
    except ValueError:
        url = "?"
    stderr = str(getattr(exc.__cause__, "stderr", "") or "")
    if any(word in stderr for word in _SILENT):
        detail = (
            f"the remote did not answer within {net.seconds} s; check the URL and the "
            "network, or try again later (VAULT_NETWORK_TIMEOUT sets how long to wait)"
        )
    else:
        fatal = [
            ln.split(word, 1)[1].strip().rstrip("'")
            for ln in stderr.splitlines()
            for word in ("fatal:", "error:")
            if word in ln
        ]
        detail = fatal[0] if fatal else str(exc).split(": ", 1)[-1]
    return GitError(redact(f"could not {verb} remote {remote!r} ({url}): {detail}"))


def _pull(
    repo: GitRepository, remote: str, branch: str, fetched: str
) -> tuple[str | None, Resolved]:
    """Rebase local commits onto `fetched`: where this clone and the remote parted (None
    when the remote brought nothing new), and how the conflicts the rebase met were resolved
    (vault.git.conflicts)."""
    base = _merge_base(repo, remote, branch, fetched)
    if base == fetched:
        return None, Resolved()  # nothing new on the remote
    try:
        repo.run("rebase", "--quiet", "--autostash", fetched)
    except GitError as exc:
        try:
            return base, finish_rebase(repo, exc)
        except ConflictOutsideNotes as outside:
            raise GitError(
                f"sync stopped: {', '.join(outside.ids)} changed both here and on "
                f"{remote}; the rebase was aborted and your commits are kept locally. Resolve "
                f"it: `git pull --rebase {remote} {branch}`, fix the conflicts, `git add` them, "
                "`git rebase --continue`, then `vault sync` again"
            ) from None
    return base, Resolved()


def _merge_base(repo: GitRepository, remote: str, branch: str, fetched: str) -> str:
    git = gitpython()
    try:
        return repo.git.git.merge_base("HEAD", fetched)
    except git.GitCommandError:
        raise GitError(
            f"the local branch and {remote}/{branch} share no history; "
            "sync cannot combine them (pull and merge by hand once)"
        ) from None


def _changed_notes(repo: GitRepository, old: str, new: str) -> set[str]:
    """Ids of the notes that differ between two commits (added, edited, deleted)."""
    changed = repo.git.git.diff(
        "--name-status", "-z", "--no-renames", old, new, "--", repo.notes_spec
    )
    tokens = [t for t in changed.split("\0") if t]
    return {repo.vault_path(p) for p in tokens[1::2] if repo.vault_path(p).lower().endswith(".md")}


def _refuse_checked_out_branch(repo: GitRepository, remote: str, branch: str) -> None:
    """One line, before git's own refusal, when the remote is a work tree on this machine
    with `branch` checked out: a push would change the branch under its files."""
    try:
        url = repo.git.remote(remote).url
    except ValueError:
        return
    path = url[len("file://") :] if url.startswith("file://") else url
    if "://" in path or not os.path.isabs(os.path.expanduser(path)):
        if not os.path.isdir(os.path.join(repo.top, path)):
            return  # a network remote: only the server can say
        path = os.path.join(repo.top, path)
    top = Path(os.path.expanduser(path))
    head_file = top / ".git" / "HEAD"
    if not head_file.is_file():
        return  # bare (or a linked work tree's .git file: git will say)
    try:
        head = head_file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return
    if head != f"ref: refs/heads/{branch}":
        return
    out = repo.git.git.config(
        "--file",
        str(top / ".git" / "config"),
        "--get",
        "receive.denyCurrentBranch",
        with_exceptions=False,
    )
    if out.strip().lower() in ("updateinstead", "ignore", "warn", "false"):
        return  # that checkout takes pushes into its branch
    raise GitError(
        f"remote {remote!r} ({redact(url)}) is a checkout with {branch} checked out, and git "
        "refuses to push into it; sync through a bare repository instead (`git clone --bare "
        f"{redact(url)} shared.git`, then `git remote set-url {remote} shared.git`); nothing "
        "was pushed, your commits are kept locally"
    )


def _plan(repo: GitRepository, net: Network, remote: str, branch: str) -> SyncResult:
    """What sync would do, changing nothing here: no commit, no ref (not even the
    remote-tracking one), no file. It does read the remote, as `git push --dry-run` does:
    the commits it lacks are fetched into the object store, unreferenced, so the notes they
    change can be named."""
    pending = tuple(sorted(repo.vault_path(p) for p in _pending(repo)))
    fetched = None
    try:
        heads = net.run(repo, "ls-remote", "--heads", remote, f"refs/heads/{branch}")
        if heads.strip():
            fetched = heads.split()[0]
            net.run(
                repo,
                "fetch",
                "--quiet",
                "--no-tags",
                "--no-auto-maintenance",  # a repack would change the repository
                "--no-write-fetch-head",
                "--refmap=",
                remote,
                f"refs/heads/{branch}",
            )
    except GitError as exc:
        raise _remote_error(repo, net, remote, "fetch from", exc) from None
    head = repo.head()
    pulled: set[str] = set()
    outgoing: list[str] = []
    if head is not None:
        if fetched is not None:
            base = _merge_base(repo, remote, branch, fetched)
            if base != fetched:
                pulled = _changed_notes(repo, base, fetched)
            span = f"{fetched}..HEAD"
        else:
            span = "HEAD"
        outgoing = repo.git.git.rev_list(span).split()
    if outgoing or pending:
        _refuse_checked_out_branch(repo, remote, branch)
    return SyncResult(
        None,
        tuple(sorted(pulled)),
        False,
        remote,
        branch,
        dry_run=True,
        pending=pending,
        outgoing=tuple(outgoing),
    )
