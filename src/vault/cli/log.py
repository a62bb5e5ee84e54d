import click

from vault import render
from vault.cli.common import AppState, declared, json_option, pass_state, ref_argument
from vault.options import LOG_AGENT, LOG_AUTHOR, LOG_LIMIT, LOG_PATCH, LOG_SINCE


@click.command("log")
@ref_argument(required=False)
@declared(LOG_SINCE, LOG_AUTHOR, LOG_LIMIT, LOG_AGENT, LOG_PATCH)
@json_option
@pass_state
def command(state: AppState, ref, since, author, limit, agent, patch, as_json) -> None:
    """Show the history of the vault, or of one note through its renames, from git.

    Newest first: commit, author, date and message, and the notes each commit touched
    (named by where they are now when they were renamed later). --since takes a date, a
    phrase like "7 days ago", or a commit (then only the commits after it are shown).
    --agent keeps the commits whose Vault-Agent trailer names that agent; --patch adds what
    each commit changed in the note (in the notes folder without REF), as a unified diff.

    JSON: a list of {"commit", "author", "email", "date" (ISO 8601), "message",
    "notes": [ids]}, plus "patch" with --patch; [] when there is none.

    \b
    Examples:
      vault log --limit 10
      vault log memory/research/2026-02-14-skin-tech-trends.md --patch
      vault log --since "7 days ago" --author claude --json
      vault log --agent claude
    """
    from vault.git import require_repository
    from vault.git.log import log_entries

    repo = require_repository(state.vault)
    note_id = state.find(ref) if ref else None
    entries = log_entries(
        repo, note_id, since=since, author=author, limit=limit, agent=agent, patch=patch
    )
    if as_json:
        render.emit_json([render.log_dict(e) for e in entries])
    elif not entries:
        render.info("No commits match.")
    elif patch:
        from vault.render.terminal import printable  # a note's text: no raw control bytes

        blocks = zip(render.log_lines(entries), entries, strict=True)
        click.echo("\n".join(f"{b}\n\n{printable(e.patch or '', lines=True)}" for b, e in blocks))
    else:
        click.echo("\n".join(render.log_lines(entries)))
