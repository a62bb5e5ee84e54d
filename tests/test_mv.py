"""`vault mv`: every reference form rewritten in place, one commit that git sees as a rename,
dry runs that write nothing, refusals, and nothing half-done when something fails.

Regenerate the golden diffs after an intended change with:
    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_mv.py
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPORA, GIT_ENV, git, init_repo
from history_helpers import FORMS_VAULT, status, tree, write_forms_vault

from vault.catalog import load_catalog
from vault.mv.plan import plan_edits
from vault.resolve import Resolver
from vault.vault import open_vault

GOLDEN = Path(__file__).resolve().parent / "golden"
HUB = "memory/research/2026-02-14-skin-tech-trends.md"
HUB_NEW = "memory/hubs/skin-tech-trends-2026.md"
DEEP = "memory/research/2026-02-14-exosomes-deep-dive.md"
TARGET = "memory/hub/target.md"
MOVED = "memory/archive/2025/moved.md"


def check_golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(data)
    assert data == path.read_bytes()


def vault_bytes(root: Path, *args: str) -> bytes:
    """The CLI's stdout as bytes (CliRunner and text pipes would turn CRLF into LF)."""
    argv = [sys.executable, "-m", "vault", "--vault", str(root), *args]
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(argv, capture_output=True, check=True, env=env).stdout


@pytest.fixture
def forms(tmp_path) -> Path:
    return write_forms_vault(tmp_path / "forms")


def links_to(root: Path, note_id: str) -> list[tuple[str, int]]:
    """(note, line) of every link and Parent header resolving to note_id, from a fresh scan."""
    catalog = load_catalog(open_vault(root), use_cache=False)
    out = []
    for rec in catalog.records.values():
        for link in rec.links:
            if catalog.resolver.resolve_link(link, rec.id).id == note_id:
                out.append((rec.id, link.line))
        if catalog.parent_id(rec.id) == note_id:
            out.append((rec.id, 0))
    return sorted(out)


# --- dry runs ----------------------------------------------------------------------------------


def test_dry_run_on_the_example_vault_matches_the_golden_diff_and_writes_nothing(run, git_vault):
    before, before_status = tree(git_vault), status(git_vault)
    res = run(git_vault, "mv", HUB, HUB_NEW, "--dry-run")
    assert res.exit_code == 0, res.stderr
    check_golden("mv_example.diff", res.stdout.encode())
    # The deep dive's Parent header follows; the hub's own relative link gets a new base.
    assert f"-Parent: {HUB}\n+Parent: {HUB_NEW}\n" in res.stdout
    assert "would move 1 note; would rewrite references in 2 notes" in res.stderr
    assert tree(git_vault) == before
    assert status(git_vault) == before_status
    assert git(git_vault, "rev-list", "--count", "HEAD").strip() == "1"


def test_dry_run_on_every_link_form_matches_the_golden_diff(run, forms):
    before = tree(forms)
    check_golden("mv_forms.diff", vault_bytes(forms, "mv", TARGET, MOVED, "--dry-run"))
    assert tree(forms) == before
    assert not (forms / "memory/archive").exists()


def test_the_dry_run_diff_applies_to_give_what_the_move_does(run, forms, tmp_path):
    twin = tmp_path / "twin"
    shutil.copytree(forms, twin)
    diff = vault_bytes(forms, "mv", TARGET, MOVED, "--dry-run")
    subprocess.run(["git", "apply", "-"], cwd=twin, input=diff, check=True)
    assert run(forms, "mv", TARGET, MOVED).exit_code == 0
    assert tree(twin) == tree(forms)


def test_dry_run_json_carries_the_plan_and_the_diff(run, git_vault):
    res = run(git_vault, "mv", HUB, HUB_NEW, "--dry-run", "--json")
    data = json.loads(res.stdout)
    assert data["moved"] == [{"from": HUB, "to": HUB_NEW}]
    assert data["rewritten"] == [HUB_NEW, DEEP]
    assert data["commit"] is None
    assert data["diff"].startswith("diff --git a/")


# --- the move itself -----------------------------------------------------------------------------


def test_move_commits_one_rename_with_the_rewrites_and_log_follows_it(run, git_vault):
    res = run(git_vault, "mv", HUB, HUB_NEW, "--json")
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["commit"] == git(git_vault, "rev-parse", "HEAD").strip()
    assert data["warnings"] == []
    changes = git(git_vault, "show", "-M", "--name-status", "--format=%s", "HEAD").split("\n")
    assert changes[0] == f"vault: move {HUB} -> {HUB_NEW}"
    assert f"M\t{DEEP}" in changes
    assert any(c.startswith("R") and c.endswith(f"\t{HUB}\t{HUB_NEW}") for c in changes)
    assert status(git_vault) == ""
    follow = git(git_vault, "log", "--follow", "--format=%s", "--", HUB_NEW).split("\n")
    assert follow[:2] == [f"vault: move {HUB} -> {HUB_NEW}", "initial"]
    assert (git_vault / DEEP).read_text().count(f"Parent: {HUB_NEW}\n") == 1
    assert links_to(git_vault, HUB_NEW) == [(DEEP, 0)]
    # The emptied folder is not left behind; other notes are untouched.
    assert not (git_vault / "memory/research/2026-02-14-skin-tech-trends.md").exists()


def test_move_and_move_back_is_byte_identical_on_the_example_vault(run, git_vault):
    before = tree(git_vault)
    assert run(git_vault, "mv", HUB, HUB_NEW).exit_code == 0
    assert tree(git_vault) != before
    assert run(git_vault, "mv", HUB_NEW, HUB).exit_code == 0
    assert tree(git_vault) == before
    assert not (git_vault / "memory/hubs").exists()
    assert status(git_vault) == ""
    assert git(git_vault, "diff", "HEAD~2", "HEAD") == ""


def test_every_link_form_is_rewritten_in_place_and_round_trips(run, forms):
    before = tree(forms)
    old_links = links_to(forms, TARGET)
    res = run(forms, "mv", TARGET, MOVED)
    assert res.exit_code == 0, res.stderr
    after = tree(forms)
    # Every reference that resolved to the note resolves to it at its new place, and no
    # reference was lost or gained.
    assert sorted(n for n, _ in links_to(forms, MOVED)) == sorted(
        n.replace(TARGET, MOVED) for n, _ in old_links
    )
    assert len(old_links) == 30
    crlf = after["memory/a/crlf.md"]
    assert crlf.count(b"\r\n") == crlf.count(b"\n") == 5
    assert b"Parent: memory/archive/2025/moved.md\r\n" in crlf
    plain = after["memory/a/plain.md"].decode()
    assert "Inline `[t](../hub/target.md)` code" in plain
    assert "```\n[t](../hub/target.md) [[target]]\n```" in plain
    assert "a dangling [t](target.md)." in plain
    assert '[t](../archive/2025/moved.md "The hub")' in plain
    assert "site-rooted [t](/archive/2025/moved) and [t](/memory/archive/2025/moved.md)" in plain
    wiki = after["memory/a/wiki.md"].decode()
    assert "parent: '[[moved]]'\n" in wiki
    assert "heading [[moved#Trends|trends]]" in wiki
    assert "| a | [[moved\\|in a table]] |" in wiki
    yaml_up = after["memory/a/yaml-up.md"].decode()
    assert "# a comment that mentions memory/hub/target.md stays\n" in yaml_up
    assert "extra:   {keep: 'this spacing'}\n" in yaml_up
    assert after["memory/a/unrelated.md"] == before["memory/a/unrelated.md"]
    moved = after[MOVED].decode()
    assert "![picture](../../hub/img/pic.png)" in moved
    assert "[root link](memory/a/plain.md)" in moved
    assert "[web page](https://example.com/target.md) and [[moved]]" in moved
    assert after["memory/hub/img/pic.png"] == before["memory/hub/img/pic.png"]
    # And back again: every byte as it was.
    assert run(forms, "mv", MOVED, TARGET).exit_code == 0
    assert tree(forms) == before
    assert status(forms) == ""


def test_a_folder_moves_with_links_between_its_notes_kept(run, forms):
    res = run(forms, "mv", "memory/hub", "memory/centre", "--json")
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["moved"] == [
        {"from": "memory/hub/sibling.md", "to": "memory/centre/sibling.md"},
        {"from": "memory/hub/target.md", "to": "memory/centre/target.md"},
    ]
    files = tree(forms)
    # Links between moved notes did not change; the attachment stayed and is followed.
    assert files["memory/centre/sibling.md"] == FORMS_VAULT["memory/hub/sibling.md"].encode()
    assert "![picture](../hub/img/pic.png)" in files["memory/centre/target.md"].decode()
    assert "memory/hub/img/pic.png" in files
    assert "[[target]]" in files["memory/a/wiki.md"].decode()  # the stem did not change
    assert "Parent: memory/centre/target.md" in files["memory/a/header-parent.md"].decode()
    assert links_to(forms, "memory/centre/target.md")
    names = git(forms, "show", "-M", "--name-status", "--format=", "HEAD")
    assert "R100\tmemory/hub/sibling.md\tmemory/centre/sibling.md" in names
    assert status(forms) == ""
    # Back into the folder the attachment kept alive: names are free, so it is allowed.
    assert run(forms, "mv", "memory/centre", "memory/hub").exit_code == 0
    assert tree(forms) == {k: v.encode() for k, v in FORMS_VAULT.items()}


def test_new_path_is_relative_to_the_working_directory_inside_the_vault(run, git_vault):
    res = run(
        git_vault, "mv", "2026-02-14-skin-tech-trends.md", "../hubs/", cwd=(git_vault / HUB).parent
    )
    assert res.exit_code == 0, res.stderr
    assert res.stdout == f"{HUB} -> memory/hubs/2026-02-14-skin-tech-trends.md\n"
    assert (git_vault / "memory/hubs/2026-02-14-skin-tech-trends.md").is_file()


def test_a_taken_stem_gets_path_wikilinks_so_nothing_changes_meaning(run, tmp_path):
    root = tmp_path / "v"
    (root / "memory/a").mkdir(parents=True)
    (root / "memory/b").mkdir()
    (root / "memory/a/one.md").write_text("# One\n\nSee [[two]] and [[other]].\n")
    (root / "memory/a/two.md").write_text("# Two\n\nBody.\n")
    (root / "memory/b/other.md").write_text("# Other\n\nBody.\n")
    init_repo(root)
    # Renaming two.md to other.md (another folder's stem): from memory/a/ the nearer one is
    # memory/a/sub/other.md, so [[two]] becomes [[other]] and the existing [[other]], which
    # would now mean the moved note, gets an explicit path.
    res = run(root, "mv", "memory/a/two.md", "memory/a/sub/other.md")
    assert res.exit_code == 0, res.stderr
    text = (root / "memory/a/one.md").read_text()
    assert text == "# One\n\nSee [[other]] and [[memory/b/other]].\n"
    assert sorted(links_to(root, "memory/a/sub/other.md")) == [("memory/a/one.md", 3)]
    assert links_to(root, "memory/b/other.md") == [("memory/a/one.md", 3)]


def test_untouched_dirty_and_staged_files_stay_out_of_the_commit(run, git_vault):
    (git_vault / "notes.txt").write_text("untracked\n")
    (git_vault / "staged.txt").write_text("staged\n")
    git(git_vault, "add", "staged.txt")
    article = git_vault / "memory/articles/the-rising-trend-of-exosomes-in-skincare.md"
    article.write_text(article.read_text() + "\nan edit in progress\n")
    res = run(git_vault, "mv", HUB, HUB_NEW)
    assert res.exit_code == 0, res.stderr
    committed = git(git_vault, "show", "--name-only", "--format=", "-M", "HEAD").split()
    assert sorted(committed) == sorted([DEEP, HUB_NEW])
    assert sorted(status(git_vault).splitlines()) == [
        " M memory/articles/the-rising-trend-of-exosomes-in-skincare.md",
        "?? notes.txt",
        "A  staged.txt",
    ]


def test_no_commit_leaves_the_move_staged(run, git_vault):
    head = git(git_vault, "rev-parse", "HEAD")
    res = run(git_vault, "mv", HUB, HUB_NEW, "--no-commit", "--json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["commit"] is None
    assert git(git_vault, "rev-parse", "HEAD") == head
    staged = git(git_vault, "diff", "--cached", "-M", "--name-status").splitlines()
    assert f"M\t{DEEP}" in staged
    assert any(s.startswith("R") and s.endswith(f"{HUB}\t{HUB_NEW}") for s in staged)
    assert git(git_vault, "diff", "--name-only") == ""  # nothing left unstaged


def test_an_untracked_note_moves_on_disk_only_with_a_warning(run, git_vault):
    draft = git_vault / "memory/research/draft.md"
    draft.write_text(f"# Draft\n\nParent: {HUB}\n")
    res = run(git_vault, "mv", "memory/research/draft.md", "memory/drafts/draft.md")
    assert res.exit_code == 0, res.stderr
    assert "not tracked by git" in res.stderr
    assert (git_vault / "memory/drafts/draft.md").read_text() == f"# Draft\n\nParent: {HUB}\n"
    assert status(git_vault) == "?? memory/drafts/draft.md\n"


# --- failures ----------------------------------------------------------------------------------


def test_a_failing_commit_puts_every_file_and_the_index_back(run, git_vault, trust):
    trust(git_vault)
    (git_vault / "staged.txt").write_text("staged\n")
    git(git_vault, "add", "staged.txt")
    hook = git_vault / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho 'refused by the hook' >&2\nexit 1\n")
    hook.chmod(0o755)
    before, before_status = tree(git_vault), status(git_vault)
    index_before = git(git_vault, "ls-files", "-s")
    res = run(git_vault, "mv", HUB, HUB_NEW)
    assert res.exit_code == 1
    assert res.stderr.startswith("Error: git commit failed")
    assert "refused by the hook" in res.stderr
    assert tree(git_vault) == before
    assert status(git_vault) == before_status
    assert git(git_vault, "ls-files", "-s") == index_before
    assert not (git_vault / "memory/hubs").exists()


def test_a_failure_midway_through_the_git_steps_puts_everything_back(run, git_vault):
    # git refuses to add a file in an ignored folder: the note is already renamed and its
    # old index entry removed by then, so all of that must be undone.
    (git_vault / ".gitignore").write_text("memory/hubs/\n")
    git(git_vault, "add", ".gitignore")
    git(git_vault, "commit", "-q", "-m", "ignore hubs")
    before, index_before = tree(git_vault), git(git_vault, "ls-files", "-s")
    res = run(git_vault, "mv", HUB, HUB_NEW)
    assert res.exit_code == 1
    assert res.stderr.startswith("Error: git add failed") and "ignored" in res.stderr
    assert tree(git_vault) == before
    assert git(git_vault, "ls-files", "-s") == index_before
    assert status(git_vault) == ""
    assert not (git_vault / "memory/hubs").exists()


@pytest.mark.parametrize(
    "ref, new_path, message",
    [
        (HUB, "../outside.md", "is outside the notes folder"),
        (HUB, "/tmp/elsewhere.md", "is outside the notes folder"),
        (HUB, DEEP, f"{DEEP} already exists"),
        (HUB, "memory/hubs/skin.txt", "must end in .md"),
        (HUB, HUB, "is already there"),
        (HUB, "memory/.hidden/x.md", "hidden files and folders"),
        ("memory", "memory/x", "cannot move the notes folder itself"),
        ("memory/research", "memory/research/deeper", "into itself"),
        ("no-such-note", "memory/x.md", "no note matches 'no-such-note'"),
    ],
)
def test_refusals_are_one_line_errors_and_change_nothing(run, git_vault, ref, new_path, message):
    before = tree(git_vault)
    res = run(git_vault, "mv", ref, new_path)
    assert res.exit_code == 1
    assert res.stderr.startswith("Error: ") and message in res.stderr
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr
    assert tree(git_vault) == before
    assert status(git_vault) == ""


def test_mv_lists_the_moves_on_stdout_and_says_what_it_did_on_stderr(run, git_vault, tmp_path):
    res = run(git_vault, "mv", HUB, HUB_NEW, "--no-commit")
    assert res.exit_code == 0, res.stderr
    assert res.stdout == f"{HUB} -> {HUB_NEW}\n"
    assert res.stderr == (
        "moved 1 note; rewrote references in 2 notes\n"
        "not committed (--no-commit); in git, review with `git diff --cached`\n"
    )
    git(git_vault, "commit", "-q", "-m", "the move")
    res = run(git_vault, "mv", HUB_NEW, HUB)
    assert res.exit_code == 0, res.stderr
    sha = git(git_vault, "rev-parse", "HEAD").strip()
    assert res.stdout == f"{HUB_NEW} -> {HUB}\n"
    assert res.stderr == (f"moved 1 note; rewrote references in 2 notes\ncommitted {sha[:10]}\n")


def test_outside_git_mv_needs_no_commit(run, vault_copy):
    res = run(vault_copy, "mv", HUB, HUB_NEW)
    assert res.exit_code == 1
    assert "is not inside a git work tree" in res.stderr and "--no-commit" in res.stderr
    assert run(vault_copy, "mv", HUB, HUB_NEW, "--dry-run").exit_code == 0
    res = run(vault_copy, "mv", HUB, HUB_NEW, "--no-commit")
    assert res.exit_code == 0, res.stderr
    assert f"Parent: {HUB_NEW}" in (vault_copy / DEEP).read_text()


def test_two_moves_at_once_from_separate_processes_both_succeed(git_vault):
    env = {**os.environ, **GIT_ENV}
    cmd = [sys.executable, "-m", "vault", "--vault", str(git_vault), "mv"]
    procs = [
        subprocess.Popen([*cmd, HUB, HUB_NEW], env=env, stderr=subprocess.PIPE, text=True),
        subprocess.Popen(
            [*cmd, "memory/posts/2026-01-11-exosomes-in-k-beauty.md", "memory/k-beauty.md"],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        ),
    ]
    for proc in procs:
        assert proc.wait(timeout=120) == 0, proc.stderr.read()
    assert status(git_vault) == ""
    assert git(git_vault, "rev-list", "--count", "HEAD").strip() == "3"
    # The hub's link to the moved post was rewritten by whichever move ran second.
    hub = (git_vault / HUB_NEW).read_text()
    assert "[Exosomes in K-Beauty](../k-beauty.md)" in hub
    assert links_to(git_vault, "memory/k-beauty.md") == [(HUB_NEW, 19)]


# --- the planner on its own --------------------------------------------------------------------


def plan_for(texts: dict[str, str], moves: dict[str, str]):
    from vault.notes import parse_note

    records = {i: parse_note(t, i).record for i, t in texts.items()}
    resolver = Resolver.build(((i, r.title) for i, r in records.items()), "memory/")
    return plan_edits(records, resolver, "memory/", moves, texts.get)


def test_planner_keeps_an_explicit_dot_slash_and_percent_escapes():
    texts = {
        "memory/a/x.md": "# X\n\n[a](./y.md) [b](./y%20z.md#h) [c](<y z.md>)\n",
        "memory/a/y.md": "# Y\n",
        "memory/a/y z.md": "# YZ\n",
    }
    plan = plan_for(texts, {"memory/a/y.md": "memory/a/w.md", "memory/a/y z.md": "memory/a/v w.md"})
    assert plan.edits["memory/a/x.md"][1] == (
        "# X\n\n[a](./w.md) [b](./v%20w.md#h) [c](<v w.md>)\n"
    )


def test_planner_reports_a_parent_it_cannot_edit_instead_of_guessing():
    texts = {
        # Folded YAML: the value is not on the key's line.
        "memory/a/x.md": "---\nparent: >\n  memory/a/y.md\n---\nBody.\n",
        "memory/a/y.md": "# Y\n",
    }
    plan = plan_for(texts, {"memory/a/y.md": "memory/b/y.md"})
    assert "memory/a/x.md" not in plan.edits
    assert plan.warnings and "Parent header" in plan.warnings[0]


# --- a real vault ---------------------------------------------------------------------------------


def resolutions(root: Path) -> dict[tuple[str, object], str | None]:
    """(note, link index or "P") -> resolved id, for every link and Parent in a vault."""
    catalog = load_catalog(open_vault(root), use_cache=False)
    out: dict[tuple[str, object], str | None] = {}
    for rec in catalog.records.values():
        for i, link in enumerate(rec.links):
            out[(rec.id, i)] = catalog.resolver.resolve_link(link, rec.id).id
        if rec.parent_ref:
            out[(rec.id, "P")] = catalog.parent_id(rec.id)
    return out


@pytest.mark.skipif(not (CORPORA / "foam/docs").is_dir(), reason="corpus not available")
def test_moving_foams_most_linked_note_keeps_every_link_meaning_the_same(run, tmp_path):
    root = tmp_path / "foam"
    shutil.copytree(CORPORA / "foam/docs", root)
    init_repo(root)
    before, files = resolutions(root), tree(root)
    src, dst = "user/features/tags.md", "user/tagging/tags-feature.md"
    assert sum(1 for t in before.values() if t == src) >= 20
    res = run(root, "mv", src, dst, "--json")
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["warnings"] == []
    after = resolutions(root)
    for (note, i), target in before.items():
        key = (dst if note == src else note, i)
        assert after[key] == (dst if target == src else target), key
    # Exactly the notes reported as rewritten changed; all the others are byte-identical.
    rewritten = set(data["rewritten"])
    for rel, data_before in files.items():
        if rel != src and rel not in rewritten:
            assert (root / rel).read_bytes() == data_before, rel
    assert run(root, "mv", dst, src).exit_code == 0
    assert tree(root) == files


def test_planner_escapes_only_what_would_break_a_link():
    texts = {
        "memory/a/x.md": "# X\n\n[a](y.md) [b](caf%C3%A9.md)\n",
        "memory/a/y.md": "# Y\n",
        "memory/a/café.md": "# Café\n",
    }
    moves = {"memory/a/y.md": "memory/a/summer été (1).md", "memory/a/café.md": "memory/b/café.md"}
    plan = plan_for(texts, moves)
    assert plan.edits["memory/a/x.md"][1] == (
        "# X\n\n[a](summer%20été%20%281%29.md) [b](../b/caf%C3%A9.md)\n"
    )
