"""Read and write one note: decode it, read its metadata in whichever header style it uses
(vault.headers), title it, and find its links (vault.links).

Standard library plus python-frontmatter's YAML handler (PyYAML; libyaml when present),
read with a bound on what a note's YAML may expand to.
Reading never raises for bad content: problems become warnings on the record.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import os
import re
import unicodedata
from pathlib import Path

from vault.headers import FRONT_MATTER, HEADER_LINE, HEADER_LINES, PLAIN, Block
from vault.links import find_links, mask
from vault.markdown.blocks import HEADING, iter_blocks
from vault.markdown.text import plain_text
from vault.model import Note, NoteRecord
from vault.text import filename_date, metadata_date
from vault.vault import stem_of

# Files larger than this are read only up to it: metadata, links and search see the first part.
MAX_NOTE_BYTES = 4 * 1024 * 1024
# The most values a note's YAML may stand for once its aliases are followed (a tag list of a
# few thousand is fine; nine levels of nine aliases, 9**9 strings from 400 bytes, is not).
MAX_YAML_VALUES = 50_000

# Metadata key (lowercase) -> the field it sets, as every header style reads it (and `vault set`
# writes it).
KEY_ALIASES = {
    "title": "title",
    "date": "date",
    "created": "date",
    "type": "type",
    "category": "type",
    "parent": "parent",
    "up": "parent",
    "tags": "tags",
    "tag": "tags",
}
# The keys a Parent may be written under, as `vault mv` looks for them.
PARENT_KEYS = tuple(k for k, v in KEY_ALIASES.items() if v == "parent")


def read_note(path: Path, note_id: str) -> Note:
    """Read one note from disk. Never raises for bad content; OSError propagates."""
    st = path.stat()
    warnings: list[str] = []
    with open(path, "rb") as fh:
        data = fh.read(MAX_NOTE_BYTES + 1)
    if len(data) > MAX_NOTE_BYTES:
        data = data[:MAX_NOTE_BYTES]
        warnings.append(
            f"file is {st.st_size / 2**20:.1f} MiB; only the first "
            f"{MAX_NOTE_BYTES // 2**20} MiB is read"
        )
    text = decode(data, warnings)
    return parse_note(
        text, note_id, warnings=warnings, stat=stat_key(st), digest=content_digest(data)
    )


def note_then(data: bytes, id_then: str, note_id: str) -> Note:
    """A note as a past commit held it (`data`, under its name then, `id_then`), known by
    its id now, so the catalog places its parent and children as the vault has them now
    (`show --at`, on the command line and over MCP)."""
    import dataclasses

    then = parse_note(data.decode("utf-8", "replace"), id_then)
    return dataclasses.replace(then, record=dataclasses.replace(then.record, id=note_id))


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def stat_key(st: os.stat_result) -> tuple[int, int, int, int]:
    """What tells that a file changed: (mtime_ns, size, ctime_ns, inode), as git compares."""
    return (st.st_mtime_ns, st.st_size, st.st_ctime_ns, st.st_ino)


def decode(data: bytes, warnings: list[str]) -> str:
    """UTF-8 (with or without BOM); other bytes become U+FFFD with a warning."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A file cut at MAX_NOTE_BYTES may end inside a character: that is not the file's fault.
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            text = data[: exc.start].decode("utf-8", errors="replace")
        else:
            warnings.append(
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                "undecodable bytes are shown as U+FFFD"
            )
            text = data.decode("utf-8", errors="replace")
    if "\x00" in text:
        warnings.append("contains NUL bytes; is this a binary file?")
        text = text.replace("\x00", "")
    return unix_lines(text)


def unix_lines(text: str) -> str:
    """`text` with every line end as "\\n": CRLF first, then a lone CR (as reading a note
    sees them, so a note written from text reads back as that text)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_note(
    text: str,
    note_id: str,
    *,
    warnings: list[str] | None = None,
    stat: tuple[int, int, int, int] = (0, 0, 0, 0),
    digest: str = "",
) -> Note:
    """Parse a note's text in whichever of the three header styles it uses (`stat` and
    `digest` say which file state and bytes it was read from)."""
    warnings = list(warnings or [])
    stem = stem_of(note_id)
    lines = text.split("\n")
    fields: dict[str, object] = {}
    meta: dict[str, object] = {}
    block = PLAIN

    fm = FRONT_MATTER.find(lines)
    if fm is not None:
        data, problem = _load_yaml(FRONT_MATTER.text(lines, fm))
        if problem:
            warnings.append(problem)
        if data is not None:
            block = fm
            _sort_keys(data, fields, meta)
    heading_title = ""
    if block is PLAIN:
        headed = HEADER_LINES.find(lines)
        if headed is not None:
            block, heading_title = headed, headed.title
            _sort_keys(dict(HEADER_LINES.pairs(lines, headed)), fields, meta)
    body = block.body_text(text, lines)
    masked = link_text(lines, block)
    body_lines = lines[block.body :]

    title = _clean_str(fields.get("title"))
    if not title:
        title = plain_text(heading_title) or _title_from_text(body_lines, stem)
    date, date_problem = metadata_date(fields.get("date")) if "date" in fields else (None, "")
    if date_problem:
        warnings.append(date_problem)
    date_source = "meta" if date else ""
    if not date:
        date = filename_date(stem)
        date_source = "filename" if date else ""
    record = NoteRecord(
        id=note_id,
        title=title,
        date=date,
        date_source=date_source,
        type=_clean_str(fields.get("type")) or None,
        parent_ref=_parent_text(fields.get("parent")),
        tags=_tags(fields.get("tags")),
        meta=meta,
        links=find_links(masked),
        style=block.style,
        warnings=tuple(warnings),
        stat=stat,
        digest=digest,
    )
    return Note(record=record, body=body)


# --- front matter --------------------------------------------------------------------------


def _load_yaml(raw: str) -> tuple[dict | None, str]:
    """Parse front matter; on failure salvage simple `key: value` lines and say so."""
    data, problem = load_yaml(raw)
    if problem:
        salvaged = {}
        for line in raw.splitlines():
            m = HEADER_LINE.match(line)
            if m and m.group(2):
                salvaged[m.group(1)] = m.group(2).strip().strip("'\"")
        return salvaged, f"{problem}; only its simple 'key: value' lines were read"
    if data is None:
        return {}, ""
    if not isinstance(data, dict):
        return None, (
            f"front matter is a YAML {type(data).__name__}, not a mapping; "
            "the file is read as a note without metadata"
        )
    return data, ""


def load_yaml(raw: str) -> tuple[object, str]:
    """(data, "") of a YAML document, or (None, what is wrong) when it does not parse or
    would stand for more than MAX_YAML_VALUES values once its aliases are followed (such a
    document is never expanded: counting its values costs one step per node written).

    python-frontmatter's YAML handler does the loading, with a loader that counts first."""
    import yaml
    from frontmatter.default_handlers import YAMLHandler

    try:
        return YAMLHandler().load(raw, Loader=_bounded_loader()), ""
    except _TooBig:
        return None, (
            f"YAML front matter stands for more than {MAX_YAML_VALUES:,} values once its "
            "aliases are followed (a YAML bomb?), so it was not expanded"
        )
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 2}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, f"malformed YAML front matter ({where}{problem})"
    except (RecursionError, ValueError, TypeError, OverflowError) as exc:
        return None, f"malformed YAML front matter ({type(exc).__name__}: {exc})"


class _TooBig(Exception):
    """A YAML document past MAX_YAML_VALUES values."""


@functools.cache
def _bounded_loader():
    """PyYAML's safe loader (libyaml's when present) that measures a document before
    building it, and refuses one that would expand past the bound."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class BoundedLoader(base):
        def get_single_data(self):
            node = self.get_single_node()
            if node is None:
                return None
            if _expanded_size(node) > MAX_YAML_VALUES:
                raise _TooBig
            return self.construct_document(node)

    return BoundedLoader


def _expanded_size(root) -> int:
    """How many values a composed YAML node stands for, every alias followed, counted once
    per distinct node (a node an alias repeats is the same object: sizes are memoised)."""
    import yaml

    sizes: dict[int, int] = {}
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        if isinstance(node, yaml.SequenceNode):
            kids = node.value
        elif isinstance(node, yaml.MappingNode):
            kids = [n for pair in node.value for n in pair]
        else:
            sizes[id(node)] = 1
            continue
        if children_done:
            sizes[id(node)] = 1 + sum(sizes.get(id(k), 0) for k in kids)
            if sizes[id(node)] > MAX_YAML_VALUES:
                return sizes[id(node)]
        else:
            stack.append((node, True))
            stack.extend((k, False) for k in kids if id(k) not in sizes)
    return sizes.get(id(root), 0)


def _sort_keys(data: dict, fields: dict[str, object], meta: dict[str, object]) -> None:
    """Known keys (case-insensitive, first alias wins) into fields; the rest into meta."""
    for key, value in data.items():
        canon = KEY_ALIASES.get(str(key).strip().lower())
        if canon and canon not in fields:
            fields[canon] = value
        else:
            meta[str(key)] = json_safe(value)


def json_safe(value: object) -> object:
    """Make a YAML value JSON-serialisable: dates to ISO strings, unknown types to str."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [json_safe(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


# --- field values ----------------------------------------------------------------------------


def _clean_str(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return " ".join(str(value).split())


def _parent_text(value: object) -> str | None:
    # Unquoted `up: [[x]]` in YAML is a list holding a list: take it back to the wikilink.
    while isinstance(value, list) and value:
        if isinstance(value[0], list) and len(value[0]) == 1 and isinstance(value[0][0], str):
            return f"[[{value[0][0]}]]"
        value = value[0]
    text = _clean_str(value)
    return text or None


def _tags(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else re.split(r"[,\s]+", str(value))
    out: list[str] = []
    for item in items:
        tag = str(item).strip().strip("'\"").lstrip("#").strip()
        if tag and tag not in out:
            out.append(tag)
    return tuple(out)


# --- titles ----------------------------------------------------------------------------------

# File names that say nothing about the note, so a short first line may title it instead:
# slugs (the-rising-trend-of-x), dates (2026-03-02, 2026-03-02-x, 2026-03-02 x) and hashes.
_SLUG_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")
_DATE_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}(?:$|[-_ T])")
_HASH_NAME = re.compile(r"^[0-9a-f]{8,40}$")
# A first line that is Markdown structure rather than a title: a list item, quote, heading,
# table row, fence, HTML, a link or embed on its own, a template tag, a comment, a rule.
_STRUCTURE = re.compile(r"^(?:[-*+>|#<\[!{]|\d+[.)](?:\s|$)|`{3}|~{3}|%%)")
_TITLE_LINE_CHARS = 100
_TITLE_LINE_WORDS = 12


# A level-1 heading titles a note only when it starts in the note's first lines (after its
# metadata): past them it is a section's heading, not the note's name.
TITLE_HEADING_LINES = 10


def _title_from_text(lines: list[str], stem: str) -> str:
    """The title of a note with no `title:` and no title above its header lines: its first
    level-1 heading (`# T`, or T underlined with ===) outside code and comment blocks, as
    text, when it opens the note (starts in its first TITLE_HEADING_LINES lines: a heading
    further down, such as a footer's "This note in GitHub", titles nothing, and the note is
    named as Obsidian names it, by its file); else, for a note whose file name is a slug, a
    date or a hash, a short first line that reads as a title; else the file name."""
    for block in iter_blocks(lines):
        if block.start >= TITLE_HEADING_LINES:
            break
        if block.kind == HEADING and block.level == 1:
            text = plain_text(block.text)
            if text:
                return text
    if _SLUG_NAME.match(stem) or _DATE_NAME.match(stem) or _HASH_NAME.match(stem):
        line = _title_line(lines)
        if line:
            return line
    return stem


def _title_line(lines: list[str]) -> str:
    """The first non-empty line when it reads as a title: short, not a sentence (no closing
    . , ; or :), not Markdown structure."""
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if _STRUCTURE.match(text) or text[-1] in ".,;:" or len(text) > _TITLE_LINE_CHARS:
            return ""
        text = plain_text(text)
        return text if len(text.split()) <= _TITLE_LINE_WORDS else ""
    return ""


# --- where the links are ------------------------------------------------------------------------


def link_text(lines: list[str], block: Block) -> str:
    """The note's text with everything that holds no link blanked out (vault.links.mask):
    the metadata block (a Parent written as [[x]] is the Parent, not a body link), code and
    comments. The `# Title` above header lines keeps its links. Same length and lines as
    the text, so the parser and `vault mv` find links at the same places."""
    if block is PLAIN or not block.body:
        return mask("\n".join(lines))
    head = [" " * len(line) for line in lines[: block.body]]
    if block.style == HEADER_LINES.name:
        i = next(k for k in range(block.start) if lines[k].strip())  # the # Title line
        head[i] = mask(lines[i])
    if block.body >= len(lines):
        return "\n".join(head)
    return "\n".join([*head, mask("\n".join(lines[block.body :]))])


# --- writing ---------------------------------------------------------------------------------


# A file name has at most 255 bytes (NAME_MAX); a new note's name also holds its date and
# "-", maybe a "-N" suffix, ".md", and while written the temporary name's "." and
# ".PID.tmp" (vault.atomic): the slug keeps well under what is left.
SLUG_BYTES = 200


def slugify(title: str, max_len: int = 80, max_bytes: int = SLUG_BYTES) -> str:
    """A file-name slug: lowercase words joined by '-', accents folded, other scripts kept;
    at most `max_len` characters and `max_bytes` bytes of UTF-8 (a CJK character is 3)."""
    folded = unicodedata.normalize("NFKD", title)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    words = re.findall(r"\w+", folded.lower().replace("_", " "))
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_len or len(candidate.encode("utf-8")) > max_bytes:
            break
        slug = candidate
    if slug or not words:
        return slug or "note"
    # One word longer than the limits: cut by bytes, at a character boundary.
    return words[0][:max_len].encode("utf-8")[:max_bytes].decode("utf-8", "ignore")


def format_note(
    *,
    title: str,
    date: str,
    note_type: str,
    parent: str | None,
    tags: tuple[str, ...] | list[str],
    body: str,
    yaml_front_matter: bool = False,
) -> str:
    """The text of a new note, in header-line style (like seed 004) or with YAML front matter."""
    body = unix_lines(body).strip("\n")
    if yaml_front_matter:
        import yaml

        # A day unquoted (`date: 2026-03-01`), as Obsidian writes a date property: quoted, it
        # would be text to Obsidian. Read back, it is the same day.
        day: object = date
        with contextlib.suppress(ValueError):
            day = dt.date.fromisoformat(date)
        data: dict[str, object] = {"title": title, "date": day, "type": note_type}
        if parent:
            data["parent"] = parent
        if tags:
            data["tags"] = list(tags)
        fm = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)
        head = f"---\n{fm}---\n\n# {title}\n"
    else:
        lines = [f"# {title}", "", f"Date: {date}", f"Type: {note_type}"]
        if parent:
            lines.append(f"Parent: {parent}")
        if tags:
            lines.append("Tags: " + ", ".join(tags))
        head = "\n".join(lines) + "\n"
    return head + ("\n" + body + "\n" if body else "")


def supplement_template(note_type: str) -> str:
    """The starting body of a new note when none is given."""
    if note_type.lower() == "technical supplement":
        sections = ["Summary", "Details", "Evidence and sources", "Open questions"]
    else:
        sections = ["Summary", "Notes", "Sources"]
    return "\n\n".join(f"## {s}\n" for s in sections)
