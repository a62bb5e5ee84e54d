"""`vault context`: what an agent needs before writing about a note, in one call and within a
budget of characters.

The note itself comes first, then the notes around it, nearest first: its Parent (and the
Parent chain up to the root), its children, the notes it links to and those linking to it
(one step away), then the grandparent, its siblings and grandchildren (two steps), and so on
down the Parent tree to `depth`; last, the notes most alike (`related`, found by the caller:
the core imports no search library). Each item says why it is there. Items are added in that
order while they fit in `max_chars`; what did not fit is counted, so the caller can ask again
with a larger budget. Only the files of the items kept are read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import asdict

from vault.append import read_hashed
from vault.catalog import Catalog
from vault.markdown.clip import SNIPPET_CHARS, clip
from vault.markdown.text import body_text, without_title_line
from vault.model import ContextItem, Hit, NoteContext, Reference
from vault.notes import MAX_NOTE_BYTES, decode
from vault.options import CONTEXT_DEPTH, MAX_CHARS, check
from vault.references import LINK, backlinks

# About 3,000 tokens of English: room for the note and a few dozen neighbours.
DEFAULT_MAX_CHARS = 12_000
DEFAULT_DEPTH = 1
# How many related notes are asked for.
RELATED_LIMIT = 5
# Why an item is there, in the order items at the same distance are listed.
WHYS = ("parent", "sibling", "child", "link", "backlink", "related")

# note id, how many -> the most alike notes, best first (vault.search.search.related).
RelatedFn = Callable[[str, int], list[Hit]]


def note_context(
    catalog: Catalog,
    note_id: str,
    *,
    depth: int = DEFAULT_DEPTH,
    max_chars: int = DEFAULT_MAX_CHARS,
    related: RelatedFn | None = None,
    refs: list[Reference] | None = None,
) -> NoteContext:
    """The context of `note_id`. `refs` (vault.references.references) may be passed in by a
    caller that keeps them; `related` is called only when the budget has room left."""
    check(CONTEXT_DEPTH, depth)
    check(MAX_CHARS, max_chars)
    note, sha256 = read_hashed(catalog, note_id)
    rec = note.record
    budget = _Budget(max_chars)
    candidates = sorted(
        _neighbours(catalog, note_id, depth, refs),
        key=lambda c: (c[2], WHYS.index(c[0])),
    )
    head = {"id": rec.id, "title": rec.title, "date": rec.date, "type": rec.type}
    room = max_chars - budget.size({**head, "body": "", "sha256": sha256, "truncated": True})
    if candidates or related is not None:
        room -= max_chars // 3  # a long body leaves a third of the budget to the notes around
    body, truncated = _cut(note.body, max(0, room))
    budget.take(budget.size({**head, "body": body, "sha256": sha256, "truncated": truncated}))

    items: list[ContextItem] = []
    omitted: dict[str, int] = {}
    seen = {note_id}
    full = False
    for why, other, distance, line in candidates:
        if other in seen:
            continue
        seen.add(other)
        if full:
            omitted[why] = omitted.get(why, 0) + 1
            continue
        item = _item(catalog, why, other, distance, line)
        if budget.fits(item):
            items.append(item)
        else:
            full = True
            omitted[why] = omitted.get(why, 0) + 1
    if related is not None and not full:
        for hit in related(note_id, RELATED_LIMIT):
            if hit.id in seen:
                continue
            seen.add(hit.id)
            item = ContextItem(
                "related", hit.id, hit.title, hit.date, hit.type, None, hit.snippet or None
            )
            if not full and budget.fits(item):
                items.append(item)
            else:
                full = True
                omitted["related"] = omitted.get("related", 0) + 1
    return NoteContext(
        id=rec.id,
        title=rec.title,
        date=rec.date,
        type=rec.type,
        body=body,
        sha256=sha256,
        truncated=truncated,
        items=tuple(items),
        omitted=omitted,
        max_chars=max_chars,
    )


class _Budget:
    """Characters left, counted as the compact JSON of what is kept."""

    def __init__(self, limit: int):
        self.left = limit

    @staticmethod
    def size(data: dict) -> int:
        return len(json.dumps(data, ensure_ascii=False)) + 1  # and a comma

    def take(self, n: int) -> None:
        self.left -= n

    def fits(self, item: ContextItem) -> bool:
        n = self.size(asdict(item))
        if n > self.left:
            return False
        self.left -= n
        return True


def _cut(body: str, room: int) -> tuple[str, bool]:
    """The body, or as much of it as fits in `room` characters of JSON (cut at a line when
    that keeps most of it), and whether it was cut."""
    if len(json.dumps(body, ensure_ascii=False)) <= room:
        return body, False
    keep = min(len(body), room)
    while keep > 0 and len(json.dumps(body[:keep], ensure_ascii=False)) > room:
        keep = keep * 9 // 10
    line = body.rfind("\n", 0, keep)
    if line > keep // 2:
        keep = line
    return body[:keep], True


def _neighbours(
    catalog: Catalog, note_id: str, depth: int, refs: list[Reference] | None
) -> Iterator[tuple[str, str, int, int | None]]:
    """(why, id, distance, line of a backlink) of every note around `note_id`, each kind in
    its own order (parents upward, children oldest first, links as written)."""
    records = catalog.records
    order = lambda i: (records[i].date is None, records[i].date or "", i)  # noqa: E731
    parent = catalog.parent_id(note_id)
    up, distance, chain = parent, 1, {note_id}
    while up is not None and up not in chain:
        yield "parent", up, distance, None
        chain.add(up)
        up, distance = catalog.parent_id(up), distance + 1
    level, below = [note_id], {note_id}
    for distance in range(1, depth + 1):
        if not level:  # the tree ends here: a deeper --depth finds nothing more
            break
        nxt = []
        for node in level:
            for child in sorted(catalog.children.get(node, ()), key=order):
                if child not in below:
                    below.add(child)
                    nxt.append(child)
                    yield "child", child, distance, None
        level = nxt
    if parent is not None:
        for sibling in sorted(catalog.children.get(parent, ()), key=order):
            yield "sibling", sibling, 2, None
    resolver = catalog.resolver
    for link in records[note_id].links:
        target = resolver.resolve_link(link, note_id).id
        if target is not None:
            yield "link", target, 1, None
    for b in backlinks(catalog, note_id, refs):
        if b.kind == LINK:
            yield "backlink", b.id, 1, b.line


def _item(catalog: Catalog, why: str, note_id: str, distance: int, line: int | None):
    rec = catalog.records[note_id]
    snippet = None if why == "parent" else _snippet(catalog, note_id, line)
    return ContextItem(why, rec.id, rec.title, rec.date, rec.type, distance, snippet)


def _snippet(catalog: Catalog, note_id: str, line: int | None) -> str:
    """The opening of a note's text, or the line `line` of its file (where a link is), as
    plain text (vault.markdown.text), clipped as every snippet is."""
    path = catalog.vault.path_of(note_id)
    try:
        if line is None:
            note = catalog.read(note_id)
            text = without_title_line(note.body, note.record.title)
        else:
            with open(path, "rb") as fh:
                lines = decode(fh.read(MAX_NOTE_BYTES), []).split("\n")
            text = lines[line - 1] if 0 < line <= len(lines) else ""
    except OSError:
        return ""
    dendron = catalog.kind.name == "dendron"  # its wikilinks are [[label|target]]
    return clip(body_text(text, dendron, enough=2 * SNIPPET_CHARS))
