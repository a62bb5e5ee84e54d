import click

from vault import render
from vault.cli.common import AppState, json_option, pass_state


@click.command("tree")
@click.argument("ref", required=False)
@json_option
@pass_state
def command(state: AppState, ref: str | None, as_json: bool) -> None:
    """Show the Parent hierarchy as an indented tree: date, type, title and id per note.

    With REF (an id, path, stem, [[wikilink]] or title), the tree below that note;
    without, every note that has no Parent, each with its descendants. Children are listed
    oldest first. A note that is its own ancestor (a Parent cycle) is marked "(cycle)".

    --json prints a list of trees, one per root (exactly one with REF):
    [{"id", "title", "date", "type", "children": [...]}], where a repeated note on a cycle
    also has "cycle": true.

    \b
    Examples:
      vault tree
      vault tree 2026-02-14-skin-tech-trends
      vault tree "Skin-Tech Trends 2026: Research Hub" --json
    """
    from vault.references import parent_tree

    catalog = state.catalog()
    render.note_warnings(render.changed_note_warnings(catalog))
    root = state.find(ref) if ref is not None else None
    trees = parent_tree(catalog, root)
    if as_json:
        render.emit_json([render.tree_dict(t) for t in trees])
    elif trees:
        click.echo("\n".join(line for tree in trees for line in render.tree_lines(tree)))
    else:
        render.info("The vault has no notes yet.")
