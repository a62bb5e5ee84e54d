"""`vault check`: find what is broken or loose in a vault's structure.

Errors (a CI run should fail): a Parent or link that points at nothing, a Parent chain that
loops. Warnings: a reference that several notes tie for, an attachment that is not there,
metadata that could not be read, derived data that git tracks, notes sharing a title, notes
connected to nothing, and notes without a date where the vault's notes mostly carry one.
Info: notes without a date in a vault whose notes mostly carry none (an imported vault).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from vault.conflict_files import copy_of, marker_lines
from vault.headers import find_block, key_line
from vault.model import Problem, Reference
from vault.notes import PARENT_KEYS
from vault.problem_kinds import KINDS, LEVELS
from vault.references import LINK, PARENT, references
from vault.resolve import Files
from vault.text import fold
from vault.vault import OLD_STATE_FOLDER

if TYPE_CHECKING:
    from vault.catalog import Catalog
    from vault.repository import Repository

_ORDER = {kind: k for k, kind in enumerate(KINDS)}


def _problem(kind: str, note: str, target: str, message: str, line: int | None = None):
    return Problem(kind, KINDS[kind], note, target, message, line)


def check_vault(catalog: Catalog, repo: Repository | None = None) -> list[Problem]:
    """Every problem found, errors first, then warnings, then info; within a level by kind,
    note and line. With `repo`, derived data that git tracks is looked for too."""
    refs = references(catalog)
    problems = _reference_problems(catalog, refs)
    problems += _parent_cycles(catalog)
    problems += _attachment_problems(catalog)
    problems += _record_problems(catalog)
    problems += _orphans(catalog, refs)
    problems += _conflict_problems(catalog)
    if repo is not None:
        problems += _tracked_derived_data(catalog, repo)
    # Stable: problems on one line stay in the order they are written.
    problems.sort(key=lambda p: (LEVELS.index(p.level), _ORDER[p.kind], p.note, p.line or 0))
    return problems


def select_problems(
    problems: Iterable[Problem],
    kinds: Iterable[str] = (),
    ignore: Iterable[str] = (),
    level: str = "info",
) -> list[Problem]:
    """The problems of these kinds (every kind when none is given), without the ignored
    kinds, at `level` or more severe."""
    kinds, ignore = set(kinds), set(ignore)
    worst = LEVELS.index(level)
    return [
        p
        for p in problems
        if (not kinds or p.kind in kinds)
        and p.kind not in ignore
        and LEVELS.index(p.level) <= worst
    ]


# --- references ----------------------------------------------------------------------------------


def _reference_problems(catalog: Catalog, refs: list[Reference]) -> list[Problem]:
    """One problem per reference written (a link written twice is two problems, each at its
    own line), quoting the target as written, never a link's display text."""
    out: list[Problem] = []
    for ref in refs:
        res = ref.resolution
        if res.id is not None:
            continue
        what = "Parent" if ref.kind == PARENT else "link"
        line = ref.line if ref.kind == LINK else _parent_line(catalog, ref.source)
        if res.candidates:
            out.append(
                _problem(
                    "ambiguous_ref",
                    ref.source,
                    ref.raw,
                    f"{what} {ref.raw!r} matches {len(res.candidates)} notes equally near: "
                    f"{', '.join(res.candidates)}; write the path of the one you mean",
                    line,
                )
            )
        elif ref.kind == PARENT:
            out.append(
                _problem(
                    "dangling_parent",
                    ref.source,
                    ref.raw,
                    f"Parent {ref.raw!r} matches no note",
                    line,
                )
            )
        elif ref.kind == LINK:
            out.append(
                _problem(
                    "broken_link",
                    ref.source,
                    ref.raw,
                    f"link to {ref.raw!r} matches no note",
                    line,
                )
            )
    return out


def _parent_line(catalog: Catalog, note_id: str) -> int | None:
    """The 1-based line of a note's Parent header (read again: records keep no line)."""
    try:
        with open(catalog.vault.path_of(note_id), "rb") as fh:
            head = fh.read(1 << 16).decode("utf-8", errors="replace")
    except OSError:
        return None
    lines = head.lstrip("\ufeff").split("\n")
    rec = catalog.records[note_id]
    number = key_line(lines, find_block(lines, rec.style), PARENT_KEYS)
    return number + 1 if number is not None else None


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
                    _parent_line(catalog, first),
                )
            )
        done.update(trail)
    return out


# --- attachments ---------------------------------------------------------------------------------


def _attachment_problems(catalog: Catalog) -> list[Problem]:
    """Links to files that are not notes (images, PDFs, ...) whose file is not there."""
    resolver = catalog.resolver
    wanted = [
        (note_id, link)
        for note_id, links in catalog.records.column("links")
        for link in links
        if resolver.is_attachment(link)
    ]
    if not wanted:
        return []
    files = Files(catalog.vault.root)
    out = []
    for note_id, link in wanted:
        if resolver.resolve_attachment(link, note_id, files) is None:
            target = resolver.target_text(link)
            out.append(
                _problem(
                    "broken_attachment",
                    note_id,
                    target,
                    f"attachment {target!r} is not in the vault",
                    link.line,
                )
            )
    return out


# --- records -------------------------------------------------------------------------------------


def _record_problems(catalog: Catalog) -> list[Problem]:
    out: list[Problem] = []
    by_title: dict[str, list[str]] = {}
    records = catalog.records
    dated = sum(1 for r in records.values() if r.date_source in ("meta", "filename"))
    # An imported vault whose notes carry no dates is not missing anything: say so quietly.
    date_level = "warning" if dated * 2 > len(records) else "info"
    for note_id in sorted(records):
        rec = records[note_id]
        for warning in rec.warnings:
            out.append(_problem("bad_front_matter", note_id, "", warning))
        if rec.date_source in ("git", "mtime", ""):
            source = {"git": "its first commit", "mtime": "the file's modification time"}
            fallback = source.get(rec.date_source)
            message = "no date in its metadata or file name" + (
                f"; using {fallback} ({rec.date})" if fallback else ""
            )
            out.append(Problem("missing_date", date_level, note_id, "", message))
        by_title.setdefault(fold(rec.title), []).append(note_id)
    for ids in by_title.values():
        if len(ids) < 2:
            continue
        for note_id in ids:
            others = [i for i in ids if i != note_id]
            title = records[note_id].title
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


# --- what a sync conflict leaves behind ----------------------------------------------------------


def _conflict_problems(catalog: Catalog) -> list[Problem]:
    """A conflict copy beside its note (`vault sync` kept both versions: one should go), and
    any note holding git's conflict markers outside code fences."""
    out: list[Problem] = []
    root = catalog.vault.root
    for note_id in sorted(catalog.records):
        folder, _, name = note_id.rpartition("/")
        original = copy_of(name)
        if original is not None:
            beside = f"{folder}/{original}" if folder else original
            if beside in catalog.records:
                out.append(
                    _problem(
                        "sync_conflict",
                        note_id,
                        beside,
                        f"a conflict copy of {beside} kept by `vault sync` (both machines "
                        "changed it): compare the two, keep what you want in one, remove the "
                        "other",
                    )
                )
        try:
            data = (root / note_id).read_bytes()
        except OSError:
            continue
        for line in marker_lines(data):
            out.append(
                _problem(
                    "conflict_markers",
                    note_id,
                    "",
                    "holds a git conflict marker: resolve the conflict (keep the text you "
                    "want, delete the <<<<<<< / ======= / >>>>>>> lines)",
                    line,
                )
            )
    return out


# --- derived data in git -------------------------------------------------------------------------


def _tracked_derived_data(catalog: Catalog, repo: Repository) -> list[Problem]:
    """Files under .vault/ that git tracks: derived data earlier versions kept inside the
    vault. vault never reads them now (its derived data lives outside the vault), but a
    clone would carry them, so they should leave git."""
    root = catalog.vault.root
    folder = root / OLD_STATE_FOLDER
    if not folder.is_dir():
        return []
    files = sorted(f"{OLD_STATE_FOLDER}/{rel}" for rel in _files_under(folder))
    tracked = sorted(repo.tracked(files)) if files else []
    if not tracked:
        return []
    return [
        _problem(
            "tracked_derived_data",
            f"{OLD_STATE_FOLDER}/",
            tracked[0],
            f"git tracks {len(tracked)} file(s) of derived data under {OLD_STATE_FOLDER}/ "
            f"(e.g. {tracked[0]}), which vault never reads; untrack them with "
            f"`git rm -r --cached {OLD_STATE_FOLDER}` and add {OLD_STATE_FOLDER}/ to "
            ".gitignore",
        )
    ]


def _files_under(folder) -> Iterable[str]:
    prefix = len(str(folder)) + 1
    for here, _, names in os.walk(folder):
        rel = here[prefix:].replace(os.sep, "/")
        for name in names:
            yield f"{rel}/{name}" if rel else name
