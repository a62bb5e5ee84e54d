"""Which notes `list` and `search` keep: one NoteFilter, one set of rules.

A note passes when it is of the filter's type (compared folded: any case, any spacing), dated
within [since, until] (undated notes drop out only when a bound is given), and within the id
scope: below `under` through Parent, carrying every tag of `tags` (`tags_of`), changed in git
since `changed_since` / by `author`, and last committed by `agent` (the Vault-Agent trailer:
`agent_matches`, the one rule `log --agent` follows too).
`list` applies all of it to records here; `search` applies the id scope from here and the
type and dates through the index, which stores the folded type and the date for exactly this.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from operator import itemgetter
from typing import TYPE_CHECKING

from vault.model import NoteFilter, NoteRecord, NoteSummary
from vault.options import naming
from vault.repository import Repository
from vault.text import fold

if TYPE_CHECKING:
    from vault.catalog import Catalog


def record_matches(rec: NoteRecord | NoteSummary, flt: NoteFilter) -> bool:
    """The type and date rules."""
    if flt.note_type is not None and fold(rec.type) != fold(flt.note_type):
        return False
    if flt.since and (rec.date is None or rec.date < flt.since):
        return False
    return not (flt.until and (rec.date is None or rec.date > flt.until))


def agent_matches(agent: str | None, wanted: str) -> bool:
    """The --agent rule of list, search and log: the commit's Vault-Agent trailer (`agent`,
    None without one) is the name asked for, compared folded (any case, any spacing)."""
    return agent is not None and fold(agent) == fold(wanted)


def filter_of(given: Mapping[str, object]) -> NoteFilter:
    """The NoteFilter of the note filters given by their option names (vault.options: type,
    under, since, until, changed_since, author, agent, tags), as the MCP tools and the web
    page receive them; a filter not given keeps everything."""
    return NoteFilter(
        note_type=given.get("type"),
        since=given.get("since"),
        until=given.get("until"),
        changed_since=given.get("changed_since"),
        author=given.get("author"),
        under=given.get("under"),
        agent=given.get("agent"),
        tags=tuple(given.get("tags") or ()),
    )


def tags_of(tags: Iterable[str]) -> set[str]:
    """Tags as --tag compares them: any case, without the `#` that marks them (which `new
    --tag` drops when it writes them, and a note's Tags line may keep)."""
    return {t.strip().lstrip("#").casefold() for t in tags}


def id_scope(
    catalog: Catalog,
    flt: NoteFilter,
    repo: Repository | None,
    cwd_prefix: str | None = None,
) -> set[str] | None:
    """The ids the `under`, tag and git rules allow, or None when none is given."""
    scope: set[str] | None = None
    if flt.under is not None:
        from vault.references import descendants  # only --under needs it (a warm search not)

        scope = descendants(catalog, catalog.resolver.find(flt.under, cwd_prefix))
    if flt.tags:
        wanted = tags_of(flt.tags)
        tagged = {i for i, rec in catalog.records.items() if wanted <= tags_of(rec.tags)}
        scope = tagged if scope is None else scope & tagged
    if flt.uses_git:
        from vault.errors import NotAGitRepo

        if repo is None:
            raise NotAGitRepo(
                f"{catalog.vault.root} is not inside a git work tree, so there is no history "
                "to choose notes by (run `git init` there first)"
            )
        if flt.changed_since or flt.author:
            changed = naming(
                "changed_since",
                lambda what: repo.changed_notes(flt.changed_since, flt.author, what),
            )
            scope = changed if scope is None else scope & changed
        if flt.agent:
            last = repo.last_commits()
            mine = {i for i, entry in last.items() if agent_matches(entry.agent, flt.agent)}
            scope = mine if scope is None else scope & mine
    return scope


def select_notes(
    catalog: Catalog,
    flt: NoteFilter,
    repo: Repository | None = None,
    cwd_prefix: str | None = None,
) -> list[NoteSummary]:
    """The notes passing `flt`, newest first."""
    scope = id_scope(catalog, flt, repo, cwd_prefix)
    return [
        s
        for s in newest_first(catalog.summaries())
        if (scope is None or s.id in scope) and record_matches(s, flt)
    ]


# Dates a note states (its metadata, its file name), as against those vault derived for it
# (its first git commit, its file's time).
STATED_DATES = ("meta", "filename")


def ordered(
    catalog: Catalog, notes: list[NoteSummary], sort: str = "date", mixed_dates: bool = False
) -> list[NoteSummary]:
    """`notes` (newest first, as select_notes gives them) in `list --sort` order: by date
    newest first, stated dates before derived ones (unless `mixed_dates`); by the file's
    modification time, newest first; by title (folded) or by path, A to Z."""
    if sort == "date":
        # `notes` come newest first (select_notes): a stable sort on "stated?" keeps that order
        # within each group, at a fraction of a full sort's cost.
        if mixed_dates:
            return notes
        return sorted(notes, key=lambda s: s.date_source in STATED_DATES, reverse=True)
    if sort == "modified":
        return sorted(notes, key=lambda s: (_mtime(catalog, s.id), s.id), reverse=True)
    if sort == "title":
        return sorted(notes, key=lambda s: (fold(s.title), s.id))
    return sorted(notes, key=lambda s: s.id)


# A note in `listed`: (id, title, date, type, date_source), NoteSummary's fields in order.
Row = tuple[str, str, "str | None", "str | None", str]


def listed(
    catalog: Catalog,
    flt: NoteFilter,
    repo: Repository | None = None,
    cwd_prefix: str | None = None,
    sort: str = "date",
    mixed_dates: bool = False,
) -> list[Row]:
    """What `ordered(catalog, select_notes(...), sort, mixed_dates)` gives, as plain tuples
    of the catalog's columns: for `list --json`, where a NoteSummary a note and the sorts'
    keys made in Python were a third of the command at 100,000 notes. Not for `modified`."""
    if sort == "modified":
        raise ValueError("listed() does not sort by modification time")
    scope = id_scope(catalog, flt, repo, cwd_prefix)
    records = catalog.records
    columns = records.columns("title", "date", "type", "date_source")
    rows: list[Row] = list(zip(records.ids(), *columns, strict=True))
    if scope is not None:
        rows = [row for row in rows if row[0] in scope]
    if flt.note_type is not None or flt.since or flt.until:
        rows = [row for row in rows if record_matches(NoteSummary(*row), flt)]
    if sort == "title":
        return sorted(rows, key=lambda row: (fold(row[1]), row[0]))
    if sort != "date":
        return sorted(rows, key=_ID)
    # newest_first's order, (date or "", id) newest first, as two stable sorts keyed in C
    # where they can be: by id, then by date (ids are unique: the first sort is total).
    rows.sort(key=_ID, reverse=True)
    rows.sort(key=_date_or_empty, reverse=True)
    if not mixed_dates:
        rows.sort(key=_stated, reverse=True)  # stable: as `ordered` does
    return rows


_ID = itemgetter(0)


def _date_or_empty(row: Row) -> str:
    return row[2] or ""


def _stated(row: Row) -> bool:
    return row[4] in STATED_DATES


def _mtime(catalog: Catalog, note_id: str) -> int:
    try:
        return catalog.vault.path_of(note_id).stat().st_mtime_ns
    except OSError:
        return 0


def newest_first(records: Iterable[NoteSummary]) -> list[NoteSummary]:
    return sorted(records, key=lambda r: (r.date or "", r.id), reverse=True)
