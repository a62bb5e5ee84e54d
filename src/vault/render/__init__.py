"""Output, in one place: every `--json` shape (the same dicts the MCP server returns) and
every human form. Data goes to stdout; progress, hints and warnings go to stderr.

Only the adapters (the CLI, the MCP server) use it: the library returns data (what
`mv` recovered, what `sync` did) and words only its errors. One job a module:

- `jsonout`: JSON on stdout, byte for byte as `json.dumps(indent=2)` writes it;
- `stderr`: warnings, status lines and the library's notes, on stderr;
- `shapes`: the JSON shape of every record (the README's "JSON shapes");
- `text`: the human form of every record and every command's status lines;
- `operations`: the human forms of `mv`, `sync` and a recovered move;
- `words`: counts and lists in words ("1 note", "2 notes", "a, b and 3 more").

Files written at a user's request (`graph -o`) are not this package's job but
vault.output's: library code that decides what may be overwritten and raises VaultError.

Every name is also here (`render.emit_json`, `from vault.render import json_text`): the
modules are small and import only click and the standard library, so `vault --help`,
which imports every command's module and with it this package, stays cheap.
"""

# Each name -> the module it lives in: imported when first used (PEP 562), so `vault --help`,
# which imports every command's module and with it this package, pays for none of them.
_WHERE = {
    "emit_json": "vault.render.jsonout",
    "json_text": "vault.render.jsonout",
    "appended_dict": "vault.render.shapes",
    "backlink_dict": "vault.render.shapes",
    "check_dict": "vault.render.shapes",
    "context_dict": "vault.render.shapes",
    "created_dict": "vault.render.shapes",
    "folder_dict": "vault.render.shapes",
    "hit_dict": "vault.render.shapes",
    "index_dict": "vault.render.shapes",
    "log_dict": "vault.render.shapes",
    "move_dict": "vault.render.shapes",
    "note_dict": "vault.render.shapes",
    "path_dict": "vault.render.shapes",
    "problem_dict": "vault.render.shapes",
    "show_dict": "vault.render.shapes",
    "stats_dict": "vault.render.shapes",
    "summary": "vault.render.shapes",
    "summary_columns": "vault.render.shapes",
    "SUMMARY_KEYS": "vault.render.shapes",
    "objects_output": "vault.render.jsonout",
    "json_objects": "vault.render.jsonout",
    "sync_dict": "vault.render.shapes",
    "tree_dict": "vault.render.shapes",
    "WARNING_LIMIT": "vault.render.stderr",
    "changed_note_warnings": "vault.render.stderr",
    "info": "vault.render.stderr",
    "note_warnings": "vault.render.stderr",
    "notice": "vault.render.stderr",
    "warn": "vault.render.stderr",
    "appended_text": "vault.render.text",
    "backlink_lines": "vault.render.text",
    "check_count_lines": "vault.render.text",
    "check_summary": "vault.render.text",
    "context_text": "vault.render.text",
    "created_text": "vault.render.text",
    "folder_lines": "vault.render.text",
    "hit_text": "vault.render.text",
    "index_text": "vault.render.text",
    "list_lines": "vault.render.text",
    "log_lines": "vault.render.text",
    "move_lines": "vault.render.operations",
    "move_status": "vault.render.operations",
    "move_summary": "vault.render.operations",
    "path_lines": "vault.render.text",
    "problem_line": "vault.render.text",
    "recovery_text": "vault.render.operations",
    "show_text": "vault.render.text",
    "shown": "vault.render.text",
    "stats_lines": "vault.render.text",
    "styled": "vault.render.text",
    "sync_committed": "vault.render.operations",
    "sync_summary": "vault.render.operations",
    "tree_lines": "vault.render.text",
    "uncommitted": "vault.render.text",
    "named": "vault.render.words",
    "plural": "vault.render.words",
}

__all__ = [
    "WARNING_LIMIT",
    "appended_dict",
    "appended_text",
    "backlink_dict",
    "backlink_lines",
    "changed_note_warnings",
    "check_count_lines",
    "check_dict",
    "check_summary",
    "context_dict",
    "context_text",
    "created_dict",
    "created_text",
    "emit_json",
    "folder_dict",
    "folder_lines",
    "hit_dict",
    "hit_text",
    "index_dict",
    "index_text",
    "info",
    "json_text",
    "list_lines",
    "log_dict",
    "log_lines",
    "move_dict",
    "move_lines",
    "move_status",
    "move_summary",
    "named",
    "note_dict",
    "note_warnings",
    "notice",
    "path_dict",
    "path_lines",
    "plural",
    "problem_dict",
    "problem_line",
    "recovery_text",
    "show_dict",
    "show_text",
    "shown",
    "stats_dict",
    "stats_lines",
    "styled",
    "summary",
    "summary_columns",
    "SUMMARY_KEYS",
    "objects_output",
    "json_objects",
    "sync_committed",
    "sync_dict",
    "sync_summary",
    "tree_dict",
    "tree_lines",
    "uncommitted",
    "warn",
]


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'vault.render' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next use is a plain global
    return value
