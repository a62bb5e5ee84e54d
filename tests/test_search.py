"""`vault search` and `vault related`: exact hit sets on generated vaults with planted words,
every option, the query language, suggestions, malformed queries, output forms, corpora."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import CORPORA
from search_helpers import ids_of, json_ids, make_vault, run_on_terminal, with_term

from vault.catalog import load_catalog
from vault.search.index import update_index
from vault.vault import open_vault

N = 150
ALL = "date:[2000-01-01 to 2099-12-31]"  # every note has a date (from metadata, name or mtime)


@pytest.fixture(scope="module")
def gen(tmp_path_factory):
    """A generated vault of N notes, indexed once; tests here only read it."""
    root = tmp_path_factory.mktemp("search") / "vault"
    facts = make_vault(root, N)
    update_index(load_catalog(open_vault(root)))
    return root, facts


def by_i(facts, *numbers):
    return {note_id for note_id, f in facts.items() if f["i"] in numbers}


def paths(run, root, *args):
    res = run(root, "search", *args, "--paths", "--limit", "1000")
    assert res.exit_code == 0, res.stderr
    return ids_of(res.stdout)


# --- hit sets ----------------------------------------------------------------------------------


def test_planted_word_gives_exact_hit_set(run, gen):
    root, facts = gen
    expected = with_term(facts, "exosome")
    assert len(expected) == 3
    assert paths(run, root, "exosome") == expected


@pytest.mark.parametrize("query", ["Exosomes", "exosomes", "EXOSOME", "exosome"])
def test_stemming_and_case(run, gen, query):
    root, facts = gen
    assert paths(run, root, query) == with_term(facts, "exosome")


def test_title_match_ranks_first(run, gen):
    root, facts = gen
    res = run(root, "search", "exosome", "--paths")
    first = res.stdout.splitlines()[0]
    assert facts[first]["title"].startswith("Exosomes")


def test_phrase_versus_words(run, gen):
    root, facts = gen
    phrase = with_term(facts, "barrier_repair_phrase")
    apart = with_term(facts, "barrier_repair_apart")
    assert phrase and apart
    assert paths(run, root, '"barrier repair"') == phrase
    assert paths(run, root, "barrier", "repair") == phrase | apart
    assert paths(run, root, 'barrier AND NOT "barrier repair"') == apart


def test_boolean_or_and_not(run, gen):
    root, facts = gen
    exo, nia = with_term(facts, "exosome"), with_term(facts, "niacinamide")
    assert paths(run, root, "niacinamide", "OR", "exosome") == exo | nia
    assert paths(run, root, "exosome NOT niacinamide") == exo - nia
    assert paths(run, root, "exosome AND niacinamide") == exo & nia == set()
    # Plain words are free text: ranked over any of them, never "no notes match" (issue 19).
    assert paths(run, root, "exosome", "niacinamide") == exo | nia
    # A query of negations alone means every note without those words.
    assert paths(run, root, "NOT exosome") == set(facts) - exo
    assert paths(run, root, "NOT exosome NOT niacinamide") == set(facts) - exo - nia


def test_field_queries(run, gen):
    root, facts = gen
    assert paths(run, root, "title:exosomes") == by_i(facts, 7)
    # Tags: plain notes carry none, so only the YAML and header-line ones are tagged.
    tagged = {
        i for i, f in facts.items() if "bakuchiol_tag" in f["terms"] and f["style"] != "plain"
    }
    assert tagged
    assert paths(run, root, "tags:bakuchiol") == tagged
    supplements = {i for i, f in facts.items() if f["type"] == "Technical Supplement"}
    nia = with_term(facts, "niacinamide")
    assert paths(run, root, "type:supplement niacinamide") == nia & supplements
    assert paths(run, root, 'type:"technical supplement" niacinamide') == nia & supplements
    parent = next(f["parent"] for f in facts.values() if f["parent"])
    children = {i for i, f in facts.items() if f["parent"] == parent}
    assert paths(run, root, f"parent:{parent}") == children
    some = sorted(facts)[5]
    assert paths(run, root, f"id:{some}") == {some}


def test_date_field_query(run, gen):
    root, facts = gen
    expected = {
        i for i, f in facts.items() if f["date"] and "2024-01-01" <= f["date"] <= "2024-06-30"
    }
    assert expected
    assert paths(run, root, "date:[2024-01-01 to 2024-06-30]") == expected
    assert paths(run, root, "date:[20240101 to 20240630]") == expected


def test_wildcards(run, gen):
    root, facts = gen
    assert paths(run, root, "niacin*") == with_term(facts, "niacinamide")
    barrier = with_term(facts, "barrier_repair_phrase") | with_term(facts, "barrier_repair_apart")
    assert paths(run, root, "barr?er") == barrier


def test_fuzzy_terms(run, gen):
    root, facts = gen
    assert paths(run, root, "exosme~") == with_term(facts, "exosome")
    assert paths(run, root, "niacinamde~") == with_term(facts, "niacinamide")


# --- options -----------------------------------------------------------------------------------


def test_type_option(run, gen):
    root, facts = gen
    expected = {i for i, f in facts.items() if f["type"] == "Technical Supplement"}
    assert paths(run, root, ALL, "--type", "technical  SUPPLEMENT") == expected
    assert paths(run, root, ALL, "--type", "no such type") == set()


def test_under_option_is_subtree(run, gen):
    root, facts = gen
    children: dict[str, set[str]] = {}
    for note_id, f in facts.items():
        if f["parent"]:
            children.setdefault(f["parent"], set()).add(note_id)

    def subtree(note_id):
        out, stack = {note_id}, [note_id]
        while stack:
            for c in children.get(stack.pop(), ()):
                out.add(c)
                stack.append(c)
        return out

    top = max(children, key=lambda i: len(subtree(i)))
    expected = subtree(top)
    assert len(expected) > len(children[top])  # grandchildren too
    assert paths(run, root, ALL, "--under", top) == expected
    # The reference may be anything `show` accepts, e.g. a file stem.
    stem = top.rsplit("/", 1)[1][:-3]
    assert paths(run, root, ALL, "--under", stem) == expected
    exo = with_term(facts, "exosome")
    assert paths(run, root, "exosome", "--under", top) == exo & expected


def test_under_unknown_ref_is_an_error(run, gen):
    root, _ = gen
    res = run(root, "search", "exosome", "--under", "no-such-note-anywhere")
    assert res.exit_code == 1
    assert "Error: no note matches 'no-such-note-anywhere'" in res.stderr


def test_since_until(run, gen):
    root, facts = gen
    expected = {
        i for i, f in facts.items() if f["date"] and "2024-06-01" <= f["date"] <= "2024-12-31"
    }
    assert paths(run, root, ALL, "--since", "2024-06-01", "--until", "2024-12-31") == expected
    later = {i for i, f in facts.items() if f["date"] and f["date"] >= "2025-06-01"}
    undated = {i for i, f in facts.items() if not f["date"]}  # dated by mtime: today
    assert paths(run, root, ALL, "--since", "2025-06-01") == later | undated
    res = run(root, "search", "exosome", "--since", "2024-13-01")
    assert res.exit_code != 0 and "YYYY-MM-DD" in res.stderr


def test_limit(run, gen):
    root, facts = gen
    res = run(root, "search", "niacinamide", "--paths", "--limit", "2")
    assert len(res.stdout.splitlines()) == 2
    assert set(res.stdout.splitlines()) <= with_term(facts, "niacinamide")
    res = run(root, "search", ALL, "--paths")
    assert len(res.stdout.splitlines()) == 20  # the default
    assert run(root, "search", "exosome", "--limit", "0").exit_code == 2


def test_json_shape(run, gen):
    root, facts = gen
    res = run(root, "search", "exosome", "--json")
    assert res.exit_code == 0
    hits = json.loads(res.stdout)
    assert {h["id"] for h in hits} == with_term(facts, "exosome")
    for hit in hits:
        assert list(hit) == ["id", "title", "date", "type", "parent", "score", "snippet"]
        f = facts[hit["id"]]
        assert hit["title"] == f["title"]
        assert hit["type"] == f["type"]
        assert hit["parent"] == f["parent"]
        if f["date"]:
            assert hit["date"] == f["date"]
        assert isinstance(hit["score"], float) and hit["score"] > 0
        assert "exosome" in hit["snippet"].lower()
        assert "\n" not in hit["snippet"] and "\x02" not in hit["snippet"]
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_no_match_json_is_empty_array(run, gen):
    root, _ = gen
    res = run(root, "search", "zzqqxxy", "--json")
    assert res.exit_code == 0
    assert json.loads(res.stdout) == []
    assert "No notes match." in res.stderr


def test_human_output_plain_when_piped(run, gen):
    root, facts = gen
    res = run(root, "search", "title:exosomes")
    assert res.exit_code == 0
    (note_id,) = by_i(facts, 7)
    lines = res.stdout.splitlines()
    assert lines[0] == f"1. {facts[note_id]['title']}"
    assert lines[1].split() == [note_id, facts[note_id]["date"], *facts[note_id]["type"].split()]
    assert "exosome" in lines[2].lower()
    assert "\x1b[" not in res.stdout


def test_matched_words_bold_on_a_terminal(gen):
    """On a terminal (a real pty), the matched words in the snippet are bold."""
    root, _ = gen
    code, out, _ = run_on_terminal(root, "search", "niacinamide", stream="stdout")
    assert code == 0
    assert re.search(r"\x1b\[1mniacinamide\x1b\[0m", out, re.IGNORECASE)


# --- no match, suggestions, malformed queries --------------------------------------------------


def test_misspelling_suggests_a_correction(run, gen):
    root, _ = gen
    res = run(root, "search", "exosme")
    assert res.exit_code == 0
    assert res.stdout == ""
    assert "No notes match." in res.stderr
    # The bodies have "exosome", "exosomes" or "Exosomes": either spelling is closest.
    assert re.search(r'Did you mean "exosomes?"\?', res.stderr)


def test_suggestion_keeps_the_rest_of_the_query(run, gen):
    root, _ = gen
    res = run(root, "search", "title:exosomes", "niacinamde")
    assert res.exit_code == 0
    assert 'Did you mean "title:exosomes niacinamide"?' not in res.stderr  # finds nothing
    res = run(root, "search", "niacinamde", "type:article")
    assert 'Did you mean "niacinamide type:article"?' in res.stderr


def test_no_suggestion_when_the_correction_finds_nothing(run, gen):
    root, _ = gen
    # The two never meet in one note (plain words would be ranked: either would do).
    res = run(root, "search", "exosme", "AND", "niacinamde")
    assert res.exit_code == 0
    assert "No notes match." in res.stderr
    assert "Did you mean" not in res.stderr


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('title:"unclosed', "a double quote is not closed"),
        ("(exosome OR niacinamide", "unbalanced ()"),
        ("exosome AND", "AND, OR and NOT need a term"),
        ("colour:red", "unknown field 'colour'"),
        ("date:2024-13-45", "cannot read the date"),
        ("title: exosome", "title: needs a value"),
    ],
)
def test_malformed_query_is_a_clear_error(run, gen, query, message):
    root, _ = gen
    res = run(root, "search", query)
    assert res.exit_code == 1
    assert res.stdout == ""
    assert res.stderr.startswith("Error: malformed query")
    assert message in res.stderr
    assert "Traceback" not in res.stderr


def test_malformed_query_in_a_process_has_no_traceback(gen):
    from conftest import run_process

    root, _ = gen
    res = run_process(root, "search", 'title:"unclosed')
    assert res.exit_code == 1
    assert res.stderr.strip().splitlines() == [
        "Error: malformed query 'title:\"unclosed': a double quote is not closed"
    ]


def test_quoted_colon_is_searched_literally(run, gen):
    root, _ = gen
    res = run(root, "search", '"colour:red"')
    assert res.exit_code == 0


def test_restrict_to_keeps_only_those_ids(gen):
    """The library filter `vault sync`/--changed-since style options build on."""
    from vault.search.search import search

    root, facts = gen
    catalog = load_catalog(open_vault(root))
    exo = sorted(with_term(facts, "exosome"))
    hits = search(catalog, "exosome", restrict_to={exo[0], "memory/not-a-note.md"})
    assert [h.id for h in hits] == [exo[0]]
    assert search(catalog, "exosome", restrict_to=set()) == []
    assert {h.id for h in search(catalog, "exosome", restrict_to=set(facts))} == set(exo)


def test_empty_vault(run, tmp_path):
    (tmp_path / "memory").mkdir()
    res = run(tmp_path, "search", "anything", "--json")
    assert res.exit_code == 0 and json.loads(res.stdout) == []
    assert "The vault has no notes yet." in res.stderr
    assert json.loads(run(tmp_path, "index", "--json").stdout)["notes"] == 0


# --- related -----------------------------------------------------------------------------------


DEEP_DIVE = "memory/research/2026-02-14-exosomes-deep-dive.md"


def test_related_on_the_example_vault(run, vault_copy):
    res = run(vault_copy, "related", DEEP_DIVE, "--json")
    assert res.exit_code == 0, res.stderr
    hits = json.loads(res.stdout)
    ids = [h["id"] for h in hits]
    assert DEEP_DIVE not in ids
    assert set(ids) == {
        "memory/research/2026-02-14-skin-tech-trends.md",
        "memory/posts/2026-01-11-exosomes-in-k-beauty.md",
        "memory/articles/the-rising-trend-of-exosomes-in-skincare.md",
    }
    assert all(
        list(h) == ["id", "title", "date", "type", "parent", "score", "snippet"] for h in hits
    )
    res = run(vault_copy, "related", DEEP_DIVE, "--paths", "--limit", "1")
    assert len(res.stdout.splitlines()) == 1
    res = run(vault_copy, "related", DEEP_DIVE)
    assert res.stdout.startswith("1. ")


def test_related_of_a_generated_note_shares_its_words(run, gen):
    root, facts = gen
    (note_id,) = by_i(facts, 7)
    hits = json_ids(run(root, "related", note_id, "--json", "--limit", "5").stdout)
    assert len(hits) == 5 and note_id not in hits


def test_related_unknown_note(run, gen):
    root, _ = gen
    res = run(root, "related", "no-such-note-anywhere")
    assert res.exit_code == 1 and "Error: no note matches" in res.stderr


# --- example vault, corpora, help --------------------------------------------------------------


def test_example_vault(run, vault_copy):
    res = run(vault_copy, "search", "exosome", "--paths")
    assert ids_of(res.stdout) == {
        "memory/research/2026-02-14-exosomes-deep-dive.md",
        "memory/research/2026-02-14-skin-tech-trends.md",
        "memory/posts/2026-01-11-exosomes-in-k-beauty.md",
        "memory/articles/the-rising-trend-of-exosomes-in-skincare.md",
    }
    res = run(vault_copy, "search", "exosome", "--under", "2026-02-14-skin-tech-trends", "--paths")
    assert ids_of(res.stdout) == {
        "memory/research/2026-02-14-skin-tech-trends.md",
        "memory/research/2026-02-14-exosomes-deep-dive.md",
    }


# Each corpus's notes that name the word in their title or file name, in the order search
# ranks them; every other hit has the word only in its body and comes after them all.
CORPUS_HEADS = {
    ("dendron-site", "schema"): [
        # Titled the word itself: the topic's own note first (its body is about schemas).
        "dendron.topic.schema.md",  # "Schemas"
        "tags.feature.schema.md",  # "Schema"
        "dendron.topic.lookup.schemas.md",  # "Schemas"
        # The word in a longer title: each word of a longer title weighs less.
        "dendron.topic.schema.lib.md",  # "Schema Library"
        "dendron.topic.schema.create-from-hierarchy.md",  # "Create Schema From Note Hierarchy"
        "dendron.topic.schema.tutorial.first-schema.md",  # "Making Your First Schema"
        # "Tutorial": the word only in its file name, and all through its body.
        "dendron.topic.schema.tutorial.md",
        # "Schema Template": in the title, but said once in a short body.
        "dendron.topic.templates.schema-template.md",
    ],
    ("foam", "wikilinks"): ["user/features/wikilinks.md"],  # "Wikilinks"
}


def title_as_written(path) -> str:
    """A note's title read straight from the file: a YAML `title:`, else the first H1, else
    the file name (so the expectations do not come from vault itself)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    front = re.match(r"---\n(.*?)\n---\n", text, re.S)
    title = re.search(r"^title:\s*(.+)$", front[1], re.M) if front else None
    if title:
        return title[1].strip().strip("'\"")
    heading = re.search(r"^# (.+)$", text, re.M)
    return heading[1].strip() if heading else path.stem


@pytest.mark.slow
@pytest.mark.parametrize(("corpus", "query"), sorted(CORPUS_HEADS))
def test_corpora_index_and_search(run, tmp_path, corpus, query):
    src = CORPORA / corpus if corpus != "foam" else CORPORA / "foam" / "docs"
    if not src.is_dir():
        pytest.skip(f"corpus {corpus} not available")
    root = tmp_path / corpus
    shutil.copytree(src, root)
    res = run(root, "index", "--json")
    assert res.exit_code == 0, res.stderr
    report = json.loads(res.stdout)
    assert report["rebuilt"] and report["notes"] == report["added"] > 50
    res = run(root, "search", query, "--json", "--limit", "1000")
    assert res.exit_code == 0, res.stderr
    hits = json_ids(res.stdout)
    head = CORPUS_HEADS[(corpus, query)]
    named = {
        p.relative_to(root).as_posix()
        for p in root.rglob("*.md")
        if query in title_as_written(p).lower() or query in p.name.lower()
    }
    assert set(head) == named  # the list above is every note naming the word
    assert hits[: len(head)] == head
    assert len(hits) > len(head) and not named & set(hits[len(head) :])
    res = run(root, "search", "title:" + query)
    assert res.exit_code == 0
    assert run(root, "related", hits[0], "--json").exit_code == 0


def test_help_has_examples(run):
    for name in ("search", "related", "index"):
        res = run(None, name, "--help")
        assert res.exit_code == 0
        assert "Examples:" in res.stdout and f"vault {name}" in res.stdout


def test_a_snippet_does_not_repeat_a_title_line(run, tmp_path):
    """A note without metadata titled by its first line (seed style): the title is shown
    apart, so the snippet is the text after it, as for a `# Title`."""
    root = tmp_path / "v"
    (root / "memory").mkdir(parents=True)
    (root / "memory" / "quillaja-bark-foams.md").write_text(
        "Quillaja Bark Foams\n\nSoap bark: quillaja saponins foam in cold water.\n",
        encoding="utf-8",
    )
    (root / "memory" / "heading.md").write_text(
        "# Quillaja in Drinks\n\nQuillaja extract gives root beer its head.\n", encoding="utf-8"
    )
    hits = json.loads(run(root, "search", "quillaja", "--json").stdout)
    snippets = {h["id"]: (h["title"], h["snippet"]) for h in hits}
    assert snippets == {
        "memory/quillaja-bark-foams.md": (
            "Quillaja Bark Foams",
            "Soap bark: quillaja saponins foam in cold water.",
        ),
        "memory/heading.md": ("Quillaja in Drinks", "Quillaja extract gives root beer its head."),
    }
