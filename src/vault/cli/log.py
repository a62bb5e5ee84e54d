import click

from vault import render
from vault.cli.common import AppState, json_option, pass_state


@click.command("log")
@click.argument("ref", required=False)
@click.option(
    "--since",
    metavar="D",
    help="Only commits after D: a date (YYYY-MM-DD), 'N days ago', or a commit (sha, tag).",
)
@click.option("--author", metavar="A", help="Only commits whose author name or email has A.")
@click.option("--limit", type=click.IntRange(min=0), metavar="N", help="At most N commits.")
@json_option
@pass_state
def command(state: AppState, ref, since, author, limit, as_json) -> None:
    """Show the history of the vault, or of one note through its renames, from git.

    Newest first: commit, author, date and message, and the notes each commit touched
    (named by where they are now when they were renamed later). --since takes a date, a
    phrase like "7 days ago", or a commit (then only the commits after it are shown).

    JSON: a list of {"commit", "author", "email", "date" (ISO 8601), "message",
    "notes": [ids]}; [] when there is none.

    \b
    Examples:
      vault log --limit 10
      vault log memory/research/2026-02-14-skin-tech-trends.md
      vault log --since "7 days ago" --author claude --json
    """
    from vault.history import log_entries

    note_id = state.catalog().resolver.find(ref, state.cwd_prefix()) if ref else None
    entries = log_entries(state.vault, note_id, since=since, author=author, limit=limit)
    if as_json:
        render.emit_json(
            [
                {
                    "commit": e.commit,
                    "author": e.author,
                    "email": e.email,
                    "date": e.date,
                    "message": e.message,
                    "notes": list(e.notes),
                }
                for e in entries
            ]
        )
        return
    if not entries:
        render.info("No commits match.")
        return
    blocks = []
    for e in entries:
        subject = e.message.split("\n", 1)[0]
        lines = [
            f"{render.styled(e.commit[:10], fg='yellow')}  {e.date[:10]}  {e.author}  "
            f"{render.styled(subject, bold=True)}"
        ]
        lines += [f"    {note}" for note in e.notes]
        blocks.append("\n".join(lines))
    click.echo("\n".join(blocks))
