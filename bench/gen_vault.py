"""Generate a synthetic vault of N notes for tests and benchmarks.

Deterministic for a given (n, seed): the same files, byte for byte. Notes are 300-1,500 words
of pseudo-words, written in the three header styles (YAML front matter, `Key: value` header
lines under the title, and plain Markdown), spread over a few folders, with Parent headers
(as ids, stems and [[wikilinks]]), Markdown links and wikilinks in the body.

Some real words are planted in known notes so tests and benchmarks can check exact hit sets:

- "exosome" in every note with i % 50 == 7 (as "exosome", "Exosomes" or "exosomes"),
  and in the title of every note with i % 500 == 7;
- "niacinamide" in every note with i % 20 == 3;
- the phrase "barrier repair" in every note with i % 25 == 11, and the two words apart
  ("repair ... barrier") in every note with i % 25 == 12;
- "bakuchiol" as a tag on every note with i % 40 == 5.

Usage: python bench/gen_vault.py DIR [--notes N] [--seed S]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from pathlib import Path

FOLDERS = ("research", "posts", "articles", "topics/skin", "topics/lab")
TYPES = ("Note", "Research", "Technical Supplement", "Article", "Post")
STYLES = ("yaml", "headers", "plain")
SYLLABLES = (
    "ka", "lo", "mi", "ne", "ru", "ta", "vi", "so", "pe", "da", "gu", "li", "fa", "zo", "be",
    "ni", "ko", "ra", "ve", "su", "mar", "tel", "pon", "quin", "dar", "vel", "bri", "ston",
    "gal", "fen", "tor", "lum", "cas", "dri", "pel",
)  # fmt: skip
PLANTED = ("exosome", "exosomes", "niacinamide", "barrier", "repair", "bakuchiol")


def planted_terms(i: int) -> dict[str, bool]:
    """Which planted terms note number i carries (the rules in the module docstring)."""
    return {
        "exosome": i % 50 == 7,
        "exosome_title": i % 500 == 7,
        "niacinamide": i % 20 == 3,
        "barrier_repair_phrase": i % 25 == 11,
        "barrier_repair_apart": i % 25 == 12,
        "bakuchiol_tag": i % 40 == 5,
    }


def _vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((1, 1, 2, 2, 3))))
        if not any(p in word or word in p for p in PLANTED):
            words.add(word)
    vocab = sorted(words)
    rng.shuffle(vocab)
    # As in natural language, the frequent words are the short ones.
    return sorted(vocab, key=len)


class _Words:
    """Zipf-like word draws from a fixed vocabulary (a few common words, a long tail)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.vocab = _vocabulary(rng)
        weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(self.vocab))]
        total = 0.0
        self.cumulative = []
        for w in weights:
            total += w
            self.cumulative.append(total)

    def take(self, k: int) -> list[str]:
        return self.rng.choices(self.vocab, cum_weights=self.cumulative, k=k)


def _note_id(i: int, date: dt.date, slug: str) -> str:
    folder = FOLDERS[i % len(FOLDERS)]
    name = f"{date.isoformat()}-{slug}" if i % 4 != 3 else slug
    return f"memory/{folder}/{name}.md"


def _relative(from_id: str, to_id: str) -> str:
    import posixpath

    return posixpath.relpath(to_id, posixpath.dirname(from_id))


def generate(root: Path, n: int, seed: int = 1) -> dict[str, dict]:
    """Write n notes under root/memory; return id -> facts (title, date, type, parent, terms)."""
    rng = random.Random(seed)
    words = _Words(rng)
    start = dt.date(2024, 1, 1)
    plan: list[dict] = []
    for i in range(n):
        date = start + dt.timedelta(days=rng.randrange(0, 800))
        title_words = [w.capitalize() for w in words.take(rng.randint(2, 4))]
        terms = planted_terms(i)
        if terms["exosome_title"]:
            title_words.insert(0, "Exosomes")
        title = " ".join(title_words) + f" {i}"
        slug = "-".join(w.lower() for w in title.split())
        plan.append(
            {
                "i": i,
                "id": _note_id(i, date, slug),
                "title": title,
                "date": date.isoformat(),
                "type": TYPES[i % len(TYPES)],
                "style": STYLES[i % len(STYLES)],
                "terms": terms,
            }
        )
    facts: dict[str, dict] = {}
    for entry in plan:
        i = entry["i"]
        parent = plan[rng.randrange(0, i)] if i and rng.random() < 0.7 else None
        text = _note_text(entry, parent, plan, words, rng)
        path = root / entry["id"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        facts[entry["id"]] = {
            "i": i,
            "title": entry["title"],
            # Plain notes without a dated file name get their date from git or mtime.
            "date": entry["date"] if _has_date(entry) else None,
            "type": entry["type"] if entry["style"] != "plain" else None,
            "parent": parent["id"] if parent and entry["style"] != "plain" else None,
            "style": entry["style"],
            "terms": sorted(k for k, v in entry["terms"].items() if v),
        }
    return facts


def _has_date(entry: dict) -> bool:
    return entry["style"] != "plain" or entry["i"] % 4 != 3


def _parent_ref(entry: dict, parent: dict) -> str:
    stem = parent["id"].rsplit("/", 1)[1][:-3]
    return (parent["id"], stem, f"[[{stem}]]")[(entry["i"] // 3) % 3]


def _note_text(entry: dict, parent: dict | None, plan: list, words: _Words, rng) -> str:
    terms = entry["terms"]
    tags = [w.lower() for w in words.take(rng.randint(0, 3))]
    if terms["bakuchiol_tag"]:
        tags.append("bakuchiol")
    body = _body(entry, plan, words, rng)
    style = entry["style"]
    if style == "yaml":
        lines = ["---", f"title: {json.dumps(entry['title'])}", f"date: {entry['date']}"]
        lines.append(f"type: {entry['type']}")
        if parent:
            lines.append(f"parent: {json.dumps(_parent_ref(entry, parent))}")
        if tags:
            lines.append("tags: [" + ", ".join(tags) + "]")
        lines += ["---", "", f"# {entry['title']}", ""]
        return "\n".join(lines) + body
    if style == "headers":
        lines = [f"# {entry['title']}", "", f"Date: {entry['date']}", f"Type: {entry['type']}"]
        if parent:
            lines.append(f"Parent: {_parent_ref(entry, parent)}")
        if tags:
            lines.append("Tags: " + ", ".join(tags))
        return "\n".join(lines) + "\n\n" + body
    # Plain: a heading and the body, no metadata (tags are lost on purpose: plain has none).
    return f"# {entry['title']}\n\n" + body


def _body(entry: dict, plan: list, words: _Words, rng) -> str:
    i, terms = entry["i"], entry["terms"]
    # Skewed towards short notes: 300-1,500 words, about 4 KB on average.
    total = int(rng.triangular(300, 1500, 300))
    paragraphs: list[list[str]] = []
    left = total
    while left > 0:
        k = min(left, rng.randint(40, 120))
        paragraphs.append(words.take(k))
        left -= k
    inserts: list[str] = []
    if terms["exosome"]:
        inserts += [rng.choice(("exosome", "Exosomes", "exosomes"))]
    if terms["niacinamide"]:
        inserts.append("niacinamide")
    if terms["barrier_repair_phrase"]:
        inserts.append("barrier repair")
    if terms["barrier_repair_apart"]:
        inserts.append("repair of the outer barrier")
    for text in inserts:
        para = rng.choice(paragraphs)
        para.insert(rng.randrange(len(para) + 1), text)
    # Links to earlier notes: Markdown (relative paths) and wikilinks (stems).
    for _ in range(rng.randint(0, 4) if i else 0):
        target = plan[rng.randrange(0, i)]
        if target["terms"]["exosome_title"]:
            continue  # keep planted words out of link text, so hit sets stay exact
        para = rng.choice(paragraphs)
        if rng.random() < 0.5:
            link = f"[{target['title']}]({_relative(entry['id'], target['id'])})"
        else:
            link = f"[[{target['id'].rsplit('/', 1)[1][:-3]}]]"
        para.insert(rng.randrange(len(para) + 1), link)
    out = []
    for n, para in enumerate(paragraphs):
        if n and n % 3 == 0:
            out.append(f"## {' '.join(words.take(3)).capitalize()}\n")
        out.append(" ".join(para).capitalize() + ".\n")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--notes", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    facts = generate(args.dir, args.notes, args.seed)
    print(f"wrote {len(facts)} notes under {args.dir / 'memory'}")


if __name__ == "__main__":
    main()
