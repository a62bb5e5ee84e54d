"""Markdown read once, for every part of vault that reads it: the block structure
(`vault.markdown.blocks`: headings, code, comments, the metadata block), Markdown as plain text
(`vault.markdown.text`: titles, labels, every snippet, `context`, and the one rule for "the first
line is the title") and the one word-boundary clipper (`vault.markdown.clip`).

Standard library only. Block structure is scanned here rather than with markdown-it-py (what
the web app renders with), on measurement (10,000 notes of bench/gen_vault.py --realistic,
48 MiB, 2 cores shared with other work, load 3-19):
- every note's blocks: 1.4 s with this scanner, 29 s with markdown-it-py's block rules alone
  (inline rules off): 20 times as long;
- the cold `vault index`: 45-52 CPU s on main, 39-57 on this branch (the load is the spread).
  Inside it the scanner runs on the 4,667 texts that need it (code to mask, a title to find)
  for 0.12 CPU s; markdown-it-py on the same texts takes 1.3 s, about 3% of the index's CPU:
  under the 10% allowed, so the index alone did not decide;
- what decided: the graph view's snippets read the first 4 KiB of every note when none are
  kept (0.55 s of scanning, 4.1 s with markdown-it-py, where a warm graph export takes 2 s);
  markdown-it-py has no Obsidian `%%` comments (a plugin of our own either way); and its
  CommonMark HTML block swallows the rest of a `<!-- c --> [[x]]` line, which would change the
  links vault extracts and `vault mv` rewrites.
The scanner follows CommonMark for what vault needs (ATX and setext headings, fences of any
length with CommonMark's closing rule, indented code, HTML and Obsidian comment blocks);
tests/test_markdown.py holds it to CommonMark's spec examples. markdown-it-py stays the web
app's renderer.

This package's __init__ imports nothing: vault.links imports the block scanner, and
vault.markdown.text imports vault.links, so the parts are imported by their own names.
"""
