"""BERT's WordPiece tokenizer in plain Python, read from the shipped tokenizer.json: the same
token ids as the `tokenizers` library gives for that file, without installing it (it brings
a model hub's client, and vault never downloads anything).

Only what the shipped file configures is done, in its order (tokenizers' BertNormalizer,
BertPreTokenizer and WordPiece model; the file is checked to configure exactly those):

1. the added tokens ([PAD], [UNK]) are cut out of the raw text first, matched as written;
2. normalizer: control, format and private-use characters (except tab, newline and return)
   and U+FFFD dropped, Unicode whitespace made a space; each CJK ideograph set
   apart by spaces; accents stripped (NFD, then non-spacing marks dropped); lowercased one
   character at a time (as Rust's char::to_lowercase does: no final-sigma rule);
3. pre-tokenizer: split on whitespace, and each punctuation character (ASCII punctuation
   or Unicode category P*) stands alone;
4. WordPiece: greedy longest match first, continuations prefixed `##`; a word longer than
   max_input_chars_per_word characters, or with a piece not in the vocabulary, is [UNK].

Which characters are control, punctuation or non-spacing marks is not Python's unicodedata's
answer (Unicode 14 on Python 3.11, newer on later ones) but the tables tokenizers itself asks:
the `unicode_categories` crate 0.1.1's (an older Unicode; unassigned characters are not
"other" there), copied at the end of this module. NFD and lowercasing are Python's.

Embedding asks for each distinct word once per process (search/embedding.py), so speed per
word matters less than it seems; ASCII letters and digits take a short path all the same.
tests/test_semantic_wordpiece.py compares the ids with `tokenizers` when it is installed.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from vault.errors import VaultError


class TokenizerUnsupported(VaultError):
    """The tokenizer file configures something this WordPiece does not do."""


# Rust's char::is_whitespace (the Unicode White_Space property), which the normalizer and
# the pre-tokenizer use; Python's str.isspace() differs (U+001C-U+001F, for one).
_WHITESPACE = frozenset(
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# The CJK blocks BERT sets apart character by character (tokenizers' is_chinese_char).
_CJK = (
    (0x4E00, 0x9FFF),
    (0x3400, 0x4DBF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2B73F),
    (0x2B740, 0x2B81F),
    (0x2B920, 0x2CEAF),
    (0xF900, 0xFAFF),
    (0x2F800, 0x2FA1F),
)
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_PLAIN = re.compile(r"[a-z0-9]+")


def _is_cjk(code: int) -> bool:
    return any(low <= code <= high for low, high in _CJK)


def _normalize_char(c: str) -> str:
    """What BERT's normalizer makes of one character (before stripping accents)."""
    if c in "\t\n\r":
        return " "
    code = ord(c)
    if code == 0xFFFD or code in _CONTROL_FORMAT or _is_private_use(code):
        return ""
    if c in _WHITESPACE:
        return " "
    if code >= 0x3400 and _is_cjk(code):
        return f" {c} "
    return c


def _is_private_use(code: int) -> bool:
    return 0xE000 <= code <= 0xF8FF or 0xF0000 <= code <= 0xFFFFD or 0x100000 <= code <= 0x10FFFD


def _is_punctuation(c: str) -> bool:
    return c in _ASCII_PUNCTUATION or ord(c) in _PUNCTUATION


def normalize(text: str) -> str:
    """BERT's normalizer, as the shipped file configures it (see the module's docstring)."""
    if text.isascii() and text.isprintable():
        return text.lower()  # nothing to drop, set apart or strip
    text = "".join(map(_normalize_char, text))
    text = "".join(c for c in unicodedata.normalize("NFD", text) if ord(c) not in _NONSPACING)
    if "\u03a3" in text:  # Python lowercases a final capital sigma to ς; Rust to σ
        return "".join(c.lower() for c in text)
    return text.lower()


def pre_tokenize(normalized: str) -> list[str]:
    """Whitespace splits; each punctuation character is a word of its own."""
    words: list[str] = []
    for chunk in normalized.split(" ") if normalized.isascii() else _split_space(normalized):
        if not chunk:
            continue
        if chunk.isalnum() and chunk.isascii():
            words.append(chunk)
            continue
        start = 0
        for i, c in enumerate(chunk):
            if _is_punctuation(c):
                if start < i:
                    words.append(chunk[start:i])
                words.append(c)
                start = i + 1
        if start < len(chunk):
            words.append(chunk[start:])
    return words


def _split_space(text: str) -> list[str]:
    # After the normalizer no whitespace but the space is left, save what lowercasing or
    # decomposing could make; split on all of it as the pre-tokenizer does.
    return "".join(" " if c in _WHITESPACE else c for c in text).split(" ")


class WordPiece:
    """A WordPiece tokenizer: ids(text) is what tokenizers' encode(text,
    add_special_tokens=False).ids gives for the same tokenizer.json (no truncation)."""

    def __init__(self, config: dict) -> None:
        _check(config)
        model = config["model"]
        self.vocab: dict[str, int] = model["vocab"]
        self.prefix: str = model["continuing_subword_prefix"]
        self.max_chars: int = model["max_input_chars_per_word"]
        self.unk: int = self.vocab[model["unk_token"]]
        # No piece is longer than this: the greedy match never tries a longer substring.
        self.longest = max(map(len, self.vocab))
        added = sorted((t["content"] for t in config.get("added_tokens", [])), key=len)
        self.added = {t["content"]: t["id"] for t in config.get("added_tokens", [])}
        # Longest first, as tokenizers' matcher prefers the longest at one place.
        self._added = re.compile("|".join(re.escape(t) for t in reversed(added))) if added else None

    @classmethod
    def from_file(cls, path: Path) -> WordPiece:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    def token_to_id(self, token: str) -> int | None:
        return self.vocab.get(token)

    def ids(self, text: str) -> list[int]:
        """The token ids of a text (no special tokens added, no truncation)."""
        if self._added is None or not self._added.search(text):
            return self._ids(text)
        out: list[int] = []
        start = 0
        for match in self._added.finditer(text):
            out += self._ids(text[start : match.start()])
            out.append(self.added[match.group()])
            start = match.end()
        out += self._ids(text[start:])
        return out

    def _ids(self, text: str) -> list[int]:
        if text.isascii() and _PLAIN.fullmatch(text):
            return self.word(text)  # one lowercase word: nothing to normalize or split
        out: list[int] = []
        for word in pre_tokenize(normalize(text)):
            out += self.word(word)
        return out

    def word(self, word: str) -> list[int]:
        """Greedy longest-match-first WordPiece of one pre-tokenized word."""
        if len(word) > self.max_chars:
            return [self.unk]
        vocab = self.vocab
        whole = vocab.get(word)
        if whole is not None:
            return [whole]
        out: list[int] = []
        start = 0
        n = len(word)
        while start < n:
            end = min(n, start + self.longest)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else self.prefix + word[start:end]
                found = vocab.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return [self.unk]
            out.append(found)
            start = end
        return out


def _check(config: dict) -> None:
    """Refuse a file configuring anything but what this module does, rather than give
    other ids than tokenizers would."""
    normalizer = config.get("normalizer") or {}
    model = config.get("model") or {}
    expected = {
        "normalizer": normalizer.get("type") == "BertNormalizer"
        and normalizer.get("clean_text") is True
        and normalizer.get("handle_chinese_chars") is True
        and normalizer.get("strip_accents") in (None, True)
        and normalizer.get("lowercase") is True,
        "pre_tokenizer": (config.get("pre_tokenizer") or {}).get("type") == "BertPreTokenizer",
        "model": model.get("type") == "WordPiece"
        and model.get("unk_token") in model.get("vocab", {}),
        "added_tokens": all(
            not t.get("normalized")
            and not t.get("single_word")
            and not t.get("lstrip")
            and not t.get("rstrip")
            for t in config.get("added_tokens", [])
        ),
    }
    wrong = [name for name, ok in expected.items() if not ok]
    if wrong:
        raise TokenizerUnsupported(
            f"the tokenizer file configures a {', '.join(wrong)} this WordPiece does not "
            "implement; ship a BERT WordPiece tokenizer.json"
        )


def _code_points(ranges: str) -> frozenset[int]:
    points: set[int] = set()
    for item in ranges.split():
        low, _, high = item.partition("-")
        points.update(range(int(low, 16), int(high or low, 16) + 1))
    return frozenset(points)


# The unicode_categories crate's tables, version 0.1.1 (github.com/swgillespie/unicode-categories,
# src/tables.rs at 92bb246; the crate is MIT OR Apache-2.0, its tables generated from the
# Unicode Character Database's UnicodeData.txt), as hexadecimal code points and ranges: what
# tokenizers' BERT normalizer and pre-tokenizer call control and format (is_other, less its
# private-use ranges above), punctuation (is_punctuation) and non-spacing marks
# (is_mark_nonspacing).
_CONTROL_FORMAT = _code_points(
    "0-1f 7f-9f ad 600-605 61c 6dd 70f 180e 200b-200f 202a-202e 2060-2064 2066-206f feff "
    "fff9-fffb 110bd 1bca0-1bca3 1d173-1d17a e0001 e0020-e007f "
)
_PUNCTUATION = _code_points(
    "21-23 25-2a 2c-2f 3a-3b 3f-40 5b-5d 5f 7b 7d a1 a7 ab b6-b7 bb bf 37e 387 55a-55f 589-58a "
    "5be 5c0 5c3 5c6 5f3-5f4 609-60a 60c-60d 61b 61e-61f 66a-66d 6d4 700-70d 7f7-7f9 830-83e "
    "85e 964-965 970 af0 df4 e4f e5a-e5b f04-f12 f14 f3a-f3d f85 fd0-fd4 fd9-fda 104a-104f 10fb "
    "1360-1368 1400 166d-166e 169b-169c 16eb-16ed 1735-1736 17d4-17d6 17d8-17da 1800-180a "
    "1944-1945 1a1e-1a1f 1aa0-1aa6 1aa8-1aad 1b5a-1b60 1bfc-1bff 1c3b-1c3f 1c7e-1c7f 1cc0-1cc7 "
    "1cd3 2010-2027 2030-2043 2045-2051 2053-205e 207d-207e 208d-208e 2308-230b 2329-232a "
    "2768-2775 27c5-27c6 27e6-27ef 2983-2998 29d8-29db 29fc-29fd 2cf9-2cfc 2cfe-2cff 2d70 "
    "2e00-2e2e 2e30-2e42 3001-3003 3008-3011 3014-301f 3030 303d 30a0 30fb a4fe-a4ff a60d-a60f "
    "a673 a67e a6f2-a6f7 a874-a877 a8ce-a8cf a8f8-a8fa a8fc a92e-a92f a95f a9c1-a9cd a9de-a9df "
    "aa5c-aa5f aade-aadf aaf0-aaf1 abeb fd3e-fd3f fe10-fe19 fe30-fe52 fe54-fe61 fe63 fe68 "
    "fe6a-fe6b ff01-ff03 ff05-ff0a ff0c-ff0f ff1a-ff1b ff1f-ff20 ff3b-ff3d ff3f ff5b ff5d "
    "ff5f-ff65 10100-10102 1039f 103d0 1056f 10857 1091f 1093f 10a50-10a58 10a7f 10af0-10af6 "
    "10b39-10b3f 10b99-10b9c 11047-1104d 110bb-110bc 110be-110c1 11140-11143 11174-11175 "
    "111c5-111c9 111cd 111db 111dd-111df 11238-1123d 112a9 114c6 115c1-115d7 11641-11643 "
    "1173c-1173e 12470-12474 16a6e-16a6f 16af5 16b37-16b3b 16b44 1bc9f 1da87-1da8b "
)
_NONSPACING = _code_points(
    "300-36f 483-487 591-5bd 5bf 5c1-5c2 5c4-5c5 5c7 610-61a 64b-65f 670 6d6-6dc 6df-6e4 "
    "6e7-6e8 6ea-6ed 711 730-74a 7a6-7b0 7eb-7f3 816-819 81b-823 825-827 829-82d 859-85b "
    "8e3-902 93a 93c 941-948 94d 951-957 962-963 981 9bc 9c1-9c4 9cd 9e2-9e3 a01-a02 a3c "
    "a41-a42 a47-a48 a4b-a4d a51 a70-a71 a75 a81-a82 abc ac1-ac5 ac7-ac8 acd ae2-ae3 b01 b3c "
    "b3f b41-b44 b4d b56 b62-b63 b82 bc0 bcd c00 c3e-c40 c46-c48 c4a-c4d c55-c56 c62-c63 c81 "
    "cbc cbf cc6 ccc-ccd ce2-ce3 d01 d41-d44 d4d d62-d63 dca dd2-dd4 dd6 e31 e34-e3a e47-e4e "
    "eb1 eb4-eb9 ebb-ebc ec8-ecd f18-f19 f35 f37 f39 f71-f7e f80-f84 f86-f87 f8d-f97 f99-fbc "
    "fc6 102d-1030 1032-1037 1039-103a 103d-103e 1058-1059 105e-1060 1071-1074 1082 1085-1086 "
    "108d 109d 135d-135f 1712-1714 1732-1734 1752-1753 1772-1773 17b4-17b5 17b7-17bd 17c6 "
    "17c9-17d3 17dd 180b-180d 18a9 1920-1922 1927-1928 1932 1939-193b 1a17-1a18 1a1b 1a56 "
    "1a58-1a5e 1a60 1a62 1a65-1a6c 1a73-1a7c 1a7f 1ab0-1abd 1b00-1b03 1b34 1b36-1b3a 1b3c 1b42 "
    "1b6b-1b73 1b80-1b81 1ba2-1ba5 1ba8-1ba9 1bab-1bad 1be6 1be8-1be9 1bed 1bef-1bf1 1c2c-1c33 "
    "1c36-1c37 1cd0-1cd2 1cd4-1ce0 1ce2-1ce8 1ced 1cf4 1cf8-1cf9 1dc0-1df5 1dfc-1dff 20d0-20dc "
    "20e1 20e5-20f0 2cef-2cf1 2d7f 2de0-2dff 302a-302d 3099-309a a66f a674-a67d a69e-a69f "
    "a6f0-a6f1 a802 a806 a80b a825-a826 a8c4 a8e0-a8f1 a926-a92d a947-a951 a980-a982 a9b3 "
    "a9b6-a9b9 a9bc a9e5 aa29-aa2e aa31-aa32 aa35-aa36 aa43 aa4c aa7c aab0 aab2-aab4 aab7-aab8 "
    "aabe-aabf aac1 aaec-aaed aaf6 abe5 abe8 abed fb1e fe00-fe0f fe20-fe2f 101fd 102e0 "
    "10376-1037a 10a01-10a03 10a05-10a06 10a0c-10a0f 10a38-10a3a 10a3f 10ae5-10ae6 11001 "
    "11038-11046 1107f-11081 110b3-110b6 110b9-110ba 11100-11102 11127-1112b 1112d-11134 11173 "
    "11180-11181 111b6-111be 111ca-111cc 1122f-11231 11234 11236-11237 112df 112e3-112ea "
    "11300-11301 1133c 11340 11366-1136c 11370-11374 114b3-114b8 114ba 114bf-114c0 114c2-114c3 "
    "115b2-115b5 115bc-115bd 115bf-115c0 115dc-115dd 11633-1163a 1163d 1163f-11640 116ab 116ad "
    "116b0-116b5 116b7 1171d-1171f 11722-11725 11727-1172b 16af0-16af4 16b30-16b36 16f8f-16f92 "
    "1bc9d-1bc9e 1d167-1d169 1d17b-1d182 1d185-1d18b 1d1aa-1d1ad 1d242-1d244 1da00-1da36 "
    "1da3b-1da6c 1da75 1da84 1da9b-1da9f 1daa1-1daaf 1e8d0-1e8d6 e0100-e01ef "
)
