"""JSON on stdout: `--json` output is written here, and only here, byte for byte as
`json.dumps(data, indent=2, ensure_ascii=False)` would write it."""

from __future__ import annotations

import json
import re
import sys

import click

# A file name that is not UTF-8 reaches Python as lone surrogates (os.fsdecode); JSON writes
# them as its escapes ("caf\\udce9.md"), which json.loads reads back as the same name.
_SURROGATE = re.compile("[\ud800-\udfff]")


def emit_json(data: object) -> None:
    click.echo(json_output(data))


def json_output(data: object) -> str:
    """What emit_json prints (without the line end)."""
    text = json_text(data)
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
