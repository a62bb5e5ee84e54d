"""The catalog: every note's record, kept fresh against the files by a cache.

Files on disk are the truth. The cache is an SQLite database in the vault's state folder
(outside the vault; data only, never code): one row per note with the file's state when it
was parsed (mtime, size, ctime, inode) and the parsed record. One directory walk compares
the files with the cached states; only new or changed files are read again, and only their
rows are written back. A missing, damaged or old-format cache is simply rebuilt.

One module per job:
- facade: `Catalog`, what commands hold (records, kind, resolver, Parent structure);
- records: `Records`, the records built lazily from rows (by column, by note, or all);
- rows: a record as a cache row and back;
- loader: `load_catalog`, the walk, parsing (on every core for many files), dates; and
  `catalog_now`, what a write reads under the vault's lock (a resident process's own catalog);
- update: `update_catalog`, a resident process's catalog brought up to date from the folders
  its watcher saw change, without the walk;
- cache: the SQLite file;
- states: the walk's file states packed, and the last walk kept whole in the cache (an
  unchanged vault is told without reading a row);
- derived: values derived from notes, kept in the cache while their notes are unchanged.

Importing this package imports all of them (the loader needs the rest); the CLI imports it
only inside the commands that read notes, so `vault --help` never does.
"""

from vault.catalog.cache import CACHE_FILE, CACHE_VERSION
from vault.catalog.facade import Catalog, Changes
from vault.catalog.loader import PARALLEL_MIN, Progress, catalog_now, keep_current, load_catalog
from vault.catalog.records import Records
from vault.catalog.rows import Parsed, Stat
from vault.catalog.update import update_catalog

__all__ = [
    "CACHE_FILE",
    "CACHE_VERSION",
    "PARALLEL_MIN",
    "Catalog",
    "Changes",
    "Parsed",
    "Progress",
    "Records",
    "Stat",
    "catalog_now",
    "keep_current",
    "load_catalog",
    "update_catalog",
]
