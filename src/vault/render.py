"""Output, in one place: every `--json` shape (the same dicts the MCP server returns) and
every human form. Data goes to stdout; progress, hints and warnings go to stderr.

The shapes are plain functions of the library's dataclasses (vault.model); the README's
"JSON shapes" section documents each one.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # only names in annotations: `--help` imports every command's module
    from vault.catalog import Catalog
    from vault.model import (
        Appended,
        Backlink,
        Created,
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
        PathStep,
        Problem,
        SyncResult,
        TreeNode,
    )

# How many per-note warnings a command prints before summarising the rest.
WARNING_LIMIT = 10


# --- writing -----------------------------------------------------------------------------------


def emit_json(data: object) -> None:
    click.echo(json_text(data))


def _scalar(value: object) -> str | None:
    """A JSON scalar as json.dumps(ensure_ascii=False) writes it; None for anything else."""
    if isinstance(value, str):
        return _quote(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return json.dumps(value)  # floats as json writes them (NaN, Infinity and all)
    return None


_quote = json.encoder.encode_basestring  # what ensure_ascii=False quotes strings with


def json_text(data: object) -> str:
    """`json.dumps(data, indent=2, ensure_ascii=False)`, the same to the byte. With an
    indent, json falls back to its pure-Python encoder: a list of flat objects (`list`, a
    search) is written here instead, a C call a value."""
    if isinstance(data, list) and data and all(isinstance(d, dict) and d for d in data):
        items = []
        heads: dict[str, str] = {}  # each key quoted once: `    "key": `
        for d in data:
            fields = []
            for k, v in d.items():
                head = heads.get(k)
                if head is None:
                    if not isinstance(k, str):
                        return json.dumps(data, indent=2, ensure_ascii=False)
                    head = heads[k] = f"    {_quote(k)}: "
                if v.__class__ is str:  # most values: a C call, no other test
                    text = _quote(v)
                elif v is None:
                    text = "null"
                elif (text := _scalar(v)) is None:
                    return json.dumps(data, indent=2, ensure_ascii=False)
                fields.append(head + text)
            items.append("  {\n" + ",\n".join(fields) + "\n  }")
        return "[\n" + ",\n".join(items) + "\n]"
    return json.dumps(data, indent=2, ensure_ascii=False)


def uncommitted(note_id: str, why: str) -> str:
    """The warning (without "warning: ") for a note written but not committed."""
    return f"{note_id} was written but not committed: {why}"


def warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


def info(message: str) -> None:
    click.echo(message, err=True)


def notice(message: str) -> None:
    """A note from the library about what it is doing (an index rebuilt, and why)."""
    click.echo(f"vault: {message}", err=True)


def note_warnings(pairs: Iterable[tuple[str, str]], limit: int = WARNING_LIMIT) -> None:
    """One line per problem note on stderr, naming the file and the problem."""
    pairs = list(pairs)
    for note_id, problem in pairs[:limit]:
        warn(f"{shown(note_id)}: {problem}")
    if len(pairs) > limit:
        warn(
            f"... and {len(pairs) - limit} more problems "
            "(`vault check --kind bad_front_matter` lists them all)"
        )


def styled(text: str, **style: object) -> str:
    """Styled when stdout is a terminal, plain when piped."""
    return click.style(text, **style) if sys.stdout.isatty() else text


_C_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def shown(path: str) -> str:
    """A note id or path as one line of text: quoted as git quotes paths when it holds a
    control character, a quote or a backslash ("a\\nb.md"); as it is otherwise (non-ASCII
    names are ordinary here, so unlike git they are not escaped)."""
    if not any(c < " " or c in '"\\\x7f' for c in path):
        return path
    body = "".join(
        _C_ESCAPES.get(c) or (f"\\{ord(c):03o}" if c < " " or c == "\x7f" else c) for c in path
    )
    return f'"{body}"'


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# --- JSON shapes ---------------------------------------------------------------------------------


def _head(item: NoteRecord | NoteSummary | Hit | Backlink | TreeNode) -> dict:
    """{"id", "title", "date", "type"}: how every shape names a note."""
    return {"id": item.id, "title": item.title, "date": item.date, "type": item.type}


def summary(rec: NoteSummary, catalog: Catalog) -> dict:
    """{"id", "title", "date", "type", "parent"}: one note in `list`."""
    return {**_head(rec), "parent": catalog.parent_id(rec.id)}


def note_dict(note: Note, catalog: Catalog) -> dict:
    """`show`: the note, its resolved parent and children, metadata and body."""
    rec = note.record
    return {
        **_head(rec),
        "parent": catalog.parent_id(rec.id),
        "parent_ref": rec.parent_ref,
        "children": catalog.children.get(rec.id, []),
        "tags": list(rec.tags),
        "meta": rec.meta,
        "body": note.body,
        "warnings": list(rec.warnings),
    }


def show_dict(note: Note, catalog: Catalog, sha256: str) -> dict:
    """`show --json`: `note_dict` plus "sha256", the hash of the note's bytes on disk (what
    `append` expects back)."""
    return {**note_dict(note, catalog), "sha256": sha256}


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


def tree_dict(node: TreeNode) -> dict:
    """{"id", "title", "date", "type", "children": [...]}, plus "cycle": true on a note met
    again on its own branch."""
    out = _head(node)
    if node.cycle:
        out["cycle"] = True
    out["children"] = [tree_dict(c) for c in node.children]
    return out


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
    return {
        "commit": e.commit,
        "author": e.author,
        "email": e.email,
        "date": e.date,
        "message": e.message,
        "notes": list(e.notes),
    }


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
    return {
        "committed": result.committed,
        "pulled": list(result.pulled),
        "pushed": result.pushed,
        "index": index_dict(index) if index is not None else None,
    }


# --- human forms ---------------------------------------------------------------------------------


def list_lines(records: list[NoteSummary]) -> list[str]:
    """One line a note: date, type, title, id."""
    type_width = min(max((len(r.type or "") for r in records), default=0), 24)
    lines = []
    for rec in records:
        kind = (rec.type or "-")[:type_width].ljust(type_width)
        lines.append(
            f"{rec.date or '----------'}  {kind}  {styled(rec.title, bold=True)}  "
            f"{styled(shown(rec.id), dim=True)}"
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
        # A key too long for the column keeps its whole name, with a space after it.
        name = label(key) if len(key) < 9 else styled(f"{key}:", fg="cyan") + " "
        out.append(f"{name}{text}")
    out.append("")
    out.append(note.body.rstrip("\n"))
    return "\n".join(out)


def appended_text(a: Appended) -> str:
    """One line on stderr: where the text went, the new hash, the commit."""
    where = f"to section {a.section!r}" if a.section else "at the end"
    done = f"; committed {a.commit[:10]}" if a.commit else ""
    return f"appended {where} of {a.id} (line {a.line}); sha256 now {a.sha256}{done}"


def context_text(c: NoteContext) -> str:
    """The note (title, facts, body), then one block per item: why, date, type, title, id,
    and the snippet indented under it."""
    out = [styled(c.title, bold=True), ""]
    out.append(f"id: {c.id}  date: {c.date or '-'}  type: {c.type or '-'}")
    out += ["", c.body.rstrip("\n")]
    if c.truncated:
        out.append(styled("[… cut to fit --max-chars]", dim=True))
    width = max((len(i.why) for i in c.items), default=0)
    if c.items:
        out.append("")
    for i in c.items:
        out.append(
            f"{styled(i.why.ljust(width), fg='cyan')}  {i.date or '----------'}  {i.type or '-'}  "
            f"{styled(i.title, bold=True)}  {styled(i.id, dim=True)}"
        )
        if i.snippet:
            out.append(" " * (width + 2) + i.snippet)
    return "\n".join(out)


def created_text(c: Created) -> str:
    return c.id


def hit_text(rank: int, hit: Hit) -> str:
    """Three lines: rank and title; id, date and type; the snippet, matched words bold."""
    facts = "  ".join(x for x in (shown(hit.id), hit.date, hit.type) if x)
    lines = [
        f"{rank}. {styled(hit.title, bold=True)}",
        "   " + styled(facts, dim=True),
    ]
    if hit.snippet:
        lines.append("   " + _emphasized(hit.snippet, hit.marks))
    return "\n".join(lines)


def _emphasized(text: str, marks) -> str:
    out, last = [], 0
    for start, end in marks:
        out.append(text[last:start])
        out.append(styled(text[start:end], bold=True))
        last = end
    out.append(text[last:])
    return "".join(out)


def index_text(report: IndexReport) -> str:
    how = "rebuilt" if report.rebuilt else "updated"
    if not (report.added or report.updated or report.removed or report.rebuilt):
        return f"Index up to date: {report.notes} notes ({report.seconds:.2f}s)."
    return (
        f"Index {how}: {report.added} added, {report.updated} updated, "
        f"{report.removed} removed; {report.notes} notes ({report.seconds:.2f}s)."
    )


def backlink_lines(found: list[Backlink]) -> list[str]:
    """One line a referring line: "id:line" (like grep), the kind, the title, the text
    written (a line with two links to the note is listed once, with both)."""

    def where(b: Backlink) -> str:
        return f"{shown(b.id)}:{b.line}" if b.line is not None else shown(b.id)

    lines: dict[tuple, tuple[Backlink, list[str]]] = {}
    for b in found:
        entry = lines.setdefault((b.id, b.kind, b.line), (b, []))
        if b.raw not in entry[1]:
            entry[1].append(b.raw)
    width = max((len(where(b)) for b in found), default=0)
    return [
        f"{where(b):<{width}}  {b.kind:<6}  {styled(b.title, bold=True)}  "
        + styled(", ".join(raws), dim=True)
        for b, raws in lines.values()
    ]


def changed_note_warnings(catalog: Catalog) -> list[tuple[str, str]]:
    """(id, problem) for the notes read from their files by this command (new or changed
    since the cache): a note's problems are told once, when it is first read or changes;
    `vault check` lists them all."""
    records = catalog.records
    ids = catalog.changes.added + catalog.changes.updated
    return [(i, w) for i in sorted(ids) if i in records for w in records[i].warnings]


def tree_lines(node: TreeNode, lead: str = "", child_lead: str = "") -> Iterable[str]:
    cycle = "  " + styled("(cycle)", fg="yellow") if node.cycle else ""
    yield (
        f"{lead}{node.date or '----------'}  {node.type or '-'}  "
        f"{styled(node.title, bold=True)}  {styled(shown(node.id), dim=True)}{cycle}"
    )
    for k, child in enumerate(node.children):
        last = k == len(node.children) - 1
        yield from tree_lines(
            child,
            child_lead + ("└── " if last else "├── "),
            child_lead + ("    " if last else "│   "),
        )


def path_lines(source: str, steps: list[PathStep], catalog: Catalog) -> list[str]:
    records = catalog.records
    lines = [f"{styled(records[source].title, bold=True)}  {styled(shown(source), dim=True)}"]
    for s in steps:
        arrow = f"--{s.kind}-->" if s.direction == "forward" else f"<--{s.kind}--"
        note = records[s.target]
        lines.append(
            f"  {arrow:<12} {styled(note.title, bold=True)}  {styled(shown(note.id), dim=True)}"
        )
    return lines


def problem_line(p: Problem) -> str:
    where = f"{shown(p.note)}:{p.line}" if p.line is not None else shown(p.note)
    colour = {"error": "red", "warning": "yellow"}.get(p.level, "cyan")
    return f"{where}: {styled(p.level, fg=colour)} {p.kind}: {p.message}"


def check_summary(report: dict) -> str:
    """The line `check` ends with on stderr: what was reported, and what was left out."""
    listed = len(report["problems"])
    if listed:
        parts = [plural(report["errors"], "error"), plural(report["warnings"], "warning")]
        if report["infos"]:
            parts.append(f"{report['infos']} info")
        line = f"{plural(listed, 'problem')}: {', '.join(parts)}."
    else:
        line = "No problems found."
    if report["hidden"]:
        line += f" {report['hidden']} more not shown (see --level, --kind, --ignore)."
    return line


def stats_lines(s: GraphStats) -> list[str]:
    kinds = ", ".join(f"{k} {v}" for k, v in s.edge_kinds.items())
    lines = [
        f"notes       {s.notes}",
        f"missing     {s.missing}  (targets linked to that do not exist)",
        f"edges       {s.edges}  ({kinds})",
        f"components  {s.components}  (largest: {s.largest_component} nodes)",
        f"roots       {len(s.roots)}  (notes with children and no Parent)",
        f"orphans     {len(s.orphans)}  (notes with no parent, links or backlinks)",
        f"cycles      {s.parent_cycles}  (Parent chains that loop)",
        f"communities {len(s.communities)}  (notes linked more among themselves; "
        f"largest: {s.communities[0].size if s.communities else 0} notes)",
    ]
    for label, hubs, fmt in (
        ("Top hubs by degree:", s.top_degree, "{:>6}"),
        ("Top hubs by PageRank:", s.top_pagerank, "{:>6.4f}"),
    ):
        if hubs:
            lines += ["", label]
            lines += [
                f"  {fmt.format(h.value)}  {styled(h.title, bold=True)}  "
                + (styled("(missing)", dim=True) if h.missing else styled(shown(h.id), dim=True))
                for h in hubs
            ]
    if s.communities:
        lines += ["", "Largest communities (Louvain), each named after its best-ranked note:"]
        lines += [
            f"  {c.size:>6}  {styled(c.title, bold=True)}  {styled(shown(c.leader), dim=True)}"
            for c in s.communities[:10]
        ]
        if len(s.communities) > 10:
            lines.append(f"  ... and {len(s.communities) - 10} more")
    return lines


def log_lines(entries: list[LogEntry]) -> list[str]:
    blocks = []
    for e in entries:
        subject = e.message.split("\n", 1)[0]
        lines = [
            f"{styled(e.commit[:10], fg='yellow')}  {e.date[:10]}  {e.author}  "
            f"{styled(subject, bold=True)}"
        ]
        lines += [f"    {shown(note)}" for note in e.notes]
        blocks.append("\n".join(lines))
    return blocks


def move_summary(result: MoveResult, moved: str, rewrote: str) -> str:
    return (
        f"{moved} {plural(len(result.moves), 'note')}; "
        f"{rewrote} references in {plural(len(result.rewritten), 'note')}"
    )
