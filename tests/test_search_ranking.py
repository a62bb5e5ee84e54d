"""Free text is ranked (issue 19): questions as users word them find answers; stop words
carry no weight; notes with all the words, the words close together, rank first; a query
ranks notes of its own language first; --in limits a search to folders; a query's size and
its patterns are bounded (issue 24); the MCP tool takes the same options."""

from __future__ import annotations

import asyncio
import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
DEEP = "memory/research/2026-02-14-exosomes-deep-dive.md"


def ranked(run, root, *args) -> list[str]:
    res = run(root, "search", *args, "--paths", "--limit", "1000")
    assert res.exit_code == 0, res.stderr
    return res.stdout.splitlines()


def write(root: Path, notes: dict[str, str]) -> Path:
    for name, text in notes.items():
        path = root / "memory" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def multilingual(tmp_path):
    root = tmp_path / "help"
    shutil.copytree(FIXTURES / "obsidian-multilingual", root)
    return root


def test_a_question_finds_its_answer(run, vault_copy):
    hits = ranked(run, vault_copy, "how do we keep exosomes stable without a cold chain?")
    assert hits[0] == DEEP
    # A content word that occurs is enough: never "no notes match".
    res = run(vault_copy, "search", "how", "do", "I", "zqxv", "exosomes")
    assert res.exit_code == 0 and res.stdout and "No notes match" not in res.stderr


def test_all_words_close_together_rank_first(run, tmp_path):
    filler = " ".join(f"filler{n}" for n in range(30))
    root = write(
        tmp_path,
        {
            "one.md": "# One\n\nalpha alpha alpha alpha\n",
            "apart.md": f"# Apart\n\nalpha {filler} beta\n",
            "near.md": f"# Near\n\nalpha beta {filler}\n",
        },
    )
    hits = ranked(run, root, "alpha", "beta")
    assert hits == ["memory/near.md", "memory/apart.md", "memory/one.md"]


def test_stop_words_carry_no_weight(run, tmp_path):
    root = write(
        tmp_path,
        {
            "chatter.md": "# Chatter\n\nhow do I do it, how do I, what do I do\n",
            "bold.md": "# Formatting\n\nWrap text in two asterisks to make it bold.\n",
        },
    )
    assert ranked(run, root, "how do I make text bold") == ["memory/bold.md"]
    # A query of stop words only keeps them.
    assert ranked(run, root, "how do I") == ["memory/chatter.md"]
    # The query language is unchanged: words joined with AND.
    assert ranked(run, root, "how AND bold") == []


def test_no_suggestion_for_stop_words(run, vault_copy):
    res = run(vault_copy, "search", "I", "exosme")
    assert res.exit_code == 0 and "No notes match." in res.stderr
    assert 'Did you mean "I exosome"?' in res.stderr


def test_a_query_ranks_its_own_language_first(run, multilingual):
    assert ranked(run, multilingual, "canvas")[0] == "en/Canvas.md"
    assert ranked(run, multilingual, "canvas", "--lang", "de")[0] == "de/Canvas.md"
    assert ranked(run, multilingual, "was ist canvas")[0] == "de/Canvas.md"
    res = run(multilingual, "search", "canvas", "--lang", "xx")
    assert res.exit_code == 1 and "unknown language 'xx'" in res.stderr


def test_aliases_count_as_title_words(run, multilingual):
    # en/Hotkeys.md never says "keyboard shortcut": its aliases do.
    assert ranked(run, multilingual, "how do I change a keyboard shortcut")[0] == "en/Hotkeys.md"


def test_in_limits_a_search_to_folders(run, multilingual):
    assert set(ranked(run, multilingual, "canvas", "--in", "de")) == {
        "de/Canvas.md",
        "de/Graph View.md",
        "de/Startseite.md",
    }
    both = ranked(run, multilingual, "canvas", "--in", "de/", "--in", "fr")
    assert both and all(i.startswith(("de/", "fr/")) for i in both)
    assert "fr/Canvas.md" in both
    res = run(multilingual, "search", "canvas", "--in", "en/Plugins/Canvas.md")
    assert res.exit_code == 1 and "no folder 'en/Plugins/Canvas.md' in the vault" in res.stderr


def test_query_size_is_bounded(run, vault_copy):
    res = run(vault_copy, "search", "exosome " * 300)
    assert res.exit_code == 1
    assert res.stderr.strip() == "Error: query too long: 2,399 characters; the limit is 2,000"
    res = run(vault_copy, "search", " ".join(f"w{n}" for n in range(65)))
    assert res.stderr.strip() == "Error: query too long: 65 words; the limit is 64"
    res = run(vault_copy, "search", " OR ".join(f"exosme{n}~" for n in range(9)))
    assert res.stderr.strip() == "Error: too many wildcard or fuzzy terms: 9; the limit is 8"


def test_a_pattern_stands_for_at_most_64_words(run, tmp_path):
    root = write(tmp_path, {f"n{n:02d}.md": f"# N{n}\n\nzeta{n:02d}\n" for n in range(70)})
    hits = ranked(run, root, "zeta*")
    assert sorted(hits) == [f"memory/n{n:02d}.md" for n in range(64)]


def test_the_mcp_tool_takes_the_same_options(run, multilingual):
    from mcp import Client

    from vault.mcp.server import build_server

    args = {"query": "canvas", "in_folders": ["de", "fr"], "lang": "fr", "limit": 3}

    async def main():
        async with Client(build_server(str(multilingual))) as c:
            return await c.call_tool("search", args)

    with ThreadPoolExecutor(1) as pool:
        result = pool.submit(asyncio.run, main()).result()
    assert not result.is_error, result.content[0].text
    argv = ["search", "canvas", "--in", "de", "--in", "fr", "--lang", "fr", "--limit", "3"]
    res = run(multilingual, *argv, "--json")
    assert json.loads(result.content[0].text) == json.loads(res.stdout)
    assert json.loads(res.stdout)[0]["id"] == "fr/Canvas.md"
