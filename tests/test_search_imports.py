"""What a warm `vault search` without a server imports: each module is paid for by every
search (issue 19's targets are whole-process times), so this list grows only on purpose."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import GIT_ENV

# Every vault module a plain search may import (the search family, the catalog, Markdown for
# the snippets, the vault's kind for them: vault.resolve).
SEARCH_PATH = {
    "vault", "vault.__main__", "vault.atomic", "vault.config", "vault.errors", "vault.filters",
    "vault.headers", "vault.intents", "vault.links", "vault.locate", "vault.model",
    "vault.model.notes", "vault.model.search", "vault.notes", "vault.options",
    "vault.problem_kinds", "vault.repository", "vault.text", "vault.vault", "vault.walk_ahead",
    "vault.catalog", "vault.catalog.cache", "vault.catalog.derived", "vault.catalog.facade",
    "vault.catalog.loader", "vault.catalog.records", "vault.catalog.rows",
    "vault.catalog.states", "vault.catalog.update", "vault.cli", "vault.cli.common",
    "vault.cli.search", "vault.derived", "vault.derived.freshness", "vault.markdown",
    "vault.markdown.blocks", "vault.markdown.clip", "vault.markdown.text", "vault.render",
    "vault.render.stderr", "vault.render.terminal", "vault.render.text", "vault.render.words",
    "vault.resolve", "vault.resolve.attachments", "vault.resolve.kind", "vault.resolve.tables",
    "vault.resolve.typed", "vault.resolve.written", "vault.search", "vault.search.analysis",
    "vault.search.build", "vault.search.documents", "vault.search.fieldtypes",
    "vault.search.freetext", "vault.search.imports", "vault.search.index",
    "vault.search.manifest", "vault.search.merging", "vault.search.query",
    "vault.search.schema", "vault.search.search", "vault.search.searchers",
    "vault.search.snippets", "vault.search.texts", "vault.serve", "vault.serve.client",
}  # fmt: skip
# And in a git work tree, the git family's own modules (GitPython itself stays unimported).
IN_GIT = {
    "vault.git", "vault.git.dates", "vault.git.gitpython", "vault.git.messages",
    "vault.git.repo", "vault.git.trust", "vault.git.worktree", "vault.locks",
    "vault.conflict_files",
}  # fmt: skip
# Never on a keyword search's path: other families, the vectors, what Whoosh pulls in for
# nothing (vault.search.imports), the network and the standard library's archives.
NOT_ON_THE_SEARCH_PATH = {
    "git", "networkx", "numpy", "mcp", "urllib.request", "asyncio", "html", "email",
    "http", "ssl", "socket", "whoosh.lang.morph_en", "vault.search.vectors",
    "vault.search.embedding", "vault.graph", "vault.mv", "vault.serve.resident",
}  # fmt: skip


def modules_of_a_search(root, tmp_path) -> set[str]:
    listing = tmp_path / "modules.txt"
    argv = ["--vault", str(root), "search", "exosome"]
    probe = (
        "import atexit, sys\n"
        f"atexit.register(lambda: open({str(listing)!r}, 'w').write('\\n'.join(sys.modules)))\n"
        f"sys.argv = ['vault', *{argv!r}]\n"
        "from vault.__main__ import main\nmain()\n"
    )
    env = {**os.environ, **GIT_ENV, "VAULT_NO_SERVER": "1"}
    for _ in range(2):  # the second one warm, as measured
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, env=env)
        assert done.returncode == 0 and b"exosome" in done.stdout.lower(), done.stderr
    return set(listing.read_text(encoding="utf-8").split("\n"))


@pytest.mark.parametrize("fixture", ["vault_copy", "git_vault"])
def test_a_search_imports_only_what_it_needs(request, tmp_path, fixture):
    modules = modules_of_a_search(request.getfixturevalue(fixture), tmp_path)
    ours = {m for m in modules if m.split(".")[0] == "vault"}
    assert ours - SEARCH_PATH - (IN_GIT if fixture == "git_vault" else set()) == set()
    assert "vault.search.snippets" in ours
    assert modules & NOT_ON_THE_SEARCH_PATH == set()
