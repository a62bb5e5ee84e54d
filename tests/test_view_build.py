"""The committed graph view page is built from the committed `view/` sources.

`view/build.mjs` writes into `src/vault/assets/graph_view.html` a hash of the files it is
built from (`<meta name="vault-view-source" content="sha256:...">`); this test recomputes it
from `view/` and fails when one was edited without rebuilding the page. Node is not needed:
the hash is plain SHA-256, computed here the same way (view/README.md states the rule).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from conftest import PROJECT

VIEW = PROJECT / "view"
PAGE = PROJECT / "src" / "vault" / "assets" / "graph_view.html"
META = re.compile(r'<meta name="vault-view-source" content="(sha256:[0-9a-f]{64})">')


def source_files(view: Path) -> list[str]:
    """Paths relative to `view/` ("/"-separated) of the files the page is built from."""
    files = ["package-lock.json", "build.mjs"]
    files += [p.relative_to(view).as_posix() for p in (view / "src").rglob("*") if p.is_file()]
    return sorted(files, key=lambda rel: rel.encode("utf-8"))


def source_hash(view: Path) -> str:
    """Per file, in path order: path, newline, size in bytes, newline, the bytes."""
    digest = hashlib.sha256()
    for rel in source_files(view):
        data = (view / rel).read_bytes()
        digest.update(f"{rel}\n{len(data)}\n".encode())
        digest.update(data)
    return f"sha256:{digest.hexdigest()}"


def page_hash(page: Path) -> str:
    found = META.findall(page.read_text(encoding="utf-8"))
    assert len(found) == 1, f"{page} has {len(found)} vault-view-source <meta> tags, wants one"
    return found[0]


@pytest.mark.skipif(not VIEW.is_dir(), reason="view/ is not here (an installed package)")
def test_built_page_matches_view_sources() -> None:
    assert page_hash(PAGE) == source_hash(VIEW), (
        "src/vault/assets/graph_view.html was not built from the view/ sources as they are: "
        "run `make view` (cd view && npm ci && npm run build) and commit the page"
    )


def test_hash_covers_every_source_file(tmp_path: Path) -> None:
    """One byte changed, or a file added, anywhere under src/ changes the hash."""
    view = tmp_path / "view"
    (view / "src" / "sub").mkdir(parents=True)
    (view / "package-lock.json").write_text("{}\n")
    (view / "build.mjs").write_text("// build\n")
    (view / "src" / "main.js").write_text("console.log(1);\n")
    before = source_hash(view)
    (view / "src" / "main.js").write_text("console.log(2);\n")
    edited = source_hash(view)
    (view / "src" / "sub" / "new.js").write_text("")
    added = source_hash(view)
    assert len({before, edited, added}) == 3
