"""Synthetic note graphs in the graph-view data format (docs/graph-view-data.md).

The shape imitates a real research vault rather than a uniform random graph:

- notes sit in top-level folders; each folder is mostly one "community" of notes that
  link among themselves, with some links across communities;
- a few hubs (index notes, maps of content) are linked from many notes: link targets are
  drawn with preferential attachment, so degrees follow a heavy tail;
- about 20% of the notes are orphans (no link in or out);
- about 3% of the nodes are missing notes: link targets that do not exist;
- most notes have no ``type`` (as in real vaults); some have tags, a date and a snippet;
- about a third of the notes have a ``parent`` edge to a note of the same folder.

Degree, PageRank, label rank, communities and colour groups are computed here the way the
Python side is meant to compute them, so the page gets every field of the contract.
Deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections import Counter

PALETTE = [
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#59a14f",
    "#b07aa1",
    "#76b7b2",
    "#edc948",
    "#ff9da7",
    "#9c755f",
    "#2a9d8f",
    "#8c6bb1",
    "#d4a017",
]
OTHER_COLOR = "#a3a9b2"
WORDS = [
    "exosome",
    "peptide",
    "serum",
    "barrier",
    "ceramide",
    "retinol",
    "niacinamide",
    "collagen",
    "microbiome",
    "fermentation",
    "sunscreen",
    "filter",
    "texture",
    "pigment",
    "trial",
    "market",
    "brand",
    "launch",
    "formula",
    "stability",
    "claim",
    "study",
    "dermal",
    "delivery",
    "vesicle",
    "skin",
    "trend",
    "review",
    "cohort",
    "placebo",
    "patent",
    "supplier",
    "cost",
    "pricing",
    "channel",
    "korea",
    "japan",
    "europe",
    "regulation",
    "label",
    "safety",
]
FOLDERS = [
    "research",
    "posts",
    "ideas",
    "reading",
    "projects",
    "people",
    "meetings",
    "journal",
    "reference",
    "drafts",
    "archive",
    "clients",
]
TYPES = ["Research", "Post", "Idea", "Technical Supplement", "Meeting"]


def _title(rnd: random.Random) -> str:
    n = rnd.randint(2, 5)
    return " ".join(rnd.choice(WORDS) for _ in range(n)).capitalize()


def _snippet(rnd: random.Random, title: str) -> str:
    words = [rnd.choice(WORDS) for _ in range(rnd.randint(20, 60))]
    return f"{title}. " + " ".join(words).capitalize() + "."


def pagerank(n: int, edges: list[tuple[int, int]], d: float = 0.85, iters: int = 40):
    """Plain power-iteration PageRank on the undirected graph (no scipy needed)."""
    nbrs: list[list[int]] = [[] for _ in range(n)]
    for a, b in edges:
        if a != b:
            nbrs[a].append(b)
            nbrs[b].append(a)
    pr = [1.0 / n] * n
    for _ in range(iters):
        dangling = sum(pr[i] for i in range(n) if not nbrs[i])
        base = (1 - d) / n + d * dangling / n
        new = [base] * n
        for i in range(n):
            if nbrs[i]:
                share = d * pr[i] / len(nbrs[i])
                for j in nbrs[i]:
                    new[j] += share
        pr = new
    return pr


def make_graph(
    n_nodes: int,
    n_edges: int | None = None,
    *,
    seed: int = 1,
    typed_share: float = 0.25,
    color_by: str = "folder",
    with_snippets: bool = True,
) -> dict:
    """A graph of ``n_nodes`` nodes (~3% of them missing notes) and about ``n_edges`` edges."""
    rnd = random.Random(seed)
    if n_edges is None:
        n_edges = round(n_nodes * 38_000 / 6_600)
    n_missing = round(n_nodes * 0.03)
    n_notes = n_nodes - n_missing
    n_folders = min(len(FOLDERS), max(4, n_notes // 120))
    folders = FOLDERS[:n_folders]
    # Communities: more than folders; each belongs to one folder.
    n_comm = max(4, n_notes // 180)
    comm_folder = [
        folders[min(n_folders - 1, int(rnd.random() ** 1.3 * n_folders))] for _ in range(n_comm)
    ]
    comm_weight = [rnd.paretovariate(1.2) for _ in range(n_comm)]
    notes = []
    for i in range(n_notes):
        c = rnd.choices(range(n_comm), weights=comm_weight)[0]
        folder = comm_folder[c] if rnd.random() < 0.9 else rnd.choice(folders)
        title = _title(rnd)
        notes.append(
            {
                "id": f"memory/{folder}/{i:05d}-{title.lower().replace(' ', '-')[:40]}.md",
                "title": title,
                "date": f"2025-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
                if rnd.random() < 0.8
                else None,
                "type": rnd.choice(TYPES) if rnd.random() < typed_share else None,
                "tags": sorted(
                    set(rnd.sample(WORDS[:12], rnd.randint(1, 2))) if rnd.random() < 0.5 else ()
                ),
                "missing": False,
                "folder": folder,
                "_comm": c,
            }
        )
    orphan = [rnd.random() < 0.2 for _ in range(n_notes)]
    live = [i for i in range(n_notes) if not orphan[i]]
    by_comm: dict[int, list[int]] = {}
    for i in live:
        by_comm.setdefault(notes[i]["_comm"], []).append(i)
    # Hubs: ~0.5% of the live notes attract a large share of links.
    hubs = rnd.sample(live, max(3, len(live) // 200))
    missing_ids = []
    for k in range(n_missing):
        folder = rnd.choice(folders)
        missing_ids.append(f"memory/{folder}/missing-{k:04d}-{rnd.choice(WORDS)}.md")
    pairs: set[tuple[int, int, str]] = set()
    edges: list[tuple[int, int, str]] = []
    missing_targets: list[tuple[int, int]] = []

    def add(a: int, b: int, kind: str) -> None:
        if a != b and (a, b, kind) not in pairs:
            pairs.add((a, b, kind))
            edges.append((a, b, kind))

    # Parent edges: a third of the live notes have a parent in their community.
    for i in live:
        members = by_comm[notes[i]["_comm"]]
        if len(members) > 1 and rnd.random() < 0.33:
            add(i, members[rnd.randrange(min(len(members), 1 + len(members) // 8))], "parent")
    # Missing targets: each missing note is linked from 1–3 live notes.
    for k in range(n_missing):
        for _ in range(rnd.randint(1, 3)):
            missing_targets.append((rnd.choice(live), k))
    target_pool = list(live)  # preferential attachment: targets re-enter the pool
    while len(edges) + len(missing_targets) < n_edges:
        a = rnd.choice(live)
        r = rnd.random()
        if r < 0.12:
            b = rnd.choice(hubs)
        elif r < 0.80:
            members = by_comm[notes[a]["_comm"]]
            b = members[min(len(members) - 1, int(rnd.random() ** 2 * len(members)))]
        else:
            b = rnd.choice(target_pool)
        add(a, b, "link")
        target_pool.append(b)

    nodes = []
    for n in notes:
        n = dict(n)
        n.pop("_comm")
        nodes.append(n)
    for mid in missing_ids:
        nodes.append(
            {
                "id": mid,
                "title": mid,
                "date": None,
                "type": None,
                "tags": [],
                "missing": True,
                "folder": mid.split("/")[1],
            }
        )
    all_edges = [(a, b, kind) for a, b, kind in edges]
    all_edges += [(a, n_notes + k, "link") for a, k in missing_targets]
    n_all = len(nodes)
    degree = Counter()
    for a, b, _ in all_edges:
        degree[a] += 1
        degree[b] += 1
    pr = pagerank(n_all, [(a, b) for a, b, _ in all_edges])
    order = sorted(range(n_all), key=lambda i: (-pr[i], nodes[i]["id"]))
    rank = {i: r + 1 for r, i in enumerate(order)}
    # Community of a note: its generated community, as Louvain would roughly find it;
    # orphans and missing notes have none.
    for i, n in enumerate(nodes):
        n["degree"] = degree[i]
        n["pagerank"] = round(pr[i] * n_all, 4)
        n["label_rank"] = rank[i]
        n["community"] = notes[i]["_comm"] if i < n_notes and degree[i] else None
        if with_snippets and not n["missing"]:
            n["snippet"] = _snippet(rnd, n["title"])
    _assign_groups(nodes, color_by)
    return {
        "version": 2,
        "directed": True,
        "vault": f"synthetic-{n_nodes}-{seed}",
        "color_by": color_by,
        "groups": _groups(nodes, color_by),
        "nodes": nodes,
        "edges": [
            {"source": nodes[a]["id"], "target": nodes[b]["id"], "kind": kind}
            for a, b, kind in all_edges
        ],
    }


def _group_key(n: dict, color_by: str) -> str | None:
    if n["missing"]:
        return None
    if color_by == "type":
        return n.get("type")
    if color_by == "folder":
        return n.get("folder")
    if color_by == "tag":
        return n["tags"][0] if n.get("tags") else None
    if color_by == "community":
        c = n.get("community")
        return None if c is None else str(c)
    raise ValueError(color_by)


def _assign_groups(nodes: list[dict], color_by: str) -> None:
    counts = Counter(k for k in (_group_key(n, color_by) for n in nodes) if k is not None)
    top = {k for k, _ in counts.most_common(len(PALETTE))}
    for n in nodes:
        k = _group_key(n, color_by)
        if n["missing"]:
            n["group"] = None
        elif k is None:
            n["group"] = "(none)"
        else:
            n["group"] = k if k in top else "(other)"


NONE_LABEL = {"type": "untyped", "folder": "top level", "tag": "no tag", "community": "no links"}


def _groups(nodes: list[dict], color_by: str) -> list[dict]:
    counts = Counter(n["group"] for n in nodes if n["group"] is not None)
    keys = sorted((k for k in counts if not k.startswith("(")), key=lambda k: (-counts[k], k))
    out = [
        {"key": k, "label": k, "color": PALETTE[i % len(PALETTE)], "count": counts[k]}
        for i, k in enumerate(keys)
    ]
    if color_by == "community":
        for g in out:
            g["label"] = f"community {g['key']}"
    for key, label in (("(other)", "other"), ("(none)", NONE_LABEL[color_by])):
        if counts.get(key):
            out.append({"key": key, "label": label, "color": OTHER_COLOR, "count": counts[key]})
    return out


def _stem(node_id: str) -> str:
    return node_id.rsplit("/", 1)[1][:-3]


def write_vault(data: dict, root, *, seed: int = 1, words: tuple[int, int] = (150, 700)) -> int:
    """Write the graph `data` as a vault of Markdown notes under root/memory: one note per
    existing node (YAML front matter with title, date, type, tags and the Parent as a
    [[wikilink]]; a `# Title`; paragraphs of words with the node's links as [[wikilinks]]),
    so that `vault graph` on it finds the same nodes and edges (a missing node is named by
    its link text). Returns the number of notes written."""
    from pathlib import Path

    rnd = random.Random(seed)
    root = Path(root)
    by_id = {n["id"]: n for n in data["nodes"]}
    parent: dict[str, str] = {}
    links: dict[str, list[str]] = {}
    for e in data["edges"]:
        if e["kind"] == "parent" and e["source"] not in parent:
            parent[e["source"]] = e["target"]
        else:
            links.setdefault(e["source"], []).append(e["target"])
    count = 0
    for n in data["nodes"]:
        if n["missing"]:
            continue
        lines = ["---", f"title: {n['title']}"]
        if n.get("date"):
            lines.append(f"date: {n['date']}")
        if n.get("type"):
            lines.append(f"type: {n['type']}")
        if n.get("tags"):
            lines.append("tags: [" + ", ".join(n["tags"]) + "]")
        if n["id"] in parent:
            lines.append(f'parent: "[[{_stem(parent[n["id"]])}]]"')
        lines += ["---", "", f"# {n['title']}", ""]
        body = [rnd.choice(WORDS) for _ in range(rnd.randint(*words))]
        for target in links.get(n["id"], []):
            name = _stem(target)
            alias = by_id[target]["title"] if rnd.random() < 0.3 else ""
            link = f"[[{name}|{alias}]]" if alias else f"[[{name}]]"
            body.insert(rnd.randrange(len(body) + 1), link)
        paragraphs = [body[k : k + 60] for k in range(0, len(body), 60)]
        for k, para in enumerate(paragraphs):
            if k and k % 3 == 0:
                lines += [f"## {' '.join(rnd.choice(WORDS) for _ in range(3)).capitalize()}", ""]
            lines += [" ".join(para).capitalize() + ".", ""]
        path = root / n["id"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines), encoding="utf-8")
        count += 1
    return count


if __name__ == "__main__":
    import argparse
    import json

    ap = argparse.ArgumentParser(description="A synthetic graph as JSON, or as a vault.")
    ap.add_argument("nodes", type=int, nargs="?", default=1000)
    ap.add_argument("--vault", help="write the graph as a vault of notes under VAULT/memory")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    graph = make_graph(args.nodes, seed=args.seed, with_snippets=False)
    if args.vault:
        n = write_vault(graph, args.vault, seed=args.seed)
        print(f"wrote {n} notes ({len(graph['edges'])} edges) under {args.vault}/memory")
    else:
        print(json.dumps(make_graph(args.nodes, seed=args.seed)))
