"""The data model: plain frozen dataclasses, standard library only."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Link:
    """One reference from a note's body to another note, as written."""

    # "markdown" for [x](path) and [x]: path definitions, "wikilink" for [[x]] and ![[x]].
    syntax: str
    # The target exactly as written, without #heading or |alias.
    target: str
    # For wikilinks, the text on the other side of "|" ("" when there is none). Obsidian writes
    # [[target|label]], Dendron writes [[label|target]]; resolution tries both.
    alias: str = ""
    # 1-based line of the body where the link starts.
    line: int = 0


@dataclass(frozen=True, slots=True)
class NoteRecord:
    """Everything known about a note except its body: what list, graph and the cache need."""

    # POSIX path relative to the vault root, e.g. "memory/research/2026-02-14-x.md".
    id: str
    title: str
    # ISO date "YYYY-MM-DD", or None when no source gave one.
    date: str | None
    # Where the date came from: "meta", "filename", "git", "mtime" or "" when there is none.
    date_source: str
    # Note type ("Technical Supplement", "Note", ...), or None.
    type: str | None
    # The Parent reference exactly as written, or None.
    parent_ref: str | None
    tags: tuple[str, ...]
    # Every other metadata key, values made JSON-safe (dates as ISO strings).
    meta: dict = field(default_factory=dict)
    # Links found in the body, in order, duplicates kept (the graph merges them).
    links: tuple[Link, ...] = ()
    # How the metadata was written: "yaml", "headers" or "plain".
    style: str = "plain"
    # Problems met while reading, each one line naming the problem (the file is named by id).
    warnings: tuple[str, ...] = ()
    # File modification time (ns) and size, used to tell when the record is stale.
    mtime_ns: int = 0
    size: int = 0


@dataclass(frozen=True, slots=True)
class Note:
    """A note as read from disk: its record plus the body text."""

    record: NoteRecord
    # The Markdown below the metadata (front matter or header block removed).
    body: str


@dataclass(frozen=True, slots=True)
class Resolution:
    """The outcome of resolving one reference to a note id."""

    # The resolved note id, or None when the reference is dangling or ambiguous.
    id: str | None
    # Every candidate that matched when there were several, sorted; empty otherwise.
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Created:
    """What `vault new` made."""

    id: str
    path: str
    title: str
    date: str
    type: str
    # Resolved parent id, or None for a root note.
    parent: str | None
    # Hex sha of the commit holding the new note, or None when not committed.
    commit: str | None
    # Why there is no commit when one was expected ("" otherwise).
    commit_note: str = ""
