"""`vault replace`, `set`, `rm` and `restore`: through the CLI and through the official MCP
client, on real files in real git. Each write is guarded by the hash the writer read, refused
during a rebase, one commit with provenance trailers, and changes no other byte."""

from __future__ import annotations

import hashlib
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import GIT_ENV, git, init_repo, run_process

YAML_NOTE = (
    "---\n"
    "# kept comment\n"
    "title: 'Odd: quoted title'\n"
    "date: 2026-03-01\n"
    'zeta: "double quoted"\n'
    "unknown_key: {a: 1}\n"
    "tags:\n"
    "  - alpha\n"
    "  - beta\n"
    "---\n"
    "\n"
    "# Odd: quoted title\n"
    "\n"
    "Body with a fact: 6 months.\n"
    "\n"
    "## Details\n"
    "\n"
    "Old details.\n"
    "\n"
    "## Sources\n"
    "\n"
    "- one\n"
)
HEADER_NOTE = (
    "# Header note\r\n"
    "\r\n"
    "Date: 2026-03-02\r\n"
    "**Type:** Note\r\n"
    "Tags: alpha, beta\r\n"
    "\r\n"
    "A line with Note in it.\r\n"
    "Twice: Note.\r\n"
    "\r\n"
    "## Details\r\n"
    "\r\n"
    "Old.\r\n"
)
PLAIN_NOTE = "Just text, no metadata.\n"
LINKER = "# Linker\n\nDate: 2026-03-04\nType: Note\nParent: plain\n\nSee [[yaml-note]].\n"

YAML_ID = "memory/yaml-note.md"
HEADER_ID = "memory/header-note.md"
PLAIN_ID = "memory/plain.md"
LINKER_ID = "memory/linker.md"


@pytest.fixture
def vault(tmp_path) -> Path:
    """A small vault in git: a YAML note, a CRLF header-line note, a note without metadata,
    and a note linking to the YAML one and naming the plain one as its Parent."""
    root = tmp_path / "v"
    (root / "memory").mkdir(parents=True)
    for name, text in (
        ("yaml-note.md", YAML_NOTE),
        ("header-note.md", HEADER_NOTE),
        ("plain.md", PLAIN_NOTE),
        ("linker.md", LINKER),
        ("neighbour.md", "# Neighbour\n\nDate: 2026-03-05\nType: Note\n"),
    ):
        (root / "memory" / name).write_bytes(text.encode())
    return init_repo(root)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def error(res) -> str:
    assert res.exit_code == 1, res.stdout
    (line,) = res.stderr.strip().splitlines()
    assert line.startswith("Error: ")
    return line[len("Error: ") :]


# --- replace ------------------------------------------------------------------------------------


def test_replace_changes_one_occurrence_and_nothing_else(run, vault):
    path = vault / YAML_ID
    res = run(vault, "replace", YAML_ID, "--old", "6 months", "--new", "12 months", "--json")
    assert res.exit_code == 0, res.stderr
    out = json.loads(res.stdout)
    assert path.read_text() == YAML_NOTE.replace("6 months", "12 months")
    assert out["sha256"] == sha(path) and out["line"] == 14 and out["action"] == "replace"
    assert out["commit"] == head(vault)
    assert git(vault, "log", "-1", "--format=%s").strip() == f"vault: replace in {YAML_ID}"
    assert git(vault, "status", "--porcelain") == ""


def test_replace_counts_occurrences_and_never_reaches_metadata(run, vault):
    before = (vault / HEADER_ID).read_bytes()
    many = error(run(vault, "replace", HEADER_ID, "--old", "Note", "--new", "X"))
    assert "occurs 2 times" in many and "(lines 7, 8)" in many
    # "Date: 2026-03-02" is metadata: not there for replace.
    none = error(run(vault, "replace", HEADER_ID, "--old", "2026-03-02", "--new", "X"))
    assert "0 occurrences" in none and "vault set" in none
    assert (vault / HEADER_ID).read_bytes() == before


def test_replace_keeps_crlf_and_replaces_a_section_body(run, vault):
    path = vault / HEADER_ID
    res = run(vault, "replace", HEADER_ID, "--old", "in it.\nTwice", "--new", "in it;\nonce")
    assert res.exit_code == 0, res.stderr
    assert path.read_bytes() == HEADER_NOTE.replace("in it.\r\nTwice", "in it;\r\nonce").encode()
    res = run(vault, "replace", HEADER_ID, "--section", "details", input="New one.\nTwo.\n")
    assert res.exit_code == 0, res.stderr
    want = HEADER_NOTE.replace("in it.\r\nTwice", "in it;\r\nonce").replace(
        "## Details\r\n\r\nOld.\r\n", "## Details\r\n\r\nNew one.\r\nTwo.\r\n"
    )
    assert path.read_bytes() == want.encode()


def test_replace_a_middle_section_keeps_the_next_heading(run, vault):
    res = run(vault, "replace", YAML_ID, "--section", "## Details", input="Fresh.")
    assert res.exit_code == 0, res.stderr
    want = YAML_NOTE.replace("Old details.\n", "Fresh.\n")
    assert (vault / YAML_ID).read_text() == want


# --- set ----------------------------------------------------------------------------------------


def test_set_in_yaml_keeps_other_keys_their_order_quoting_and_comments(run, vault):
    path = vault / YAML_ID
    args = ["set", YAML_ID, "date=2026-04-01", "owner=me", "zeta=new z", "--tag", "+gamma"]
    res = run(vault, *args, "--tag", "-alpha", "--json")
    assert res.exit_code == 0, res.stderr
    want = (
        YAML_NOTE.replace("date: 2026-03-01", "date: 2026-04-01")
        .replace('zeta: "double quoted"', 'zeta: "new z"')
        .replace("tags:\n  - alpha\n  - beta\n", "tags: [beta, gamma]\nowner: me\n")
    )
    assert path.read_text() == want
    shown = json.loads(run(vault, "show", YAML_ID, "--json").stdout)
    assert shown["date"] == "2026-04-01" and shown["tags"] == ["beta", "gamma"]
    assert json.loads(res.stdout)["keys"] == ["date", "owner", "zeta", "tags"]


def test_set_in_header_lines_keeps_them_header_lines_and_crlf(run, vault):
    path = vault / HEADER_ID
    res = run(vault, "set", HEADER_ID, "type=Review", "status=draft", "title=Better title")
    assert res.exit_code == 0, res.stderr
    want = (
        HEADER_NOTE.replace("**Type:** Note", "**Type:** Review")
        .replace("Tags: alpha, beta\r\n", "Tags: alpha, beta\r\nstatus: draft\r\n")
        .replace("# Header note", "# Better title")
    )
    assert path.read_bytes() == want.encode()
    res = run(vault, "set", HEADER_ID, "--unset", "status")
    assert res.exit_code == 0, res.stderr
    assert b"status" not in path.read_bytes()


def test_set_gives_a_note_without_metadata_the_vaults_style(run, vault):
    res = run(vault, "set", PLAIN_ID, "type=Idea")
    assert res.exit_code == 0, res.stderr
    assert (vault / PLAIN_ID).read_text() == "# plain\n\nType: Idea\n\n" + PLAIN_NOTE
    (vault / ".vault.toml").write_text('header_style = "yaml"\n')
    (vault / "memory" / "bare.md").write_text(PLAIN_NOTE)
    res = run(vault, "set", "memory/bare.md", "type=Idea", "--no-commit")
    assert res.exit_code == 0, res.stderr
    assert (vault / "memory" / "bare.md").read_text() == "---\ntype: Idea\n---\n\n" + PLAIN_NOTE


def test_set_takes_each_key_once_stripped(run, vault):
    """`A =x` sets A; two values for one key (any case, a field and its alias, a key and
    itself with a space) are refused, nothing written: which should win is the writer's."""
    before = (vault / PLAIN_ID).read_bytes()
    for given in (["A=0", "A =x"], ["a=0", "A=1"], ["date=2026-01-01", "created=2026-01-02"]):
        assert "name one key; give it once" in error(run(vault, "set", PLAIN_ID, *given))
        assert (vault / PLAIN_ID).read_bytes() == before
    res = run(vault, "set", PLAIN_ID, " Status =done")
    assert res.exit_code == 0, res.stderr
    assert "Status: done" in (vault / PLAIN_ID).read_text()


def test_set_resolves_a_parent_and_refuses_what_cannot_be_written(run, vault):
    res = run(vault, "set", YAML_ID, "parent=Header note")
    assert res.exit_code == 0, res.stderr
    assert "\nparent: memory/header-note.md\n---" in (vault / YAML_ID).read_text()
    before = (vault / YAML_ID).read_bytes()
    assert "no note matches" in error(run(vault, "set", YAML_ID, "parent=nowhere"))
    assert "one line" in error(run(vault, "set", YAML_ID, "owner=a\nparent: x"))
    assert "NUL" in error(run(vault, "set", YAML_ID, "owner=a\x00b"))
    assert "date" in error(run(vault, "set", YAML_ID, "date=not a day"))
    assert "circle" in error(run(vault, "set", HEADER_ID, f"parent={YAML_ID}"))
    assert (vault / YAML_ID).read_bytes() == before


# --- rm and restore -----------------------------------------------------------------------------


def test_rm_refuses_a_linked_note_and_lists_who_links(run, vault):
    for target in (YAML_ID, PLAIN_ID):  # linked in the body; named as Parent
        message = error(run(vault, "rm", target))
        assert LINKER_ID in message and "--force" in message
        assert (vault / target).exists()
    res = run(vault, "rm", YAML_ID, "--force", "--json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["referrers"] == [LINKER_ID]
    assert not (vault / YAML_ID).exists()
    assert git(vault, "status", "--porcelain") == ""


def test_rm_refuses_a_note_with_changes_git_does_not_hold(run, vault):
    path = vault / HEADER_ID
    path.write_bytes(path.read_bytes() + b"Unsaved.\r\n")
    assert "changes git does not hold" in error(run(vault, "rm", HEADER_ID))
    assert path.exists() and git(vault, "log", "--format=%s") == "initial\n"


def test_restore_after_rm_and_after_a_later_mv_of_a_neighbour(run, vault):
    res = run(vault, "rm", HEADER_ID)
    assert res.exit_code == 0, res.stderr
    removal = head(vault)
    assert git(vault, "show", "--stat", "--format=", removal).count("|") == 1
    res = run(vault, "mv", "memory/neighbour.md", "memory/moved-neighbour.md")
    assert res.exit_code == 0, res.stderr
    res = run(vault, "restore", "header-note", "--json")
    assert res.exit_code == 0, res.stderr
    out = json.loads(res.stdout)
    assert (vault / HEADER_ID).read_bytes() == HEADER_NOTE.encode()
    assert out["id"] == HEADER_ID and out["sha256"] == sha(vault / HEADER_ID)
    assert out["restored_from"] == git(vault, "rev-parse", removal + "^").strip()
    assert git(vault, "status", "--porcelain") == ""
    assert "exists" in error(run(vault, "restore", HEADER_ID))


def test_restore_at_puts_back_an_older_version_guarded_by_the_hash(run, vault):
    path = vault / YAML_ID
    first = head(vault)
    assert run(vault, "replace", YAML_ID, "--old", "6 months", "--new", "1 year").exit_code == 0
    stale = "0" * 64
    assert "changed since" in error(
        run(vault, "restore", YAML_ID, "--at", first, "--expect-sha256", stale)
    )
    res = run(vault, "restore", YAML_ID, "--at", "HEAD~1", "--expect-sha256", sha(path), "--json")
    assert res.exit_code == 0, res.stderr
    assert path.read_text() == YAML_NOTE
    assert json.loads(res.stdout)["restored_from"] == first


def test_restore_at_follows_the_note_through_a_rename(run, vault):
    first = head(vault)
    assert run(vault, "replace", YAML_ID, "--old", "6 months", "--new", "1 year").exit_code == 0
    moved = "memory/renamed-note.md"
    res = run(vault, "mv", YAML_ID, moved)
    assert res.exit_code == 0, res.stderr
    res = run(vault, "restore", moved, "--at", first, "--json")
    assert res.exit_code == 0, res.stderr
    assert (vault / moved).read_text() == YAML_NOTE
    assert not (vault / YAML_ID).exists()
    assert json.loads(res.stdout)["restored_from"] == first
    assert "did not exist" in error(run(vault, "restore", LINKER_ID, "--at", "2000-01-01"))


# --- guards shared by every verb ----------------------------------------------------------------

VERBS = {
    "replace": ["replace", YAML_ID, "--old", "6 months", "--new", "7 months"],
    "set": ["set", YAML_ID, "type=Review"],
    "rm": ["rm", HEADER_ID],
    "restore": ["restore", YAML_ID, "--at", "HEAD"],
}


@pytest.mark.parametrize("verb", VERBS)
def test_a_stale_hash_is_refused_with_the_current_one(run, vault, verb):
    args = VERBS[verb]
    path = vault / args[1]
    before = path.read_bytes()
    message = error(run(vault, *args, "--expect-sha256", "ab" * 32))
    assert sha(path) in message and "nothing was" in message
    assert path.read_bytes() == before and git(vault, "log", "--format=%s") == "initial\n"


@pytest.mark.parametrize("verb", VERBS)
def test_a_rebase_in_progress_refuses_every_verb(run, vault, verb):
    (Path(git(vault, "rev-parse", "--absolute-git-dir").strip()) / "rebase-merge").mkdir()
    before = {p: p.read_bytes() for p in (vault / "memory").iterdir()}
    assert "a rebase is in progress" in error(run(vault, *VERBS[verb]))
    assert {p: p.read_bytes() for p in (vault / "memory").iterdir()} == before


@pytest.mark.parametrize("verb", ["replace", "set", "rm"])
def test_two_writers_racing_on_one_note_exactly_one_wins(vault, verb):
    args = VERBS[verb]
    expected = sha(vault / args[1])
    second = {
        "replace": ["replace", YAML_ID, "--old", "6 months", "--new", "8 months"],
        "set": ["set", YAML_ID, "type=Other"],
        "rm": ["rm", HEADER_ID],
    }[verb]
    with ThreadPoolExecutor(2) as pool:
        runs = [
            pool.submit(run_process, vault, *a, "--expect-sha256", expected) for a in (args, second)
        ]
        results = [r.result() for r in runs]
    assert sorted(r.exit_code for r in results) == [0, 1], [r.stderr for r in results]
    loser = next(r for r in results if r.exit_code)
    assert "changed since it was read" in loser.stderr or "no note matches" in loser.stderr
    assert len(git(vault, "log", "--format=%H").split()) == 2


# --- provenance ---------------------------------------------------------------------------------


def test_every_commit_carries_the_agent_and_source_trailers(run, vault, monkeypatch):
    res = run(
        vault, "set", YAML_ID, "type=Review", "--agent", "claude", "--source", "https://x.org/a"
    )
    assert res.exit_code == 0, res.stderr
    trailers = git(vault, "log", "-1", "--format=%(trailers:only,unfold)")
    assert trailers.strip().splitlines() == ["Vault-Agent: claude", "Vault-Source: https://x.org/a"]
    monkeypatch.setenv("VAULT_AGENT", "env-agent")
    assert run(vault, "new", "--title", "Fresh note").exit_code == 0  # not a revise verb
    assert git(vault, "log", "-1", "--format=%(trailers:key=Vault-Agent,valueonly)").strip() == (
        "env-agent"
    )
    assert "one line" in error(run(vault, "rm", HEADER_ID, "--agent", "a\nb"))
    assert (vault / HEADER_ID).exists()
    before = (vault / PLAIN_ID).read_bytes()
    assert "one line" in error(run(vault, "set", PLAIN_ID, "type=X", "--source", "a\rb"))
    assert (vault / PLAIN_ID).read_bytes() == before


def test_no_commit_writes_and_leaves_git_alone(run, vault):
    res = run(vault, "replace", YAML_ID, "--old", "6 months", "--new", "9 months", "--no-commit")
    assert res.exit_code == 0, res.stderr
    assert "9 months" in (vault / YAML_ID).read_text()
    assert git(vault, "log", "--format=%s") == "initial\n"


# --- MCP, through the official client -----------------------------------------------------------

mcp = pytest.importorskip("mcp.server.mcpserver", reason="the mcp extra")


def mcp_session(root: Path, body, *extra: str):
    from mcp import Client, StdioServerParameters

    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "vault", "--vault", str(root), "mcp", *extra],
        env={**__import__("os").environ, **GIT_ENV},
        cwd=str(root),
    )
    import asyncio

    async def main():
        async with Client(params, read_timeout_seconds=120) as c:
            return await body(c)

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


def test_mcp_tools_revise_with_the_clis_json_and_the_clients_name(vault):
    first = sha(vault / YAML_ID)

    async def body(c):
        async def call(name, **args):
            return await c.call_tool(name, args)

        out = {}
        out["stale"] = await call(
            "replace", ref=YAML_ID, old="6 months", new="x", expected_sha256="0" * 64
        )
        out["replace"] = await call(
            "replace",
            ref=YAML_ID,
            old="6 months",
            new="2 years",
            expected_sha256=sha(vault / YAML_ID),
        )
        out["set"] = await call(
            "set",
            ref=HEADER_ID,
            values={"type": "Review"},
            tags=["+x"],
            expected_sha256=sha(vault / HEADER_ID),
        )
        out["rm_linked"] = await call("rm", ref=PLAIN_ID, expected_sha256=sha(vault / PLAIN_ID))
        out["rm"] = await call(
            "rm", ref="memory/neighbour.md", expected_sha256=sha(vault / "memory/neighbour.md")
        )
        out["restore"] = await call("restore", ref="memory/neighbour.md")
        return out

    out = mcp_session(vault, body)
    assert out["stale"].is_error and first in out["stale"].content[0].text
    assert "changed since it was read" in out["stale"].content[0].text
    replaced = json.loads(out["replace"].content[0].text)
    assert replaced["action"] == "replace" and "2 years" in (vault / YAML_ID).read_text()
    assert "**Type:** Review" in (vault / HEADER_ID).read_text()
    assert out["rm_linked"].is_error and LINKER_ID in out["rm_linked"].content[0].text
    assert json.loads(out["rm"].content[0].text)["referrers"] == []
    assert json.loads(out["restore"].content[0].text)["id"] == "memory/neighbour.md"
    assert (vault / "memory/neighbour.md").exists()
    agents = git(vault, "log", "--format=%(trailers:key=Vault-Agent,valueonly)").split()
    assert len(agents) == 4 and len(set(agents)) == 1 and agents[0]  # the client's name


def test_mcp_read_only_lists_none_of_the_write_tools(vault):
    async def body(c):
        return {t.name: t for t in (await c.list_tools()).tools}

    full = mcp_session(vault, body)
    for name in ("replace", "set", "rm", "restore"):
        assert full[name].annotations.destructive_hint is True
        assert not full[name].annotations.read_only_hint  # the protocol's default: false
    assert full["replace"].input_schema["required"] == ["ref", "expected_sha256"]
    names = set(mcp_session(vault, body, "--read-only"))
    assert not names & {"new", "append", "mv", "replace", "set", "rm", "restore"}


def test_mcp_tools_are_refused_during_a_rebase_and_change_nothing(vault):
    (Path(git(vault, "rev-parse", "--absolute-git-dir").strip()) / "rebase-merge").mkdir()
    before = {p: p.read_bytes() for p in (vault / "memory").iterdir()}
    h = sha(vault / YAML_ID)

    async def body(c):
        calls = [
            ("replace", {"ref": YAML_ID, "old": "6 months", "new": "x", "expected_sha256": h}),
            ("set", {"ref": YAML_ID, "values": {"type": "X"}, "expected_sha256": h}),
            ("rm", {"ref": YAML_ID, "expected_sha256": h, "force": True}),
            ("restore", {"ref": YAML_ID, "at": "HEAD"}),
        ]
        return [await c.call_tool(name, args) for name, args in calls]

    for result in mcp_session(vault, body):
        assert result.is_error and "a rebase is in progress" in result.content[0].text
    assert {p: p.read_bytes() for p in (vault / "memory").iterdir()} == before
