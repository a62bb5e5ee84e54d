"""`vault append`, `replace` and `set` fuzzed (Hypothesis), on notes in every header state
(header lines, YAML front matter, a bare title, unclosed front matter, no metadata, CRLF):
random section names and texts holding `---`, header-looking lines, CR, other scripts and
NUL for append and replace; random keys, values and tags for set. For each, either one
`Error:` line, exit 1 and the note byte for byte as it was, or exit 0 and a note that
parses back (vault.notes.parse_note) with exactly the metadata asked for (append and
replace: the metadata it had) and a body holding the text. Never a traceback. A fixed seed
(derandomize); 200 examples a verb in `make test`, ten times as many marked slow.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner
from conftest import git, init_repo
from fuzz_helpers import CLEAN_BODY, CLEAN_TAG, FUZZ, MESSY_BODY, clean_text, messy, printable
from hypothesis import example, given, settings
from hypothesis import strategies as st

from vault.cli import cli
from vault.markdown.text import plain_text
from vault.notes import KEY_ALIASES, parse_note

HUB = "memory/hub.md"
OTHER = "memory/other.md"
# The notes written to: (their text, the headings each holds once).
TARGETS = {
    "memory/headers.md": (
        "# Headers note\n\nDate: 2026-01-02\nType: Lab\nParent: memory/hub.md\nTags: a, b\n\n"
        "Intro text.\n\n## Findings\n\nSome text.\n\n## Method\n\nSteps here.\n",
        ["Findings", "Method"],
    ),
    "memory/yaml.md": (
        "---\ntitle: Yaml note\ndate: 2026-01-03\ntype: Review\nparent: memory/hub.md\n"
        "tags: [x, y]\nstatus: draft  # a comment\n---\n\nIntro text.\n\n## Findings\n\n"
        "Some text.\n",
        ["Findings"],
    ),
    "memory/bare.md": ("# Only a title\n", []),
    "memory/titled.md": ("# Only a title\n\nSome text.\n", []),
    "memory/open.md": ("---\ntitle: Open\n\nSome text.\n", []),
    "memory/plain.md": ("Some text.\n\n## Findings\n\nMore.\n", ["Findings"]),
    "memory/crlf.md": (
        "# Crlf note\r\n\r\nDate: 2026-01-04\r\nType: Lab\r\n\r\nSome text.\r\n\r\n"
        "## Findings\r\n\r\nMore.\r\n",
        ["Findings"],
    ),
}
# Notes whose metadata may be refused any change (`open.md`: its block is not closed).
FRAGILE = {"memory/open.md"}
OTHERS = {
    HUB: "# Hub\n\nDate: 2026-01-01\nType: Research Hub\n\nThe hub.\n",
    OTHER: "# Other\n\nDate: 2026-01-05\n\nAnother note.\n",
}
# Parent references -> the id they name (never a target: no Parent circle).
PARENTS = {HUB: HUB, "hub": HUB, "[[hub]]": HUB, "Other": OTHER, OTHER: OTHER}


@pytest.fixture(scope="module")
def fuzz_vault(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz-revise") / "vault"
    (root / "memory").mkdir(parents=True)
    for note_id, text in {**OTHERS, **{k: v[0] for k, v in TARGETS.items()}}.items():
        (root / note_id).write_bytes(text.encode("utf-8"))
    (root / ".vault.toml").write_text('header_style = "headers"\n', encoding="utf-8")
    return init_repo(root)


def metadata(note_id: str, data: bytes) -> dict:
    rec = parse_note(data.decode("utf-8"), note_id).record
    return {
        "title": rec.title,
        "date": rec.date,
        "type": rec.type,
        "parent": rec.parent_ref,
        "tags": rec.tags,
        "meta": rec.meta,
        "style": rec.style,
    }


def body(note_id: str, data: bytes) -> str:
    return parse_note(data.decode("utf-8"), note_id).body.replace("\r\n", "\n")


def invoke(root, argv: list[str], stdin: bytes | None, note_id: str, outcomes: list):
    """Run vault; check the refusal form; (the note's bytes before, after) or None when
    refused (the note then checked unchanged)."""
    before = (root / note_id).read_bytes()
    res = CliRunner().invoke(cli, ["--vault", str(root), *argv, "--no-commit"], input=stdin)
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise res.exception  # a traceback: the test fails with it
    assert "Traceback" not in res.stderr
    after = (root / note_id).read_bytes()
    if res.exit_code != 0:
        outcomes.append("refused")
        assert res.exit_code == 1, res.stderr
        (line,) = res.stderr.splitlines()
        assert line.startswith("Error: ") and res.stdout == "", res.stderr
        assert after == before, "a refusal changed the note"
        return None
    outcomes.append("written")
    assert res.stdout == note_id + "\n", res.stdout
    return before, after


def lines_of(text: str) -> str:
    """Text as a note holds it: newlines as \\n, no blank lines at either end."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def unwritable(text: str) -> str:
    """Why no note can hold `text` ("" when one can)."""
    if "\x00" in text:
        return "NUL"
    if re.search("[\ud800-\udfff]", text):
        return "not UTF-8"
    return ""


def same_metadata(note_id: str, before: bytes, after: bytes) -> None:
    """The metadata as it was; a note without any may have its title from a first heading
    in its text (Obsidian's rule), which text may add."""
    was, now = metadata(note_id, before), metadata(note_id, after)
    if was["style"] == "plain":
        was.pop("title"), now.pop("title")
    assert now == was


# --- append --------------------------------------------------------------------------------


@st.composite
def appends(draw):
    note_id = draw(st.sampled_from(sorted(TARGETS)))
    headings = TARGETS[note_id][1]
    section = None
    if headings and draw(st.booleans()):
        section = draw(st.sampled_from(["", "## "])) + draw(st.sampled_from(headings))
    elif draw(st.integers(0, 3)) == 0:
        section = draw(messy(2))  # most often no heading of the note
    clean = draw(st.booleans())
    text = draw(CLEAN_BODY if clean else MESSY_BODY)
    return note_id, section, text, clean


def check_append(root, note_id, section, text, clean, outcomes) -> None:
    argv = ["append", note_id] + (["--section", section] if section is not None else [])
    done = invoke(root, argv, text.encode("utf-8", "surrogatepass"), note_id, outcomes)
    text = text.removeprefix("\ufeff")  # a byte-order mark starting the input marks no text
    known = section is None or section.lstrip("# ") in TARGETS[note_id][1]
    if done is None:
        assert not (clean and known and lines_of(text) and note_id not in FRAGILE), (
            f"a clean append was refused: {argv} {text!r}"
        )
        return
    before, after = done
    assert not unwritable(text), f"{unwritable(text)} was appended"
    same_metadata(note_id, before, after)
    assert lines_of(text) in body(note_id, after), (text, after)


def run_append(root, examples: int) -> list[str]:
    outcomes: list[str] = []

    @settings(FUZZ, max_examples=examples)
    @given(appends())
    def fuzz(case):
        note_id = case[0]
        original = (root / note_id).read_bytes()
        try:
            check_append(root, *case, outcomes)
        finally:
            (root / note_id).write_bytes(original)

    fuzz()
    return outcomes


def test_fuzz_append(fuzz_vault):
    outcomes = run_append(fuzz_vault, 200)
    assert outcomes.count("written") >= len(outcomes) // 5
    assert outcomes.count("refused") >= len(outcomes) // 10
    assert git(fuzz_vault, "status", "--porcelain") == ""


@pytest.mark.slow
def test_fuzz_append_at_length(fuzz_vault):
    run_append(fuzz_vault, 2000)


# --- replace -------------------------------------------------------------------------------


@st.composite
def replacements(draw):
    note_id = draw(st.sampled_from(sorted(TARGETS)))
    headings = TARGETS[note_id][1]
    if headings and draw(st.booleans()):
        section = draw(st.sampled_from([*headings, draw(messy(2))]))
        return note_id, None, section, draw(CLEAN_BODY | MESSY_BODY)
    old = draw(st.sampled_from(["Some text.", "text", "Intro text.", "More."]) | messy(2))
    return note_id, old, None, draw(CLEAN_BODY | MESSY_BODY | st.just(""))


def check_replace(root, note_id, old, section, new, outcomes) -> None:
    if section is None:
        argv = ["replace", note_id, "--old", old, "--new", new]
        stdin = None
    else:
        argv = ["replace", note_id, "--section", section, "--body-file", "-"]
        stdin = new.encode("utf-8", "surrogatepass")
    done = invoke(root, argv, stdin, note_id, outcomes)
    if done is None:
        return
    before, after = done
    assert not unwritable(new), f"{unwritable(new)} was written"
    same_metadata(note_id, before, after)
    was, now = body(note_id, before), body(note_id, after)
    if section is None:
        new_text = new.replace("\r\n", "\n")
        assert was.count(old) == 1, (old, was)
        assert lines_of(now) == lines_of(was.replace(old, new_text)), (old, new, now)
    else:  # read from standard input: a byte-order mark starting it marks no text
        assert lines_of(new.removeprefix("\ufeff")) in now and section in was


def run_replace(root, examples: int) -> list[str]:
    outcomes: list[str] = []

    @settings(FUZZ, max_examples=examples)
    @given(replacements())
    @example(("memory/crlf.md", None, "Findings", "\ufeffx"))  # the oracle once kept the BOM
    def fuzz(case):
        note_id = case[0]
        original = (root / note_id).read_bytes()
        try:
            check_replace(root, *case, outcomes)
        finally:
            (root / note_id).write_bytes(original)

    fuzz()
    return outcomes


def test_fuzz_replace(fuzz_vault):
    outcomes = run_replace(fuzz_vault, 200)
    assert outcomes.count("written") >= len(outcomes) // 5
    assert outcomes.count("refused") >= len(outcomes) // 10
    assert git(fuzz_vault, "status", "--porcelain") == ""


@pytest.mark.slow
def test_fuzz_replace_at_length(fuzz_vault):
    run_replace(fuzz_vault, 2000)


# --- set -----------------------------------------------------------------------------------

# Keys of no known field (a field's aliases, such as `created` for the date, are not).
OWN_KEY = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,12}", fullmatch=True).filter(
    lambda k: k.lower() not in KEY_ALIASES and k.lower() not in ("title", "date", "type")
)
TRICKY_TEXT = st.one_of(printable(), messy())
VALUES = {
    "title": (clean_text(), TRICKY_TEXT),
    "type": (clean_text(), TRICKY_TEXT),
    "date": (st.dates().map(dt.date.isoformat), st.sampled_from(["2026-02-30", "x"]) | messy(2)),
    "parent": (st.sampled_from(sorted(PARENTS)), messy(2).map(lambda t: "zz-nope-" + t)),
    "tags": (
        st.lists(CLEAN_TAG, min_size=1, max_size=3).map(",".join),
        st.lists(CLEAN_TAG | printable(2) | messy(2), min_size=1, max_size=3).map(",".join),
    ),
}


@st.composite
def settings_of(draw):
    """(note, [(key, value)], keys to unset, tag changes, all clean?)"""
    note_id = draw(st.sampled_from(sorted(TARGETS)))
    fields = draw(st.lists(st.sampled_from(sorted(VALUES)), unique=True, max_size=3))
    clean = draw(st.booleans())
    pairs = [(f, draw(VALUES[f][0] if clean else st.one_of(*VALUES[f]))) for f in fields]
    own = draw(st.lists(OWN_KEY, unique_by=str.lower, max_size=2))
    pairs += [(k, draw(clean_text() if clean else TRICKY_TEXT)) for k in own]
    if not clean and draw(st.booleans()):
        pairs.append((draw(messy(2).filter(lambda k: k[:1] != "-")), "x"))  # a key that is no key
    unset = draw(st.lists(st.sampled_from(["type", "parent", "status"]), unique=True, max_size=1))
    unset = [k for k in unset if k not in fields]
    changes = draw(st.lists(st.sampled_from(["+", "-"]).flatmap(
        lambda sign: CLEAN_TAG.map(lambda t: sign + t.lstrip("#"))), max_size=2))  # fmt: skip
    if "tags" in fields:
        changes = []
    if not (pairs or unset or changes):
        pairs = [("type", "Lab")]
    return note_id, pairs, unset, changes, clean


def expected_values(note_id, before: dict, pairs, unset, changes) -> dict:
    """The metadata the note must read back as after `set`."""
    want = {k: v for k, v in before.items()}
    want["meta"] = dict(before["meta"])
    for key, value in pairs:
        key = key.strip()  # `A =x` sets A
        folded = " ".join(value.split())
        if key == "title":
            want["title"] = folded if want["style"] == "yaml" else plain_text(folded)
        elif key == "date":
            want["date"] = value.strip()
        elif key == "type":
            want["type"] = folded
        elif key == "parent":
            want["parent"] = PARENTS[value]
        elif key == "tags":
            tags = (" ".join(t.split()).lstrip("#") for t in value.split(",") if t.strip(" "))
            want["tags"] = tuple(dict.fromkeys(tags))
        else:
            want["meta"][key] = folded
    for key in unset:
        if key == "status":
            want["meta"].pop("status", None)
        else:
            want[key] = None
    if changes:  # those added, then those taken out (one given both is taken out)
        added = [c[1:] for c in changes if c[0] == "+"]
        dropped = {c[1:] for c in changes if c[0] == "-"}
        want["tags"] = tuple(t for t in dict.fromkeys([*want["tags"], *added]) if t not in dropped)
    return want


def check_set(root, note_id, pairs, unset, changes, clean, outcomes) -> None:
    argv = ["set", note_id, *(f"{k}={v}" for k, v in pairs)]
    argv += [f"--unset={k}" for k in unset] + [f"--tag={c}" for c in changes]
    was = metadata(note_id, (root / note_id).read_bytes())
    done = invoke(root, argv, None, note_id, outcomes)
    if done is None:
        # Taking out what the note does not hold is refused too ("the note has no ...").
        held = {k for k in ("type", "parent") if was[k]} | set(was["meta"])
        absent = set(unset) - held or {c for c in changes if c[0] == "-"} - {
            "-" + t for t in was["tags"]
        }
        assert not (clean and not absent and note_id not in FRAGILE), (
            f"a clean set was refused: {argv}"
        )
        return
    before, after = done
    want = expected_values(note_id, metadata(note_id, before), pairs, unset, changes)
    got = metadata(note_id, after)
    if want["style"] == "plain":  # a note without metadata gets the vault's style
        want["style"] = "headers"
    for field in ("title", "date", "type", "parent", "tags"):
        assert got[field] == want[field], (field, argv, after)
    for key, value in want["meta"].items():
        assert str(got["meta"].get(key)) == str(value), (key, argv, after)
    assert set(got["meta"]) == set(want["meta"]), (argv, after)
    text = lines_of(body(note_id, before))
    if was["style"] == "plain":  # its `# Title` line, body until then, now heads the metadata
        text = text.removeprefix(f"# {was['title']}").lstrip("\n")
    assert text in body(note_id, after)


def run_set(root, examples: int) -> list[str]:
    outcomes: list[str] = []

    @settings(FUZZ, max_examples=examples)
    @given(settings_of())
    def fuzz(case):
        note_id = case[0]
        original = (root / note_id).read_bytes()
        try:
            check_set(root, *case, outcomes)
        finally:
            (root / note_id).write_bytes(original)

    fuzz()
    return outcomes


def test_fuzz_set(fuzz_vault):
    outcomes = run_set(fuzz_vault, 200)
    assert outcomes.count("written") >= len(outcomes) // 5
    assert outcomes.count("refused") >= len(outcomes) // 10
    assert git(fuzz_vault, "status", "--porcelain") == ""


@pytest.mark.slow
def test_fuzz_set_at_length(fuzz_vault):
    run_set(fuzz_vault, 2000)


def test_the_fuzzed_notes_are_as_written(fuzz_vault):
    """What the oracle above assumes of the notes it starts from."""
    got = {
        i: metadata(i, (fuzz_vault / i).read_bytes())
        for i in ("memory/headers.md", "memory/yaml.md")
    }
    assert json.loads(json.dumps(got)) == {
        "memory/headers.md": {"title": "Headers note", "date": "2026-01-02", "type": "Lab",
            "parent": HUB, "tags": ["a", "b"], "meta": {}, "style": "headers"},
        "memory/yaml.md": {"title": "Yaml note", "date": "2026-01-03", "type": "Review",
            "parent": HUB, "tags": ["x", "y"], "meta": {"status": "draft"}, "style": "yaml"},
    }  # fmt: skip
