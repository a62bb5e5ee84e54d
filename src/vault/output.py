"""Files vault writes at a user's request (`graph -o FILE`): never over a note, never over
anything but a regular file, always whole (temp file + rename)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from vault.atomic import write_atomic
from vault.errors import InvalidInput
from vault.vault import Vault, has_md

# What `-o` takes to mean standard output.
STDOUT = "-"


def check_output(path: str | os.PathLike, vault: Vault) -> Path:
    """The file `-o path` may write, or InvalidInput saying why not: a folder, a missing
    folder, an existing file that is not a regular file (a device, a FIFO, a socket), or a
    note of the vault (or a new .md file among the notes, which would become one)."""
    target = Path(path)
    try:
        st = os.stat(target)  # follows a symbolic link to what it points at
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise InvalidInput(f"cannot write {target}: {exc.strerror or exc}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise InvalidInput(f"{target} is a folder; give a file name for -o")
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise InvalidInput(
            f"{target} exists and is not a regular file; vault only replaces earlier exports"
        )
    real = Path(os.path.realpath(target))
    notes = Path(os.path.realpath(vault.notes_dir))
    if has_md(real.name) and (real.parent == notes or notes in real.parents):
        raise InvalidInput(
            f"{target} is {'a note' if st is not None else 'among the notes'} of the vault; "
            "write the export outside the notes folder, or to - for standard output"
        )
    if not real.parent.is_dir():
        raise InvalidInput(f"folder {target.parent} does not exist; create it or choose another -o")
    return target


def write_output(path: str | os.PathLike, text: str, vault: Vault) -> None:
    """Write `text` to `path` atomically, a reader never seeing half an export and a failed
    write leaving the old file (see check_output for what is refused)."""
    target = check_output(path, vault)
    try:
        write_atomic(Path(os.path.realpath(target)), text.encode("utf-8"))
    except OSError as exc:
        raise InvalidInput(f"cannot write {target}: {exc.strerror or exc}") from exc
