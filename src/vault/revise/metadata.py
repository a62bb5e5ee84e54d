"""`vault set`: a note's metadata changed in the note's own header style, and nothing else.

YAML front matter keeps its other keys, their order, quoting and comments (only the lines of
the keys set are rewritten); header lines stay header lines; a note without metadata gets
the style the vault writes new notes in (.vault.toml's header_style). Every value goes
through vault.values (one line, no NUL), a date through the date reader, a parent through
the resolver as `new --parent` resolves it; the note is read back before it is written.
"""

from __future__ import annotations

from dataclasses import replace

from vault import values
from vault.catalog import Catalog
from vault.create import not_in_style, not_read_back, read_back
from vault.errors import InvalidInput
from vault.headers import HEADER_LINE, HEADER_LINES, Block, find_block, key_span, with_value
from vault.markdown.text import plain_text
from vault.model import Revised, SetRequest
from vault.notes import KEY_ALIASES, parse_note
from vault.references import descendants
from vault.repository import Repository
from vault.revise.guard import Change, revise
from vault.text import fold, parse_user_date
from vault.vault import Vault

# How a known field's key is spelled when vault writes it.
_HEADER_KEYS = {"date": "Date", "type": "Type", "parent": "Parent", "tags": "Tags"}


def set_metadata(
    vault: Vault, repo: Repository | None, request: SetRequest, *, commit: bool = True
) -> Revised:
    """Change a note's metadata (see the module), guarded and committed."""
    if not (request.values or request.unset or request.add_tags or request.drop_tags):
        raise InvalidInput("nothing to set: give KEY=VALUE, --unset KEY or --tag +x / -x")
    request = replace(request, values=_once(request.values))
    for key in [k for k, _ in request.values] + list(request.unset):
        _check_key(key)
    add, drop = values.tags(request.add_tags), values.tags(request.drop_tags)

    def plan(catalog: Catalog, note_id: str, data: bytes) -> Change:
        wanted = _wanted(catalog, note_id, request, add, drop)
        style = catalog.records[note_id].style
        if style == "plain":
            style = "yaml" if vault.config.header_style == "yaml" else "headers"
        return plan_set(data, note_id, catalog.records[note_id].style, style, wanted)

    return revise(vault, repo, request.note, "set", plan, "set metadata of", commit=commit)


def tag_changes(changes) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(tags to add, tags to take out) from "+x" and "-x" (what --tag takes)."""
    add, drop = [], []
    for change in changes or ():
        if change[:1] not in ("+", "-") or len(change) < 2:
            raise InvalidInput(f"--tag {change!r}: write +TAG to add a tag or -TAG to take one out")
        (add if change[0] == "+" else drop).append(change[1:])
    return tuple(add), tuple(drop)


def _check_key(key: str) -> None:
    if not HEADER_LINE.match(key + ":"):
        raise InvalidInput(
            f"key {values.shown(key)}: a key is a word or a few (letters, digits, - and _), "
            "starting with a letter"
        )


def _field(key: str) -> str:
    return KEY_ALIASES.get(fold(key), key)


def _once(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """The pairs with their keys stripped (`A =x` sets A, on the command line as over MCP);
    InvalidInput when two name one key (any case, or a field and its alias): which value
    should win is the writer's to say, not ours."""
    out, seen = [], {}
    for raw, value in pairs:
        key = raw.strip()
        same = fold(_field(key))
        if same in seen:
            raise InvalidInput(
                f"{values.shown(seen[same])} and {values.shown(raw)} name one key; give it once"
            )
        seen[same] = raw
        out.append((key, value))
    return tuple(out)


def _wanted(
    catalog: Catalog, note_id: str, request: SetRequest, add: tuple, drop: tuple
) -> dict[str, object]:
    """Field or key -> its new value (None: taken out), every value checked."""
    rec = catalog.records[note_id]
    out: dict[str, object] = {}
    for key, raw in request.values:
        field = _field(key)
        if field == "title":
            out[field] = values.title(raw)
        elif field == "date":
            out[field] = parse_user_date(values.metadata_value("date", raw))
        elif field == "type":
            out[field] = values.note_type(raw) or _empty(key)
        elif field == "parent":
            ref = values.parent_ref(raw)
            parent = catalog.resolver.find(ref, request.note.cwd_prefix)
            if parent in descendants(catalog, note_id):
                raise InvalidInput(
                    f"parent {values.shown(raw)}: {parent} is {note_id} or below it, so the "
                    "Parent tree would become a circle; nothing was written"
                )
            out[field] = parent
        elif field == "tags":
            # Commas separate tags; a space in one is refused, as `new --tag` refuses it
            # (split there, "skin care" or a line break would make other tags).
            out[field] = values.tags(t for t in raw.split(",") if t.strip(" "))
        else:
            out[key] = values.metadata_value(key, raw)
    for key in request.unset:
        field = _field(key)
        if field == "title":
            raise InvalidInput("the title cannot be taken out; set another one (title=...)")
        out[field] = None
    if add or drop:
        tags = list(out.get("tags") or rec.tags)
        tags = [t for t in dict.fromkeys(tags + list(add)) if t not in drop]
        out["tags"] = tuple(tags) or None
    return out


def _empty(key: str) -> str:
    raise InvalidInput(f"{key}: the value is empty; use --unset {key} to take it out")


def plan_set(
    data: bytes, note_id: str, read_style: str, style: str, wanted: dict[str, object]
) -> Change:
    """The note's bytes with `wanted` written in `style` (the note's own, or the vault's
    for a note without metadata); refused unless the note reads back so. Pure."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(f"{note_id} is not valid UTF-8; it was left as it is") from None
    crlf = "\r\n" in text[: text.find("\n") + 1]
    end = "\r" if crlf else ""
    lines = text.split("\n")
    title = parse_note(text, note_id).record.title
    block = find_block([ln.rstrip("\r") for ln in lines], read_style)
    # The title last: in header style it is the `# Title` line, not a key of the block.
    for key in sorted(wanted, key=lambda k: k == "title"):
        if block.style == "plain" and not (key == "title" and style == "headers"):
            lines, block = _new_block(lines, style, end, title)
        lines = _write_key(lines, block, key, wanted[key], end)
        block = find_block([ln.rstrip("\r") for ln in lines], block.style)
    out = "\n".join(lines)
    _reads_back(out, note_id, (style, read_style), wanted)
    return Change(out.encode("utf-8"), keys=tuple(wanted))


def _new_block(lines: list[str], style: str, end: str, title: str) -> tuple[list[str], Block]:
    """A note without metadata given an empty block of `style` to write keys into: YAML
    fences first, or room for header lines under the note's `# Title` (made from what the
    title reads as when the note has no such line)."""
    if style == "yaml":
        rest = lines if lines and not lines[0].strip() else [end, *lines]
        return ["---" + end, "---" + end, *rest], Block("yaml", 0, 2, 2)
    first = next((i for i, ln in enumerate(lines) if ln.strip()), len(lines))
    if first < len(lines) and lines[first].startswith("# "):
        head, rest = lines[: first + 1], lines[first + 1 :]
    else:
        head, rest = [f"# {title}{end}"], lines
    rest = rest if rest and not rest[0].strip() else [end, *rest]
    at = len(head) + 1
    return [*head, end, *rest], Block("headers", at, at, at)


def _yaml_value(key: str, value: object) -> str:
    import yaml

    if key == "date":
        return str(value)  # a YAML date, as `vault new --yaml` writes it
    if isinstance(value, tuple | list):
        return yaml.safe_dump(list(value), default_flow_style=True, allow_unicode=True).strip()
    out = yaml.safe_dump(value, allow_unicode=True, width=1_000_000)
    return out.removesuffix("\n").removesuffix("...").strip()


def _quoted_as(old: str, new: str) -> str:
    """`new` (a YAML scalar) in the quotes `old` was written in, when it was quoted and
    `new` is a plain scalar: a value keeps its quoting."""
    if old[:1] not in ("'", '"') or new[:1] in ("'", '"', "[", "{"):
        return new
    if old[0] == "'":
        return "'" + new.replace("'", "''") + "'"
    return '"' + new.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _names(key: str) -> tuple[str, ...]:
    field = _field(key)
    if field in _HEADER_KEYS or field == "title":
        return tuple(k for k, v in KEY_ALIASES.items() if v == field)
    return (fold(key),)


def _write_key(lines: list[str], block: Block, key: str, value: object, end: str) -> list[str]:
    """`lines` with `key` set to `value` (None: taken out) in `block`."""
    bare = [ln.rstrip("\r") for ln in lines]
    headers = block.style in (HEADER_LINES.name, "plain")
    if headers and key == "title":
        return _write_title(lines, block, str(value), end)
    span = key_span(bare, block, _names(key))
    if value is None:
        if span is None:
            raise InvalidInput(f"--unset {key}: the note has no {key!r} key")
        return lines[: span[0]] + lines[span[1] :]
    shown = ", ".join(value) if isinstance(value, tuple) else str(value)
    if span is not None:
        first, last = span
        if headers:
            new = with_value(lines[first], shown)
        else:
            written, _, was = bare[first].partition(":")
            new = f"{written.rstrip()}: {_quoted_as(was.strip(), _yaml_value(key, value))}{end}"
        return lines[:first] + [new] + lines[last:]
    if headers:
        new = f"{_HEADER_KEYS.get(key, key)}: {shown}{end}"
        return lines[: block.end] + [new] + lines[block.end :]
    new = f"{key}: {_yaml_value(key, value)}{end}"
    return lines[: block.end - 1] + [new] + lines[block.end - 1 :]


def _write_title(lines: list[str], block: Block, title: str, end: str) -> list[str]:
    first = next((i for i, ln in enumerate(lines) if ln.strip()), len(lines))
    if first < len(lines) and lines[first].startswith("# "):
        return lines[:first] + [f"# {title}{end}"] + lines[first + 1 :]
    return [f"# {title}{end}", end, *lines]


def _reads_back(
    text: str, note_id: str, styles: tuple[str, str], wanted: dict[str, object]
) -> None:
    """Refuse (InvalidInput naming the key) unless the note reads back with what was
    asked, in the style asked."""
    rec, got = read_back(text, note_id)
    got["tags"] = got["tags"] or None
    for key, want in wanted.items():
        if key in got:
            have = got[key]
            if key == "title" and have == plain_text(str(want)):
                continue
            if key == "date" and want is None:
                continue  # the file name may still give a date
        else:
            have = next((v for k, v in rec.meta.items() if fold(k) == fold(key)), None)
            have = str(have) if have is not None else None
        if have != want:
            raise not_read_back(key, want, have)
    if rec.style not in styles:
        raise not_in_style(rec.style, styles[0])
