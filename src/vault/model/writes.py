"""Writing a new note (`new`), and who writes: what every write takes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Provenance:
    """Who made a change and from what, written as git trailers on the commit."""

    # The agent's name (`--agent`, else $VAULT_AGENT, else the MCP client's name); None: none.
    agent: str | None = None
    # Where the change came from: a URL or a reference (`--source`); None: not said.
    source: str | None = None


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
    # Who asks, for the commit's trailers.
    provenance: Provenance = field(default_factory=Provenance)
    # The parent's sha256 as the writer read it: checked under the write lock that writes
    # the note (StaleNote, nothing written, when the parent changed since); None: unchecked.
    expected_parent_sha256: str | None = None


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
