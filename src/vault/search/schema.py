"""What goes into the Whoosh index: the schema, a note's document, and the vocabulary
documents that spelling suggestions come from."""

from __future__ import annotations

import re
import uuid
from collections import Counter

from vault.model import Note
from vault.text import day_start, fold

# Bump when the schema or what goes into a field changes: older indexes are then rebuilt.
SCHEMA_VERSION = 3
# Searchable fields, for error messages and the query parser.
TEXT_FIELDS = ("title", "body", "tags")
QUERY_FIELDS = ("title", "body", "tags", "type", "parent", "date", "id")
# The id prefix and kind of vocabulary documents (never shown as hits).
VOCAB = "~vocab"
# Words offered as spelling suggestions: letters only, two or more.
_WORD = re.compile(r"[^\W\d_]{2,}")


def make_schema():
    from whoosh import fields
    from whoosh.analysis import (
        DelimitedAttributeFilter,
        LowercaseFilter,
        RegexTokenizer,
        SpaceSeparatedTokenizer,
        StemmingAnalyzer,
    )

    stemmed = StemmingAnalyzer()
    plain = RegexTokenizer() | LowercaseFilter()
    # Spelling suggestions need the words as written: a fuzzy term on a stemmed field with
    # spelling=True looks in the unstemmed word list and then finds no postings. So unstemmed
    # words live in their own field, and only in vocabulary documents (see vocabulary_doc):
    # a copy of every note's words would double the postings and the indexing time.
    counted = SpaceSeparatedTokenizer() | DelimitedAttributeFilter("^", "boost", 1.0, float)
    return fields.Schema(
        id=fields.ID(unique=True, stored=True),
        title=fields.TEXT(analyzer=stemmed, field_boost=2.0, stored=True),
        body=fields.TEXT(analyzer=stemmed),
        tags=fields.KEYWORD(lowercase=True, commas=True, scorable=True, stored=True),
        # `type:supplement` and `type:"technical supplement"` in queries...
        type=fields.TEXT(analyzer=plain, stored=True),
        # ...and the folded type for --type (vault.filters' rule: any case, any spacing).
        kind=fields.ID(),
        parent=fields.ID(stored=True),
        date=fields.DATETIME(stored=True),
        # TEXT is scorable, so it has a length column: without one, Whoosh stats a file for
        # every posting it writes.
        words=fields.TEXT(analyzer=counted, phrase=False),
    )


def vocabulary_doc(counts: Counter) -> dict:
    """A vocabulary document: each word once, weighted by the number of notes that have it
    (so Whoosh's corrector, which ranks by frequency, prefers common words). Written once per
    build chunk and once per update; words of deleted notes linger until the next rebuild,
    which is why a suggestion is only made when it finds something."""
    text = " ".join(f"{word}^{n}" for word, n in counts.items())
    return {"id": f"{VOCAB}/{uuid.uuid4().hex}", "kind": VOCAB, "words": text}


def note_words(note: Note) -> set[str]:
    return set(_WORD.findall(f"{note.record.title}\n{note.body}".lower()))


def document(note: Note, parent: str | None) -> dict:
    """The Whoosh document of a note whose Parent resolved to `parent`."""
    rec = note.record
    doc = {"id": rec.id, "title": rec.title, "body": note.body}
    if rec.tags:
        doc["tags"] = ",".join(rec.tags)
    if rec.type:
        doc["type"] = rec.type
        doc["kind"] = fold(rec.type)
    if parent:
        doc["parent"] = parent
    if rec.date:
        try:
            doc["date"] = day_start(rec.date)
        except ValueError:
            pass
    return doc
