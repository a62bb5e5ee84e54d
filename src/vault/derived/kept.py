"""Results kept on disk between commands run alone: a `vault graph` export or a `list --json`
of an unchanged vault is read back, not built again (at 100,000 notes the export is 110 MB
of JSON built in ~15 s of CPU; read back, a fraction of a second).

A result is kept for a key made of everything it depends on: the request (its options, as
the caller words them), the catalog's state, and the code that built it. The catalog's state
is its notes' ids, content digests and file states as this command's walk found them, and
the catalog cache's file as it is now: a note read again for any reason (edited, touched, a
file replaced), or the cache rebuilt, gives another key. The code is vault's version and
the modification times of its modules, so an edited or upgraded install never reads back
what older code wrote. A server keeps its results in memory instead, per catalog
(vault.serve.resident.Resident.kept): the same rule, "nothing but the catalog and the
request decide it".

Each result is one file, written atomically, with its length and a BLAKE2 digest in a
first line of JSON: a file cut short or damaged is built again (and replaced), never
printed. Only the last KEEP results are kept; the files are plain bytes, never code.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

FOLDER = "kept"
KEEP = 4  # results kept: a graph export and a list or two of the same vault
_SUFFIX = ".out"

T = TypeVar("T")


@dataclass(frozen=True)
class Codec(Generic[T]):
    """How a kind of result is written as bytes and read back: `dump` gives its facts (a
    JSON object) and its bytes in pieces; `load` makes it again from those."""

    name: str
    dump: Callable[[T], tuple[dict, Iterable[bytes]]]
    load: Callable[[dict, bytes], T]


TEXT: Codec[str] = Codec(
    "text",
    lambda text: ({}, (text.encode("utf-8", "surrogatepass"),)),
    lambda facts, data: data.decode("utf-8", "surrogatepass"),
)


def kept(folder: Path, state: bytes | None, key: str, build: Callable[[], T], codec: Codec[T]) -> T:
    """`build()`, or what it returned before for `key` in the catalog state `state` (None:
    build, and keep nothing). Results are kept in `folder` (created when missing); when it
    cannot be read or written, this is `build()`."""
    if state is None:
        return build()
    name = _name(codec.name, key, state)
    path = folder / name
    found = _read(path, codec)
    if found is not None:
        return found
    result = build()
    try:
        _write(folder, path, codec, result)
    except OSError:
        pass  # a full disk or a read-only folder: the result, not kept
    return result


def _name(kind: str, key: str, state: bytes) -> str:
    digest = hashlib.blake2b(digest_size=20)
    for part in (_code_stamp(), kind.encode(), key.encode("utf-8", "surrogatepass"), state):
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest() + _SUFFIX


def _read(path: Path, codec: Codec[T]) -> T | None:
    try:
        with open(path, "rb") as fh:
            head = fh.readline(4096)
            data = fh.read()
        facts = json.loads(head)
        if (
            not isinstance(facts, dict)
            or facts.get("length") != len(data)
            or facts.get("blake2b") != hashlib.blake2b(data).hexdigest()
        ):
            return None
        result = codec.load(facts.get("facts", {}), data)
    except (OSError, ValueError, TypeError, KeyError, UnicodeError):
        return None  # missing, cut short, damaged: built again
    try:
        os.utime(path)  # the most recently used are the ones kept
    except OSError:
        pass
    return result


def _write(folder: Path, path: Path, codec: Codec[T], result: T) -> None:
    from vault.atomic import write_atomic

    facts, pieces = codec.dump(result)
    data = b"".join(pieces)
    head = {"length": len(data), "blake2b": hashlib.blake2b(data).hexdigest(), "facts": facts}
    folder.mkdir(exist_ok=True)
    # Not fsynced: derived data; a file a crash left half written fails its digest.
    write_atomic(path, json.dumps(head).encode() + b"\n" + data, durable=False)
    _prune(folder)


def _prune(folder: Path) -> None:
    """Keep the KEEP most recently used results."""
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.endswith(_SUFFIX):
                try:
                    found.append((entry.stat().st_mtime_ns, entry.path))
                except OSError:
                    pass
    for _, path in sorted(found, reverse=True)[KEEP:]:
        try:
            os.unlink(path)
        except OSError:
            pass


_stamp: bytes | None = None


def _code_stamp() -> bytes:
    """vault's version and its modules' modification times (an edited or upgraded install
    writes its own results)."""
    global _stamp
    if _stamp is None:
        from vault import __version__

        top = Path(__file__).resolve().parent.parent
        parts = [__version__]
        for base, folders, files in os.walk(top):
            folders[:] = sorted(f for f in folders if f != "__pycache__")
            for name in sorted(files):
                if name.endswith(".py"):
                    st = os.stat(os.path.join(base, name))
                    parts.append(f"{base[len(str(top)) :]}/{name} {st.st_mtime_ns} {st.st_size}")
        _stamp = "\n".join(parts).encode("utf-8", "surrogatepass")
    return _stamp
