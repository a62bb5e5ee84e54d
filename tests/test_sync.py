"""`vault sync`: two clones of one bare remote stand in for two machines."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import EXAMPLE, GIT_ENV, git, run_process, snapshot, state_dir
from history_helpers import status

HUB = "memory/research/2026-02-14-skin-tech-trends.md"


@pytest.fixture
def machines(tmp_path, run) -> tuple[Path, Path, Path]:
    """(remote, machine a, machine b): a seeded the remote with the example vault via sync."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    a, b = tmp_path / "a", tmp_path / "b"
    git(tmp_path, "clone", "-q", str(remote), str(a))
    shutil.copytree(EXAMPLE, a / "memory")
    res = run(a, "sync", "--json")
    assert res.exit_code == 0, res.stderr
    first = json.loads(res.stdout)
    assert first["pushed"] is True and first["pulled"] == [] and first["committed"]
    git(tmp_path, "clone", "-q", str(remote), str(b))
    return remote, a, b


def sync_json(run, root, *args):
    res = run(root, "sync", "--json", *args)
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


def new_note(run, root, title, parent=HUB):
    res = run(root, "new", "--parent", parent, "--title", title, "--date", "2026-03-01", input="")
    assert res.exit_code == 0, res.stderr
    return res.stdout.strip()


def test_two_machines_exchange_notes(run, machines):
    remote, a, b = machines
    from_a = new_note(run, a, "Exosome stability")
    from_b = new_note(run, b, "Plant exosomes")
    out_b = sync_json(run, b)
    assert out_b == {
        "committed": None,
        "pulled": [],
        "pushed": True,
        "retries": 0,
        "merged": [],
        "conflicts": [],
        "index": None,
    }
    out_a = sync_json(run, a)
    assert out_a["pulled"] == [from_b] and out_a["pushed"] is True
    out_b = sync_json(run, b)
    assert out_b["pulled"] == [from_a] and out_b["pushed"] is False
    assert (a / from_b).read_bytes() == (b / from_b).read_bytes()
    assert git(a, "rev-parse", "HEAD") == git(b, "rev-parse", "HEAD")
    assert git(a, "rev-parse", "HEAD") == git(remote, "rev-parse", "main")
    # Linear history: the rebase kept each machine's commit as it was written.
    assert git(a, "log", "--format=%s").splitlines()[:2] == [
        f"vault: add {from_a}",
        f"vault: add {from_b}",
    ]
    assert status(a) == status(b) == ""


def test_sync_says_what_it_did_on_stderr_and_lists_what_it_pulled_on_stdout(run, machines):
    _, a, b = machines
    from_a = new_note(run, a, "Exosome stability")
    res = run(a, "sync")
    assert (res.exit_code, res.stdout) == (0, ""), res.stderr
    assert res.stderr == "nothing new on origin/main\npushed to origin/main\n"
    with (b / HUB).open("a", encoding="utf-8") as f:
        f.write("\nA line not committed yet.\n")
    res = run(b, "sync")
    assert (res.exit_code, res.stdout) == (0, f"{from_a}\n"), res.stderr
    assert re.fullmatch(
        "committed local changes as [0-9a-f]{10}\n"
        "pulled 1 changed note from origin/main\npushed to origin/main\n",
        res.stderr,
    ), res.stderr
    two = [new_note(run, b, "Plant exosomes"), new_note(run, b, "Exosome dosage")]
    sync_json(run, b)
    res = run(a, "sync")
    assert res.exit_code == 0, res.stderr
    assert sorted(res.stdout.splitlines()) == sorted([HUB, *two])
    assert res.stderr == (
        "pulled 3 changed notes from origin/main\norigin/main already has everything\n"
    )


def test_sync_commits_pending_notes_only_with_a_message_listing_them(run, machines):
    _, a, _ = machines
    (a / HUB).write_text((a / HUB).read_text() + "\nAn edit.\n")
    (a / "memory/posts/new-idea.md").write_text("# New idea\n")
    (a / "README.txt").write_text("not a note, outside memory/\n")
    (a / "staged.txt").write_text("staged outside memory/\n")
    git(a, "add", "staged.txt")
    out = sync_json(run, a)
    assert out["committed"] == git(a, "rev-parse", "HEAD").strip()
    message = git(a, "log", "-1", "--format=%B").strip()
    assert message == f"vault: sync 2 notes\n\n- memory/posts/new-idea.md\n- {HUB}"
    committed = git(a, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(committed) == sorted([HUB, "memory/posts/new-idea.md"])
    assert sorted(status(a).splitlines()) == ["?? README.txt", "A  staged.txt"]
    assert out["pushed"] is True


def test_a_conflicting_edit_keeps_both_versions_and_check_reports_the_copy(run, machines):
    _, a, b = machines
    original = (a / HUB).read_text()
    for root, word in ((a, "Alpha"), (b, "Beta")):
        path = root / HUB
        path.write_text(path.read_text().replace("Type: Research Hub", f"Type: Hub {word}"))
    sync_json(run, a)
    res = run(b, "sync", "--json")
    assert res.exit_code == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["pushed"] is True and out["merged"] == []
    [conflict] = out["conflicts"]
    assert conflict["note"] == HUB
    host = re.sub(r"[^A-Za-z0-9_-]+", "-", socket.gethostname().split(".")[0]).strip("-")
    stem = HUB[: -len(".md")]
    assert re.fullmatch(
        re.escape(f"{stem}.conflict-{host}-") + r"\d{8}-\d{6}\.md", conflict["copy"]
    )
    # This machine's version stays at the note, the remote's beside it: no byte lost.
    assert (b / HUB).read_text() == original.replace("Type: Research Hub", "Type: Hub Beta")
    assert (b / conflict["copy"]).read_text() == original.replace(
        "Type: Research Hub", "Type: Hub Alpha"
    )
    assert status(b) == "" and not (b / ".git/rebase-merge").exists()
    assert git(b, "rev-parse", "HEAD") == git(b, "rev-parse", "origin/main")
    assert conflict["copy"] in git(b, "ls-files")
    # The text form says so; the other machine gets both with its next sync.
    assert sync_json(run, a)["pulled"] == sorted([HUB, conflict["copy"]])
    assert (a / conflict["copy"]).read_bytes() == (b / conflict["copy"]).read_bytes()
    # `vault check` reports the copy until one of the two is removed.
    res = run(a, "check", "--json")
    kinds = [(p["kind"], p["note"]) for p in json.loads(res.stdout)["problems"]]
    assert ("sync_conflict", conflict["copy"]) in kinds
    (a / conflict["copy"]).unlink()
    res = run(a, "check", "--json")
    assert json.loads(res.stdout)["counts"]["sync_conflict"] == 0


def test_a_conflict_outside_the_notes_aborts_the_rebase_and_keeps_the_local_commit(run, machines):
    _, a, b = machines
    for root, word in ((a, "Alpha"), (b, "Beta")):
        (root / "shared.txt").write_text(f"{word}\n")
        git(root, "add", "shared.txt")
        git(root, "commit", "-q", "-m", f"shared from {word}")
    sync_json(run, a)
    (b / HUB).write_text((b / HUB).read_text() + "\nPending on b.\n")
    before_pull = git(b, "rev-parse", "HEAD").strip()
    res = run(b, "sync")
    assert res.exit_code == 1
    assert res.stderr.startswith("Error: sync stopped: shared.txt changed both here and on origin;")
    assert "git pull --rebase origin main" in res.stderr
    assert res.stderr.count("\n") == 1
    # Clean: no rebase in progress, nothing staged or modified, and b's edit is committed.
    assert not (b / ".git/rebase-merge").exists() and not (b / ".git/rebase-apply").exists()
    assert status(b) == ""
    head = git(b, "rev-parse", "HEAD").strip()
    assert git(b, "rev-parse", "HEAD~1").strip() == before_pull
    assert git(b, "log", "-1", "--format=%s").strip() == "vault: sync 1 note"
    assert (b / "shared.txt").read_text() == "Beta\n"
    # Syncing again meets the same conflict and changes nothing.
    assert run(b, "sync").exit_code == 1
    assert git(b, "rev-parse", "HEAD").strip() == head


POST = "memory/posts/2026-01-11-exosomes-in-k-beauty.md"


def append(root: Path, note: str, text: str) -> None:
    with (root / note).open("a", encoding="utf-8") as f:
        f.write(text)


def test_appends_on_both_machines_are_joined_in_commit_order(run, machines):
    _, a, b = machines
    original = (a / HUB).read_bytes()
    append(a, HUB, "\nFrom a, first.\n")
    sync_json(run, a)
    append(b, HUB, "\nFrom b, second.\n")
    res = run(b, "sync")
    assert res.exit_code == 0, res.stderr
    assert f"joined appends made here and on origin to {HUB}\n" in res.stderr
    assert (b / HUB).read_bytes() == original + b"\nFrom a, first.\n\nFrom b, second.\n"
    assert status(b) == "" and "conflict" not in git(b, "ls-files")
    assert git(b, "rev-parse", "HEAD") == git(b, "rev-parse", "origin/main")
    assert sync_json(run, a)["pulled"] == [HUB]
    assert (a / HUB).read_bytes() == (b / HUB).read_bytes()


def test_a_front_matter_conflict_keeps_both_versions(run, machines):
    _, a, b = machines
    for root, category in ((a, "Science"), (b, "Beauty")):
        path = root / POST
        path.write_text(path.read_text().replace("'Skincare Science'", repr(category)))
    sync_json(run, a)
    res = run(b, "sync")
    assert res.exit_code == 0, res.stderr
    [copy] = [p for p in git(b, "ls-files").split() if ".conflict-" in p]
    assert (
        f"conflict: {POST} changed here and on origin; kept this machine's version, and "
        f"origin's in {copy} (remove one when you have compared them)\n"
    ) in res.stderr
    assert "category: 'Beauty'" in (b / POST).read_text()
    assert "category: 'Science'" in (b / copy).read_text()
    assert "<<<<<<<" not in (b / POST).read_text() + (b / copy).read_text()


def test_a_rebase_is_never_continued_with_conflict_markers(run, machines):
    _, a, b = machines
    # Markers committed by hand (not by vault) on b, at the end of the hub; a appends too.
    append(b, HUB, "<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> abc1234\n")
    git(b, "commit", "-q", "-am", "committed by hand, markers and all")
    head = git(b, "rev-parse", "HEAD")
    append(a, HUB, "\nFrom a.\n")
    sync_json(run, a)
    res = run(b, "sync")
    assert res.exit_code == 1
    assert res.stderr.startswith(f"Error: {HUB} holds git conflict markers (line "), res.stderr
    assert not (b / ".git/rebase-merge").exists() and status(b) == ""
    assert git(b, "rev-parse", "HEAD") == head
    assert "From a." not in git(b, "show", f"HEAD:{HUB}")


def test_deleted_here_and_changed_there_keeps_the_changed_note(run, machines):
    _, a, b = machines
    append(a, POST, "\nStill wanted.\n")
    sync_json(run, a)
    git(b, "rm", "-q", POST)
    git(b, "commit", "-q", "-m", "drop the post")
    out = sync_json(run, b)
    # The deletion had nothing left to do once the note was kept: the rebase dropped it.
    assert out["pushed"] is False and out["conflicts"] == [] and out["pulled"] == [POST]
    assert (b / POST).read_text().endswith("\nStill wanted.\n")
    assert git(b, "rev-parse", "HEAD") == git(b, "rev-parse", "origin/main")
    assert status(b) == "" and not (b / ".git/rebase-merge").exists()


def test_a_note_holding_conflict_markers_is_never_committed(run, machines):
    _, a, _ = machines
    head = git(a, "rev-parse", "HEAD")
    marked = "# Marked\n\nText.\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> abc1234\n"
    (a / "memory/marked.md").write_text(marked)
    res = run(a, "sync")
    assert res.exit_code == 1
    assert res.stderr == (
        "Error: memory/marked.md holds git conflict markers (line 4); vault commits no such "
        "file: keep the text you want, delete the <<<<<<< / ======= / >>>>>>> lines, then run "
        "vault again\n"
    )
    assert git(a, "rev-parse", "HEAD") == head and status(a) == "?? memory/marked.md\n"
    problems = json.loads(run(a, "check", "--json").stdout)["problems"]
    found = [(p["kind"], p["level"], p["note"], p["line"]) for p in problems]
    assert ("conflict_markers", "error", "memory/marked.md", 4) in found
    assert ("conflict_markers", "error", "memory/marked.md", 8) in found
    # Markers shown in a code block are an example, not a conflict: committed, not reported.
    (a / "memory/marked.md").write_text("# Marked\n\n```\n" + marked.split("\n", 3)[3] + "```\n")
    assert sync_json(run, a)["committed"]
    problems = json.loads(run(a, "check", "--json").stdout)["problems"]
    assert [p for p in problems if p["kind"] == "conflict_markers"] == []


def repository_state(root: Path) -> tuple:
    """Refs, index, HEAD and every file of the work tree: "nothing changed"."""
    return (
        git(root, "for-each-ref", "--format=%(refname) %(objectname)"),
        git(root, "rev-parse", "HEAD"),
        (root / ".git/index").read_bytes(),
        snapshot(root),
        (root / ".git/FETCH_HEAD").read_bytes() if (root / ".git/FETCH_HEAD").exists() else b"",
    )


def test_dry_run_says_what_would_happen_and_changes_nothing(run, machines):
    remote, a, b = machines
    from_a = new_note(run, a, "Exosome stability")
    sync_json(run, a)
    from_b = new_note(run, b, "Plant exosomes")  # a local commit
    append(b, HUB, "\nNot committed yet.\n")
    before, remote_before = repository_state(b), git(remote, "rev-parse", "main")
    out = sync_json(run, b, "--dry-run")
    assert repository_state(b) == before and git(remote, "rev-parse", "main") == remote_before
    assert out["dry_run"] is True and out["committed"] is None and out["pushed"] is False
    assert out["pending"] == [HUB] and out["pulled"] == [from_a]
    assert out["outgoing"] == [git(b, "rev-parse", "HEAD").strip()]
    res = run(b, "sync", "--dry-run")
    assert (res.exit_code, res.stdout) == (0, f"{from_a}\n")
    assert res.stderr == (
        "dry run: nothing was committed, pulled or pushed\n"
        f"would commit 1 change:\n  {HUB}\n"
        "would pull 1 changed note from origin/main\n"
        "would push 2 commits to origin/main\n"
    )
    assert repository_state(b) == before
    # And the real sync does what the dry run said.
    out = sync_json(run, b)
    assert out["committed"] and out["pulled"] == [from_a] and out["pushed"] is True
    assert from_b in git(remote, "ls-tree", "-r", "--name-only", "main")


def test_a_push_into_a_checked_out_branch_is_refused_before_trying(run, machines, tmp_path):
    _, a, _ = machines
    c = tmp_path / "c"
    git(tmp_path, "clone", "-q", str(a), str(c))  # a clone of a working checkout
    new_note(run, c, "Made in c")
    head_a = git(a, "rev-parse", "HEAD")
    for args in (("sync",), ("sync", "--dry-run")):
        res = run(c, *args)
        assert res.exit_code == 1
        assert res.stderr == (
            f"Error: remote 'origin' ({a}) is a checkout with main checked out, and git refuses "
            f"to push into it; sync through a bare repository instead (`git clone --bare {a} "
            "shared.git`, then `git remote set-url origin shared.git`); nothing was pushed, "
            "your commits are kept locally\n"
        )
    assert git(a, "rev-parse", "HEAD") == head_a and status(a) == ""


def test_a_remote_that_moved_after_the_fetch_is_fetched_again(run, machines, tmp_path, trust):
    _, a, b = machines
    trust(b)
    # Right after b's fetch updates origin/main, machine a pushes: b rebases onto what is
    # already old, and its push is rejected before it starts ("fetch first").
    marker = tmp_path / "moved"
    hook = b / ".git/hooks/reference-transaction"
    hook.write_text(
        "#!/bin/sh\n"
        "unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE\n"
        '[ "$1" = committed ] || exit 0\n'
        "grep -q refs/remotes/origin/main || exit 0\n"
        f"if [ ! -e '{marker}' ]; then\n"
        f"  touch '{marker}'\n"
        f"  cd '{a}' && echo 'moved' > memory/moved.md && git add memory/moved.md\n"
        "  git commit -q -m 'from a, after the fetch' && git push -q origin HEAD:main\n"
        "fi\n"
    )
    hook.chmod(0o755)
    new_note(run, a, "Before the fetch")
    sync_json(run, a)
    from_b = new_note(run, b, "Pushed after a retry")
    res = run(b, "sync")
    assert res.exit_code == 0, res.stderr
    assert marker.exists()
    assert res.stderr.endswith("pushed to origin/main after 1 retry\n"), res.stderr
    assert git(b, "log", "--format=%s", "-2").splitlines() == [
        f"vault: add {from_b}",
        "from a, after the fetch",
    ]
    assert git(b, "rev-parse", "HEAD") == git(b, "rev-parse", "origin/main")


def test_a_push_race_that_never_ends_stops_after_the_bounded_retries(
    run, machines, tmp_path, trust, monkeypatch
):
    import vault.git.sync as sync_module

    monkeypatch.setattr(sync_module, "MAX_RETRIES", 2)
    monkeypatch.setattr(sync_module, "BACKOFF_BASE", 0.01)
    _, a, b = machines
    trust(b)
    # Machine a pushes first before every one of b's pushes: b can never win the race.
    hook = b / ".git/hooks/pre-push"
    hook.write_text(
        "#!/bin/sh\n"
        "unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE\n"
        f"cd '{a}' && echo x >> memory/raced.md && git add memory/raced.md\n"
        "git commit -q -m 'from a, mid-push' && git push -q origin HEAD:main\n"
    )
    hook.chmod(0o755)
    new_note(run, b, "Never pushed")
    head = git(b, "rev-parse", "HEAD").strip()
    res = run(b, "sync")
    assert res.exit_code == 1
    assert re.fullmatch(
        r"Error: origin/main kept moving: the push was rejected 3 times in \d+ s \(other "
        r"machines pushing\); your commits are kept locally: run `vault sync` again\n",
        res.stderr,
    ), res.stderr
    assert git(b, "log", "-1", "--format=%s") == git(b, "log", "-1", "--format=%s", head)
    assert int(git(b, "rev-list", "--count", "origin/main..HEAD")) == 1


def test_sync_lets_the_write_lock_go_while_it_waits_to_push_again(
    run, machines, tmp_path, trust, monkeypatch
):
    """An agent's `vault new` on this machine is not held up by other machines' pushes: it
    gets the lock while sync waits between tries, and the next try pushes its note too."""
    import vault.git.sync as sync_module

    monkeypatch.setattr(sync_module, "MAX_RETRIES", 2)
    monkeypatch.setattr(sync_module, "BACKOFF_BASE", 2.0)
    monkeypatch.setattr(sync_module.random, "uniform", lambda low, high: high)  # 2 s, 4 s
    _, a, b = machines
    env = trust(b)
    pushed, tried = tmp_path / "pushed.log", tmp_path / "tried"
    hook = b / ".git/hooks/pre-push"
    hook.write_text(  # b names the tip it pushes, then a pushes first: b never wins
        "#!/bin/sh\n"
        "unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE\n"
        f"while read ref sha rest; do git log -1 --format=%s \"$sha\" >> '{pushed}'; done\n"
        f"touch '{tried}'\n"
        f"cd '{a}' && echo x >> memory/raced.md && git add memory/raced.md\n"
        "git commit -q -m 'from a, mid-push' && git push -q origin HEAD:main\n"
    )
    hook.chmod(0o755)
    before = new_note(run, b, "Before the sync")
    result = {}
    syncing = threading.Thread(target=lambda: result.update(res=run(b, "sync")))
    syncing.start()
    try:
        deadline = time.monotonic() + 60
        while not tried.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        made = run_process(
            b, "new", "--title", "Meanwhile", "--date", "2026-03-01", input="", env=env
        )
    finally:
        syncing.join()
    assert made.exit_code == 0, made.stderr
    assert result["res"].exit_code == 1
    assert "the push was rejected 3 times" in result["res"].stderr
    tips = pushed.read_text().splitlines()
    assert tips[0] == f"vault: add {before}", tips
    assert tips[-1] == f"vault: add {made.stdout.strip()}", tips
    assert int(git(b, "rev-list", "--count", "origin/main..HEAD")) == 2


def test_new_commits_inside_the_write_lock_so_a_sync_never_sees_it_half_done(run, git_vault, trust):
    """A sync (typed, or a server's --sync-interval) takes the write lock; a note written
    but not yet committed by `vault new` would be committed by it, or committed by `new`
    in the middle of its rebase. The pre-commit hook looks at the lock while `new` commits."""
    trust(git_vault)
    lock = state_dir(git_vault) / "locks" / "write.lock"
    seen = git_vault.parent / "lock-during-commit"
    hook = git_vault / ".git/hooks/pre-commit"
    hook.write_text(
        f"#!/bin/sh\nif flock -n '{lock}' true; then echo free; else echo held; fi > '{seen}'\n"
    )
    hook.chmod(0o755)
    res = run(git_vault, "new", "--title", "Locked in", "--date", "2026-03-01", input="")
    assert res.exit_code == 0, res.stderr
    assert git(git_vault, "log", "-1", "--format=%s").strip() == f"vault: add {res.stdout.strip()}"
    assert seen.read_text() == "held\n"


def test_new_waits_for_a_syncs_rebase_rather_than_refusing_it(git_vault):
    """A `vault new` that comes while a sync rebases (under the write lock) waits for the
    lock and then writes; only a rebase still there when it has the lock stops it."""
    from vault.locks import write_lock
    from vault.vault import open_vault

    rebasing = git_vault / ".git" / "rebase-merge"
    with write_lock(open_vault(git_vault)):
        rebasing.mkdir()  # as a sync's rebase leaves it, until it ends
        proc = subprocess.Popen(
            [sys.executable, "-m", "vault", "--vault", str(git_vault), "new", "--title",
             "After the rebase", "--date", "2026-03-01"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env={**os.environ, **GIT_ENV},
        )  # fmt: skip
        try:
            proc.wait(5)  # long enough to start, look and refuse, had it looked first
        except subprocess.TimeoutExpired:
            pass
        rebasing.rmdir()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert git(git_vault, "log", "-1", "--format=%s").strip() == f"vault: add {out.strip()}"


def test_a_dirty_file_outside_the_notes_survives_a_rebasing_sync(run, machines):
    _, a, b = machines
    (b / "tracked.txt").write_text("v1\n")
    git(b, "add", "tracked.txt")
    git(b, "commit", "-q", "-m", "tracked file")
    (b / "tracked.txt").write_text("v2, not committed\n")
    new_note(run, a, "From a")
    sync_json(run, a)
    new_note(run, b, "From b")
    out = sync_json(run, b)
    assert len(out["pulled"]) == 1 and out["pushed"] is True
    assert (b / "tracked.txt").read_text() == "v2, not committed\n"
    assert status(b) == " M tracked.txt\n"


def test_missing_and_unreachable_remotes_are_one_line_errors(run, machines, tmp_path):
    _, a, _ = machines
    res = run(a, "sync", "--remote", "backup")
    assert res.exit_code == 1
    assert res.stderr == (
        "Error: no git remote named 'backup' (this repository has: origin); add one with "
        "`git remote add backup URL` or pass --remote NAME\n"
    )
    gone = tmp_path / "gone.git"
    git(a, "remote", "add", "offline", str(gone))
    res = run(a, "sync", "--remote", "offline")
    assert res.exit_code == 1
    assert res.stderr.startswith(f"Error: could not fetch from remote 'offline' ({gone}): ")
    assert "does not appear to be a git repository" in res.stderr
    assert res.stderr.count("\n") == 1


def test_a_repository_without_a_remote_says_how_to_add_one(run, git_vault):
    res = run(git_vault, "sync")
    assert res.exit_code == 1
    assert res.stderr == (
        "Error: no git remote named 'origin'; add one with `git remote add origin URL` or "
        "pass --remote NAME\n"
    )


def test_sync_outside_git_is_a_clear_error(run, vault_copy):
    res = run(vault_copy, "sync")
    assert res.exit_code == 1 and "is not inside a git work tree" in res.stderr


def test_sync_refreshes_the_search_index_for_what_the_pull_changed(run, machines):
    pytest.importorskip("vault.search.index")
    _, a, b = machines
    res = run(b, "search", "exosomes")
    if res.exit_code != 0 or not (state_dir(b) / "index").exists():
        pytest.skip("vault search is not available yet")
    from_a = new_note(run, a, "Zebrafish regeneration")
    sync_json(run, a)
    out = sync_json(run, b)
    assert out["pulled"] == [from_a]
    assert out["index"]["added"] == 1 and out["index"]["updated"] == 0
    assert out["index"]["rebuilt"] is False
    res = run(b, "search", "zebrafish", "--json")
    assert from_a in res.stdout


def test_a_push_race_is_retried_after_pulling_the_other_push(run, machines, tmp_path, trust):
    _, a, b = machines
    trust(b)
    # b's pre-push hook lets machine a push first, once: b's push is then rejected as
    # non-fast-forward, and sync must fetch, rebase and push again.
    marker = tmp_path / "raced"
    hook = b / ".git/hooks/pre-push"
    hook.write_text(
        "#!/bin/sh\n"
        "unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE\n"
        f"if [ ! -e '{marker}' ]; then\n"
        f"  touch '{marker}'\n"
        f"  cd '{a}' && echo 'raced in' > memory/raced.md && git add memory/raced.md\n"
        "  git commit -q -m 'from a, mid-push' && git push -q origin HEAD:main\n"
        "fi\n"
    )
    hook.chmod(0o755)
    early = new_note(run, a, "Already on the remote")  # pulled by the first try
    sync_json(run, a)
    from_b = new_note(run, b, "Pushed second")
    out = sync_json(run, b)
    assert marker.exists()
    # What every try pulled, named once, after the push.
    assert out["pulled"] == sorted([early, "memory/raced.md"]) and out["pushed"] is True
    assert out["retries"] == 1
    assert git(b, "log", "--format=%s", "-2").splitlines() == [
        f"vault: add {from_b}",
        "from a, mid-push",
    ]
    assert git(b, "rev-parse", "HEAD") == git(b, "rev-parse", "origin/main")


# --- remotes that never answer, and remotes with passwords ----------------------------------


@pytest.fixture
def silent_server():
    """A local TCP server that accepts every connection and never sends a byte: its port."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    server.close()
    for conn in held:
        conn.close()


def sync_process(root: Path, *args: str) -> tuple[int, str]:
    """`vault sync` as its own process, stopped (and failed) if it is still running when
    the hang guard runs out: it must end by itself, on its own bounds."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "vault", "--vault", str(root), "sync", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **GIT_ENV, "VAULT_NETWORK_TIMEOUT": "2"},
    )
    try:
        _, err = proc.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("vault sync hung on a remote that never answers")
    return proc.returncode, err


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:{port}/vault.git", "ssh://git@127.0.0.1:{port}/vault.git"],
    ids=["http", "ssh"],
)
def test_a_remote_that_accepts_and_never_answers_fails_in_one_line(git_vault, silent_server, url):
    if url.startswith("ssh") and shutil.which("ssh") is None:
        pytest.skip("no ssh client installed")
    url = url.format(port=silent_server)
    git(git_vault, "remote", "add", "origin", url)
    code, err = sync_process(git_vault)
    assert code == 1
    assert err == (
        f"Error: could not fetch from remote 'origin' ({url}): the remote did not answer "
        "within 2 s; check the URL and the network, or try again later "
        "(VAULT_NETWORK_TIMEOUT sets how long to wait)\n"
    )


def test_credentials_in_a_remote_url_never_reach_a_message(run, git_vault):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: the connection is refused at once
    git(git_vault, "remote", "add", "origin", "unused")
    for url, shown in (
        (f"http://alice:s3cret-pass@127.0.0.1:{port}/v.git", f"http://***@127.0.0.1:{port}/v.git"),
        (f"https://ghp_T0KEN@127.0.0.1:{port}/v.git", f"https://***@127.0.0.1:{port}/v.git"),
    ):
        git(git_vault, "remote", "set-url", "origin", url)
        res = run(git_vault, "sync")
        assert res.exit_code == 1
        assert res.stderr.startswith(f"Error: could not fetch from remote 'origin' ({shown}): ")
        assert "s3cret" not in res.stderr and "T0KEN" not in res.stderr
        assert res.stderr.count("\n") == 1


def test_redact_hides_user_parts_of_web_urls_and_passwords_of_others():
    from vault.git.messages import redact

    assert (
        redact("fatal: 'https://bob:pw@host/x.git' failed")
        == "fatal: 'https://***@host/x.git' failed"
    )
    assert redact("http://token@host/x") == "http://***@host/x"
    assert redact("ssh://git@host:22/x.git") == "ssh://git@host:22/x.git"
    assert redact("ssh://git:pw@host/x.git") == "ssh://git:***@host/x.git"
    assert redact("git@github.com:me/notes.git") == "git@github.com:me/notes.git"
