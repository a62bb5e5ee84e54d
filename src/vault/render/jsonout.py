"""JSON on stdout: `--json` output is written here, and only here, byte for byte as
`json.dumps(data, indent=2, ensure_ascii=False)` would write it."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from itertools import chain, repeat

import click

# A file name that is not UTF-8 reaches Python as lone surrogates (os.fsdecode); JSON writes
# them as its escapes ("caf\\udce9.md"), which json.loads reads back as the same name.
_SURROGATE = re.compile("[\ud800-\udfff]")


def emit_json(data: object) -> None:
    click.echo(json_output(data))


def json_output(data: object) -> str:
    """What emit_json prints (without the line end)."""
    return _printable(json_text(data))


def objects_output(keys: tuple[str, ...], columns: Sequence[Sequence]) -> str:
    """What emit_json prints for a list of flat objects given by column: the objects
    `dict(zip(keys, row))` of each row of `columns` (the same length each)."""
    return _printable(json_objects(keys, columns))


def _printable(text: str) -> str:
    try:
        text.encode("utf-8")  # one C pass, 6x faster than the search: fails on a surrogate
    except UnicodeEncodeError:
        text = _SURROGATE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
    return text


_quote = json.encoder.encode_basestring  # what ensure_ascii=False quotes strings with


def _scalar(value: object) -> str | None:
    """A JSON scalar as json.dumps(ensure_ascii=False) writes it; None for anything else."""
    if isinstance(value, str):
        return _quote(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return json.dumps(value)  # floats as json writes them (NaN, Infinity and all)
    return None


def json_text(data: object) -> str:
    """`json.dumps(data, indent=2, ensure_ascii=False)`, the same to the byte. With an
    indent, json falls back to its pure-Python encoder: a list of flat objects (`list`, a
    search) is written here instead, a C call a value."""
    if isinstance(data, list) and data and all(isinstance(d, dict) and d for d in data):
        items = []
        heads: dict[str, str] = {}  # each key quoted once: `    "key": `
        for d in data:
            fields = []
            for k, v in d.items():
                head = heads.get(k)
                if head is None:
                    if not isinstance(k, str):
                        return _dumps(data)
                    head = heads[k] = f"    {_quote(k)}: "
                if v.__class__ is str:  # most values: a C call, no other test
                    text = _quote(v)
                elif v is None:
                    text = "null"
                elif (text := _scalar(v)) is None:
                    return _dumps(data)
                fields.append(head + text)
            items.append("  {\n" + ",\n".join(fields) + "\n  }")
        return "[\n" + ",\n".join(items) + "\n]"
    return _dumps(data)


# The values json_objects writes by column (any other: json_text writes them).
_FLAT = frozenset((str, type(None)))


def json_objects(keys: tuple[str, ...], columns: Sequence[Sequence]) -> str:
    """`json_text` of the objects `dict(zip(keys, row))` of each row of `columns`, the same
    to the byte, written a column at a time: each column of strings and nulls quoted in
    one pass (a C call a string), and the whole text joined in one call, in C."""
    count = len(columns[0]) if columns else 0
    if (
        not keys
        or not count
        or len(set(keys)) != len(keys)
        or not all(isinstance(k, str) for k in keys)
        or not all(set(map(type, column)) <= _FLAT for column in columns)
    ):
        return json_text([dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)])
    quoted = [
        list(map(_quote, column))
        if None not in column
        else [_quote(v) if v is not None else "null" for v in column]
        for column in columns
    ]
    # One join builds the text (at 100,000 notes, 22 million characters: each copy counts).
    first = chain(
        (f"[\n  {{\n    {_quote(keys[0])}: ",),
        repeat(f",\n  {{\n    {_quote(keys[0])}: ", count - 1),
    )
    pieces: list = [first, quoted[0]]
    for key, values in zip(keys[1:], quoted[1:], strict=True):
        pieces += [repeat(f",\n    {_quote(key)}: ", count), values]
    pieces.append(repeat("\n  }", count))
    return "".join(chain(chain.from_iterable(zip(*pieces, strict=True)), ("\n]",)))


# json's indenting encoder recurses twice a level (object, list): a `tree --json` of a
# Parent chain 500 deep needs more than Python's default 1000 frames.
_DEEP = 10_000


def _dumps(data: object) -> str:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _DEEP))
    try:
        return json.dumps(data, indent=2, ensure_ascii=False)
    finally:
        sys.setrecursionlimit(limit)
