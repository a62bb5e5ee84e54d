"""Safe edits: the sha256 a reader is shown, and `vault append`, which adds text to a note
and changes no other byte of it.

An append adds a block of Markdown after the last non-blank line of the note, or of one
section (a heading and what follows it up to the next heading of the same or a higher
level). Headings are found as Markdown finds them (vault.markdown.blocks): ATX (`## Text`) and
setext (a paragraph underlined with === or ---) headings outside code, comment blocks and the
metadata block. The bytes before and after the insertion point are kept exactly, so front
matter and header lines stay as they were, and so does the file's line ending style. A caller
that read the note (its sha256 from `show`) passes that hash back: if the note changed since,
nothing is written. Standard library only.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from vault import values
from vault.atomic import read_file, write_atomic
from vault.catalog import Catalog, catalog_now
from vault.errors import GitError, InvalidInput, NotCommitted, OutsideVault, StaleLock, StaleNote
from vault.locks import write_lock
from vault.markdown.blocks import ATX, HEADING, Block, note_blocks, scan
from vault.model import Appended, AppendRequest, Note
from vault.notes import MAX_NOTE_BYTES, content_digest, parse_note
from vault.repository import Repository, check_provenance
from vault.text import fold
from vault.vault import Vault

_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")
# How many headings an error lists before summarising the rest.
HEADINGS_SHOWN = 30


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_stale(note_id: str, current: str, expected: str | None) -> None:
    """StaleNote when a note's sha256 is not the one its writer read (every hash-guarded
    write: append, new --parent from the web page, the revising verbs)."""
    if expected is not None and current != expected:
        raise StaleNote(
            f"{note_id} changed since it was read: its sha256 is now {current}, not "
            f"{expected}; read it again (vault show --json) and retry; nothing was written"
        )


def read_hashed(catalog: Catalog, note_id: str) -> tuple[Note, str]:
    """The note and the sha256 of its bytes, taken from the same version of the file: an
    edit between the two reads is noticed and they are read again."""
    path = catalog.vault.path_of(note_id)
    for _ in range(5):
        data = read_file(path)
        note = catalog.read(note_id)
        if note.record.digest == content_digest(data[:MAX_NOTE_BYTES]):
            return note, sha256_of(data)
    return note, sha256_of(read_file(path))  # written to without a pause: the latest


# --- headings ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Heading:
    """One heading of a note: 0-based line indexes into the file's lines."""

    level: int
    # The heading's text, as written (closing #s and the setext underline left out).
    text: str
    # First line (the ATX line, or a setext heading's first text line).
    start: int
    # One past its last line (the underline of a setext heading).
    end: int

    def shown(self) -> str:
        return f"{'#' * self.level} {self.text}"


def find_headings(lines: list[str], first: int = 0) -> list[Heading]:
    """The headings among `lines` (without line ends) from index `first` on, as
    vault.markdown.blocks finds them: not in code, not in comment blocks."""
    return headings_of(scan(lines, first))


def headings_of(blocks: list[Block]) -> list[Heading]:
    """The headings among blocks vault.markdown.blocks found (note_blocks, scan)."""
    return [Heading(b.level, b.text, b.start, b.end) for b in blocks if b.kind == HEADING]


def _wanted(section: str) -> str:
    """The heading text asked for: "## Details" and "Details" both mean Details."""
    text = section.strip()
    m = ATX.match(text) if text.startswith("#") else None
    return (m.group(2) or "").strip() if m else text


def _listing(headings: list[Heading]) -> str:
    if not headings:
        return "it has no headings"
    shown = ", ".join(repr(h.shown()) for h in headings[:HEADINGS_SHOWN])
    more = len(headings) - HEADINGS_SHOWN
    return "its headings: " + shown + (f" and {more} more" if more > 0 else "")


def find_section(headings: list[Heading], section: str, note_id: str, total: int) -> tuple:
    """(heading, index one past the section's last line) of the one section headed
    `section` (compared as names are: any case, any spacing); InvalidInput listing the
    headings when none or several match."""
    want = fold(_wanted(section))
    if not want:
        raise InvalidInput("the section heading is empty; give the text of a heading")
    found = [k for k, h in enumerate(headings) if fold(h.text) == want]
    if not found:
        raise InvalidInput(f"no section {section.strip()!r} in {note_id}; {_listing(headings)}")
    if len(found) > 1:
        lines = ", ".join(str(headings[k].start + 1) for k in found)
        raise InvalidInput(
            f"{len(found)} sections of {note_id} are headed {section.strip()!r} (lines {lines}), "
            f"so where to add is unclear; rename one, then append; {_listing(headings)}"
        )
    k = found[0]
    head = headings[k]
    end = next((h.start for h in headings[k + 1 :] if h.level <= head.level), total)
    return head, end


# --- planning the new bytes --------------------------------------------------------------------


def clean_text(text: str) -> str:
    """The text to add: newlines as \\n, leading and trailing blank lines dropped."""
    values.body(text, "text")  # no NUL byte, no lone surrogate
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise InvalidInput("nothing to append: the text is empty")
    return "\n".join(lines)


def plan_append(
    data: bytes, text: str, section: str | None, note_id: str, style: str | None = None
) -> tuple[bytes, int, Heading | None]:
    """(the note's new bytes, 1-based line where the added text starts, the section's
    heading or None) for adding `text` to the note whose bytes are `data`. Pure: nothing is
    read or written. The new bytes are the old ones with one block inserted."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{note_id} is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); text is only added to UTF-8 notes, so it was left as it is"
        ) from None
    raw = data.splitlines(keepends=True)  # \n, \r\n and \r: the parser's line breaks
    lines = [line.decode("utf-8").rstrip("\r\n") for line in raw]
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    eol = "\r\n" if b"\r\n" in data[: data.find(b"\n") + 1] else "\n"
    head = None
    if section is not None:
        found = headings_of(note_blocks(lines, style))  # the metadata block is no section
        head, end = find_section(found, section, note_id, len(lines))
        after = max((i for i in range(head.end, end) if lines[i].strip()), default=head.end - 1)
    else:
        after = max((i for i in range(len(lines)) if lines[i].strip()), default=-1)
    new, line = _insert(data, raw, lines, after, clean_text(text), eol)
    if _metadata(new, note_id) != _metadata(data, note_id):
        # Text under a note's bare title ("Date: ...") would be read as its header lines: an
        # empty comment first keeps it text (the reader sees no Key: value line under the
        # title), and changes nothing a renderer shows.
        new, line = _insert(data, raw, lines, after, f"{GUARD}\n{clean_text(text)}", eol)
        line += 1
        if _metadata(new, note_id) != _metadata(data, note_id):
            raise InvalidInput(
                f"{note_id}: this text would change the note's metadata as well as its body "
                "(its metadata block is not closed, or the text closes it); fix the note's "
                "metadata first; nothing was written"
            )
    return new, line, head


def _insert(
    data: bytes, raw: list[bytes], lines: list[str], after: int, text: str, eol: str
) -> tuple[bytes, int]:
    """`data` with `text` as a block of its own after line index `after` (-1: first), and
    the 1-based line the text starts at."""
    block = eol.join(text.split("\n")) + eol
    if after < 0:  # an empty or blank file: the text goes first
        return block.encode("utf-8") + data, 1
    pos = sum(len(line) for line in raw[: after + 1])
    lead = "" if raw[after].endswith((b"\n", b"\r")) else eol
    follows = after + 1 < len(lines) and lines[after + 1].strip()
    insert = lead + eol + block + (eol if follows else "")
    return data[:pos] + insert.encode("utf-8") + data[pos:], after + 3


# A line that ends a run of header lines and shows nothing: put before appended text that
# would otherwise be read as the metadata of a note holding only its title.
GUARD = "<!-- -->"


def _metadata(data: bytes, note_id: str) -> tuple:
    """What a note's metadata reads as (not its body): appending must leave it as it was."""
    rec = parse_note(data.decode("utf-8", "replace"), note_id).record
    stated_date = rec.date if rec.date_source == "meta" else None
    return (rec.style, stated_date, rec.type, rec.parent_ref, rec.tags, rec.meta)


# --- appending ---------------------------------------------------------------------------------


def check_sha256(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not _SHA256.match(value):
        raise InvalidInput(
            f"bad expected sha256 {value!r}: give the 64 hex digits `vault show --json` prints"
        )
    return value.lower()


def append_to_note(
    vault: Vault, request: AppendRequest, repo: Repository | None, *, commit: bool = True
) -> Appended:
    """Add text to a note, under the vault's write lock, and commit it when in git.

    The note is resolved, read, checked against the expected hash, written and committed on
    a catalog read inside the lock, so a concurrent writer cannot slip in between the check
    and the write, nor between the write and the commit. Everything is checked before
    anything is written: an error leaves the note as it was. A commit that fails (a hook
    says no) leaves the note written, with `commit_note` saying why; a stale index.lock
    leaves it written and raises NotCommitted.
    """
    expected = check_sha256(request.expected_sha256)
    if request.section is not None and not request.section.strip():
        raise InvalidInput("the section heading is empty; give the text of a heading")
    clean_text(request.text)  # an empty text is refused before waiting for the lock
    check_provenance(request.provenance)
    with write_lock(vault):
        catalog = catalog_now(vault, repo)
        note_id = catalog.resolver.find(request.ref, request.cwd_prefix)
        target = real_path(vault, note_id)
        data = read_file(target)
        check_stale(note_id, sha256_of(data), expected)
        style = catalog.records[note_id].style
        new, line, head = plan_append(data, request.text, request.section, note_id, style)
        if commit and repo is not None:
            repo.check_can_commit()
        write_atomic(target, new)
        result = Appended(
            id=note_id,
            path=str(target),
            section=head.shown() if head is not None else None,
            line=line,
            sha256=sha256_of(new),
            commit=None,
        )
        # Committed inside the lock: another append to the same note waits, so each commit
        # holds its own change (git commits what is on disk).
        if commit and repo is not None:
            message = f"vault: append to {note_id}"
            try:
                sha = repo.commit([vault.note_id(target)], message, provenance=request.provenance)
                result = replace(result, commit=sha)
            except StaleLock as exc:  # fails every command until removed: exit non-zero
                raise NotCommitted(note_id, exc) from exc
            except GitError as exc:
                result = replace(result, commit_note=str(exc))
    return result


def real_path(vault: Vault, note_id: str) -> Path:
    """The file to write: a note that is a symbolic link is written through it (replacing the
    link would turn it into a copy), and only when its target is in the vault."""
    path = vault.path_of(note_id)
    real = Path(os.path.realpath(path))
    if real != path and vault.root not in real.parents:
        raise OutsideVault(f"{note_id} links to {real}, outside the vault at {vault.root}")
    return real
