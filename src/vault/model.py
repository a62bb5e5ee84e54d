"""The data model: plain frozen dataclasses, standard library only.

Library functions take and return these; `vault.render` turns them into the `--json` shapes
and the human forms, so a shape is defined in exactly one place.

It is one table: of the records every family passes to the core and back, each a few lines
with a comment per field; it grows by a dataclass per verb, and split by family it would make
the families import each other.
"""

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
class NewNote:
    """What `vault new` is asked to create (see vault.create.create_note)."""

    title: str
    # The Markdown body; blank means a section template for the note's type.
    body: str = ""
    # The parent as the user typed it (any form `vault show` accepts), or None for a root note.
    parent_ref: str | None = None
    # None: "Technical Supplement" under a parent, "Note" without one.
    note_type: str | None = None
    # ISO date; None means today.
    date: str | None = None
    tags: tuple[str, ...] = ()
    # Write YAML front matter instead of Date/Type/Parent header lines.
    yaml_front_matter: bool = False
    # The working directory as an id prefix, for parent paths relative to it (None: outside).
    cwd_prefix: str | None = None


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

    @property
    def uses_git(self) -> bool:
        return bool(self.changed_since or self.author)


@dataclass(frozen=True, slots=True)
class AppendRequest:
    """What `vault append` is asked to add to a note (see vault.append.append_to_note)."""

    # The note as the user typed it (any form `vault show` accepts).
    ref: str
    # The Markdown to add; blank lines around it are dropped, a blank line is put before it.
    text: str
    # Heading text of the section to add to (with or without its leading #s), or None for
    # the end of the note.
    section: str | None = None
    # The note's sha256 as the caller last read it (`show --json`); None skips the check.
    expected_sha256: str | None = None
    # The working directory as an id prefix, for paths relative to it (None: outside).
    cwd_prefix: str | None = None


# --- results ------------------------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class Backlink:
    """A reference to a note from another note."""

    # The referring note.
    id: str
    title: str
    date: str | None
    type: str | None
    # "parent" (its Parent header names the note) or "link".
    kind: str
    # Body line of a link; None for a Parent header.
    line: int | None
    # The reference as written.
    raw: str


@dataclass(frozen=True, slots=True)
class TreeNode:
    """One note in the Parent hierarchy, with the notes below it."""

    id: str
    title: str
    date: str | None
    type: str | None
    children: tuple[TreeNode, ...] = ()
    # True for a note met again on its own branch (a Parent cycle); it has no children then.
    cycle: bool = False


@dataclass(frozen=True, slots=True)
class PathStep:
    """One edge of a path between two notes."""

    source: str
    target: str
    # "parent" or "link".
    kind: str
    # "forward" when the edge points from source to target, else "backward".
    direction: str


@dataclass(frozen=True, slots=True)
class Hub:
    """A much-connected node in the graph statistics."""

    id: str
    title: str
    missing: bool
    # The degree (an int) or the PageRank (a float), by the list it is in.
    value: float


@dataclass(frozen=True, slots=True)
class Community:
    """A group of notes linked more among themselves than to the rest (Louvain)."""

    # Its number: 0 is the largest.
    number: int
    # Notes in it (missing targets not counted).
    size: int
    # Id and title of its best-ranked note (by PageRank), which names it.
    leader: str
    title: str


@dataclass(frozen=True, slots=True)
class GraphStats:
    """What `vault graph --stats` reports."""

    nodes: int
    notes: int
    # Targets linked to that do not exist.
    missing: int
    edges: int
    # Edge count per kind, in KINDS order.
    edge_kinds: dict[str, int]
    components: int
    largest_component: int
    # Notes with children but no Parent edge (the tops of hierarchies).
    roots: tuple[str, ...]
    # Notes with no edge at all.
    orphans: tuple[str, ...]
    # Loops of Parent edges (each a note that is its own ancestor).
    parent_cycles: int
    top_degree: tuple[Hub, ...]
    # By PageRank over the notes: a missing target has none.
    top_pagerank: tuple[Hub, ...]
    # Every community with a note in it, largest first.
    communities: tuple[Community, ...] = ()


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing `vault check` found."""

    kind: str
    # "error" or "warning".
    level: str
    # Id of the note the problem is in (for a cycle, the smallest id on it).
    note: str
    # The reference as written, the shared title, or "" when there is none.
    target: str
    # One line saying what is wrong.
    message: str
    # Body line of a link, when the problem is one; None otherwise.
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result."""

    id: str
    title: str
    # ISO date or None.
    date: str | None
    type: str | None
    # Resolved parent id, or None.
    parent: str | None
    score: float
    # One line of the note around the matched words (plain text).
    snippet: str
    # (start, end) character spans of the matched words within `snippet`.
    marks: tuple[tuple[int, int], ...] = ()
    # How the hit was ranked, when --explain asked (vault.search.fusion).
    explain: Explain | None = None


@dataclass(frozen=True, slots=True)
class Explain:
    """Why a hit ranks where it does: its place in each ranking and what fused them."""

    # 1-based rank in the keyword ranking, None when the keyword search did not find it.
    keyword_rank: int | None
    # 1-based rank in the vector ranking, None when it was not among the nearest notes.
    vector_rank: int | None
    # The reciprocal-rank-fusion score (hybrid), or the ranking's own score.
    fused: float
    # The section that matched the query best (its heading, then the start of its text).
    chunk: str
    # That section's cosine similarity to the query (None without a vector rank).
    cosine: float | None = None


@dataclass
class IndexReport:
    """What bringing the search index up to date did."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    seconds: float = 0.0
    # True when the whole index was built from scratch (first use, damage, --rebuild).
    rebuilt: bool = False
    # Why it was rebuilt when that was not asked for and not its first use ("" otherwise).
    reason: str = ""
    # Notes in the index afterwards.
    notes: int = 0


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One commit, as `vault log` shows it."""

    # Full hex sha.
    commit: str
    author: str
    email: str
    # Author date, ISO 8601 with the author's UTC offset.
    date: str
    # The whole commit message, trailing newlines removed.
    message: str
    # Ids of the notes the commit touched, named by where they are now when they were
    # renamed later (a deleted note keeps its last name).
    notes: tuple[str, ...]


@dataclass
class MoveResult:
    """What `vault mv` did (or, for a dry run, would do)."""

    # Old id -> new id of every moved note.
    moves: dict[str, str]
    # Ids (after the move) of the notes whose text was rewritten.
    rewritten: list[str]
    # The commit's sha, or None (dry run, --no-commit, nothing tracked).
    commit: str | None
    # References that could not be kept valid, and other things the user should know.
    warnings: list[str]
    # The planned changes as a unified diff, for dry runs; None otherwise.
    diff: str | None = None


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What `vault sync` did."""

    # The commit holding the pending changes under the notes folder, or None (none pending).
    committed: str | None
    # Ids of the notes the pull changed (added, edited, renamed to, or deleted), sorted.
    pulled: tuple[str, ...]
    # True when the remote branch was updated.
    pushed: bool
    remote: str = ""
    branch: str = ""
    # Pushes the remote rejected because it had moved, each followed by a fetch, a rebase
    # and another push (after a jittered wait).
    retries: int = 0
    # Ids of notes both sides had appended to, joined: the remote's text, then this one's.
    merged: tuple[str, ...] = ()
    # (note id, conflict copy id) for each note both sides changed otherwise: this machine's
    # version stays at the note, the remote's is kept in the copy beside it.
    conflicts: tuple[tuple[str, str], ...] = ()
    # True for `sync --dry-run`: nothing was committed, pulled or pushed; `pulled` is what
    # a pull would change.
    dry_run: bool = False
    # Dry run: ids of the changes under the notes folder a sync would commit.
    pending: tuple[str, ...] = ()
    # Dry run: shas of the local commits the remote lacks (newest first), which a sync
    # would push (with a commit of `pending`, if any).
    outgoing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Appended:
    """What `vault append` did."""

    id: str
    path: str
    # The heading of the section added to, as written ("## Details"), or None (end of note).
    section: str | None
    # 1-based line of the file where the added text starts.
    line: int
    # Hex sha256 of the note's bytes after the append (what the next append expects).
    sha256: str
    # Hex sha of the commit holding the change, or None when not committed.
    commit: str | None
    # Why there is no commit when one was expected ("" otherwise).
    commit_note: str = ""


@dataclass(frozen=True, slots=True)
class ContextItem:
    """One note in the context of another (`vault context`), and why it is there."""

    # "parent", "child", "sibling", "link", "backlink" or "related".
    why: str
    id: str
    title: str
    date: str | None
    type: str | None
    # Steps from the note: 1 for its parent, children and links, 2 for the grandparent,
    # siblings and grandchildren, ...; None for related notes (alike, not connected).
    distance: int | None
    # A short plain-text excerpt: the opening of the note, or for a backlink the line that
    # links; None for parents (named by id and title only).
    snippet: str | None = None


@dataclass(frozen=True, slots=True)
class NoteContext:
    """What an agent needs before writing about a note, nearest first, within a budget."""

    id: str
    title: str
    date: str | None
    type: str | None
    body: str
    # Hex sha256 of the note's bytes, for a following `append`.
    sha256: str
    # True when the body was cut to fit the budget.
    truncated: bool
    items: tuple[ContextItem, ...]
    # why -> how many more items of that kind did not fit in the budget.
    omitted: dict[str, int]
    # The budget: the JSON of the note and its items stays within this many characters.
    max_chars: int


# --- revising notes: replace, set, rm, restore (vault.revise) ------------------------------------


@dataclass(frozen=True, slots=True)
class Provenance:
    """Who made a change and from what, written as git trailers on the commit."""

    # The agent's name (`--agent`, else $VAULT_AGENT, else the MCP client's name); None: none.
    agent: str | None = None
    # Where the change came from: a URL or a reference (`--source`); None: not said.
    source: str | None = None


@dataclass(frozen=True, slots=True)
class ReviseRequest:
    """Which note a revising verb changes, and the guards around the change."""

    # The note as the user typed it (any form `vault show` accepts).
    ref: str
    # The note's sha256 as the caller last read it (`show --json`); None skips the check.
    expected_sha256: str | None = None
    # The working directory as an id prefix, for paths relative to it (None: outside).
    cwd_prefix: str | None = None
    # Who makes the change, for the commit's trailers.
    provenance: Provenance = field(default_factory=Provenance)


@dataclass(frozen=True, slots=True)
class ReplaceRequest:
    """What `vault replace` is asked to change in a note's body (vault.revise.replace)."""

    note: ReviseRequest
    # The text to find: it must occur exactly once in the body (None with `section`).
    old: str | None = None
    # What takes its place (may be empty); with `section`, the section's new body.
    new: str = ""
    # Heading text of the section whose body is replaced (its heading kept), or None.
    section: str | None = None


@dataclass(frozen=True, slots=True)
class SetRequest:
    """What `vault set` is asked to change in a note's metadata (vault.revise.metadata)."""

    note: ReviseRequest
    # (key, value) pairs to write, in the order given.
    values: tuple[tuple[str, str], ...] = ()
    # Keys to take out.
    unset: tuple[str, ...] = ()
    # Tags to add ("+x" given) and to take out ("-x" given), without their sign.
    add_tags: tuple[str, ...] = ()
    drop_tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Revised:
    """What `vault replace`, `vault set` and `vault restore --at` changed in a living note."""

    id: str
    path: str
    # The verb: "replace", "set" or "restore" (--at).
    action: str
    # 1-based line of the file where the change starts (replace), else None.
    line: int | None
    # The metadata keys written or taken out (set), in order; () otherwise.
    keys: tuple[str, ...]
    # Hex sha256 of the note's new bytes (what the next guarded write expects).
    sha256: str
    # Hex sha of the commit holding the change, or None when not committed.
    commit: str | None
    # The commit the note's bytes were taken from (restore), else None.
    restored_from: str | None = None
    # False when the note already read so: nothing was written or committed.
    changed: bool = True
    # Why there is no commit when one was expected ("" otherwise).
    commit_note: str = ""


@dataclass(frozen=True, slots=True)
class Removed:
    """What `vault rm` took out of the vault, or `vault restore` put back after it."""

    id: str
    path: str
    # Notes that still link to it or name it as their Parent (rm --force), by id.
    referrers: tuple[str, ...]
    # Hex sha of the commit removing (or restoring) it, or None when not committed.
    commit: str | None
    # restore: the commit whose version was put back; rm: None.
    restored_from: str | None = None
    # Hex sha256 of the note's bytes (restore), else None.
    sha256: str | None = None
    # Why there is no commit when one was expected ("" otherwise).
    commit_note: str = ""
