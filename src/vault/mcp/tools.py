"""The tools, one function each: the same library calls as the command of the same name, and
the same render function for the result, so a tool returns exactly what the command prints
with --json. Each takes the Resident (refreshed by the server before the call) and the
tool's arguments, and raises VaultError for anything a user can fix.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass

from vault import render
from vault.model import (
    AppendRequest,
    NewNote,
    NoteFilter,
    Provenance,
    Removed,
    ReplaceRequest,
    ReviseRequest,
    SetRequest,
)
from vault.options import BY_COMMAND, check_all, naming
from vault.serve.resident import Resident


@dataclass(frozen=True, slots=True)
class Output:
    """A tool's result: the data (what --json prints, parsed) and its text."""

    data: object
    # The text the command prints; None means the data as `vault ... --json` prints it.
    text: str | None = None

    def as_text(self) -> str:
        if self.text is not None:
            return self.text
        return json.dumps(self.data, indent=2, ensure_ascii=False)


def checked(command: str) -> Callable[[Callable[..., Output]], Callable[..., Output]]:
    """A tool whose arguments declared for `command` in vault.options are checked there
    first, by the rules and in the words the command line uses (BadOption names them as
    parameters), and passed on as checked: a day as YYYY-MM-DD, several values as a tuple."""
    declared = BY_COMMAND[command]

    def wrap(fn: Callable[..., Output]) -> Callable[..., Output]:
        @functools.wraps(fn)
        def run(r: Resident, **kwargs) -> Output:
            return fn(r, **(kwargs | check_all(declared, kwargs)))

        return run

    return wrap


def _filter(type, under, since, until, changed_since, author, agent, tags) -> NoteFilter:
    from vault.filters import filter_of

    return filter_of(locals())


# --- read tools ----------------------------------------------------------------------------------


@checked("search")
def search(
    r: Resident,
    query: str,
    type=None,
    under=None,
    since=None,
    until=None,
    changed_since=None,
    author=None,
    tags=(),
    agent=None,
    in_folders=(),
    lang=None,
    limit: int = 20,
    mode: str = "keyword",
    explain: bool = False,
) -> Output:
    from vault.search.search import search as search_notes

    flt = _filter(type, under, since, until, changed_since, author, agent, tags)
    hits = search_notes(
        r.catalog,
        query,
        flt,
        repo=r.repo,
        cwd_prefix=r.cwd_prefix,
        limit=limit,
        folders=in_folders or (),
        lang=lang,
        mode=mode,
        explain=explain,
        notify=r.notify,
    )
    return Output([render.hit_dict(h) for h in hits])


@checked("show")
def show(r: Resident, ref: str, at: str | None = None) -> Output:
    from vault.append import read_hashed

    note_id = r.find(ref)
    if at is not None:
        return _version(r, note_id, at)
    note, sha256 = read_hashed(r.catalog, note_id)
    last = r.repo.last_commit(note_id) if r.repo is not None else None
    return Output(render.show_dict(note, r.catalog, sha256, last))


def _version(r: Resident, note_id: str, at: str) -> Output:
    """`show --at`: as vault.cli.show renders it."""
    from vault.git import require_repository
    from vault.notes import note_then
    from vault.render.shapes import version_dict

    repo = r.repo if r.repo is not None else require_repository(r.vault)
    version = repo.version(note_id, at)
    note = note_then(version.data, version.id, note_id)
    return Output(version_dict(note, r.catalog, version))


@checked("list")
def list_notes(
    r: Resident,
    type=None,
    under=None,
    since=None,
    until=None,
    changed_since=None,
    author=None,
    tags=(),
    agent=None,
    sort="date",
    mixed_dates=False,
) -> Output:
    from vault.filters import listed, ordered, select_notes
    from vault.render.jsonout import objects_output

    flt = _filter(type, under, since, until, changed_since, author, agent, tags)
    catalog = r.catalog
    if sort == "modified":
        records = ordered(catalog, select_notes(catalog, flt, r.repo, r.cwd_prefix), sort)
        return Output([render.summary(rec, catalog) for rec in records])
    # From the catalog's columns, as `vault list --json` (a NoteSummary and the sort keys
    # made for each note were most of the call); its text is that command's, byte for byte.
    rows = listed(catalog, flt, r.repo, r.cwd_prefix, sort, mixed_dates)
    columns = render.summary_columns(rows, catalog)
    keys = render.SUMMARY_KEYS
    data = [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]
    return Output(data, objects_output(keys, columns))


@checked("related")
def related(r: Resident, ref: str, limit: int = 10) -> Output:
    from vault.search.search import related as alike

    hits = alike(r.catalog, r.find(ref), limit=limit, notify=r.notify)
    return Output([render.hit_dict(h) for h in hits])


def backlinks(r: Resident, ref: str) -> Output:
    from vault.references import backlinks as referring

    found = referring(r.catalog, r.find(ref), r.references())
    return Output([render.backlink_dict(b) for b in found])


# How many levels of notes a tree's structured content holds: each is two levels of JSON,
# and the SDK writes and reads JSON at most about 250 (pydantic's serializer) and 200
# (its parser) levels deep, the message around the content included.
STRUCTURED_TREE_DEPTH = 64


def tree(r: Resident, ref: str | None = None) -> Output:
    """The text is `vault tree --json`, however deep the tree; the structured content is the
    same JSON down to STRUCTURED_TREE_DEPTH levels of notes (a deeper Parent chain would
    fail the SDK: "internal error"), its notes there saying "truncated": true."""
    from vault.references import parent_tree

    root = r.find(ref) if ref is not None else None
    trees = parent_tree(r.catalog, root)
    text = render.json_text([render.tree_dict(t) for t in trees])
    return Output([render.tree_dict(t, STRUCTURED_TREE_DEPTH) for t in trees], text)


def path(r: Resident, a: str, b: str) -> Output:
    from vault.graph.query import shortest_path

    source, target = r.find(a), r.find(b)
    steps = shortest_path(r.graph(), source, target)
    return Output(render.path_dict(source, target, steps))


@checked("graph")
def graph(
    r: Resident, root: str | None = None, depth: int | None = None, kind="all", type=None
) -> Output:
    from vault.graph import export

    root_id = r.find(root) if root is not None else None
    request = export.GraphRequest(kind=kind, note_type=type, root=root_id, depth=depth)
    g, view = export.prepare(r.catalog, request, built=r.graph())
    return Output(export.graph_dict(g, view), export.to_json(g, view))


@checked("check")
def check(r: Resident, kind=None, ignore=None, level: str = "warning") -> Output:
    from vault.checks import KINDS, check_vault, select_problems

    found = check_vault(r.catalog, r.repo)
    problems = select_problems(found, kind or (), ignore or (), level)
    return Output(render.check_dict(problems, KINDS, hidden=len(found) - len(problems)))


@checked("log")
def log(
    r: Resident,
    ref: str | None = None,
    since=None,
    author=None,
    limit: int | None = None,
    agent=None,
    patch: bool = False,
) -> Output:
    from vault.git import require_repository
    from vault.git.log import log_entries

    repo = r.repo if r.repo is not None else require_repository(r.vault)
    note_id = r.find(ref) if ref else None
    entries = naming(
        "since",
        lambda what: log_entries(
            repo,
            note_id,
            since=since,
            author=author,
            limit=limit,
            what=what,
            agent=agent,
            patch=patch,
        ),
    )
    return Output([render.log_dict(e) for e in entries])


@checked("context")
def context(r: Resident, ref: str, depth: int = 1, max_chars: int = 12_000) -> Output:
    from vault.context import note_context
    from vault.search.search import related as alike

    catalog = r.catalog

    def related_notes(note_id: str, limit: int):
        return alike(catalog, note_id, limit, notify=r.notify)

    found = note_context(
        catalog,
        r.find(ref),
        depth=depth,
        max_chars=max_chars,
        related=related_notes,
        refs=r.references(),
    )
    return Output(render.context_dict(found))


# --- write tools: each changes the vault, tells the Resident so, and reports a commit that
# --- failed as the command would (a warning)


def _written(r: Resident, write: Callable[[], object]) -> object:
    """What `write()` returned; the Resident told that the vault changed (even when it
    failed: a part may be written), and a commit that failed noted as the CLI warns."""
    try:
        done = write()
    finally:
        r.changed()
    if getattr(done, "commit_note", ""):
        r.notify("warning: " + render.uncommitted(done.id, done.commit_note))
    return done


@checked("new")
def new(
    r: Resident,
    title: str,
    body: str = "",
    parent: str | None = None,
    type: str | None = None,
    date: str | None = None,
    tags: list[str] | None = None,
    yaml: bool = False,
    agent: str | None = None,
    source: str | None = None,
) -> Output:
    from vault.create import new_note

    request = NewNote(
        title=title,
        body=body,
        parent_ref=parent,
        note_type=type,
        date=date,
        tags=tuple(tags or ()),
        yaml_front_matter=yaml,
        cwd_prefix=r.cwd_prefix,
        provenance=Provenance(agent, source),
    )
    created = _written(r, lambda: new_note(r.vault, request, r.repo, commit=True))
    return Output(render.created_dict(created))


@checked("append")
def append(
    r: Resident,
    ref: str,
    text: str,
    expected_sha256: str,
    section: str | None = None,
    agent: str | None = None,
    source: str | None = None,
) -> Output:
    from vault.append import append_to_note

    request = AppendRequest(
        ref=ref,
        text=text,
        section=section,
        expected_sha256=expected_sha256,
        cwd_prefix=r.cwd_prefix,
        provenance=Provenance(agent, source),
    )
    done = _written(r, lambda: append_to_note(r.vault, request, r.repo, commit=True))
    return Output(render.appended_dict(done))


@checked("mv")
def mv(
    r: Resident,
    ref: str,
    new_path: str,
    dry_run: bool = False,
    include_changes: bool = False,
    agent: str | None = None,
    source: str | None = None,
) -> Output:
    """`vault mv` run where the server runs (a relative NEW_PATH as from there): the same
    library call, so the same guarantees (every reference rewritten, one commit, undone on
    failure, recovered after a kill)."""
    import os
    from pathlib import Path

    from vault.mv.apply import move

    def run():
        return move(
            r.vault,
            ref,
            new_path,
            Path(os.getcwd()),
            r.repo,
            dry_run=dry_run,
            commit=True,
            include_changes=include_changes,
            provenance=Provenance(agent, source),
        )

    result = run() if dry_run else _written(r, run)
    for problem in result.warnings:
        r.notify("warning: " + problem)
    return Output(render.move_dict(result, dry_run))


# --- revising tools: replace, set, rm, restore ---------------------------------------------------


def _revise_request(r: Resident, ref, expected_sha256, agent, source) -> ReviseRequest:
    return ReviseRequest(ref, expected_sha256, r.cwd_prefix, Provenance(agent, source))


def _revised(r: Resident, write: Callable[[], object]) -> Output:
    from vault.render.shapes import removed_dict, revised_dict

    done = _written(r, write)
    return Output(removed_dict(done) if isinstance(done, Removed) else revised_dict(done))


@checked("replace")
def replace(
    r: Resident,
    ref: str,
    expected_sha256: str,
    old: str | None = None,
    new: str | None = None,
    section: str | None = None,
    agent: str | None = None,
    source: str | None = None,
) -> Output:
    from vault.errors import InvalidInput
    from vault.revise.replace import replace_in_note

    if section is None and old is None:
        raise InvalidInput("give old (and new), or section and new")
    note = _revise_request(r, ref, expected_sha256, agent, source)
    request = ReplaceRequest(note, old=old, new=new or "", section=section)
    return _revised(r, lambda: replace_in_note(r.vault, r.repo, request, commit=True))


@checked("set")
def set_metadata(
    r: Resident,
    ref: str,
    expected_sha256: str,
    values: dict[str, str] | None = None,
    unset: list[str] | None = None,
    tags: list[str] | None = None,
    agent: str | None = None,
    source: str | None = None,
) -> Output:
    from vault.revise.metadata import set_metadata as set_meta
    from vault.revise.metadata import tag_changes

    add, drop = tag_changes(tags)
    note = _revise_request(r, ref, expected_sha256, agent, source)
    pairs = tuple((str(k), str(v)) for k, v in (values or {}).items())
    request = SetRequest(note, pairs, tuple(unset or ()), add, drop)
    return _revised(r, lambda: set_meta(r.vault, r.repo, request, commit=True))


@checked("rm")
def rm(
    r: Resident,
    ref: str,
    expected_sha256: str,
    force: bool = False,
    agent: str | None = None,
    source: str | None = None,
) -> Output:
    from vault.revise.remove import remove_note

    note = _revise_request(r, ref, expected_sha256, agent, source)
    return _revised(r, lambda: remove_note(r.vault, r.repo, note, force=force, commit=True))


@checked("restore")
def restore(
    r: Resident,
    ref: str,
    at: str | None = None,
    expected_sha256: str | None = None,
    agent: str | None = None,
    source: str | None = None,
) -> Output:
    from vault.errors import NotAGitRepo
    from vault.revise.restore import restore_note

    if r.repo is None:
        raise NotAGitRepo(f"{r.vault.root} is not in git, so there is no history to restore from")
    note = _revise_request(r, ref, expected_sha256, agent, source)
    return _revised(r, lambda: restore_note(r.vault, r.repo, note, at, commit=True))
