import click

from vault.cli.common import AppState, pass_state

INSTALL = (
    "vault mcp needs the MCP Python SDK 2.x, which is not installed: "
    "pip install 'vault[mcp]' (or pip install 'mcp>=2,<3')"
)


@click.command("mcp")
@click.option(
    "--read-only",
    is_flag=True,
    help="Offer no tool that writes (no new, append, mv, replace, set, rm or restore).",
)
@click.option(
    "--tools",
    "names",
    metavar="A,B,C",
    help="Offer only these tools (comma-separated names), to keep an agent's context small.",
)
@pass_state
def command(state: AppState, read_only: bool, names: str | None) -> None:
    """Serve the vault to AI assistants: an MCP server on standard input and output.

    Tools with the commands' names, parameters and results: search, show, list, related,
    backlinks, tree, path, graph, check, log and context to read; new, append, mv, replace,
    set, rm and restore to write (left out with --read-only; each write is one commit whose
    Vault-Agent trailer is the client's declared name unless `agent` says otherwise).
    --tools a,b,c offers only those (a name that is no tool is refused, listing them). Each
    tool returns exactly what the command of the same name prints with --json, and a
    failure is the one line the command would print. The server keeps the vault open
    between calls and sees every change to the files (an editor, git pull, another vault
    process) by the next call. Register it with an MCP client as
    {"command": "vault", "args": ["--vault", "/path/to/notes", "mcp"]}.

    Needs the mcp extra: pip install 'vault[mcp]'.

    \b
    Examples:
      VAULT_DIR=~/notes vault mcp
      VAULT_DIR=~/notes vault mcp --read-only
      VAULT_DIR=~/notes vault mcp --tools search,show,context,append
    """
    from vault.errors import VaultError

    try:
        from vault.mcp.server import serve
    except ImportError as exc:
        # The SDK missing, or a 1.x one (no mcp.server.mcpserver): say what to install.
        if (exc.name or "").split(".")[0] in ("mcp", "pydantic", "anyio"):
            raise VaultError(INSTALL) from None
        raise
    serve(state.vault_dir, read_only=read_only, names=names)
