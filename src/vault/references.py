"""Who points at whom: every Parent header and body link, resolved, and what is built on
them without a graph library (backlinks, the Parent tree, descendants).

The link graph (vault.graph) is built from these references; commands that need no graph
algorithm (tree, backlinks, check, search --under) use them directly and never import
networkx.
"""

from __future__ import annotations

import posixpath
from itertools import chain
from typing import TYPE_CHECKING

from vault.model import Backlink, NoteRecord, Reference, Resolution, TreeNode

if TYPE_CHECKING:
    from vault.catalog import Catalog
    from vault.resolve.written import Shared

PARENT = "parent"
LINK = "link"
# Edge kinds, in the order a step between two notes prefers them.
KINDS = (PARENT, LINK)


def references(catalog: Catalog) -> list[Reference]:
    """Every Parent header and body link to a note, resolved, in note-id order (links to
    attachments are not references: they point at files, not notes).

    What a note's links resolve to is kept in the catalog's cache, for as long as the note
    and the set of note ids stay as they are (Catalog.resolution_key): on an unchanged
    vault no link is resolved again, and no record is even built. A catalog brought up to
    date after an edit (vault.catalog.update) takes the other notes' references from the
    catalog before it, as they were resolved there, without even decoding them."""
    carried = catalog.carried_references()
    if carried is not None:
        return _after_edits(catalog, *carried)
    stored = catalog.derived("references")
    parents = catalog.parents
    written = dict(catalog.records.column("parent_ref")) if stored else {}
    out: list[Reference] = []
    by_note: dict[str, list[Reference]] = {}
    new: dict[str, str] = {}
    ids = sorted(catalog.records)
    missing = [i for i in ids if i not in stored]
    records = {i: catalog.records[i] for i in missing} if len(missing) < 1000 else None
    if records is None:
        records = dict(catalog.records.items())  # many: read every row at once
    memo: dict[tuple, Resolution] = {}
    from vault.resolve.written import Shared

    same = Shared()
    for note_id in ids:
        text = stored.get(note_id)
        if text is not None:
            refs = _decode(note_id, text, same)
            if note_id in parents:
                refs.insert(0, Reference(note_id, PARENT, written[note_id], None, parents[note_id]))
        else:
            refs = _resolve_note(catalog, records[note_id], parents, memo)
            new[note_id] = _encode(refs)
        by_note[note_id] = refs
        out.extend(refs)
    catalog.store_derived("references", new)
    catalog.keep_references(ids, by_note)
    return out


def _after_edits(
    catalog: Catalog, ids: list[str], before: dict[str, list[Reference]], reread: frozenset[str]
) -> list[Reference]:
    """The references of `catalog`, the same notes as the catalog whose references are
    `before` (in `ids`, sorted), the notes `reread` resolved again."""
    parents = catalog.parents
    by_note = dict(before)  # a copy (in C): `before` is the older catalog's
    memo: dict[tuple, Resolution] = {}
    new: dict[str, str] = {}
    for note_id in reread:
        refs = by_note[note_id] = _resolve_note(catalog, catalog.records[note_id], parents, memo)
        new[note_id] = _encode(refs)
    catalog.store_derived("references", new)
    catalog.keep_references(ids, by_note)
    return list(chain.from_iterable(map(by_note.__getitem__, ids)))


def _resolve_note(catalog: Catalog, rec: NoteRecord, parents, memo) -> list[Reference]:
    resolver = catalog.resolver
    note_id = rec.id
    refs = []
    if rec.parent_ref:
        refs.append(Reference(note_id, PARENT, rec.parent_ref, None, parents[note_id]))
    folder = posixpath.dirname(note_id)
    for link in rec.links:
        if resolver.is_attachment(link):
            continue  # a file, not a note: `vault check` looks for it
        # Resolution depends on the note only through its folder (relative paths, and
        # which of several same-named notes is nearest), so links repeat across notes.
        key = (link.syntax, link.target, link.alias, folder)
        res = memo.get(key)
        if res is None:
            res = memo[key] = resolver.resolve_link(link, note_id)
        refs.append(Reference(note_id, LINK, resolver.target_text(link), link.line, res))
    return refs


def _encode(refs: list[Reference]) -> str:
    """A note's links as stored: [[raw, line, id, *candidates], ...] (its Parent is stored
    with the catalog's parents)."""
    import json

    rows = [[r.raw, r.line, r.resolution.id, *r.resolution.candidates] for r in refs]
    return json.dumps([row for row, r in zip(rows, refs, strict=True) if r.kind == LINK])


def _decode(note_id: str, text: str, same: Shared) -> list[Reference]:
    import json

    return [
        Reference(note_id, LINK, same.text(raw), line, same.resolution(found, candidates))
        for raw, line, found, *candidates in json.loads(text)
    ]


def backlinks(catalog: Catalog, target: str, refs: list[Reference] | None = None) -> list[Backlink]:
    """Every reference to note `target` from another note, one per link written, by note,
    its Parent header first, then by line."""
    if refs is None:
        refs = references(catalog)
    out = []
    for ref in refs:
        if ref.resolution.id != target or ref.source == target:
            continue
        rec = catalog.records[ref.source]
        out.append(Backlink(rec.id, rec.title, rec.date, rec.type, ref.kind, ref.line, ref.raw))
    out.sort(key=lambda b: (b.id, b.kind != PARENT, b.line or 0))
    return out


def descendants(catalog: Catalog, note_id: str) -> set[str]:
    """`note_id` and every note below it through resolved Parent links."""
    children = catalog.children
    seen = {note_id}
    stack = [note_id]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def _tree_order(records):
    # Oldest first, undated last, then by id: a hub's supplements read in the order written.
    return lambda i: (records[i].date is None, records[i].date or "", i)


def parent_tree(catalog: Catalog, root: str | None = None) -> list[TreeNode]:
    """The Parent hierarchy: from `root`, a one-element list; otherwise every note without a
    resolved Parent, then the notes that only sit on Parent cycles (they have no root). A
    note met again on its own branch is shown once more with `cycle` set and no children,
    so cycles end."""
    records = catalog.records
    key = _tree_order(records)
    children = {p: sorted(cs, key=key) for p, cs in catalog.children.items()}
    placed: set[str] = set()

    def grow(top: str) -> TreeNode:
        # With a stack, not recursion: a Parent chain may be deeper than Python's stack.
        # Each frame: the note, its ancestors on this branch, its children built so far and
        # those still to visit.
        def frame(node_id: str, ancestors: frozenset[str]) -> tuple:
            placed.add(node_id)
            below = [c for c in children.get(node_id, ()) if c != node_id]
            return node_id, ancestors | {node_id}, [], iter(below)

        stack = [frame(top, frozenset())]
        while True:
            node_id, ancestors, kids, todo = stack[-1]
            child = next(todo, None)
            if child is None:
                stack.pop()
                rec: NoteRecord = records[node_id]
                node = TreeNode(rec.id, rec.title, rec.date, rec.type, tuple(kids))
                if not stack:
                    return node
                stack[-1][2].append(node)
            elif child in ancestors:
                rec = records[child]
                kids.append(TreeNode(rec.id, rec.title, rec.date, rec.type, cycle=True))
            else:
                stack.append(frame(child, ancestors))

    if root is not None:
        return [grow(root)]
    tops = sorted((i for i in records if catalog.parent_id(i) is None), key=key)
    out = [grow(i) for i in tops]
    for node_id in sorted(records, key=key):
        if node_id not in placed:
            out.append(grow(node_id))
    return out
