"""A catalog brought up to date from the notes and folders that changed, not from a walk of the
whole vault: for a resident process told by its watcher (vault.serve.watch) which notes were
written in place and which folders saw a note made, moved or deleted.

The notes written in place are compared with the cache, and those folders listed again and
their files compared with it, exactly as the walk would compare them (only the files whose
state differs from the cached one are read; a note another process already parsed into the
cache is taken from there); every other note keeps its file state and digest from the old
catalog. The walk yields a folder's files one after
another, so the folder's block of ids is replaced in place and the order stays the walk's.

Where that cannot be told so cheaply, `update_catalog` returns None and the caller walks the
vault: a folder whose files are not in the catalog yet (a new folder, or one that had no
note), a note that is a symbolic link (the walk's rules for links are the walk's).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable

from vault.catalog.facade import Catalog, Changes
from vault.catalog.loader import _fill_dates, _parse_all, _reparser
from vault.catalog.records import Records, positions
from vault.catalog.rows import Stat
from vault.notes import stat_key
from vault.repository import Repository


def update_catalog(
    old: Catalog, folders: set[str], repo: Repository | None = None, files: Iterable[str] = ()
) -> Catalog | None:
    """`old` with the notes of `folders` and the notes `files` (absolute paths; notes written
    in place) read again; None when the vault must be walked instead."""
    vault = old.vault
    root = str(vault.root)
    folders = set(folders)
    edited = _edited(old, files, folders, root)  # and the folders of the others, to list
    ids = old.records.ids()
    listed: list[tuple[int, int, list[tuple[str, str, Stat]]]] = []
    for folder in folders:
        if folder != root and not folder.startswith(root + os.sep):
            return None
        where = folder[len(root) + 1 :].replace(os.sep, "/")
        files = _files(folder, root)
        if files is None:
            return None
        block = _block(ids, old.records, where, files)
        if block is None:
            return None  # no note there yet: where its block goes is the walk's to say
        listed.append((*block, files))
    listed.sort()
    cache = old._cache
    before = {i for start, end, _ in listed for i in ids[start:end]} | {i for i, _, _ in edited}
    now = [item for *_, files in listed for item in files] + edited
    cached = cache.stats_of(sorted(before | {i for i, _, _ in now})) if cache else {}
    stale = [(i, path, key) for i, path, key in now if cached.get(i, (None,))[0] != key]
    seen = {i for i, _, _ in now}
    changes = Changes(removed=sorted(i for i in before if i not in seen and i in cached))
    for note_id, _, _ in stale:
        (changes.updated if note_id in cached else changes.added).append(note_id)
    fresh = _parse_all(stale, None)
    _fill_dates(repo, fresh, cache)
    if cache is not None and (fresh or changes.removed):
        cache.write(fresh, changes.removed)
    # What the old catalog holds is shared or copied, never changed: other threads read it.
    blocks = [[i for i, _, _ in files] for _, _, files in listed]
    same = all(ids[a:b] == block for (a, b, _), block in zip(listed, blocks, strict=True))
    if not same:
        ids = list(ids)
        for (start, end, _), block in zip(reversed(listed), reversed(blocks), strict=True):
            ids[start:end] = block  # from the end: the earlier blocks stay put
    states = old.records.states()
    again = {i: cached[i] for i, _, _ in now if i not in fresh}
    again.update((i, (st, digest)) for i, (st, digest, _) in fresh.items())
    # A copy in C (a copy of a dict with no deleted entries is one memcpy: a note is only
    # taken out when it is gone, so the next copy stays quick).
    known = dict(states)
    for note_id in before - again.keys():  # gone, or vanished as it was read (as a walk)
        known.pop(note_id, None)
    known.update(again)
    rows = {i: row for i, (_, _, row) in fresh.items()}
    reparse = _reparser(vault, repo)
    if not same:
        records = Records(ids, known, rows, cache, reparse)
    else:  # the same notes in the same order: what was built over all of them is kept
        records = Records(ids, known, rows, cache, reparse, keys=old.records.keys_set(),
                          **_carried(old.records, known, seen))  # fmt: skip
    # The notes whose text is not what the old catalog read: what it resolved for the
    # others holds as it was (Catalog.before_update); the same bytes parse the same.
    reread = {
        i for i in before | seen if known.get(i, (None, None))[1] != states.get(i, (None, None))[1]
    }
    # A folder with a link left out has a link in it: it was walked instead (see `_files`).
    return Catalog(
        vault=vault,
        records=records,
        changes=changes,
        skipped=old.skipped,
        _cache=cache,
        _before=old.before_update(reread),
    )


def _carried(old: Records, known: dict[str, tuple[Stat, str]], seen: set[str]) -> dict:
    """The digests and fingerprint of a catalog of the same notes as `old`, in the same
    order, whose notes `seen` were read again (their states now in `known`), updated from
    `old`'s (when it built them) for those whose digest changed."""
    digests = old.digests_built()
    if digests is None or not seen <= known.keys():
        return {}
    changed = {i: known[i][1] for i in seen if known[i][1] != digests[i]}
    if not changed:
        return {"digests": digests, "fingerprint": old.fingerprint(built_only=True)}
    digests = dict(digests)
    digests.update(changed)
    out = {"digests": digests}
    fingerprint = old.fingerprint(built_only=True)
    if fingerprint is not None:
        out["fingerprint"] = fingerprint.edited(old.ids(), digests, positions(old.ids(), changed))
    return out


def _block(
    ids: list[str], records: Records, where: str, files: list[tuple[str, str, Stat]]
) -> tuple[int, int] | None:
    """Where the notes directly in folder `where` are in `ids` (start, end), found from one
    note listed there now that was there before (a search of the list in C); else by
    looking at every id's folder. None when the folder had no note."""
    known = next((i for i, _, _ in files if i in records), None)
    if known is not None:
        start = end = ids.index(known)
    else:
        parent = [note_id.rpartition("/")[0] for note_id in ids]
        try:
            start = end = parent.index(where)
        except ValueError:
            return None

    def folder(at: int) -> str:
        return ids[at].rpartition("/")[0]

    while start > 0 and folder(start - 1) == where:
        start -= 1
    while end < len(ids) and folder(end) == where:
        end += 1
    return start, end


def _edited(
    old: Catalog, files: Iterable[str], folders: set[str], root: str
) -> list[tuple[str, str, Stat]]:
    """(id, path, file state) of the notes of `files` written in place; a file that is not a
    note of `old` as it was (gone, made, a link) adds its folder to `folders` instead."""
    out = []
    for path in sorted(files):
        folder = os.path.dirname(path)
        if folder in folders:
            continue
        note_id = path[len(root) + 1 :].replace(os.sep, "/")
        try:
            st = os.lstat(path)
        except OSError:
            st = None
        if st is None or not stat.S_ISREG(st.st_mode) or note_id not in old.records:
            folders.add(folder)
        else:
            out.append((note_id, path, stat_key(st)))
    return [item for item in out if os.path.dirname(item[1]) not in folders]


def _files(folder: str, root: str) -> list[tuple[str, str, Stat]] | None:
    """(id, path, file state) of the notes directly in `folder`, in the order the walk
    (vault.vault.walk_notes) yields them; None when one is a symbolic link."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return None  # gone meanwhile: its parent's event follows, the walk sorts it out
    out = []
    for entry in entries:
        name = entry.name
        if name.startswith(".") or not name.lower().endswith(".md"):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                continue
            if entry.is_symlink():
                return None
            st = entry.stat()
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            out.append((entry.path[len(root) + 1 :].replace(os.sep, "/"), entry.path, stat_key(st)))
    out.sort(key=lambda item: item[1])  # by path, as the walk (its folder's notes by name)
    return out
