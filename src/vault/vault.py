"""The vault: open it (its root found by vault.locate), walk its notes, and name them (ids,
paths, state folder).

A note's id is its POSIX path relative to the vault root; every conversion between ids,
paths and names is here.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from vault.config import NO_CONFIG, VaultConfig, read_config
from vault.errors import FileFailed, OutsideVault
from vault.locate import CONFIG_FILE, NOTES_FOLDER, find_root, state_dir_for

# The folder earlier versions kept derived data in, inside the vault; never read now.
OLD_STATE_FOLDER = ".vault"


@dataclass(frozen=True, slots=True)
class Vault:
    """Where a vault lives on disk."""

    # Absolute, resolved root folder; note ids are relative to it.
    root: Path
    # Where the notes are: as ROOT/.vault.toml says, else ROOT/memory when it exists, else
    # ROOT itself.
    notes_dir: Path
    # What ROOT/.vault.toml says (NO_CONFIG without one).
    config: VaultConfig = NO_CONFIG

    @property
    def state_dir(self) -> Path:
        """Where vault keeps this vault's derived data (search index, parsed-notes cache,
        locks, unfinished-move records): outside the vault folder, under the user's cache
        directory, keyed by the vault's real path. Nothing a vault's files (its work tree or
        its .git) can bring is ever read as derived data, and deleting this loses nothing."""
        return Path(state_dir_for(self.root))

    @property
    def locks_dir(self) -> Path:
        return self.ensure_state_dir() / "locks"

    def ensure_state_dir(self) -> Path:
        state = self.state_dir
        try:
            if not state.is_dir():
                state.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            hint = "set VAULT_CACHE_DIR to a folder you can write"
            raise FileFailed("make the folder of derived data", state, exc, hint) from None
        return state

    def note_id(self, path: Path) -> str:
        """The id of a path inside the vault; OutsideVault otherwise."""
        rel = os.path.relpath(os.path.abspath(path), self.root)
        if rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
            raise OutsideVault(f"{path} is outside the vault at {self.root}")
        return Path(rel).as_posix()

    def path_of(self, note_id: str) -> Path:
        return self.root / note_id

    @property
    def notes_prefix(self) -> str:
        """The id prefix every note has: "memory/" or ""."""
        return "" if self.notes_dir == self.root else self.notes_dir.name + "/"


@dataclass(frozen=True, slots=True)
class Folder:
    """A folder of the notes folder, with how many notes it holds (`vault tree --folders`)."""

    # Its path as an id prefix, without the last "/" ("memory/research"; "" for the root).
    path: str
    # Notes directly in it.
    notes: int
    # Notes in it and every folder below.
    total: int
    # The folders in it that hold notes, by name.
    children: tuple[Folder, ...] = ()


def folder_tree(note_ids: Iterable[str], top: str = "") -> Folder:
    """The folders the notes `note_ids` are in, below `top` (the notes folder as an id
    prefix without its "/": "memory", or ""), with their counts; folders without notes
    anywhere below them are not there."""
    direct: dict[str, int] = {}
    for note_id in note_ids:
        folder = note_id.rpartition("/")[0]
        direct[folder] = direct.get(folder, 0) + 1
    below: dict[str, set[str]] = {}
    for folder in list(direct):
        while folder != top and folder:
            parent = folder.rpartition("/")[0]
            below.setdefault(parent, set()).add(folder)
            folder = parent

    def build(path: str) -> Folder:
        children = tuple(build(c) for c in sorted(below.get(path, ())))
        notes = direct.get(path, 0)
        return Folder(path, notes, notes + sum(c.total for c in children), children)

    return build(top)


def strip_md(path: str) -> str:
    """A path or name without its ".md" (any case)."""
    return path[:-3] if path.lower().endswith(".md") else path


def has_md(path: str) -> bool:
    return path.lower().endswith(".md")


def stem_of(note_id: str) -> str:
    """The file name of an id without ".md": what wikilinks name a note by."""
    return strip_md(note_id.rsplit("/", 1)[-1])


def open_vault(
    explicit: str | os.PathLike | None = None,
    cwd: Path | None = None,
    *,
    given_as: str = "--vault",
) -> Vault:
    """The vault of a command, found as vault.locate.find_root says (--vault or $VAULT_DIR,
    `given_as` says which; else from `cwd` up), with what its .vault.toml says. VaultNotFound
    says what was tried; BadConfig when the vault's .vault.toml is wrong."""
    root = Path(find_root(explicit, cwd, given_as=given_as))
    config_path = root / CONFIG_FILE
    config = read_config(config_path) if config_path.is_file() else NO_CONFIG
    if config.notes is not None:
        notes = root / config.notes if config.notes != "." else root
        return Vault(root=root, notes_dir=notes, config=config)
    notes = root / NOTES_FOLDER
    return Vault(root=root, notes_dir=notes if notes.is_dir() else root, config=config)


def walk_notes(
    vault: Vault, skipped: Callable[[str, str], None] | None = None
) -> Iterator[tuple[str, str, os.stat_result]]:
    """(id, absolute path, stat) of every *.md note, skipping hidden files and folders, in
    the order of walk_folders (which says which symbolic links are followed)."""
    for ids, paths, stats in walk_folders(vault, skipped):
        yield from zip(ids, paths, stats, strict=True)


def walk_folders(
    vault: Vault, skipped: Callable[[str, str], None] | None = None
) -> Iterator[tuple[list[str], list[str], list[os.stat_result]]]:
    """The notes, one folder at a time: (ids, absolute paths, stats) of every *.md note
    directly in it, skipping hidden files and folders. Folders come depth first (the last
    one found first), each folder's notes sorted by name: the order the file system lists
    them in changes when a note is rewritten through a temporary file on some (tmpfs, btrfs),
    and a resident process keeps a rewritten note in its place (vault.catalog.update_catalog).

    A symbolic link is followed only to a regular file inside the notes folder that is not
    hidden (not in .git, .obsidian, ...): a link cannot pull a file from elsewhere, such as
    .git/config with a password in a remote URL, into the notes. Folder links are never
    followed (no cycles). `skipped(id, reason)` hears of each link left out.
    """
    root = str(vault.root)
    notes = os.path.realpath(vault.notes_dir)
    prefix_len = len(root) + 1
    stack = [str(vault.notes_dir)]
    while stack:
        folder = stack.pop()
        try:
            fd = os.open(folder, _FOLDER_FLAGS) if _AT else None
        except OSError:
            continue
        try:
            found = _listed(folder, fd, notes, prefix_len, stack, skipped)
        finally:
            if fd is not None:
                os.close(fd)
        if found is not None:
            yield found


# Each note is stat'ed by its name relative to its open folder (fstatat) where the platform
# can: the kernel then resolves one name, not every folder of the path again (at 100,000
# notes, a sixth less CPU in the walk).
_AT = os.stat in os.supports_dir_fd and os.scandir in os.supports_fd
_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)


def _listed(
    folder: str,
    fd: int | None,
    notes: str,
    prefix_len: int,
    stack: list[str],
    skipped: Callable[[str, str], None] | None,
) -> tuple[list[str], list[str], list[os.stat_result]] | None:
    """walk_folders' (ids, paths, stats) of the notes directly in `folder` (open as `fd`,
    when the platform stats by folder), its folders pushed on `stack`; None when it cannot
    be listed."""
    try:
        entries = list(os.scandir(folder if fd is None else fd))
    except OSError:
        return None
    base = folder + os.sep
    names = []
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                stack.append(base + name)
                continue
            if not name.lower().endswith(".md"):
                continue
            if entry.is_symlink():
                path = base + name
                why = _link_problem(path, notes)
                if why:
                    if skipped is not None:
                        skipped(path[prefix_len:].replace(os.sep, "/"), why)
                    continue
        except OSError:
            continue
        names.append(name)
    names.sort()  # a folder's paths sorted by name, as sorted by path
    stats = _stats(names, fd) if fd is not None else _stats([base + n for n in names])
    if not all([st is not None and stat.S_ISREG(st.st_mode) for st in stats]):
        # Gone meanwhile, or a FIFO or device named *.md (it would hang or flood a reader).
        kept = [(n, st) for n, st in zip(names, stats, strict=True) if _regular(st)]
        names, stats = [n for n, _ in kept], [st for _, st in kept]
    paths = [base + name for name in names]
    ids = [path[prefix_len:] for path in paths]
    if os.sep != "/":
        ids = [i.replace(os.sep, "/") for i in ids]
    return ids, paths, stats


def _stats(names: list[str], fd: int | None = None) -> list[os.stat_result | None]:
    """os.stat of each name (links followed; relative to the open folder `fd` when given),
    None for a file gone meanwhile: one call for a folder's notes, not a Python loop with a
    try per note (a tenth of a warm walk)."""
    try:
        if fd is None:
            return list(map(os.stat, names))
        at = os.stat
        return [at(name, dir_fd=fd) for name in names]
    except OSError:  # one is gone meanwhile (rare): each on its own
        return [_stat_or_none(name, fd) for name in names]


def _regular(st: os.stat_result | None) -> bool:
    return st is not None and stat.S_ISREG(st.st_mode)


def _stat_or_none(path: str, fd: int | None = None) -> os.stat_result | None:
    try:
        return os.stat(path, dir_fd=fd)
    except OSError:
        return None


def existing_note(vault: Vault, note_id: str) -> bool:
    """Whether `note_id` names a note of the vault as the walk would find it (a visible .md
    file in the notes folder, a symbolic link only as the walk follows one), without
    walking: for a command that is given an exact id and needs nothing else."""
    prefix = vault.notes_prefix
    if not note_id.lower().endswith(".md") or not note_id.startswith(prefix):
        return False
    parts = note_id.split("/")
    if any(not part or part.startswith(".") or part in ("..",) for part in parts):
        return False
    path = vault.path_of(note_id)
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if stat.S_ISLNK(st.st_mode):
        return not _link_problem(str(path), os.path.realpath(vault.notes_dir))
    # Every folder on the way must be a real folder: the walk never follows folder links.
    folder = path.parent
    while folder != vault.notes_dir:
        if folder.is_symlink():
            return False
        folder = folder.parent
    return stat.S_ISREG(st.st_mode)


def _link_problem(path: str, notes: str) -> str:
    """Why the symbolic link at `path` is not followed, or "" when it may be."""
    target = os.path.realpath(path)
    if target != notes and not target.startswith(notes + os.sep):
        return "a symbolic link to a file outside the notes folder; not read"
    rel = target[len(notes) + 1 :]
    if any(part.startswith(".") for part in rel.split(os.sep)):
        return "a symbolic link into a hidden folder (such as .git); not read"
    if not os.path.isfile(target):
        return "a symbolic link to something that is not a file; not read"
    return ""
