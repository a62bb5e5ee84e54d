"""What the machine refuses is one line on stderr, not a traceback: a name longer than the
file system allows, a file where a folder must go, a derived-data folder that cannot be
made, a shell left in a folder since removed (with a server running and without). And a
--depth past the end of the tree answers at once."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import GIT_ENV, git, run_process, snapshot
from test_serve import serve, vault  # noqa: F401 - `serve` is a fixture

HUB = "memory/research/2026-02-14-skin-tech-trends.md"
TOO_LONG = "y" * 300  # over NAME_MAX (255) on every file system Linux has


def _one_line(res, *words: str) -> None:
    assert res.exit_code == 1, (res.stdout, res.stderr)
    assert res.stderr.startswith("Error: ") and len(res.stderr.splitlines()) == 1, res.stderr
    for word in words:
        assert word in res.stderr, res.stderr


def test_init_where_no_folder_can_be_made(tmp_path, run) -> None:
    _one_line(
        run(None, "init", str(tmp_path / TOO_LONG)),
        "cannot make the vault folder",
        "File name too long",
    )
    (tmp_path / "afile").write_text("in the way\n")
    _one_line(
        run(None, "init", str(tmp_path / "afile" / "sub")),
        f"cannot make the vault folder {tmp_path / 'afile' / 'sub'}: Not a directory",
    )
    assert sorted(os.listdir(tmp_path)) == ["afile"]


def test_mv_of_a_name_too_long_for_the_file_system(git_vault, run) -> None:
    before = snapshot(git_vault)
    res = run(git_vault, "mv", "x" * 5000, "memory/x.md")
    _one_line(res, "no note matches 'xxxx")
    assert snapshot(git_vault) == before


def test_a_derived_data_folder_that_cannot_be_made(git_vault, run, tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache should go\n")
    monkeypatch.setenv("VAULT_CACHE_DIR", str(blocker))
    res = run(git_vault, "search", "exosome")
    _one_line(
        res,
        f"cannot make the folder of derived data {blocker}/",
        "Not a directory; set VAULT_CACHE_DIR to a folder you can write",
    )
    assert blocker.read_text() == "a file where the cache should go\n"


def _in_a_removed_folder(tmp_path, root, *args: str, served: bool):
    """`vault ARGS` run by a shell whose working folder was removed under it."""
    gone = tmp_path / "gone"
    gone.mkdir()
    env = {**os.environ, **GIT_ENV}
    env.pop("VAULT_NO_SERVER", None)
    if not served:
        env["VAULT_NO_SERVER"] = "1"
    script = 'cd "$1" && rmdir "$1" && shift && exec "$@"'
    argv = ["sh", "-c", script, "sh", str(gone), sys.executable, "-m", "vault"]
    return subprocess.run(
        [*argv, "--vault", str(root), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_a_shell_in_a_removed_folder_alone_and_served(git_vault, serve, tmp_path) -> None:  # noqa: F811
    said = "Error: the current folder no longer exists; cd to one that does\n"
    alone = _in_a_removed_folder(tmp_path, git_vault, "list", served=False)
    assert (alone.returncode, alone.stdout, alone.stderr) == (1, "", said)
    server = serve(git_vault)
    served = _in_a_removed_folder(tmp_path, git_vault, "list", served=True)
    assert (served.returncode, served.stdout, served.stderr) == (1, "", said)
    code, out, _ = vault(git_vault, "list")  # the server is well and still answers
    assert code == 0 and HUB in out.decode()
    server.stop()


def test_a_depth_past_the_end_of_the_tree_answers_at_once(git_vault) -> None:
    """Ten to the twentieth levels: the tree ends after two, so does the walk (it counted to
    the depth before, and never answered)."""
    deep = run_process(git_vault, "context", HUB, "--depth", str(10**20), "--json")
    assert deep.exit_code == 0, deep.stderr
    assert deep.stdout == run_process(git_vault, "context", HUB, "--depth", "50", "--json").stdout
    assert git(git_vault, "status", "--porcelain") == ""
