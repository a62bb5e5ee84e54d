"""Filters shared by list and search."""

from __future__ import annotations

from collections.abc import Iterable

from vault.model import NoteRecord


def filter_records(
    records: Iterable[NoteRecord],
    note_type: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> list[NoteRecord]:
    """Notes of a type (case-insensitive) dated within [since, until]; undated notes are
    dropped only when a date bound is given."""
    want_type = " ".join(note_type.lower().split()) if note_type else None
    out = []
    for rec in records:
        if want_type is not None and " ".join((rec.type or "").lower().split()) != want_type:
            continue
        if since and (rec.date is None or rec.date < since):
            continue
        if until and (rec.date is None or rec.date > until):
            continue
        out.append(rec)
    return out
