import os
from pathlib import Path

import click

from vault import render
from vault.cli.common import AppState, json_option, pass_state


@click.command("init")
@click.argument("directory", metavar="DIR", required=False)
@json_option
@pass_state
def command(state: AppState, directory: str | None, as_json: bool) -> None:
    """Make DIR a vault: write its configuration, .vault.toml, and commit it.

    The values describe the vault as it is: the notes folder (memory/ when there is one,
    else DIR itself), the header style most of its notes use (YAML in an Obsidian or Dendron
    vault), the type "Note" for new notes, and whose link rules apply (obsidian when
    .obsidian/ is there, dendron with a dendron.yml, else plain). The file is yours to edit
    (keys in the README); init never overwrites one. It is committed when DIR is in a git
    work tree. After it, `vault` finds the vault from any folder below DIR.

    DIR is made when it does not exist. It defaults to the vault --vault or $VAULT_DIR
    names, else the one found from here, else the current folder. The file goes to stdout;
    with --json, {"path", "notes", "header_style", "default_type", "links", "commit"}
    (commit null when not committed).

    \b
    Examples:
      vault init
      vault init ~/notes
      vault init --json
    """
    from vault.config import CONFIG_FILE, BadConfig, config_text, infer_config, write_config
    from vault.errors import FileFailed, GitError, VaultNotFound
    from vault.git import open_repository
    from vault.vault import open_vault, walk_notes

    if directory is None and state.vault_dir is None:
        try:
            directory = str(open_vault().root)
        except VaultNotFound:
            directory = os.getcwd()
        except BadConfig:
            directory = os.getcwd()  # a .vault.toml above: refused below if it is here
    root = Path(directory or state.vault_dir).expanduser()
    try:
        if directory and not root.exists():
            root.mkdir(parents=True)  # like `git init DIR`: a new vault starts here
    except OSError as exc:  # a file in the way, a name too long, no permission
        raise FileFailed("make the vault folder", root, exc) from None
    if (root / CONFIG_FILE).exists():
        raise BadConfig(f"{root / CONFIG_FILE} already exists; edit it by hand")
    vault = open_vault(root, given_as="DIR" if directory else state.given_as)
    config = infer_config(vault.root, (path for _, path, _ in walk_notes(vault)))
    path = write_config(vault.root, config)
    commit = None
    repo = open_repository(vault)
    if repo is not None:
        try:
            repo.check_can_commit()
            commit = repo.commit([CONFIG_FILE], f"vault: add {CONFIG_FILE}")
        except GitError as exc:
            render.warn(render.uncommitted(CONFIG_FILE, str(exc)))
    if as_json:
        fields = ("notes", "header_style", "default_type", "links")
        data = {"path": str(path)} | {k: getattr(config, k) for k in fields}
        render.emit_json(data | {"commit": commit})
        return
    click.echo(config_text(config), nl=False)
    done = f"; committed {commit[:10]}" if commit else ""
    if repo is None:
        done = " (not in a git work tree: not committed)"
    render.info(f"wrote {path}{done}")
