"""The MCP tools that write: `new`, `append`, `mv`, and those that revise notes (`replace`,
`set`, `rm`, `restore`), registered by vault.mcp.server (never under --read-only) with the
same names, parameters and JSON as the commands. Each is one commit, with the client's
declared name as its Vault-Agent unless `agent` says otherwise; the revising ones are
destructive (they change or take away what a note said; git keeps every version) and guarded
by the hash the agent read.

No `from __future__ import annotations` here: the parameters' types are built by `param`, an
argument of `register`, and the SDK reads them from the functions' annotations, which must
therefore be evaluated where the functions are defined.
"""

from collections.abc import Callable
from typing import Annotated, Any

from mcp.server.mcpserver import Context
from mcp.types import ToolAnnotations
from pydantic import Field

from vault import options as opts
from vault.mcp import tools
from vault.options import AGENT, EXPECTED_SHA256, SOURCE

# Tools that add to the vault (new, append) or move notes in it (mv).
WRITE = ToolAnnotations(destructive_hint=False)
# Tools that change or take away what a note said (git keeps every version).
DESTRUCTIVE = ToolAnnotations(destructive_hint=True)


def register(tool: Callable, run: Callable, param: Callable, REF: str, Obj: Any) -> None:
    """Add the write tools through the server's `tool` decorator; `run(fn, locals())` runs
    a vault.mcp.tools function on the server's worker (vault.mcp.server.forwarding),
    `param` builds a parameter from its declaration in vault.options."""
    Ref = Annotated[str, Field(description=REF)]
    # Required here, unlike on the command line: an agent always has the hash from `show`
    # or `context`, and without it a note changed since could be overwritten.
    Sha = param(EXPECTED_SHA256, required=True)

    @tool(name="new", annotations=WRITE)
    async def new(
        title: param(opts.TITLE),
        ctx: Context,
        body: Annotated[str, Field(description="Markdown (empty: a template).")] = "",
        parent: param(opts.PARENT) = None,
        type: param(opts.NEW_TYPE) = None,
        date: param(opts.DATE) = None,
        tags: param(opts.TAGS) = None,
        yaml: param(opts.YAML) = opts.YAML.default,
        agent: param(AGENT) = None,
        source: param(SOURCE) = None,
    ) -> Obj:
        """Create a note in `parent`'s folder (never overwriting) and commit it."""
        return await run(tools.new, locals())

    @tool(name="append", annotations=WRITE)
    async def append(
        ref: Ref,
        text: Annotated[str, Field(description="Markdown to add.")],
        expected_sha256: Sha,
        ctx: Context,
        section: param(opts.SECTION) = None,
        agent: param(AGENT) = None,
        source: param(SOURCE) = None,
    ) -> Obj:
        """Add text at the end of a note or of one section, and commit it."""
        return await run(tools.append, locals())

    @tool(name="mv", annotations=WRITE)
    async def mv(
        ref: Annotated[str, Field(description=REF + " Or a folder.")],
        new_path: Annotated[str, Field(description="Where to (ending in /: same name).")],
        ctx: Context,
        dry_run: param(opts.DRY_RUN) = False,
        include_changes: param(opts.INCLUDE_CHANGES) = False,
        agent: param(AGENT) = None,
        source: param(SOURCE) = None,
    ) -> Obj:
        """Move a note or folder, rewriting every link and Parent to it, in one commit."""
        return await run(tools.mv, locals())

    @tool(name="replace", annotations=DESTRUCTIVE)
    async def replace(
        ref: Ref,
        expected_sha256: Sha,
        ctx: Context,
        old: param(opts.OLD) = None,
        new: param(opts.NEW) = None,
        section: param(opts.REPLACE_SECTION) = None,
        agent: param(AGENT) = None,
        source: param(SOURCE) = None,
    ) -> Obj:
        """Replace the one `old` in a note's body by `new`, or a section's body; commit it."""
        return await run(tools.replace, locals())

    @tool(name="set", annotations=DESTRUCTIVE)
    async def set_metadata(
        ref: Ref,
        expected_sha256: Sha,
        ctx: Context,
        values: Annotated[
            dict[str, str] | None,
            Field(description="Key: value; tags as a,b."),
        ] = None,
        unset: param(opts.UNSET) = None,
        tags: param(opts.TAG_CHANGES) = None,
        agent: param(AGENT) = None,
        source: param(SOURCE) = None,
    ) -> Obj:
        """Change a note's metadata in its own header style, nothing else; commit it."""
        return await run(tools.set_metadata, locals())

    @tool(name="rm", annotations=DESTRUCTIVE)
    async def rm(
        ref: Ref,
        expected_sha256: Sha,
        ctx: Context,
        force: param(opts.FORCE) = opts.FORCE.default,
        agent: param(AGENT) = None,
        source: param(SOURCE) = None,
    ) -> Obj:
        """Remove a note in its own commit; refused while notes refer to it, unless force."""
        return await run(tools.rm, locals())

    @tool(name="restore", annotations=DESTRUCTIVE)
    async def restore(
        ref: Annotated[str, Field(description=REF + " Removed: the id it had.")],
        ctx: Context,
        at: param(opts.AT) = None,
        expected_sha256: param(EXPECTED_SHA256) = None,
        agent: param(AGENT) = None,
        source: param(SOURCE) = None,
    ) -> Obj:
        """Bring back a removed note, or with `at` an older version of a living one."""
        return await run(tools.restore, locals())


def client_name(ctx: Context) -> str | None:
    """The name the MCP client declared (its clientInfo), for the Vault-Agent trailer."""
    try:
        params = ctx.session.client_params
    except (AttributeError, ValueError, LookupError):
        return None
    info = getattr(params, "client_info", None)
    return getattr(info, "name", None) or None
