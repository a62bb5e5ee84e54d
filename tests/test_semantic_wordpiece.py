"""search/wordpiece.py: BERT's WordPiece in plain Python gives the ids `tokenizers` gives for
the shipped tokenizer.json. The expected ids below were taken from tokenizers 0.23.3; the
tests at the end compare the two directly, and run only where tokenizers is installed (vault
itself does not need it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vault.search.embedding import _WORD, MODEL_DIR
from vault.search.wordpiece import TokenizerUnsupported, WordPiece

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wordpiece() -> WordPiece:
    return WordPiece.from_file(MODEL_DIR / "tokenizer.json")


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("Unaffable", [13480, 19964, 2471]),  # una ##ffa ##ble: longest match first
        ("Café Ünïcödé", [6671, 26263]),  # accents stripped, lowercased: cafe unicode
        # CJK ideographs stand alone; kana are not set apart, so they continue with ##
        ("日本語のテキスト", [867, 879, 953, 674, 29242, 29230, 29236, 29243]),
        ("a" * 101, [1]),  # longer than max_input_chars_per_word: [UNK]
        ("a" * 100, [12363, *[10060] * 48, 1053]),  # aaa ##aa ... ##a
        ("hello[UNK]world [PAD]", [6595, 1, 1091, 0]),  # added tokens matched as written
        ("\x00\u200bhi\ufffd", [6635]),  # control and format characters dropped
        ("foo_bar", [28382, 38, 2350]),  # _ is punctuation to BERT (a word character to re)
        ("ΣΑΣ σας", [176, 13611, 28736, 176, 13611, 18582]),  # no final-sigma rule for Σ
        ("İstanbul", [8963]),  # İ's dot is a mark, stripped before lowercasing
        ("x\u3000y\u2028z", [63, 64, 65]),  # Unicode whitespace splits
        ("don't-stop!!", [1126, 8, 59, 14, 1647, 2, 2]),
        ("ab☃cd", [1]),  # a piece missing from the vocabulary: the whole word is [UNK]
        ("zzzzq\U000e0001", [65, 12216, 1483, 3163]),  # a tag character (Cf) dropped
    ],
)
def test_known_ids(wordpiece, text, ids):
    assert wordpiece.ids(text) == ids


def test_a_file_configuring_another_tokenizer_is_refused():
    config = json.loads((MODEL_DIR / "tokenizer.json").read_text(encoding="utf-8"))
    config["normalizer"]["lowercase"] = False  # a cased model: this module would lowercase
    with pytest.raises(TokenizerUnsupported, match="normalizer"):
        WordPiece(config)


def test_search_embeds_without_tokenizers_installed(tmp_path):
    """The shipped path never imports tokenizers (nor a hub client): block it, embed."""
    code = (
        "import sys; sys.modules['tokenizers'] = None; sys.modules['huggingface_hub'] = None\n"
        "from vault.search.embedding import embed\n"
        "v = embed(['sleep quality', 'how do I make text bold'])\n"
        "assert v.shape == (2, 128) and abs(float((v[0] * v[0]).sum()) - 1) < 1e-3, v\n"
        "print('ok')"
    )
    env = {"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


# ---- against tokenizers itself, where it is installed -------------------------------------


@pytest.fixture(scope="module")
def reference():
    tokenizers = pytest.importorskip("tokenizers")
    tokenizer = tokenizers.Tokenizer.from_file(str(MODEL_DIR / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


def _corpus_words() -> list[str]:
    """Every distinct word of the repository's corpora (the vendored vaults in several
    languages, the evaluation set, the example vault), cut as embedding cuts them and also
    as written (cased, with their punctuation)."""
    words: set[str] = set()
    for root in ("tests/fixtures", "tests/eval", "memory"):
        for path in (REPO / root).rglob("*"):
            if path.is_file() and path.suffix in (".md", ".json", ".txt"):
                text = path.read_bytes().decode("utf-8", "replace")
                words.update(_WORD.findall(text.lower()))
                words.update(text.split())
    return sorted(words)


def test_same_ids_as_tokenizers_on_every_word_of_the_corpora(wordpiece, reference):
    words = _corpus_words()
    assert len(words) > 5000
    expected = [e.ids for e in reference.encode_batch(words, add_special_tokens=False)]
    wrong = [(w, e) for w, e in zip(words, expected, strict=True) if wordpiece.ids(w) != e]
    assert wrong == []


_ODD = st.one_of(
    st.characters(exclude_categories=("Cs",)),
    st.sampled_from(list("ÀéİıΣςß日本語テキスト한국어ـ\u0301\u200b\t\n_-'[]#|\ufffd\x00")),
    # every character Rust calls whitespace (the normalizer makes each a space)
    st.sampled_from(
        list("\x0b\x0c\r\x85\xa0\u1680\u2000\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
    ),
    st.sampled_from(["[UNK]", "[PAD]", "[unk]", "##", "ing", "exo", "some", " "]),
)


@settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(_ODD, max_size=40).map("".join))
def test_same_ids_as_tokenizers_on_odd_text(wordpiece, reference, text):
    expected = reference.encode(text, add_special_tokens=False).ids
    assert wordpiece.ids(text) == expected, [hex(ord(c)) for c in text]
