"""What a note's Whoosh document is made of: its catalog facts (Source), its body read from
disk now, its language, its resolved Parent."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from vault.catalog import Catalog
from vault.search import fieldtypes
from vault.search.analysis import Analyzed, detect_language, vault_language
from vault.search.manifest import Entry
from vault.search.schema import aliases_of, document, title_text
from vault.search.texts import read_body

# How many notes the vault's language is told from.
LANGUAGE_SAMPLE = 300


class Source(NamedTuple):
    """What a note's document is made of, as the catalog knows it."""

    id: str
    title: str
    type: str | None
    tags: tuple[str, ...]
    date: str | None
    style: str
    digest: str
    parent: str | None
    # The Parent as written (None: none).
    ref: str | None
    # Other names the front matter gives it (indexed as title words).
    aliases: tuple[str, ...] = ()


def parents(catalog: Catalog) -> dict[str, str | None]:
    return {i: r.id for i, r in catalog.parents.items()}


def parents_kept(
    catalog: Catalog, ids: list[str], manifest: dict[str, Entry]
) -> dict[str, str | None]:
    """The parents of edited notes when no note came or went: a note whose Parent is written
    as before keeps the parent it resolved to (resolving needs every title: 0.1 s at 10,000
    notes); the others are resolved again."""
    out: dict[str, str | None] = {}
    again = []
    for note_id in ids:
        seen = manifest.get(note_id)
        if seen is not None and seen[2] == (catalog.records[note_id].parent_ref or None):
            out[note_id] = seen[1]
        else:
            again.append(note_id)
    if again:
        out.update(parents_of(catalog, again))
    return out


def parents_of(catalog: Catalog, ids) -> dict[str, str | None]:
    resolver = catalog.resolver
    out = {}
    for note_id in ids:
        ref = catalog.records[note_id].parent_ref
        out[note_id] = resolver.resolve_parent(ref, note_id).id if ref else None
    return out


def source(catalog: Catalog, note_id: str, parent: str | None) -> Source:
    rec = catalog.records[note_id]
    return Source(
        note_id,
        rec.title,
        rec.type,
        rec.tags,
        rec.date,
        rec.style,
        rec.digest,
        parent,
        rec.parent_ref or None,
        aliases_of(rec.meta),
    )


def sources(catalog: Catalog) -> list[Source]:
    """Every note's Source, from the catalog's columns (no record is built)."""
    records = catalog.records
    names = ("title", "type", "tags", "date", "style", "parent_ref", "meta")
    columns = {name: dict(records.column(name)) for name in names}
    digests = catalog.digests()
    resolved = parents(catalog)
    return [
        Source(
            note_id,
            columns["title"][note_id],
            columns["type"][note_id],
            columns["tags"][note_id],
            columns["date"][note_id],
            columns["style"][note_id],
            digests[note_id],
            resolved.get(note_id),
            columns["parent_ref"][note_id] or None,
            aliases_of(columns["meta"][note_id]),
        )
        for note_id in sorted(records)
    ]


def prepare(root: Path, src: Source, language: str | None) -> tuple[dict, Entry, set[str]] | None:
    """(Whoosh document, manifest entry, vocabulary) of a note, read from disk now, in the
    vault's `language` (None: the note's own); None when the file is gone."""
    path = root / src.id
    try:
        body, digest = read_body(path, src.style)
    except OSError:
        return None
    rec = src
    if digest != src.digest:
        # Changed since the walk: parse it again (the catalog sees it next time).
        from vault.notes import read_note

        try:
            note = read_note(path, src.id)
        except OSError:
            return None
        new = note.record
        rec = src._replace(
            title=new.title,
            type=new.type,
            tags=new.tags,
            date=new.date or src.date,
            style=new.style,
            digest=new.digest,
            ref=new.parent_ref or None,
            aliases=aliases_of(new.meta),
        )
        body = note.body
    lang = language or detect_language(f"{rec.title}\n{body}")
    words: set[str] = set()
    analysis = fieldtypes.analysis(lang)
    title = Analyzed(analysis.positions(title_text(rec.title, rec.id, rec.aliases), words))
    body = Analyzed(analysis.positions(body, words))
    doc = document(rec.id, rec, body, lang, rec.parent, title=title)
    return doc, (rec.digest, rec.parent, rec.ref), words


def language_of(root: Path, sources: list[Source]) -> str | None:
    """The vault's one language, from an even sample of its notes; None when mixed."""
    step = max(1, len(sources) // LANGUAGE_SAMPLE)
    langs = []
    for src in sources[::step]:
        try:
            body = read_body(root / src.id, src.style)[0]
        except OSError:
            continue
        langs.append(detect_language(f"{src.title}\n{body}"))
    return vault_language(langs)
