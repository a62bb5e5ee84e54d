"""Markdown as the text a reader sees, one reduction for everything vault shows as text:
titles, graph labels, graph and search snippets, `vault context`'s excerpts. And the one rule
for "the first line is the title", so a snippet never repeats the title shown beside it.

What the reduction makes of each construct (decided once, here):
- a link is its label: `[x](url)` and `[x][ref]` are x; a wikilink `[[target#part|alias]]` is
  its alias, else its target (a `dendron://vault/` prefix left out), else the part; Dendron
  writes `[[label|target]]` (`label_first`);
- an image is its alt text (`![alt](url)`, CommonMark's own plain rendering of an image), so a
  badge `[![build](badge.svg)](ci)` is "build" and its URLs never show; an embed `![[x]]`
  (another note or a file shown in place) is nothing: its name is no text of this note;
- code spans are their code, as written; emphasis, strong, ~~strike~~ and ==highlight==
  lose their marks; HTML tags go, and so does what a <script> or <style> holds; HTML
  comments and Obsidian `%%` comments go; footnote references go; an autolink is its URL;
- backslash escapes are resolved (`\\*` is *); HTML entities are left as written (`&amp;` is a
  title's text as its author typed it, and exports escape it for their format);
- white space runs are one space.

Block structure comes from vault.markdown.blocks: a body's text is its headings, paragraphs
and list items (quote marks, callout heads, table rules, rules, link definitions and block
ids left out), with code blocks apart (kind "pre": graph snippets leave them out, search
snippets and excerpts keep them) and comment blocks dropped. Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from vault.headers import after_title
from vault.links import REF_DEF, split_dendron_vault, split_wikilink, without_anchor
from vault.markdown.blocks import ATX, FENCED, HEADING, INDENTED, SETEXT, TEXT, iter_blocks

_INLINE_CODE = re.compile(r"(`+)(.+?)\1", re.S)
_COMMENTS = re.compile(r"<!--.*?(?:-->|\Z)|%%.*?(?:%%|\Z)", re.S)
_EMBED = re.compile(r"!\[\[[^\[\]\n]*\]\]")
_IMAGE = re.compile(r"!\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\](?:\([^)\n]*\)|\[[^\]\n]*\])")
_WIKILINK = re.compile(r"\[\[([^\[\]\n]+?)\]\]")
_MD_LINK = re.compile(r"\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\](?:\([^)\n]*\)|\[[^\]\n]*\])")
_FOOTNOTE = re.compile(r"\[\^[^\]\n]*\]")
_AUTOLINK = re.compile(r"<((?:https?|mailto|ftp):[^>\s]+)>")
_RAW_ELEMENT = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|\Z)", re.S | re.I)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_EMPHASIS = (
    re.compile(r"(\*\*\*|___)(?=\S)(.+?)(?<=\S)\1"),
    re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"),
    re.compile(r"(?<![\w*])(\*)(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"),
    re.compile(r"(?<![\w_])(_)(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])"),
    re.compile(r"(~~|==)(?=\S)(.+?)(?<=\S)\1"),
)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~<>=%&\"'])")
# A backslash-escaped character stands for itself: hidden in the Private Use Area while the
# rest is reduced, so `\*` never starts emphasis.
_UNHIDE = re.compile("[\ue000-\ue07f]")
# Characters without which a text has no Markdown to reduce.
_MARKUP = frozenset("[]*_`<~=\\!%")

# Line structure inside a run of text lines.
_RULE = re.compile(r"^[ \t]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+")
_CALLOUT = re.compile(r"^\[![^\]\n]*\][-+]?[ \t]*")
_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")
_BLOCK_ID = re.compile(r"[ \t]\^[A-Za-z0-9-]+[ \t]*$")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")


# --- inline --------------------------------------------------------------------------------------


def plain_text(markdown: str, label_first: bool = False) -> str:
    """Markdown (a line, a paragraph) as the text a reader sees, on one line (see the module
    docstring for what each construct becomes). `label_first`: Dendron's [[label|target]]."""
    if _MARKUP.isdisjoint(markdown):  # the same test as any(c in _MARKUP ...), in C
        return " ".join(markdown.split())
    escaped = "\\" in markdown
    if escaped:
        markdown = _ESCAPE.sub(lambda m: chr(0xE000 + ord(m.group(1))), markdown)
    parts = []
    last = 0
    if "`" in markdown:
        for m in _INLINE_CODE.finditer(markdown):  # code is shown as written, only unwrapped
            parts.append(_reduce(markdown[last : m.start()], label_first))
            parts.append(m.group(2).strip())
            last = m.end()
    parts.append(_reduce(markdown[last:], label_first))
    text = "".join(parts)
    if escaped:
        text = _UNHIDE.sub(lambda m: chr(ord(m.group(0)) - 0xE000), text)
    return " ".join(text.split())


def _reduce(text: str, label_first: bool) -> str:
    if "<!--" in text or "%%" in text:
        text = _COMMENTS.sub("", text)
    if "[" in text:
        text = _EMBED.sub("", text)
        text = _IMAGE.sub(lambda m: m.group(1), text)
        text = _WIKILINK.sub(lambda m: _wikilink_text(m.group(1), label_first), text)
        text = _FOOTNOTE.sub("", text)
        text = _MD_LINK.sub(lambda m: m.group(1), text)
    if "<" in text:
        text = _AUTOLINK.sub(lambda m: m.group(1), text)
        text = _RAW_ELEMENT.sub("", text)  # a script's or style's text is never shown
        text = _TAG.sub("", text)
    for marks, pattern in zip(("*_", "*_", "*", "_", "~="), _EMPHASIS, strict=True):
        if any(mark in text for mark in marks):
            text = pattern.sub(lambda m: m.group(2), text)
    return text


def _wikilink_text(inner: str, label_first: bool) -> str:
    """What a reader sees of `[[target#part|alias]]`: the alias, else the target (without a
    `dendron://vault/` prefix), else the part, for a link inside the note."""
    left, sep, right = split_wikilink(inner)
    if label_first and sep:
        left, right = right, left
    if sep and right.strip():
        return right.strip()
    target = split_dendron_vault(without_anchor(left))[1].strip()
    return target or left.strip().lstrip("#^")


# --- blocks --------------------------------------------------------------------------------------


def text_blocks(body: str, label_first: bool = False, cap: int = 0) -> Iterator[tuple[str, str]]:
    """(kind, text) of a body's headings ("h"), paragraphs ("p"), list items ("li") and code
    blocks ("pre", as written), in order, one at a time (a caller may stop after a few);
    comment blocks, rules, table rules and link definitions left out. `cap`: reduce no more
    than this many characters of each block (for a caller that shows only its beginning)."""
    lines = body.split("\n")
    for block in iter_blocks(lines):
        kind = block.kind
        if kind == TEXT:
            yield from _text_run(lines[block.start : block.end], label_first, cap)
        elif kind == HEADING:
            if text := plain_text(block.text[:cap] if cap else block.text, label_first):
                yield "h", text
        elif kind in (FENCED, INDENTED):
            inner = lines[block.start : block.end]
            if kind == FENCED:  # without its fence lines
                inner = inner[1 : len(inner) - block.closed]
            if text := " ".join(" ".join(inner).split()):
                yield "pre", text
        # COMMENT: nothing a reader sees


def _text_run(lines: list[str], label_first: bool, cap: int) -> Iterator[tuple[str, str]]:
    """The paragraphs and list items of a run of text lines (no blank line among them)."""
    para: list[str] = []
    kind = "p"
    for line in lines:
        if _TABLE_RULE.match(line):
            continue
        if _RULE.match(line) or "]:" in line and REF_DEF.match(line):
            if para and (text := _joined(para, label_first, cap)):
                yield kind, text
            para = []
            continue
        if line.lstrip(" \t")[:1] == ">":
            line = _CALLOUT.sub("", _QUOTE.sub("", line))
        if "^" in line:
            line = _BLOCK_ID.sub("", line)
        item = _ITEM.match(line)
        if item:
            if para and (text := _joined(para, label_first, cap)):
                yield kind, text
            para, line = [], line[item.end() :]
        text = line.strip()
        if text.startswith("|"):
            text = " · ".join(c.strip() for c in text.strip("|").split("|") if c.strip())
        if item or not para:
            kind = "li" if item else "p"
        para.append(text)
    if para and (text := _joined(para, label_first, cap)):
        yield kind, text


def _joined(lines: list[str], label_first: bool, cap: int) -> str:
    text = " ".join(lines)
    return plain_text(text[:cap] if cap else text, label_first)


def body_text(body: str, label_first: bool = False, enough: int = 0) -> str:
    """A body as plain text on one line, code blocks included: what search snippets and
    `vault context`'s excerpts are cut from. `enough`: stop after a block that brings the
    text past this many characters (a caller that shows only the beginning)."""
    parts: list[str] = []
    size = 0
    for _, text in text_blocks(body, label_first, enough):
        parts.append(text)
        size += len(text) + 1
        if enough and size > enough:
            break
    return " ".join(parts)


# --- the title line ------------------------------------------------------------------------------


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def is_title_line(line: str, title: str) -> bool:
    """Whether `line` (a heading of any level, or a line of text) reads as `title`: the line
    as plain text (plain_text), case-folded, white space runs as one, against the title so
    folded. A title is plain text already (one from a heading was reduced when the note was
    read; a `title:` is written as text), so it is not reduced again (`\\*in\\*` is *in*,
    which read again would be in), unless its Markdown is what the line says. So the line
    `Exosomes \\*in\\* skincare` is the line of the title "Exosomes *in* skincare"."""
    if not title or not line.strip():
        return False
    m = ATX.match(line)
    shown = _folded(plain_text(m.group(2) or "" if m else line))
    return shown == _folded(title) or shown == _folded(plain_text(title))


def without_title_line(body: str, title: str = "") -> str:
    """A body without what is shown apart from it: a leading `# Title` and the header lines
    under it (headers.after_title), or else a first line that reads as the note's `title`
    (is_title_line; with its setext underline). What every snippet and excerpt is taken from."""
    lines = body.lstrip("\n").split("\n")
    start = after_title(lines)
    if not start and is_title_line(lines[0], title):
        start = 1
        if len(lines) > 1 and SETEXT.match(lines[1]):
            start = 2  # the title's setext underline
    return "\n".join(lines[start:])
