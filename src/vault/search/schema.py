"""What goes into the Whoosh index: the schema, a note's document, and the vocabulary
documents that spelling suggestions come from.

A note's title and body go into the fields of its language (`title_de`, `body_de`; see
vault.search.analysis); queries name them `title` and `body` and are expanded to every
language the index holds. The file name counts as title words too (Obsidian and Foam title
a note by its file name), and `name` holds the whole file name, so a query that is exactly
a note's name can rank that note first.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter

from vault.search.analysis import ALL_LANGUAGES, normalize
from vault.text import day_start, fold
from vault.vault import stem_of

# Bump when the schema or what goes into a field changes: older indexes are then rebuilt.
SCHEMA_VERSION = 6
# The fields queries name (title and body stand for every language's), for the parser and
# its error messages.
TEXT_FIELDS = ("title", "body", "tags")
QUERY_FIELDS = ("title", "body", "tags", "type", "parent", "date", "id")
# Title words weigh this much more than body words.
TITLE_BOOST = 2.0
# The id prefix and kind of vocabulary documents (never shown as hits).
VOCAB = "~vocab"
_NAME_SPLIT = re.compile(r"[\W_]+")
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ _.-]+|$)")


def title_field(lang: str) -> str:
    return f"title_{lang}"


def body_field(lang: str) -> str:
    return f"body_{lang}"


def make_schema():
    from vault.search.imports import load_whoosh

    load_whoosh()
    from whoosh import fields
    from whoosh.analysis import (
        DelimitedAttributeFilter,
        LowercaseFilter,
        RegexTokenizer,
        SpaceSeparatedTokenizer,
    )

    from vault.search.fieldtypes import LanguageText

    plain = RegexTokenizer() | LowercaseFilter()
    # Spelling suggestions need the words as written, and only in vocabulary documents (see
    # vocabulary_doc): a copy of every note's words would double the postings.
    counted = SpaceSeparatedTokenizer() | DelimitedAttributeFilter("^", "boost", 1.0, float)
    text = {}
    for lang in ALL_LANGUAGES:
        text[title_field(lang)] = LanguageText(lang, field_boost=TITLE_BOOST)
        text[body_field(lang)] = LanguageText(lang)
    return fields.Schema(
        id=fields.ID(unique=True, stored=True),
        # Shown in hits; searched through the language fields.
        title=fields.STORED(),
        # The file name (and without a leading date), folded: exact-name matches.
        name=fields.ID(),
        # The note's language and header style, for snippets.
        lang=fields.STORED(),
        style=fields.STORED(),
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
        **text,
    )


def vocabulary_doc(counts: Counter) -> dict:
    """A vocabulary document: each word once, weighted by the number of notes that have it
    (so Whoosh's corrector, which ranks by frequency, prefers common words). Written once per
    build chunk and once per update; words of deleted notes linger until the next rebuild,
    which is why a suggestion is only made when it finds something."""
    text = " ".join(f"{word}^{n}" for word, n in counts.items())
    return {"id": f"{VOCAB}/{uuid.uuid4().hex}", "kind": VOCAB, "words": text}


def fold_name(text: str) -> str:
    """A file name or a query as the `name` field compares them: normalised, any case, any
    spacing."""
    return " ".join(normalize(text).lower().split())


def names_of(note_id: str) -> list[str]:
    """The `name` terms of a note: its file name, and without a leading date ("2024-03-04
    standup" is also "standup")."""
    stem = fold_name(stem_of(note_id))
    out = [stem]
    rest = _DATE_PREFIX.sub("", stem)
    if rest and rest != stem:
        out.append(rest)
    return out


def title_text(title: str, note_id: str, aliases: tuple[str, ...] = ()) -> str:
    """The title as indexed: with the file name's words when the title lacks some of them
    (dates and numbers aside), and the note's aliases (Obsidian's other names for it: "how
    do I change a keyboard shortcut" should find Hotkeys, aliased "Keyboard shortcuts")."""
    title_words = set(_NAME_SPLIT.split(fold_name(title)))
    missing = []
    for word in _NAME_SPLIT.split(fold_name(stem_of(note_id))):
        if word and not word.isdigit() and word not in title_words and word not in missing:
            missing.append(word)
    lines = [title, *([" ".join(missing)] if missing else []), *aliases]
    return "\n".join(lines)


# At most this many aliases of a note are indexed (a YAML list may be huge).
MAX_ALIASES = 20


def aliases_of(meta) -> tuple[str, ...]:
    """The aliases a note's front matter gives (`aliases:` or `alias:`, a list or one)."""
    if not isinstance(meta, dict):
        return ()
    found = None
    for key, value in meta.items():
        if str(key).lower() in ("aliases", "alias"):
            found = value
            break
    if isinstance(found, str):
        found = [found]
    if not isinstance(found, list):
        return ()
    return tuple(str(a) for a in found[:MAX_ALIASES] if isinstance(a, (str, int, float)) and a)


# A file name that is not UTF-8 is a str with lone surrogates (U+DC80-U+DCFF, one per byte),
# which Whoosh cannot encode. In the index, an id holds each as a private-use character of
# plane 16 instead (U+10FF80-U+10FFFF: no real name holds those), and is turned back when
# read; other text shows each as U+FFFD.
_TO_KEY = {0xDC80 + b: 0x10FF80 + b for b in range(128)}
_FROM_KEY = {v: k for k, v in _TO_KEY.items()}


def id_key(note_id: str) -> str:
    """A note's id as the index holds it."""
    return note_id.translate(_TO_KEY) if note_id.isascii() is False else note_id


def id_of(key: str) -> str:
    """The note id an index key stands for."""
    return key.translate(_FROM_KEY) if key.isascii() is False else key


def _indexable(value):
    """A field's value with what Whoosh cannot encode (lone surrogates) shown as U+FFFD: a
    text, a list of texts, or terms already analysed (vault.search.analysis.Analyzed)."""
    if value.__class__ is str:
        return _replaced(value)
    if isinstance(value, list):
        return [_replaced(v) for v in value]
    positions = getattr(value, "positions", None)
    if isinstance(positions, dict) and any(_replaced(t) is not t for t in positions):
        merged: dict[str, list[int]] = {}
        for term, at in positions.items():
            merged.setdefault(_replaced(term), []).extend(at)
        value.positions = {t: sorted(at) for t, at in merged.items()}
    return value


def _replaced(text):
    if text.__class__ is not str or text.isascii():
        return text
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def document(note_id: str, rec, body, lang: str, parent: str | None, title=None) -> dict:
    """The Whoosh document of a note (its record `rec`, its body as indexed: text or
    Analyzed, its language) whose Parent resolved to `parent`; `title` is its title_text,
    analysed already."""
    doc = {
        "id": note_id,
        "title": rec.title,
        title_field(lang): title
        if title is not None
        else title_text(rec.title, note_id, aliases_of(getattr(rec, "meta", None))),
        body_field(lang): body,
        "name": names_of(note_id),
        "lang": lang,
        "style": rec.style,
    }
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
    doc = {k: _indexable(v) for k, v in doc.items()}
    doc["id"] = id_key(note_id)
    return doc
