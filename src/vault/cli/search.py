import sys

import click

from vault import render
from vault.cli.common import AppState, json_option, note_filter_options, pass_state

# Below this many notes to write, indexing is quick enough to go without a progress bar.
PROGRESS_MIN_NOTES = 200


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--type", "note_type", metavar="T", help="Only notes of this type (any case).")
@click.option("--under", metavar="REF", help="Only this note and its descendants (by Parent).")
@note_filter_options
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Most hits to show."
)
@click.option("--paths", is_flag=True, help="Print only the ids of the hits, one a line.")
@json_option
@pass_state
def command(
    state: AppState,
    query,
    note_type,
    under,
    since,
    until,
    changed_since,
    author,
    limit,
    paths,
    as_json,
):
    """Search the notes' titles, bodies and tags; best matches first.

    Words are joined with AND and matched by stem (exosome finds "Exosomes"). The query
    language also has OR, NOT, "exact phrases", field:value (title, body, tags, type,
    parent, date, id), wildcards (exo*) and fuzzy terms (exosme~). The index under
    .vault/index is brought up to date first, so results always reflect the files.

    --json prints [{"id", "title", "date", "type", "parent", "score", "snippet"}, ...],
    [] when nothing matches.

    \b
    Examples:
      vault search exosome
      vault search '"barrier repair"' OR ceramide --type "Technical Supplement"
      vault search 'title:exosome date:[2026-01-01 to 2026-03-31]' --json
      vault search stability --under memory/research/2026-02-14-skin-tech-trends.md --paths
      vault search exosomes --changed-since "7 days ago" --author claude
    """
    from vault.search import search, suggest

    text = " ".join(query)
    catalog = state.catalog()
    under_id = catalog.resolver.find(under, state.cwd_prefix()) if under else None
    changed = None
    if changed_since or author:
        from vault.history import changed_note_ids

        changed = changed_note_ids(state.vault, changed_since, author, what="--changed-since")
    with IndexProgress() as progress:
        hits = search(
            catalog,
            text,
            note_type=note_type,
            under=under_id,
            since=since,
            until=until,
            limit=limit,
            restrict_to=changed,
            snippets=not paths,
            progress=progress,
        )
    emit_hits(hits, as_json=as_json, paths=paths)
    if not hits:
        render.info("No notes match." if catalog.records else "The vault has no notes yet.")
        if catalog.records:
            fixed = suggest(catalog, text)
            if fixed:
                render.info(f'Did you mean "{fixed}"?')


def emit_hits(hits, *, as_json: bool, paths: bool) -> None:
    """Hits as JSON, as ids only, or as a ranked list with highlighted snippets."""
    if as_json:
        render.emit_json([hit_dict(h) for h in hits])
    elif paths:
        for hit in hits:
            click.echo(hit.id)
    elif hits:
        click.echo("\n\n".join(hit_text(n, hit) for n, hit in enumerate(hits, 1)))


def hit_dict(hit) -> dict:
    return {
        "id": hit.id,
        "title": hit.title,
        "date": hit.date,
        "type": hit.type,
        "parent": hit.parent,
        "score": hit.score,
        "snippet": hit.snippet,
    }


def hit_text(rank: int, hit) -> str:
    """Three lines: rank and title; id, date and type; the snippet, matched words bold."""
    facts = "  ".join(x for x in (hit.id, hit.date, hit.type) if x)
    lines = [
        f"{rank}. {render.styled(hit.title, bold=True)}",
        "   " + render.styled(facts, dim=True),
    ]
    if hit.snippet:
        lines.append("   " + emphasized(hit.snippet, hit.marks))
    return "\n".join(lines)


def emphasized(text: str, marks) -> str:
    out, last = [], 0
    for start, end in marks:
        out.append(text[last:start])
        out.append(render.styled(text[start:end], bold=True))
        last = end
    out.append(text[last:])
    return "".join(out)


class IndexProgress:
    """A progress callback for index updates: a bar on stderr, only for long work on a
    terminal; silent otherwise. Use as a context manager so the bar is closed."""

    def __init__(self, label: str = "Indexing notes"):
        self.label = label
        self.bar = None
        self.enabled = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < PROGRESS_MIN_NOTES:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
            self.bar = None
