import click

from vault import render
from vault.cli.common import (
    AppState,
    IndexProgress,
    declared,
    json_option,
    note_filter_options,
    pass_state,
)
from vault.options import AGENT_FILTER, EXPLAIN, MODE, SEARCH_IN, SEARCH_LANG, SEARCH_LIMIT


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@note_filter_options
@declared(AGENT_FILTER, SEARCH_IN, SEARCH_LANG, SEARCH_LIMIT, MODE, EXPLAIN)
@click.option("--paths", is_flag=True, help="Print only the ids of the hits, one a line.")
@json_option
@pass_state
def command(
    state: AppState, query, flt, agent, in_folders, lang, limit, mode, explain, paths, as_json
):
    """Search the notes' titles, bodies and tags; best matches first.

    Plain words and questions are ranked: stop words carry no weight, and notes with more of
    the words, the words close together or in the title come first; on a vault of several
    languages, notes in the query's language come first (--lang overrides). Words are matched
    by stem in each note's language (exosome finds "Exosomes"); Chinese, Japanese and Korean
    words are found inside unspaced text, and a note whose file name is the query ranks
    first. The query language (words then joined with AND) has OR, NOT, "exact phrases",
    field:value (title, body, tags, type, parent, date, id), wildcards (exo*) and fuzzy
    terms (exosme~). --in FOLDER keeps notes of that folder. The index (derived data,
    outside the vault) is brought up to date first, so results always reflect the files.

    --mode semantic ranks by meaning: each section of each note has a vector from a small
    model shipped inside vault (nothing is downloaded); --mode hybrid fuses both rankings.
    --explain adds under each hit its keyword rank, vector rank, fused score and the
    section that matched best.

    --json prints [{"id", "title", "date", "type", "parent", "score", "snippet"}, ...],
    [] when nothing matches; with --explain each hit has an "explain" object too.

    \b
    Examples:
      vault search exosome
      vault search how do I repair the skin barrier --in memory/research
      vault search '"barrier repair"' OR ceramide --type "Technical Supplement"
      vault search 'title:exosome date:[2026-01-01 to 2026-03-31]' --json
      vault search stability --under memory/research/2026-02-14-skin-tech-trends.md --paths
      vault search exosomes --changed-since "7 days ago" --author claude
      vault search keep the skin from drying out --mode hybrid --explain
    """
    from dataclasses import replace

    from vault.search.imports import load_whoosh
    from vault.search.search import search, suggest

    flt = replace(flt, agent=agent)  # --agent: the last commit's Vault-Agent (vault.filters)
    text = " ".join(query)
    # Whoosh first: while it is imported, the notes may still be walked (vault.walk_ahead).
    load_whoosh()
    catalog = state.catalog()
    with IndexProgress() as progress:
        hits = search(
            catalog,
            text,
            flt,
            repo=state.repo,
            cwd_prefix=state.cwd_prefix(),
            limit=limit,
            snippets=not paths,
            folders=in_folders,
            lang=lang,
            mode=mode,
            explain=explain,
            progress=progress,
            notify=render.notice,
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
        render.emit_json([render.hit_dict(h) for h in hits])
    elif paths:
        for hit in hits:
            click.echo(render.shown(hit.id))
    elif hits:
        click.echo("\n\n".join(render.hit_text(n, hit) for n, hit in enumerate(hits, 1)))
