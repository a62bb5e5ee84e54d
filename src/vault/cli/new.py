import sys

import click

from vault import render
from vault.cli.common import ISO_DATE, AppState, json_option, pass_state


@click.command("new")
@click.option(
    "--parent", "parent_ref", metavar="REF", help="The existing note this one supplements."
)
@click.option("--title", required=True, help="The note's title (one line).")
@click.option(
    "--type",
    "note_type",
    metavar="T",
    help="Default: 'Technical Supplement' with --parent, else 'Note'.",
)
@click.option("--date", type=ISO_DATE, help="The note's date (default: today).")
@click.option("--tag", "tags", multiple=True, metavar="TAG", help="A tag; repeat for several.")
@click.option(
    "--body-file",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Read the body from this file ('-' for stdin).",
)
@click.option("--edit", is_flag=True, help="Open $EDITOR on the new note before committing it.")
@click.option(
    "--yaml", "yaml_fm", is_flag=True, help="Write YAML front matter instead of header lines."
)
@click.option("--no-commit", is_flag=True, help="Do not commit the new note to git.")
@json_option
@pass_state
def command(
    state: AppState,
    parent_ref,
    title,
    note_type,
    date,
    tags,
    body_file,
    edit,
    yaml_fm,
    no_commit,
    as_json,
) -> None:
    """Create a note, by default a technical supplement under an existing parent.

    The file goes in the parent's folder as <date>-<slug-of-title>.md (never overwriting:
    a taken name gets -2, -3, ...), written with Date/Type/Parent header lines, and is
    committed on its own when the vault is in git. The body comes from --body-file, else
    standard input when it is not a terminal, else a section template.

    \b
    Examples:
      vault new --parent memory/research/2026-02-14-skin-tech-trends.md \\
                --title "Exosome stability at room temperature"
      echo "Findings..." | vault new --parent skin-tech-trends --title "Notes" --json
    """
    from vault.create import new_note
    from vault.model import NewNote

    request = NewNote(
        title=title,
        body=_read_body(body_file),
        parent_ref=parent_ref,
        note_type=note_type,
        date=date,
        tags=tags,
        yaml_front_matter=yaml_fm,
        cwd_prefix=state.cwd_prefix(),
    )
    created = new_note(
        state.vault,
        request,
        state.repo,
        commit=not no_commit,
        edit=(lambda path: click.edit(filename=str(path))) if edit else None,
    )
    if created.commit_note:
        render.warn(render.uncommitted(created.id, created.commit_note))
    if as_json:
        render.emit_json(render.created_dict(created))
    else:
        click.echo(render.created_text(created))


def _read_body(body_file: str | None) -> str:
    from vault.errors import InvalidInput

    if body_file is None:
        if sys.stdin is None or sys.stdin.isatty():
            return ""
        data = sys.stdin.buffer.read()
    elif body_file == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            with open(body_file, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise InvalidInput(f"cannot read --body-file {body_file}: {exc.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"the body is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
