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

With `realistic=True` (`--realistic`) the vault looks like the ones people bring (see
`_generate_realistic` and bench/README-scale.md): about 3% dangling references, common words,
a few 1-5 MB notes, notes with 2,000 and 20,000 links, spaced, non-ASCII and emoji file
names, notes with no heading or metadata, aliases, links in code and comments, broken YAML.
The planted terms above are kept, and the default output (realistic=False) is unchanged.

Usage: python bench/gen_vault.py DIR [--notes N] [--seed S] [--realistic]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
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


def generate(root: Path, n: int, seed: int = 1, realistic: bool = False) -> dict[str, dict]:
    """Write n notes under root/memory; return id -> facts (title, date, type, parent, terms).

    realistic=True writes the messier vault described in the module docstring instead (its
    facts have more keys: see `_generate_realistic`)."""
    if realistic:
        return _generate_realistic(Path(root), n, seed)
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


# --- realistic vaults (issue 13) ---------------------------------------------------------------
#
# Everything below is used only with realistic=True; the default vault above is untouched.
# Notes are planned first (ids, titles, styles: small records), then written one at a time,
# so memory stays small at 100,000 notes.

# Words most notes share, with the share of notes that carry each (exactly: the facts say which
# notes do). None of them occurs in the pseudo-word vocabulary, so hit sets stay exact.
COMMON_WORDS = (("the", 0.95), ("study", 0.80), ("skin", 0.70), ("cell", 0.60))
DANGLING_SHARE = 0.03
EXTRA_FOLDERS = ("Daily Notes", "Références", "笔记", "Заметки", "🌱 Garden")
LANGS = ("en", "de", "fr", "ja")
LANG_LINES = {
    "en": "This page belongs to translated documentation.",
    "de": "Diese Seite gehört zur übersetzten Dokumentation.",
    "fr": "Cette page fait partie de la documentation traduite.",
    "ja": "このページは翻訳されたドキュメントの一部です。",
}
UNICODE_NAMES = ("Réunion d'équipe", "Café résumé", "ホットキー", "Заметка", "笔记 整理", "Ñandú")
EMOJI_NAMES = ("🌱 Seedling", "💡 Idea", "📚 Reading list", "🧪 Lab log", "✅ Done")
BROKEN_YAML = (
    'title: "{title}\ndate: {date}\n',  # unclosed quote
    "title: {title}\ntags: [alpha, beta\ndate: {date}\n",  # unclosed flow sequence
    "title: {title}\n\ttype: Note\ndate: {date}\n",  # a tab where YAML wants spaces
    "title: {title}: a subtitle: and more\ndate: {date}\n",  # a colon in a plain scalar
    "title: {title}\n  date: {date}\n type: Note\n",  # bad indentation
)
# Large notes (bytes) and link-heavy notes (links), placed at fixed shares of the vault.
LARGE_NOTES_MB = (1, 5, 2, 3, 4)
LINK_HEAVY = (2_000, 20_000)


def _realistic_counts(n: int) -> tuple[int, int]:
    """How many large notes and how many link-heavy notes a vault of n notes has."""
    large = min(len(LARGE_NOTES_MB), 3 + n // 50_000) if n >= 50 else 0
    heavy = len(LINK_HEAVY) if n >= 50 else 0
    return large, heavy


def _generate_realistic(root: Path, n: int, seed: int) -> dict[str, dict]:
    """The realistic vault. Facts per note: i, title (as written; the file stem for notes
    with no heading or metadata, None for broken YAML), date (None when only git or mtime can
    date it), type, parent (id, or None; `parent_dangling` when it names a missing note),
    style (yaml, headers, plain, bare, broken_yaml), terms (planted, as in the default vault),
    common (the COMMON_WORDS it carries), links (references written, Parent included),
    dangling (how many of them point at no note), bytes."""
    rng = random.Random(f"realistic-{seed}")
    words = _Words(rng)
    start = dt.date(2024, 1, 1)
    large_count, heavy_count = _realistic_counts(n)
    special: dict[int, tuple[str, int]] = {}
    for k in range(large_count):
        special[(k * 2 + 1) * n // (2 * large_count + 1)] = ("large", LARGE_NOTES_MB[k])
    for k in range(heavy_count):
        i = (2 * k + 1) * n // 5 + 1
        while i in special or i >= n:
            i = (i + 1) % n
        special[i] = ("heavy", LINK_HEAVY[k])
    plan: list[dict] = []
    used: set[str] = set()
    for i in range(n):
        date = start + dt.timedelta(days=rng.randrange(0, 800))
        terms = planted_terms(i)
        title_words = [w.capitalize() for w in words.take(rng.randint(2, 4))]
        if terms["exosome_title"]:
            title_words.insert(0, "Exosomes")
        title = " ".join(title_words) + f" {i}"
        roll = rng.random()
        style = (
            "yaml" if roll < 0.30 else
            "headers" if roll < 0.55 else
            "plain" if roll < 0.85 else
            "bare" if roll < 0.97 else
            "broken_yaml"
        )  # fmt: skip
        note_id, title = _realistic_id(i, n, date, title, rng, used)
        plan.append(
            {
                "i": i,
                "id": note_id,
                "title": title,
                "date": date.isoformat(),
                "type": TYPES[i % len(TYPES)],
                "style": style,
                "terms": terms,
            }
        )
    hubs = [rng.randrange(n) for _ in range(max(1, int(n**0.5)))]
    facts: dict[str, dict] = {}
    made: set[Path] = set()
    for entry in plan:
        i = entry["i"]
        folder = (root / entry["id"]).parent
        if folder not in made:
            folder.mkdir(parents=True, exist_ok=True)
            made.add(folder)
        facts[entry["id"]] = _write_realistic(root, entry, plan, hubs, special.get(i), words, rng)
    return facts


def _realistic_id(
    i: int, n: int, date: dt.date, title: str, rng, used: set[str]
) -> tuple[str, str]:
    """(id, title): most notes as in the default vault, some with spaced, non-ASCII or emoji
    names, daily notes named by their date, and a share in language folders whose notes share
    their names across languages (as in translated documentation)."""
    roll = rng.random()
    slug = "-".join(w.lower() for w in title.split())
    if roll < 0.04:  # translated docs: the same name in each language folder
        lang = LANGS[i % len(LANGS)]
        name = f"Guide {(i // len(LANGS)) % max(1, n // 100)}"
        title = f"{name} ({lang})"
        note_id = f"memory/docs/{lang}/{name}.md"
    elif roll < 0.06:
        name = date.isoformat()
        note_id = f"memory/Daily Notes/{name}.md"
        title = name
    elif roll < 0.14:  # the title itself as the file name, spaces and all
        name = title
        note_id = f"memory/{EXTRA_FOLDERS[i % len(EXTRA_FOLDERS)]}/{name}.md"
    elif roll < 0.18:
        name = f"{UNICODE_NAMES[i % len(UNICODE_NAMES)]} {i}"
        title = name
        note_id = f"memory/{EXTRA_FOLDERS[(i // 3) % len(EXTRA_FOLDERS)]}/{name}.md"
    elif roll < 0.20:
        name = f"{EMOJI_NAMES[i % len(EMOJI_NAMES)]} {i}"
        title = name
        note_id = f"memory/{EXTRA_FOLDERS[(i // 5) % len(EXTRA_FOLDERS)]}/{name}.md"
    else:
        note_id = _note_id(i, date, slug)
    while note_id in used:  # two daily notes on one day, say
        note_id = note_id[:-3] + f" {i}.md"
    used.add(note_id)
    return note_id, title


def _stem_of(note_id: str) -> str:
    return note_id.rsplit("/", 1)[1][:-3]


def _folder_of(note_id: str) -> str:
    return note_id.rsplit("/", 1)[0]


class _Refs:
    """Draws references for one note, counting them and the dangling ones."""

    def __init__(self, entry: dict, plan: list, hubs: list[int], words: _Words, rng):
        self.entry, self.plan, self.hubs, self.words, self.rng = entry, plan, hubs, words, rng
        self.count = 0
        self.dangling = 0

    def target(self) -> dict:
        """A note to point at (a fifth of the time one of the hubs); never one with a planted
        word in its title, so that no link or Parent carries a planted word."""
        rng = self.rng
        while True:
            pick = self.hubs[rng.randrange(len(self.hubs))] if rng.random() < 0.2 else None
            note = self.plan[pick if pick is not None else rng.randrange(len(self.plan))]
            if not note["terms"]["exosome_title"] or len(self.plan) < 8:
                return note

    def link(self) -> str:
        """One body link: Markdown or wikilink (some path-style, some aliased), or dangling."""
        rng, entry = self.rng, self.entry
        self.count += 1
        if rng.random() < DANGLING_SHARE:
            self.dangling += 1
            k = rng.randrange(10**6)
            kind = rng.randrange(4)
            if kind == 0:
                return f"[[missing note {k}]]"
            if kind == 1:  # path-style: resolved by suffix today, a scan of every id
                return f"[[{FOLDERS[k % len(FOLDERS)]}/missing-{k}]]"
            if kind == 2:
                return f"[[archive/old/missing-{k}|an old page]]"
            return f"[{' '.join(self.words.take(2))}](missing-{k}.md)"
        target = self.target()
        stem = _stem_of(target["id"])
        roll = rng.random()
        if roll < 0.40:
            text = target["title"]
            rel = _relative(entry["id"], target["id"]).replace(" ", "%20")
            if rng.random() < 0.1:
                rel = rel[:-3]  # without .md, as some editors write them
            return f"[{text}]({rel})"
        if roll < 0.55:
            return f"[[{stem}|{' '.join(self.words.take(rng.randint(1, 3)))}]]"
        if roll < 0.65:
            return f"[[{target['id'].split('/', 1)[1][:-3]}]]"  # path-style, existing
        if roll < 0.70:
            return f"[[{stem}#{self.words.take(1)[0]}]]"
        return f"[[{stem}]]"

    def parent(self) -> tuple[str, str | None]:
        """(Parent header value, parent id or None when it dangles)."""
        rng = self.rng
        self.count += 1
        if rng.random() < DANGLING_SHARE:
            self.dangling += 1
            k = rng.randrange(10**6)
            return (
                (f"[[Missing parent {k}]]", f"topics/archive/missing-{k}", f"missing-{k}")[k % 3],
                None,
            )
        parent = self.target()
        while parent is self.entry:
            parent = self.target()
        stem = _stem_of(parent["id"])
        return (parent["id"], stem, f"[[{stem}]]")[rng.randrange(3)], parent["id"]


def _write_realistic(root, entry, plan, hubs, special, words: _Words, rng) -> dict:
    i, style, terms = entry["i"], entry["style"], entry["terms"]
    refs = _Refs(entry, plan, hubs, words, rng)
    parent_ref = parent_id = None
    if style in ("yaml", "headers", "broken_yaml") and len(plan) > 1 and rng.random() < 0.7:
        parent_ref, parent_id = refs.parent()
    tags = [w.lower() for w in words.take(rng.randint(0, 3))]
    if terms["bakuchiol_tag"]:
        tags.append("bakuchiol")
    common = [w for w, share in COMMON_WORDS if rng.random() < share]
    if terms["barrier_repair_apart"] and "the" not in common:
        common.insert(0, "the")  # "repair of the outer barrier" carries it anyway
    title = entry["title"]
    lines: list[str] = []
    if style == "yaml":
        lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}"]
        lines += [f"date: {entry['date']}", f"type: {entry['type']}"]
        if parent_ref:
            lines.append(f"parent: {json.dumps(parent_ref, ensure_ascii=False)}")
        if tags:
            lines.append("tags: [" + ", ".join(tags) + "]")
        if rng.random() < 0.2:
            lines.append(f"aliases: [{json.dumps(' '.join(words.take(2)))}]")
        lines += ["---", "", f"# {title}", ""]
    elif style == "broken_yaml":
        template = BROKEN_YAML[i % len(BROKEN_YAML)]
        lines = ["---", *template.format(title=title, date=entry["date"]).splitlines()]
        if parent_ref:
            lines.append(f"parent: {parent_ref}")
        if tags:
            lines.append("tags: " + ", ".join(tags))
        lines += ["---", "", f"# {title}", ""]
    elif style == "headers":
        lines = [f"# {title}", "", f"Date: {entry['date']}", f"Type: {entry['type']}"]
        if parent_ref:
            lines.append(f"Parent: {parent_ref}")
        if tags:
            lines.append("Tags: " + ", ".join(tags))
        lines.append("")
    elif style == "plain":
        lines = [f"# {title}", ""]
    # bare: no heading, no metadata; the body's first line is prose.
    kind, amount = special or ("normal", 0)
    path = root / entry["id"]
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        if lines:
            fh.write("\n".join(lines) + "\n")
        if "/docs/" in entry["id"]:
            fh.write(LANG_LINES[entry["id"].split("/")[2]] + "\n\n")
        first = _realistic_paragraphs(entry, refs, words, rng, common, kind)
        fh.write(first)
        if kind == "large":
            written, target = len(first.encode()), amount * 2**20
            while written < target:
                chunk = "\n".join(
                    " ".join(words.take(rng.randint(60, 140))).capitalize() + "." for _ in range(50)
                )
                fh.write("\n" + chunk + "\n")
                written += len(chunk.encode()) + 2
        elif kind == "heavy":
            fh.write("\n## Index\n\n")
            batch = []
            for k in range(amount):
                batch.append(f"- {refs.link()}")
                if len(batch) == 1000 or k == amount - 1:
                    fh.write("\n".join(batch) + "\n")
                    batch = []
        size = fh.tell()
    if style == "bare":
        fact_title: str | None = _stem_of(entry["id"])
    elif style == "broken_yaml":
        fact_title = None
    else:
        fact_title = title
    dated_name = _FILENAME_DATE_RE.match(_stem_of(entry["id"])) is not None
    has_meta = style in ("yaml", "headers")
    return {
        "i": i,
        "title": fact_title,
        "date": entry["date"] if has_meta else (_stem_of(entry["id"])[:10] if dated_name else None),
        "type": entry["type"] if has_meta else None,
        "parent": parent_id if has_meta else None,
        "parent_dangling": bool(parent_ref) and parent_id is None,
        "style": style,
        "terms": sorted(k for k, v in terms.items() if v),
        "common": common,
        "links": refs.count,
        "dangling": refs.dangling,
        "bytes": size,
    }


_FILENAME_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _realistic_paragraphs(entry, refs: _Refs, words: _Words, rng, common, kind) -> str:
    """The ordinary part of a note's body: paragraphs, planted and common words, links, and
    now and then a code block or comment with links in it."""
    terms = entry["terms"]
    total = int(rng.triangular(300, 1500, 300)) if kind == "normal" else 400
    paragraphs: list[list[str]] = []
    left = total
    while left > 0:
        k = min(left, rng.randint(40, 120))
        paragraphs.append(words.take(k))
        left -= k
    inserts: list[str] = []
    if terms["exosome"]:
        inserts.append(rng.choice(("exosome", "Exosomes", "exosomes")))
    if terms["niacinamide"]:
        inserts.append("niacinamide")
    if terms["barrier_repair_phrase"]:
        inserts.append("barrier repair")
    if terms["barrier_repair_apart"]:
        inserts.append("repair of the outer barrier")
    for word in common:
        inserts += [word] * (1 + int(rng.expovariate(1 / (6 if word == "the" else 2))))
    for _ in range(rng.randint(0, 6) if kind == "normal" else 3):
        inserts.append(refs.link())
    for text in inserts:
        para = rng.choice(paragraphs)
        para.insert(rng.randrange(len(para) + 1), text)
    out = []
    for n, para in enumerate(paragraphs):
        if n and n % 3 == 0 and entry["style"] != "bare":
            out.append(f"## {' '.join(words.take(3)).capitalize()}\n")
        text = " ".join(para)  # not str.capitalize(): it would lower-case the links
        out.append(text[:1].upper() + text[1:] + ".\n")
    roll = rng.random()
    if roll < 0.04:  # a link inside a fenced code block (not a link to Obsidian)
        target = _stem_of(refs.target()["id"])
        out.insert(1, f"```markdown\nSee [[{target}]] and [x]({target}.md)\n```\n")
    elif roll < 0.08:  # template boilerplate in an HTML comment
        out.insert(1, f"<!-- template: see [[{_stem_of(refs.target()['id'])}]] -->\n")
    elif roll < 0.10:  # an Obsidian comment and inline code
        target = _stem_of(refs.target()["id"])
        out.insert(1, f"%% draft: [[{target}]] %%\n\nWrite `[[{target}]]` to link.\n")
    return "\n".join(out)


def summarize(facts: dict[str, dict]) -> dict:
    """Totals over a realistic vault's facts (what the harness and --realistic print)."""
    values = list(facts.values())
    refs = sum(f.get("links", 0) for f in values)
    dangling = sum(f.get("dangling", 0) for f in values)
    total = sum(f.get("bytes", 0) for f in values)
    return {
        "notes": len(values),
        "mb": round(total / 2**20, 1),
        "references": refs,
        "dangling": dangling,
        "dangling_share": dangling / refs if refs else 0.0,
        "bare": sum(1 for f in values if f["style"] == "bare"),
        "broken_yaml": sum(1 for f in values if f["style"] == "broken_yaml"),
        "largest_mb": round(max((f.get("bytes", 0) for f in values), default=0) / 2**20, 1),
        "most_links": max((f.get("links", 0) for f in values), default=0),
        "common": {w: sum(1 for f in values if w in f.get("common", ())) for w, _ in COMMON_WORDS},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--notes", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--realistic", action="store_true", help="a messy vault like real ones (issue 13)"
    )
    args = ap.parse_args()
    facts = generate(args.dir, args.notes, args.seed, realistic=args.realistic)
    print(f"wrote {len(facts)} notes under {args.dir / 'memory'}")
    if args.realistic:
        s = summarize(facts)
        print(
            f"{s['mb']} MB; {s['references']:,} references, {s['dangling']:,} dangling "
            f"({s['dangling_share']:.1%}); {s['bare']:,} notes without heading or metadata; "
            f"{s['broken_yaml']:,} with broken YAML; largest note {s['largest_mb']} MB; "
            f"most links in one note {s['most_links']:,}"
        )


if __name__ == "__main__":
    main()
