"""The web app on `vault serve`: thin Starlette routes that gather a page's data on the
server's worker (vault.web.data, vault.web.writes) and lay it out with Jinja2 templates.

Behind the Guard (vault.serve.guard: token, Host, Origin) every response also carries a
Content-Security-Policy (no inline script, nothing from another origin), every form a CSRF
token (an HMAC of the server's token: a page of another site can neither read nor forge
it), and under `--read-only` there is no form and every POST is refused."""

from __future__ import annotations

import hashlib
import hmac
import sys
import traceback
from collections.abc import Callable
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from vault.errors import AmbiguousRef, NoteNotFound, VaultError
from vault.serve.process import Served
from vault.web import data, files, writes

CSP = (
    "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
# The graph view lays the graph out in a web worker it starts from a blob: URL.
GRAPH_CSP = CSP + "; worker-src 'self' blob:"
# Search fields the search page and its JSON take, as `vault search` names them.
# What the note page says after a write sent the reader back to it.
DONE = {
    "new": "Created, and committed.",
    "append": "Appended, and committed.",
    "replace": "Replaced, and committed.",
    "set": "Metadata set, and committed.",
    "restore": "Restored, and committed.",
}
# The writes a form may ask for, by the verb in its address.
WRITES = {
    "new": writes.new_supplement,
    "append": writes.append,
    "replace": writes.replace,
    "set": writes.set_metadata,
    "rm": writes.remove,
    "restore": writes.restore,
}
SEARCH_FIELDS = (
    *("query", "type", "under", "since", "until", "changed_since", "author", "agent", "lang"),
    "mode",
)


class Internal(VaultError):
    """A bug met while answering: its traceback went to the server's stderr."""


class Pages:
    """The routes, over one served vault."""

    def __init__(self, served: Served):
        self.served = served
        self.read_only = served.read_only
        self.csrf = hmac.new(served.token.encode(), b"vault web forms", hashlib.sha256).hexdigest()
        self.shown = writes.Shown()
        self.env = Environment(
            loader=PackageLoader("vault.web", "templates"),
            autoescape=select_autoescape(default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.update(
            vault=served.vault.root.name, read_only=self.read_only, csrf=self.csrf, q=quote
        )

    # --- plumbing ---------------------------------------------------------------------------

    async def on_worker(self, fn: Callable, *args):
        """`fn(resident, *args)` on the server's worker, the warm state refreshed first."""

        def run():
            self.served.resident.refresh()
            try:
                return fn(self.served.resident, *args)
            except VaultError:
                raise
            except OSError as exc:  # a file gone or unreadable between the walk and the read
                where = f" {exc.filename}" if exc.filename else ""
                raise VaultError(f"cannot read{where}: {exc.strerror or exc}") from None
            except Exception as exc:  # a bug: the traceback to stderr, one line to the page
                traceback.print_exc(file=sys.stderr)
                raise Internal(f"internal error in vault ({type(exc).__name__}: {exc})") from None

        return await run_in_threadpool(self.served.call, run)

    def page(self, name: str, status: int = 200, **context) -> HTMLResponse:
        html = self.env.get_template(name).render(**context)
        return HTMLResponse(html, status)

    def error(self, exc: Exception) -> HTMLResponse:
        if isinstance(exc, NoteNotFound | AmbiguousRef):
            status = 404 if isinstance(exc, NoteNotFound) else 409
        elif isinstance(exc, TimeoutError):
            status = 503
        elif isinstance(exc, Internal):
            status = 500
        else:
            status = 400
        return self.page("error.html", status, message=" ".join(str(exc).split()))

    async def answer(self, template: str, fn: Callable, *args, **extra) -> Response:
        try:
            found = await self.on_worker(fn, *args)
        except (VaultError, TimeoutError) as exc:
            return self.error(exc)
        return self.page(template, **extra, data=found)

    # --- pages --------------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        return await self.answer("home.html", data.home)

    async def problems(self, request: Request) -> Response:
        return await self.answer("problems.html", data.problems)

    async def note(self, request: Request) -> Response:
        ref = request.path_params["id"]
        done = DONE.get(request.query_params.get("done", ""), "")
        whole = request.query_params.get("whole") == "1"
        return await self.answer(
            "note.html", data.note, ref, self.shown.keep, whole, request_done=done
        )

    async def search(self, request: Request) -> Response:
        asked = _search_query(request)
        if not any(v for k, v in asked.items() if k not in ("mode", "explain")):
            return self.page("search.html", asked=asked, data=None)
        return await self.answer("search.html", data.search, asked, asked=asked)

    async def search_json(self, request: Request) -> Response:
        try:
            hits = await self.on_worker(data.search, _search_query(request))
        except (VaultError, TimeoutError) as exc:
            status = 500 if isinstance(exc, Internal) else 400
            return JSONResponse({"error": " ".join(str(exc).split())}, status)
        return JSONResponse(hits)

    async def related_json(self, request: Request) -> Response:
        try:
            hits = await self.on_worker(data.related, request.query_params.get("id", ""))
        except (VaultError, TimeoutError) as exc:
            status = 404 if isinstance(exc, NoteNotFound) else 400
            return JSONResponse({"error": " ".join(str(exc).split())}, status)
        return JSONResponse(hits)

    async def history(self, request: Request) -> Response:
        ref, p = request.path_params["id"], request.query_params
        if p.get("at"):
            return await self.answer("version.html", data.version, ref, p["at"], self.shown.keep)
        if p.get("a"):
            return await self.answer("diff.html", data.diff, ref, p["a"], p.get("b", ""))
        return await self.answer("history.html", data.history, ref)

    async def graph(self, request: Request) -> Response:
        return HTMLResponse(files.graph_page(), headers={"content-security-policy": GRAPH_CSP})

    async def graph_json(self, request: Request) -> Response:
        p = request.query_params
        try:
            depth = int(p["depth"]) if p.get("depth") else None
            found = await self.on_worker(data.graph, p.get("root") or None, depth)
        except (VaultError, TimeoutError, ValueError) as exc:
            return JSONResponse({"error": " ".join(str(exc).split())}, 400)
        return JSONResponse(found)

    async def attachment(self, request: Request) -> Response:
        return files.attachment(self.served.vault, request.path_params["path"])

    async def static(self, request: Request) -> Response:
        return files.static(request.path_params["name"])

    # --- writes -------------------------------------------------------------------------------

    async def write(self, request: Request) -> Response:
        if self.read_only:
            return self.page("error.html", 403, message="this server is read-only")
        form = await request.form()
        fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        if not hmac.compare_digest(fields.get("csrf", "").encode(), self.csrf.encode()):
            return self.page("error.html", 403, message="the form's CSRF token is missing")
        verb, ref = request.path_params["verb"], request.path_params["id"]
        fn = WRITES.get(verb)
        if fn is None:
            return self.page("error.html", 404, message=f"no such write: {verb}")
        try:
            done = await self.on_worker(fn, self.shown, ref, fields.get("sha256", ""), fields)
        except (VaultError, TimeoutError) as exc:
            return self.error(exc)
        if isinstance(done, writes.Stale):
            return self.page("stale.html", 409, stale=done, ref=ref)
        if verb == "rm":
            return self.page("removed.html", data=done)
        return RedirectResponse(f"/note/{quote(done['id'])}?done={verb}", 303)


def _search_query(request: Request) -> dict:
    p = request.query_params
    asked: dict = {k: p.get(k, "").strip() for k in SEARCH_FIELDS}
    asked["query"] = asked["query"] or p.get("q", "").strip()
    asked["in_folders"] = tuple(f for f in p.getlist("in") if f.strip())
    # Tags as the field takes them: separated by commas or spaces, `#` or not.
    asked["tags"] = tuple(t for v in p.getlist("tag") for t in v.replace(",", " ").split())
    asked["explain"] = p.get("explain", "") not in ("", "0", "no", "false")
    limit = p.get("limit", "").strip()
    asked["limit"] = int(limit) if limit.isdigit() else limit  # a bad one: refused as --limit
    return asked


def build_app(served: Served) -> Starlette:
    pages = Pages(served)
    routes = [
        Route("/", pages.home),
        Route("/problems", pages.problems),
        Route("/note/{id:path}", pages.note),
        Route("/search", pages.search),
        Route("/search.json", pages.search_json),
        Route("/related.json", pages.related_json),
        Route("/history/{id:path}", pages.history),
        Route("/graph", pages.graph),
        Route("/graph.json", pages.graph_json),
        Route("/file/{path:path}", pages.attachment),
        Route("/static/{name}", pages.static),
        Route("/write/{verb}/{id:path}", pages.write, methods=["POST"]),
    ]
    return Starlette(routes=routes)


def with_pages(served: Served, mcp_app) -> Callable:
    """One ASGI app: MCP at /mcp (and its lifespan), the pages everywhere else, each page
    with the security headers."""
    app = build_app(served)

    async def both(scope, receive, send):
        if scope["type"] != "http" or scope["path"] == "/mcp" or scope["path"].startswith("/mcp/"):
            return await mcp_app(scope, receive, send)

        async def headed(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return await app(scope, receive, headed)

    return both


SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # no-referrer would send "Origin: null"
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]
