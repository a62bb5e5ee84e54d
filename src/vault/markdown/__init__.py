"""Markdown read once, for every part of vault that reads it: the block structure
(`vault.markdown.blocks`: headings, code, comments, the metadata block), Markdown as plain text
(`vault.markdown.text`: titles, labels, every snippet, `context`, and the one rule for "the first
line is the title") and the one word-boundary clipper (`vault.markdown.clip`).

Standard library only. Block structure is scanned here rather than with markdown-it-py (what
the web app renders with) on measurement: at 10,000 notes (bench/gen_vault.py --realistic),
scanning every note's blocks took 1.0 s with this scanner and 38 s with markdown-it-py's
block parser alone (inline rules off); the cold `vault index` of the same vault takes
about 28 s on a loaded machine, so markdown-it-py would have made it more than twice as
slow, far past the 10% allowed. The scanner follows CommonMark for what vault needs (ATX and
setext headings, fences of any length with CommonMark's closing rule, indented code, HTML
and Obsidian comment blocks) and the table-driven tests/test_markdown.py holds it to
CommonMark's spec examples for those.

This package's __init__ imports nothing: vault.links imports the block scanner, and
vault.markdown.text imports vault.links, so the parts are imported by their own names.
"""
