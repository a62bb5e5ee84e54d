"""Where a vault is: its root, found from --vault, $VAULT_DIR or the working folder, and the
state folder its derived data is kept in.

The CLI's fast path (vault.serve.client) runs this before it decides whether to import
anything else, so it imports the standard library's lightest modules only: no pathlib, no
dataclasses, paths as strings. vault.vault.open_vault builds the Vault from the root found
here, with its configuration.
"""

from __future__ import annotations

import os
import sys

from vault.errors import BareRepository, DerivedDataInVault, VaultNotFound

CONFIG_FILE = ".vault.toml"
NOTES_FOLDER = "memory"
# A folder holding this is an Obsidian vault.
OBSIDIAN_FOLDER = ".obsidian"


def find_root(
    explicit: str | os.PathLike | None = None,
    cwd: str | os.PathLike | None = None,
    *,
    given_as: str = "--vault",
) -> str:
    """The absolute, resolved root of a command's vault, found in this order: `explicit`
    (--vault or $VAULT_DIR, `given_as` says which), else the nearest folder at or above
    `cwd` holding a .vault.toml, a memory/ folder or an .obsidian/ folder, else the top of
    the git work tree `cwd` is in when it holds Markdown notes. VaultNotFound says what was
    tried; BareRepository when `explicit` is a git directory."""
    if explicit:
        root = os.path.expanduser(os.fspath(explicit))
        if not os.path.isdir(root):
            raise VaultNotFound(_not_a_folder(root, given_as))
        root = os.path.realpath(root)
        if _is_git_dir(root):
            raise BareRepository(
                f"{root} (from {given_as}) is a git directory, not a vault: notes written "
                "there would land among git's own files; give the folder of a work tree"
            )
        return root
    start = os.path.realpath(cwd or os.getcwd())
    for folder in _up_from(start):
        if os.path.isfile(os.path.join(folder, CONFIG_FILE)) or os.path.isdir(
            os.path.join(folder, NOTES_FOLDER)
        ):
            return folder
        if os.path.isdir(os.path.join(folder, OBSIDIAN_FOLDER)):
            # An Obsidian vault kept as ROOT/memory: the vault is ROOT, ids keep "memory/".
            return os.path.dirname(folder) if os.path.basename(folder) == NOTES_FOLDER else folder
    top = git_top(start)
    if top is not None and has_markdown(top):
        return top
    git = (
        "not in a git work tree"
        if top is None
        else f"the git work tree at {top} holds no Markdown notes"
    )
    raise VaultNotFound(
        f"no vault found from {start}: tried --vault (not given), $VAULT_DIR (not set), "
        f"a {CONFIG_FILE}, {NOTES_FOLDER}/ or {OBSIDIAN_FOLDER}/ in it or any folder above, "
        f"and the top of its git work tree ({git}); run `vault init` in the vault's folder, "
        "or pass --vault DIR"
    )


def command_at(argv: list[str]) -> tuple[str | None, int] | None:
    """Where the command is in `vault ARGV` and the vault folder given before it: (--vault,
    else $VAULT_DIR, else None; the command's index, len(argv) when there is none); None
    when another option comes before the command. The CLI's fast path and the walk ahead
    read a command line this way, before click is imported."""
    vault_dir = os.environ.get("VAULT_DIR") or None
    at = 0
    while at < len(argv) and argv[at].startswith("-"):
        if argv[at] == "--vault" and at + 1 < len(argv):
            vault_dir, at = argv[at + 1], at + 2
        elif argv[at].startswith("--vault="):
            vault_dir, at = argv[at][len("--vault=") :], at + 1
        else:
            return None
    return vault_dir, at


def cache_home() -> str:
    """$VAULT_CACHE_DIR, else $XDG_CACHE_HOME/vault, else ~/.cache/vault; absolute (a
    relative setting is taken from the working folder, once, not wherever a later open
    happens to run)."""
    explicit = os.environ.get("VAULT_CACHE_DIR")
    if explicit:
        return os.path.abspath(os.path.expanduser(explicit))
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = os.path.expanduser(xdg) if xdg else os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.abspath(os.path.join(base, "vault"))


def state_dir_for(root: str | os.PathLike) -> str:
    """The state folder of the vault at `root`: its name (for people looking in the cache)
    and a hash of its real path (so two vaults never share one).

    DerivedDataInVault when it would lie inside the vault or the git work tree holding it:
    derived data is read back as trusted (Whoosh's files are pickles), and there a file that
    arrived with the vault (a pull, a clone, a synced folder) could stand in for it."""
    real = os.path.realpath(root)
    home = cache_home()
    key = (real, home)
    if key not in _checked:
        _refuse_inside(real, home)
        _checked[key] = _state_name(real)
    return os.path.join(home, _checked[key])


# (vault's real path, cache home) -> the state folder's name, once checked.
_checked: dict[tuple[str, str], str] = {}


def _state_name(real: str) -> str:
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in os.path.basename(real))
    digest = _sha256()(real.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return f"{name[:40] or 'vault'}-{digest}"


def _sha256():
    """SHA-256, from CPython's built-in module where it has one: `import hashlib` loads
    OpenSSL first (~5 ms, a twelfth of a served `vault search`); the digests are the same.
    The module's name depends on the version (3.12 renamed it), hence __import__ by name."""
    try:
        return __import__("_sha2" if sys.version_info >= (3, 12) else "_sha256").sha256
    except (ImportError, AttributeError):  # another Python, or one built without it
        from hashlib import sha256

        return sha256


def _refuse_inside(real: str, home: str) -> None:
    cache = os.path.realpath(home)
    for tree in (real, git_top(real)):
        if tree and _within(cache, tree):
            raise DerivedDataInVault(
                f"vault's derived-data folder {cache} is inside "
                f"{'the vault' if tree == real else 'the git work tree'} {tree}, where a "
                "file arriving with the vault could pass for derived data; set "
                "VAULT_CACHE_DIR (or XDG_CACHE_HOME) to a folder outside it"
            )


def _within(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:  # on two drives (Windows): apart
        return False


def git_top(start: str | os.PathLike) -> str | None:
    """The top of the git work tree holding `start` (the nearest folder with a .git folder
    or file), or None; without running git, so finding a vault stays cheap."""
    for folder in _up_from(os.fspath(start)):
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
    return None


def has_markdown(root: str | os.PathLike) -> bool:
    """Whether a *.md file is anywhere under `root`, outside hidden folders (stops at the
    first one)."""
    stack = [os.fspath(root)]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.name.lower().endswith(".md") and entry.is_file():
                    return True
            except OSError:
                continue
    return False


def _up_from(folder: str):
    """`folder` (absolute) and each folder above it, up to the file system's root."""
    while True:
        yield folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        folder = parent


def _is_git_dir(folder: str) -> bool:
    """A bare repository, a .git folder, or a folder inside one (git's own test of a git
    directory: HEAD, objects/ and refs/)."""
    if ".git" in folder.split(os.sep):
        return True
    return any(
        os.path.isfile(os.path.join(f, "HEAD"))
        and os.path.isdir(os.path.join(f, "objects"))
        and os.path.isdir(os.path.join(f, "refs"))
        for f in _up_from(folder)
    )


def _not_a_folder(root: str, given_as: str) -> str:
    """What to say when --vault (or $VAULT_DIR) names no folder: a note, most often, whose
    own vault is named when there is one."""
    from pathlib import Path  # only for the message: its spelling of the path, as given

    shown = repr(str(Path(root)))
    if not os.path.exists(root):
        return f"vault folder {shown} (from {given_as}) does not exist"
    said = f"{shown} (from {given_as}) is a file, not a vault's folder"
    try:
        found = find_root(None, os.path.dirname(os.path.realpath(root)))
    except (VaultNotFound, BareRepository):
        return said
    return f"{said}; the vault it is in is {found} (give that, or the note itself to the command)"
