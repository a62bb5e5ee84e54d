"""Which tool wrote the vault, and the rules that follow from it for wikilinks: Dendron writes
[[label|target]] and `dendron://vault/note`, everyone else [[target|label]]."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from vault.links import split_dendron_vault
from vault.model import Link, NoteRecord
from vault.vault import Vault


@dataclass(frozen=True, slots=True)
class VaultKind:
    """Which tool wrote the vault, as far as links are concerned."""

    # "obsidian" (an .obsidian/ folder at the root: Markdown link paths resolve like
    # wikilinks), "dendron" (wikilinks are [[label|target]]) or "plain" (Foam, this
    # project's own vaults, anything else: wikilinks are [[target|label]], Markdown links
    # are paths).
    name: str = "plain"
    # Dendron: the vault names dendron.yml lists, for `dendron://name/note` links; None when
    # they are not known (any name is then this vault).
    dendron_vaults: frozenset[str] | None = None
    # What showed the kind ("dendron.yml at the root", ...), for people.
    why: str = ""


PLAIN_KIND = VaultKind()


def may_be_root(note_id: str) -> bool:
    """Whether the note could be Dendron's root note by its place: a root.md at the top or
    one folder down (detect_kind then reads its metadata)."""
    return (note_id == "root.md" or note_id.endswith("/root.md")) and note_id.count("/") <= 1


def detect_kind(
    vault: Vault, records: Mapping[str, NoteRecord], candidates: Iterable[str] | None = None
) -> VaultKind:
    """The kind of a vault: Dendron when a dendron.yml is at its root (or its notes folder's)
    or when Dendron's root note is there (a `root.md` whose YAML `id` is `root`, which Dendron
    gives every vault: the vendored dendron-site has no dendron.yml), else Obsidian when an
    .obsidian/ folder is there, else plain. A `links` key in the vault's .vault.toml
    (vault.config) says it instead, and wins. `candidates`: the ids, in walk order, that
    may be Dendron's root note (among them every note named root.md in any case), when the
    caller knows them (a catalog whose name tables are at hand); by default every id."""
    folders = [vault.root] + ([vault.notes_dir] if vault.notes_dir != vault.root else [])
    rules = vault.config.links
    if rules is not None:
        why = f"links = {rules!r} in {vault.config.path.name if vault.config.path else 'config'}"
        yml = next((f / "dendron.yml" for f in folders if (f / "dendron.yml").is_file()), None)
        vaults = _dendron_vaults(yml) if rules == "dendron" and yml is not None else None
        return VaultKind(rules, vaults, why)
    for folder in folders:
        config = folder / "dendron.yml"
        if config.is_file():
            return VaultKind("dendron", _dendron_vaults(config), f"{config.name} found")
    for note_id in records if candidates is None else candidates:
        if may_be_root(note_id):
            rec = records[note_id]
            if rec.style == "yaml" and rec.meta.get("id") == "root":
                return VaultKind("dendron", None, f"{note_id} is a Dendron root note")
    for folder in folders:
        if (folder / ".obsidian").is_dir():
            return VaultKind("obsidian", None, ".obsidian/ found")
    return PLAIN_KIND


def _dendron_vaults(config: Path) -> frozenset[str] | None:
    """The names of the vaults in dendron.yml (`workspace.vaults[].name`, else the folder's
    name), or None when the file does not list them."""
    from vault.notes import load_yaml

    try:
        with open(config, "rb") as fh:
            text = fh.read(1 << 20).decode("utf-8", errors="replace")
    except OSError:
        return None
    data, _ = load_yaml(text)
    workspace = data.get("workspace") if isinstance(data, dict) else None
    vaults = workspace.get("vaults") if isinstance(workspace, dict) else None
    if not isinstance(vaults, list):
        return None
    names = set()
    for entry in vaults:
        if isinstance(entry, dict):
            name = entry.get("name") or os.path.basename(str(entry.get("fsPath", "")).rstrip("/"))
            if name and name != ".":
                names.add(str(name))
    return frozenset(names) or None


def target_on_right(kind: VaultKind, link: Link) -> bool:
    """Is the target of this wikilink written after its "|" (Dendron's order)?"""
    return link.syntax == "wikilink" and bool(link.alias) and kind.name == "dendron"


def wiki_name(kind: VaultKind, name: str) -> str | None:
    """A wikilink target without Dendron's `dendron://vault/` prefix; None when it names a
    vault this one is not."""
    vault, rest = split_dendron_vault(name.strip())
    if vault is None:
        return name
    known = kind.dendron_vaults
    return rest if known is None or vault in known else None
