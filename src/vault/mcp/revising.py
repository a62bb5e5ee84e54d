"""The MCP tools that revise notes: `replace`, `set`, `rm` and `restore`, registered by
vault.mcp.server (never under --read-only) with the same names, parameters and JSON as the
commands. Each is destructive (it changes or takes away what a note said; git keeps every
version), guarded by the hash the agent read, and committed with the client's declared name
as its Vault-Agent unless `agent` says otherwise.

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
from vault.options import EXPECTED_SHA256

# Tools that change or take away what a note said (git keeps every version).
DESTRUCTIVE = ToolAnnotations(
    read_only_hint=False, destructive_hint=True, idempotent_hint=False, open_world_hint=False
)


def register(tool: Callable, calls: Callable, param: Callable, REF: str, Obj: Any) -> None:
    """Add the four tools through the server's `tool` decorator; `calls` runs them on the
    server's worker, `param` builds a parameter from its declaration in vault.options."""

    @tool(name="replace", title="Correct a note's body", annotations=DESTRUCTIVE)
    async def replace(
        ref: Annotated[str, Field(description=REF)],
        expected_sha256: param(EXPECTED_SHA256, required=True),
        ctx: Context,
        old: param(opts.OLD) = None,
        new: param(opts.NEW) = None,
        section: param(opts.REPLACE_SECTION) = None,
        agent: param(opts.AGENT) = None,
        source: param(opts.SOURCE) = None,
    ) -> Obj:
        """Replace the one occurrence of `old` in a note's body by `new` (the error says how
        many there are, with their lines, when not exactly one), or with `section` the body
        of that section by `new`, its heading kept. Metadata is never reached (use `set`);
        every other byte stays. Guarded by expected_sha256, committed. Returns {"id", "path",
        "action", "line", "keys", "sha256" (the new hash), "commit", "restored_from"}, as
        `vault replace --json`."""
        return await calls(
            tools.replace,
            ref=ref,
            expected_sha256=expected_sha256,
            old=old,
            new=new,
            section=section,
            agent=agent or client_name(ctx),
            source=source,
        )

    @tool(name="set", title="Change a note's metadata", annotations=DESTRUCTIVE)
    async def set_metadata(
        ref: Annotated[str, Field(description=REF)],
        expected_sha256: param(EXPECTED_SHA256, required=True),
        ctx: Context,
        values: Annotated[
            dict[str, str] | None,
            Field(
                description="Keys to write and their values: title, date, type, parent, "
                "tags (comma-separated) or any key."
            ),
        ] = None,
        unset: param(opts.UNSET) = None,
        tags: param(opts.TAG_CHANGES) = None,
        agent: param(opts.AGENT) = None,
        source: param(opts.SOURCE) = None,
    ) -> Obj:
        """Change a note's metadata in its own header style (YAML keeps its other keys,
        order, quoting and comments; header lines stay header lines), nothing else. A parent
        is resolved, a date checked; a value with a line break is refused. Guarded by
        expected_sha256, committed. Returns {"id", "path", "action", "line", "keys",
        "sha256", "commit", "restored_from"}, as `vault set --json`."""
        return await calls(
            tools.set_metadata,
            ref=ref,
            expected_sha256=expected_sha256,
            values=values,
            unset=unset,
            tags=tags,
            agent=agent or client_name(ctx),
            source=source,
        )

    @tool(name="rm", title="Remove a note", annotations=DESTRUCTIVE)
    async def rm(
        ref: Annotated[str, Field(description=REF)],
        expected_sha256: param(EXPECTED_SHA256, required=True),
        ctx: Context,
        force: param(opts.FORCE) = opts.FORCE.default,
        agent: param(opts.AGENT) = None,
        source: param(opts.SOURCE) = None,
    ) -> Obj:
        """Remove a note in one commit of its own (`restore` brings it back). Refused while
        other notes link to it or name it as their Parent (listed), unless force. Returns
        {"id", "path", "referrers", "commit", "restored_from", "sha256"}, as
        `vault rm --json`."""
        return await calls(
            tools.rm,
            ref=ref,
            expected_sha256=expected_sha256,
            force=force,
            agent=agent or client_name(ctx),
            source=source,
        )

    @tool(name="restore", title="Bring back a note from git", annotations=DESTRUCTIVE)
    async def restore(
        ref: Annotated[str, Field(description=REF + " For a removed note: the id it had.")],
        ctx: Context,
        at: param(opts.AT) = None,
        expected_sha256: param(EXPECTED_SHA256) = None,
        agent: param(opts.AGENT) = None,
        source: param(opts.SOURCE) = None,
    ) -> Obj:
        """Bring back a removed note as it was before its removal ({"id", "path",
        "referrers", "commit", "restored_from", "sha256"}), or with `at` (a commit or a
        date) put back an older version of a living note, guarded by expected_sha256
        ({"id", "path", "action", "line", "keys", "sha256", "commit", "restored_from"}); as
        `vault restore --json`."""
        return await calls(
            tools.restore,
            ref=ref,
            at=at,
            expected_sha256=expected_sha256,
            agent=agent or client_name(ctx),
            source=source,
        )


def client_name(ctx: Context) -> str | None:
    """The name the MCP client declared (its clientInfo), for the Vault-Agent trailer."""
    try:
        params = ctx.session.client_params
    except (AttributeError, ValueError, LookupError):
        return None
    info = getattr(params, "client_info", None)
    return getattr(info, "name", None) or None
