"""A vault's configuration file, `.vault.toml` at its root: read it (tomllib), write it (four
keys, by hand: TOML people edit), and infer its values from a vault's notes (`vault init`).

A vault needs no configuration: without the file, the notes folder is memory/ when there is
one, new notes get header lines, and the link rules follow from the vault's own files
(vault.resolve.detect_kind). The file pins these down and marks the folder as a vault, so
`vault` finds it from anywhere below.

Standard library only (and vault.headers): every command reads this module.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from vault.errors import VaultError
from vault.locate import CONFIG_FILE as CONFIG_FILE  # its name, where finding a vault looks

# Header styles a new note can be written in (vault.headers' names for them).
HEADER_STYLES = ("headers", "yaml")
# Whose link rules apply (vault.resolve.VaultKind's names).
LINK_RULES = ("plain", "obsidian", "dendron")
# How much of a note `infer_config` reads to see its header style.
_HEAD_BYTES = 4096


class BadConfig(VaultError):
    """A configuration file that cannot be read, or with a key that is wrong."""


@dataclass(frozen=True, slots=True)
class VaultConfig:
    """What `.vault.toml` says; each field None when the file does not set it (or there is
    no file), so the default rule applies."""

    # The notes folder: a folder in the root ("memory"), or "." for the root itself; None:
    # ROOT/memory when it exists, else the root.
    notes: str | None = None
    # How `vault new` writes a note's metadata: "headers" (Key: value lines under the title)
    # or "yaml" (front matter); None: header lines, unless --yaml.
    header_style: str | None = None
    # The type of a new note given no --type and no parent; None: "Note".
    default_type: str | None = None
    # Whose link rules apply: "plain", "obsidian" or "dendron"; None: detected from the
    # vault's files (dendron.yml, .obsidian/).
    links: str | None = None
    # The file this was read from; None when there is none.
    path: Path | None = None


NO_CONFIG = VaultConfig()

# Key -> (the choices it allows, or () for any one-line text; the comment written above it).
_KEYS: dict[str, tuple[tuple[str, ...], str]] = {
    "notes": ((), 'The notes folder: a folder next to this file, or "." for this folder itself.'),
    "header_style": (
        HEADER_STYLES,
        'How `vault new` writes metadata: "headers" (Key: value lines) or "yaml".',
    ),
    "default_type": ((), "The type of a new note without --type and without a parent."),
    "links": (LINK_RULES, 'Whose link rules apply: "plain", "obsidian" or "dendron".'),
}


def read_config(path: Path) -> VaultConfig:
    """The configuration in `path`; BadConfig naming the file and the key when it is wrong."""
    import tomllib

    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise BadConfig(f"{path}: cannot read it: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadConfig(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise BadConfig(f"{path}: not valid UTF-8") from None
    values: dict[str, str] = {}
    for key, value in data.items():
        if key not in _KEYS:
            known = ", ".join(_KEYS)
            raise BadConfig(f"{path}: unknown key {key!r}; the keys are: {known}")
        choices, _ = _KEYS[key]
        if not isinstance(value, str) or not value.strip() or "\n" in value:
            raise BadConfig(f"{path}: key {key!r} must be one line of text in quotes")
        if choices and value not in choices:
            listed = ", ".join(repr(c) for c in choices)
            raise BadConfig(f"{path}: key {key!r} is {value!r}; use one of: {listed}")
        values[key] = value.strip()
    notes = values.get("notes")
    if notes is not None:
        # Note ids start with the notes folder's name (vault.Vault.notes_prefix): one name.
        if notes != "." and (notes in ("..",) or "/" in notes or os.sep in notes):
            raise BadConfig(
                f"{path}: key 'notes' must name a folder next to the file, or '.', not {notes!r}"
            )
        if not (path.parent / notes).is_dir():
            raise BadConfig(f"{path}: key 'notes': there is no folder {notes!r} next to the file")
    return VaultConfig(path=path, **values)


def config_text(config: VaultConfig) -> str:
    """The file `vault init` writes: every key set, each with a comment saying what it does."""
    lines = ["# vault's configuration (see the README, section Configuration)."]
    for key, (_, comment) in _KEYS.items():
        value = getattr(config, key)
        if value is not None:
            escaped = value.replace("\\", "\\\\").replace('"', '\\"')
            lines += [f"# {comment}", f'{key} = "{escaped}"']
    return "\n".join(lines) + "\n"


def infer_config(root: Path, note_paths: Iterable[str]) -> VaultConfig:
    """The configuration that describes the vault at `root` as it is, whose notes are the
    files `note_paths`: its notes folder, the header style most of its notes use (YAML for
    an Obsidian or Dendron vault, which only read front matter), header lines when it has no
    notes yet, the type "Note", and the link rules its files show."""
    notes = "memory" if (root / "memory").is_dir() else "."
    links = links_shown(root, root / notes)
    style = "yaml" if links != "plain" else _most_used_style(note_paths)
    return VaultConfig(notes=notes, header_style=style, default_type="Note", links=links)


def links_shown(root: Path, notes_dir: Path) -> str:
    """Whose link rules the vault's files show: "dendron" (a dendron.yml), "obsidian" (an
    .obsidian/ folder) or "plain", at the root or in the notes folder."""
    folders = [root] + ([notes_dir] if notes_dir != root else [])
    if any((f / "dendron.yml").is_file() for f in folders):
        return "dendron"
    if any((f / ".obsidian").is_dir() for f in folders):
        return "obsidian"
    return "plain"


# How many notes `new_note_style` looks at to see which style a vault's notes use.
STYLE_SAMPLE = 25


def new_note_style(root: Path, notes_dir: Path, config: VaultConfig) -> tuple[str, str]:
    """(header style, link rules) a new note of this vault is written in: what its
    configuration says; else YAML in an Obsidian or Dendron vault (they read only front
    matter as properties); else the style most of the first STYLE_SAMPLE notes found use."""
    links = config.links or links_shown(root, notes_dir)
    if config.header_style:
        return config.header_style, links
    if links != "plain":
        return "yaml", links
    return _most_used_style(_some_notes(notes_dir, STYLE_SAMPLE)), links


def _some_notes(folder: Path, most: int) -> list[str]:
    """Up to `most` notes under `folder`, in name order, folder by folder, hidden folders
    skipped: a sample, not a walk of a 100,000-note vault (it stops at the first folders
    that hold enough)."""
    found: list[str] = []
    folders = [str(folder)]
    while folders and len(found) < most:
        try:
            with os.scandir(folders.pop()) as entries:
                listed = sorted(entries, key=lambda e: e.name)
        except OSError:
            continue
        found += [e.path for e in listed if e.name.endswith(".md") and _is_file(e)]
        below = [e.path for e in listed if not e.name.startswith(".") and _is_dir(e)]
        folders += reversed(below)  # the first folder by name is looked into next
    return found[:most]


def _is_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _most_used_style(note_paths: Iterable[str]) -> str:
    from vault.headers import find_block

    seen: Counter[str] = Counter()
    for path in note_paths:
        try:
            with open(path, "rb") as fh:
                head = fh.read(_HEAD_BYTES).decode("utf-8-sig", errors="replace")
        except OSError:
            continue
        seen[find_block(head.replace("\r\n", "\n").split("\n")).style] += 1
    return "yaml" if seen["yaml"] > seen["headers"] else "headers"  # a tie: header lines


def write_config(root: Path, config: VaultConfig) -> Path:
    """Write `config` to ROOT/.vault.toml; BadConfig when the file is already there (a
    configuration is edited by hand, never overwritten)."""
    from vault.atomic import create_exclusive

    path = root / CONFIG_FILE
    if os.path.lexists(path):
        raise BadConfig(f"{path} already exists; edit it by hand, or delete it and run init again")
    try:
        create_exclusive(path, config_text(config).encode("utf-8"))
    except FileExistsError:
        raise BadConfig(f"{path} already exists; edit it by hand") from None
    return path
