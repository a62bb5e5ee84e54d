"""The words a snippet marks, and where it starts, are those the language's analysis finds
(Analysis.tokens): for text without CJK a result list analyses each word as written once
(Snippets._found), and must mark exactly what analysing every occurrence would."""

from __future__ import annotations

import os
import time

import pytest

from vault.search.fieldtypes import analysis
from vault.search.snippets import Snippets

TEXTS = [
    "Exosomes carry cargo; an exosome's cargo, EXOSOME studies and a study of exosomal RNA.",
    "Cells take up vesicles (e.g. exosomes) by endocytosis: cell.uptake, cells.Take-up.",
    "Café culture: the cafe\u0301 (decomposed), ＣＡＦＥ (full width), the ﬁle and a file.",
    "Running runners run; they ran. The run-time of a running run.",
    "细胞外囊泡 exosome 外泌体 and cells 细胞 again.",
    "Die Zellen nehmen Exosomen auf; eine Zelle, zwei Zellen.",
    "",
]
QUERIES = {
    "en": ["exosome", "cell take up", "cafe file", "run study", "外泌体 cells"],
    "de": ["zelle exosom"],
    "cjk": ["细胞 exosome"],
}


def reference(ana, text: str, terms: set[str]) -> list[tuple[int, int]]:
    return [(s, e) for term, _, s, e in ana.tokens(text, index=True) if term in terms]


def terms_of(ana, query: str) -> set[str]:
    return {term for term, *_ in ana.tokens(query, index=True)}


@pytest.mark.parametrize("lang", sorted(QUERIES))
def test_the_words_found_are_those_the_analysis_finds(lang):
    ana = analysis(lang)
    for query in QUERIES[lang]:
        terms = terms_of(ana, query)
        snippets = Snippets(terms)  # one result list: its memo of words is reused
        for _ in range(2):
            for text in TEXTS:
                expected = reference(ana, text, terms)
                assert list(snippets._found(ana, text)) == expected, (query, text)
                first = snippets._first(ana, text)
                assert first == (expected[0][0] if expected else None)
    # Each query term is found somewhere, or the comparison above proves little.
    assert any(reference(ana, t, terms_of(ana, q)) for q in QUERIES[lang] for t in TEXTS)


def test_a_snippet_marks_every_form_of_the_word(tmp_path):
    note = tmp_path / "n.md"
    note.write_text("# N\n\nA study of cafés.\n\n" + TEXTS[0] + "\n\n" + TEXTS[2] + "\n")
    past = time.time() - 60
    os.utime(note, (past, past))
    ana = analysis("en")
    line, marks = Snippets(terms_of(ana, "exosome study cafe")).of(note, None, "en", "N")
    words = [line[a:b] for a, b in marks]
    # Every form (case, NFKC: full width) of the three stems, in order; "cafés" is another.
    stems = ["study", "Exosomes", "exosome", "EXOSOME", "studies", "study", "exosomal"]
    assert words == [*stems, "cafe", "ＣＡＦＥ"]


def test_a_result_list_of_notes_in_two_languages_marks_each_language_s_words():
    """A word is analysed once per language: "Zellen" is "zell" in German, not in English."""
    de, en = analysis("de"), analysis("en")
    terms = terms_of(de, "Zelle")
    snippets = Snippets(terms)
    text = "Die Zellen nehmen Exosomen auf."
    assert reference(de, text, terms) and not reference(en, text, terms)
    for ana in (de, en, de):
        assert list(snippets._found(ana, text)) == reference(ana, text, terms)
