"""A note's record as a cache row and back: strings and numbers only, quick to pass between
processes and ready to write. The column order is the cache's format (vault.catalog.cache):
change it and bump CACHE_VERSION there."""

from __future__ import annotations

import json

from vault.model import Link, NoteRecord

# A file's state when it was parsed: (mtime_ns, size, ctime_ns, inode).
Stat = tuple[int, int, int, int]
# A parsed note as it travels (from worker processes too) and is stored: (file state, digest,
# cache row).
Parsed = tuple[Stat, str, tuple]

# The record fields stored as SQL columns, in row order after the id, the file state and the
# content digest.
TEXT_COLUMNS = ("title", "date", "date_source", "type", "parent_ref", "style")
JSON_COLUMNS = ("tags", "meta", "links", "warnings")
COLUMNS = TEXT_COLUMNS + JSON_COLUMNS
DATE, DATE_SOURCE = COLUMNS.index("date"), COLUMNS.index("date_source")


def decoded(name: str, text: str):
    """A JSON column as the record holds it."""
    if text in ("[]", "{}"):  # most notes: no tags, no meta, no warnings
        return () if text == "[]" else {}
    value = json.loads(text)
    if name == "links":
        return tuple(Link(*link) for link in value)
    if name in ("tags", "warnings"):
        return tuple(value)
    return value


def to_row(rec: NoteRecord) -> tuple:
    links = [[ln.syntax, ln.target, ln.alias, ln.line, ln.attachment] for ln in rec.links]
    return (
        rec.title,
        rec.date,
        rec.date_source,
        rec.type,
        rec.parent_ref,
        rec.style,
        json.dumps(list(rec.tags), ensure_ascii=False),
        json.dumps(rec.meta, ensure_ascii=False),
        json.dumps(links, ensure_ascii=False),
        json.dumps(list(rec.warnings), ensure_ascii=False),
    )


def from_row(note_id: str, stat: Stat, digest: str, row: tuple) -> NoteRecord:
    title, date, source, kind, parent, style, tags, meta, links, warnings = row
    return NoteRecord(
        id=note_id,
        title=title,
        date=date,
        date_source=source,
        type=kind,
        parent_ref=parent,
        tags=decoded("tags", tags),
        meta=decoded("meta", meta),
        links=decoded("links", links),
        style=style,
        warnings=decoded("warnings", warnings),
        stat=stat,
        digest=digest,
    )
