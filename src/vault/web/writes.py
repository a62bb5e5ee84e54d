"""The page's two writes, each one commit exactly as the CLI makes it: a new technical
supplement under the note on screen (`vault new --parent`) and an append to it or one of
its sections (`vault append`). Both are guarded by the note's sha256 as the page loaded it:
when the note changed since, nothing is written and the reader is shown what changed.

What changed is told from the version the page showed, which the server keeps by its hash
(the last SHOWN versions), else from git's last commit of the note when it has that hash."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from vault import render
from vault.append import sha256_of
from vault.errors import StaleNote
from vault.model import AppendRequest, NewNote
from vault.serve.resident import Resident

# How many shown versions the server keeps, to tell what changed in a note.
SHOWN = 256


@dataclass
class Stale:
    """A write refused because the note changed since the page loaded it."""

    id: str
    message: str
    # The unified diff from the version shown to the note now (empty: that version is gone).
    lines: list[str]


class Shown:
    """The bytes of the note versions pages showed lately, by sha256."""

    def __init__(self, size: int = SHOWN):
        self.size = size
        self._kept: OrderedDict[str, bytes] = OrderedDict()
        self._lock = Lock()

    def keep(self, data: bytes) -> str:
        sha = sha256_of(data)
        with self._lock:
            self._kept[sha] = data
            self._kept.move_to_end(sha)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return sha

    def get(self, sha: str) -> bytes | None:
        with self._lock:
            return self._kept.get(sha)


def _guard(r: Resident, shown: Shown, note_id: str, expected: str) -> Stale | None:
    """None when the note still has the hash the page loaded; what changed otherwise."""
    data = r.vault.path_of(note_id).read_bytes()
    if sha256_of(data) == expected:
        return None
    return _stale(r, shown, note_id, expected, data)


def _stale(r: Resident, shown: Shown, note_id: str, expected: str, now: bytes) -> Stale:
    from vault.web.data import unified

    old = shown.get(expected)
    if old is None and r.repo is not None:
        head = r.repo.head()
        committed = r.repo.note_at(note_id, head) if head else None
        if committed is not None and sha256_of(committed) == expected:
            old = committed
    lines = unified(old, now, "as loaded", "now") if old is not None else []
    message = f"{note_id} changed since this page loaded it: nothing was written."
    return Stale(note_id, message, lines)


def new_supplement(r: Resident, shown: Shown, ref: str, expected: str, form: dict) -> dict | Stale:
    """`vault new --parent NOTE` with the form's title, type, tags and body: the created
    note as `new --json` prints it, or Stale."""
    from vault.create import new_note

    note_id = r.find(ref)
    if stale := _guard(r, shown, note_id, expected):
        return stale
    tags = tuple(t.strip().lstrip("#") for t in form.get("tags", "").split(",") if t.strip())
    request = NewNote(
        title=form.get("title", ""),
        body=form.get("body", ""),
        parent_ref=note_id,
        note_type=form.get("type") or None,
        tags=tags,
        cwd_prefix=None,
    )
    try:
        created = new_note(r.vault, request, r.repo, commit=True)
    finally:
        r.changed()
    if created.commit_note:
        r.notify("warning: " + render.uncommitted(created.id, created.commit_note))
    return render.created_dict(created)


def append(r: Resident, shown: Shown, ref: str, expected: str, form: dict) -> dict | Stale:
    """`vault append NOTE --expected-sha256 HASH [--section S]`: what `append --json` prints,
    or Stale (the library checks the hash under the vault's write lock)."""
    from vault.append import append_to_note

    note_id = r.find(ref)
    request = AppendRequest(
        ref=note_id,
        text=form.get("text", ""),
        section=form.get("section") or None,
        expected_sha256=expected,
        cwd_prefix=None,
    )
    try:
        done = append_to_note(r.vault, request, r.repo, commit=True)
    except StaleNote:
        return _stale(r, shown, note_id, expected, r.vault.path_of(note_id).read_bytes())
    finally:
        r.changed()
    if done.commit_note:
        r.notify("warning: " + render.uncommitted(done.id, done.commit_note))
    return render.appended_dict(done)
