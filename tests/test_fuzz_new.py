"""`vault new` fuzzed (Hypothesis): random titles, tags, types, dates, parents and bodies,
with the lines that would be metadata if they ever escaped their field (`Parent: x`,
`Date: 1999-01-01`, `---`, `# Title`). For each, either one `Error:` line, exit 1 and no new
file, or exit 0 and a note that reads back with exactly the metadata asked for and the body
it was given. Never a traceback. A fixed seed (derandomize) keeps `make test` reproducible;
the slow variant runs ten times the examples.
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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vault.cli import cli
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
# What a value would smuggle into the metadata if it ever escaped its field.
SMUGGLED = [
    f"\nParent: {POST}",
    "\nDate: 1999-01-01",
    "\r\nType: Hijack",
    "\n---\n",
    "\n# Title\n",
    "Tags: a, b",
    "---",
    "# ",
    " #",
    "**",
    "`",
    "[[x]]",
    "title: y",
]
# Characters that matter somewhere: separators, markers, quotes, controls, other scripts.
TRICKY = (
    ",; :#*`[]'\"|-_/\\\t\n\r\x00\x01\x1f\x7f\x85\xa0\u00e9\u2028\u200b\ufeff\u4e2d\U0001f600\udce9"
)
CLEAN_WORD = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ0123456789éü中", min_size=1, max_size=8
)


def messy(max_fragments: int = 5) -> st.SearchStrategy[str]:
    """Short text built from ordinary words, tricky characters, smuggled lines, anything."""
    fragment = st.one_of(
        CLEAN_WORD,
        st.sampled_from(SMUGGLED),
        st.text(alphabet=TRICKY, min_size=1, max_size=3),
        st.text(min_size=1, max_size=4),
    )
    return st.lists(fragment, min_size=1, max_size=max_fragments).map("".join)


def clean_text() -> st.SearchStrategy[str]:
    """Text every field accepts: words and plain punctuation, single spaces."""
    word = st.one_of(CLEAN_WORD, st.sampled_from(["&", "'s", "(x)", "2026:", "-", "C++", "é"]))
    return st.lists(word, min_size=1, max_size=6).map(" ".join)


CLEAN_TAG = st.from_regex(r"#?[a-z][a-z0-9_/-]{0,10}", fullmatch=True)
BODY_LINES = st.one_of(
    st.sampled_from(
        ["Parent: x", "---", "# Title", "Date: 1999-01-01", "Type: Hijack", "Tags: a, b", "", " "]
    ),
    messy(3),
)


def weighted(*choices: tuple[st.SearchStrategy, int]) -> st.SearchStrategy:
    """One of the strategies, each `n` times as likely: junk must not crowd out the rest (a bad
    date, say, is refused before anything else is looked at)."""
    return st.sampled_from([s for s, n in choices for _ in range(n)]).flatmap(lambda s: s)


VALID_DATE = st.dates().map(dt.date.isoformat)
JUNK_DATE = st.sampled_from(["2026-02-30", "14/02/2026", " 2026-03-01 ", "٢٠٢٦-٠١-٠١"]) | messy(2)
KNOWN_PARENT = st.sampled_from(sorted(PARENTS))
JUNK_PARENT = messy(3).map(lambda t: "zz-nope-" + t)


@st.composite
def requests(draw, clean: bool):
    """(argv after `new`, the body's bytes, what the note must read back as)."""
    if clean:
        title = draw(clean_text())
        note_type = draw(st.none() | clean_text())
        tags = draw(st.lists(CLEAN_TAG, max_size=4))
        date = draw(st.none() | VALID_DATE)
        parent = draw(st.none() | KNOWN_PARENT)
    else:
        title = draw(weighted((messy(), 3), (clean_text(), 1)))
        note_type = draw(weighted((st.none(), 2), (messy(), 1), (clean_text(), 1)))
        tags = draw(st.lists(weighted((CLEAN_TAG, 2), (messy(3), 1)), max_size=3))
        date = draw(weighted((st.none(), 3), (VALID_DATE, 3), (JUNK_DATE, 1)))
        parent = draw(weighted((st.none(), 2), (KNOWN_PARENT, 2), (JUNK_PARENT, 1)))
    body = draw(st.lists(BODY_LINES, max_size=6).map("\n".join) | messy(4))
    if clean:  # what no body may hold
        body = re.sub("[\x00\ud800-\udfff]", "", body)
    yaml = draw(st.booleans())

    argv = [f"--title={title}", "--json"]
    argv += [f"--type={note_type}"] if note_type is not None else []
    argv += [f"--tag={t}" for t in tags]
    argv += [f"--date={date}"] if date is not None else []
    argv += [f"--parent={parent}"] if parent is not None else []
    argv += ["--yaml"] if yaml else []
    asked = {
        "title": title,
        "type": note_type,
        "tags": tags,
        "date": date,
        "parent": parent,
        "body": body,
        "yaml": yaml,
    }
    return argv, body.encode("utf-8", "surrogatepass"), asked


def expected(asked: dict) -> dict:
    """The metadata a note written for `asked` must read back as: each value as given, with
    the documented normalisation only (runs of white space as one space, ends trimmed; a
    tag without its leading #, each tag once)."""
    parent = PARENTS.get(asked["parent"]) if asked["parent"] is not None else None
    note_type = " ".join((asked["type"] or "").split())
    default = "Technical Supplement" if parent else "Note"
    return {
        "title": " ".join(asked["title"].split()),
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


def check_new(root, argv, body: bytes, asked: dict, clean: bool, outcomes: list[str]) -> str:
    """Run `vault new`; check what it did (see the module docstring); the new note's id."""
    before = notes_in(root)
    res = CliRunner().invoke(cli, ["--vault", str(root), "new", *argv], input=body)
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise res.exception  # a traceback: the test fails with it
    assert "Traceback" not in res.stderr
    if res.exit_code != 0:
        outcomes.append("refused")
        assert not clean, f"a clean request was refused: {res.stderr}"
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
    return init_repo(root)


FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def fuzz_uncommitted(root, argv, body, asked, clean, outcomes):
    note_id = check_new(root, [*argv, "--no-commit"], body, asked, clean, outcomes)
    if note_id:
        os.unlink(root / note_id)  # the vault stays the example: every example costs the same


def run_fuzz(root, examples: int) -> list[str]:
    outcomes: list[str] = []

    @settings(FUZZ, max_examples=examples)
    @given(data=st.data())
    def fuzz(data):
        clean = data.draw(st.booleans(), label="clean")
        argv, body, asked = data.draw(requests(clean))
        fuzz_uncommitted(root, argv, body, asked, clean, outcomes)

    fuzz()
    assert git(root, "status", "--porcelain") == ""
    return outcomes


def test_fuzz_new(fuzz_vault):
    outcomes = run_fuzz(fuzz_vault, 200)
    # The fuzz means something only when both outcomes come up often.
    assert outcomes.count("written") >= len(outcomes) // 5, outcomes.count("written")
    assert outcomes.count("refused") >= len(outcomes) // 5, outcomes.count("refused")


@pytest.mark.slow
def test_fuzz_new_at_length(fuzz_vault):
    run_fuzz(fuzz_vault, 2000)


@settings(FUZZ, max_examples=12)
@given(data=st.data())
def test_fuzz_new_committed(fuzz_vault, data):
    """A few with git commits: a note written is committed alone; a refusal commits nothing."""
    clean = data.draw(st.booleans(), label="clean")
    argv, body, asked = data.draw(requests(clean))
    head = git(fuzz_vault, "rev-parse", "HEAD").strip()
    note_id = check_new(fuzz_vault, argv, body, asked, clean, [])
    assert git(fuzz_vault, "status", "--porcelain") == ""
    if note_id:
        assert git(fuzz_vault, "log", "-1", "--format=%s").strip() == f"vault: add {note_id}"
        assert git(fuzz_vault, "rev-parse", "HEAD~1").strip() == head
    else:
        assert git(fuzz_vault, "rev-parse", "HEAD").strip() == head
