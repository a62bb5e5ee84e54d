"""vault.search.morelike stands in for Whoosh's more-like-this in `related` (and so in
`context` and the MCP tools): it must give Whoosh's ranking, the same notes in the same
order, on a real index of several segments, some with deleted documents, and again after
the index changed under a resident process's kept key terms."""

from __future__ import annotations

import shutil
from pathlib import Path

from vault.catalog import load_catalog
from vault.search import morelike
from vault.search.schema import body_field, id_key
from vault.search.search import with_searcher
from vault.vault import open_vault

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "corpora" / "foam" / "docs"


def _whoosh_and_ours(catalog) -> tuple[list, list]:
    """For every note: Whoosh's more-like-this and ours, each (key terms, docnums)."""

    def run(searcher):
        theirs, ours = [], []
        for note_id in sorted(catalog.records):
            docnum = searcher.document_number(id=id_key(note_id))
            lang = searcher.stored_fields(docnum).get("lang") or "en"
            field = body_field(lang)
            note = catalog.read(note_id)
            text = f"{note.record.title}\n{note.body}"
            kts = searcher.key_terms_from_text(field, text, numterms=15, normalize=False)
            found = searcher.more_like(docnum, field, text=text, top=20, numterms=15)
            theirs.append((kts, [hit.docnum for hit in found]))
            docnums, _ = morelike.more_like(searcher, docnum, field, text, 20, 15)
            ours.append((morelike.key_terms(searcher, field, text, 15), docnums))
        return theirs, ours

    return with_searcher(catalog, run)


def test_more_like_gives_whooshs_ranking_across_segments_and_edits(tmp_path):
    root = tmp_path / "vault"
    shutil.copytree(CORPUS, root)
    catalog = load_catalog(open_vault(root))
    theirs, ours = _whoosh_and_ours(catalog)
    assert len(theirs) > 30 and all(docnums for _, docnums in theirs)
    assert ours == theirs

    # Edits write new segments and delete the old documents of the notes edited; the kept
    # key terms are for the index as it was, and must not be the ones answered now.
    paths = sorted(root.rglob("*.md"))
    for path in paths[::4]:
        path.write_text(path.read_text(encoding="utf-8") + "\n\nGraph wikilinks graph.\n")
    (root / "extra.md").write_text("# Extra\n\nWikilinks and graph and wikilinks again.\n")
    catalog = load_catalog(open_vault(root))
    theirs, ours = _whoosh_and_ours(catalog)

    def segments(searcher):
        return [(leaf.doc_count_all(), leaf.has_deletions()) for leaf, _ in
                searcher.reader().leaf_readers()]  # fmt: skip

    layout = with_searcher(catalog, segments)
    assert len(layout) > 1 and any(deleted for _, deleted in layout), layout
    assert ours == theirs
