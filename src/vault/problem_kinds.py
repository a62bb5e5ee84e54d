"""The kinds of problem `vault check` reports, and their levels (standard library only:
the CLI's options list them without importing the checks)."""

from __future__ import annotations

# Every kind, in report order, with its level (missing_date's depends on the vault).
KINDS = {
    "dangling_parent": "error",
    "broken_link": "error",
    "parent_cycle": "error",
    "conflict_markers": "error",
    "ambiguous_ref": "warning",
    "broken_attachment": "warning",
    "bad_front_matter": "warning",
    "sync_conflict": "warning",
    "tracked_derived_data": "warning",
    "missing_date": "warning",
    "duplicate_title": "warning",
    "orphan": "warning",
}
# Levels, most severe first: `--level L` reports L and everything above it.
LEVELS = ("error", "warning", "info")
