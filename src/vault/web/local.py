"""A note's local graph, laid out for the note page: the note in the middle, its parent
above, its children below, the notes it links to on the right and the notes linking to it
on the left (depth 1). Plain coordinates for an inline SVG the template draws: no script,
so it works under the CSP, and the same picture every time for the same notes (each kind
in its own arc, in the order given).

A hub with hundreds of neighbours shows the first CAP of each kind; the rest are counted
(the page lists every child and backlink below it)."""

from __future__ import annotations

import math
from dataclasses import dataclass

# The drawing's size (SVG user units, drawn 1:1 in the page's 320 px side column).
WIDTH, HEIGHT = 320, 300
# How far the neighbours sit from the note.
RADIUS = 80
# How many of each kind are drawn, at most.
CAP = {"parent": 1, "child": 8, "out": 10, "back": 10}
# Each kind's arc, in degrees clockwise from the right (y grows downwards, as in SVG).
ARCS = {"parent": (270, 270), "child": (55, 125), "out": (-62, 42), "back": (138, 242)}
# How many characters of a title a label keeps (the whole title is the node's tooltip and
# its link's accessible name).
LABEL = 11
# What a kind is called, for a node's accessible name and the note of what was left out.
NAMES = {"parent": "Parent", "child": "Child", "out": "Links to", "back": "Linked from"}
PLURALS = {"child": "children", "out": "notes it links to", "back": "notes linking here"}


@dataclass(frozen=True, slots=True)
class Neighbour:
    id: str
    title: str
    # "parent", "child", "out" (this note links to it) or "back" (it links to this note).
    kind: str
    # A link both ways: an "out" neighbour that also links back.
    mutual: bool = False


def layout(note: dict, neighbours: list[Neighbour], counts: dict[str, int] | None = None) -> dict:
    """What the template draws: the note, each neighbour placed with its label, the edges
    (a parent/child edge or a link), and how many of each kind were left out (of `counts`,
    each kind's neighbours in all, when `neighbours` holds only the first of each)."""
    cx, cy = WIDTH / 2, HEIGHT / 2
    by_kind: dict[str, list[Neighbour]] = {k: [] for k in CAP}
    for n in neighbours:
        by_kind[n.kind].append(n)
    nodes, edges, left_out = [], [], {}
    for kind, found in by_kind.items():
        shown = found[: CAP[kind]]
        total = max(len(found), (counts or {}).get(kind, 0))
        if total > len(shown):
            left_out[kind] = total - len(shown)
        start, end = ARCS[kind]
        for k, n in enumerate(shown):
            step = (end - start) / (len(shown) - 1) if len(shown) > 1 else 0
            angle = math.radians(start + k * step if len(shown) > 1 else (start + end) / 2)
            x, y = cx + RADIUS * math.cos(angle), cy + RADIUS * math.sin(angle)
            nodes.append({**_node(n, x, y), **_label(n.title or n.id, angle, x, y)})
            edges.append(
                {"x1": cx, "y1": cy, "x2": x, "y2": y, "kind": _edge(n), "mutual": n.mutual}
            )
    centre = {"id": note["id"], "title": note["title"] or note["id"], "x": cx, "y": cy}
    centre |= _label(centre["title"], math.radians(90), cx, cy + 4)
    # Cropped to what is drawn (labels included), so a note with few neighbours takes
    # little room.
    ys = [y for n in (*nodes, centre) for y in (n["y"], n["ly"])]
    top, bottom = max(0, min(ys) - 14), min(HEIGHT, max(ys) + 12)
    return {
        "width": WIDTH,
        "top": round(top, 1),
        "height": round(bottom - top, 1),
        "note": centre,
        "nodes": nodes,
        "edges": [_shortened(e) for e in edges],
        "left_out": [f"{n} more {PLURALS[k]}" for k, n in left_out.items()],
    }


def _node(n: Neighbour, x: float, y: float) -> dict:
    name = "Links both ways" if n.mutual else NAMES[n.kind]
    x, y = round(x, 1), round(y, 1)
    return {"id": n.id, "title": n.title or n.id, "kind": n.kind, "name": name, "x": x, "y": y}


def _edge(n: Neighbour) -> str:
    return "tree" if n.kind in ("parent", "child") else n.kind


def _label(title: str, angle: float, x: float, y: float) -> dict:
    """The label beside a node, on the side away from the note."""
    text = title if len(title) <= LABEL else title[: LABEL - 1].rstrip() + "…"
    cos, sin = math.cos(angle), math.sin(angle)
    anchor = "start" if cos > 0.35 else "end" if cos < -0.35 else "middle"
    dx = 9 if anchor == "start" else -9 if anchor == "end" else 0
    dy = 4 if anchor != "middle" else (18 if sin > 0 else -11)
    return {"label": text, "lx": round(x + dx, 1), "ly": round(y + dy, 1), "anchor": anchor}


def _shortened(edge: dict) -> dict:
    """The edge between the circles' rims, not their centres, so an arrowhead shows."""
    x1, y1, x2, y2 = edge["x1"], edge["y1"], edge["x2"], edge["y2"]
    length = math.hypot(x2 - x1, y2 - y1) or 1
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    return {
        **edge,
        "x1": round(x1 + ux * 10, 1),
        "y1": round(y1 + uy * 10, 1),
        "x2": round(x2 - ux * 8, 1),
        "y2": round(y2 - uy * 8, 1),
    }
