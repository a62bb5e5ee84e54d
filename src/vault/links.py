"""The link grammar, defined once: what counts as a link in a note's body, and how its target
is read. The parser extracts links with these rules, and `vault mv` rewrites links by
scanning with exactly the same patterns. Standard library only.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from vault.model import Link

# Extensions of files that are attachments, not notes: links to them are not graph edges.
ASSET_EXTS = frozenset(
    {
        "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "tif", "tiff", "avif",
        "heic", "pdf", "mp3", "mp4", "m4a", "wav", "ogg", "webm", "mov", "zip", "gz", "tar",
        "csv", "tsv", "json", "xml", "html", "htm", "css", "js", "txt", "docx", "xlsx", "pptx",
    }
)  # fmt: skip

_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
# [text](target "title"), ![alt](image); the text may hold one level of [brackets].
MD_LINK = re.compile(
    r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*(<[^>\n]*>|[^)\s]+)"
    r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?\s*\)"
)
# A reference-style definition: [label]: target
REF_DEF = re.compile(r"^[ \t]{0,3}\[([^\]\n^][^\]\n]*)\]:[ \t]*(<[^>\n]*>|\S+)", re.MULTILINE)
WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")
URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# A whole value that is one link (a Parent written as [[x]] or [x](path)).
WHOLE_WIKILINK = re.compile(r"^!?\[\[([^\[\]]+)\]\]$")
WHOLE_MD_LINK = re.compile(r"^\[[^\]]*\]\(\s*<?([^)>]+?)>?\s*\)$")
_DENDRON_VAULT = "dendron://"


def blank_code(text: str) -> str:
    """Replace fenced blocks and inline code with spaces, keeping line numbers and columns."""
    if "`" not in text and "~~~" not in text:
        return text
    out: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        m = _FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)[0] * len(m.group(1))
            out.append("")
        elif fence is not None:
            if m and m.group(1).startswith(fence):
                fence = None
            out.append("")
        else:
            out.append(
                _INLINE_CODE.sub(lambda mm: " " * len(mm.group(0)), line) if "`" in line else line
            )
    return "\n".join(out)


def is_fence(line: str) -> bool:
    return _FENCE.match(line) is not None


def extract_links(body: str, first_line: int = 1) -> tuple[Link, ...]:
    """Every link to a possible note in a body, in order of appearance."""
    if "[" not in body:
        return ()
    text = blank_code(body)
    found: list[tuple[int, Link]] = []

    def line_of(pos: int) -> int:
        return first_line + text.count("\n", 0, pos)

    for m in WIKILINK.finditer(text):
        target, alias = wikilink_parts(m.group(2))
        if not target or is_asset(target) or URL_SCHEME.match(target):
            continue
        found.append((m.start(), Link("wikilink", target, alias, line_of(m.start()))))
    for m in MD_LINK.finditer(text):
        if m.group(1):  # an image
            continue
        target = note_target(m.group(3))
        if target:
            found.append((m.start(), Link("markdown", target, "", line_of(m.start()))))
    for m in REF_DEF.finditer(text):
        target = note_target(m.group(2))
        if target:
            found.append((m.start(), Link("markdown", target, "", line_of(m.start()))))
    found.sort(key=lambda pair: pair[0])
    return tuple(link for _, link in found)


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
    """One side of a wikilink as a name: without #heading or ^block anchors, and without
    Dendron's cross-vault `dendron://vault/` prefix."""
    text = without_anchor(side)
    if text.startswith(_DENDRON_VAULT):
        text = text[len(_DENDRON_VAULT) :].partition("/")[2]
    return text


def wikilink_parts(inner: str) -> tuple[str, str]:
    """(target, alias) of a wikilink's inside, as the parser reads them."""
    left, _, right = split_wikilink(inner)
    return wikilink_side(left), wikilink_side(right)


def dendron_prefix(side: str) -> str:
    """The `dendron://vault/` text a wikilink side starts with (leading spaces included)."""
    stripped = side.lstrip()
    if not stripped.startswith(_DENDRON_VAULT):
        return ""
    rest = stripped[len(_DENDRON_VAULT) :]
    cut = rest.find("/")
    if cut < 0:
        return ""
    return side[: len(side) - len(stripped)] + _DENDRON_VAULT + rest[: cut + 1]


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


def note_target(raw: str) -> str:
    """The note path a Markdown link points at, or "" for URLs, anchors and attachments."""
    raw = raw.strip()
    if raw.startswith("<") and raw.endswith(">"):
        raw = raw[1:-1].strip()
    if is_external(raw):
        return ""
    path = unquote(split_md_target(raw)[0]).strip()
    if not path or is_asset(path):
        return ""
    return path
