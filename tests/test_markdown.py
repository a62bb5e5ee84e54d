"""One reading of Markdown for every consumer (issue 18): the same notes go through append's
heading finder, link extraction, note titles, the graph's snippets, search snippets and
`vault context`, and each must agree with vault.markdown. Then the block scanner alone, on
CommonMark spec examples for the constructs it supports, and the one clipper."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from graph_helpers import write_vault

from vault.append import find_headings
from vault.cli import cli
from vault.links import extract_links
from vault.markdown.blocks import scan
from vault.markdown.clip import SNIPPET_CHARS, clip, clip_spans
from vault.markdown.text import body_text, plain_text, without_title_line
from vault.notes import parse_note
from vault.search.snippets import Snippets


@dataclass(frozen=True)
class Case:
    # The note's file name in memory/ (a slug name lets a first line title the note).
    name: str
    body: str
    # The note's title as records, labels and every list show it.
    title: str
    # (level, text as written) of the headings append finds sections by.
    headings: list[tuple[int, str]]
    # The link targets the parser extracts (what `vault mv` rewrites).
    links: list[str]
    # The body as plain text on one line (search snippets and context excerpts): the title
    # line left out, code kept as written, comments gone.
    text: str
    # The graph view's snippet: the same text without code, paragraphs apart.
    graph: str
    # A word of the visible text, unique to the note (for search).
    word: str


CASES = [
    Case(
        "fence",
        "Alpha intro links to [[real-target]].\n\n````md\n```\n# Not a heading\n"
        "[[in-code]]\n```\n````\n\n## After\n",
        "fence",
        [(2, "After")],
        ["real-target"],
        "Alpha intro links to real-target. ``` # Not a heading [[in-code]] ``` After",
        "Alpha intro links to real-target.\n\nAfter",
        "alpha",
    ),
    Case(
        "setext",
        "Bravo Title\n===========\n\nSome bravo text.\n\nSub part\n--------\n\nMore.\n",
        "Bravo Title",
        [(1, "Bravo Title"), (2, "Sub part")],
        [],
        "Some bravo text. Sub part More.",
        "Some bravo text.\n\nSub part\n\nMore.",
        "bravo",
    ),
    Case(
        "indented",
        "Charlie para.\n\n    # not a heading in code\n    [[in-indented]]\n\nTail.\n",
        "indented",
        [],
        [],
        "Charlie para. # not a heading in code [[in-indented]] Tail.",
        "Charlie para.\n\nTail.",
        "charlie",
    ),
    Case(
        "comments",
        "Delta visible.\n\n<!--\n# Hidden heading\n[[in-html-comment]]\n-->\n\n%%\n"
        "# Also hidden\n[[in-obsidian-comment]]\n%%\n\n"
        "Shown <!-- inline gone [[gone-a]] --> and %% inline too [[gone-b]] %% end.\n",
        "comments",
        [],
        [],
        "Delta visible. Shown and end.",
        "Delta visible.\n\nShown and end.",
        "delta",
    ),
    Case(
        "tilde",
        "Echo start.\n\n~~~\n# tilde code\n~~~\n\nMiddle [[mid]].\n\n```python\n"
        "# never closed\n[[after-open-fence]]\n",
        "tilde",
        [],
        ["mid"],
        "Echo start. # tilde code Middle mid. # never closed [[after-open-fence]]",
        "Echo start.\n\nMiddle mid.",
        "echo",
    ),
    Case(
        "exosomes-in-skincare",
        "Exosomes \\*in\\* skincare\n\nFoxtrot body text.\n",
        "Exosomes *in* skincare",
        [],
        [],
        "Foxtrot body text.",
        "Foxtrot body text.",
        "foxtrot",
    ),
    Case(
        "inline",
        'Golf: [[target|alias]], [a link](https://x.example "t"), ![alt text](pic.png),\n'
        "[![build status](https://img.shields.io/b.svg)](https://ci.example), **bold**, *em*,\n"
        "~~struck~~, ==marked==, <b>tag</b>, `code [[x]]`, a\\_b &amp; c ![[embedded.png]]\n",
        "inline",
        [],
        ["target", "pic.png", "embedded.png"],
        "Golf: alias, a link, alt text, build status, bold, em, struck, marked, tag, "
        "code [[x]], a_b &amp; c",
        "Golf: alias, a link, alt text, build status, bold, em, struck, marked, tag, "
        "code [[x]], a_b &amp; c",
        "golf",
    ),
    Case(
        "hotel",
        "# Hotel *em* ~~x~~ <b>bold</b> [[t|Tee]]\n\nHotel body.\n\n- item [[u]]\n- two\n",
        "Hotel em x bold Tee",
        [(1, "Hotel *em* ~~x~~ <b>bold</b> [[t|Tee]]")],
        ["t", "u"],
        "Hotel body. item u two",
        "Hotel body.\n\n• item u\n• two",
        "hotel",
    ),
]
IDS = [c.name for c in CASES]
# Each note is a child of the hub (in YAML, so its body is exactly `body`), for `context`.
HUB = "memory/hub.md"


def _file(case: Case) -> str:
    return "---\nup: '[[hub]]'\n---\n" + case.body


def _invoke(root: Path, *args: str) -> str:
    res = CliRunner().invoke(cli, ["--vault", str(root), *args], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.stdout


@pytest.fixture(scope="module")
def seen(tmp_path_factory) -> dict[str, dict]:
    """What each consumer made of each case, through the CLI on one vault."""
    files = {f"memory/{c.name}.md": _file(c) for c in CASES}
    files[HUB] = "# Hub\n\nThe hub.\n"
    root = write_vault(tmp_path_factory.mktemp("md") / "v", files)
    graph = json.loads(_invoke(root, "graph"))["nodes"]
    context = json.loads(_invoke(root, "context", "hub", "--json", "--max-chars", "100000"))
    out: dict[str, dict] = {c.name: {} for c in CASES}
    for node in graph:
        name = node["id"].removeprefix("memory/").removesuffix(".md")
        if name in out:
            out[name].update(label=node["title"], graph=node.get("snippet"))
    for item in context["items"]:
        name = item["id"].removeprefix("memory/").removesuffix(".md")
        if name in out:
            out[name]["context"] = item["snippet"]
    for case in CASES:
        hits = json.loads(_invoke(root, "search", case.word, "--json"))
        out[case.name]["search"] = {h["id"]: h["snippet"] for h in hits}
    out["root"] = {"path": root}
    return out


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_scanner_and_append_find_the_same_headings(case: Case):
    lines = case.body.split("\n")
    assert [(h.level, h.text) for h in find_headings(lines)] == case.headings
    assert [(b.level, b.text) for b in scan(lines) if b.kind == "heading"] == case.headings


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_links_are_found_outside_code_and_comments_only(case: Case):
    assert [link.target for link in extract_links(case.body)] == case.links


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_title_is_the_first_h1_or_title_line_as_plain_text(case: Case, seen):
    note = parse_note(_file(case), f"memory/{case.name}.md")
    assert note.record.title == case.title
    assert seen[case.name]["label"] == case.title  # the graph's label
    # The one title-line rule: what is left is what every snippet starts from.
    rest = without_title_line(note.body, case.title)
    assert body_text(rest) == case.text


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_snippet_is_the_same_plain_text(case: Case, seen):
    got = seen[case.name]
    assert got["graph"] == case.graph
    assert got["context"] == clip(case.text)
    assert got["search"][f"memory/{case.name}.md"] == clip(case.text)
    # No consumer shows what is hidden (comments) or Markdown's link syntax.
    for shown in (got["graph"], got["context"], got["search"][f"memory/{case.name}.md"]):
        assert "gone" not in shown and "hidden" not in shown.lower()
        assert "](" not in shown and "https://" not in shown


def test_search_marks_line_up_with_the_clean_text(seen):
    """The matched words' spans are positions in the text shown, not in the Markdown."""
    root = seen["root"]["path"]
    body = "".join(
        f"See [[some-long-target-name|label {k}]] and [x](https://example.com/{k}) here. "
        for k in range(30)
    )
    (root / "memory" / "marks.md").write_text(body + "Then the kilo word.\n", encoding="utf-8")
    text, spans = Snippets({"kilo"}).of(root / "memory" / "marks.md", "plain", "en")
    assert spans and all(text[a:b] == "kilo" for a, b in spans)
    assert "](" not in text and "[[" not in text


def test_a_dendron_root_note_makes_snippets_label_first_without_dendron_yml(tmp_path):
    files = {
        "notes/root.md": "---\nid: root\ntitle: Root\n---\nThe root.\n",
        "notes/a.md": "---\nid: a\ntitle: A\n---\nSee [[The B note|b]].\n",
        "notes/b.md": "---\nid: b\ntitle: B\n---\nText.\n",
    }
    root = write_vault(tmp_path / "v", files)
    nodes = {n["id"]: n for n in json.loads(_invoke(root, "graph"))["nodes"]}
    assert nodes["notes/a.md"]["snippet"] == "See The B note."
    # Search snippets ask the same detector.
    hits = {h["id"]: h for h in json.loads(_invoke(root, "search", "see", "--json"))}
    assert hits["notes/a.md"]["snippet"] == "See The B note."


# --- the scanner on CommonMark's spec examples -------------------------------------------------

# (example number in spec 0.31.2, Markdown, the non-text blocks as (kind, start, end, level,
# heading text)).
SPEC = [
    (
        62,
        "# foo\n## foo\n### foo\n#### foo\n##### foo\n###### foo",
        [("heading", k, k + 1, k + 1, "foo") for k in range(6)],
    ),
    (63, "####### foo", []),
    (64, "#5 bolt\n\n#hashtag", []),
    (68, "    # foo", [("code", 0, 1, 0, "")]),
    (
        71,
        "## foo ##\n  ###   bar    ###",
        [("heading", 0, 1, 2, "foo"), ("heading", 1, 2, 3, "bar")],
    ),
    (73, "### foo ### b", [("heading", 0, 1, 3, "foo ### b")]),
    (74, "# foo#", [("heading", 0, 1, 1, "foo#")]),
    (
        80,
        "Foo *bar*\n=========\n\nFoo *bar*\n---------",
        [("heading", 0, 2, 1, "Foo *bar*"), ("heading", 3, 5, 2, "Foo *bar*")],
    ),
    (81, "Foo *bar\nbaz*\n====", [("heading", 0, 3, 1, "Foo *bar baz*")]),
    (92, "> foo\n-----", []),
    (94, "- foo\n-----", []),
    (119, "```\n<\n >\n```", [("fence", 0, 4, 0, "")]),
    (121, "```\naaa\n~~~\n```", [("fence", 0, 4, 0, "")]),
    (123, "````\naaa\n```\n``````", [("fence", 0, 4, 0, "")]),
    (126, "```", [("fence", 0, 1, 0, "")]),
    (127, "`````\n\n```\naaa", [("fence", 0, 4, 0, "")]),
    (132, "   ```\n   aaa\n    aaa\n  aaa\n   ```", [("fence", 0, 5, 0, "")]),
    (133, "    ```\n    aaa\n    ```", [("code", 0, 3, 0, "")]),
    (134, "```\naaa\n  ```", [("fence", 0, 3, 0, "")]),
    (136, "```\naaa\n    ```\n# h", [("fence", 0, 4, 0, "")]),  # +a line: never closed
    (138, "``` ```\naaa", []),
    (139, "~~~~~~\naaa\n~~~ ~~\n# h", [("fence", 0, 4, 0, "")]),  # +a line: never closed
    (146, "~~~ aa ``` ~~~\nfoo\n~~~", [("fence", 0, 3, 0, "")]),
    (147, "```\n``` aaa\n```", [("fence", 0, 3, 0, "")]),
    (107, "    a simple\n      indented code block", [("code", 0, 2, 0, "")]),
    (113, "Foo\n    bar", []),
    (108, "  - foo\n\n    bar", []),
    (180, "<!-- Foo\n\nbar\n   baz -->\nokay", [("comment", 0, 4, 0, "")]),
]


@pytest.mark.parametrize(("number", "markdown", "blocks"), SPEC, ids=[str(s[0]) for s in SPEC])
def test_the_scanner_follows_commonmark(number, markdown, blocks):
    found = [b for b in scan(markdown.split("\n")) if b.kind != "text"]
    assert [(b.kind, b.start, b.end, b.level, b.text) for b in found] == blocks


# --- plain text and the clipper ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("[![CI](https://ci.example/badge.svg)](https://ci.example)", "CI"),
        ("<script>alert(1)</script>Safe <style>p{}</style>text", "Safe text"),
        ("\\[[not a link]] and \\`tick\\`", "[[not a link]] and `tick`"),
        ("[[dendron://other/note.child]]", "note.child"),
        ("[[note#Part]] and [[#Part]] and [[#^block]]", "note and Part and block"),
        ("2*3*4 and snake_case", "2*3*4 and snake_case"),
        ("[text][ref] and ![alt][img] and a footnote[^1]", "text and alt and a footnote"),
    ],
)
def test_plain_text(markdown, text):
    assert plain_text(markdown) == text


def test_the_clipper_cuts_at_a_word_and_moves_spans():
    text = " ".join(f"w{k:03d}" for k in range(100))  # 499 characters
    cut = clip(text)
    assert cut.endswith("…") and len(cut) <= SNIPPET_CHARS + 1 and cut[:-1] == text[: len(cut) - 1]
    assert cut[-2] != " " and text[len(cut) - 1] == " "  # ends where a word ends
    at = text.index("w050")
    shown, spans = clip_spans(text, ((at, at + 4),), around=at)
    assert shown.startswith("…w04") and shown.endswith("…")
    ((a, b),) = spans
    assert shown[a:b] == "w050"
    assert clip("short") == "short" and clip("a, b, c; d", 5) == "a, b…"
