"""An evaluation set for related notes, made from what the notes' authors wrote, not from what
vault returns: on vaults no one here wrote (the vendored Foam and Dendron corpora, the
Obsidian-shaped fixture in five languages), a note's related notes are those its author tied
to it: the notes its links resolve to, its Parent and its children. Every link is then masked
out of every note of a copy of the vault (wikilinks, Markdown links and reference
definitions, label and target alike), and the rankings run on that copy, so no ranking can
read the answer off the link text.

A note counts when it has at least one related note and at least MIN_WORDS words left once
its links are masked. Figures: recall@5 (the share of a note's related notes in the top 5,
out of at most 5) and MRR@10 (the first related note's rank), averaged over the notes.

Used by bench/bench_related.py (every ranking's figures) and tests/test_semantic_related.py
(a floor under the ranking `vault related` uses). Whatever `vault` package is first on the
path is the one measured."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VAULTS = (
    "tests/corpora/foam/docs",
    "tests/corpora/dendron-site",
    "tests/fixtures/obsidian-multilingual",
)
# Words a note must keep once its links are masked: a note that is only a list of links
# says nothing of itself to rank by.
MIN_WORDS = 30
DEPTH = 10

_LINKS = re.compile(
    r"!?\[\[[^\]\n]*\]\]"  # [[wikilink]], [[label|target]], ![[embed]]
    r"|!?\[[^\]\n]*\]\([^)\n]*\)"  # [label](target), ![image](src)
    r"|^\s*\[[^\]\n]+\]:.*$"  # [label]: target "Title" (a reference definition)
    r"|\[[^\]\n]+\]\[[^\]\n]*\]"  # [label][ref]
    r"|<https?://[^>\s]*>|https?://\S+",
    re.MULTILINE,
)


def mask(text: str) -> str:
    """The text with every link gone, label and target alike."""
    return _LINKS.sub(" ", text)


def masked_copy(dest: Path, name: str) -> tuple[Path, list[dict]]:
    """A copy of the vault `name` with every note's links masked, and its cases (read from
    an untouched copy)."""
    from vault.catalog import load_catalog
    from vault.vault import open_vault

    plain = dest / (name.replace("/", "-") + "-plain")
    shutil.copytree(REPO / name, plain)
    found = cases(load_catalog(open_vault(plain)))
    root = dest / name.replace("/", "-")
    shutil.copytree(plain, root)
    for path in root.rglob("*.md"):
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        path.write_bytes(mask(text).encode("utf-8", "surrogateescape"))
    return root, found


def cases(catalog) -> list[dict]:
    """[{id, title, body (masked), related: set of ids}] for the notes that count, in id order."""
    out = []
    children = catalog.children
    for note_id in sorted(catalog.records):
        rec = catalog.records[note_id]
        related: set[str] = set()
        for link in rec.links:
            if link.attachment:
                continue
            target = catalog.resolver.resolve_link(link, note_id).id
            if target:
                related.add(target)
        parent = catalog.parent_id(note_id)
        if parent:
            related.add(parent)
        related.update(children.get(note_id, ()))
        related.discard(note_id)
        if not related:
            continue
        body = mask(catalog.read(note_id).body)
        if len(re.findall(r"\w+", body)) < MIN_WORDS:
            continue
        out.append({"id": note_id, "title": rec.title, "body": body, "related": related})
    return out


def scores(rankings: list[tuple[set[str], list[str]]]) -> dict[str, float]:
    """recall@5 and MRR@10 over (related ids, ranked ids) pairs."""
    r5 = mrr = 0.0
    for related, ranked in rankings:
        r5 += len(related & set(ranked[:5])) / min(len(related), 5)
        first = next((k for k, i in enumerate(ranked[:DEPTH], 1) if i in related), None)
        mrr += 1 / first if first else 0.0
    n = len(rankings) or 1
    return {"notes": len(rankings), "recall@5": r5 / n, "mrr@10": mrr / n}


def more_like_this(catalog, notes: list[dict], depth: int = DEPTH) -> list[list[str]]:
    """Whoosh's more-like-this alone for each case, as `vault related` ranked before it
    fused vectors in: the note's title and text, 15 key terms, in its language's field."""
    from vault.search.schema import body_field, id_key, id_of
    from vault.search.search import with_searcher

    def run(searcher) -> list[list[str]]:
        ranked = []
        for case in notes:
            docnum = searcher.document_number(id=id_key(case["id"]))
            lang = searcher.stored_fields(docnum).get("lang") or "en"
            text = f"{case['title']}\n{catalog.read(case['id']).body}"
            hits = searcher.more_like(docnum, body_field(lang), text=text, top=depth, numterms=15)
            ranked.append([id_of(h["id"]) for h in hits])
        return ranked

    return with_searcher(catalog, run)
