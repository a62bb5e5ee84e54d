"""`vault replace`: one exact occurrence of a text in a note's body, or one section's body,
replaced; the metadata block is never reached, and every other byte stays as it was."""

from __future__ import annotations

from vault import values
from vault.append import _metadata, clean_text, find_section, headings_of
from vault.catalog import Catalog
from vault.errors import InvalidInput
from vault.headers import find_block
from vault.markdown.blocks import note_blocks
from vault.model import ReplaceRequest, Revised
from vault.repository import Repository
from vault.revise.guard import Change, revise
from vault.vault import Vault

# How many line numbers an error lists before summarising the rest.
LINES_SHOWN = 20


def replace_in_note(
    vault: Vault, repo: Repository | None, request: ReplaceRequest, *, commit: bool = True
) -> Revised:
    """Replace text in a note's body (see the module), guarded and committed."""
    if request.section is None:
        if not request.old:
            raise InvalidInput("nothing to replace: give the text to find (--old TEXT)")
        if "\x00" in request.old + request.new:
            raise InvalidInput("the text contains NUL bytes; a note's body cannot hold them")
        values.body(request.new)  # nor a lone surrogate (no UTF-8 file can hold one)
    elif not request.section.strip():
        raise InvalidInput("the section heading is empty; give the text of a heading")
    else:
        clean_text(request.new)  # an empty section body is refused before the lock

    def plan(catalog: Catalog, note_id: str, data: bytes) -> Change:
        style = catalog.records[note_id].style
        if request.section is not None:
            return plan_section(data, request.section, request.new, note_id, style)
        return plan_text(data, request.old or "", request.new, note_id, style)

    return revise(vault, repo, request.note, "replace", plan, "replace in", commit=commit)


def _split(data: bytes, note_id: str) -> tuple[str, list[str], str]:
    """(text, its lines without line ends, the file's line ending)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(f"{note_id} is not valid UTF-8; it was left as it is") from None
    eol = "\r\n" if "\r\n" in text[: text.find("\n") + 1] else "\n"
    return text, text.split("\n"), eol


def _body_offset(lines: list[str], style: str | None) -> int:
    """Character offset where the body starts: after the metadata block."""
    block = find_block([ln.rstrip("\r") for ln in lines], style)
    return sum(len(ln) + 1 for ln in lines[: block.body]) if block.body else 0


def plan_text(data: bytes, old: str, new: str, note_id: str, style: str | None) -> Change:
    """The note with the one occurrence of `old` in its body replaced by `new` (both with
    the file's line endings). Pure."""
    text, lines, eol = _split(data, note_id)
    if eol == "\r\n":  # the caller types \n; the file says \r\n
        old = old.replace("\r\n", "\n").replace("\n", "\r\n")
        new = new.replace("\r\n", "\n").replace("\n", "\r\n")
    start = _body_offset(lines, style)
    found = []
    at = text.find(old, start)
    while at >= 0:
        found.append(at)
        at = text.find(old, at + 1)
    if len(found) != 1:
        if not found:
            raise InvalidInput(
                f"the text to replace is not in the body of {note_id} (0 occurrences; the "
                "metadata is changed with `vault set`); nothing was written"
            )
        numbers = [text.count("\n", 0, i) + 1 for i in found]
        shown = ", ".join(map(str, numbers[:LINES_SHOWN]))
        more = f" and {len(numbers) - LINES_SHOWN} more" if len(numbers) > LINES_SHOWN else ""
        raise InvalidInput(
            f"the text to replace occurs {len(found)} times in {note_id} (lines {shown}{more}); "
            "give more of the text around it so it occurs once; nothing was written"
        )
    at = found[0]
    out = text[:at] + new + text[at + len(old) :]
    return Change(_body_only(data, out, note_id), line=text.count("\n", 0, at) + 1)


def plan_section(data: bytes, section: str, body: str, note_id: str, style: str | None) -> Change:
    """The note with the body of the section headed `section` (up to the next heading of
    the same or a higher level) replaced by `body`, its heading kept. Pure."""
    text, lines, eol = _split(data, note_id)
    bare = [ln.rstrip("\r") for ln in lines]
    head, end = find_section(headings_of(note_blocks(bare, style)), section, note_id, len(bare))
    block = eol.join(clean_text(body).split("\n"))
    follows = end < len(bare)
    middle = eol + block + eol + (eol if follows else "")
    before = "".join(ln + "\n" for ln in lines[: head.end])
    after = "\n".join(lines[end:]) if follows else ""
    out = before + middle + after
    return Change(_body_only(data, out, note_id), line=head.end + 2)


def _body_only(data: bytes, out: str, note_id: str) -> bytes:
    """`out` as bytes when the note's metadata reads as it did: replaced text is body,
    whatever it looks like (`Date: ...` right under a bare title would be a header line)."""
    new = out.encode("utf-8")
    if _metadata(new, note_id) != _metadata(data, note_id):
        raise InvalidInput(
            f"{note_id}: this text would change the note's metadata as well as its body "
            "(it would be read as header lines or front matter); change the metadata with "
            "`vault set`; nothing was written"
        )
    return new
