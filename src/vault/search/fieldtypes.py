"""The Whoosh analyzer, field type and posting format of this index's text fields (see
vault.search.analysis).

`LanguageAnalyzer` is a plain class Whoosh calls as an analyzer (for queries and "more like
this"). `LanguageText`, a Whoosh TEXT field that indexes through vault.search.analysis in one
pass (Whoosh's filter chain costs three times as much), and `CompactPositions`, the format of
its postings, subclass Whoosh classes, and Whoosh may only be imported when it is needed: so
they are defined on first access to this module's attributes (PEP 562 `__getattr__`).
Opening an index unpickles its schema, which finds the classes here by name the same way.
"""

from __future__ import annotations

import functools

from vault.search.analysis import CJK, Analysis, Analyzed


@functools.cache
def analysis(lang: str) -> Analysis:
    """The one Analysis of a language in this process (its stem cache is shared)."""
    return Analysis(lang)


class LanguageAnalyzer:
    """A Whoosh analyzer for one language: yields Whoosh tokens of vault's terms."""

    def __init__(self, lang: str):
        self.lang = lang

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        from whoosh.analysis import Token

        from vault.search.analysis import normalize

        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            # Fuzzy terms, wildcards and prefixes: the text as one term.
            token.text = analysis(self.lang).whole(value)
            token.boost, token.stopped = 1.0, False
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        terms = analysis(self.lang).tokens(normalize(value), index=mode == "index")
        for term, pos, start, end in terms:
            token.text = term
            token.boost, token.stopped = 1.0, False
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token

    def has_morph(self) -> bool:
        return self.lang != CJK

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.lang == self.lang

    def __hash__(self) -> int:
        return hash(self.lang)

    def __repr__(self) -> str:
        return f"LanguageAnalyzer({self.lang!r})"


# The postings of a word seen once (the most common kind), for positions up to 65,535:
# 65,536 small bytes objects, made (15 ms) by a full build, where encoding each costs a
# microsecond; an update of a few notes encodes them one by one.
_SINGLE: list[bytes] | None = None


def prepare_build() -> None:
    """Make the table of one-position postings (the build's workers share it)."""
    global _SINGLE
    if _SINGLE is None:
        table = [b"B" + bytes([p]) for p in range(256)]
        table += [b"H" + p.to_bytes(2, "little") for p in range(256, 65536)]
        _SINGLE = table


def __getattr__(name: str):
    if name in ("LanguageText", "CompactPositions"):
        _define()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _define() -> None:
    import sys
    from array import array
    from itertools import accumulate
    from operator import sub

    from whoosh import fields, formats

    swap = sys.byteorder == "big"  # stored little-endian, whatever the machine

    class CompactPositions(formats.Positions):
        """Positions as one type code and an array of deltas: 1 + n bytes for most postings,
        where Whoosh's Positions pickles a list after a 4-byte count (12 + 2n). Postings are
        most of the index, and positions most of a posting."""

        def encode(self, poslist):
            if len(poslist) == 1 and _SINGLE is not None and poslist[0] < 65536:
                return _SINGLE[poslist[0]]
            if len(poslist) == 1:
                deltas = poslist
            else:
                deltas = [poslist[0], *map(sub, poslist[1:], poslist)]
            top = max(deltas)
            if top < 256:
                return b"B" + bytes(deltas)
            code = "H" if top < 65536 else "I"
            values = array(code, deltas)
            if swap:
                values.byteswap()
            return code.encode("ascii") + values.tobytes()

        def _deltas(self, valuestring):
            values = array(chr(valuestring[0]))
            values.frombytes(valuestring[1:])
            if swap:
                values.byteswap()
            return values

        def decode_positions(self, valuestring):
            return list(accumulate(self._deltas(valuestring)))

        def decode_frequency(self, valuestring):
            return (len(valuestring) - 1) // array(chr(valuestring[0])).itemsize

        def decode_weight(self, valuestring):
            return self.decode_frequency(valuestring) * self.field_boost

    class LanguageText(fields.TEXT):
        """TEXT in one language: positions (for phrases and CJK words), one pass to index."""

        def __init__(self, lang: str, field_boost: float = 1.0):
            super().__init__(
                analyzer=LanguageAnalyzer(lang),
                phrase=True,
                field_boost=field_boost,
                # A query word that is several terms (a CJK word: its bigrams) is a phrase.
                multitoken_query="phrase",
            )
            self.format = CompactPositions(field_boost=field_boost)
            self.lang = lang

        def index(self, value, **kwargs):
            boost = self.format.field_boost
            encode = self.format.encode
            if isinstance(value, Analyzed):
                terms = value.positions
            else:
                terms = analysis(self.lang).positions(value)
            for term, poslist in terms.items():
                n = len(poslist)
                yield term.encode("utf-8"), n, n * boost, encode(poslist)

    for cls in (CompactPositions, LanguageText):
        cls.__module__ = __name__
        cls.__qualname__ = cls.__name__
        globals()[cls.__name__] = cls
