"""The three ways a note's metadata is written, each defined once: where its block starts and
ends, how it is read, and which line holds a given key (what `vault mv` rewrites).

1. YAML front matter: a `---` line first, then YAML, then a `---` (or `...`) line.
2. Header lines: `Key: value` lines directly under the `# Title` (blank lines between the
   title and the block allowed), ended by a blank line or any other line.
3. Plain: no metadata at all; the whole text is the body.

Like python-frontmatter's handlers, each style is an object that finds its block in a text
and loads it. Everything works on the text split on "\\n"; a line may end in "\\r" (a CRLF
file read as bytes by `vault mv`), which no rule here is thrown by.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from vault.text import fold

# `Key: value` (a key of up to four words); also how malformed YAML is salvaged.
HEADER_LINE = re.compile(
    r"^([A-Za-z][A-Za-z0-9_-]*(?: [A-Za-z0-9_-]+){0,3}):(?:[ \t]+(.*?))?[ \t]*$"
)
# A top-level YAML key at the start of a line.
_YAML_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9_ -]*?)[ \t]*:")
_FM_CLOSE = re.compile(r"^(?:-{3,}|\.{3})[ \t]*$")
# An H1 line: its text, without the optional closing run of # (which needs a space before it).
_ATX = re.compile(r"^ {0,3}#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")


def _bare(line: str) -> str:
    return line[:-1] if line.endswith("\r") else line


@dataclass(frozen=True, slots=True)
class Block:
    """Where a note's metadata is: 0-based indexes into its lines."""

    # "yaml", "headers" or "plain".
    style: str
    # First line of the block (the opening ---, or the first Key: line); 0 for plain.
    start: int
    # One past the block's last line (the closing --- included); 0 for plain.
    end: int
    # First line of the body: after the block and the blank lines that follow it.
    body: int
    # The `# Title` above a header-lines block ("" otherwise).
    title: str = ""

    def body_text(self, text: str, lines: list[str]) -> str:
        """The body of the note whose `text` split into `lines` this block was found in."""
        return "\n".join(lines[self.body :]) if self.body else text


PLAIN = Block("plain", 0, 0, 0)


class FrontMatter:
    """YAML between --- fences at the very top of the file."""

    name = "yaml"

    def find(self, lines: list[str]) -> Block | None:
        if not lines or not lines[0].startswith("---") or _bare(lines[0]).strip("-").strip():
            return None
        for i in range(1, len(lines)):
            if _FM_CLOSE.match(_bare(lines[i])):
                return Block(self.name, 0, i + 1, _skip_blank(lines, i + 1))
        return None

    def text(self, lines: list[str], block: Block) -> str:
        """The YAML source inside the fences."""
        return "\n".join(_bare(line) for line in lines[block.start + 1 : block.end - 1])

    def keys(self, lines: list[str], block: Block) -> Iterator[tuple[int, str]]:
        """(line index, key) of each top-level key, in order."""
        for i in range(block.start + 1, block.end - 1):
            m = _YAML_KEY.match(lines[i])
            if m:
                yield i, m.group(1).strip()


class HeaderLines:
    """`Key: value` lines under the `# Title`, as in `Date: 2026-02-14`."""

    name = "headers"

    def find(self, lines: list[str]) -> Block | None:
        i = _skip_blank(lines, 0)
        if i >= len(lines) or not lines[i].startswith("# "):
            return None
        title = heading_text(_bare(lines[i]))
        start = _skip_blank(lines, i + 1)
        end = self.run_end(lines, start)
        if end == start:
            return None
        return Block(self.name, start, end, _skip_blank(lines, end), title)

    @staticmethod
    def run_end(lines: list[str], start: int) -> int:
        """One past the run of `Key: value` lines starting at `start` (bold `**Key:**` too)."""
        k = start
        while k < len(lines) and HEADER_LINE.match(_unbold(_bare(lines[k]))):
            k += 1
        return k

    def pairs(self, lines: list[str], block: Block) -> list[tuple[str, str]]:
        out = []
        for i in range(block.start, block.end):
            m = HEADER_LINE.match(_unbold(_bare(lines[i])))
            out.append((m.group(1), (m.group(2) or "").strip()))
        return out

    def keys(self, lines: list[str], block: Block) -> Iterator[tuple[int, str]]:
        for i in range(block.start, block.end):
            yield i, HEADER_LINE.match(_unbold(_bare(lines[i]))).group(1)


FRONT_MATTER = FrontMatter()
HEADER_LINES = HeaderLines()
STYLES = {FRONT_MATTER.name: FRONT_MATTER, HEADER_LINES.name: HEADER_LINES}


def find_block(lines: list[str], style: str | None = None) -> Block:
    """The metadata block of a note: of `style` when given (the style its record was read
    in), else the first style that fits (YAML, then header lines), else PLAIN."""
    if style == PLAIN.style:
        return PLAIN
    order = [STYLES[style]] if style in STYLES else list(STYLES.values())
    for handler in order:
        block = handler.find(lines)
        if block is not None:
            return block
    return PLAIN


def key_line(lines: list[str], block: Block, names: tuple[str, ...]) -> int | None:
    """Index of the first line of `block` whose key is one of `names` (any case): the line
    the parser took that value from."""
    handler = STYLES.get(block.style)
    if handler is None:
        return None
    for i, key in handler.keys(lines, block):
        if fold(key) in names:
            return i
    return None


def after_title(lines: list[str]) -> int:
    """Index of the first line of a body after a leading `# Title` and any header lines under
    it (what search snippets leave out: the title and facts are shown apart)."""
    i = _skip_blank(lines, 0)
    if i >= len(lines) or not lines[i].startswith("# "):
        return 0
    return HEADER_LINES.run_end(lines, _skip_blank(lines, i + 1))


def heading_text(line: str) -> str:
    """The text of a `# Heading` line (CommonMark ATX): a closing run of # goes only when a
    space comes before it, so `# C#` is "C#" and `# Notes ##` is "Notes"."""
    m = _ATX.match(line)
    return m.group(1).strip() if m else ""


def _unbold(line: str) -> str:
    return line.replace("**", "") if line.startswith("**") else line


def _skip_blank(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


# --- editing one key line: what `vault mv` (the Parent) and `vault set` rewrite -------------

# The part of a header line before its value: the key, its colon and bold markers, the space.
_KEY_PREFIX = re.compile(r"^(\**[^:]*:\**[ \t]*)")


def key_span(lines: list[str], block: Block, names: tuple[str, ...]) -> tuple[int, int] | None:
    """(first, one past last) line of the key among `names` (any case) in `block`: its line
    and, in YAML, the lines that continue its value (indented, or `- item` lines)."""
    first = key_line(lines, block, names)
    if first is None:
        return None
    end = first + 1
    if block.style == FRONT_MATTER.name:
        while end < block.end - 1 and lines[end][:1] in (" ", "\t", "-") and lines[end].strip():
            end += 1
    return first, end


def value_of(line: str) -> str:
    """The value of a header line, as `with_value` takes it: what follows its key, colon,
    bold markers and spaces, without the line's ending."""
    bare = _bare(line)
    m = _KEY_PREFIX.match(bare)
    return bare[m.end() :] if m else bare


def with_value(line: str, value: str) -> str:
    """A header line (`Key: value`, `**Key:** value`) with its value replaced by `value`:
    the key as written, its markers and the line's own ending kept."""
    end = "\r" if line.endswith("\r") else ""
    m = _KEY_PREFIX.match(_bare(line))
    prefix = m.group(1) if m else ""
    if prefix and not prefix[-1].isspace():
        prefix += " "
    return f"{prefix}{value}{end}"
