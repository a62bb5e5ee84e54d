"""Resolve references to note ids: Parent headers, body links, and what users type.

Links resolve the way the tool that wrote the vault resolves them (Obsidian's
`getLinkpathDest`, Foam's identifiers, Dendron's label-first wikilinks):

- a name without a folder (`[[Canvas]]`, `[[Graph View.md]]`) matches every note of that
  file name, in any case; one match is the answer, from anywhere;
- `./x` and `../x` are relative to the linking note's folder and must match exactly;
- `/x` is a path from the vault root (or the notes folder), and nothing else is tried;
- any other path is an exact path from the root, else every note whose path ends with it;
- several matches go to the one nearest the linking note: the one sharing the deepest
  folder with it (its own folder first), then the one in the fewest folders. Only notes
  still equal after that are a tie, and a tie is ambiguous.

Every lookup is a dictionary lookup: ids are indexed by path, file name and every path
suffix once, when the resolver is built.

One module per job, each building on the one before:
- kind: which tool wrote the vault (`VaultKind`, `detect_kind`) and Dendron's wikilink rules;
- tables: the name tables and the nearest-note rule;
- attachments: links to files that are not notes (`Files`);
- written: references written in notes, links and Parent headers (`LinkResolver`);
- typed: what users type, and the errors that say which notes they might mean (`Resolver`).
"""

from vault.resolve.attachments import Files
from vault.resolve.kind import PLAIN_KIND, VaultKind, detect_kind
from vault.resolve.typed import Resolver
from vault.resolve.written import NOWHERE, LinkResolver

__all__ = [
    "NOWHERE",
    "PLAIN_KIND",
    "Files",
    "LinkResolver",
    "Resolver",
    "VaultKind",
    "detect_kind",
]
