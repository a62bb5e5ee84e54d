"""Who points at whom: every Parent header and body link, resolved, and what is built on
them without a graph library (backlinks, the Parent tree, descendants).

The link graph (vault.graph) is built from these references; commands that need no graph
algorithm (tree, backlinks, check, search --under) use them directly and never import
networkx.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from vault.model import Backlink, NoteRecord, Reference, Resolution, TreeNode

if TYPE_CHECKING:
    from vault.catalog import Catalog

PARENT = "parent"
LINK = "link"
# Edge kinds, in the order a step between two notes prefers them.
KINDS = (PARENT, LINK)


def references(catalog: Catalog) -> list[Reference]:
    """Every Parent header and body link to a note, resolved, in note-id order (links to
    attachments are not references: they point at files, not notes)."""
    resolver = catalog.resolver
    parents = catalog.parents
    memo: dict[tuple, Resolution] = {}
    out: list[Reference] = []
    for note_id in sorted(catalog.records):
        rec = catalog.records[note_id]
        if rec.parent_ref:
            out.append(Reference(note_id, PARENT, rec.parent_ref, None, parents[note_id]))
        if not rec.links:
            continue
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
            out.append(Reference(note_id, LINK, resolver.target_text(link), link.line, res))
    return out


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

    def grow(node_id: str, ancestors: frozenset[str]) -> TreeNode:
        rec: NoteRecord = records[node_id]
        if node_id in ancestors:
            return TreeNode(rec.id, rec.title, rec.date, rec.type, cycle=True)
        placed.add(node_id)
        ancestors = ancestors | {node_id}
        kids = tuple(grow(c, ancestors) for c in children.get(node_id, ()) if c != node_id)
        return TreeNode(rec.id, rec.title, rec.date, rec.type, kids)

    if root is not None:
        return [grow(root, frozenset())]
    tops = sorted((i for i in records if catalog.parent_id(i) is None), key=key)
    out = [grow(i, frozenset()) for i in tops]
    for node_id in sorted(records, key=key):
        if node_id not in placed:
            out.append(grow(node_id, frozenset()))
    return out
