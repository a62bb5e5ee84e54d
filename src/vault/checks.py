"""`vault check`: find what is broken or loose in a vault's structure.

Errors (a CI run should fail): a Parent or link that points at nothing, a Parent chain that
loops, a reference that matches several notes. Warnings: metadata that could not be read,
notes without a date, notes sharing a title, and notes connected to nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vault.model import Problem, Reference
from vault.references import LINK, PARENT, references
from vault.text import fold

if TYPE_CHECKING:
    from vault.catalog import Catalog

# Every kind, in report order, with its level.
KINDS = {
    "dangling_parent": "error",
    "broken_link": "error",
    "parent_cycle": "error",
    "ambiguous_ref": "error",
    "bad_front_matter": "warning",
    "missing_date": "warning",
    "duplicate_title": "warning",
    "orphan": "warning",
}
_ORDER = {kind: k for k, kind in enumerate(KINDS)}


def _problem(kind: str, note: str, target: str, message: str, line: int | None = None):
    return Problem(kind, KINDS[kind], note, target, message, line)


def check_vault(catalog: Catalog) -> list[Problem]:
    """Every problem found, errors first, then by kind, note and line."""
    refs = references(catalog)
    problems = _reference_problems(refs)
    problems += _parent_cycles(catalog)
    problems += _record_problems(catalog)
    problems += _orphans(catalog, refs)
    problems.sort(key=lambda p: (_ORDER[p.kind], p.note, p.line or 0, p.target))
    return problems


def _reference_problems(refs: list[Reference]) -> list[Problem]:
    out: list[Problem] = []
    seen: set[tuple[str, str, str]] = set()
    for ref in refs:
        res = ref.resolution
        if res.id is not None:
            continue
        # A link written several times is one problem, reported at its first line.
        key = (ref.source, ref.kind, ref.raw)
        if key in seen:
            continue
        seen.add(key)
        what = "Parent" if ref.kind == PARENT else "link"
        if res.candidates:
            out.append(
                _problem(
                    "ambiguous_ref",
                    ref.source,
                    ref.raw,
                    f"{what} {ref.raw!r} matches {len(res.candidates)} notes: "
                    f"{', '.join(res.candidates)}; write the full path",
                    ref.line,
                )
            )
        elif ref.kind == PARENT:
            out.append(
                _problem(
                    "dangling_parent",
                    ref.source,
                    ref.raw,
                    f"Parent {ref.raw!r} matches no note",
                )
            )
        elif ref.kind == LINK:
            out.append(
                _problem(
                    "broken_link",
                    ref.source,
                    ref.raw,
                    f"link to {ref.raw!r} matches no note",
                    ref.line,
                )
            )
    return out


def _parent_cycles(catalog: Catalog) -> list[Problem]:
    """One problem per Parent cycle (each note has one Parent, so cycles cannot overlap)."""
    parent = {c: r.id for c, r in catalog.parents.items() if r.id is not None}
    done: set[str] = set()
    out: list[Problem] = []
    for start in sorted(parent):
        trail: list[str] = []
        on_trail: set[str] = set()
        node: str | None = start
        while node is not None and node not in done and node not in on_trail:
            trail.append(node)
            on_trail.add(node)
            node = parent.get(node)
        if node is not None and node in on_trail:
            cycle = trail[trail.index(node) :]
            first = min(cycle)
            k = cycle.index(first)
            cycle = cycle[k:] + cycle[:k]
            chain = " -> ".join([*cycle, first])
            out.append(
                _problem(
                    "parent_cycle",
                    first,
                    catalog.records[first].parent_ref or "",
                    f"Parent chain loops: {chain}",
                )
            )
        done.update(trail)
    return out


def _record_problems(catalog: Catalog) -> list[Problem]:
    out: list[Problem] = []
    by_title: dict[str, list[str]] = {}
    for note_id in sorted(catalog.records):
        rec = catalog.records[note_id]
        for warning in rec.warnings:
            out.append(_problem("bad_front_matter", note_id, "", warning))
        if rec.date_source in ("git", "mtime", ""):
            source = {"git": "its first commit", "mtime": "the file's modification time"}
            fallback = source.get(rec.date_source)
            out.append(
                _problem(
                    "missing_date",
                    note_id,
                    "",
                    "no date in its metadata or file name"
                    + (f"; using {fallback} ({rec.date})" if fallback else ""),
                )
            )
        by_title.setdefault(fold(rec.title), []).append(note_id)
    for ids in by_title.values():
        if len(ids) < 2:
            continue
        for note_id in ids:
            others = [i for i in ids if i != note_id]
            title = catalog.records[note_id].title
            out.append(
                _problem(
                    "duplicate_title",
                    note_id,
                    title,
                    f"title {title!r} is shared with {', '.join(others)}",
                )
            )
    return out


def _orphans(catalog: Catalog, refs: list[Reference]) -> list[Problem]:
    """Notes with no Parent, no links out (a link to itself does not count; a broken one
    does) and no references in."""
    connected: set[str] = set()
    for ref in refs:
        if ref.resolution.id != ref.source:
            connected.add(ref.source)
            if ref.resolution.id is not None:
                connected.add(ref.resolution.id)
    return [
        _problem("orphan", note_id, "", "no Parent, no links and no backlinks")
        for note_id in catalog.records
        if note_id not in connected
    ]
