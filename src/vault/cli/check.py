import sys

import click

from vault import render
from vault.cli.common import AppState, json_option, pass_state


@click.command("check")
@json_option
@pass_state
def command(state: AppState, as_json: bool) -> None:
    """Check the vault's structure; exit 1 when an error is found, so CI can run it.

    Errors: dangling_parent (Parent names no note), broken_link (a link to no note),
    parent_cycle (a Parent chain that loops), ambiguous_ref (a Parent or link matching
    several notes). Warnings: bad_front_matter (metadata or text that could not be read
    cleanly), missing_date (no date in metadata or file name), duplicate_title (notes
    sharing a title), orphan (no Parent, no links in or out).

    One line per problem: "note[:line]: level kind: message" (the message quotes the
    reference as written). --json prints {"problems": [{"kind", "level", "note", "line",
    "target", "message"}], "counts": {kind: n, ... every kind}, "errors": n, "warnings": n}.

    \b
    Examples:
      vault check
      vault check --json | jq '.problems[] | select(.level == "error")'
    """
    from vault.checks import check_vault, summarize

    problems = check_vault(state.catalog())
    report = summarize(problems)
    if as_json:
        render.emit_json(report)
    else:
        for p in problems:
            where = f"{p.note}:{p.line}" if p.line is not None else p.note
            level = render.styled(p.level, fg="red" if p.level == "error" else "yellow")
            click.echo(f"{where}: {level} {p.kind}: {p.message}")
        if problems:
            render.info(
                f"{_count(len(problems), 'problem')}: {_count(report['errors'], 'error')}, "
                f"{_count(report['warnings'], 'warning')}."
            )
        else:
            render.info("No problems found.")
    if report["errors"]:
        sys.exit(1)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
