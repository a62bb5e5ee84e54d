"""Notes as plain text for the graph view: each note's beginning (its first section, or about
300 characters) with the metadata and title left out and the Markdown reduced to text by
vault.markdown.text, as every snippet is. The view shows the text beside a selected note and
searches it; it only ever sets it as text, never as HTML.

Only the first few kilobytes of a note are read (the whole file only when its front matter
runs past them), so snippets for 10,000 notes cost a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from vault.headers import FRONT_MATTER, find_block
from vault.markdown.clip import clip
from vault.markdown.text import text_blocks, without_title_line
from vault.notes import MAX_NOTE_BYTES, decode

if TYPE_CHECKING:
    from vault.catalog import Catalog

# The version of the rules below and of vault.markdown's: snippets kept with the derived data
# under another are made again. Raise it with any change to what a snippet holds.
SNIPPET_RULES = "snippet-2"
# What is read of each note: enough for ~300 characters of text after its metadata.
HEAD_BYTES = 4096
# The snippet's length: the view shows a note's opening in a panel beside the graph, room
# for about twice a search result's line (vault.markdown.clip.SNIPPET_CHARS), so the same
# clipper is given a longer limit.
LIMIT = 300
# A heading ends the snippet (the first section) once this much text is there.
SECTION_MIN = 80


def snippet_of(body: str, title: str = "", limit: int = LIMIT, label_first: bool = False) -> str:
    """The beginning of a note's body (metadata already left out) as plain text: its first
    section or about `limit` characters, cut at a word boundary with "…"; paragraphs apart
    by a blank line, list items one a line."""
    parts: list[str] = []
    size = 0
    last = ""
    # Only the first ~300 characters are shown: reduce no more than a few times that.
    for kind, text in text_blocks(without_title_line(body, title), label_first, 6 * limit):
        if kind == "pre":
            continue  # code is no part of a note's opening words
        if kind == "h" and size >= SECTION_MIN:
            break
        sep = "" if not parts else ("\n" if kind == last == "li" else "\n\n")
        if kind == "li":
            text = "• " + text
        if size + len(sep) + len(text) > limit:
            room = limit - size - len(sep)
            if room >= 20 or not parts:
                parts.append(sep + clip(text, room))
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


def read_snippets(
    root: Path, notes: Iterable[tuple[str, str, str]], label_first: bool = False
) -> dict[str, str]:
    """id -> snippet for (id, style, title) of notes under the vault `root`; `label_first`
    in a Dendron vault, whose wikilinks put the label first."""
    return {
        note_id: note_snippet(root / note_id, style, title, label_first)
        for note_id, style, title in notes
    }


def catalog_snippets(catalog: Catalog, titles: dict[str, str]) -> dict[str, str]:
    """id -> snippet for the notes `titles` names (id -> its title as shown), each read only
    when it changed since its snippet was kept with the catalog's derived data."""
    root = catalog.vault.root
    # The kind of vault as the resolver knows it (resolve.detect_kind: a dendron.yml, or
    # Dendron's root note in a vault without one).
    label_first = catalog.kind.name == "dendron"
    key = f"{SNIPPET_RULES}:{label_first}"
    known = catalog.derived("snippet", key)
    todo = [i for i in titles if i not in known]
    if not todo:
        return known
    styles = dict(catalog.records.column("style"))
    todo_notes = ((i, styles.get(i) or "plain", titles[i]) for i in todo)
    fresh = read_snippets(root, todo_notes, label_first)
    catalog.store_derived("snippet", fresh, key)
    return known | fresh
