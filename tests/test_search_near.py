"""Phrases, exact and within a slop, are matched by vault.search.query's walk over positions
instead of Whoosh's span objects: on real Whoosh indexes of random texts, it must match
exactly the notes Whoosh's own Phrase matches, with the same scores, in the same order."""

from __future__ import annotations

import random

import pytest

from vault.search.imports import load_whoosh
from vault.search.query import _adjacent_phrase

WORDS = ["alpha", "beta", "gamma", "delta", "eps"]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    load_whoosh()
    from whoosh import fields, index

    rng = random.Random(7)
    schema = fields.Schema(id=fields.ID(stored=True), body=fields.TEXT(phrase=True))
    ix = index.create_in(str(tmp_path_factory.mktemp("ix")), schema)
    with ix.writer() as w:
        for n in range(400):
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 30)))
            w.add_document(id=str(n), body=text)
    with ix.searcher() as s:
        yield s


@pytest.mark.parametrize("slop", [1, 2, 3, 8])
@pytest.mark.parametrize(
    "words",
    [["alpha", "beta"], ["beta", "alpha"], ["alpha", "alpha"], ["gamma", "delta", "eps"]],
)
def test_the_walk_matches_what_whoosh_matches(searcher, words, slop):
    from whoosh import query

    ours = _adjacent_phrase()("body", words, slop=slop)
    theirs = query.Phrase("body", words, slop=slop)
    got = [(h["id"], round(h.score, 9)) for h in searcher.search(ours, limit=None)]
    want = [(h["id"], round(h.score, 9)) for h in searcher.search(theirs, limit=None)]
    assert got == want
    assert 0 < len(want) < 400  # the case tells matching notes from the others
