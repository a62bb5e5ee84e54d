"""What each page shows, gathered on the server's worker from the warm state (a Resident,
refreshed first) by the library functions the commands and MCP tools call, in the shapes
`--json` prints (vault.render.shapes). Plain data: the templates only lay it out."""

from __future__ import annotations

import difflib
import posixpath
from collections import Counter

from vault import render
from vault.append import sha256_of
from vault.model import NoteFilter
from vault.options import BY_COMMAND, check_all
from vault.serve.resident import Resident
from vault.web.markdown import Where, opening
from vault.web.markdown import render as render_markdown

# How many notes the home page lists, and related notes a note page shows.
NEWEST = 12
RELATED = 8
# How many backlinks a note page quotes the linking line of.
LINES_SHOWN = 100


def home(r: Resident) -> dict:
    """The newest notes by date (in `vault list`'s order: a date a note states before one
    derived from git or the file's time) and by last commit, counts by type and folder,
    problems."""
    from vault.checks import KINDS, check_vault
    from vault.filters import newest_first, ordered

    catalog = r.catalog
    notes = catalog.summaries()
    dated = ordered(catalog, newest_first(n for n in notes if n.date), "date")
    types = Counter(n.type or "(none)" for n in notes)
    folders = Counter(posixpath.dirname(n.id) or "." for n in notes)
    problems = check_vault(catalog, r.repo)
    return {
        "count": len(notes),
        "newest": [render.summary(n, catalog) for n in dated[:NEWEST]],
        "commits": _commits(r, None, NEWEST),
        "types": types.most_common(),
        "folders": folders.most_common(20),
        "check": render.check_dict(problems, KINDS),
    }


def problems(r: Resident) -> dict:
    from vault.checks import KINDS, check_vault

    return render.check_dict(check_vault(r.catalog, r.repo), KINDS)


def _commits(r: Resident, note_id: str | None, limit: int | None) -> list[dict]:
    if r.repo is None:
        return []
    from vault.git.log import log_entries

    return [render.log_dict(e) for e in log_entries(r.repo, note_id, limit=limit)]


def note(r: Resident, ref: str, keep=None, whole: bool = False) -> dict:
    """A note page: the note as `show --json` gives it (with its sha256), its body as HTML
    (of a long note its opening, unless `whole`: "cut" then says how much is shown), the
    Parent chain to the root, children, backlinks with the line that links. (Related notes
    come after the page, from `related`: at 10,000 notes Whoosh's more-like-this takes ten
    times what the rest of the page does.)"""
    from vault.append import read_hashed
    from vault.references import backlinks
    from vault.resolve import Files

    catalog = r.catalog
    note_id = r.find(ref)
    shown, sha256 = read_hashed(catalog, note_id)
    if keep is not None:  # the version shown, to tell a writer what changed since
        keep(r.vault.path_of(note_id).read_bytes())
    where = Where(note_id, catalog.resolver, Files(r.vault.root))
    chain, seen = [], {note_id}
    up = catalog.parent_id(note_id)
    while up is not None and up not in seen:  # a Parent cycle ends the chain
        seen.add(up)
        chain.append(_head(r, up))
        up = catalog.parent_id(up)
    by_target, by_source = _grouped(r.references())
    found = backlinks(catalog, note_id, by_target.get(note_id, []))
    links = [render.backlink_dict(b) for b in found]
    _add_lines(r, links)
    body = shown.body if whole else opening(shown.body)
    cut = None if body is shown.body else {"shown": len(body), "of": len(shown.body)}
    return {
        **render.show_dict(shown, catalog, sha256),
        "html": render_markdown(body, where),
        "cut": cut,
        "chain": chain[::-1],
        "child_notes": [_head(r, c) for c in catalog.children.get(note_id, [])],
        "backlinks": links,
        "headings": _headings(shown.body),
        "local": _local(r, note_id, by_target, by_source),
    }


def _local(r: Resident, note_id: str, by_target: dict, by_source: dict) -> dict:
    """The note's local graph (vault.web.local): its parent, children, the notes it links
    to and the notes linking to it, each once (parent, then child, then link)."""
    from vault.web.local import CAP, Neighbour, layout

    records = r.catalog.records
    seen = {note_id}
    found: list[Neighbour] = []
    counts = dict.fromkeys(CAP, 0)  # each kind's neighbours, drawn or not

    def add(other: str | None, kind: str, mutual: bool = False) -> None:
        if other is not None and other not in seen and other in records:
            seen.add(other)
            counts[kind] += 1
            if counts[kind] <= CAP[kind]:  # a hub's thousands are counted, not gathered
                found.append(Neighbour(other, records[other].title, kind, mutual))

    add(r.catalog.parent_id(note_id), "parent")
    for child in r.catalog.children.get(note_id, []):
        add(child, "child")
    back = {ref.source for ref in by_target.get(note_id, []) if ref.kind == "link"}
    out = [ref.resolution.id for ref in by_source.get(note_id, []) if ref.kind == "link"]
    for other in out:
        add(other, "out", other in back)
    for ref in by_target.get(note_id, []):
        if ref.kind == "link":
            add(ref.source, "back")
    head = records[note_id]
    return layout({"id": note_id, "title": head.title}, found, counts)


# The last list of references seen, and its references grouped by the note they resolve to
# and by the note they are written in.
_by_note: tuple[list, dict[str, list], dict[str, list]] = ([], {}, {})


def _grouped(refs: list) -> tuple[dict[str, list], dict[str, list]]:
    """The resolved references by the note they resolve to and by the note they are written
    in, built once per list of references (the Resident builds a new list when the catalog
    changes): backlinks and out-links are then one lookup, not a pass over every reference
    of the vault."""
    global _by_note
    if _by_note[0] is not refs:
        to: dict[str, list] = {}
        source: dict[str, list] = {}
        for ref in refs:
            if ref.resolution.id is not None:
                to.setdefault(ref.resolution.id, []).append(ref)
                source.setdefault(ref.source, []).append(ref)
        _by_note = (refs, to, source)
        return to, source
    return _by_note[1], _by_note[2]


def _head(r: Resident, note_id: str) -> dict:
    rec = r.catalog.records[note_id]
    return {"id": rec.id, "title": rec.title, "date": rec.date, "type": rec.type}


def _add_lines(r: Resident, links: list[dict]) -> None:
    """Each link backlink's line as written (the file's line, front matter included; the
    first LINES_SHOWN backlinks: a hub's thousand are listed, not quoted)."""
    for k, b in enumerate(links):
        b["text"] = ""
        if b["line"] is None or k >= LINES_SHOWN:
            continue
        try:
            data = r.vault.path_of(b["id"]).read_bytes()
        except OSError:
            continue
        lines = data.split(b"\n", b["line"])  # only as far as the line
        if len(lines) >= b["line"]:
            b["text"] = lines[b["line"] - 1].decode("utf-8", "replace").strip()[:300]


def related(r: Resident, ref: str) -> list[dict]:
    """`vault related --json` of the note, RELATED at most."""
    from vault.search.search import related as alike

    return [render.hit_dict(h) for h in alike(r.catalog, r.find(ref), RELATED, notify=r.notify)]


def _headings(body: str) -> list[str]:
    from vault.append import find_headings

    return [h.text for h in find_headings(body.splitlines())] if body else []


def search(r: Resident, query: dict) -> list[dict]:
    """`vault search --json`: the same filters, checked by the same rules, the same ranking.
    Filters without words: the notes `vault list` gives, newest first, as hits without a
    snippet."""
    from vault.errors import InvalidInput
    from vault.filters import filter_of
    from vault.search.search import search as search_notes

    given = {k: v for k, v in query.items() if v is not False and v not in (None, "", ())}
    text = given.pop("query", "")
    given = given | check_all(BY_COMMAND["search"], given)
    flt = filter_of(given)
    limit = given.get("limit", 20)
    if not isinstance(limit, int):
        raise InvalidInput(f"bad limit {limit!r}: give a whole number, 1 or more")
    if not text:
        return _listed(r, flt, given.get("in_folders") or ())
    hits = search_notes(
        r.catalog,
        text,
        flt,
        repo=r.repo,
        cwd_prefix=r.cwd_prefix,
        limit=limit,
        folders=tuple(given.get("in_folders") or ()),
        lang=given.get("lang"),
        mode=given.get("mode") or "keyword",
        explain=bool(given.get("explain")),
        notify=r.notify,
    )
    return [render.hit_dict(h) for h in hits]


def _listed(r: Resident, flt: NoteFilter, folders) -> list[dict]:
    from vault.filters import ordered, select_notes

    records = ordered(r.catalog, select_notes(r.catalog, flt, r.repo, r.cwd_prefix), "date", False)
    inside = tuple(f.strip("/") + "/" for f in folders)
    return [
        {**render.summary(rec, r.catalog), "snippet": ""}
        for rec in records
        if not inside or rec.id.startswith(inside)
    ][:200]


def history(r: Resident, ref: str) -> dict:
    note_id = r.find(ref)
    return {**_head(r, note_id), "commits": _commits(r, note_id, None)}


def version(r: Resident, ref: str, rev: str, keep=None) -> dict:
    """The note as it was at commit `rev`, rendered (links resolved against today's vault)."""
    from vault.errors import InvalidInput
    from vault.notes import decode, parse_note
    from vault.resolve import Files

    note_id = r.find(ref)
    data = _at(r, note_id, rev)
    if data is None:
        raise InvalidInput(f"{note_id} did not exist at {rev[:10]}")
    old = parse_note(decode(data, []), note_id)
    where = Where(note_id, r.catalog.resolver, Files(r.vault.root))
    now = r.vault.path_of(note_id).read_bytes()  # what restoring it is guarded by
    sha256 = keep(now) if keep is not None else sha256_of(now)
    return {
        **_head(r, note_id),
        "rev": rev,
        "html": render_markdown(old.body, where),
        "sha256": sha256,
    }


def diff(r: Resident, ref: str, a: str, b: str) -> dict:
    """The unified diff of the note between two commits ("" for b: the file now)."""
    note_id = r.find(ref)
    old = _at(r, note_id, a) or b""
    new = r.vault.path_of(note_id).read_bytes() if not b else (_at(r, note_id, b) or b"")
    lines = unified(old, new, a[:10], b[:10] or "now")
    return {**_head(r, note_id), "a": a, "b": b, "lines": lines}


def unified(old: bytes, new: bytes, a: str, b: str) -> list[str]:
    before = old.decode("utf-8", "replace").splitlines()
    after = new.decode("utf-8", "replace").splitlines()
    return list(difflib.unified_diff(before, after, a, b, lineterm=""))


def _at(r: Resident, note_id: str, rev: str) -> bytes | None:
    from vault.errors import InvalidInput

    if r.repo is None:
        raise InvalidInput(f"{r.vault.root} is not in git: no history")
    if not rev or not all(c in "0123456789abcdef" for c in rev.lower()):
        raise InvalidInput(f"not a commit: {rev!r}")
    return r.repo.note_at(note_id, rev)


def graph(r: Resident, root: str | None, depth: int | None) -> dict:
    """`vault graph --format json` of the warm graph (the whole vault, or around `root`)."""
    from vault.graph import export

    root_id = r.find(root) if root else None
    request = export.GraphRequest(kind="all", note_type=None, root=root_id, depth=depth)
    g, view = export.prepare(r.catalog, request, built=r.graph())
    return export.graph_dict(g, view)
