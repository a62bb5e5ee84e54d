import click

from vault import render
from vault.cli.common import AppState, json_option, pass_state, ref_argument


@click.command("backlinks")
@ref_argument()
@json_option
@pass_state
def command(state: AppState, ref: str, as_json: bool) -> None:
    """List every note that links to REF or names it as its Parent.

    One line per referring line: the note and line ("id:line", like grep), the kind (parent
    or link), the title and the references as written (a line linking twice is one line).

    --json prints one entry per reference, [{"id", "title", "date", "type", "kind", "line",
    "raw"}], where "line" is the file line of a link and null for a Parent header; [] when
    nothing refers to REF.

    \b
    Examples:
      vault backlinks 2026-02-14-skin-tech-trends
      vault backlinks memory/posts/2026-01-11-exosomes-in-k-beauty.md --json
    """
    from vault.references import backlinks

    target = state.find(ref)
    found = backlinks(state.catalog(), target)
    if as_json:
        render.emit_json([render.backlink_dict(b) for b in found])
    elif found:
        click.echo("\n".join(render.backlink_lines(found)))
    else:
        render.info(f"No note links to {render.shown(target)} or names it as Parent.")
