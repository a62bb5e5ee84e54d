"""What a derived store must do to catch up with the vault, worked out once from the catalog
and the store's record (vault.derived.freshness): against a record kept as plain data, as
vectors would keep one, and against the search index's own manifest."""

from __future__ import annotations

import os

from search_helpers import make_vault

from vault.catalog import load_catalog
from vault.derived import freshness
from vault.search.index import index_dir, update_index
from vault.search.manifest import Manifest, write_manifest
from vault.search.schema import SCHEMA_VERSION
from vault.vault import open_vault


class Record:
    """A store's record as plain data: the fingerprint it was written at and id -> (digest,).
    It notes which rows it is asked for."""

    def __init__(self, fingerprint: str, rows: dict[str, tuple], readable: bool = True):
        self.fingerprint = fingerprint
        self.data = rows
        self.readable = readable
        self.asked: list[list[str] | None] = []

    def rows(self, ids=None):
        self.asked.append(None if ids is None else sorted(ids))
        if not self.readable:
            return None
        if ids is None:
            return dict(self.data)
        return {i: self.data[i] for i in ids if i in self.data}


def recorded(catalog) -> Record:
    """The record of a store written from `catalog`."""
    return Record(catalog.fingerprint, {i: (d,) for i, d in catalog.digests().items()})


def vault_of(tmp_path, n=30):
    root = tmp_path / "vault"
    make_vault(root, n)
    vault = open_vault(root)
    return vault, sorted((root / "memory").rglob("*.md")), root


def edit(path, text="# Edited\n\nNew words.\n"):
    path.write_text(text, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # a later mtime, surely seen


def test_an_unchanged_vault_is_fresh_and_no_row_is_read(tmp_path):
    vault, _, _ = vault_of(tmp_path)
    record = recorded(load_catalog(vault))
    catalog = load_catalog(vault)
    assert freshness.is_fresh(catalog, record)
    found = freshness.changes(catalog, record)
    assert found.fresh and not found.rebuild
    assert (found.added, found.changed, found.removed, found.stale) == ([], [], [], [])
    assert record.asked == []


def test_edits_alone_read_only_the_edited_notes_rows(tmp_path):
    vault, paths, root = vault_of(tmp_path)
    record = recorded(load_catalog(vault))
    edit(paths[3])
    edit(paths[5], paths[5].read_text(encoding="utf-8"))  # touched: same text, new mtime
    catalog = load_catalog(vault)
    ids = [p.relative_to(root).as_posix() for p in (paths[3], paths[5])]
    assert not freshness.is_fresh(catalog, record)
    found = freshness.changes(catalog, record)
    assert record.asked == [sorted(ids)]  # not every row
    assert found.changed == found.stale == [ids[0]]
    assert found.added == found.removed == []
    assert not found.fresh and not found.complete and found.rebuild is None
    assert found.fingerprint == catalog.fingerprint != record.fingerprint


def test_notes_that_come_and_go_compare_every_row(tmp_path):
    vault, paths, root = vault_of(tmp_path)
    record = recorded(load_catalog(vault))
    edit(paths[2])
    paths[4].unlink()
    (root / "memory" / "aaa-new.md").write_text("# New\n", encoding="utf-8")
    catalog = load_catalog(vault)
    found = freshness.changes(catalog, record)
    rel = [p.relative_to(root).as_posix() for p in (paths[2], paths[4])]
    assert record.asked == [None] and found.complete
    assert found.added == ["memory/aaa-new.md"]
    assert found.changed == [rel[0]]
    assert found.removed == [rel[1]]
    # What to write, in the catalog's order (the order the index writes them in).
    assert found.stale == [i for i in catalog.digests() if i in {rel[0], "memory/aaa-new.md"}]


def test_a_record_made_before_other_edits_is_compared_row_by_row(tmp_path):
    """The rows of the edited notes alone cannot tell what else the store missed: with the
    fingerprint not explained by them, every row is compared."""
    vault, paths, root = vault_of(tmp_path)
    old = recorded(load_catalog(vault))
    edit(paths[1])
    load_catalog(vault)  # the catalog's cache sees this edit, the store never does
    edit(paths[6])
    catalog = load_catalog(vault)
    found = freshness.changes(catalog, old)
    assert old.asked[-1] is None and found.complete
    edited = {p.relative_to(root).as_posix() for p in (paths[1], paths[6])}
    assert found.changed == [i for i in catalog.digests() if i in edited]


def test_no_record_or_an_unreadable_one_means_a_rebuild(tmp_path):
    vault, _, _ = vault_of(tmp_path, 5)
    catalog = load_catalog(vault)
    assert not freshness.is_fresh(catalog, None)
    assert freshness.changes(catalog, None).rebuild
    broken = Record("not this vault", {}, readable=False)
    assert freshness.changes(catalog, broken).rebuild


def test_a_thorough_look_compares_every_row_whatever_the_fingerprint(tmp_path):
    vault, _, _ = vault_of(tmp_path, 5)
    catalog = load_catalog(vault)
    record = recorded(catalog)
    wrong = next(iter(record.data))
    record.data[wrong] = ("a digest the note never had",)
    assert freshness.changes(catalog, record).fresh
    found = freshness.changes(catalog, record, thorough=True)
    assert not found.fresh and found.changed == [wrong]


def test_the_search_index_manifest_is_such_a_record(tmp_path):
    vault, paths, root = vault_of(tmp_path)
    update_index(load_catalog(vault))
    edit(paths[0])
    catalog = load_catalog(vault)
    with Manifest.open(index_dir(catalog), SCHEMA_VERSION) as manifest:
        found = freshness.changes(catalog, manifest)
        assert found.changed == [paths[0].relative_to(root).as_posix()]
    update_index(catalog)
    with Manifest.open(index_dir(catalog), SCHEMA_VERSION) as manifest:
        assert freshness.changes(load_catalog(vault), manifest).fresh


def test_a_fingerprint_of_another_definition_costs_one_look_at_every_row(tmp_path):
    """A store written before the fingerprint was defined as it is now (one hash of every id
    and digest) records one that matches no catalog: every row is compared once, nothing is
    written but the new fingerprint, and nothing is rebuilt."""
    vault, _, _ = vault_of(tmp_path)
    catalog = load_catalog(vault)
    update_index(catalog)
    folder = index_dir(catalog)
    with Manifest.open(folder, SCHEMA_VERSION) as manifest:
        notes = manifest.notes
    write_manifest(folder, SCHEMA_VERSION, changed={}, removed=[], notes=notes,
                   fingerprint="0123456789abcdef0123456789abcdef")  # fmt: skip
    with Manifest.open(folder, SCHEMA_VERSION) as manifest:
        found = freshness.changes(catalog, manifest)
    assert not found.fresh and found.complete and found.rebuild is None
    assert (found.added, found.changed, found.removed, found.stale) == ([], [], [], [])
    report = update_index(catalog)
    assert not report.rebuilt and (report.added, report.updated, report.removed) == (0, 0, 0)
    with Manifest.open(folder, SCHEMA_VERSION) as manifest:
        assert manifest.fingerprint == catalog.fingerprint
