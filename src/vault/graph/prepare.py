"""What to export: the part of the graph a request asks for, and what every writer needs
beside it (a View: colours, groups, ranks, communities, the root, snippets)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vault.errors import BadOption
from vault.graph.analysis import Facts, analyse
from vault.graph.query import not_in_graph
from vault.options import BY_COMMAND, check_all

if TYPE_CHECKING:
    import networkx as nx

    from vault.catalog import Catalog

# Formats whose nodes carry communities (Louvain costs about a second on 10,000 notes; DOT and
# Mermaid need them only when coloured by them).
_WITH_COMMUNITIES = ("json", "cytoscape", "graphml", "gexf", "html")
# Louvain's last answer, in the vault's derived-data folder.
COMMUNITIES_CACHE = "graph-communities.json"


@dataclass(frozen=True)
class GraphRequest:
    """What `vault graph` is asked to write."""

    fmt: str = "json"
    # "parent", "link" or "all".
    kind: str = "all"
    # Only notes of this type (any case), or None.
    note_type: str | None = None
    # The id of the note whose neighbourhood to write (HTML: whose local graph to open).
    root: str | None = None
    # Steps out from root; None: 1.
    depth: int | None = None
    # "type", "folder", "tag", "community", or None for the default rule.
    color_by: str | None = None
    # DOT: a date under each title.
    dates: bool = False
    # The HTML page's title.
    title: str = "vault graph"


def prepare(
    catalog: Catalog, request: GraphRequest, built: nx.MultiDiGraph | None = None
) -> tuple[nx.MultiDiGraph, View]:
    """The part of the graph `request` asks for, and the View its export needs. `built`:
    the catalog's whole graph, built already (the MCP server keeps one); never modified."""
    from vault.graph.build import build_graph
    from vault.graph.query import select

    fmt = request.fmt
    given = {"format": fmt, "root": request.root, "depth": request.depth}
    check_all(BY_COMMAND["graph"], given | {"kind": request.kind, "color_by": request.color_by})
    depth = 1 if request.depth is None else request.depth
    if fmt == "html" and request.root is not None and not 1 <= depth <= 3:
        raise BadOption(
            "format",
            lambda n: (
                f"{n('format')} html opens the local graph at depth 1 to 3, not {depth}; "
                "use another format for a deeper neighbourhood"
            ),
        )
    if built is None:
        built = build_graph(catalog)
    whole = select(built, kind=request.kind, note_type=request.note_type)
    vault = catalog.vault
    facts = analyse(
        whole,
        color_by=request.color_by,
        notes_prefix=vault.notes_prefix,
        with_communities=fmt in _WITH_COMMUNITIES,
        cache=vault.state_dir / COMMUNITIES_CACHE,
    )
    if request.root is not None and request.root not in whole:
        raise not_in_graph(request.root)
    graph = whole
    if request.root is not None and fmt != "html":
        # Colours, ranks and communities stay those of the whole: a part is drawn as in it.
        graph = select(whole, root=request.root, depth=depth)
        facts = facts.within(graph)
    elif request.root is not None:
        facts = facts.within(whole)
    snippets = None
    if fmt in ("json", "html"):
        from vault.graph.snippets import catalog_snippets

        titles = {n: a["title"] for n, a in graph.nodes(data=True) if not a["missing"]}
        snippets = catalog_snippets(catalog, titles)
    view = View(
        facts,
        vault_key=vault.state_dir.name,
        root=request.root,
        depth=depth if request.root is not None else None,
        snippets=snippets,
        dates=request.dates,
        title=request.title,
    )
    return graph, view


@dataclass(frozen=True)
class View:
    """What an export needs beside the graph."""

    facts: Facts
    # A stable key of the vault, for the page's saved settings.
    vault_key: str = "default"
    root: str | None = None
    depth: int | None = None
    # id -> the note's beginning as plain text (JSON and HTML only), or None.
    snippets: dict[str, str] | None = None
    dates: bool = False
    title: str = "vault graph"
