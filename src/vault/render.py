"""Output: --json shapes and the human-readable forms. Data to stdout, the rest to stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable

import click

from vault.catalog import Catalog
from vault.model import Created, Note, NoteRecord

# How many per-note warnings a command prints before summarising the rest.
WARNING_LIMIT = 10


def emit_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


def info(message: str) -> None:
    click.echo(message, err=True)


def note_warnings(pairs: Iterable[tuple[str, str]], limit: int = WARNING_LIMIT) -> None:
    """One line per problem note on stderr, naming the file and the problem."""
    pairs = list(pairs)
    for note_id, problem in pairs[:limit]:
        warn(f"{note_id}: {problem}")
    if len(pairs) > limit:
        warn(f"... and {len(pairs) - limit} more problems (see `vault show` for each note)")


def styled(text: str, **style: object) -> str:
    """Styled when stdout is a terminal, plain when piped."""
    return click.style(text, **style) if sys.stdout.isatty() else text


# --- shapes ---------------------------------------------------------------------------------


def summary(rec: NoteRecord, catalog: Catalog) -> dict:
    """The {"id", "title", "date", "type", "parent"} shape used by list and friends."""
    return {
        "id": rec.id,
        "title": rec.title,
        "date": rec.date,
        "type": rec.type,
        "parent": catalog.parent_id(rec.id),
    }


def note_dict(note: Note, catalog: Catalog) -> dict:
    rec = note.record
    return {
        "id": rec.id,
        "title": rec.title,
        "date": rec.date,
        "type": rec.type,
        "parent": catalog.parent_id(rec.id),
        "parent_ref": rec.parent_ref,
        "children": catalog.children.get(rec.id, []),
        "tags": list(rec.tags),
        "meta": rec.meta,
        "body": note.body,
        "warnings": list(rec.warnings),
    }


def created_dict(c: Created) -> dict:
    return {
        "id": c.id,
        "path": c.path,
        "title": c.title,
        "date": c.date,
        "type": c.type,
        "parent": c.parent,
        "commit": c.commit,
    }


# --- human forms ----------------------------------------------------------------------------


def list_lines(records: list[NoteRecord]) -> list[str]:
    """One line a note: date, type, title, id."""
    type_width = min(max((len(r.type or "") for r in records), default=0), 24)
    lines = []
    for rec in records:
        kind = (rec.type or "-")[:type_width].ljust(type_width)
        lines.append(
            f"{rec.date or '----------'}  {kind}  {styled(rec.title, bold=True)}  "
            f"{styled(rec.id, dim=True)}"
        )
    return lines


def show_text(note: Note, catalog: Catalog) -> str:
    rec = note.record
    label = lambda name: styled(f"{name + ':':<10}", fg="cyan")  # noqa: E731
    out = [styled(rec.title, bold=True), ""]
    out.append(f"{label('id')}{rec.id}")
    date_note = {"git": " (first git commit)", "mtime": " (file modified)"}.get(rec.date_source, "")
    out.append(f"{label('date')}{rec.date or '-'}{date_note}")
    out.append(f"{label('type')}{rec.type or '-'}")
    if rec.parent_ref:
        res = catalog.parents.get(rec.id)
        if res and res.id:
            out.append(f"{label('parent')}{res.id}  ({catalog.records[res.id].title})")
        elif res and res.candidates:
            out.append(
                f"{label('parent')}{rec.parent_ref}  (ambiguous: {', '.join(res.candidates)})"
            )
        else:
            out.append(f"{label('parent')}{rec.parent_ref}  (not found)")
    else:
        out.append(f"{label('parent')}-")
    children = catalog.children.get(rec.id, [])
    if children:
        out.append(f"{label('children')}{children[0]}")
        out.extend(" " * 10 + c for c in children[1:])
    else:
        out.append(f"{label('children')}-")
    if rec.tags:
        out.append(f"{label('tags')}{', '.join(rec.tags)}")
    for key, value in rec.meta.items():
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        out.append(f"{label(key[:9])}{text}")
    out.append("")
    out.append(note.body.rstrip("\n"))
    return "\n".join(out)


def created_text(c: Created) -> str:
    return c.id
