import click

from vault import render
from vault.cli.common import AppState, declared, json_option, pass_state, ref_argument
from vault.options import FOLDERS

# A Parent-less vault prints one line a note; past this many, `tree` points to --folders.
FLAT_HINT_NOTES = 50


@click.command("tree")
@ref_argument(required=False)
@declared(FOLDERS)
@json_option
@pass_state
def command(state: AppState, ref: str | None, folders: bool, as_json: bool) -> None:
    """Show the Parent hierarchy as an indented tree: date, type, title and id per note.

    With REF (an id, path, stem, [[wikilink]] or title), the tree below that note;
    without, every note that has no Parent, each with its descendants. Children are listed
    oldest first. A note that is its own ancestor (a Parent cycle) is marked "(cycle)".

    --json prints a list of trees, one per root (exactly one with REF):
    [{"id", "title", "date", "type", "children": [...]}], where a repeated note on a cycle
    also has "cycle": true.

    --folders shows the folders instead, each with the number of notes in it and below it
    (with REF, a folder: an id prefix such as memory/research); --json prints {"path",
    "notes", "total", "children": [...]}, "notes" counting those directly in the folder.

    \b
    Examples:
      vault tree
      vault tree 2026-02-14-skin-tech-trends
      vault tree "Skin-Tech Trends 2026: Research Hub" --json
      vault tree --folders
    """
    from vault.references import parent_tree

    catalog = state.catalog()
    render.note_warnings(render.changed_note_warnings(catalog))
    if folders:
        return _folders(state, catalog.records, ref, as_json)
    root = state.find(ref) if ref is not None else None
    trees = parent_tree(catalog, root)
    if as_json:
        render.emit_json([render.tree_dict(t) for t in trees])
    elif trees:
        click.echo("\n".join(line for tree in trees for line in render.tree_lines(tree)))
        if root is None and len(trees) > FLAT_HINT_NOTES and not any(t.children for t in trees):
            render.info(
                f"No note has a Parent, so this is a flat list of {len(trees)} notes; "
                "`vault tree --folders` shows the folders."
            )
    else:
        render.info("The vault has no notes yet.")


def _folders(state: AppState, ids, ref: str | None, as_json: bool) -> None:
    from vault.errors import InvalidInput
    from vault.vault import folder_tree

    top = state.vault.notes_prefix.rstrip("/")
    if ref is not None:
        top = ref.strip().strip("/")
        if not any(i.startswith(top + "/") for i in ids):
            raise InvalidInput(f"no notes in a folder {top!r} (give it as an id prefix)")
    folder = folder_tree((i for i in ids if i.startswith(top + "/") or not top), top)
    if as_json:
        render.emit_json(render.folder_dict(folder))
    else:
        click.echo("\n".join(render.folder_lines(folder)))
