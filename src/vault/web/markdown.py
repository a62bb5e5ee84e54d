"""A note's Markdown as HTML for its page: CommonMark (markdown-it-py, raw HTML off, so a
note's `<script>` is text) with tables, strikethrough, footnotes, task lists and front
matter; headings get anchors; every link and embed goes through the vault's resolver, the
way `vault check` and the graph read it, to a /note/ or /file/ URL of this server, or is
marked broken. Nothing on a page loads from another origin: an outside image becomes a
link, and only http(s) and mailto links to elsewhere are kept."""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass
from html import escape
from urllib.parse import quote, unquote

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.anchors.index import slugify
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from vault.links import is_asset, is_external, split_md_target, split_wikilink
from vault.markdown.blocks import COMMENT, scan
from vault.model import Link
from vault.resolve import Files, Resolver

# Links to elsewhere that stay links (a click leaves the page; nothing loads by itself).
OUTSIDE = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)
IMAGES = {"png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "avif"}
WIKILINK = re.compile(r"!?\[\[([^\[\]\n]+)\]\]")


@dataclass
class Where:
    """What a note's links are resolved from: the note, the resolver, the vault's files."""

    note_id: str
    resolver: Resolver
    files: Files


def note_url(note_id: str, anchor: str = "") -> str:
    return "/note/" + quote(note_id) + (f"#{quote(slugify(anchor))}" if anchor else "")


def file_url(path: str) -> str:
    return "/file/" + quote(path)


@functools.cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin).use(footnote_plugin).use(tasklists_plugin)
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=slugify)
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.add_render_rule("wikilink", _render_wikilink)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("image", _render_image)
    return md


def render(body: str, where: Where) -> str:
    """The note's body as HTML (safe to place in a page as it is)."""
    return _parser().render(_without_comments(body), {"where": where})


# What a note page renders of a long note unless the whole is asked for: markdown-it-py takes
# about 2.5 s of CPU for the 20,000 list items of a 1 MB index note (while every other page
# of the server waits for the interpreter), 0.05 s for 1 MB of prose; the cost follows the
# blocks, so both are bounded.
SHOWN_CHARS = 100_000
SHOWN_LINES = 2_000


def opening(body: str) -> str:
    """The body, or its opening when it is longer than a page renders at once: at most
    SHOWN_CHARS characters and SHOWN_LINES lines, cut at a blank line (between blocks) when
    one is in the last half of what is kept."""
    if len(body) <= SHOWN_CHARS and body.count("\n", 0, SHOWN_CHARS) < SHOWN_LINES:
        return body
    end = min(len(body), SHOWN_CHARS)
    at = -1
    for _ in range(SHOWN_LINES):
        at = body.find("\n", at + 1, end)
        if at < 0:
            break
    if at >= 0:
        end = at
    blank = body.rfind("\n\n", end // 2, end)
    return body[: blank if blank > 0 else end]


def _without_comments(body: str) -> str:
    """The body without its comment blocks (<!-- --> and Obsidian's %% %%, as the house's
    block scanner finds them: not in code), which the tools that wrote them hide too; raw
    HTML being off, they would show as text."""
    lines = body.split("\n")
    comments = [b for b in scan(lines) if b.kind == COMMENT]
    for block in reversed(comments):
        del lines[block.start : block.end]
    return "\n".join(lines) if comments else body


# --- wikilinks: [[target|alias#heading]] and ![[embed]] ------------------------------------------


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    m = WIKILINK.match(state.src, state.pos)
    if m is None:
        return False
    if not silent:
        token = state.push("wikilink", "", 0)
        token.meta = {"inner": m.group(1), "embed": m.group(0).startswith("!")}
        token.content = m.group(0)
    state.pos = m.end()
    return True


def _render_wikilink(self, tokens, idx, options, env) -> str:
    where: Where = env["where"]
    meta = tokens[idx].meta
    left, _, right = split_wikilink(meta["inner"])
    link = Link("wikilink", left.split("#", 1)[0].strip(), right.split("#", 1)[0].strip())
    target = where.resolver.target_of(link)
    side = right if where.resolver.target_on_right(link) else left
    anchor = side.split("#", 1)[1].lstrip("^") if "#" in side else ""
    label = (left if where.resolver.target_on_right(link) else right) or side
    if where.resolver.is_attachment(link):
        found = where.resolver.resolve_attachment(link, where.note_id, where.files)
        return _attachment(found, label.strip(), target, meta["embed"])
    res = where.resolver.resolve_wikilink(target, where.note_id)
    if res.id is None:
        return _broken(label.strip(), target, res.candidates)
    kind = ' class="embed"' if meta["embed"] else ""
    return f'<a href="{escape(note_url(res.id, anchor))}"{kind}>{escape(label.strip())}</a>'


# --- Markdown links and images -------------------------------------------------------------------


def _render_link_open(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    href = _href(str(token.attrGet("href") or ""), env["where"])
    if href is None:
        token.attrs.pop("href", None)
        token.attrSet("class", "broken")
        token.attrSet("title", "no such note or file")
    else:
        token.attrSet("href", href)
        if OUTSIDE.match(href):
            token.attrSet("rel", "noopener noreferrer nofollow")
    return self.renderToken(tokens, idx, options, env)


def _href(raw: str, where: Where) -> str | None:
    """Where a Markdown link goes on this server; None when it goes nowhere (or somewhere
    a page must not send a reader: any scheme but http(s) and mailto)."""
    if raw.startswith("#"):
        return raw
    if is_external(raw):
        return raw if OUTSIDE.match(raw) else None
    path, suffix = split_md_target(raw)
    path = unquote(path)
    if is_asset(path):
        link = Link("markdown", path, attachment=True)
        found = where.resolver.resolve_attachment(link, where.note_id, where.files)
        return file_url(found) if found else None
    res = where.resolver.resolve_markdown(path, where.note_id)
    if res.id is None:
        return None
    anchor = unquote(suffix[1:]) if suffix.startswith("#") else ""
    return note_url(res.id, anchor)


def _render_image(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    raw = str(token.attrGet("src") or "")
    alt = self.renderInlineAsText(token.children or [], options, env)
    if is_external(raw):  # never fetched by the page: a link the reader may follow
        if OUTSIDE.match(raw):
            rel = 'rel="noopener noreferrer nofollow"'
            return f'<a href="{escape(raw)}" {rel}>{escape(alt or raw)}</a>'
        return _broken(alt or "image", raw, ())
    where: Where = env["where"]
    path = unquote(split_md_target(raw)[0])
    link = Link("markdown", path, attachment=True)
    found = where.resolver.resolve_attachment(link, where.note_id, where.files)
    return _attachment(found, alt, path, embed=True)


def _attachment(found: str | None, label: str, target: str, embed: bool) -> str:
    if found is not None and any(part.startswith(".") for part in found.split("/")):
        found = None  # .git, .vault, .obsidian: never a note's attachment (files.py agrees)
    if found is None:
        return _broken(label or target, target, ())
    url = escape(file_url(found))
    name = escape(label or posixpath.basename(found))
    if embed and found.rsplit(".", 1)[-1].lower() in IMAGES:
        return f'<img src="{url}" alt="{name}" loading="lazy">'
    return f'<a href="{url}" class="file">{name}</a>'


def _broken(label: str, target: str, candidates) -> str:
    why = f"ambiguous: {', '.join(candidates)}" if candidates else f"no note or file {target!r}"
    return f'<span class="broken" title="{escape(why)}">{escape(label)}</span>'
