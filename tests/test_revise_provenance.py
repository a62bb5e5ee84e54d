"""Provenance everywhere: `new`, `append` and `mv` write the Vault-Agent and Vault-Source
trailers as the revising verbs do ($VAULT_AGENT when no --agent); `list`, `search` and `log`
take --agent; `show --json` says who made the note's last commit. Real git, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import git, init_repo

HUB = "memory/hub.md"


@pytest.fixture
def vault(tmp_path) -> Path:
    root = tmp_path / "v"
    (root / "memory").mkdir(parents=True)
    (root / HUB).write_text("# Hub\n\nDate: 2026-03-01\nType: Research Hub\n\nAbout exosomes.\n")
    (root / "memory" / "other.md").write_text("# Other\n\nDate: 2026-03-02\n\nSee [hub](hub.md).\n")
    return init_repo(root)


def trailers(root: Path, rev: str = "HEAD") -> list[str]:
    return git(root, "log", "-1", "--format=%(trailers:only,unfold)", rev).strip().splitlines()


def test_new_append_and_mv_commits_carry_the_trailers(run, vault, monkeypatch):
    res = run(vault, "new", "--parent", "hub", "--title", "Findings", "--agent", "claude",
              "--source", "https://example.org/paper", "--json")  # fmt: skip
    assert res.exit_code == 0, res.stderr
    created = json.loads(res.stdout)["id"]
    assert trailers(vault) == ["Vault-Agent: claude", "Vault-Source: https://example.org/paper"]
    res = run(vault, "append", created, "--agent", "bot", input="More.\n")
    assert res.exit_code == 0, res.stderr
    assert trailers(vault) == ["Vault-Agent: bot"]
    res = run(vault, "mv", "hub", "memory/hubs/", "--agent", "mover", "--source", "issue 7")
    assert res.exit_code == 0, res.stderr
    assert trailers(vault) == ["Vault-Agent: mover", "Vault-Source: issue 7"]
    assert "References rewritten in" in git(vault, "log", "-1", "--format=%B")  # body kept
    monkeypatch.setenv("VAULT_AGENT", "from-env")
    assert run(vault, "append", created, input="Again.\n").exit_code == 0
    assert trailers(vault) == ["Vault-Agent: from-env"]
    assert run(vault, "append", created, "--agent", "given", input="Once more.\n").exit_code == 0
    assert trailers(vault) == ["Vault-Agent: given"]  # --agent over $VAULT_AGENT


def test_a_provenance_that_cannot_be_a_trailer_writes_nothing(run, vault):
    before = git(vault, "rev-parse", "HEAD")
    for argv in (
        ["new", "--title", "X", "--agent", "a\nb"],
        ["append", HUB, "--source", "x\ry"],
        ["mv", HUB, "memory/moved.md", "--agent", "a\x00b"],
    ):
        res = run(vault, *argv, input="Text.\n")
        assert res.exit_code == 1 and res.stderr.startswith("Error: "), argv
    assert git(vault, "rev-parse", "HEAD") == before
    assert git(vault, "status", "--porcelain", "--untracked-files=all") == ""


def test_agent_filters_list_search_and_log(run, vault):
    assert run(vault, "append", HUB, "--agent", "Claude", input="Exosome note.\n").exit_code == 0
    res = run(vault, "new", "--title", "Exosome plan", "--agent", "other", "--json")
    plan = json.loads(res.stdout)["id"]
    listed = json.loads(run(vault, "list", "--agent", "claude", "--json").stdout)
    assert [n["id"] for n in listed] == [HUB]  # any case; the last commit of the note
    assert [
        n["id"] for n in json.loads(run(vault, "list", "--agent", "other", "--json").stdout)
    ] == [plan]
    found = json.loads(run(vault, "search", "exosome", "--agent", "CLAUDE", "--json").stdout)
    assert [h["id"] for h in found] == [HUB]
    log = json.loads(run(vault, "log", "--agent", "claude", "--json").stdout)
    assert [e["message"].split("\n")[0] for e in log] == [f"vault: append to {HUB}"]
    assert json.loads(run(vault, "log", "--agent", "nobody", "--json").stdout) == []
    # A later commit by another agent: the hub's last commit is no longer Claude's.
    assert run(vault, "append", HUB, "--agent", "other", input="Later.\n").exit_code == 0
    assert json.loads(run(vault, "list", "--agent", "claude", "--json").stdout) == []
    assert len(json.loads(run(vault, "log", "--agent", "claude", "--json").stdout)) == 1
    only = json.loads(run(vault, "log", "--agent", "other", "--limit", "1", "--json").stdout)
    assert len(only) == 1 and only[0]["message"].startswith(f"vault: append to {HUB}")


def test_show_json_gives_the_last_commit_with_its_agent_and_source(run, vault, tmp_path):
    res = run(vault, "append", HUB, "--agent", "claude", "--source", "doi:10/x", input="X.\n")
    assert res.exit_code == 0, res.stderr
    shown = json.loads(run(vault, "show", "hub", "--json").stdout)
    head = git(vault, "rev-parse", "HEAD").strip()
    assert shown["last_commit"] == {
        "commit": head,
        "author": "Test Author",
        "date": git(vault, "log", "-1", "--format=%aI").strip(),
        "agent": "claude",
        "source": "doi:10/x",
    }
    first = json.loads(run(vault, "show", "other", "--json").stdout)["last_commit"]
    assert first["commit"] != head and first["agent"] is None and first["source"] is None
    loose = tmp_path / "loose"
    (loose / "memory").mkdir(parents=True)
    (loose / "memory" / "n.md").write_text("# N\n\nText.\n")
    assert json.loads(run(loose, "show", "n", "--json").stdout)["last_commit"] is None
