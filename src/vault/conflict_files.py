"""What a sync conflict leaves behind, as files: the names of conflict copies and the lines
git writes into a file it could not merge (standard library only).

One rule each, shared by the code that must never commit them (vault.git.sync) and the check
that reports them (vault.checks).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

# A copy kept beside a note when two machines edited it differently, named the way Obsidian
# Sync and Syncthing name theirs: NAME.conflict-HOST-YYYYMMDD-HHMMSS.md (HOST sanitised, time
# UTC). Group 1: the note's stem.
CONFLICT_COPY = re.compile(r"^(.+)\.conflict-([A-Za-z0-9_-]+)-(\d{8}-\d{6})(?:-\d+)?\.md$")

# The lines git writes around the two sides of a conflict ("<<<<<<< HEAD", ">>>>>>> abc1234
# (message)"). The "=======" between them is left out: it also underlines a Markdown heading.
_MARKER = re.compile(rb"^(?:<<<<<<<|>>>>>>>)(?: |\r?$)")


def host_name(raw: str) -> str:
    """A host name as it may appear in a conflict copy's name: letters, digits, - and _."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", raw.split(".")[0]).strip("-")
    return name or "host"


def conflict_copy_name(path: str, host: str, when: datetime | None = None) -> str:
    """`dir/NAME.md` -> `dir/NAME.conflict-HOST-YYYYMMDD-HHMMSS.md` (time in UTC)."""
    when = when or datetime.now(UTC)
    stem = path[:-3] if path.lower().endswith(".md") else path
    return f"{stem}.conflict-{host_name(host)}-{when.astimezone(UTC):%Y%m%d-%H%M%S}.md"


def copy_of(name: str) -> str | None:
    """The file name of the note a conflict copy was kept beside, or None for other names."""
    m = CONFLICT_COPY.match(name)
    return f"{m.group(1)}.md" if m else None


def marker_lines(data: bytes) -> list[int]:
    """1-based numbers of the lines holding a conflict marker outside code (fenced or
    indented: vault.markdown's one block scanner says which lines are code)."""
    if b"<<<<<<<" not in data and b">>>>>>>" not in data:
        return []  # the common case, without splitting the file into lines
    from vault.markdown.blocks import FENCED, INDENTED, scan

    raw = data.split(b"\n")
    lines = [line.decode("utf-8", "surrogateescape") for line in raw]
    code = set()
    for block in scan(lines):
        if block.kind in (FENCED, INDENTED):
            code.update(range(block.start, block.end))
    return [n + 1 for n, line in enumerate(raw) if n not in code and _MARKER.match(line)]


def refusal(shown: str, data: bytes) -> str | None:
    """Why a file holding conflict markers is not committed (None when it holds none)."""
    lines = marker_lines(data)
    if not lines:
        return None
    return (
        f"{shown} holds git conflict markers (line {lines[0]}); vault commits no such file: "
        "keep the text you want, delete the <<<<<<< / ======= / >>>>>>> lines, then run vault "
        "again"
    )
