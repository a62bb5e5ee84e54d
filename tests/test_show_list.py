"""`vault show` and `vault list`, references of every kind, finding the vault."""

from __future__ import annotations

import hashlib
import json

import pytest
from conftest import run_process, state_dir

DEEP = "memory/research/2026-02-14-exosomes-deep-dive.md"
HUB = "memory/research/2026-02-14-skin-tech-trends.md"
POST = "memory/posts/2026-01-11-exosomes-in-k-beauty.md"
ARTICLE = "memory/articles/the-rising-trend-of-exosomes-in-skincare.md"


def test_list_json_newest_first(run, vault_copy):
    import os

    # Pin the undated note's mtime so the order is known.
    os.utime(vault_copy / ARTICLE, (1_700_000_000, 1_700_000_000))  # 2023-11-14
    res = run(vault_copy, "list", "--json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout) == [
        {
            "id": HUB,
            "title": "Skin-Tech Trends 2026: Research Hub",
            "date": "2026-02-14",
            "date_source": "metadata",
            "type": "Research Hub",
            "parent": None,
        },
        {
            "id": DEEP,
            "title": "Deep Dive: Exosomes in Regenerative Skincare (2026 Perspective)",
            "date": "2026-02-14",
            "date_source": "metadata",
            "type": "Technical Supplement",
            "parent": HUB,
        },
        {
            "id": POST,
            "title": "Exosomes in K-Beauty: The Next Big Anti-Aging Revolution?",
            "date": "2026-01-11",
            "date_source": "metadata",
            "type": "Skincare Science",
            "parent": None,
        },
        {
            "id": ARTICLE,
            "title": "The Rising Trend of Exosomes in Skincare",
            "date": "2023-11-14",
            "date_source": "file time",
            "type": None,
            "parent": None,
        },
    ]


def test_list_puts_derived_dates_after_stated_ones_and_sorts_as_asked(run, vault_copy):
    """The article states no date: its file's time, newer than every stated date, still
    comes after them by default; --mixed-dates puts it among them by date."""
    import os

    os.utime(vault_copy / ARTICLE, (1_900_000_000, 1_900_000_000))  # 2030-03-17

    def ids(*args):
        return [n["id"] for n in json.loads(run(vault_copy, "list", "--json", *args).stdout)]

    assert ids() == [HUB, DEEP, POST, ARTICLE]
    assert ids("--mixed-dates") == [ARTICLE, HUB, DEEP, POST]
    assert ids("--sort", "modified")[0] == ARTICLE
    assert ids("--sort", "path") == sorted([HUB, DEEP, POST, ARTICLE])
    titles = [
        n["title"] for n in json.loads(run(vault_copy, "list", "--json", "--sort", "title").stdout)
    ]
    assert titles == sorted(titles, key=str.casefold)
    res = run(vault_copy, "list", "--sort", "size")
    assert res.exit_code == 2 and "unknown order 'size'" in res.stderr
    shown = json.loads(run(vault_copy, "show", ARTICLE, "--json").stdout)
    assert shown["date_source"] == "file time"


def test_list_filters(run, vault_copy):
    import os

    os.utime(vault_copy / ARTICLE, (1_700_000_000, 1_700_000_000))  # 2023-11-14

    def ids(*args):
        res = run(vault_copy, "list", "--json", *args)
        assert res.exit_code == 0, res.stderr
        return [n["id"] for n in json.loads(res.stdout)]

    assert ids("--type", "technical supplement") == [DEEP]
    assert ids("--since", "2026-02-01") == [HUB, DEEP]
    assert ids("--until", "2026-01-31", "--since", "2026-01-01") == [POST]
    assert ids("--type", "Nothing") == []


def test_list_and_search_keep_the_notes_with_every_tag_given(run, vault_copy):
    made = run(vault_copy, "new", "--parent", HUB, "--title", "Serums", "--tag", "Skincare",
               "--tag", "serum", "--json")  # fmt: skip
    assert made.exit_code == 0, made.stderr
    serums = json.loads(made.stdout)["id"]

    def ids(*args):
        res = run(vault_copy, *args, "--json")
        assert res.exit_code == 0, res.stderr
        return [n["id"] for n in json.loads(res.stdout)]

    assert ids("list", "--tag", "skincare") == [serums, HUB]  # any case
    assert ids("list", "--tag", "#skincare", "--tag", "K-Beauty") == [HUB]  # every one, `#` or not
    assert ids("list", "--tag", "serum", "--tag", "k-beauty") == []
    assert ids("search", "exosome", "--tag", "regenerative") == [HUB]
    assert ids("search", "serums OR exosome", "--tag", "serum") == [serums]


def test_list_human_output(run, vault_copy):
    res = run(vault_copy, "list", "--type", "Technical Supplement")
    assert res.stdout == (
        "2026-02-14  Technical Supplement  "
        "Deep Dive: Exosomes in Regenerative Skincare (2026 Perspective)  "
        f"{DEEP}\n"
    )


def test_empty_vault(run, tmp_path):
    (tmp_path / "memory").mkdir()
    res = run(tmp_path, "list", "--json")
    assert (res.exit_code, res.stdout) == (0, "[]\n")
    res = run(tmp_path, "list")
    assert res.exit_code == 0 and res.stdout == ""
    assert "no notes" in res.stderr


def test_show_human(run, vault_copy):
    res = run(vault_copy, "show", HUB)
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert lines[0] == "Skin-Tech Trends 2026: Research Hub"
    assert f"id:       {HUB}" in lines
    assert "type:     Research Hub" in lines
    assert "parent:   -" in lines
    assert f"children: {DEEP}" in lines
    assert "The parent note for our 2026 skin-technology research." in res.stdout


def test_show_json_shape(run, vault_copy):
    out = json.loads(run(vault_copy, "show", DEEP, "--json").stdout)
    assert list(out) == [
        "id",
        "title",
        "date",
        "date_source",
        "type",
        "parent",
        "parent_ref",
        "children",
        "tags",
        "meta",
        "body",
        "warnings",
        "sha256",
        "last_commit",  # null: the vault is not in git
    ]
    raw = (vault_copy / DEEP).read_bytes()
    assert out["sha256"] == hashlib.sha256(raw).hexdigest() and out["last_commit"] is None


def test_show_dangling_parent(run, vault_copy):
    (vault_copy / "memory/orphan.md").write_text(
        "# Orphan\n\nDate: 2026-01-01\nParent: memory/nowhere.md\n\nText\n", encoding="utf-8"
    )
    out = json.loads(run(vault_copy, "show", "orphan", "--json").stdout)
    assert (out["parent"], out["parent_ref"]) == (None, "memory/nowhere.md")
    assert "parent:   memory/nowhere.md  (not found)" in run(vault_copy, "show", "orphan").stdout


@pytest.mark.parametrize(
    "ref",
    [
        DEEP,  # an id
        "research/2026-02-14-exosomes-deep-dive.md",  # relative to memory/
        "memory/research/2026-02-14-exosomes-deep-dive",  # without .md
        "2026-02-14-exosomes-deep-dive.md",  # a file name
        "2026-02-14-exosomes-deep-dive",  # a stem
        "exosomes-deep-dive",  # a stem without its date
        "[[2026-02-14-exosomes-deep-dive]]",  # a wikilink
        "deep dive: exosomes in regenerative skincare (2026 perspective)",  # a title, any case
        "  Deep Dive: Exosomes in Regenerative Skincare (2026 Perspective) ",
    ],
)
def test_references_of_every_kind(run, vault_copy, ref):
    out = json.loads(run(vault_copy, "show", ref, "--json").stdout)
    assert out["id"] == DEEP


def test_reference_relative_to_working_directory(run, vault_copy):
    res = run(None, "show", "2026-02-14-skin-tech-trends.md", "--json", cwd=vault_copy / "memory")
    assert json.loads(res.stdout)["id"] == HUB
    res = run(None, "show", "../posts/2026-01-11-exosomes-in-k-beauty.md", "--json",
              cwd=vault_copy / "memory/research")  # fmt: skip
    assert json.loads(res.stdout)["id"] == POST


def test_no_match_suggests(run, vault_copy):
    res = run(vault_copy, "show", "exosomes-deep-dve")
    assert res.exit_code == 1
    assert res.stderr == (f"Error: no note matches 'exosomes-deep-dve'; did you mean: {DEEP}\n")


def test_ambiguous_title(run, vault_copy):
    for name in ("one", "two"):
        (vault_copy / f"memory/{name}.md").write_text("# Same Title\n", encoding="utf-8")
    res = run(vault_copy, "show", "same title")
    assert res.exit_code == 1
    assert "matches 2 notes: memory/one.md, memory/two.md" in res.stderr


def test_vault_found_from_ancestor_and_env(vault_copy, tmp_path):
    deep_dir = vault_copy / "memory" / "research"
    res = run_process(None, "list", "--json", cwd=deep_dir)
    assert res.exit_code == 0, res.stderr
    assert len(json.loads(res.stdout)) == 4
    res = run_process(None, "list", "--json", cwd=tmp_path, env={"VAULT_DIR": str(vault_copy)})
    assert len(json.loads(res.stdout)) == 4


def test_no_vault_is_a_clear_error(tmp_path):
    res = run_process(None, "list", cwd=tmp_path)
    assert res.exit_code == 1
    assert res.stderr.startswith("Error: no vault found from ")
    assert "--vault DIR" in res.stderr and len(res.stderr.splitlines()) == 1
    res = run_process(tmp_path / "missing", "list")
    assert res.exit_code == 1 and "does not exist" in res.stderr


def test_plain_folder_without_memory_is_a_vault(run, tmp_path):
    (tmp_path / "idea.md").write_text("# Idea\n", encoding="utf-8")
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian" / "hidden.md").write_text("# Hidden\n", encoding="utf-8")
    res = run(tmp_path, "list", "--json")
    assert [n["id"] for n in json.loads(res.stdout)] == ["idea.md"]


def test_cache_is_derived_and_disposable(run, vault_copy):
    first = run(vault_copy, "list", "--json").stdout
    cache = state_dir(vault_copy) / "catalog.sqlite3"
    assert cache.exists()
    assert vault_copy not in cache.parents and not (vault_copy / ".vault").exists()
    cache.write_bytes(b"garbage")
    assert run(vault_copy, "list", "--json").stdout == first
    # Edits are seen without any reindex step.
    deep = vault_copy / DEEP
    text = deep.read_text(encoding="utf-8")
    deep.write_text(text.replace("Date: 2026-02-14", "Date: 2026-02-20"), encoding="utf-8")
    out = json.loads(run(vault_copy, "show", DEEP, "--json").stdout)
    assert out["date"] == "2026-02-20"


def test_list_json_from_columns_is_what_the_summaries_give(tmp_path):
    """`list --json` is written from the catalog's columns (vault.filters.listed): the same
    notes in the same order as select_notes and ordered give, for every sort and filter."""
    import os

    from search_helpers import make_vault

    from vault import render
    from vault.catalog import load_catalog
    from vault.filters import filter_of, listed, ordered, select_notes
    from vault.vault import open_vault

    root = tmp_path / "vault"
    make_vault(root, 400)
    memory = root / "memory"
    for n in range(6):  # undated notes (dated by their mtime), some on the same day
        note = memory / f"undated-{n}.md"
        note.write_text(f"# Undated {n}\n\nParent: undated-0\n", encoding="utf-8")
        os.utime(note, (1_700_000_000 + n % 2 * 86_400,) * 2)
    vault = open_vault(root)
    load_catalog(vault)
    catalog = load_catalog(vault)  # warm: the columns read back from the cache
    kinds = sorted({s.type for s in catalog.summaries() if s.type})
    dates = sorted({s.date for s in catalog.summaries()})
    filters = [
        {},
        {"type": kinds[0].upper()},
        {"since": dates[len(dates) // 3], "until": dates[2 * len(dates) // 3]},
        {"under": "undated-0"},
    ]
    for given in filters:
        flt = filter_of(given)
        for sort in ("date", "title", "path"):
            for mixed in (False, True):
                notes = ordered(catalog, select_notes(catalog, flt), sort, mixed)
                expected = [render.summary(s, catalog) for s in notes]
                columns = render.summary_columns(
                    listed(catalog, flt, None, None, sort, mixed), catalog
                )
                rows = zip(*columns, strict=True)
                got = [dict(zip(render.SUMMARY_KEYS, row, strict=True)) for row in rows]
                assert got == expected, (given, sort, mixed)
                assert expected or given
