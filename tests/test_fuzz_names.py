"""File names fuzzed (Hypothesis): a note whose name holds spaces, Markdown and wikilink
marks, other scripts, a leading dot or dash, or bytes that are not UTF-8, written to by
`vault append`, `set` and `replace`, and given as the Parent of `vault new`. Each command
either does what it was asked to the note of that name (its metadata exactly as asked, its
body holding the text) or says why in one `Error:` line with exit 1 and changes nothing.
Never a traceback. A fixed seed; 120 examples in `make test`, ten times as many marked slow.
"""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner
from conftest import init_repo
from fuzz_helpers import FUZZ
from hypothesis import given, settings
from hypothesis import strategies as st

from vault.cli import cli
from vault.notes import parse_note

NOTE = "# {title}\n\nDate: 2026-01-02\nType: Lab\n\nIntro text.\n\n## Findings\n\nSome text.\n"
FRAGMENTS = st.one_of(
    st.text(alphabet="abcxyzABC019éü中ß-_", min_size=1, max_size=6),
    st.sampled_from([" ", "  ", "#", "[[", "]]", "|", "^", "(", ")", "'", '"', ",", ";", "%20"]),
    st.sampled_from([".", "-", "~", "\u00a0", "\u200b", "\U0001f600", "a.md", "x.conflict-h"]),
    st.sampled_from([b"\xe9", b"\xff\xfe", b"caf\xe9"]).map(os.fsdecode),  # not UTF-8
)
NAMES = (
    st.lists(FRAGMENTS, min_size=1, max_size=6)
    .map("".join)
    .filter(lambda n: n.strip() and "/" not in n and len(os.fsencode(n)) <= 120)
)


@pytest.fixture(scope="module")
def names_vault(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz-names") / "vault"
    (root / "memory" / "names").mkdir(parents=True)
    (root / "memory" / "hub.md").write_text("# Hub\n\nThe hub.\n", encoding="utf-8")
    (root / ".vault.toml").write_text('header_style = "headers"\n', encoding="utf-8")
    return init_repo(root)


def vault(root, *argv: str, stdin: str | None = None):
    res = CliRunner().invoke(cli, ["--vault", str(root), *argv], input=stdin)
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise res.exception  # a traceback: the test fails with it
    assert "Traceback" not in res.stderr
    if res.exit_code != 0:
        assert res.exit_code == 1, res.stderr
        (line,) = res.stderr.splitlines()
        assert line.startswith("Error: ") and res.stdout == "", res.stderr
    return res


def record(path):
    data = os.fsdecode(path.name)
    return parse_note(path.read_bytes().decode("utf-8"), f"memory/names/{data}")


def check_name(root, name: str, outcomes: list) -> None:
    path = root / "memory" / "names" / f"{name}.md"
    note_id = f"memory/names/{name}.md"
    path.write_bytes(NOTE.format(title="Named").encode("utf-8"))
    try:
        before = path.read_bytes()
        res = vault(root, "append", note_id, "--section", "Findings", "--no-commit", stdin="Added.")
        if res.exit_code:
            outcomes.append("refused")
            assert path.read_bytes() == before
            return
        outcomes.append("written")
        rec, body = record(path).record, record(path).body
        assert (rec.title, rec.date, rec.type) == ("Named", "2026-01-02", "Lab")
        assert "Some text.\n\nAdded." in body
        res = vault(root, "set", note_id, "type=Other", "--tag", "+found", "--no-commit")
        assert res.exit_code == 0, res.stderr
        rec = record(path).record
        assert (rec.title, rec.type, rec.tags) == ("Named", "Other", ("found",))
        res = vault(root, "replace", note_id, "--old", "Intro text.", "--new", "New intro.")
        assert res.exit_code == 0, res.stderr
        assert "New intro." in record(path).body and "Intro text." not in record(path).body
        # A header line cannot hold every name as it is (runs of spaces read back as one):
        # then new refuses, in one line, writing nothing.
        made = vault(root, "new", "--parent", note_id, "--title", "Child", "--no-commit", "--json")
        if made.exit_code == 0:
            child = json.loads(made.stdout)
            assert child["parent"] == note_id
            os.unlink(child["path"])
        else:
            assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
    finally:
        path.unlink(missing_ok=True)


def run_names(root, examples: int) -> list[str]:
    outcomes: list[str] = []

    @settings(FUZZ, max_examples=examples)
    @given(NAMES)
    def fuzz(name):
        check_name(root, name, outcomes)

    fuzz()
    return outcomes


def test_fuzz_file_names(names_vault):
    outcomes = run_names(names_vault, 120)
    assert outcomes.count("written") >= len(outcomes) // 2, outcomes.count("refused")


@pytest.mark.slow
def test_fuzz_file_names_at_length(names_vault):
    run_names(names_vault, 1200)
