"""Output, in one place: every `--json` shape (the same dicts the MCP server returns) and
every human form. Data goes to stdout; progress, hints and warnings go to stderr.

Only the adapters (the CLI, the MCP server) use it: the library returns data (what
`mv` recovered, what `sync` did) and words only its errors. One job a module:

- `jsonout`: JSON on stdout, byte for byte as `json.dumps(indent=2)` writes it;
- `stderr`: warnings, status lines and the library's notes, on stderr;
- `shapes`: the JSON shape of every record (the README's "JSON shapes");
- `text`: the human form of every record and every command's status lines;
- `words`: counts and lists in words ("1 note", "2 notes", "a, b and 3 more").

Files written at a user's request (`graph -o`) are not this package's job but
vault.output's: library code that decides what may be overwritten and raises VaultError.

Every name is also here (`render.emit_json`, `from vault.render import json_text`): the
modules are small and import only click and the standard library, so `vault --help`,
which imports every command's module and with it this package, stays cheap.
"""

from vault.render.jsonout import emit_json, json_text
from vault.render.shapes import (
    appended_dict,
    backlink_dict,
    check_dict,
    context_dict,
    created_dict,
    folder_dict,
    hit_dict,
    index_dict,
    log_dict,
    move_dict,
    note_dict,
    path_dict,
    problem_dict,
    show_dict,
    stats_dict,
    summary,
    sync_dict,
    tree_dict,
)
from vault.render.stderr import (
    WARNING_LIMIT,
    changed_note_warnings,
    info,
    note_warnings,
    notice,
    warn,
)
from vault.render.text import (
    appended_text,
    backlink_lines,
    check_count_lines,
    check_summary,
    context_text,
    created_text,
    folder_lines,
    hit_text,
    index_text,
    list_lines,
    log_lines,
    move_lines,
    move_status,
    move_summary,
    path_lines,
    problem_line,
    recovery_text,
    show_text,
    shown,
    stats_lines,
    styled,
    sync_committed,
    sync_summary,
    tree_lines,
    uncommitted,
)
from vault.render.words import named, plural

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
    "sync_committed",
    "sync_dict",
    "sync_summary",
    "tree_dict",
    "tree_lines",
    "uncommitted",
    "warn",
]
