"""Files the pages serve: the app's own static files, the graph view, and a vault's
attachments, which only ever come from inside the vault's notes folder (no `..`, no hidden
file or folder such as .git or .vault, no symbolic link that leads out)."""

from __future__ import annotations

import functools
import mimetypes
import os
import re
from importlib import resources

from starlette.responses import FileResponse, PlainTextResponse, Response

from vault.vault import Vault

# An attachment is shown as a document of its own: sandboxed, so an SVG's script never runs.
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
STATIC_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def _refused() -> Response:
    return PlainTextResponse("Not found\n", 404)


def attachment(vault: Vault, path: str) -> Response:
    parts = path.split("/")
    if not path or "\x00" in path or any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        return _refused()
    notes = os.path.realpath(vault.notes_dir)
    real = os.path.realpath(os.path.join(vault.root, *parts))
    if os.path.commonpath([notes, real]) != notes or not os.path.isfile(real):
        return _refused()
    kind = mimetypes.guess_type(real)[0] or "application/octet-stream"
    return FileResponse(real, media_type=kind, headers={"content-security-policy": FILE_CSP})


@functools.cache
def _static(name: str) -> tuple[bytes, str] | None:
    if name.startswith("graph_view."):
        view = _graph_parts()
        if name not in view:
            return None
        return view[name].encode(), STATIC_TYPES[os.path.splitext(name)[1]]
    kind = STATIC_TYPES.get(os.path.splitext(name)[1])
    folder = resources.files("vault.web").joinpath("static")
    if kind is None or "/" in name or not folder.joinpath(name).is_file():
        return None
    return folder.joinpath(name).read_bytes(), kind


def static(name: str) -> Response:
    found = _static(name)
    if found is None:
        return _refused()
    return Response(found[0], media_type=found[1], headers={"cache-control": "max-age=3600"})


@functools.cache
def _graph_parts() -> dict[str, str]:
    """The graph view (assets/graph_view.html, built from view/) cut in three, so no style
    or script is inline: the page, its style sheet and its script."""
    whole = resources.files("vault").joinpath("assets", "graph_view.html").read_text("utf-8")
    style = _STYLE.search(whole)
    script = _SCRIPT.search(whole)
    page = whole[: style.start()] + '<link rel="stylesheet" href="/static/graph_view.css">'
    page += '\n<link rel="stylesheet" href="/static/graph_page.css">'
    page += whole[style.end() : script.start()]
    page += '<script src="/static/graph_page.js"></script>' + whole[script.end() :]
    page = page.replace('href="data:,"', 'href="/static/icon.svg"')
    page = page.replace("__VAULT_GRAPH_DATA__", "")
    page = page.replace(
        '<h1 id="title">__VAULT_GRAPH_TITLE__</h1>',
        '<a class="home" href="/">vault</a><h1 id="title">Graph</h1>',
    )
    page = page.replace("__VAULT_GRAPH_TITLE__", "Graph · vault")
    return {"page": page, "graph_view.css": style.group(1), "graph_view.js": script.group(1)}


def graph_page() -> str:
    return _graph_parts()["page"]
