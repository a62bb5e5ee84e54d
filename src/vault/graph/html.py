"""Render the note graph as one self-contained, interactive HTML page.

The page (``assets/graph_view.html``, built from ``view/``) draws the graph with sigma.js
(WebGL) and lays it out with ForceAtlas2 in a web worker, all bundled into the one file. It
loads nothing from the network: the graph data is embedded as JSON inside
``<script type="application/json" id="graph-data">`` (the format: docs/graph-view-data.md).
"""

from __future__ import annotations

import functools
import html
import json
import re
from importlib import resources

__all__ = ["render_html"]

_TEMPLATE = "graph_view.html"
_DATA_PLACEHOLDER = "__VAULT_GRAPH_DATA__"
_TITLE_PLACEHOLDER = "__VAULT_GRAPH_TITLE__"
_PLACEHOLDER_RE = re.compile(f"{_DATA_PLACEHOLDER}|{_TITLE_PLACEHOLDER}")

# Characters that could end the <script> element or confuse an HTML parser, and the two
# line separators that old JavaScript engines reject inside string literals. Every one of
# them only ever appears inside JSON strings, where the \uXXXX escape means the same.
# (str.replace, one pass per character, is 15 times faster than str.translate on the 10 MB
# of a 10,000-note graph.)
_JSON_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


@functools.cache
def _template() -> str:
    path = resources.files("vault").joinpath("assets").joinpath(_TEMPLATE)
    return path.read_text(encoding="utf-8")


def _embed_json(data: dict) -> str:
    """JSON text that is safe to place between <script> and </script>."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in _JSON_ESCAPES:
        text = text.replace(char, escape)
    return text


def render_html(data: dict, title: str = "vault graph") -> str:
    """Return a standalone HTML page showing the graph ``data``.

    ``data`` has the shape printed by ``vault graph --format json``:
    ``{"directed": true, "nodes": [{"id", "title", "date", "type", "missing", "tags"}, ...],
    "edges": [{"source", "target", "kind": "parent" | "link"}, ...]}``.
    A ``parent`` edge goes from a note (source) to its parent note (target).
    """
    values = {
        _DATA_PLACEHOLDER: _embed_json(data),
        _TITLE_PLACEHOLDER: html.escape(str(title), quote=True),
    }
    # One pass, so a title or an id that happens to contain a placeholder stays as it is.
    return _PLACEHOLDER_RE.sub(lambda m: values[m.group(0)], _template())
