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
from vault.errors import VaultError
from vault.mcp import revising, tools
from vault.options import (
    AUTHOR,
    CHANGED_SINCE,
    CONTEXT_DEPTH,
    DATE,
    EDGE_KIND,
    EXPECTED_SHA256,
    GRAPH_DEPTH,
    IGNORE,
    LEVEL,
    LOG_AUTHOR,
    LOG_LIMIT,
    LOG_SINCE,
    MAX_CHARS,
    MIXED_DATES,
    NEW_TYPE,
    NOTE_TYPE,
    PARENT,
    PROBLEM_KIND,
    RELATED_LIMIT,
    ROOT,
    SEARCH_IN,
    SEARCH_LANG,
    SEARCH_LIMIT,
    SECTION,
    SINCE,
    SORT,
    TAGS,
    TITLE,
    UNDER,
    UNTIL,
    YAML,
    Option,
)
from vault.serve.resident import Resident

# What structured content looks like, for the tools' output schemas.
Obj = Annotated[CallToolResult, dict[str, Any]]
Items = Annotated[CallToolResult, list[dict[str, Any]]]

READ = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)
WRITE = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False
)

INSTRUCTIONS = """\
A vault of Markdown research notes kept in git. Notes are named by id (their path, e.g.
memory/research/2026-02-14-exosomes-deep-dive.md); every `ref` also takes a file stem, a
[[wikilink]] or a title. Notes form a tree through their Parent header: a technical
supplement names the note it supplements as its Parent.
Before writing about a note, call `context` (the note, its Parent chain, children, siblings,
links, backlinks and related notes, in one call). Find notes with `search`; read one with
`show`, whose "sha256" you pass to `append` as expected_sha256, so nothing is added to a note
that changed since you read it. Create a supplement with `new` (never overwrites). Every
result is the JSON the vault CLI prints with --json.
"""

# What a note argument takes, for the tools' descriptions.
REF = "The note: an id (memory/x/2026-01-01-y.md), a path, a file stem, a [[wikilink]] or a title."


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


def _described(fn: Callable) -> str:
    return inspect.cleandoc(fn.__doc__ or "")


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
) -> MCPServer:
    """The server for the vault at `vault_dir` (as --vault takes it); VaultError when there
    is no vault there. `read_only` leaves out the tools that write. `calls` is how a
    resident process (`vault serve`) shares its warm state and worker instead."""
    calls = calls or _Calls(Resident(vault_dir, watch=watch))

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
        middleware=[_one_line_errors],
    )

    def tool(name: str, title: str, annotations: ToolAnnotations):
        def register(fn: Callable) -> Callable:
            server.add_tool(
                fn, name=name, title=title, description=_described(fn), annotations=annotations
            )
            return fn

        return register

    @tool(name="search", title="Search notes", annotations=READ)
    async def search(
        query: Annotated[
            str,
            Field(
                description="Words or a question, ranked (stop words ignored, notes with more "
                "of the words first); or the query language (words joined with AND, matched by "
                'stem): OR, NOT, "exact phrases", field:value (title, body, tags, type, parent, '
                "date, id), exo* and fuzzy exosme~."
            ),
        ],
        type: param(NOTE_TYPE) = None,
        under: param(UNDER) = None,
        since: param(SINCE) = None,
        until: param(UNTIL) = None,
        changed_since: param(CHANGED_SINCE) = None,
        author: param(AUTHOR) = None,
        in_folders: param(SEARCH_IN) = None,
        lang: param(SEARCH_LANG) = None,
        limit: param(SEARCH_LIMIT) = SEARCH_LIMIT.default,
    ) -> Items:
        """Full-text search over the notes' titles, bodies and tags, best first; the index is
        brought up to date first, so results reflect the files. Returns [{"id", "title",
        "date", "type", "parent", "score", "snippet"}] ([] when nothing matches), as
        `vault search --json`."""
        return await calls(
            tools.search,
            query=query,
            type=type,
            under=under,
            since=since,
            until=until,
            changed_since=changed_since,
            author=author,
            in_folders=in_folders,
            lang=lang,
            limit=limit,
        )

    @tool(name="show", title="Read a note", annotations=READ)
    async def show(ref: Annotated[str, Field(description=REF)]) -> Obj:
        """One note: {"id", "title", "date", "type", "parent" (resolved id or null),
        "parent_ref" (as written), "children", "tags", "meta", "body", "warnings",
        "sha256"}, as `vault show --json`. Pass "sha256" to `append` as expected_sha256."""
        return await calls(tools.show, ref=ref)

    @tool(name="list", title="List notes", annotations=READ)
    async def list_notes(
        type: param(NOTE_TYPE) = None,
        under: param(UNDER) = None,
        since: param(SINCE) = None,
        until: param(UNTIL) = None,
        changed_since: param(CHANGED_SINCE) = None,
        author: param(AUTHOR) = None,
        sort: param(SORT) = SORT.default,
        mixed_dates: param(MIXED_DATES) = False,
    ) -> Items:
        """Every note passing the filters, newest first: [{"id", "title", "date",
        "date_source", "type", "parent"}], as `vault list --json`."""
        return await calls(
            tools.list_notes,
            type=type,
            under=under,
            since=since,
            until=until,
            changed_since=changed_since,
            author=author,
            sort=sort,
            mixed_dates=mixed_dates,
        )

    @tool(name="related", title="Notes like this one", annotations=READ)
    async def related(
        ref: Annotated[str, Field(description=REF)],
        limit: param(RELATED_LIMIT) = RELATED_LIMIT.default,
    ) -> Items:
        """The notes most like `ref` by the words that characterise it (more-like-this): what
        the vault already says, before writing more. Same shape as `search`, as
        `vault related --json`."""
        return await calls(tools.related, ref=ref, limit=limit)

    @tool(name="backlinks", title="What points at a note", annotations=READ)
    async def backlinks(ref: Annotated[str, Field(description=REF)]) -> Items:
        """Every note that links to `ref` or names it as Parent, one entry per reference:
        [{"id", "title", "date", "type", "kind" ("parent" or "link"), "line" (null for a
        Parent header), "raw" (as written)}], as `vault backlinks --json`."""
        return await calls(tools.backlinks, ref=ref)

    @tool(name="tree", title="The Parent tree", annotations=READ)
    async def tree(
        ref: Annotated[
            str | None, Field(description=REF + " Omit for every root note's tree.")
        ] = None,
    ) -> Items:
        """The Parent hierarchy below `ref`, or every tree when omitted: [{"id", "title",
        "date", "type", "children": [...]}] (a note met again on a Parent cycle has
        "cycle": true), as `vault tree --json`."""
        return await calls(tools.tree, ref=ref)

    @tool(name="path", title="How two notes connect", annotations=READ)
    async def path(
        a: Annotated[str, Field(description="The first note. " + REF)],
        b: Annotated[str, Field(description="The second note. " + REF)],
    ) -> Obj:
        """The shortest chain of Parent and link edges between `a` and `b`, either direction:
        {"from", "to", "length" (null when not connected), "path": [ids], "steps": [{"from",
        "to", "kind", "direction"}]}, as `vault path --json`."""
        return await calls(tools.path, a=a, b=b)

    @tool(name="graph", title="The link graph", annotations=READ)
    async def graph(
        root: param(ROOT) = None,
        depth: param(GRAPH_DEPTH) = None,
        kind: param(EDGE_KIND) = EDGE_KIND.default,
        type: param(NOTE_TYPE) = None,
    ) -> Obj:
        """The link graph as `vault graph` exports it in JSON (version 2): {"version",
        "directed", "color_by", "groups", "root", "depth", "nodes": [{"id", "title", "date",
        "type", "tags", "missing", "folder", "group", "community", "degree", "pagerank",
        "label_rank", "snippet"}], "edges": [{"source", "target", "kind"}]}. Without root it
        is the whole vault, which can be large: give a root."""
        return await calls(tools.graph, root=root, depth=depth, kind=kind, type=type)

    @tool(name="check", title="Problems in the vault", annotations=READ)
    async def check(
        kind: param(PROBLEM_KIND) = None,
        ignore: param(IGNORE) = None,
        level: param(LEVEL) = LEVEL.default,
    ) -> Obj:
        """Broken Parents and links, cycles, ambiguous references, missing attachments,
        unreadable metadata, undated, duplicate-titled and orphan notes, as `vault check
        --json`: {"problems": [{"kind", "level", "note", "line", "target", "message"}],
        "counts": {kind: n}, "errors", "warnings", "infos", "hidden"}."""
        return await calls(tools.check, kind=kind, ignore=ignore, level=level)

    @tool(name="log", title="History from git", annotations=READ)
    async def log(
        ref: Annotated[
            str | None, Field(description=REF + " Omit for the whole vault's history.")
        ] = None,
        since: param(LOG_SINCE) = None,
        author: param(LOG_AUTHOR) = None,
        limit: param(LOG_LIMIT) = None,
    ) -> Items:
        """Commits touching the vault, or one note through its renames, newest first:
        [{"commit", "author", "email", "date", "message", "notes": [ids]}], as
        `vault log --json`."""
        return await calls(tools.log, ref=ref, since=since, author=author, limit=limit)

    @tool(name="context", title="Everything around a note", annotations=READ)
    async def context(
        ref: Annotated[str, Field(description=REF)],
        depth: param(CONTEXT_DEPTH) = CONTEXT_DEPTH.default,
        max_chars: param(MAX_CHARS) = MAX_CHARS.default,
    ) -> Obj:
        """What to read before writing about a note, in one call: {"note": {"id", "title",
        "date", "type", "body", "sha256", "truncated"}, "items": [{"why" (parent, child,
        sibling, link, backlink, related), "id", "title", "date", "type", "distance",
        "snippet"}], "omitted": {why: n}, "max_chars"}; items nearest first, as many as fit
        in max_chars ("omitted" counts the rest). As `vault context --json`."""
        return await calls(tools.context, ref=ref, depth=depth, max_chars=max_chars)

    if read_only:
        return server

    @tool(name="new", title="Create a note", annotations=WRITE)
    async def new(
        title: param(TITLE),
        body: Annotated[
            str, Field(description="The Markdown body; empty for a section template.")
        ] = "",
        parent: param(PARENT) = None,
        type: param(NEW_TYPE) = None,
        date: param(DATE) = None,
        tags: param(TAGS) = None,
        yaml: param(YAML) = YAML.default,
    ) -> Obj:
        """Create a note, by default a technical supplement under `parent`, in the parent's
        folder as <date>-<slug-of-title>.md, and commit it. Never overwrites (a taken name
        gets -2, -3, ...) and never writes outside the vault. Returns {"id", "path",
        "title", "date", "type", "parent", "commit"}, as `vault new --json`."""
        return await calls(
            tools.new,
            title=title,
            body=body,
            parent=parent,
            type=type,
            date=date,
            tags=tags,
            yaml=yaml,
        )

    @tool(name="append", title="Add to a note", annotations=WRITE)
    async def append(
        ref: Annotated[str, Field(description=REF)],
        text: Annotated[str, Field(description="The Markdown to add, as a paragraph of its own.")],
        # Required here, unlike on the command line: an agent always has the hash from
        # `show` or `context`, and without it text could land in a note changed since.
        expected_sha256: param(EXPECTED_SHA256, required=True),
        section: param(SECTION) = None,
    ) -> Obj:
        """Add text at the end of a note, or of one section of it, changing no other byte
        (front matter and header lines stay as they were), and commit it. Refuses when the
        note changed since it was read (expected_sha256), or when the section is missing
        or appears more than once (the error lists the headings). Returns {"id", "path",
        "section", "line", "sha256" (the new hash, for the next append), "commit"}, as
        `vault append --json`."""
        return await calls(
            tools.append, ref=ref, text=text, expected_sha256=expected_sha256, section=section
        )

    # replace, set, rm, restore: their own module (vault.mcp.revising).
    revising.register(tool, calls, param, REF, Obj)
    return server


def serve(vault_dir: str | None, *, read_only: bool = False) -> None:
    """Run the server on standard input and output until the client closes them."""
    server = build_server(vault_dir, read_only=read_only)
    try:
        server.run("stdio")
    except KeyboardInterrupt:
        pass
