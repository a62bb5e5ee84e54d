"""A note cut into the chunks its vectors are made of: one per section, so a match in the
40th section of a long note is found as well as one in its first.

A section runs from a heading to the next (the text before the first heading is one too);
its plain text comes from the house's one Markdown-to-text rule (vault.markdown.text), so
link syntax, image and badge URLs never reach the model. A long section is cut into windows
of about WINDOW characters, as a static model averages its tokens and one vector for pages
of text means little. Each chunk starts with the note's title and the section's heading:
the words that say what the text is about. Standard library only.
"""

from __future__ import annotations

from typing import NamedTuple

from vault.markdown.text import text_blocks

# Characters of section text per chunk (about 200 tokens), and a note's most chunks (a
# 1 MB note still counts in full up to about 800 KB of text).
WINDOW = 1000
MAX_CHUNKS = 800


class Chunk(NamedTuple):
    """A piece of a note's text that gets one vector."""

    # The section's heading ("" before the first heading).
    heading: str
    # The section's text in this window, plain.
    text: str

    def embedded(self, title: str) -> str:
        """What the model reads: title, heading, then the text."""
        return " . ".join(part for part in (title, self.heading, self.text) if part)


def chunks(title: str, body: str) -> list[Chunk]:
    """The chunks of a note with this title and body, in order; at least one (the title
    alone for an empty note), at most MAX_CHUNKS."""
    out: list[Chunk] = []
    heading, parts, size = "", [], 0

    def close() -> None:
        if parts or not heading:
            out.extend(_windows(heading, " ".join(parts)))
        elif heading:  # a heading with no text of its own still names what it is about
            out.append(Chunk(heading, ""))

    for kind, text in text_blocks(body, cap=0):
        if len(out) >= MAX_CHUNKS:
            break
        if kind == "h":
            if parts or heading:
                close()
            heading, parts, size = text, [], 0
            continue
        parts.append(text)
        size += len(text) + 1
    close()
    out = [c for c in out if c.text or c.heading] or [Chunk("", "")]
    return out[:MAX_CHUNKS]


def _windows(heading: str, text: str) -> list[Chunk]:
    """`text` in windows of about WINDOW characters, cut between words."""
    if len(text) <= WINDOW * 1.5:
        return [Chunk(heading, text)]
    out = []
    start = 0
    while start < len(text):
        end = start + WINDOW
        if end < len(text):
            space = text.rfind(" ", start + WINDOW // 2, end)
            end = space if space > 0 else end
        out.append(Chunk(heading, text[start:end].strip()))
        start = end
    return [c for c in out if c.text]
