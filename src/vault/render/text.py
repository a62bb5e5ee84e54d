"""The human forms: what commands print when not given `--json`, each a function of the
library's dataclasses returning text (the command decides stdout or stderr). Terminal
styling only when stdout is a terminal, so piped output is plain."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

import click

from vault.render.terminal import printable
from vault.render.words import plural

if TYPE_CHECKING:  # only names in annotations: `--help` imports every command's module
    from vault.catalog import Catalog
    from vault.model import (
        Appended,
        Backlink,
        Created,
        Explain,
        GraphStats,
        Hit,
        IndexReport,
        LogEntry,
        Note,
        NoteContext,
        NoteSummary,
        PathStep,
        Problem,
        TreeNode,
    )
    from vault.vault import Folder

# How many notes a recovery line names before "and K more".
NAMED = 5
# An id shortened to fit the terminal keeps at least this many characters.
MIN_ID = 24
# `backlinks` aligns its columns on "id:line" up to this width; a longer one is not padded to.
WHERE_WIDTH = 40


def styled(text: str, **style: object) -> str:
    """`text` (escaped: see vault.render.terminal) styled when stdout is a terminal, plain
    when piped."""
    text = printable(text)
    return click.style(text, **style) if sys.stdout.isatty() else text


def terminal_width() -> int | None:
    """The terminal's width when stdout is one, else None: piped output is never cut."""
    if not sys.stdout.isatty():
        return None
    import shutil  # not for piped output: it costs a few milliseconds to import

    return shutil.get_terminal_size().columns


def fit_id(text: str, used: int, width: int | None) -> str:
    """`text` (an id, last on its line after `used` visible characters) shortened in the
    middle with "…" so the line fits `width` (at least MIN_ID characters kept); as it is
    when `width` is None (not a terminal) or it fits."""
    if width is None or used + len(text) <= width:
        return text
    room = max(width - used, MIN_ID)
    if room >= len(text):
        return text
    head = (room - 1) // 2
    return text[:head] + "…" + text[len(text) - (room - 1 - head) :]


_C_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_QUOTED = frozenset(_C_ESCAPES)


def shown(path: str) -> str:
    """A note id or path as one line of text: quoted as git quotes paths when it holds a
    control character, a byte that is not UTF-8, a quote or a backslash ("a\\nb.md",
    "caf\\xe9.md"); as it is otherwise (non-ASCII names are ordinary here, so unlike git
    they are not escaped)."""
    safe = printable(path)
    if safe == path and _QUOTED.isdisjoint(path):
        return path
    return '"' + printable("".join(_C_ESCAPES.get(c, c) for c in path)) + '"'


def uncommitted(note_id: str, why: str) -> str:
    """The warning (without "warning: ") for a note written but not committed."""
    return f"{shown(note_id)} was written but not committed: {why}"


def list_lines(records: list[NoteSummary]) -> list[str]:
    """One line a note: date, type, title, id."""
    type_width = min(max((len(r.type or "") for r in records), default=0), 24)
    width = terminal_width()
    lines = []
    for rec in records:
        kind = printable(rec.type or "-")[:type_width].ljust(type_width)
        head = f"{rec.date or '----------'}  {kind}  "
        note_id = fit_id(shown(rec.id), len(head) + len(rec.title) + 2, width)
        lines.append(f"{head}{styled(rec.title, bold=True)}  {styled(note_id, dim=True)}")
    return lines


def show_text(note: Note, catalog: Catalog) -> str:
    rec = note.record
    label = lambda name: styled(f"{name + ':':<10}", fg="cyan")  # noqa: E731
    out = [styled(rec.title, bold=True), ""]
    out.append(f"{label('id')}{shown(rec.id)}")
    date_note = {"git": " (first git commit)", "mtime": " (file modified)"}.get(rec.date_source, "")
    out.append(f"{label('date')}{rec.date or '-'}{date_note}")
    out.append(f"{label('type')}{printable(rec.type or '-')}")
    if rec.parent_ref:
        res = catalog.parents.get(rec.id)
        if res and res.id:
            title = printable(catalog.records[res.id].title)
            out.append(f"{label('parent')}{shown(res.id)}  ({title})")
        elif res and res.candidates:
            out.append(
                f"{label('parent')}{printable(rec.parent_ref)}  "
                f"(ambiguous: {', '.join(map(shown, res.candidates))})"
            )
        else:
            out.append(f"{label('parent')}{printable(rec.parent_ref)}  (not found)")
    else:
        out.append(f"{label('parent')}-")
    children = catalog.children.get(rec.id, [])
    if children:
        out.append(f"{label('children')}{shown(children[0])}")
        out.extend(" " * 10 + shown(c) for c in children[1:])
    else:
        out.append(f"{label('children')}-")
    if rec.tags:
        out.append(f"{label('tags')}{printable(', '.join(rec.tags))}")
    for key, value in rec.meta.items():
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        # A key too long for the column keeps its whole name, with a space after it.
        name = label(key) if len(key) < 9 else styled(f"{key}:", fg="cyan") + " "
        out.append(f"{name}{printable(text)}")
    out.append("")
    out.append(printable(note.body.rstrip("\n"), lines=True))
    return "\n".join(out)


def appended_text(a: Appended) -> str:
    """One line on stderr: where the text went, the new hash, the commit."""
    where = f"to section {a.section!r}" if a.section else "at the end"
    done = f"; committed {a.commit[:10]}" if a.commit else ""
    return f"appended {where} of {shown(a.id)} (line {a.line}); sha256 now {a.sha256}{done}"


def context_text(c: NoteContext) -> str:
    """The note (title, facts, body), then one block per item: why, date, type, title, id,
    and the snippet indented under it."""
    out = [styled(c.title, bold=True), ""]
    out.append(f"id: {shown(c.id)}  date: {c.date or '-'}  type: {printable(c.type or '-')}")
    out += ["", printable(c.body.rstrip("\n"), lines=True)]
    if c.truncated:
        out.append(styled("[… cut to fit --max-chars]", dim=True))
    width = max((len(i.why) for i in c.items), default=0)
    if c.items:
        out.append("")
    for i in c.items:
        out.append(
            f"{styled(i.why.ljust(width), fg='cyan')}  {i.date or '----------'}  "
            f"{printable(i.type or '-')}  {styled(i.title, bold=True)}  "
            + styled(shown(i.id), dim=True)
        )
        if i.snippet:
            out.append(" " * (width + 2) + printable(i.snippet))
    return "\n".join(out)


def created_text(c: Created) -> str:
    return shown(c.id)


def hit_text(rank: int, hit: Hit) -> str:
    """Three lines: rank and title; id, date and type; the snippet, matched words bold."""
    facts = "  ".join(x for x in (shown(hit.id), hit.date, hit.type) if x)
    lines = [
        f"{rank}. {styled(hit.title, bold=True)}",
        "   " + styled(facts, dim=True),
    ]
    if hit.snippet:
        lines.append("   " + _emphasized(hit.snippet, hit.marks))
    if hit.explain is not None:
        lines.append("   " + styled(explain_text(hit.explain), dim=True))
    return "\n".join(lines)


def explain_text(e: Explain) -> str:
    """One line: each ranking's place, the fused score, the section that matched."""

    def rank(r):
        return f"#{r}" if r is not None else "-"

    chunk = e.chunk if len(e.chunk) <= 80 else e.chunk[:79] + "…"
    return (
        f"keyword {rank(e.keyword_rank)}, vector {rank(e.vector_rank)}, "
        f"fused {e.fused:.4f}; chunk: {printable(chunk)}"
    )


def _emphasized(text: str, marks) -> str:
    out, last = [], 0
    for start, end in marks:
        out.append(printable(text[last:start]))
        out.append(styled(text[start:end], bold=True))
        last = end
    out.append(printable(text[last:]))
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
    width = min(max((len(where(b)) for b in found), default=0), WHERE_WIDTH)
    return [
        f"{where(b):<{width}}  {b.kind:<6}  {styled(b.title, bold=True)}  "
        + styled(", ".join(raws), dim=True)
        for b, raws in lines.values()
    ]


def tree_lines(
    node: TreeNode, lead: str = "", child_lead: str = "", width: int | None = 0
) -> Iterable[str]:
    """The tree below `node`, one line a note; ids fit `width` (0: the terminal's, if any).
    With a stack, not recursion: a Parent chain may be deeper than Python's stack."""
    width = terminal_width() if width == 0 else width
    stack = [(node, lead, child_lead)]
    while stack:
        node, lead, child_lead = stack.pop()
        cycle = "  " + styled("(cycle)", fg="yellow") if node.cycle else ""
        head = f"{lead}{node.date or '----------'}  {printable(node.type or '-')}  "
        used = len(head) + len(node.title) + 2 + (9 if node.cycle else 0)
        note_id = fit_id(shown(node.id), used, width)
        yield f"{head}{styled(node.title, bold=True)}  {styled(note_id, dim=True)}{cycle}"
        last = len(node.children) - 1
        for k, child in reversed(list(enumerate(node.children))):
            stack.append(
                (
                    child,
                    child_lead + ("└── " if k == last else "├── "),
                    child_lead + ("    " if k == last else "│   "),
                )
            )


def folder_lines(folder: Folder, lead: str = "", child_lead: str = "") -> Iterable[str]:
    """`tree --folders`: one line a folder, its name and how many notes are in it and below
    it (and directly in it, when that differs)."""
    top = not lead  # the first line names the whole path, the others their last name
    name = (folder.path if top else folder.path.rpartition("/")[2]) + "/"
    name = "./" if name == "/" else name
    here = f" ({folder.notes} here)" if folder.notes and folder.notes != folder.total else ""
    yield f"{lead}{styled(name, bold=True)}  {plural(folder.total, 'note')}{here}"
    for k, child in enumerate(folder.children):
        last = k == len(folder.children) - 1
        yield from folder_lines(
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
    return f"{where}: {styled(p.level, fg=colour)} {p.kind}: {printable(p.message)}"


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


def check_count_lines(report: dict) -> list[str]:
    """`check`'s counts by kind, most frequent first, for the kinds reported at least once:
    on a terminal after the problems, and all `check --summary` prints."""
    counts = sorted(((n, k) for k, n in report["counts"].items() if n), key=lambda c: -c[0])
    if not counts:
        return []
    width = len(str(counts[0][0]))
    return ["Problems by kind:"] + [f"  {n:>{width}}  {kind}" for n, kind in counts]


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
            f"{styled(e.commit[:10], fg='yellow')}  {e.date[:10]}  {printable(e.author)}  "
            f"{styled(subject, bold=True)}"
        ]
        lines += [f"    {shown(note)}" for note in e.notes]
        blocks.append("\n".join(lines))
    return blocks


if TYPE_CHECKING:  # vault.revise's results
    from vault.model import Removed, Revised


def revised_text(r: Revised) -> str:
    """One line on stderr: what changed, the new hash, the commit."""
    note = shown(r.id)
    if not r.changed:
        return f"{note} already reads so: nothing was written"
    what = {
        "replace": f"replaced text in {note} (line {r.line})",
        "set": f"set {', '.join(r.keys)} of {note}",
        "restore": f"restored {note} as of {(r.restored_from or '')[:10]}",
    }.get(r.action, f"{r.action} {note}")
    done = f"; committed {r.commit[:10]}" if r.commit else ""
    return f"{what}; sha256 now {r.sha256}{done}"


def removed_text(r: Removed) -> str:
    """One line on stderr: removed or restored, and the commit."""
    done = f"; committed {r.commit[:10]}" if r.commit else ""
    note = shown(r.id)
    if r.restored_from:
        return f"restored {note} from {r.restored_from[:10]}{done}"
    still = f" (still referred to by {len(r.referrers)} note(s))" if r.referrers else ""
    return f"removed {note}{still}{done}; `vault restore {note}` brings it back"
