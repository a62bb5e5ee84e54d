"""A note as read, and what points from it: what every command builds."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Link:
    """One reference from a note's body to another note, as written."""

    # "markdown" for [x](path), ![x](path) and [x]: path definitions, "wikilink" for [[x]]
    # and ![[x]].
    syntax: str
    # The target as written, without #heading or |alias (Markdown paths %-decoded). For a
    # wikilink, the text before "|": the target everywhere but in a Dendron vault, which
    # writes [[label|target]] (vault.resolve.Resolver.target_of knows which side is which).
    target: str
    # For wikilinks, the text after "|" ("" when there is none), without #heading.
    alias: str = ""
    # 1-based line of the file where the link starts (front matter included).
    line: int = 0
    # A link to a file that is not a note (an image, a PDF, ...): checked for existence by
    # `vault check`, never a graph edge.
    attachment: bool = False


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
    # The file as it was when read: (mtime_ns, size, ctime_ns, inode). Like git, the record
    # is stale when any of them differs, so an edit that keeps the size and puts the old
    # mtime back is still seen. All 0 for text that was not read from a file.
    stat: tuple[int, int, int, int] = (0, 0, 0, 0)
    # A hash of the bytes read (hex); "" for text not read from a file. What tells the search
    # index that the content changed, when only the file's state did (a copy, a checkout).
    digest: str = ""

    @property
    def mtime_ns(self) -> int:
        return self.stat[0]

    @property
    def size(self) -> int:
        return self.stat[1]


@dataclass(frozen=True, slots=True)
class NoteSummary:
    """What `list` shows of a note (a NoteRecord has these too)."""

    id: str
    title: str
    date: str | None
    type: str | None
    # Where the date came from (NoteRecord.date_source): "meta", "filename", "git", "mtime".
    date_source: str = ""


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
class Reference:
    """One reference written in a note: its Parent header, or one link in its body."""

    # Id of the note the reference is written in.
    source: str
    # "parent" or "link".
    kind: str
    # The reference as written: the Parent text, or the link target.
    raw: str
    # 1-based body line of a link; None for a Parent header.
    line: int | None
    # What the reference resolved to (id, or candidates when ambiguous, or neither).
    resolution: Resolution


# --- requests -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoteFilter:
    """Which notes `list` and `search` keep; every field left None keeps everything."""

    # Notes of this type, compared case- and space-insensitively.
    note_type: str | None = None
    # Notes whose own date is within [since, until] (ISO dates); undated notes are dropped
    # only when a bound is given.
    since: str | None = None
    until: str | None = None
    # Notes changed in git since this date, phrase ("7 days ago") or commit.
    changed_since: str | None = None
    # Notes changed in git by this author (name or email, any case).
    author: str | None = None
    # A note (as the user typed it): keep it and its descendants through Parent.
    under: str | None = None
    # Notes whose last commit names this agent in its Vault-Agent trailer (any case).
    agent: str | None = None
    # Notes carrying every one of these tags (any case, with or without their `#`).
    tags: tuple[str, ...] = ()

    @property
    def uses_git(self) -> bool:
        return bool(self.changed_since or self.author or self.agent)
