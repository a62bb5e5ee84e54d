"""Hypothesis strategies and settings shared by the fuzz tests (test_fuzz_*.py): text with
the characters and lines that would be metadata if they ever escaped their field."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# What a value would smuggle into the metadata if it ever escaped its field.
SMUGGLED = [
    "\nParent: memory/posts/2026-01-11-exosomes-in-k-beauty.md",
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
TRICKY_CHARS = (
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
        st.text(alphabet=TRICKY_CHARS, min_size=1, max_size=3),
        st.text(min_size=1, max_size=4),
    )
    return st.lists(fragment, min_size=1, max_size=max_fragments).map("".join)


def clean_text() -> st.SearchStrategy[str]:
    """Text every field accepts: words and plain punctuation, single spaces."""
    word = st.one_of(CLEAN_WORD, st.sampled_from(["&", "'s", "(x)", "2026:", "-", "C++", "é"]))
    return st.lists(word, min_size=1, max_size=6).map(" ".join)


def printable(max_fragments: int = 4) -> st.SearchStrategy[str]:
    """Text with no control character, where the subtle cases are: Markdown marks, commas,
    quotes, `#`, runs of spaces, other scripts; now and then what undecodable bytes in an
    argument become (a lone surrogate)."""
    fragment = st.one_of(
        CLEAN_WORD,
        st.sampled_from(["`code`", "**bold**", "[[x]]", "[a](b)", "__init__", " ##", "`", "**"]),
        st.sampled_from(["# ", " #", ",", "  ", "'", '"', "#"]),
        st.sampled_from(
            ["Tags: a, b", "---", "title: y", "Date: 1999-01-01", "\u00a0", "Caf\udce9"]
        ),
        st.text(
            st.characters(codec="utf-8", categories=["L", "M", "N", "P", "S", "Zs"]), max_size=3
        ),
    )
    return st.lists(fragment, min_size=1, max_size=max_fragments).map("".join)


CLEAN_TAG = st.from_regex(r"#?[a-z][a-z0-9_/-]{0,10}", fullmatch=True)
# Lines that would be metadata anywhere but in a body.
METADATA_LINES = ["Parent: x", "---", "# Title", "Date: 1999-01-01", "Type: Hijack", "Tags: a, b"]
CLEAN_BODY = st.lists(
    st.sampled_from([*METADATA_LINES, "", " ", "Findings.", "---\ntitle: z\n---"]) | clean_text(),
    max_size=6,
).map("\n".join)
MESSY_BODY = st.lists(
    st.sampled_from([*METADATA_LINES, "a\x00b", "\x00", "Caf\udce9", "\r", "\ufeffx"]) | messy(3),
    min_size=1,
    max_size=6,
).map("\n".join)

# A fixed seed (derandomize): `make test` runs the same examples every time.
FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
