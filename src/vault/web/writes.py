"""The page's writes, each one commit exactly as the CLI makes it: a new technical supplement
under the note on screen (`vault new --parent`), an append to it or one of its sections
(`vault append`), and the revising verbs (`vault replace`, `set`, `rm`, `restore --at`).
Each is guarded by the note's sha256 as the page loaded it: when the note changed since,
nothing is written and the reader is shown what changed.

What changed is told from the version the page showed, which the server keeps by its hash
(the last SHOWN versions), else from git's last commit of the note when it has that hash."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from vault import render
from vault.append import sha256_of
from vault.errors import StaleNote
from vault.model import AppendRequest, NewNote, Removed, ReviseRequest
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
    tags = tuple(t.strip() for t in form.get("tags", "").split(",") if t.strip())
    request = NewNote(
        title=form.get("title", ""),
        body=form.get("body", ""),
        parent_ref=note_id,
        note_type=form.get("type") or None,
        tags=tags,
        cwd_prefix=None,
        expected_parent_sha256=expected,  # checked under the lock that writes the note
    )
    done = _guarded(r, shown, note_id, expected, lambda: new_note(r.vault, request, r.repo))
    return done if isinstance(done, Stale) else render.created_dict(done)


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
    done = _guarded(r, shown, note_id, expected, lambda: append_to_note(r.vault, request, r.repo))
    return done if isinstance(done, Stale) else render.appended_dict(done)


# --- the revising verbs: replace, set, rm, restore --at ------------------------------------


def _revising(r: Resident, shown: Shown, ref: str, expected: str, change) -> dict | Stale:
    """`change(request)` under the revise guard (vault.revise.guard: the lock, the hash, one
    commit): what `--json` prints, or Stale."""
    from vault.render.shapes import removed_dict, revised_dict

    note_id = r.find(ref)
    done = _guarded(r, shown, note_id, expected, lambda: change(ReviseRequest(note_id, expected)))
    if isinstance(done, Stale):
        return done
    return removed_dict(done) if isinstance(done, Removed) else revised_dict(done)


def _guarded(r: Resident, shown: Shown, note_id: str, expected: str, write):
    """`write()`, a hash-guarded write to `note_id`: its result (a warning logged when it was
    not committed), or Stale when the note changed since the page showed it."""
    try:
        done = write()
    except StaleNote:
        return _stale(r, shown, note_id, expected, r.vault.path_of(note_id).read_bytes())
    finally:
        r.changed()
    if done.commit_note:
        r.notify("warning: " + render.uncommitted(done.id, done.commit_note))
    return done


def replace(r: Resident, shown: Shown, ref: str, expected: str, form: dict) -> dict | Stale:
    """`vault replace NOTE --old OLD --new NEW` (or `--section S --new BODY`)."""
    from vault.errors import InvalidInput
    from vault.model import ReplaceRequest
    from vault.revise.replace import replace_in_note

    section = form.get("section") or None
    old = None if section else form.get("old", "")
    if not section and not old:
        raise InvalidInput("give the text to replace, or a section")
    new = form.get("new", "")
    return _revising(
        r,
        shown,
        ref,
        expected,
        lambda note: replace_in_note(
            r.vault, r.repo, ReplaceRequest(note, old=old, new=new, section=section)
        ),
    )


def set_metadata(r: Resident, shown: Shown, ref: str, expected: str, form: dict) -> dict | Stale:
    """`vault set NOTE KEY=VALUE… [--unset KEY] [--tag +x|-x]`: one KEY=VALUE a line."""
    from vault.errors import InvalidInput
    from vault.model import SetRequest
    from vault.revise.metadata import set_metadata as set_meta
    from vault.revise.metadata import tag_changes

    pairs = []
    for line in form.get("values", "").splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(f"not KEY=VALUE: {line.strip()!r}")
        pairs.append((key.strip(), value.strip()))
    unset = tuple(k.strip() for k in form.get("unset", "").split(",") if k.strip())
    add, drop = tag_changes([t for t in form.get("tags", "").split() if t])
    return _revising(
        r,
        shown,
        ref,
        expected,
        lambda note: set_meta(r.vault, r.repo, SetRequest(note, tuple(pairs), unset, add, drop)),
    )


def remove(r: Resident, shown: Shown, ref: str, expected: str, form: dict) -> dict | Stale:
    """`vault rm NOTE [--force]` (refused while notes still link to it, unless forced)."""
    from vault.revise.remove import remove_note

    force = form.get("force") == "yes"
    return _revising(
        r,
        shown,
        ref,
        expected,
        lambda note: remove_note(r.vault, r.repo, note, force=force),
    )


def restore(r: Resident, shown: Shown, ref: str, expected: str, form: dict) -> dict | Stale:
    """`vault restore NOTE --at REV`: the version shown, put back."""
    from vault.errors import NotAGitRepo
    from vault.revise.restore import restore_note

    if r.repo is None:
        raise NotAGitRepo(f"{r.vault.root} is not in git, so there is no history to restore from")
    at = form.get("at", "")
    return _revising(
        r,
        shown,
        ref,
        expected,
        lambda note: restore_note(r.vault, r.repo, note, at),
    )
