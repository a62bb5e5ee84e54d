"""Markdown's block structure, found once: which lines are headings (ATX and setext), fenced
code, indented code, comment blocks, the metadata block, and which are left as text
(paragraphs, list items, quotes, tables, rules). `vault append` finds sections with it,
`vault.links.mask` blanks code with it, titles come from its first heading and snippets
read its text. Standard library only.

CommonMark's rules, for the constructs vault needs:
- a fence is 3 or more ` or ~ (a backtick fence's info string holds no backtick), indented
  up to 3 spaces (more inside a list item); it is closed by a fence of the same character, at
  least as long, indented up to 3 spaces (or as much as the opening one), with nothing but
  spaces after it; one never closed runs to the end of the note;
- indented code is 4 spaces or a tab after a blank line, outside a list; a line indented so
  after a paragraph line only continues the paragraph;
- an ATX heading is 1-6 #s after up to 3 spaces, then a space or the end of the line; a
  setext heading is a paragraph underlined with = (level 1) or - (level 2); a line that
  starts a list item, a quote or a table row, and the lines that lazily continue it, are no
  paragraph a setext underline can head;
- a comment block is a line starting (after up to 3 spaces) with `<!--` or Obsidian's `%%`
  whose comment does not close on that line, up to the line that closes it (or the end). A
  comment that closes on its own line, or starts mid-line, is inline: `vault.markdown.text`
  and `vault.links` drop it there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from vault.headers import find_block

# A fence line: indentation, the run of ` or ~, and the rest (the info string).
FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})(.*)$")
# An ATX heading: up to 3 spaces, 1-6 #s, then a space or the end; an optional closing run.
ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
# A setext underline: === (level 1) or --- (level 2), nothing else on the line.
SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
# A thematic break (***, - - -, ___), and lines that start a block a setext underline
# cannot turn into a heading (a list item, a quote, a table row).
_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_CONTAINER = re.compile(r"^ {0,3}(?:[-*+](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|>|\|)")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
# The characters a line may start with (after its indent) to be anything but a paragraph's text.
_SPECIAL = frozenset("#`~<%=-*_+>|0123456789")

HEADING, FENCED, INDENTED, COMMENT, HEADER, TEXT = (
    "heading",
    "fence",
    "code",
    "comment",
    "header",
    "text",
)


@dataclass(frozen=True, slots=True)
class Block:
    """A run of a note's lines: 0-based indexes into its lines (blank lines between blocks
    belong to none)."""

    # HEADING, FENCED (its fence lines included), INDENTED (code), COMMENT (<!-- --> or
    # %% %%), HEADER (the metadata block and the blank lines after it) or TEXT (paragraphs,
    # list items, quotes, tables and rules, for the caller to read line by line).
    kind: str
    # First line.
    start: int
    # One past the last line (a setext heading's underline, a fence's closing line included).
    end: int
    # A heading's level, 1-6 (0 for the other kinds).
    level: int = 0
    # A heading's text as written: the #s, a closing run of #s and a setext underline left
    # out, a setext heading's lines joined by a space.
    text: str = ""
    # A fence or comment block: whether it was closed (False: it runs to the end).
    closed: bool = True


def indent_width(line: str) -> int:
    """The columns of a line's leading white space (a tab to the next multiple of 4)."""
    width = 0
    for ch in line:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def fence_opening(line: str, in_list: bool = False) -> tuple[str, int, int] | None:
    """(character, length, indent) of the fence `line` opens, or None."""
    m = FENCE.match(line)
    if m is None:
        return None
    width = indent_width(line)
    run, info = m.group(2), m.group(3)
    if width > 3 and not in_list or run[0] == "`" and "`" in info:
        return None
    return run[0], len(run), width


def closes_fence(line: str, fence: tuple[str, int, int]) -> bool:
    """Whether `line` closes the fence `fence` opened (CommonMark: the same character, at
    least as many, up to 3 spaces in, nothing but spaces after)."""
    m = FENCE.match(line)
    if m is None or m.group(2)[0] != fence[0] or len(m.group(2)) < fence[1]:
        return False
    return not m.group(3).strip() and indent_width(line) <= max(3, fence[2])


def _comment_opening(stripped: str) -> str | None:
    """The closer a comment block started by this (stripped) line waits for, or None when
    the line starts no comment block (no comment, or one closed on the line)."""
    if stripped.startswith("<!--"):
        return None if "-->" in stripped[4:] else "-->"
    if stripped.startswith("%%"):
        return None if "%%" in stripped[2:] else "%%"
    return None


def scan(lines: list[str], first: int = 0) -> list[Block]:
    """The blocks of `lines` (without line ends) from index `first` on, in order."""
    return list(iter_blocks(lines, first))


def iter_blocks(lines: list[str], first: int = 0) -> Iterator[Block]:
    """`scan`, one block at a time, for a caller that may stop early (a title is in the
    first heading)."""
    n = len(lines)
    run = -1  # first line of the current run of text lines
    para = -1  # first line of the paragraph a setext underline would head
    lazy = False  # the text run continues a list item or quote: no paragraph starts in it
    prev_blank = True
    in_list = False
    i = first
    while i < n:
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            if run >= 0:
                yield Block(TEXT, run, i)
            run = para = -1
            lazy = False
            prev_blank = True
            i += 1
            continue
        lead = line[0]
        width = indent_width(line) if lead in " \t" else 0
        head = stripped[0]
        block = None
        if head in _SPECIAL or width >= 4:
            block = _special(lines, i, line, stripped, width, prev_blank, in_list, para)
        if block is not None:
            start = para if block.kind == HEADING and block.start < i else i
            if run >= 0 and run < start:
                yield Block(TEXT, run, start)
            yield block
            run = para = -1
            lazy = False
            prev_blank = True  # no paragraph is open: an indented line next is code
            i = block.end
            continue
        if _LIST_ITEM.match(line):
            in_list = True
        elif width == 0 and prev_blank:
            in_list = False
        if run < 0:
            run = i
        if head in _SPECIAL and (_BREAK.match(line) or _CONTAINER.match(line)):
            para = -1  # a rule, list item, quote or table row: no setext heading above it
            lazy = not _BREAK.match(line)
        elif para < 0 and not lazy:
            para = i
        prev_blank = False
        i += 1
    if run >= 0:
        yield Block(TEXT, run, n)


def _special(
    lines: list[str],
    i: int,
    line: str,
    stripped: str,
    width: int,
    prev_blank: bool,
    in_list: bool,
    para: int,
) -> Block | None:
    """The block starting at line `i` when it is a fence, indented code, a comment block or
    a heading (a setext underline heads the paragraph from `para`), else None."""
    head = stripped[0]
    if head in "`~":
        fence = fence_opening(line, in_list)
        if fence is not None:
            for k in range(i + 1, len(lines)):
                if closes_fence(lines[k], fence):
                    return Block(FENCED, i, k + 1)
            return Block(FENCED, i, len(lines), closed=False)
    if width >= 4:
        if not prev_blank or in_list:
            return None  # a paragraph's continuation, or a list item's
        k = i + 1
        while k < len(lines) and (not lines[k].strip() or indent_width(lines[k]) >= 4):
            k += 1
        while not lines[k - 1].strip():
            k -= 1  # trailing blank lines are no part of it
        return Block(INDENTED, i, k)
    if head in "<%":
        closer = _comment_opening(stripped)
        if closer is not None:
            for k in range(i + 1, len(lines)):
                if closer in lines[k]:
                    return Block(COMMENT, i, k + 1)
            return Block(COMMENT, i, len(lines), closed=False)
        return None
    if head == "#":
        m = ATX.match(line)
        if m:
            return Block(HEADING, i, i + 1, len(m.group(1)), (m.group(2) or "").strip())
        return None
    if head in "=-" and para >= 0 and SETEXT.match(line):
        level = 1 if head == "=" else 2
        text = " ".join(lines[j].strip() for j in range(para, i))
        return Block(HEADING, para, i + 1, level, text)
    return None


def note_blocks(lines: list[str], style: str | None = None) -> list[Block]:
    """The blocks of a whole note: its metadata block (headers.find_block, in `style` when
    given) as one HEADER block, then the body's."""
    body = find_block(lines, style).body if lines else 0
    head = [Block(HEADER, 0, body)] if body else []
    return head + scan(lines, body)
