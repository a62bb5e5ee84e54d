"""`vault sync`: share a vault through an ordinary git remote.

Commit what is pending under the notes folder, rebase onto the remote and push. Every git
command that changes the repository goes through GitRepository.run (serialised with other
vault processes, patient with index.lock).
"""

from __future__ import annotations

import os
import shlex

from vault.errors import GitError
from vault.git.gitpython import gitpython
from vault.git.messages import redact
from vault.git.repo import GitRepository
from vault.locks import write_lock
from vault.model import SyncResult
from vault.repository import listed_notes

# How many times to fetch, rebase and push again when someone else pushed in between.
PUSH_ATTEMPTS = 3
# How long a remote may stay silent (no connection, no bytes) before sync gives up, in
# seconds; $VAULT_NETWORK_TIMEOUT overrides it.
NETWORK_TIMEOUT = 30
# However the remote is reached (git://, a custom ssh command), one network command is
# killed after this many times NETWORK_TIMEOUT.
DEADLINE_FACTOR = 20


def sync(repo: GitRepository, remote: str | None = None) -> SyncResult:
    """Commit pending changes under the notes folder, pull with rebase, push.

    A conflict aborts the rebase, so the repository is as it was before the pull with the
    local commit intact, and raises GitError naming the conflicting notes.
    """
    net = Network.for_repo(repo)
    with write_lock(repo.vault):
        _check_ready(repo)
        branch = repo.git.active_branch.name
        remote, remote_branch = _remote_for(repo, branch, remote)
        committed = _commit_pending(repo)
        if not repo.has_commits():
            raise GitError("nothing to sync yet: the repository has no commits and no notes")
        pulled: set[str] = set()
        pushed = False
        for attempt in range(PUSH_ATTEMPTS):
            fetched = _fetch(repo, net, remote, remote_branch)
            if fetched is not None:
                pulled |= _pull(repo, remote, remote_branch, fetched)
            head = repo.git.git.rev_parse("HEAD")
            if head == fetched:
                break
            try:
                net.run(repo, "push", "--quiet", remote, f"HEAD:refs/heads/{remote_branch}")
            except GitError as exc:
                text = f"{exc} {getattr(exc.__cause__, 'stderr', '')}"
                rejected = "rejected" in text or "fetch first" in text or "non-fast" in text
                if rejected and attempt + 1 < PUSH_ATTEMPTS:
                    continue  # someone pushed in between: pull their work and try again
                raise _remote_error(repo, net, remote, "push", exc) from None
            pushed = True
            break
    return SyncResult(committed, tuple(sorted(pulled)), pushed, remote, remote_branch)


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
        argv = [verb, *repo.transport_args(verb), *args]
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


def _commit_pending(repo: GitRepository) -> str | None:
    """Commit every change under the notes folder (and nothing outside it)."""
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
    if not paths:
        return None
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
    """Fetch the remote branch; its sha, or None when the remote does not have it yet."""
    try:
        heads = net.run(repo, "ls-remote", "--heads", remote, f"refs/heads/{branch}")
        if not heads.strip():
            return None
        net.run(
            repo,
            "fetch",
            "--quiet",
            "--no-tags",
            remote,
            f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}",
        )
    except GitError as exc:
        raise _remote_error(repo, net, remote, "fetch from", exc) from None
    return repo.git.git.rev_parse(f"refs/remotes/{remote}/{branch}")


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


def _pull(repo: GitRepository, remote: str, branch: str, fetched: str) -> set[str]:
    """Rebase local commits onto `fetched`; the ids of the notes that brought in."""
    git = gitpython()

    cmd = repo.git.git
    head = cmd.rev_parse("HEAD")
    try:
        base = cmd.merge_base(head, fetched)
    except git.GitCommandError:
        raise GitError(
            f"the local branch and {remote}/{branch} share no history; "
            "sync cannot combine them (pull and merge by hand once)"
        ) from None
    if base == fetched:
        return set()  # nothing new on the remote
    changed = cmd.diff("--name-status", "-z", "--no-renames", base, fetched, "--", repo.notes_spec)
    pulled = set()
    tokens = [t for t in changed.split("\0") if t]
    for path in tokens[1::2]:
        note = repo.vault_path(path)
        if note.lower().endswith(".md"):
            pulled.add(note)
    try:
        repo.run("rebase", "--quiet", "--autostash", fetched)
    except GitError as exc:
        conflicts = cmd.diff("--name-only", "--diff-filter=U", "-z").split("\0")
        try:
            cmd.rebase("--abort")
        except git.GitCommandError:
            pass
        ids = sorted(repo.vault_path(p) for p in conflicts if p)
        if not ids:
            raise GitError(f"{exc} (the rebase was aborted; nothing was pushed)") from None
        raise GitError(
            f"sync stopped: {', '.join(ids)} changed both here and on "
            f"{remote}; the rebase was aborted and your commits are kept locally. Resolve it: "
            f"`git pull --rebase {remote} {branch}`, fix the conflicts, `git add` them, "
            "`git rebase --continue`, then `vault sync` again"
        ) from None
    return pulled
