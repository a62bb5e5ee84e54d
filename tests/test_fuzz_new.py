"""`vault new` fuzzed (Hypothesis): random titles, tags, types, dates, parents and bodies,
with the lines that would be metadata if they ever escaped their field (`Parent: x`,
`Date: 1999-01-01`, `---`, `# Title`). For each, either one `Error:` line, exit 1 and no new
file, or exit 0 and a note that reads back with exactly the metadata asked for and the body
it was given. Never a traceback. A fixed seed (derandomize) keeps `make test` reproducible
(250 examples of 8 requests each, about 10 s); the slow variant runs ten times as many.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE, git, init_repo
from fuzz_helpers import (
    CLEAN_BODY,
    CLEAN_TAG,
    FUZZ,
    MESSY_BODY,
    clean_text,
    messy,
    printable,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from vault.cli import cli
from vault.markdown.text import plain_text
from vault.notes import read_note

HUB = "memory/research/2026-02-14-skin-tech-trends.md"
POST = "memory/posts/2026-01-11-exosomes-in-k-beauty.md"
# References to notes of the example vault, in the forms users give them -> the id.
PARENTS = {
    HUB: HUB,
    POST: POST,
    "2026-02-14-exosomes-deep-dive": "memory/research/2026-02-14-exosomes-deep-dive.md",
    "Skin-Tech Trends 2026: Research Hub": HUB,
    "[[2026-01-11-exosomes-in-k-beauty]]": POST,
    "the-rising-trend-of-exosomes-in-skincare": (
        "memory/articles/the-rising-trend-of-exosomes-in-skincare.md"
    ),
}
VALID_DATE = st.dates().map(dt.date.isoformat)
# Dates that are not YYYY-MM-DD (and one that is, with spaces around it: taken as that day).
JUNK_DATE = st.sampled_from(["2026-02-30", "14/02/2026", " 2026-03-01 ", "٢٠٢٦-٠١-٠١"]) | messy(2)
KNOWN_PARENT = st.sampled_from(sorted(PARENTS))
JUNK_PARENT = messy(3).map(lambda t: "zz-nope-" + t)
TRICKY_TEXT = st.one_of(printable(), printable(), messy())
# Per field: (a clean value, a tricky one).
FIELDS = {
    "title": (clean_text(), TRICKY_TEXT),
    "type": (st.none() | clean_text(), TRICKY_TEXT),
    "tags": (
        st.lists(CLEAN_TAG, max_size=4),
        st.lists(CLEAN_TAG | printable(2) | messy(2), min_size=1, max_size=3),
    ),
    "date": (st.none() | VALID_DATE, JUNK_DATE),
    "parent": (st.none() | KNOWN_PARENT, JUNK_PARENT),
    "body": (CLEAN_BODY, MESSY_BODY),
}


@st.composite
def requests(draw) -> list[tuple[list[str], bytes, dict, bool]]:
    """A clean request, then the same with each field in turn made tricky, then with all of
    them tricky: (argv after `new`, the body's bytes, what was asked, must it be written?).
    One tricky field at a time is what shows what a tricky value does (a bad date, say, is
    refused before anything else is looked at); Hypothesis does not promise to draw each
    field's tricky values often enough otherwise."""
    clean = {name: draw(pair[0]) for name, pair in FIELDS.items()}
    tricky = {name: draw(pair[1]) for name, pair in FIELDS.items()}
    yaml = draw(st.booleans())
    out = [_request(clean, yaml, must_write=True)]
    out += [_request({**clean, name: tricky[name]}, yaml) for name in FIELDS]
    out.append(_request(tricky, not yaml))
    return out


def _request(value: dict, yaml: bool, must_write: bool = False):
    argv = [f"--title={value['title']}", "--json"]
    argv += [f"--type={value['type']}"] if value["type"] is not None else []
    argv += [f"--tag={t}" for t in value["tags"]]
    argv += [f"--date={value['date']}"] if value["date"] is not None else []
    argv += [f"--parent={value['parent']}"] if value["parent"] is not None else []
    argv += ["--yaml"] if yaml else []
    asked = {**value, "yaml": yaml}
    return argv, value["body"].encode("utf-8", "surrogatepass"), asked, must_write


def expected(asked: dict) -> dict:
    """The metadata a note written for `asked` must read back as: each value as given, with
    the documented normalisation only (runs of white space as one space, ends trimmed; a
    tag without its leading #, each tag once; a title in a '# Title' line reads as its text,
    the house's one Markdown-to-text rule)."""
    parent = PARENTS.get(asked["parent"]) if asked["parent"] is not None else None
    title = " ".join(asked["title"].split())
    note_type = " ".join((asked["type"] or "").split())
    default = "Technical Supplement" if parent else "Note"
    return {
        "title": title if asked["yaml"] else plain_text(title),
        "date": asked["date"].strip() if asked["date"] else dt.date.today().isoformat(),
        "type": note_type or default,
        "parent": parent,
        "tags": tuple(dict.fromkeys(" ".join(t.split()).lstrip("#") for t in asked["tags"])),
    }


def must_fail(asked: dict) -> str:
    """Why the request must be refused whatever else it holds ("" when it may succeed)."""
    if asked["date"] is not None and not re.fullmatch(
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}", asked["date"].strip()
    ):
        return "a date not written YYYY-MM-DD"
    if asked["parent"] is not None and asked["parent"] not in PARENTS:
        return "a parent that is no note"
    if "\x00" in asked["body"]:
        return "NUL in the body"
    if re.search("[\ud800-\udfff]", asked["body"]):
        return "a body that is not UTF-8"
    return ""


def notes_in(root) -> set[str]:
    out = set()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in (".git", ".vault")]
        out |= {os.path.join(dirpath, name) for name in filenames}
    return out


def check_new(root, argv, body: bytes, asked: dict, must_write: bool, outcomes: list) -> str:
    """Run `vault new`; check what it did (see the module docstring); the new note's id."""
    before = notes_in(root)
    res = CliRunner().invoke(cli, ["--vault", str(root), "new", *argv], input=body)
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise res.exception  # a traceback: the test fails with it
    assert "Traceback" not in res.stderr
    if res.exit_code != 0:
        outcomes.append("refused")
        assert not must_write, f"a clean request was refused: {res.stderr}"
        assert res.exit_code == 1, res.stderr
        (line,) = res.stderr.splitlines()
        assert line.startswith("Error: ") and res.stdout == ""
        assert notes_in(root) == before, "a refused note left a file"
        return ""
    outcomes.append("written")
    assert not must_fail(asked), f"{must_fail(asked)} was accepted: {res.stdout}"
    created = json.loads(res.stdout)
    (new_file,) = notes_in(root) - before
    assert new_file == created["path"]
    want = expected(asked)
    record, note_body = _read(root, created["id"])
    got = {
        "title": record.title,
        "date": record.date,
        "type": record.type,
        "parent": record.parent_ref,
        "tags": record.tags,
    }
    assert got == want, (argv, asked)
    assert {k: created[k] for k in ("title", "date", "type", "parent")} == {
        k: want[k] for k in ("title", "date", "type", "parent")
    }
    assert record.meta == {} and record.style == ("yaml" if asked["yaml"] else "headers")
    text = body.decode("utf-8").removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    assert text in note_body if text else "## Summary" in note_body
    return created["id"]


def _read(root, note_id: str):
    note = read_note(root / note_id, note_id)
    return note.record, note.body


@pytest.fixture(scope="module")
def fuzz_vault(tmp_path_factory):
    """One copy of the example vault for all the examples of a test, in git."""
    root = tmp_path_factory.mktemp("fuzz") / "vault"
    shutil.copytree(EXAMPLE, root / "memory")
    # Without --yaml a note gets header lines, however many YAML notes the examples made
    # (without a configuration, `new` follows the style most notes use).
    (root / ".vault.toml").write_text('header_style = "headers"\n', encoding="utf-8")
    return init_repo(root)


def run_fuzz(root, examples: int) -> list[str]:
    """`examples` Hypothesis examples of `requests()`, each run with --no-commit, each note
    written deleted again (the vault stays the example: every run costs the same)."""
    outcomes: list[str] = []

    @settings(FUZZ, max_examples=examples)
    @given(requests())
    def fuzz(batch):
        for argv, body, asked, must_write in batch:
            note_id = check_new(root, [*argv, "--no-commit"], body, asked, must_write, outcomes)
            if note_id:
                os.unlink(root / note_id)

    fuzz()
    assert git(root, "status", "--porcelain") == ""
    return outcomes


def test_fuzz_new(fuzz_vault):
    outcomes = run_fuzz(fuzz_vault, 250)
    # The fuzz means something only when both outcomes come up often.
    assert outcomes.count("written") >= len(outcomes) // 5, outcomes.count("written")
    assert outcomes.count("refused") >= len(outcomes) // 5, outcomes.count("refused")


@pytest.mark.slow
def test_fuzz_new_at_length(fuzz_vault):
    run_fuzz(fuzz_vault, 2500)


@settings(FUZZ, max_examples=2)
@given(batch=requests())
def test_fuzz_new_committed(fuzz_vault, batch):
    """A few with git commits: a note written is committed alone; a refusal commits nothing."""
    for argv, body, asked, must_write in batch:
        head = git(fuzz_vault, "rev-parse", "HEAD").strip()
        note_id = check_new(fuzz_vault, argv, body, asked, must_write, [])
        assert git(fuzz_vault, "status", "--porcelain") == ""
        if note_id:
            assert git(fuzz_vault, "log", "-1", "--format=%s").strip() == f"vault: add {note_id}"
            assert git(fuzz_vault, "rev-parse", "HEAD~1").strip() == head
        else:
            assert git(fuzz_vault, "rev-parse", "HEAD").strip() == head
