import click

from vault import render
from vault.cli.common import AppState, declared, json_option, pass_state, read_body
from vault.options import AGENT, DATE, NEW_TYPE, PARENT, SOURCE, TAGS, TITLE, YAML


@click.command("new")
@declared(PARENT, TITLE, NEW_TYPE, DATE, TAGS)
@click.option(
    "--body-file",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Read the body from this file ('-' for stdin).",
)
@click.option("--edit", is_flag=True, help="Open $EDITOR on the new note before committing it.")
@declared(YAML, AGENT, SOURCE)
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
    agent,
    source,
    no_commit,
    as_json,
) -> None:
    """Create a note, by default a technical supplement under an existing parent.

    The file goes in the parent's folder as <date>-<slug-of-title>.md (never overwriting:
    a taken name gets -2, -3, ...), written with Date/Type/Parent header lines, and is
    committed on its own when the vault is in git (with Vault-Agent and Vault-Source
    trailers from --agent, else $VAULT_AGENT, and --source). The body comes from --body-file, else
    standard input when it is not a terminal, else a section template.

    \b
    Examples:
      vault new --parent memory/research/2026-02-14-skin-tech-trends.md \\
                --title "Exosome stability at room temperature"
      echo "Findings..." | vault new --parent skin-tech-trends --title "Notes" --json
    """
    from vault.create import new_note
    from vault.model import NewNote, Provenance

    request = NewNote(
        title=title,
        body=read_body(body_file),
        parent_ref=parent_ref,
        note_type=note_type,
        date=date,
        tags=tags,
        yaml_front_matter=yaml_fm,
        cwd_prefix=state.cwd_prefix(),
        provenance=Provenance(agent, source),
    )
    created = new_note(
        state.vault,
        request,
        state.repo,
        commit=not no_commit,
        edit=_run_editor if edit else None,
    )
    if created.commit_note:
        render.warn(render.uncommitted(created.id, created.commit_note))
    if as_json:
        render.emit_json(render.created_dict(created))
    else:
        click.echo(render.created_text(created))


def _run_editor(path) -> None:
    """$VISUAL or $EDITOR (else vi) on the note, as click.edit runs it, failing with the
    editor's status (vault.create removes the note then)."""
    import os
    import shlex
    import subprocess

    from vault.errors import EditorFailed

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        status = subprocess.call(f"{editor} {shlex.quote(str(path))}", shell=True)
    except OSError as exc:
        raise EditorFailed(f"could not run the editor {editor!r}: {exc.strerror or exc}") from exc
    if status != 0:
        raise EditorFailed(
            f"the editor {editor!r} exited with status {status}; removed the note, "
            "nothing committed"
        )
