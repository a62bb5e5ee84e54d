"""Derived data: kept outside the vault, data only, rebuilt when stale; nothing a vault's files
bring can make vault run code."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import sys

from conftest import GIT_ENV, git, init_repo, run_process, snapshot, state_dir


class _Payload:
    """Unpickling this runs a shell command that leaves a marker file."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def plant_pickles(root, marker):
    """Crafted files where earlier versions kept their cache and index manifest."""
    for rel in (".vault/cache/notes.pickle", ".vault/index/manifest.pickle"):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(_Payload(marker)))
    (root / ".vault" / "index" / "_MAIN_1.toc").write_bytes(pickle.dumps(_Payload(marker)))


def poison_toc(toc, marker) -> None:
    """Replace the segment list Whoosh unpickles from its table of contents with _Payload,
    keeping every field read before it, so a Whoosh opening this index runs the payload."""
    import io

    from whoosh.filedb.structfile import StructFile

    data = toc.read_bytes()
    stream = StructFile(io.BytesIO(data))
    for _ in range(3):  # the sizes of int, long and float
        stream.read_varint()
    stream.read_int(), stream.read_int()  # the byte-order check and the version
    for _ in range(3):  # Whoosh's release
        stream.read_varint()
    stream.skip_string()  # the schema (pickled too; vault gives its own)
    stream.read_int(), stream.read_int()  # the generation, and one unused
    toc.write_bytes(data[: stream.tell()] + pickle.dumps(_Payload(marker)))


def test_crafted_derived_files_in_the_vault_never_run(vault_copy, tmp_path):
    marker = tmp_path / "pwned"
    plant_pickles(vault_copy, marker)
    for args in (["list"], ["search", "exosome"], ["graph"], ["check"], ["show", "hub"]):
        run_process(vault_copy, *args)
    assert not marker.exists()


def test_a_pushed_crafted_cache_never_runs_after_sync(tmp_path):
    """One clone force-adds a crafted cache and pushes; the other syncs and lists."""
    marker = tmp_path / "pwned"
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    a = tmp_path / "a"
    shutil.copytree(os.path.join(os.path.dirname(__file__), "..", "memory"), a / "memory")
    init_repo(a)
    git(a, "remote", "add", "origin", str(remote))
    git(a, "push", "-q", "origin", "main")
    git(tmp_path, "clone", "-q", str(remote), "b")
    b = tmp_path / "b"
    assert run_process(b, "list").exit_code == 0
    plant_pickles(a, marker)
    git(a, "add", "-f", ".vault")
    git(a, "commit", "-qm", "cache")
    git(a, "push", "-q", "origin", "main")
    res = run_process(b, "sync", env=GIT_ENV)
    assert res.exit_code == 0, res.stderr
    assert (b / ".vault" / "cache" / "notes.pickle").exists()  # it did arrive
    for args in (["list"], ["search", "exosome"]):
        assert run_process(b, *args).exit_code == 0
    assert not marker.exists()


def test_derived_data_is_outside_the_vault_and_data_only(vault_copy):
    assert run_process(vault_copy, "search", "exosome").exit_code == 0
    state = state_dir(vault_copy)
    assert vault_copy not in state.parents
    assert not (vault_copy / ".vault").exists()
    with open(state / "catalog.sqlite3", "rb") as fh:
        assert fh.read(16) == b"SQLite format 3\x00"


def test_an_edit_that_keeps_size_and_mtime_is_seen(run, vault_copy):
    """As git does: the inode and ctime change even when an editor puts the mtime back."""
    note = vault_copy / "memory" / "research" / "2026-02-14-exosomes-deep-dive.md"
    assert run(vault_copy, "list", "--json").exit_code == 0
    before = note.stat()
    text = note.read_text(encoding="utf-8")
    new = text.replace("Technical Supplement", "Technical Supplemenx")
    assert len(new) == len(text)
    tmp = note.with_suffix(".tmp")
    tmp.write_text(new, encoding="utf-8")
    os.replace(tmp, note)
    os.utime(note, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert note.stat().st_mtime_ns == before.st_mtime_ns and note.stat().st_size == before.st_size
    listed = json.loads(run(vault_copy, "list", "--json").stdout)
    assert {n["type"] for n in listed if n["id"].endswith("deep-dive.md")} == {
        "Technical Supplemenx"
    }
    hits = run(vault_copy, "search", "type:supplemenx", "--paths").stdout.split()
    assert hits == ["memory/research/2026-02-14-exosomes-deep-dive.md"]


def test_a_copied_vault_is_not_indexed_again(vault_copy, tmp_path):
    """New inodes, same bytes: the catalog reads the files again, the index writes nothing."""
    assert run_process(vault_copy, "index").exit_code == 0
    copy = tmp_path / "copy"
    shutil.copytree(vault_copy, copy)
    shutil.copytree(state_dir(vault_copy), state_dir(copy))
    out = json.loads(run_process(copy, "index", "--json").stdout)
    assert out["added"] == out["updated"] == out["removed"] == 0 and not out["rebuilt"]


def test_a_damaged_catalog_is_rebuilt(run, vault_copy):
    first = run(vault_copy, "list", "--json").stdout
    (state_dir(vault_copy) / "catalog.sqlite3").write_bytes(b"not a database at all" * 100)
    res = run(vault_copy, "list", "--json")
    assert res.exit_code == 0 and res.stdout == first


def test_the_state_folder_follows_xdg_and_vault_cache_dir(vault_copy, tmp_path):
    env = {"VAULT_CACHE_DIR": str(tmp_path / "elsewhere")}
    assert run_process(vault_copy, "search", "exosome", env=env).exit_code == 0
    assert list((tmp_path / "elsewhere").glob("vault-*/catalog.sqlite3"))
    assert sys.executable  # the child ran with the same interpreter


def test_a_cache_folder_inside_the_vault_is_refused(vault_copy, tmp_path):
    """Derived data is read back as trusted (Whoosh's files are pickles): a cache folder
    inside the vault (where a pull or a synced folder can bring files) is refused, with one
    line saying how to fix it, before anything there is read or written. Here the vault
    brings a whole, current copy of its derived data whose index table of contents runs a
    command when unpickled."""
    marker = tmp_path / "pwned"
    outside = tmp_path / "elsewhere"
    res = run_process(vault_copy, "search", "exosome", env={"VAULT_CACHE_DIR": str(outside)})
    assert res.exit_code == 0, res.stderr
    [built] = outside.iterdir()
    brought = vault_copy / ".cache"
    shutil.copytree(built, brought / built.name)
    [toc] = (brought / built.name / "index").glob("_MAIN_*.toc")
    poison_toc(toc, marker)
    before = snapshot(vault_copy)
    for env, cwd in (
        ({"VAULT_CACHE_DIR": str(brought)}, None),
        ({"VAULT_CACHE_DIR": ".cache"}, vault_copy),  # relative: from the working folder
        ({"XDG_CACHE_HOME": str(vault_copy / "memory")}, None),
    ):
        res = run_process(vault_copy, "search", "exosome", env=env, cwd=cwd)
        assert not marker.exists(), "a file that came with the vault ran a command"
        assert res.exit_code == 1, res.stderr
        [line] = res.stderr.splitlines()
        assert line.startswith("Error: vault's derived-data folder ") and "VAULT_CACHE_DIR" in line
    assert snapshot(vault_copy) == before


def test_a_cache_folder_inside_the_git_work_tree_is_refused(tmp_path):
    """The vault may be one folder of a larger repository: its files arrive the same way."""
    repo = tmp_path / "repo"
    (repo / "notes" / "memory").mkdir(parents=True)
    (repo / "notes" / "memory" / "idea.md").write_text("# Idea\n\nAn idea.\n", encoding="utf-8")
    init_repo(repo)
    res = run_process(repo / "notes", "list", env={"VAULT_CACHE_DIR": str(repo / "cache")})
    assert res.exit_code == 1 and "inside the git work tree" in res.stderr
    assert not (repo / "cache").exists()
    res = run_process(repo / "notes", "list", env={"VAULT_CACHE_DIR": str(tmp_path / "cache")})
    assert res.exit_code == 0 and "Idea" in res.stdout


# --- symbolic links ----------------------------------------------------------------------------


def test_a_symlink_into_git_is_never_read(run, tmp_path):
    """A note symlinked to .git/config (a password in a remote URL) is neither indexed nor
    shown, in a vault whose notes folder is its root, and the list says why."""
    root = tmp_path / "plain"
    root.mkdir()
    (root / "idea.md").write_text("# Idea\n\nA real note.\n", encoding="utf-8")
    init_repo(root)
    git(root, "remote", "add", "origin", "https://ada:hunter2secret@example.com/notes.git")
    (root / "config.md").symlink_to(root / ".git" / "config")
    res = run(root, "list", "--json")
    assert [n["id"] for n in json.loads(res.stdout)] == ["idea.md"]
    assert "config.md: a symbolic link into a hidden folder" in res.stderr
    for args in (["search", "hunter2secret"], ["show", "config"], ["graph"], ["check"]):
        res = run(root, *args)
        assert "hunter2secret" not in res.stdout + res.stderr, args


def test_a_symlink_outside_the_notes_folder_is_never_read(run, vault_copy, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("# Secret\n\nprivate-word-xyz\n", encoding="utf-8")
    (vault_copy / "memory" / "leak.md").symlink_to(secret)
    (vault_copy / "memory" / "inside.md").symlink_to(vault_copy / "memory" / "posts")
    res = run(vault_copy, "list", "--json")
    ids = {n["id"] for n in json.loads(res.stdout)}
    assert "memory/leak.md" not in ids and "memory/inside.md" not in ids
    assert "memory/leak.md: a symbolic link to a file outside the notes folder" in res.stderr
    assert run(vault_copy, "search", "private-word-xyz", "--paths").stdout == ""


def test_a_symlink_to_a_note_inside_the_notes_folder_is_a_note(run, vault_copy):
    target = vault_copy / "memory" / "posts" / "2026-01-11-exosomes-in-k-beauty.md"
    (vault_copy / "memory" / "alias.md").symlink_to(target)
    res = run(vault_copy, "list", "--json")
    assert "memory/alias.md" in {n["id"] for n in json.loads(res.stdout)}
    assert "symbolic link" not in res.stderr
