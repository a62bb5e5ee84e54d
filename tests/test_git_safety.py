"""Git states and environments that must not lose work or hang (issue 11): a stopped rebase,
merge, cherry-pick, revert or bisect; failed commits; thousands of notes in one move;
uncommitted edits in the notes a move rewrites; no git at all; a read-only .git or state
folder."""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import time
from pathlib import Path

import pytest
from conftest import EXAMPLE, GIT_ENV, git, init_repo, run_process
from conftest import snapshot as tree
from history_helpers import status

HUB = "memory/research/2026-02-14-skin-tech-trends.md"
HUB_NEW = "memory/hubs/skin-tech-trends-2026.md"
DEEP = "memory/research/2026-02-14-exosomes-deep-dive.md"
GIT_MISSING = "Error: git is not installed or not on PATH; install git to use history and commits\n"


# --- a git operation in progress -----------------------------------------------------------


def _conflicting_branch(root: Path) -> None:
    """Branch `other` and main both change conflict.txt (outside the notes) differently."""
    (root / "conflict.txt").write_text("base\n")
    git(root, "add", "conflict.txt")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "other")
    (root / "conflict.txt").write_text("other\n")
    git(root, "commit", "-q", "-am", "other side")
    git(root, "checkout", "-q", "main")
    (root / "conflict.txt").write_text("main\n")
    git(root, "commit", "-q", "-am", "main side")


def _stop(root: Path, *args: str) -> None:
    """Run a git command that stops on a conflict."""
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    assert proc.returncode != 0, proc.stdout


def start_rebase(root: Path) -> None:
    _conflicting_branch(root)
    _stop(root, "rebase", "other")


def start_merge(root: Path) -> None:
    _conflicting_branch(root)
    _stop(root, "merge", "other")


def start_cherry_pick(root: Path) -> None:
    _conflicting_branch(root)
    _stop(root, "cherry-pick", "other")


def start_revert(root: Path) -> None:
    _conflicting_branch(root)
    (root / "conflict.txt").write_text("after\n")
    git(root, "commit", "-q", "-am", "after main side")
    _stop(root, "revert", "--no-edit", "HEAD~1")


def start_bisect(root: Path) -> None:
    _conflicting_branch(root)
    git(root, "bisect", "start", "HEAD", "HEAD~2")


OPERATIONS = {
    "rebase": (start_rebase, "a rebase is in progress", "git rebase --abort"),
    "merge": (start_merge, "a merge is in progress", "git merge --abort"),
    "cherry-pick": (start_cherry_pick, "a cherry-pick is in progress", "git cherry-pick --abort"),
    "revert": (start_revert, "a revert is in progress", "git revert --abort"),
    "bisect": (start_bisect, "a bisect is in progress", "git bisect reset"),
}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_new_mv_and_sync_refuse_while_a_git_operation_is_in_progress(run, git_vault, operation):
    begin, named, how = OPERATIONS[operation]
    begin(git_vault)
    before, head, index = tree(git_vault), git(git_vault, "rev-parse", "HEAD"), status(git_vault)
    for args in (
        ("new", "--parent", HUB, "--title", "During it", "--date", "2026-03-01"),
        ("mv", HUB, HUB_NEW),
        ("mv", HUB, HUB_NEW, "--no-commit"),
        ("sync",),
    ):
        res = run(git_vault, *args, input="")
        assert res.exit_code == 1, (args, res.stdout)
        assert res.stderr.startswith(f"Error: {named} in this repository"), res.stderr
        assert how in res.stderr and res.stderr.count("\n") == 1
        assert tree(git_vault) == before  # nothing written
        assert git(git_vault, "rev-parse", "HEAD") == head
        assert status(git_vault) == index
    # Without a commit, `new` has nothing to lose: it writes the note.
    res = run(git_vault, "new", "--title", "Draft", "--date", "2026-03-01", "--no-commit")
    assert res.exit_code == 0, res.stderr


def test_a_note_made_during_a_rebase_survives_the_abort(run, git_vault):
    """The reported loss: `new` committed on the rebase's detached HEAD, then
    `git rebase --abort` took the note away. Refused, the user aborts and tries again."""
    start_rebase(git_vault)
    res = run(git_vault, "new", "--parent", HUB, "--title", "Kept", "--date", "2026-03-01")
    assert res.exit_code == 1
    git(git_vault, "rebase", "--abort")
    res = run(git_vault, "new", "--parent", HUB, "--title", "Kept", "--date", "2026-03-01")
    assert res.exit_code == 0, res.stderr
    note = res.stdout.strip()
    assert git(git_vault, "log", "-1", "--format=%s", "main").strip() == f"vault: add {note}"
    assert (git_vault / note).exists()


def test_a_failed_commit_leaves_the_new_note_unstaged(run, git_vault, trust):
    trust(git_vault)
    hook = git_vault / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho 'hook says no' >&2\nexit 1\n")
    hook.chmod(0o755)
    res = run(git_vault, "new", "--parent", HUB, "--title", "Hooked", "--json", input="")
    assert res.exit_code == 0
    note = json.loads(res.stdout)["id"]
    assert "hook says no" in res.stderr
    assert status(git_vault) == f"?? {note}\n"  # written, not staged


def test_a_commit_without_an_identity_leaves_nothing_staged(run, git_vault, monkeypatch):
    for key in ("AUTHOR", "COMMITTER"):
        monkeypatch.delenv(f"GIT_{key}_NAME")
        monkeypatch.delenv(f"GIT_{key}_EMAIL")
    git(git_vault, "config", "user.useConfigOnly", "true")
    monkeypatch.setenv("EMAIL", "")
    (git_vault / "memory/staged.md").write_text("# Staged by the user\n")
    git(git_vault, "add", "memory/staged.md")
    before = status(git_vault)
    res = run(git_vault, "new", "--title", "Nobody", "--date", "2026-03-01", input="")
    assert res.exit_code == 0
    note = res.stdout.strip()
    assert "was written but not committed" in res.stderr
    assert status(git_vault) == before + f"?? {note}\n"
    # mv puts everything back, index included.
    index = git(git_vault, "ls-files", "-s")
    snap = tree(git_vault)
    res = run(git_vault, "mv", DEEP, "memory/deep.md")
    assert res.exit_code == 1 and "git commit failed" in res.stderr
    assert tree(git_vault) == snap and git(git_vault, "ls-files", "-s") == index


# --- a move of thousands of notes --------------------------------------------------------------


def _many_referring_notes(root: Path, count: int) -> str:
    """A hub and `count` notes pointing at it from folders with long names; the hub's id."""
    hub = "memory/hub.md"
    (root / "memory").mkdir(parents=True)
    (root / hub).write_text("# Hub\n\nType: Research Hub\n")
    long = "a-folder-name-long-enough-to-make-every-path-run-past-two-hundred-characters"
    for i in range(count):
        folder = root / "memory" / f"{long}-{i % 20:02d}" / f"{long}-{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{i:04d}-a-note-whose-file-name-is-also-long-enough-to-matter-here.md"
        (folder / name).write_text(
            f"# Note {i}\n\nParent: {hub}\n\nSee [the hub](/memory/hub.md) and [[hub]].\n"
        )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "many notes")
    return hub


@pytest.mark.slow
def test_a_move_rewriting_2000_notes_with_long_paths_is_one_commit(tmp_path):
    root = tmp_path / "vault"
    hub = _many_referring_notes(root, 2000)
    paths = git(root, "ls-files").split()
    assert sum(len(p) + 1 for p in paths) > 400_000  # far past one argument's 128 KiB
    res = run_process(root, "mv", hub, "memory/hubs/the-hub.md", "--json")
    assert res.exit_code == 0, res.stderr[-2000:]
    out = json.loads(res.stdout)
    assert len(out["rewritten"]) == 2000 and out["commit"]
    assert status(root) == ""
    changes = git(root, "show", "--name-status", "-M", "--format=", "HEAD").splitlines()
    assert len(changes) == 2001
    assert sum(c.startswith("R") for c in changes) == 1
    message = git(root, "log", "-1", "--format=%B").strip()
    assert len(message) < 10_000
    assert message.startswith("vault: move memory/hub.md -> memory/hubs/the-hub.md\n")
    listed = [ln for ln in message.splitlines() if ln.startswith("- memory/")]
    assert 10 < len(listed) <= 50
    assert message.endswith(f"\n- ... and {2000 - len(listed)} more")
    sample = root / paths[0]
    assert sample.read_text().startswith("# Note")
    assert "Parent: memory/hubs/the-hub.md" in sample.read_text()
    assert "[the hub](/memory/hubs/the-hub.md) and [[the-hub]]" in sample.read_text()


def test_commit_messages_list_a_bounded_number_of_notes():
    from vault.repository import listed_notes

    ids = [f"memory/{i:04d}.md" for i in range(2000)]
    text = listed_notes(ids)
    assert text.count("\n") == 51 and text.endswith("- ... and 1950 more\n")
    huge = ["memory/" + "x" * 4000 + f"{i}.md" for i in range(10)]
    text = listed_notes(huge)
    assert len(text) < 9000 and text.endswith("- ... and 9 more\n")
    assert listed_notes(ids[:2]) == "- memory/0000.md\n- memory/0001.md\n"


def test_names_that_look_like_globs_are_taken_literally(run, git_vault):
    """`[d].md`, read as a glob, also names d.md, which holds an edit nobody asked to
    commit."""
    odd = "memory/research/[d].md"
    (git_vault / odd).write_text(f"# Odd name\n\nParent: {HUB}\n")
    (git_vault / "memory/research/d.md").write_text("# D\n")
    git(git_vault, "add", "-A")
    git(git_vault, "commit", "-q", "-m", "odd names")
    (git_vault / "memory/research/d.md").write_text("# D, edited\n")
    res = run(git_vault, "mv", HUB, HUB_NEW)
    assert res.exit_code == 0, res.stderr
    committed = git(git_vault, "show", "--name-only", "--format=", "HEAD").splitlines()
    assert odd in committed and "memory/research/d.md" not in committed
    assert status(git_vault) == " M memory/research/d.md\n"


# --- uncommitted edits in the notes a move rewrites ----------------------------------------------


def test_mv_refuses_to_commit_uncommitted_edits_in_the_notes_it_rewrites(run, git_vault):
    deep = git_vault / DEEP
    deep.write_text(deep.read_text() + "\nAn idea I have not committed.\n")
    before = tree(git_vault)
    res = run(git_vault, "mv", HUB, HUB_NEW)
    assert res.exit_code == 1
    assert res.stderr == (
        f"Error: {DEEP} has changes that are not committed, and the move would commit them "
        "with it; commit or stash them first, or pass --include-changes to commit them with "
        "the move\n"
    )
    assert tree(git_vault) == before and status(git_vault) == f" M {DEEP}\n"
    # A staged edit counts too.
    git(git_vault, "add", DEEP)
    assert run(git_vault, "mv", HUB, HUB_NEW).exit_code == 1
    res = run(git_vault, "mv", HUB, HUB_NEW, "--include-changes")
    assert res.exit_code == 0, res.stderr
    assert "An idea I have not committed." in git(git_vault, "show", f"HEAD:{DEEP}")
    assert status(git_vault) == ""


def test_mv_no_commit_stages_around_uncommitted_edits(run, git_vault):
    deep = git_vault / DEEP
    deep.write_text(deep.read_text() + "\nStill mine.\n")
    res = run(git_vault, "mv", HUB, HUB_NEW, "--no-commit")
    assert res.exit_code == 0, res.stderr
    assert "Still mine." in deep.read_text() and f"Parent: {HUB_NEW}" in deep.read_text()


# --- no git on PATH ------------------------------------------------------------------------------


def test_without_git_on_path_every_git_command_says_so_in_one_line(git_vault, tmp_path):
    bare_path = tmp_path / "no-git-here"
    bare_path.mkdir()
    env = {"PATH": str(bare_path)}
    for args in (("log",), ("log", HUB), ("mv", HUB, HUB_NEW), ("sync",)):
        res = run_process(git_vault, *args, env=env)
        assert (res.exit_code, res.stderr) == (1, GIT_MISSING), args
    res = run_process(git_vault, "new", "--title", "No git", "--date", "2026-03-01", env=env)
    assert res.exit_code == 0
    note = res.stdout.strip()
    assert (git_vault / note).exists()
    assert res.stderr == (
        f"warning: {note} was written but not committed: git is not installed or not on "
        "PATH; install git to use history and commits\n"
    )
    res = run_process(git_vault, "list", env=env)
    assert res.exit_code == 0 and "Traceback" not in res.stderr
    assert note in res.stdout


# --- permissions ---------------------------------------------------------------------------------


def _as_a_user():
    """How to run the CLI so that file permissions apply even to root (setpriv drops the
    capabilities that let root ignore them)."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to test permissions as root"
    return (setpriv, "--bounding-set=-dac_override,-dac_read_search", "--")


def _git_shim(tmp_path: Path) -> tuple[Path, Path]:
    """A `git` first on PATH that logs each call and runs the real one: (bin folder, log)."""
    real = shutil.which("git")
    folder, log = tmp_path / "shim", tmp_path / "git-calls.log"
    folder.mkdir()
    shim = folder / "git"
    shim.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n')
    shim.chmod(0o755)
    return folder, log


def test_a_read_only_git_folder_fails_at_once_without_waiting(git_vault, tmp_path):
    shim, log = _git_shim(tmp_path)
    env = {"PATH": f"{shim}{os.pathsep}{os.environ['PATH']}"}
    git_dir = git_vault / ".git"
    mode = git_dir.stat().st_mode
    git_dir.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        res = run_process(
            git_vault, "new", "--title", "Read only", "--date", "2026-03-01", env=env,
            wrap=_as_a_user(),
        )  # fmt: skip
        before = tree(git_vault)
        moved = run_process(git_vault, "mv", DEEP, "memory/deep.md", env=env, wrap=_as_a_user())
    finally:
        git_dir.chmod(mode)
    assert res.exit_code == 0
    assert "was written but not committed" in res.stderr and "Permission denied" in res.stderr
    assert moved.exit_code == 1 and "Permission denied" in moved.stderr
    assert moved.stderr.startswith("Error: git ") and moved.stderr.count("\n") == 1
    assert tree(git_vault) == before
    # One attempt each, not a retry loop waiting 30 s for a lock that can never be made.
    calls = [c for c in log.read_text().splitlines() if c != "version"]
    assert sum(" add " in f" {c} " for c in calls) == 1, calls
    assert not any(a == b for a, b in zip(calls, calls[1:], strict=False)), calls


def test_an_unwritable_state_folder_is_a_one_line_error(git_vault, tmp_path):
    cache = tmp_path / "read-only-cache"
    cache.mkdir()
    cache.chmod(0o555)
    env = {"XDG_CACHE_HOME": str(cache)}
    try:
        res = run_process(
            git_vault, "new", "--title", "Nowhere to lock", "--date", "2026-03-01", env=env,
            wrap=_as_a_user(),
        )  # fmt: skip
    finally:
        cache.chmod(0o755)
    assert res.exit_code == 1, res.stderr
    assert res.stderr.startswith("Error: cannot create the lock file ")
    assert "Permission denied" in res.stderr and "VAULT_CACHE_DIR" in res.stderr
    assert res.stderr.count("\n") == 1
    assert status(git_vault) == ""


# --- a .git that came with the vault ----------------------------------------------------------


def plant_git_traps(root, marker):
    """Config and hooks an unzipped vault's .git could hold: each would run a command."""
    trap = f"echo \"$0 $*\" >> '{marker}'"
    hooks = "pre-commit commit-msg post-commit reference-transaction post-checkout post-rewrite"
    for hook in (hooks + " pre-push post-merge pre-rebase").split():
        path = root / ".git" / "hooks" / hook
        path.write_text(f"#!/bin/sh\n{trap}\n", encoding="utf-8")
        path.chmod(0o755)
    git(root, "config", "core.fsmonitor", trap)
    git(root, "config", "filter.trap.clean", f'sh -c "{trap}; cat"')
    git(root, "config", "filter.trap.smudge", f'sh -c "{trap}; cat"')
    git(root, "config", "filter.trap.required", "true")
    git(root, "config", "diff.trap.textconv", trap)
    git(root, "config", "merge.trap.driver", trap)
    git(root, "config", "remote.origin.uploadpack", f"{trap}; git-upload-pack")
    git(root, "config", "remote.origin.receivepack", f"{trap}; git-receive-pack")
    git(root, "config", "credential.helper", f"!{trap}")
    (root / ".gitattributes").write_text("*.md filter=trap diff=trap merge=trap\n")


def test_a_git_folder_that_came_with_the_vault_runs_nothing(run, tmp_path):
    """Hooks, fsmonitor, filters, drivers, uploadpack: vault runs none of them unless the
    user trusts the repository in their own git config."""
    marker = tmp_path / "ran"
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    root = tmp_path / "unzipped"
    shutil.copytree(EXAMPLE, root / "memory")
    init_repo(root)
    git(root, "remote", "add", "origin", str(remote))
    git(root, "push", "-q", "origin", "main")
    git(root, "branch", "-q", "--set-upstream-to=origin/main")
    plant_git_traps(root, marker)
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(remote), str(other))
    (other / "memory" / "from-elsewhere.md").write_text("# Elsewhere\n")
    git(other, "add", "-A")
    git(other, "commit", "-qm", "elsewhere")
    git(other, "push", "-q")
    assert not marker.exists()
    steps = [
        ["list", "--changed-since", "30 days ago"],
        ["new", "--parent", HUB, "--title", "Trapped", "--date", "2026-03-01"],
        ["mv", HUB, "memory/hubs/hub.md"],
        ["log", "--limit", "3"],
        ["search", "exosome", "--author", "Test"],
        ["sync"],
    ]
    for argv in steps:
        res = run(root, *argv, input="")
        assert res.exit_code == 0 and "not committed" not in res.stderr, (argv, res.stderr)
        ran = marker.read_text() if marker.exists() else ""
        assert not ran, f"`vault {' '.join(argv)}` ran from .git: {ran}"
    assert (root / "memory" / "from-elsewhere.md").exists()  # the sync did happen


def test_a_trusted_repository_runs_its_hooks(run, git_vault, trust):
    marker = git_vault.parent / "ran"
    hook = git_vault / ".git" / "hooks" / "post-commit"
    hook.write_text(f"#!/bin/sh\ntouch '{marker}'\n")
    hook.chmod(0o755)
    assert run(git_vault, "new", "--title", "Untrusted", input="").exit_code == 0
    assert not marker.exists()
    trust(git_vault)
    assert run(git_vault, "new", "--title", "Trusted", input="").exit_code == 0
    assert marker.exists()


def test_a_failed_commit_puts_back_what_the_user_staged_of_that_very_note(run, git_vault, trust):
    """The note's own index entry is saved before staging it and put back when the commit
    fails, whatever its name holds (glob characters are names, not patterns)."""
    trust(git_vault)
    name = "memory/odd [draft] *.md"
    path = git_vault / name
    path.write_text("# Odd draft\n\nFirst.\n")
    git(git_vault, "--literal-pathspecs", "add", "--", name)
    git(git_vault, "commit", "-qm", "odd draft")
    path.write_text("# Odd draft\n\nFirst.\nStaged by the user.\n")
    git(git_vault, "--literal-pathspecs", "add", "--", name)
    staged = git(git_vault, "--literal-pathspecs", "ls-files", "-s", "--", name)
    hook = git_vault / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho 'hook says no' >&2\nexit 1\n")
    hook.chmod(0o755)
    res = run(git_vault, "append", name, input="Added by vault.\n")
    assert "hook says no" in res.stderr
    assert path.read_text().endswith("Added by vault.\n")  # written, as the user asked
    assert git(git_vault, "--literal-pathspecs", "ls-files", "-s", "--", name) == staged


# --- a repository's own config: allowlisted, neutralised or refused (issue 24) -----------------


def _trap(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """A program a repository's config could name: it appends its arguments to a marker
    file and fails. (program, marker)"""
    marker = tmp_path / f"{name}-ran"
    program = tmp_path / name
    program.write_text(f"#!/bin/sh\necho \"$0 $*\" >> '{marker}'\nexit 1\n", encoding="utf-8")
    program.chmod(0o755)
    return program, marker


def _ran(marker: Path) -> str:
    return marker.read_text() if marker.exists() else ""


def _with_remote(root: Path, url: str) -> None:
    """`origin` at url, holding main, as the branch's upstream (set up by plain git)."""
    git(root, "remote", "add", "origin", url)
    git(root, "push", "-q", "origin", "main")
    git(root, "branch", "-q", "--set-upstream-to=origin/main")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def git_daemon(tmp_path):
    """A bare `notes.git` served by `git daemon` on 127.0.0.1: (its git:// URL, its path)."""
    base = tmp_path / "served"
    base.mkdir()
    git(base, "init", "-q", "--bare", "-b", "main", "notes.git")
    port = _free_port()
    daemon = subprocess.Popen(
        ["git", "daemon", "--reuseaddr", "--listen=127.0.0.1", f"--port={port}",
         f"--base-path={base}", "--export-all", "--enable=receive-pack", str(base)],
        env={**os.environ, **GIT_ENV},
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "git daemon did not start"
                time.sleep(0.05)
        yield f"git://127.0.0.1:{port}/notes.git", base / "notes.git"
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


def test_core_gitproxy_runs_nothing_when_sync_fetches_over_git_protocol(
    run, git_vault, tmp_path, git_daemon
):
    """git keeps the first core.gitProxy it reads, so a later override cannot replace the
    repository's; an empty $GIT_PROXY_COMMAND is read before any config, and git then
    connects itself."""
    proxy, marker = _trap(tmp_path, "proxy")
    url, served = git_daemon
    _with_remote(git_vault, url)
    git(git_vault, "config", "core.gitProxy", str(proxy))
    note = _new_note(run, git_vault, "Over git protocol")
    res = run(git_vault, "sync", input="")
    assert not _ran(marker), f"core.gitProxy ran: {_ran(marker)}"
    assert res.exit_code == 0, res.stderr
    assert git(served, "rev-parse", "main") == git(git_vault, "rev-parse", "HEAD")
    assert note in git(git_vault, "show", "--name-only", "--format=", "origin/main")


def test_push_gpgsign_runs_no_gpg_program_on_sync(run, git_vault, tmp_path):
    """The remote offers signed pushes (receive.certNonceSeed), the repository asks for
    them with a gpg.program of its own."""
    gpg, marker = _trap(tmp_path, "gpg")
    remote = tmp_path / "signed.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    git(remote, "config", "receive.certNonceSeed", "a secret")
    _with_remote(git_vault, str(remote))
    git(git_vault, "config", "push.gpgSign", "true")
    git(git_vault, "config", "gpg.program", str(gpg))
    _new_note(run, git_vault, "Signed push")
    res = run(git_vault, "sync", input="")
    assert not _ran(marker), f"gpg.program ran: {_ran(marker)}"
    assert res.exit_code == 0, res.stderr
    assert git(remote, "rev-parse", "main") == git(git_vault, "rev-parse", "HEAD")


@pytest.mark.parametrize("helper", ["ext", "installed", "alias"])
def test_insteadof_cannot_route_sync_to_a_program(run, git_vault, tmp_path, monkeypatch, helper):
    """url.<base>.insteadOf rewrites the remote's URL to a transport that runs a program:
    ext::, a remote helper installed on the machine (git-remote-<name>), or one the
    repository's own aliases implement (git runs `git remote-<name>`, an alias)."""
    program, marker = _trap(tmp_path, "helper")
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    _with_remote(git_vault, str(remote))
    if helper == "ext":
        git(git_vault, "config", "protocol.ext.allow", "always")
        target = f"ext::{program} %S"
    elif helper == "installed":
        folder = tmp_path / "bin"
        folder.mkdir()
        shutil.copy(program, folder / "git-remote-notes")
        monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
        target = "notes::somewhere"
    else:
        git(git_vault, "config", "alias.remote-notes", f"!{program}")
        target = "notes::somewhere"
    git(git_vault, "config", f"url.{target}.insteadOf", str(remote))
    res = run(git_vault, "sync", input="")
    assert not _ran(marker), f"`vault sync` ran {_ran(marker)}"
    assert res.exit_code == 1 and res.stderr.count("\n") == 1, res.stderr
    if helper == "alias":  # refused before git runs at all: an alias named like a helper
        assert res.stderr.startswith("Error: this repository's git config sets alias.remote-")
    else:
        assert res.stderr.startswith("Error: could not fetch from remote 'origin'")
        assert "not allowed" in res.stderr


UNKNOWN = "hook.notes.command"  # a newer git's hook in config: core.hooksPath does not stop it


@pytest.mark.parametrize("where", ["config", "worktree", "included"])
def test_a_key_vault_does_not_know_is_refused_in_one_line(run, git_vault, tmp_path, trust, where):
    program, marker = _trap(tmp_path, "hook")
    git(git_vault, "config", "vault.trusted", str(git_vault))  # only the user's config counts
    if where == "config":
        git(git_vault, "config", UNKNOWN, str(program))
    elif where == "worktree":
        git(git_vault, "config", "extensions.worktreeConfig", "true")
        git(git_vault, "config", "--worktree", UNKNOWN, str(program))
    else:
        extra = tmp_path / "extra.gitconfig"
        git(tmp_path, "config", "--file", str(extra), UNKNOWN, str(program))
        git(git_vault, "config", "include.path", str(extra))
    git(git_vault, "config", "pull.rebase", "true")  # known: not named
    line = (
        f"Error: this repository's git config sets {UNKNOWN}, which vault does not know to "
        f"be harmless, so vault runs no git here: remove it (`git config --unset-all "
        f"{UNKNOWN}`) or, if the repository is yours to trust, `git config --global --add "
        f"vault.trusted {git_vault}`\n"
    )
    head = git(git_vault, "rev-parse", "HEAD")
    for argv in (["log"], ["sync"], ["mv", HUB, HUB_NEW]):
        res = run(git_vault, *argv, input="")
        assert (res.exit_code, res.stderr) == (1, line), argv
    res = run(git_vault, "new", "--title", "Refused", "--date", "2026-03-01", input="")
    assert res.exit_code == 0 and "was written but not committed" in res.stderr
    assert git(git_vault, "rev-parse", "HEAD") == head and not _ran(marker)
    # A second key is counted, not listed.
    git(git_vault, "config", "sendemail.smtpServer", str(program))
    res = run(git_vault, "log")
    assert f"sets {UNKNOWN} (and 1 more), which" in res.stderr
    trust(git_vault)
    assert run(git_vault, "log").exit_code == 0


@pytest.mark.parametrize("how", ["path", "every vault"])
def test_a_trusted_repository_keeps_its_config_and_hooks(
    run, git_vault, tmp_path, trust, monkeypatch, how
):
    """Trusted, a repository is run as git would run it: its hook runs, a key vault does not
    know is not refused."""
    program, marker = _trap(tmp_path, "hook")
    hook = git_vault / ".git" / "hooks" / "post-commit"
    hook.write_text(f"#!/bin/sh\necho post-commit >> '{marker}'\n")
    hook.chmod(0o755)
    git(git_vault, "config", UNKNOWN, str(program))
    if how == "path":
        trust(git_vault)
    else:
        config = tmp_path / "trust-all.gitconfig"
        config.write_text("[vault]\n\ttrusted = *\n", encoding="utf-8")
        monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    res = run(git_vault, "new", "--title", "Trusted", "--date", "2026-03-01", input="")
    assert res.exit_code == 0 and "not committed" not in res.stderr, res.stderr
    assert _ran(marker) == "post-commit\n"


def test_an_ordinary_config_works_untouched(run, tmp_path):
    """A clone's config, and what people add to it, is allowlisted: every command works
    without trust, and none of it is overridden."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    root = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(remote), str(root))
    shutil.copytree(EXAMPLE, root / "memory")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "initial")
    git(root, "push", "-q", "origin", "main")
    settings = {
        "pull.rebase": "true",
        "push.autoSetupRemote": "true",
        "fetch.prune": "true",
        "rebase.autoStash": "true",
        "merge.conflictStyle": "zdiff3",
        "diff.algorithm": "histogram",
        "init.defaultBranch": "main",
        "user.name": "Clone Owner",
        "user.email": "owner@example.com",
        "alias.st": "status --short",
        "alias.lg": "!git log --oneline | head",
        "color.ui": "always",
        "color.diff.meta": "yellow bold",
        "core.autocrlf": "input",
        "gc.auto": "0",
        "maintenance.auto": "false",
        "log.date": "iso",
        "branch.main.description": "my notes",
    }
    for key, value in settings.items():
        git(root, "config", key, value)
    before = git(root, "config", "--local", "--list")
    for argv in (
        ["new", "--parent", HUB, "--title", "Ordinary", "--date", "2026-03-01"],
        ["mv", HUB, HUB_NEW],
        ["log", "--limit", "2"],
        ["list", "--changed-since", "30 days ago"],
        ["sync"],
    ):
        res = run(root, *argv, input="")
        assert res.exit_code == 0 and "not committed" not in res.stderr, (argv, res.stderr)
    assert git(remote, "rev-parse", "main") == git(root, "rev-parse", "HEAD")
    assert git(root, "config", "--local", "--list") == before


def _new_note(run, root: Path, title: str) -> str:
    """A note left for `vault sync` to commit."""
    res = run(root, "new", "--title", title, "--date", "2026-03-01", "--no-commit", input="")
    assert res.exit_code == 0, res.stderr
    return res.stdout.strip()


def test_a_push_to_a_remote_on_this_machine_runs_none_of_its_hooks(run, git_vault, tmp_path, trust):
    """The vault's config names the remote, so a bare repository that came with the vault,
    with a hook, is no way to run a program: its hooks are off unless the vault is trusted."""
    shipped = git_vault / ".git" / "shipped.git"
    git(tmp_path, "init", "-q", "--bare", str(shipped))
    program, marker = _trap(tmp_path, "post-receive")
    hook = shipped / "hooks" / "post-receive"
    hook.write_text(f"#!/bin/sh\n'{program}' post-receive\n", encoding="utf-8")
    hook.chmod(0o755)
    _with_remote(git_vault, ".git/shipped.git")
    marker.unlink(missing_ok=True)  # plain git's own push above ran it
    assert (
        run(git_vault, "new", "--title", "Pushed", "--date", "2026-03-01", input="").exit_code == 0
    )
    res = run(git_vault, "sync")
    assert res.exit_code == 0, res.stderr
    assert _ran(marker) == ""
    assert git(shipped, "rev-parse", "main") == git(git_vault, "rev-parse", "HEAD")  # pushed
    trust(git_vault)
    assert (
        run(git_vault, "new", "--title", "Trusted", "--date", "2026-03-01", input="").exit_code == 0
    )
    assert run(git_vault, "sync").exit_code == 0
    assert "post-receive" in _ran(marker)
