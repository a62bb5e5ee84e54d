"""Read and write one note: the three header styles, and the links in its body.

Standard library plus python-frontmatter's YAML handler (which uses libyaml when present).
Reading never raises for bad content: problems become warnings on the record.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from vault.model import Link, Note, NoteRecord

# Files larger than this are read only up to it: metadata, links and search see the first part.
MAX_NOTE_BYTES = 4 * 1024 * 1024

# Extensions of files that are attachments, not notes: links to them are not graph edges.
ASSET_EXTS = frozenset(
    {
        "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "tif", "tiff", "avif",
        "heic", "pdf", "mp3", "mp4", "m4a", "wav", "ogg", "webm", "mov", "zip", "gz", "tar",
        "csv", "tsv", "json", "xml", "html", "htm", "css", "js", "txt", "docx", "xlsx", "pptx",
    }
)  # fmt: skip


_KEY_ALIASES = {
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

_FILENAME_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
# The link and header-line patterns below are public: `vault mv` rewrites links by scanning
# with exactly the patterns the parser reads them with.
HEADER_LINE = re.compile(
    r"^([A-Za-z][A-Za-z0-9_-]*(?: [A-Za-z0-9_-]+){0,3}):(?:[ \t]+(.*?))?[ \t]*$"
)
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
MD_LINK = re.compile(
    r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*(<[^>\n]*>|[^)\s]+)"
    r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?\s*\)"
)
REF_DEF = re.compile(r"^[ \t]{0,3}\[([^\]\n^][^\]\n]*)\]:[ \t]*(<[^>\n]*>|\S+)", re.MULTILINE)
WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")
URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_DATE_PREFIX = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T ])")
_FM_CLOSE = re.compile(r"^(?:-{3,}|\.{3})[ \t]*$", re.MULTILINE)


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
    return parse_note(text, note_id, warnings=warnings, mtime_ns=st.st_mtime_ns, size=st.st_size)


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
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_note(
    text: str,
    note_id: str,
    *,
    warnings: list[str] | None = None,
    mtime_ns: int = 0,
    size: int = 0,
) -> Note:
    """Parse a note's text in whichever of the three header styles it uses."""
    warnings = list(warnings or [])
    stem = note_id.rsplit("/", 1)[-1]
    stem = stem[:-3] if stem.lower().endswith(".md") else stem
    fields: dict[str, object] = {}
    meta: dict[str, object] = {}
    style = "plain"
    body = text
    body_line = 1  # line of the file where the body starts
    heading_title: str | None = None

    fm = _split_front_matter(text)
    if fm is not None:
        raw_fm, rest, rest_line = fm
        data, problem = _load_yaml(raw_fm)
        if problem:
            warnings.append(problem)
        if data is not None:
            style = "yaml"
            body, body_line = rest, rest_line
            _sort_keys(data, fields, meta)
    if style == "plain":
        headed = _split_header_block(text)
        if headed is not None:
            heading_title, pairs, rest, rest_line = headed
            if pairs:
                # Only a header block is taken out of the body; a plain note keeps its heading.
                style, body, body_line = "headers", rest, rest_line
                _sort_keys(dict(pairs), fields, meta)

    title = _clean_str(fields.get("title"))
    if not title:
        title = heading_title or _first_heading(body) or _first_line(body) or stem
    date, date_problem = normalize_date(fields.get("date")) if "date" in fields else (None, "")
    if date_problem:
        warnings.append(date_problem)
    date_source = "meta" if date else ""
    if not date:
        m = _FILENAME_DATE.match(stem)
        if m and _valid_iso(m.group(1)):
            date, date_source = m.group(1), "filename"
    record = NoteRecord(
        id=note_id,
        title=title,
        date=date,
        date_source=date_source,
        type=_clean_str(fields.get("type")) or None,
        parent_ref=_parent_text(fields.get("parent")),
        tags=_tags(fields.get("tags")),
        meta=meta,
        links=extract_links(body, first_line=body_line),
        style=style,
        warnings=tuple(warnings),
        mtime_ns=mtime_ns,
        size=size,
    )
    return Note(record=record, body=body)


# --- front matter --------------------------------------------------------------------------


def _split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(yaml text, body, body's first line) when the file opens with a --- block."""
    if not text.startswith("---"):
        return None
    first_nl = text.find("\n")
    if first_nl == -1 or text[3:first_nl].strip("-").strip():
        return None
    m = _FM_CLOSE.search(text, first_nl + 1)
    if m is None:
        return None
    raw = text[first_nl + 1 : m.start()]
    rest_start = min(m.end() + 1, len(text))
    rest = text[rest_start:]
    stripped = rest.lstrip("\n")
    body_line = text.count("\n", 0, rest_start) + 1 + len(rest) - len(stripped)
    return raw, stripped, body_line


def _load_yaml(raw: str) -> tuple[dict | None, str]:
    """Parse front matter; on failure salvage simple `key: value` lines and say so."""
    import yaml
    from frontmatter.default_handlers import YAMLHandler

    try:
        data = YAMLHandler().load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 2}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        salvaged = {}
        for line in raw.splitlines():
            m = HEADER_LINE.match(line)
            if m and m.group(2):
                salvaged[m.group(1)] = m.group(2).strip().strip("'\"")
        return salvaged, (
            f"malformed YAML front matter ({where}{problem}); "
            "only its simple 'key: value' lines were read"
        )
    if data is None:
        return {}, ""
    if not isinstance(data, dict):
        return None, (
            f"front matter is a YAML {type(data).__name__}, not a mapping; "
            "the file is read as a note without metadata"
        )
    return data, ""


def _sort_keys(data: dict, fields: dict[str, object], meta: dict[str, object]) -> None:
    """Known keys (case-insensitive, first alias wins) into fields; the rest into meta."""
    for key, value in data.items():
        canon = _KEY_ALIASES.get(str(key).strip().lower())
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


# --- header lines ----------------------------------------------------------------------------


def _split_header_block(text: str) -> tuple[str, list[tuple[str, str]], str, int] | None:
    """For a note opening with `# Title`: (title, key/value pairs, body, body's first line).

    The block is the run of `Key: value` lines directly under the title (blank lines between
    the title and the block are allowed), ended by a blank line or any other line. Without a
    block, the body is the whole text.
    """
    lines = text.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i >= len(lines) or not lines[i].startswith("# "):
        return None
    title = lines[i][2:].strip().rstrip("#").strip()
    j = i + 1
    while j < len(lines) and not lines[j].strip():
        j += 1
    pairs: list[tuple[str, str]] = []
    k = j
    while k < len(lines):
        line = lines[k].replace("**", "") if lines[k].startswith("**") else lines[k]
        m = HEADER_LINE.match(line)
        if not m:
            break
        pairs.append((m.group(1), (m.group(2) or "").strip()))
        k += 1
    if not pairs:
        return title, [], text, 1
    body_start = k
    while body_start < len(lines) and not lines[body_start].strip():
        body_start += 1
    return title, pairs, "\n".join(lines[body_start:]), body_start + 1


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


def normalize_date(value: object) -> tuple[str | None, str]:
    """(ISO date, problem). Accepts dates, datetimes, YYYY-MM-DD[...] text and epoch numbers."""
    if value is None or value == "":
        return None, ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), ""
    if isinstance(value, dt.date):
        return value.isoformat(), ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return dt.datetime.fromtimestamp(seconds, dt.UTC).date().isoformat(), ""
        except (OverflowError, OSError, ValueError):
            return None, f"unrecognised date {value!r}"
    text = str(value).strip()
    m = _DATE_PREFIX.match(text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat(), ""
        except ValueError:
            pass
    if text.isdigit():
        return normalize_date(int(text))
    return None, f"unrecognised date {text!r}"


def _valid_iso(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _first_heading(body: str) -> str:
    in_fence = False
    for line in body.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and line.startswith("# "):
            return line[2:].strip().rstrip("#").strip()
    return ""


def _first_line(body: str) -> str:
    for line in body.split("\n"):
        line = line.strip().lstrip("#").strip()
        if line and not _FENCE.match(line) and set(line) - set("-=*_"):
            return line[:200]
    return ""


# --- links -------------------------------------------------------------------------------------


def blank_code(text: str) -> str:
    """Replace fenced blocks and inline code with spaces, keeping line numbers."""
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


def extract_links(body: str, first_line: int = 1) -> tuple[Link, ...]:
    """Every link to a possible note in a body, in order of appearance."""
    if "[" not in body:
        return ()
    text = blank_code(body) if "`" in body or "~~~" in body else body
    found: list[tuple[int, Link]] = []

    def line_of(pos: int) -> int:
        return first_line + text.count("\n", 0, pos)

    for m in WIKILINK.finditer(text):
        inner = m.group(2).replace("\\|", "|")
        target, _, alias = inner.partition("|")
        target, alias = _strip_vault_prefix(target), _strip_vault_prefix(alias)
        if not target or _is_asset(target) or URL_SCHEME.match(target):
            continue
        found.append((m.start(), Link("wikilink", target, alias, line_of(m.start()))))
    for m in MD_LINK.finditer(text):
        if m.group(1):  # an image
            continue
        target = _note_target(m.group(3))
        if target:
            found.append((m.start(), Link("markdown", target, "", line_of(m.start()))))
    for m in REF_DEF.finditer(text):
        target = _note_target(m.group(2))
        if target:
            found.append((m.start(), Link("markdown", target, "", line_of(m.start()))))
    found.sort(key=lambda pair: pair[0])
    return tuple(link for _, link in found)


def _strip_vault_prefix(text: str) -> str:
    """Drop #heading / ^block anchors and Dendron's cross-vault `dendron://vault/` prefix."""
    text = _strip_anchor(text.strip())
    if text.startswith("dendron://"):
        text = text[len("dendron://") :].partition("/")[2]
    return text


def _strip_anchor(target: str) -> str:
    return target.split("#", 1)[0].strip()


def _is_asset(target: str) -> bool:
    name = target.rsplit("/", 1)[-1]
    return "." in name and name.rsplit(".", 1)[1].lower() in ASSET_EXTS


def _note_target(raw: str) -> str:
    """The note path a Markdown link points at, or "" for URLs, anchors and attachments."""
    from urllib.parse import unquote

    raw = raw.strip()
    if raw.startswith("<") and raw.endswith(">"):
        raw = raw[1:-1].strip()
    if not raw or raw.startswith(("#", "//", "?")) or URL_SCHEME.match(raw):
        return ""
    path = unquote(raw.split("#", 1)[0].split("?", 1)[0]).strip()
    if not path or _is_asset(path):
        return ""
    return path


# --- writing ---------------------------------------------------------------------------------


def slugify(title: str, max_len: int = 80) -> str:
    """A file-name slug: lowercase words joined by '-', accents folded, other scripts kept."""
    folded = unicodedata.normalize("NFKD", title)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    words = re.findall(r"\w+", folded.lower().replace("_", " "))
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_len:
            break
        slug = candidate
    return slug or (words[0][:max_len] if words else "note")


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
    body = body.replace("\r\n", "\n").strip("\n")
    if yaml_front_matter:
        import yaml

        data: dict[str, object] = {"title": title, "date": date, "type": note_type}
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
