"""The link grammar, defined once: what counts as a link in a note's body, and how its target
is read. The parser extracts links with these rules, and `vault mv` rewrites links by
scanning with exactly the same patterns over the same masked text. Standard library only.

Not links (CommonMark, and Obsidian's comments): anything inside fenced or indented code (as
vault.markdown.blocks finds them: a fence never closed runs to the end), code spans, HTML
comments `<!-- -->`, Obsidian comments `%% %%`, and backslash-escaped brackets. `mask` blanks
all of those out, keeping every other character where it was, so positions found in the masked
text are positions in the note.

Every step is linear in the size of the text: a note with 100,000 links is read in one pass.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from urllib.parse import unquote

from vault.markdown.blocks import FENCED, INDENTED, scan
from vault.model import Link

# Extensions of files that are attachments, not notes (Dendron's dotted note names such as
# `lang.python` must not look like files, so this is a list rather than "anything with a dot").
ASSET_EXTS = frozenset(
    {
        "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "tif", "tiff", "avif",
        "heic", "pdf", "mp3", "mp4", "m4a", "wav", "ogg", "webm", "mov", "zip", "gz", "tar",
        "csv", "tsv", "json", "xml", "html", "htm", "css", "js", "txt", "docx", "xlsx", "pptx",
        "canvas", "excalidraw", "epub", "flac", "mkv", "avi", "odt", "ods", "odp",
        "doc", "xls", "ppt", "rtf", "drawio",
    }
)  # fmt: skip

# What may start an inline region that is not text: an escaped bracket or backtick, a run of
# backticks (a code span), an HTML comment, an Obsidian comment.
_INLINE = re.compile(r"\\[\[\]`\\]|`+|<!--|%%")
_NOT_NEWLINE = re.compile(r"[^\n]")
# The link patterns start with their "[", so the regex engine finds candidates by scanning
# for it (15-20 times faster than trying a pattern that may start with "!" at every place);
# whether a "!" stands before one (an image, an embed) is `embedded`'s to say.
# [text](target "title"): group 1 the text (which may hold one level of [brackets]), 2 the
# target.
MD_LINK = re.compile(
    r"\[((?:[^\[\]\n]++|\[[^\[\]\n]*+\])*+)\]\(\s*(<[^>\n]*>|[^)\s]+)"
    r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?\s*\)"
)
# A reference-style definition: [label]: target (only looked for in a text with "]:").
REF_DEF = re.compile(r"^[ \t]{0,3}\[([^\]\n^][^\]\n]*)\]:[ \t]*(<[^>\n]*>|\S+)", re.MULTILINE)
# [[inside]]: group 1 the inside.
WIKILINK = re.compile(r"\[\[([^\[\]\n]++)\]\]")
URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# A whole value that is one link (a Parent written as [[x]] or [x](path)).
WHOLE_WIKILINK = re.compile(r"^!?\[\[([^\[\]]+)\]\]$")
WHOLE_MD_LINK = re.compile(r"^\[[^\]]*\]\(\s*<?([^)>]+?)>?\s*\)$")
DENDRON_VAULT = "dendron://"


# --- what is not a link --------------------------------------------------------------------


def _blank(segment: str) -> str:
    return _NOT_NEWLINE.sub(" ", segment)


def _mask_blocks(lines: list[str]) -> list[str]:
    """The lines with fenced and indented code blanked out (vault.markdown.blocks finds
    them; a comment block is left to `_mask_inline`, which blanks it to the column)."""
    out = lines[:]
    for block in scan(lines):
        if block.kind in (FENCED, INDENTED):
            for k in range(block.start, block.end):
                out[k] = " " * len(lines[k])
    return out


def _mask_inline(text: str) -> str:
    """`text` with code spans, comments and escaped brackets blanked out."""
    if "`" not in text and "<!--" not in text and "%%" not in text and "\\" not in text:
        return text
    pieces: list[str] = []
    pos = 0
    at = 0
    end_of_text = len(text)
    html_closes = True  # False once a search for "-->" failed: no later one can succeed
    # Backtick-run length -> the line end before which no closing run of it exists.
    no_close_before: dict[int, int] = {}
    while True:
        m = _INLINE.search(text, at)
        if m is None:
            break
        token, start = m.group(0), m.start()
        if token[0] == "\\":
            end = m.end()
        elif token[0] == "`":
            eol = text.find("\n", m.end())
            eol = end_of_text if eol < 0 else eol
            end = -1
            if no_close_before.get(len(token), -1) < eol:
                close = _closing_run(len(token)).search(text, m.end(), eol)
                if close is None:
                    no_close_before[len(token)] = eol
                else:
                    end = close.end()
            if end < 0:
                at = m.end()
                continue
        else:
            closer = "-->" if token == "<!--" else "%%"
            close = text.find(closer, m.end()) if (html_closes or closer == "%%") else -1
            if close < 0 and closer == "-->":
                html_closes = False
            if close >= 0:
                end = close + len(closer)
            elif _starts_line(text, start):
                end = end_of_text  # a comment block never closed runs to the end
            else:
                at = m.end()
                continue
        pieces.append(text[pos:start])
        pieces.append(_blank(text[start:end]))
        pos = at = end
    pieces.append(text[pos:])
    return "".join(pieces)


@functools.cache
def _closing_run(length: int) -> re.Pattern:
    """A run of exactly `length` backticks: what closes a code span opened by one."""
    return re.compile(rf"(?<!`)`{{{length}}}(?!`)")


def _starts_line(text: str, pos: int) -> bool:
    line_start = text.rfind("\n", 0, pos) + 1
    return not text[line_start:pos].strip()


def mask(text: str) -> str:
    """`text` with everything that cannot hold a link (code, comments, escaped brackets)
    replaced by spaces; same length, same line breaks, every other character in place."""
    if "```" in text or "~~~" in text or "    " in text or "\t" in text:
        text = "\n".join(_mask_blocks(text.split("\n")))
    return _mask_inline(text)


# --- finding links -------------------------------------------------------------------------


def extract_links(body: str, first_line: int = 1) -> tuple[Link, ...]:
    """Every link in a body, to a note or an attachment, in order of appearance;
    `first_line` is the file line the body starts on."""
    return find_links(mask(body), first_line) if "[" in body else ()


def embedded(text: str, m: re.Match) -> bool:
    """Whether the link `m` found in `text` is an image or an embed: a "!" before it."""
    return m.start() > 0 and text[m.start() - 1] == "!"


def find_links(masked: str, first_line: int = 1) -> tuple[Link, ...]:
    """The links in a text already masked (see `mask`): what `vault mv` sees too."""
    if "[" not in masked:
        return ()
    found: list[tuple[int, int, str, str, str, bool]] = []
    for m in WIKILINK.finditer(masked):
        target, alias = wikilink_parts(m.group(1))
        if not target or URL_SCHEME.match(target) and not target.startswith(DENDRON_VAULT):
            continue
        found.append((m.start(), 0, "wikilink", target, alias, is_asset(target)))
    for m in MD_LINK.finditer(masked):
        read = read_md_target(m.group(2), image=embedded(masked, m))
        if read is not None:
            found.append((m.start(), 1, "markdown", read[0], "", read[1]))
    for m in REF_DEF.finditer(masked) if "]:" in masked else ():
        read = read_md_target(m.group(2), image=False)
        if read is not None:
            found.append((m.start(), 2, "markdown", read[0], "", read[1]))
    if not found:
        return ()
    found.sort()
    newlines = [m.start() for m in re.finditer("\n", masked)]
    return tuple(
        Link(syntax, target, alias, first_line + bisect_right(newlines, pos), attachment)
        for pos, _, syntax, target, alias, attachment in found
    )


# --- wikilinks -----------------------------------------------------------------------------------


def split_wikilink(inner: str) -> tuple[str, str, str]:
    """(left side, separator, right side) of a wikilink's inside; `\\|` (in tables) too."""
    sep = inner.find("|")
    if sep > 0 and inner[sep - 1] == "\\":
        return inner[: sep - 1], "\\|", inner[sep + 1 :]
    if sep >= 0:
        return inner[:sep], "|", inner[sep + 1 :]
    return inner, "", ""


def wikilink_side(side: str) -> str:
    """One side of a wikilink as written, without #heading, ^block or Dendron's ,1 range
    anchors (a `dendron://vault/` prefix is kept: which vaults exist is the resolver's to
    know)."""
    return without_anchor(side)


def wikilink_parts(inner: str) -> tuple[str, str]:
    """(left side, right side) of a wikilink's inside, as the parser reads them."""
    left, _, right = split_wikilink(inner)
    return wikilink_side(left), wikilink_side(right)


def split_dendron_vault(name: str) -> tuple[str | None, str]:
    """(vault name, note name) of `dendron://vault/note`; (None, name) for any other name."""
    if not name.startswith(DENDRON_VAULT):
        return None, name
    vault, _, rest = name[len(DENDRON_VAULT) :].partition("/")
    return vault, rest


def dendron_prefix(side: str) -> str:
    """The `dendron://vault/` text a wikilink side starts with (leading spaces included)."""
    stripped = side.lstrip()
    if not stripped.startswith(DENDRON_VAULT):
        return ""
    rest = stripped[len(DENDRON_VAULT) :]
    cut = rest.find("/")
    if cut < 0:
        return ""
    return side[: len(side) - len(stripped)] + DENDRON_VAULT + rest[: cut + 1]


# --- Markdown links ------------------------------------------------------------------------------


def without_anchor(target: str) -> str:
    return target.split("#", 1)[0].strip()


def is_asset(target: str) -> bool:
    name = target.rsplit("/", 1)[-1]
    return "." in name and name.rsplit(".", 1)[1].lower() in ASSET_EXTS


def is_external(raw: str) -> bool:
    """A URL, a scheme-relative //host link, an in-page #anchor or a ?query: never a note."""
    return not raw or raw.startswith(("#", "//", "?")) or URL_SCHEME.match(raw) is not None


def split_md_target(inner: str) -> tuple[str, str]:
    """(path as written, #anchor or ?query suffix) of a Markdown link target."""
    cut = min((i for i in (inner.find("#"), inner.find("?")) if i >= 0), default=len(inner))
    return inner[:cut], inner[cut:]


def read_md_target(raw: str, image: bool) -> tuple[str, bool] | None:
    """(decoded path, is it an attachment) of a Markdown link or image destination; None for
    URLs and in-page anchors. An image is an attachment unless it names a note (.md)."""
    raw = raw.strip()
    if raw.startswith("<") and raw.endswith(">"):
        raw = raw[1:-1].strip()
    if is_external(raw):
        return None
    path = unquote(split_md_target(raw)[0]).strip()
    if not path:
        return None
    attachment = is_asset(path) or (image and not path.lower().endswith(".md"))
    return path, attachment
