"""`vault mcp`: the vault as an MCP server over stdio, on the official SDK (mcp 2.x).

The server is resident: it opens the vault once and keeps the catalog (and what is built on
it) between calls, looking again only when the watcher says something changed
(vault.serve.resident). Calls run on a pool of threads (vault.serve.pool), side by side, so
the event loop stays free to read requests while calls work and one slow call (a huge query,
a first search that builds the index) holds up no other; the writing tools run one at a
time. Each call has a time limit (VAULT_SERVE_TIMEOUT), past which it is a one-line error.

A tool's result is what the command of the same name prints with --json: the text exactly,
and the same data as structured content (lists under "result", the SDK's convention, as
structured content must be an object). A failure is a tool error whose text is the one
line the CLI prints after "Error: ".

The tool list is read into an agent's context window on every turn, so it is kept small:
descriptions of a sentence or two, and schemas without what pydantic adds for nobody (a
title per property, `null` alternatives of optional parameters): `_compact_tools`.
"""

import asyncio
import inspect
import sys
import threading
import traceback
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from vault import __version__
from vault.errors import InvalidInput, VaultError
from vault.mcp import revising, tools
from vault.options import (
    AGENT_FILTER,
    AUTHOR,
    CHANGED_SINCE,
    CONTEXT_DEPTH,
    EDGE_KIND,
    EXPLAIN,
    GRAPH_DEPTH,
    IGNORE,
    LEVEL,
    LOG_AGENT,
    LOG_AUTHOR,
    LOG_LIMIT,
    LOG_PATCH,
    LOG_SINCE,
    MAX_CHARS,
    MIXED_DATES,
    MODE,
    NOTE_TYPE,
    PROBLEM_KIND,
    RELATED_LIMIT,
    ROOT,
    SEARCH_IN,
    SEARCH_LANG,
    SEARCH_LIMIT,
    SHOW_AT,
    SINCE,
    SORT,
    TAG_FILTER,
    UNDER,
    UNTIL,
    Option,
)
from vault.serve.resident import Resident

# A tool's result: text and structured content, with no output schema (one would only say
# "an object" or "a list of objects", at ~20 tokens a tool; the shape is in the description).
Obj = Items = CallToolResult

# Only the hint that matters (the protocol's defaults: not read-only, destructive).
READ = ToolAnnotations(read_only_hint=True)

# Every tool, by kind: --read-only leaves out the write tools (vault.mcp.revising).
READ_TOOLS = (
    "search", "show", "list", "related", "backlinks", "tree", "path", "graph", "check", "log",
    "context",
)  # fmt: skip
WRITE_TOOLS = ("new", "append", "mv", "replace", "set", "rm", "restore")

INSTRUCTIONS = """\
A vault of Markdown research notes kept in git. Notes are named by id (their path, e.g.
memory/research/2026-02-14-exosomes-deep-dive.md); every `ref` also takes a file stem, a
[[wikilink]] or a title. Notes form a tree through their Parent header: a technical
supplement names the note it supplements as its Parent.
Before writing about a note, call `context` (the note, its Parent chain, children, siblings,
links, backlinks and related notes, in one call). Find notes with `search`; read one with
`show`, whose "sha256" you pass to `append` (and replace, set, rm) as expected_sha256, so
nothing is written to a note that changed since you read it. Create a supplement with `new`
(never overwrites). Every write is one git commit naming you as its Vault-Agent.
Each tool is the vault command of the same name: it takes the command's options and returns
what `vault <tool> ... --json` prints (see `vault <tool> --help` for the shape).
"""

# What a note argument takes, for the tools' descriptions.
REF = "Id, stem or title."


def param(option: Option, *, required: bool = False) -> Any:
    """A tool parameter's type, built from the option's declaration in vault.options: its
    type (one value or a list of them when it may be given several times; None allowed
    unless it must be given) and, in the JSON schema, its description, range, choices and
    date format. The values themselves are checked by vault.options (vault.mcp.tools), not
    by pydantic, so a bad one is refused in the command line's words."""
    kind: Any = option.type
    if option.multiple:
        kind = list[kind] | kind
    if not (option.required or required) and option.default is None:
        kind = kind | None
    return Annotated[kind, Field(description=option.help, json_schema_extra=_schema(option))]


def _schema(option: Option) -> Callable[[dict], None]:
    def add(schema: dict) -> None:
        for branch in schema.get("anyOf", [schema]):
            one = branch["items"] if branch.get("type") == "array" else branch
            if one.get("type") == "integer":
                if option.min is not None:
                    one["minimum"] = option.min
                if option.max is not None:
                    one["maximum"] = option.max
            elif one.get("type") == "string" and option.choices:
                one["enum"] = list(option.choices)
            elif one.get("type") == "string" and option.day:
                one["format"] = "date"

    return add


def _error(message: str) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=" ".join(message.split()))], is_error=True
    )


def _result(out: tools.Output) -> CallToolResult:
    data = out.data
    structured = data if isinstance(data, dict) else {"result": data}
    return CallToolResult(
        content=[TextContent(type="text", text=out.as_text())], structured_content=structured
    )


async def _one_line_errors(ctx, call_next):
    """Middleware: a tool error the SDK wrote (arguments that fail the input schema, an
    unknown tool) is made one line, like every error of ours."""
    result = await call_next(ctx)
    if ctx.method == "tools/call" and isinstance(result, dict) and result.get("isError"):
        for block in result.get("content") or ():
            if block.get("type") == "text" and "\n" in block.get("text", ""):
                lines = [ln.strip() for ln in block["text"].splitlines()]
                kept = [ln for ln in lines if ln and not ln.startswith("For further information")]
                block["text"] = ": ".join(kept)
    return result


async def _compact_tools(ctx, call_next):
    """Middleware: the tool list without what costs an agent's context and tells it nothing:
    pydantic's titles of properties and schemas ("Ref", "searchArguments"), the `null`
    alternative of an optional parameter and its default of null (leaving it out is how it
    is not given), and the single-value alternative of a list (the tool takes both)."""
    result = await call_next(ctx)
    if ctx.method == "tools/list" and isinstance(result, dict):
        for tool in result.get("tools") or ():
            tool["inputSchema"] = compact_schema(tool["inputSchema"])
    return result


def compact_schema(schema: object) -> object:
    """A JSON schema without "title" strings, with `anyOf: [X, null]` and `anyOf: [list
    of X, X]` said as their first branch, and no `"default": null`."""
    if isinstance(schema, list):
        return [compact_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {
        k: compact_schema(v)
        for k, v in schema.items()
        if not (k == "title" and isinstance(v, str)) and not (k == "default" and v is None)
    }
    branches = out.get("anyOf")
    if isinstance(branches, list):
        kept = [b for b in branches if b != {"type": "null"}]
        # A value given several times (list[X] | X): said once, as the list.
        lists = [b for b in kept if isinstance(b, dict) and b.get("type") == "array"]
        if lists and all(b in lists or b == lists[0].get("items") for b in kept):
            kept = lists[:1]
        if len(kept) == 1 and isinstance(kept[0], dict):
            del out["anyOf"]
            out = {**kept[0], **out}
        else:
            out["anyOf"] = kept
    return out


def _described(fn: Callable) -> str:
    return " ".join(inspect.cleandoc(fn.__doc__ or "").split())


def chosen_tools(names: str | None, read_only: bool = False) -> frozenset[str]:
    """The tools `vault mcp --tools a,b,c` asks for (None: every tool), less the write tools
    under --read-only; InvalidInput naming the valid ones for a name that is no tool, and
    for a write tool asked for with --read-only."""
    every = READ_TOOLS + WRITE_TOOLS
    offered = READ_TOOLS if read_only else every
    if names is None:
        return frozenset(offered)
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    for name in wanted:
        if name not in every:
            raise InvalidInput(f"--tools: no tool {name!r}; the tools are: {', '.join(every)}")
        if name not in offered:
            raise InvalidInput(
                f"--tools: {name} writes, and --read-only offers no tool that writes; the "
                f"read tools are: {', '.join(READ_TOOLS)}"
            )
    if not wanted:
        raise InvalidInput(f"--tools: name at least one tool of: {', '.join(offered)}")
    return frozenset(wanted)


def forwarding(calls: "_Calls") -> Callable:
    """`run(fn, locals())` for a tool's wrapper: `fn` (a vault.mcp.tools function) on the
    worker with the wrapper's arguments that `fn` takes, `agent` defaulting to the name the
    client declared (the Vault-Agent of what it writes)."""

    taken: dict[Callable, frozenset[str]] = {}  # each tool function's parameters, read once

    async def run(fn: Callable[..., tools.Output], args: dict) -> CallToolResult:
        if fn not in taken:
            taken[fn] = frozenset(inspect.signature(fn).parameters) - {"r"}
        kwargs = {k: v for k, v in args.items() if k in taken[fn]}
        if "agent" in kwargs and not kwargs["agent"] and args.get("ctx") is not None:
            kwargs["agent"] = revising.client_name(args["ctx"])
        return await calls(fn, **kwargs)

    return run


class _Calls:
    """Runs tool functions on a pool of threads, the Resident refreshed first, and turns what
    they raise into tool errors. Reads run side by side; the other tools (the ones that
    write) one at a time, besides the vault's own locks. A call not done within `timeout`
    seconds is a tool error (the call runs on). `vault serve` shares its pool; `vault mcp`
    has its own."""

    # The tools that only read: any other is taken to write.
    READS = frozenset(
        (tools.search, tools.show, tools.list_notes, tools.related, tools.backlinks)
        + (tools.tree, tools.path, tools.graph, tools.check, tools.log, tools.context)
    )

    def __init__(
        self,
        resident: Resident,
        worker: ThreadPoolExecutor | None = None,
        timeout: float | None = None,
    ):
        from vault.serve import pool

        self.resident = resident
        self.owned = worker is None  # `vault serve` shares its pool, and closes it itself
        self.worker = worker or pool.threads("vault-call")
        self.timeout = pool.timeout() if timeout is None else timeout
        self._writing = threading.Lock()

    def _run(self, fn: Callable[..., tools.Output], kwargs: dict) -> CallToolResult:
        from vault.serve.pool import stall_for_tests

        try:
            stall_for_tests(" ".join(map(str, kwargs.values())))
            if fn in self.READS:
                self.resident.refresh()
                return _result(fn(self.resident, **kwargs))
            with self._writing:
                self.resident.refresh()
                return _result(fn(self.resident, **kwargs))
        except VaultError as exc:
            return _error(str(exc))
        except OSError as exc:  # a file gone or unreadable between the walk and the read
            where = f" {exc.filename}" if exc.filename else ""
            return _error(f"cannot read{where}: {exc.strerror or exc}")
        except Exception as exc:  # a bug: the traceback to the log, one line to the client
            traceback.print_exc(file=sys.__stderr__)
            return _error(f"internal error in vault ({type(exc).__name__}: {exc}); see its stderr")

    async def __call__(self, fn: Callable[..., tools.Output], **kwargs) -> CallToolResult:
        from vault.serve.pool import too_slow

        future = asyncio.wrap_future(self.worker.submit(self._run, fn, kwargs))
        try:
            # shield: past the limit the call runs on, and its end is not an error to log
            return await asyncio.wait_for(asyncio.shield(future), self.timeout)
        except TimeoutError:
            if fn in self.READS:
                return _error(too_slow(self.timeout))
            return _error(
                too_slow(self.timeout)
                + "; the write may still be done: read the note again before you retry"
            )

    def close(self) -> None:
        if not self.owned:
            return
        self.worker.shutdown(wait=False, cancel_futures=True)
        self.resident.close()


def build_server(
    vault_dir: str | None,
    *,
    read_only: bool = False,
    watch: bool = True,
    calls: _Calls | None = None,
    only: frozenset[str] | None = None,
) -> MCPServer:
    """The server for the vault at `vault_dir` (as --vault takes it); VaultError when there
    is no vault there. `read_only` leaves out the tools that write; `only` (chosen_tools)
    offers just those tools. `calls` is how a resident process (`vault serve`) shares its
    warm state and worker instead."""
    # Read-only writes nothing, not even the recovery of a `vault mv` killed midway.
    calls = calls or _Calls(Resident(vault_dir, watch=watch, may_write=not read_only))
    offered = chosen_tools(None, read_only)
    if only is not None:
        offered = offered & only
    run = forwarding(calls)

    @asynccontextmanager
    async def lifespan(_server: MCPServer) -> AsyncIterator[dict]:
        try:
            yield {}
        finally:
            calls.close()

    server = MCPServer(
        "vault",
        title="vault: Markdown research notes in git",
        instructions=INSTRUCTIONS,
        version=__version__,
        lifespan=lifespan,
        log_level="WARNING",
        middleware=[_one_line_errors, _compact_tools],
    )

    def tool(name: str, annotations: ToolAnnotations):
        # No title: the name says as much, and every token of the list is read each turn.
        def register(fn: Callable) -> Callable:
            if name in offered:
                server.add_tool(fn, name=name, description=_described(fn), annotations=annotations)
            return fn

        return register

    @tool(name="search", annotations=READ)
    async def search(
        query: Annotated[
            str,
            Field(
                description='Words or a question; or AND, OR, NOT, "phrases", field:value, exo*.'
            ),
        ],
        type: param(NOTE_TYPE) = None,
        under: param(UNDER) = None,
        since: param(SINCE) = None,
        until: param(UNTIL) = None,
        changed_since: param(CHANGED_SINCE) = None,
        author: param(AUTHOR) = None,
        tags: param(TAG_FILTER) = None,
        agent: param(AGENT_FILTER) = None,
        in_folders: param(SEARCH_IN) = None,
        lang: param(SEARCH_LANG) = None,
        limit: param(SEARCH_LIMIT) = SEARCH_LIMIT.default,
        mode: param(MODE) = MODE.default,
        explain: param(EXPLAIN) = EXPLAIN.default,
    ) -> Items:
        """Ranked search of the notes' titles, bodies and tags."""
        return await run(tools.search, locals())

    @tool(name="show", annotations=READ)
    async def show(ref: Annotated[str, Field(description=REF)], at: param(SHOW_AT) = None) -> Obj:
        """A note, its sha256 (writes expect it back) and last commit; with `at`, as it was then."""
        return await run(tools.show, locals())

    @tool(name="list", annotations=READ)
    async def list_notes(
        type: param(NOTE_TYPE) = None,
        under: param(UNDER) = None,
        since: param(SINCE) = None,
        until: param(UNTIL) = None,
        changed_since: param(CHANGED_SINCE) = None,
        author: param(AUTHOR) = None,
        tags: param(TAG_FILTER) = None,
        agent: param(AGENT_FILTER) = None,
        sort: param(SORT) = SORT.default,
        mixed_dates: param(MIXED_DATES) = False,
    ) -> Items:
        """The notes passing the filters, newest first."""
        return await run(tools.list_notes, locals())

    @tool(name="related", annotations=READ)
    async def related(
        ref: Annotated[str, Field(description=REF)],
        limit: param(RELATED_LIMIT) = RELATED_LIMIT.default,
    ) -> Items:
        """The notes most like `ref`: what the vault already says."""
        return await run(tools.related, locals())

    @tool(name="backlinks", annotations=READ)
    async def backlinks(ref: Annotated[str, Field(description=REF)]) -> Items:
        """The links and Parent headers pointing at `ref`."""
        return await run(tools.backlinks, locals())

    @tool(name="tree", annotations=READ)
    async def tree(
        ref: Annotated[str | None, Field(description=REF + " None: every tree.")] = None,
    ) -> Items:
        """The Parent tree below `ref`, or every tree."""
        return await run(tools.tree, locals())

    @tool(name="path", annotations=READ)
    async def path(
        a: Annotated[str, Field(description=REF)], b: Annotated[str, Field(description=REF)]
    ) -> Obj:
        """The shortest chain of links and Parents between `a` and `b`."""
        return await run(tools.path, locals())

    @tool(name="graph", annotations=READ)
    async def graph(
        root: param(ROOT) = None,
        depth: param(GRAPH_DEPTH) = None,
        kind: param(EDGE_KIND) = EDGE_KIND.default,
        type: param(NOTE_TYPE) = None,
    ) -> Obj:
        """The link graph; give a root: the whole vault is large."""
        return await run(tools.graph, locals())

    @tool(name="check", annotations=READ)
    async def check(
        kind: param(PROBLEM_KIND) = None,
        ignore: param(IGNORE) = None,
        level: param(LEVEL) = LEVEL.default,
    ) -> Obj:
        """Broken links, cycles, bad metadata and other problems."""
        return await run(tools.check, locals())

    @tool(name="log", annotations=READ)
    async def log(
        ref: Annotated[str | None, Field(description=REF + " None: the whole vault.")] = None,
        since: param(LOG_SINCE) = None,
        author: param(LOG_AUTHOR) = None,
        limit: param(LOG_LIMIT) = None,
        agent: param(LOG_AGENT) = None,
        patch: param(LOG_PATCH) = False,
    ) -> Items:
        """The commits of the vault, or of one note through its renames."""
        return await run(tools.log, locals())

    @tool(name="context", annotations=READ)
    async def context(
        ref: Annotated[str, Field(description=REF)],
        depth: param(CONTEXT_DEPTH) = CONTEXT_DEPTH.default,
        max_chars: param(MAX_CHARS) = MAX_CHARS.default,
    ) -> Obj:
        """Call before writing about a note: it, its parent, children, links, related notes."""
        return await run(tools.context, locals())

    # new, append, mv, replace, set, rm, restore: their own module (`offered` leaves them out
    # under --read-only: one rule for which tools there are).
    revising.register(tool, run, param, REF, Obj)
    return server


def serve(vault_dir: str | None, *, read_only: bool = False, names: str | None = None) -> None:
    """Run the server on standard input and output until the client closes them; `names`
    is --tools (chosen_tools)."""
    only = chosen_tools(names, read_only)
    server = build_server(vault_dir, read_only=read_only, only=only)
    try:
        server.run("stdio")
    except KeyboardInterrupt:
        pass
