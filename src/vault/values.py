"""The one rule for values that become a note's metadata: whatever the caller supplies is
written as that value, or refused with one line naming the field and the value as given.

A note's metadata is text: `Key: value` lines under the `# Title`, or YAML front matter
(vault.headers). A value that holds a line break would write a line of its own (`--tag
$'x\\nParent: y'` made a note the child of another); a NUL byte or a lone surrogate cannot be
written as UTF-8 text at all; a tag with a comma or a space is two tags once read back. So
every field goes through one function here before anything is written, and vault.create
reads the formatted note back and compares, in case a header style ever writes what this
rule lets through differently.

The rule, for every value (title, type, parent, tags, and any key a future `vault set`
writes):
- no control characters: C0 (TAB, LF and CR included), DEL, C1; no line or paragraph
  separators (U+2028, U+2029), which some editors and Python's splitlines break lines at;
- no lone surrogates (what undecodable bytes in a command-line argument become);
- runs of white space are one space, ends trimmed: every reader compares values that way
  (vault.text.fold), and the parser reads them back so.
Tags also hold no comma (a `Tags:` line separates tags with commas), no white space (a tag
ends at a space in Obsidian, and the `Tags:` reader splits on it), no quote mark at either end
(the reader drops those), and are not empty; a leading `#` is the tag marker, not the tag.
A body is body whatever it holds, except NUL bytes and lone surrogates.

Standard library only.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from vault.errors import BadOption, InvalidInput

# Line breaks the readers of a note might see, besides LF: a value holding one is refused as
# "not one line" rather than as a control character.
_LINE_BREAKS = {"\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"}
# Unicode categories no metadata value may hold: controls, surrogates, line/paragraph seps.
_REFUSED_CATEGORIES = {"Cc", "Cs", "Zl", "Zp"}
_QUOTES = "'\""
# How much of a long value an error message shows.
_SHOWN_CHARS = 60


def shown(value: object) -> str:
    """A value as an error message quotes it: Python's repr, so a line break or a NUL shows
    as \\n or \\x00 and the message stays one line; long values are cut."""
    if isinstance(value, str) and len(value) > _SHOWN_CHARS:
        value = value[:_SHOWN_CHARS] + "…"
    return repr(value)


def metadata_value(field: str, value: str, what: str | None = None) -> str:
    """`value` as a metadata value of `field` is written: white space runs as one space, ends
    trimmed; InvalidInput naming the field when it holds a character no note can hold there.
    `what` names one such value in the message ("a title"; default: "a <field>")."""
    what = what or f"a {field}"
    problem = _unwritable(value, what)
    if problem:
        raise InvalidInput(f"{field} {shown(value)}: {problem}")
    return " ".join(value.split())


def title(value: str) -> str:
    """A note's title: one line of text, not empty."""
    cleaned = metadata_value("title", value)
    if not cleaned:
        raise BadOption("title", lambda n: f"the title is empty: give {n('title')} 'Some title'")
    return cleaned


def note_type(value: str | None) -> str:
    """A note's type; "" when none is given (the caller picks the default)."""
    return metadata_value("type", value) if value is not None else ""


def tag(value: str) -> str:
    """One tag, without the leading `#` that marks it."""
    cleaned = metadata_value("tag", value).lstrip("#")
    if not cleaned:
        raise InvalidInput(f"tag {shown(value)}: a tag cannot be empty")
    if "," in cleaned:
        raise InvalidInput(
            f"tag {shown(value)}: a tag cannot hold a comma (a Tags: line separates tags "
            "with commas); give each tag on its own"
        )
    if any(ch.isspace() for ch in cleaned):
        dashed = "-".join(cleaned.split())
        raise InvalidInput(
            f"tag {shown(value)}: a tag cannot hold spaces (a tag ends at a space); "
            f"write {dashed!r} instead"
        )
    if cleaned[0] in _QUOTES or cleaned[-1] in _QUOTES:
        raise InvalidInput(
            f"tag {shown(value)}: a tag cannot start or end with a quote mark "
            "(tags are read without them)"
        )
    return cleaned


def tags(values: Iterable[str]) -> tuple[str, ...]:
    """Each tag checked, in order, each once (a note holds a tag or does not)."""
    return tuple(dict.fromkeys(tag(v) for v in values))


def parent_ref(value: str | None) -> str | None:
    """A reference to the parent note, checked before it is looked up (a NUL byte in a path
    is an error of its own in every file call); the id it resolves to is checked again when
    the note is written."""
    if value is None:
        return None
    problem = _unwritable(value, "a parent reference")
    if problem:
        raise InvalidInput(f"parent {shown(value)}: {problem}")
    if not value.strip():
        raise InvalidInput("the parent reference is empty")
    return value


def body(value: str, field: str = "body") -> str:
    """A note's body, or text going into it (`field` names it), as given: everything in it
    stays body, except what no file of text can hold (NUL bytes, lone surrogates)."""
    for i, ch in enumerate(value):
        if ch == "\x00":
            raise InvalidInput(
                f"{field}: a note's body cannot hold NUL bytes (the first is character {i + 1})"
            )
        if unicodedata.category(ch) == "Cs":
            raise InvalidInput(
                f"{field}: character {i + 1} is U+{ord(ch):04X}, a lone surrogate, which no "
                "UTF-8 file can hold (text that was not valid UTF-8?)"
            )
    return value


def _unwritable(value: str, what: str) -> str:
    """Why `value` cannot be a metadata value ("" when it can)."""
    for ch in value:
        if ch.isprintable():
            continue  # the common case, cheaply: printable characters are never refused
        category = unicodedata.category(ch)
        if category not in _REFUSED_CATEGORIES:
            continue  # spaces, format characters (zero-width joiners, marks): written as is
        code = f"U+{ord(ch):04X}"
        if ch in _LINE_BREAKS:
            return f"{what} must be one line (it holds a line break, {code})"
        if category == "Cs":
            return (
                f"{what} cannot hold {code}, a lone surrogate, which no UTF-8 file can hold "
                "(text that was not valid UTF-8?)"
            )
        name = "a tab" if ch == "\t" else "a NUL byte" if ch == "\x00" else "a control character"
        return f"{what} cannot hold {name} ({code})"
    return ""
