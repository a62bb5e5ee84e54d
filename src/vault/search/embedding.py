"""Texts to vectors with the static model shipped in vault.search.model: no download, no
torch, ever.

The model (all-MiniLM-L6-v2 distilled by model2vec; its provenance and licence lie beside
it, scripts/distill_model.py rebuilds it) is a table of one vector per token of MiniLM's
vocabulary. A text's vector is the mean of its tokens' rows, scaled to unit length, as
model2vec's StaticModel.encode computes it; so a dot product of two vectors is their cosine.
Only the tokenizer (search/wordpiece.py: BERT's WordPiece in plain Python, reading the
shipped tokenizer.json) and numpy run.

numpy is imported inside the functions that use it, so importing this module is cheap.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from vault.errors import VaultError

if TYPE_CHECKING:
    import numpy as np

MODEL_DIR = Path(__file__).with_name("model")
# Tokens of a text the model reads (model2vec's default): a chunk is shorter.
MAX_TOKENS = 512
# Distinct words whose token ids a process keeps (about 25 MB; a 10,000-note vault has 83,000).
MAX_WORDS = 200_000
# Texts whose new words are tokenized at once.
BATCH = 512


class ModelMissing(VaultError):
    """The shipped model files cannot be read (a broken install)."""


@functools.cache
def provenance() -> dict:
    """What the model is and where it comes from (model/provenance.json)."""
    return json.loads((MODEL_DIR / "provenance.json").read_text(encoding="utf-8"))


def model_id() -> str:
    """Names this model's vectors: vectors made by another model are never compared."""
    return provenance()["embeddings_sha256"][:16]


@functools.cache
def _model():
    import numpy as np

    from vault.search.wordpiece import WordPiece

    try:
        # Mapped, not read: a query needs the rows of its few tokens only.
        table = np.load(MODEL_DIR / "embeddings.npy", mmap_mode="r", allow_pickle=False)
        tokenizer = WordPiece.from_file(MODEL_DIR / "tokenizer.json")
    except Exception as exc:  # any failure to read the shipped files: a broken install
        raise ModelMissing(
            f"the search model in {MODEL_DIR} cannot be read ({type(exc).__name__}); "
            "reinstall vault"
        ) from exc
    return tokenizer, table, tokenizer.unk


@functools.cache
def _table32():
    """The whole table as float32, for embedding many texts (summing float16 rows is slow)."""
    import numpy as np

    return np.asarray(_model()[1], dtype=np.float32)


# Texts from which the whole table is worth converting at once (a query is one text).
MANY = 64


def load() -> None:
    """Read the model now (before forking workers that share it)."""
    _model()
    _table32()


def dims() -> int:
    return int(provenance()["dims"])


class _Words:
    """Each word's token ids, asked of the tokenizer once per process: a text is cut into
    words by a regular expression (what BERT's pre-tokenizer does: runs of letters and
    digits, and each other sign alone), and only the words not seen yet are tokenized. Words
    repeat so much that this is several times faster than tokenizing every text whole.

    Bounded, for a long-running server whose vaults' vocabulary keeps growing: past
    MAX_WORDS, only the words of the texts being embedded are kept (the ones in use; the
    others are tokenized again when they come back), which costs one pass over them rather
    than an LRU's bookkeeping on every word."""

    def __init__(self) -> None:
        import numpy as np

        self.index: dict[str, int] = {}
        # Word k's tokens are flat[start[k] : start[k] + length[k]] (unknown tokens left out).
        self.flat = np.zeros(0, dtype=np.int64)
        self.start = np.zeros(0, dtype=np.int64)
        self.length = np.zeros(0, dtype=np.int64)

    def learn(self, words: list[str], tokenizer, unk) -> None:
        import numpy as np

        new = [w for w in dict.fromkeys(words) if w not in self.index]
        if not new:
            return
        if len(self.index) + len(new) > MAX_WORDS:
            self._keep_only(words)
        # Cut at MAX_TOKENS before unknown tokens are left out, as a truncating tokenizer would.
        ids = [[i for i in tokenizer.ids(w)[:MAX_TOKENS] if i != unk] for w in new]
        lengths = np.fromiter(map(len, ids), np.int64, len(ids))
        starts = len(self.flat) + np.concatenate(([0], np.cumsum(lengths)[:-1]))
        flat = np.fromiter((i for row in ids for i in row), np.int64, int(lengths.sum()))
        base = len(self.index)
        self.index.update((w, base + k) for k, w in enumerate(new))
        self.flat = np.concatenate((self.flat, flat))
        self.start = np.concatenate((self.start, starts))
        self.length = np.concatenate((self.length, lengths))

    def _keep_only(self, words: list[str]) -> None:
        """Forget every word but these (those already known stay known)."""
        import numpy as np

        keep = [w for w in dict.fromkeys(words) if w in self.index]
        numbers = np.fromiter((self.index[w] for w in keep), np.int64, len(keep))
        self.flat = self.tokens(numbers)
        self.length = self.length[numbers]
        self.start = np.cumsum(self.length) - self.length
        self.index = {w: k for k, w in enumerate(keep)}

    def tokens(self, words) -> np.ndarray:
        """The token ids of these word numbers, in order."""
        import numpy as np

        lengths = self.length[words]
        total = int(lengths.sum())
        ends = np.cumsum(lengths)
        offsets = np.arange(total) - np.repeat(ends - lengths, lengths)
        return self.flat[np.repeat(self.start[words], lengths) + offsets]


_WORD = re.compile(r"\w+|[^\w\s]")


@functools.cache
def _words() -> _Words:
    return _Words()


def embed(texts: list[str]) -> np.ndarray:
    """One unit-length float32 vector per text (a text with no known token: zeros)."""
    import numpy as np

    tokenizer, table, unk = _model()
    if len(texts) >= MANY:
        table = _table32()
    words = _words()
    out = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
    for first in range(0, len(texts), BATCH):
        split = [_WORD.findall(text.lower()) for text in texts[first : first + BATCH]]
        flat = [w for ws in split for w in ws]
        words.learn(flat, tokenizer, unk)
        index = words.index
        numbers = np.fromiter((index[w] for w in flat), np.int64, len(flat))
        tokens = words.tokens(numbers)  # of the whole batch, text after text
        # Where each text's tokens end in `tokens`, and so where the next one's start.
        ends = np.concatenate(([0], np.cumsum(words.length[numbers])))[
            np.cumsum(np.fromiter(map(len, split), np.int64, len(split)))
        ]
        starts = np.concatenate(([0], ends[:-1]))
        # One text's rows at a time: they stay in cache, and a sum over the first axis of
        # one block is several times faster than numpy's reduceat over a batch's blocks.
        for at, (start, end) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True), first):
            end = min(end, start + MAX_TOKENS)  # as a truncating tokenizer would
            if end > start:
                out[at] = table[tokens[start:end]].sum(axis=0, dtype=np.float32) / (end - start)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out
