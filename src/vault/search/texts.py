"""A note's body as the index and the snippets read it, without parsing the note again.

The catalog has parsed every note already and knows its header style; the body is the text
after that style's block (vault.headers.find_block), exactly what vault.notes.parse_note
takes as the body. Reading it this way skips the YAML and the link scan, which on a note with
thousands of links cost more than indexing it. The bytes are read as read_note reads them
(the first MAX_NOTE_BYTES, decoded the same way), so the digest is the catalog's when the
file is unchanged; when it differs the note changed since the walk, and the caller parses it
again.
"""

from __future__ import annotations

from pathlib import Path

from vault.headers import find_block
from vault.notes import MAX_NOTE_BYTES, content_digest, decode


def read_body(path: Path, style: str | None, limit: int = MAX_NOTE_BYTES) -> tuple[str, str]:
    """(body, content digest) of the note at `path`, read in header `style` (the style its
    record was parsed in). With a smaller `limit`, only that many bytes are read (for a
    snippet: the digest is then of those bytes only). OSError propagates."""
    limit = min(limit, MAX_NOTE_BYTES)
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)
    data = data[:limit]
    text = decode(data, [])
    lines = text.split("\n")
    block = find_block(lines, style)
    return block.body_text(text, lines), content_digest(data)
