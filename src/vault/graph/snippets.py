"""Notes as plain text for the graph view: titles without link syntax, and each note's
beginning (its first section, or about 300 characters) with the metadata and title left out
and the Markdown reduced to text. The view shows the text beside a selected note and
searches it; it only ever sets it as text, never as HTML.

Only the first few kilobytes of a note are read (the whole file only when its front matter
runs past them), so snippets for 10,000 notes cost a fraction of a second.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from vault.headers import FRONT_MATTER, find_block
from vault.links import REF_DEF, is_fence, split_wikilink, without_anchor
from vault.notes import MAX_NOTE_BYTES, decode, prose

if TYPE_CHECKING:
    from vault.catalog import Catalog

# The version of the rules below: snippets kept with the derived data under another are made
# again. Raise it with any change to what a snippet holds.
SNIPPET_RULES = "snippet-1"
# The file that makes a folder a Dendron vault (its wikilinks are [[label|target]]).
DENDRON_CONFIG = "dendron.yml"
# What is read of each note: enough for ~300 characters of text after its metadata.
HEAD_BYTES = 4096
# The snippet's length: cut at a word boundary at most this long (plus "…").
LIMIT = 300
# A heading ends the snippet (the first section) once this much text is there.
SECTION_MIN = 80

_COMMENTS = re.compile(r"<!--.*?(?:-->|\Z)|%%.*?(?:%%|\Z)", re.S)
_INLINE_CODE = re.compile(r"(`+)(.+?)\1")
_EMBED = re.compile(r"!\[\[[^\[\]\n]*\]\]")
_IMAGE = re.compile(r"!\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\([^)\n]*\)")
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
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~<>=%])")
_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^[ \t]{0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^[ \t]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+")
_CALLOUT = re.compile(r"^\[![^\]\n]*\][-+]?[ \t]*")
_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")
_BLOCK_ID = re.compile(r"[ \t]\^[A-Za-z0-9-]+[ \t]*$")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")


def _wikilink_text(m: re.Match, label_first: bool = False) -> str:
    """What a reader sees of `[[target#part|alias]]`: the alias, else the target (else the
    part, for a link inside the note). Dendron writes `[[label|target]]`: `label_first`."""
    left, sep, right = split_wikilink(m.group(1))
    if label_first:
        left, right = (right, left) if sep else (left, right)
    if sep and right.strip():
        return right.strip()
    target = without_anchor(left).strip()
    return target or left.strip().lstrip("#^")


def _dendron_text(m: re.Match) -> str:
    return _wikilink_text(m, label_first=True)


def _reduce(text: str, label_first: bool = False) -> str:
    if "[" in text:
        text = _EMBED.sub("", text)
        text = _IMAGE.sub("", text)
        text = _WIKILINK.sub(_dendron_text if label_first else _wikilink_text, text)
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


# A backslash-escaped character stands for itself: hidden in the Private Use Area while the
# rest is reduced, so `\*` never starts emphasis.
_UNHIDE = re.compile("[\ue000-\ue07f]")


def inline_text(text: str, label_first: bool = False) -> str:
    """One line of Markdown as the text a reader sees: links as their text (`[[a|b]]` as b,
    or as a with `label_first`, Dendron's order; `[x](url)` as x), images and embeds
    dropped, code, emphasis and HTML tags unwrapped."""
    if not any(c in text for c in "[]*_`<~=\\!"):
        return text
    escaped = "\\" in text
    if escaped:
        text = _ESCAPE.sub(lambda m: chr(0xE000 + ord(m.group(1))), text)
    parts = []
    last = 0
    for m in _INLINE_CODE.finditer(text):  # code is shown as written, only unwrapped
        parts.append(_reduce(text[last : m.start()], label_first))
        parts.append(m.group(2).strip())
        last = m.end()
    parts.append(_reduce(text[last:], label_first))
    text = "".join(parts)
    return _UNHIDE.sub(lambda m: chr(ord(m.group(0)) - 0xE000), text) if escaped else text


def _text(kind: str, lines: list[str], label_first: bool) -> tuple[str, str] | None:
    # Only the first ~300 characters are shown: reduce no more than a few times that.
    text = " ".join(inline_text(" ".join(lines)[: 6 * LIMIT], label_first).split())
    return (kind, text) if text else None


def _blocks(body: str, label_first: bool = False) -> Iterator[tuple[str, str]]:
    """(kind, text) of the body's paragraphs ("p"), headings ("h") and list items ("li"),
    reduced to text, one at a time (the caller stops after a few); code blocks, comments,
    rules, table rules and link definitions left out."""
    if "<!--" in body or "%%" in body:
        body = _COMMENTS.sub("", body)
    para: list[str] = []
    kind = "p"
    fence = False
    for line in body.split("\n"):
        block = None
        if is_fence(line):
            fence = not fence
            block, para = para and _text(kind, para, label_first), []
        elif fence or _TABLE_RULE.match(line):
            continue
        elif not line.strip() or _RULE.match(line) or REF_DEF.match(line):
            block, para = para and _text(kind, para, label_first), []
        elif para and kind == "p" and _SETEXT.match(line):  # the paragraph was a heading
            block, para = _text("h", para, label_first), []
        elif m := _HEADING.match(line):
            if para and (first := _text(kind, para, label_first)):
                yield first
            block, para = _text("h", [m.group(2)], label_first), []
        else:
            line = _CALLOUT.sub("", _QUOTE.sub("", line))
            if "^" in line:
                line = _BLOCK_ID.sub("", line)
            item = _ITEM.match(line)
            if item:
                if para and (first := _text(kind, para, label_first)):
                    yield first
                para, line = [], line[item.end() :]
            text = line.strip()
            if text.startswith("|"):
                text = " · ".join(c.strip() for c in text.strip("|").split("|") if c.strip())
            if item or not para:
                kind = "li" if item else "p"
            para.append(text)
            continue
        kind = "p"
        if block:
            yield block
    if para and (last := _text(kind, para, label_first)):
        yield last


def snippet_of(body: str, title: str = "", limit: int = LIMIT, label_first: bool = False) -> str:
    """The beginning of a note's body (metadata already left out) as plain text: its first
    section or about `limit` characters, cut at a word boundary with "…"; paragraphs apart
    by a blank line, list items one a line."""
    parts: list[str] = []
    size = 0
    last = ""
    for k, (kind, text) in enumerate(_blocks(prose(body), label_first)):
        if k == 0 and title and text.casefold() == title.casefold():
            continue  # a plain note's first line is its title
        if kind == "h" and size >= SECTION_MIN:
            break
        sep = "" if not parts else ("\n" if kind == last == "li" else "\n\n")
        if kind == "li":
            text = "• " + text
        if size + len(sep) + len(text) > limit:
            room = limit - size - len(sep)
            if room >= 20 or not parts:
                head = text[: room + 1]
                space = head.rfind(" ")
                head = head[:space] if space > 0 else text[:room]
                parts.append(sep + head.rstrip(" ,;:.-") + "…")
            else:
                parts[-1] = parts[-1].rstrip() + " …"
            break
        parts.append(sep + text)
        size += len(sep) + len(text)
        last = kind
    return "".join(parts)


def note_snippet(path: Path, style: str, title: str = "", label_first: bool = False) -> str:
    """The snippet of the note at `path`, read in the header style its record was read in
    ("yaml", "headers" or "plain"); "" when it cannot be read."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(HEAD_BYTES)
            text = decode(data, [])
            lines = text.split("\n")
            cut = style == FRONT_MATTER.name and len(data) == HEAD_BYTES
            if cut and FRONT_MATTER.find(lines) is None:  # the front matter runs past the head
                data += fh.read(MAX_NOTE_BYTES - HEAD_BYTES)
                text = decode(data, [])
                lines = text.split("\n")
    except OSError:
        return ""
    block = find_block(lines, style)
    return snippet_of(block.body_text(text, lines), title, label_first=label_first)


def read_snippets(root: Path, notes: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """id -> snippet for (id, style, title) of notes under the vault `root`. A vault with a
    `dendron.yml` at its root is a Dendron vault, whose wikilinks put the label first."""
    label_first = (root / DENDRON_CONFIG).is_file()
    return {
        note_id: note_snippet(root / note_id, style, title, label_first)
        for note_id, style, title in notes
    }


def catalog_snippets(catalog: Catalog, titles: dict[str, str]) -> dict[str, str]:
    """id -> snippet for the notes `titles` names (id -> its title as shown), each read only
    when it changed since its snippet was kept with the catalog's derived data."""
    root = catalog.vault.root
    key = f"{SNIPPET_RULES}:{(root / DENDRON_CONFIG).is_file()}"
    known = catalog.derived("snippet", key)
    todo = [i for i in titles if i not in known]
    if not todo:
        return known
    styles = dict(catalog.records.column("style"))
    fresh = read_snippets(root, ((i, styles.get(i) or "plain", titles[i]) for i in todo))
    catalog.store_derived("snippet", fresh, key)
    return known | fresh
