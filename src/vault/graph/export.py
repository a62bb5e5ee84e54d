"""Write the graph out: JSON, Cytoscape JSON, GraphML, GEXF, Graphviz DOT, Mermaid, or an
HTML page, every one coloured by the same groups (vault.graph.analysis).

The work is split by job: vault.graph.prepare takes the part of the graph asked for and what
the writers need beside it; json_formats, xml_formats and diagrams hold the writers; this
module picks the writer for a format. Every format lists nodes and edges in the graph's
stable order, so output is the same run after run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from vault.graph.analysis import edge_count

# The writers' and prepare's public names, importable from here as before the split.
from vault.graph.diagrams import (
    MERMAID_MAX_EDGES,
    MERMAID_MAX_TEXT,
    MERMAID_MISSING,
    mermaid_label,
    mermaid_warnings,
    text_color,
    to_dot,
    to_mermaid,
)
from vault.graph.json_formats import VERSION, edge_ids, graph_dict, to_cytoscape, to_json
from vault.graph.prepare import COMMUNITIES_CACHE, GraphRequest, View, prepare
from vault.graph.xml_formats import for_writers, node_size, to_gexf, to_graphml
from vault.options import FORMATS

if TYPE_CHECKING:
    import networkx as nx

    from vault.catalog import Catalog

__all__ = [
    "COMMUNITIES_CACHE",
    "FORMATS",
    "MERMAID_MAX_EDGES",
    "MERMAID_MAX_TEXT",
    "MERMAID_MISSING",
    "PIECE",
    "VERSION",
    "WRITERS",
    "Exported",
    "GraphRequest",
    "View",
    "edge_ids",
    "export_graph",
    "for_writers",
    "graph_dict",
    "mermaid_label",
    "mermaid_warnings",
    "node_size",
    "prepare",
    "text_color",
    "to_cytoscape",
    "to_dot",
    "to_gexf",
    "to_graphml",
    "to_html",
    "to_json",
    "to_mermaid",
]


# Characters per piece of an export's text as kept (Exported.encoded).
PIECE = 1 << 20


@dataclass
class Exported:
    """The text of an export, with what to tell the user about it.

    The text is kept as UTF-8, in pieces of PIECE characters: a server keeps a few exports
    (vault.serve.resident), and Python stores a string at the width of its widest character,
    so the emoji in a few titles made the 110-million-character JSON export of 100,000 notes
    take 4 bytes a character (428 MB, against 108 MB as UTF-8)."""

    encoded: tuple[bytes, ...]
    nodes: int
    edges: int
    # One line each, for stderr (e.g. a Mermaid diagram too big to render).
    warnings: list[str] = field(default_factory=list)
    # Whether these bytes are what click.echo writes of the text to a UTF-8 stream: no lone
    # surrogate was passed through, and no escape character is there (which click takes
    # out of text written to anything but a terminal, ANSI colour codes, never of bytes).
    as_is: bool = True

    @classmethod
    def of(cls, text: str, nodes: int, edges: int) -> Exported:
        pieces = [text[at : at + PIECE] for at in range(0, len(text), PIECE)]
        try:
            encoded = tuple(piece.encode("utf-8") for piece in pieces)
        except UnicodeEncodeError:  # any string comes back as it was, lone surrogates too
            encoded = tuple(piece.encode("utf-8", "surrogatepass") for piece in pieces)
            return cls(encoded, nodes, edges, as_is=False)
        return cls(encoded, nodes, edges, as_is=not any(b"\x1b" in piece for piece in encoded))

    def pieces(self, stream: TextIO | None = None) -> Iterator[str | bytes]:
        """The text, a piece at a time: as the UTF-8 kept when click.echo would write those
        same bytes to `stream` (the text stream they are written to; it writes bytes to the
        stream's buffer), else as text (decoded and encoded again, a 100,000-note export
        costs ~0.1 s more)."""
        if self.as_is and stream is not None and _writes_utf8(stream):
            return iter(self.encoded)
        return (piece.decode("utf-8", "surrogatepass") for piece in self.encoded)

    @property
    def text(self) -> str:
        """The whole text (a new string: write `pieces()` one by one where they will do)."""
        return "".join(piece.decode("utf-8", "surrogatepass") for piece in self.encoded)


def _kept_facts(result: Exported) -> tuple[dict, tuple[bytes, ...]]:
    facts = {"nodes": result.nodes, "edges": result.edges, "warnings": result.warnings}
    facts["as_is"] = result.as_is
    return facts, result.encoded


def _kept_again(facts: dict, data: bytes) -> Exported:
    """An export read back: its text in one piece (a command prints it once and exits)."""
    warnings = [str(w) for w in facts["warnings"]]
    nodes, edges, as_is = int(facts["nodes"]), int(facts["edges"]), facts["as_is"] is True
    return Exported((data,), nodes, edges, warnings, as_is)


def kept_codec():
    """How an export is kept on disk between commands run alone (vault.derived.kept): its
    UTF-8 bytes as they are, the counts and warnings beside them."""
    from vault.derived.kept import Codec

    return Codec("graph export", _kept_facts, _kept_again)


def _writes_utf8(stream: TextIO) -> bool:
    """Whether text written to `stream` reaches its bytes as UTF-8, newlines as they are."""
    import codecs

    try:
        encoding = codecs.lookup(stream.encoding or "").name
    except (AttributeError, LookupError, TypeError):
        return False
    return encoding == "utf-8" and os.linesep == "\n"


def export_graph(
    catalog: Catalog, request: GraphRequest, built: nx.MultiDiGraph | None = None
) -> Exported:
    """Build the graph of `catalog` (unless `built` already), take the part `request` asks
    for, and write it."""
    graph, view = prepare(catalog, request, built)
    fmt = request.fmt
    text = WRITERS[fmt](graph, view)
    out = Exported.of(text, graph.number_of_nodes(), edge_count(graph))
    if fmt == "mermaid":
        out.warnings += mermaid_warnings(text, out.edges)
    return out


def to_html(g: nx.MultiDiGraph, view: View) -> str:
    from vault.graph.html import render_html

    return render_html(graph_dict(g, view), view.title)


WRITERS: dict[str, Callable[[nx.MultiDiGraph, View], str]] = {
    "json": to_json,
    "cytoscape": to_cytoscape,
    "graphml": to_graphml,
    "gexf": to_gexf,
    "dot": to_dot,
    "mermaid": to_mermaid,
    "html": to_html,
}
