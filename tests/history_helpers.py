"""Shared by the mv, log, sync and concurrency tests: file trees and a vault with every link
form."""

from __future__ import annotations

from pathlib import Path

from conftest import git, init_repo
from conftest import snapshot as tree  # noqa: F401  (re-exported for the mv tests)


def status(root: Path) -> str:
    """`git status --porcelain` (untracked files listed one by one)."""
    return git(root, "status", "--porcelain", "--untracked-files=all")


# Every way a note can point at memory/hub/target.md. The name "target" also appears in
# links that resolve elsewhere or nowhere, and in code: those must not change.
FORMS_VAULT = {
    "memory/hub/target.md": (
        "# Target\n"
        "\n"
        "Date: 2026-01-01\n"
        "Type: Research Hub\n"
        "\n"
        "See the [sibling](sibling.md), the [sibling again](sibling.md#part),\n"
        "a [root link](memory/a/plain.md), a ![picture](img/pic.png) and [[sibling]].\n"
        "A [self link](#top), a [web page](https://example.com/target.md) and [[target]].\n"
    ),
    "memory/hub/sibling.md": (
        "# Sibling\n\nType: Note\nParent: target.md\n\nBack to [the hub](target.md#trends).\n"
    ),
    "memory/hub/img/pic.png": "not really a png\n",
    "memory/a/plain.md": (
        "# Plain links\n"
        "\n"
        "A relative [t](../hub/target.md), with anchor [t](../hub/target.md#trends),\n"
        "no extension [t](../hub/target), angle [t](<../hub/target.md>), titled\n"
        '[t](../hub/target.md "The hub"), root [t](memory/hub/target.md), notes-relative\n'
        "[t](hub/target.md), site-rooted [t](/hub/target) and [t](/memory/hub/target.md).\n"
        "Nested [see [this] one](../hub/target.md) and a dangling [t](target.md).\n"
        "\n"
        "[ref]: ../hub/target.md#trends\n"
        "\n"
        "Inline `[t](../hub/target.md)` code and:\n"
        "\n"
        "```\n"
        "[t](../hub/target.md) [[target]]\n"
        "```\n"
    ),
    "memory/a/wiki.md": (
        "---\n"
        "title: Wiki links\n"
        "parent: '[[target]]'\n"
        "tags: [x]\n"
        "---\n"
        "\n"
        "Stem [[target]], alias [[target|The Hub]], heading [[target#Trends|trends]],\n"
        "embed ![[target]], path [[hub/target]], root path [[memory/hub/target]],\n"
        "with extension [[target.md]], spaced [[ target ]].\n"
        "\n"
        "| col | link |\n"
        "| --- | --- |\n"
        "| a | [[target\\|in a table]] |\n"
    ),
    "memory/a/header-parent.md": (
        "# Header parent\n\nDate: 2026-01-02\nParent: memory/hub/target.md\n\nBody [[sibling]].\n"
    ),
    "memory/a/bold-parent.md": (
        "# Bold parent\n\n**Parent:** [[target]]\n**Type:** Note\n\nBody.\n"
    ),
    "memory/a/relative-parent.md": "# Relative parent\n\nParent: ../hub/target.md\n\nBody.\n",
    "memory/a/yaml-up.md": (
        "---\n"
        "title: Yaml up\n"
        "# a comment that mentions memory/hub/target.md stays\n"
        "up: memory/hub/target.md\n"
        "extra:   {keep: 'this spacing'}\n"
        "---\n"
        "Text.\n"
    ),
    "memory/a/crlf.md": (
        "# CRLF\r\n\r\nParent: memory/hub/target.md\r\n\r\nA [link](../hub/target.md).\r\n"
    ),
    "memory/a/unrelated.md": (
        "# Unrelated\n\nThe word target, a [[missing-target]] and [x](../hub/targets.md).\n"
    ),
}


def write_forms_vault(root: Path, commit: bool = True) -> Path:
    for rel, text in FORMS_VAULT.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    if commit:
        init_repo(root)
    return root
