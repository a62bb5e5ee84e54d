"""Text bound for a terminal, made safe: a note's title, type, snippet or file name may hold
control characters (ESC starts sequences that retitle the window or clear the screen), and a
file name that is not UTF-8 reaches Python as lone surrogates (os.fsdecode). Both are shown
escaped, as git and ls do, never written raw. JSON output escapes them as JSON does instead
(vault.render.jsonout). Standard library only."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and lone surrogates.
_UNSAFE_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# The same and tab and newline: for what must stay on one line (a title, an id).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _escape(match: re.Match) -> str:
    code = ord(match[0])
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a name that is not UTF-8, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    if code > 0xFF:  # a lone surrogate of any other origin
        return f"\\u{code:04x}"
    return f"\\x{code:02x}"


def printable(text: str, *, lines: bool = False) -> str:
    """`text` with every control character and every undecodable byte escaped (`\\x1b`,
    `\\xe9`); with `lines`, newlines and tabs are kept (a note's body, a snippet)."""
    pattern = _UNSAFE_LINES if lines else _UNSAFE
    return pattern.sub(_escape, text) if pattern.search(text) else text
