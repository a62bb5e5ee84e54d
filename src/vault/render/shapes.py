"""Every JSON shape, in one place: what `--json` prints and the MCP tools return, as plain
functions of the library's dataclasses (vault.model). The README's "JSON shapes" section
documents each one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only names in annotations: `--help` imports every command's module
    from vault.catalog import Catalog
    from vault.model import (
        Appended,
        Backlink,
        Created,
        Explain,
        GraphStats,
        Hit,
        Hub,
        IndexReport,
        LogEntry,
        MoveResult,
        Note,
        NoteContext,
        NoteRecord,
        NoteSummary,
        NoteVersion,
        PathStep,
        Problem,
        SyncResult,
        TreeNode,
    )
    from vault.vault import Folder


def _head(item: NoteRecord | NoteSummary | Hit | Backlink | TreeNode) -> dict:
    """{"id", "title", "date", "type"}: how every shape names a note."""
    return {"id": item.id, "title": item.title, "date": item.date, "type": item.type}


# Where a note's date came from (NoteRecord.date_source), as --json says it.
DATE_SOURCES = {
    "meta": "metadata",
    "filename": "file name",
    "git": "first commit",
    "mtime": "file time",
}


def summary(rec: NoteSummary | NoteRecord, catalog: Catalog) -> dict:
    """{"id", "title", "date", "date_source", "type", "parent"}: one note in `list`, and the
    head of `show` (a NoteRecord has these fields too). Written out, not a spread of a
    smaller dict: `list` makes 10,000 of them."""
    return {
        "id": rec.id,
        "title": rec.title,
        "date": rec.date,
        "date_source": DATE_SOURCES.get(rec.date_source),
        "type": rec.type,
        "parent": catalog.parent_id(rec.id),
    }


# The keys of `summary`, in order.
SUMMARY_KEYS = ("id", "title", "date", "date_source", "type", "parent")


def summary_columns(rows: Sequence[tuple], catalog: Catalog) -> list[Sequence]:
    """`summary` of each (id, title, date, type, date_source) of vault.filters.listed, as
    columns in SUMMARY_KEYS' order (for vault.render.jsonout.objects_output): the catalog's
    Parents looked up once, no dict made a note."""
    ids, titles, dates, kinds, sources = zip(*rows, strict=True) if rows else [()] * 5
    parents = catalog.parents
    parent = [res.id if (res := parents.get(i)) is not None else None for i in ids]
    return [ids, titles, dates, list(map(DATE_SOURCES.get, sources)), kinds, parent]


def note_dict(note: Note, catalog: Catalog) -> dict:
    """`show`: the note, its resolved parent and children, metadata and body."""
    rec = note.record
    return {
        **summary(rec, catalog),
        "parent_ref": rec.parent_ref,
        "children": catalog.children.get(rec.id, []),
        "tags": list(rec.tags),
        "meta": rec.meta,
        "body": note.body,
        "warnings": list(rec.warnings),
    }


def show_dict(note: Note, catalog: Catalog, sha256: str, last: LogEntry | None = None) -> dict:
    """`show --json`: `note_dict` plus "sha256", the hash of the note's bytes on disk (what
    `append` expects back), and "last_commit" (`commit_dict`: null outside git)."""
    return {**note_dict(note, catalog), "sha256": sha256, "last_commit": commit_dict(last)}


def commit_dict(e: LogEntry | None) -> dict | None:
    """{"commit", "author", "date", "agent", "source"}: the last commit that touched a note,
    with its Vault-Agent and Vault-Source trailers (null when it has none); None: no commit."""
    if e is None:
        return None
    return {
        "commit": e.commit,
        "author": e.author,
        "date": e.date,
        "agent": e.agent,
        "source": e.source,
    }


def version_dict(note: Note, catalog: Catalog, version: NoteVersion) -> dict:
    """`show --at --json`: `show_dict` of the note as it was in commit "at" (its id, text and
    hash then; "last_commit" the last commit that changed it by then), with its parent and
    children as the vault has them now (`note` carries its id now)."""
    from vault.append import sha256_of

    data = show_dict(note, catalog, sha256_of(version.data), version.last)
    return {**data, "id": version.id, "at": version.commit}


def appended_dict(a: Appended) -> dict:
    """`append --json`: {"id", "path", "section", "line", "sha256", "commit"}."""
    return {
        "id": a.id,
        "path": a.path,
        "section": a.section,
        "line": a.line,
        "sha256": a.sha256,
        "commit": a.commit,
    }


def context_dict(c: NoteContext) -> dict:
    """`context --json`: {"note": {"id", "title", "date", "type", "body", "sha256",
    "truncated"}, "items": [{"why", "id", "title", "date", "type", "distance", "snippet"}],
    "omitted": {why: n}, "max_chars"}; items nearest first."""
    return {
        "note": {
            "id": c.id,
            "title": c.title,
            "date": c.date,
            "type": c.type,
            "body": c.body,
            "sha256": c.sha256,
            "truncated": c.truncated,
        },
        "items": [
            {
                "why": i.why,
                "id": i.id,
                "title": i.title,
                "date": i.date,
                "type": i.type,
                "distance": i.distance,
                "snippet": i.snippet,
            }
            for i in c.items
        ],
        "omitted": c.omitted,
        "max_chars": c.max_chars,
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


def hit_dict(hit: Hit) -> dict:
    """One search or related result."""
    return {
        **_head(hit),
        "parent": hit.parent,
        "score": hit.score,
        "snippet": hit.snippet,
        # Only when asked (--explain): the shape without it stays as it was.
        **({"explain": explain_dict(hit.explain)} if hit.explain is not None else {}),
    }


def explain_dict(e: Explain) -> dict:
    """How a search hit was ranked."""
    return {
        "keyword_rank": e.keyword_rank,
        "vector_rank": e.vector_rank,
        "fused": e.fused,
        "cosine": e.cosine,
        "chunk": e.chunk,
    }


def index_dict(report: IndexReport) -> dict:
    """What bringing the index up to date did."""
    return {
        "added": report.added,
        "updated": report.updated,
        "removed": report.removed,
        "notes": report.notes,
        "seconds": round(report.seconds, 3),
        "rebuilt": report.rebuilt,
    }


def backlink_dict(b: Backlink) -> dict:
    return {**_head(b), "kind": b.kind, "line": b.line, "raw": b.raw}


def tree_dict(node: TreeNode, depth: int | None = None) -> dict:
    """{"id", "title", "date", "type", "children": [...]}, plus "cycle": true on a note met
    again on its own branch. With `depth`, the notes more than `depth` levels below `node`
    are left out, and a note whose children were left out says "truncated": true."""
    # With a stack, not recursion: a Parent chain may be deeper than Python's stack.
    top: dict = {}
    stack = [(node, top, 0)]
    while stack:
        node, out, level = stack.pop()
        out.update(_head(node))
        if node.cycle:
            out["cycle"] = True
        if depth is not None and level >= depth and node.children:
            out["children"], out["truncated"] = [], True
            continue
        out["children"] = [{} for _ in node.children]
        stack.extend(
            (child, o, level + 1) for child, o in zip(node.children, out["children"], strict=True)
        )
    return top


def folder_dict(folder: Folder) -> dict:
    """{"path", "notes", "total", "children": [...]}: a folder (its path as an id prefix,
    "" for the vault root), the notes directly in it, in it and below it, its subfolders."""
    children = [folder_dict(c) for c in folder.children]
    return {"path": folder.path, "notes": folder.notes, "total": folder.total, "children": children}


def path_dict(source: str, target: str, steps: list[PathStep] | None) -> dict:
    """{"from", "to", "length", "path": [ids], "steps": [...]}; "length" is null and the
    lists empty when there is no path."""
    return {
        "from": source,
        "to": target,
        "length": len(steps) if steps is not None else None,
        "path": [source] + [s.target for s in steps] if steps is not None else [],
        "steps": [
            {"from": s.source, "to": s.target, "kind": s.kind, "direction": s.direction}
            for s in steps or []
        ],
    }


def problem_dict(p: Problem) -> dict:
    return {
        "kind": p.kind,
        "level": p.level,
        "note": p.note,
        "line": p.line,
        "target": p.target,
        "message": p.message,
    }


def check_dict(problems: list[Problem], kinds: Iterable[str], hidden: int = 0) -> dict:
    """{"problems": [...], "counts": {kind: n, ... every kind}, "errors", "warnings",
    "infos", "hidden"}: the problems reported, and how many more were found but filtered
    out (--kind, --ignore, --level)."""
    counts = dict.fromkeys(kinds, 0)
    levels = {"error": 0, "warning": 0, "info": 0}
    for p in problems:
        counts[p.kind] = counts.get(p.kind, 0) + 1
        levels[p.level] += 1
    return {
        "problems": [problem_dict(p) for p in problems],
        "counts": counts,
        "errors": levels["error"],
        "warnings": levels["warning"],
        "infos": levels["info"],
        "hidden": hidden,
    }


def _hub(h: Hub, key: str) -> dict:
    return {"id": h.id, "title": h.title, "missing": h.missing, key: h.value}


def stats_dict(s: GraphStats) -> dict:
    return {
        "nodes": s.nodes,
        "notes": s.notes,
        "missing": s.missing,
        "edges": s.edges,
        "edge_kinds": s.edge_kinds,
        "components": s.components,
        "largest_component": s.largest_component,
        "roots": list(s.roots),
        "orphans": list(s.orphans),
        "parent_cycles": s.parent_cycles,
        "top_degree": [_hub(h, "degree") for h in s.top_degree],
        "top_pagerank": [_hub(h, "pagerank") for h in s.top_pagerank],
        "communities": [
            {"community": c.number, "size": c.size, "leader": c.leader, "title": c.title}
            for c in s.communities
        ],
    }


def log_dict(e: LogEntry) -> dict:
    """`log --json`: one commit; "patch" (a unified diff) only with --patch."""
    data = {
        "commit": e.commit,
        "author": e.author,
        "email": e.email,
        "date": e.date,
        "message": e.message,
        "notes": list(e.notes),
    }
    if e.patch is not None:
        data["patch"] = e.patch
    return data


def move_dict(result: MoveResult, dry_run: bool) -> dict:
    data = {
        "moved": [{"from": a, "to": b} for a, b in result.moves.items()],
        "rewritten": result.rewritten,
        "commit": result.commit,
        "warnings": result.warnings,
    }
    if dry_run:
        data["diff"] = result.diff
    return data


def sync_dict(result: SyncResult, index: IndexReport | None) -> dict:
    data = {
        "committed": result.committed,
        "pulled": list(result.pulled),
        "pushed": result.pushed,
        "retries": result.retries,
        "merged": list(result.merged),
        "conflicts": [{"note": note, "copy": copy} for note, copy in result.conflicts],
        "index": index_dict(index) if index is not None else None,
    }
    if result.dry_run:
        data["dry_run"] = True
        data["pending"] = list(result.pending)
        data["outgoing"] = list(result.outgoing)
    return data


if TYPE_CHECKING:  # vault.revise's results
    from vault.model import Removed, Revised


def revised_dict(r: Revised) -> dict:
    """`replace`, `set` and `restore --at` with --json: {"id", "path", "action", "line",
    "keys", "sha256", "commit", "restored_from", "changed"}; "sha256" is the note's new
    hash, "changed" false when it already read so (nothing written, no commit)."""
    return {
        "id": r.id,
        "path": r.path,
        "action": r.action,
        "line": r.line,
        "keys": list(r.keys),
        "sha256": r.sha256,
        "commit": r.commit,
        "restored_from": r.restored_from,
        "changed": r.changed,
    }


def removed_dict(r: Removed) -> dict:
    """`rm` and `restore` (of a removed note) with --json: {"id", "path", "referrers",
    "commit", "restored_from", "sha256"}."""
    return {
        "id": r.id,
        "path": r.path,
        "referrers": list(r.referrers),
        "commit": r.commit,
        "restored_from": r.restored_from,
        "sha256": r.sha256,
    }
