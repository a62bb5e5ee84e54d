import sys

import click

from vault import render
from vault.cli.common import AppState, declared, json_option, pass_state
from vault.options import IGNORE, LEVEL, PROBLEM_KIND, SUMMARY
from vault.problem_kinds import KINDS


@click.command("check")
@declared(PROBLEM_KIND, IGNORE, LEVEL, SUMMARY)
@json_option
@pass_state
def command(
    state: AppState,
    kinds: tuple[str, ...],
    ignore: tuple[str, ...],
    level: str,
    summary: bool,
    as_json: bool,
) -> None:
    """Check the vault's structure; exit 1 when an error is reported, so CI can run it.

    Errors: dangling_parent (Parent names no note), broken_link (a link to no note),
    parent_cycle (a Parent chain that loops). Warnings: ambiguous_ref (a name that several
    notes are equally near), broken_attachment (a linked image or file that is not there),
    bad_front_matter (metadata or text that could not be read cleanly), tracked_derived_data
    (git tracks derived data under .vault/), missing_date (no date in metadata or file name;
    info when most notes of the vault have none), duplicate_title (notes sharing a title),
    orphan (no Parent, no links in or out).

    One line per problem: "note[:line]: level kind: message"; every occurrence of a broken
    link is its own line, and the message quotes the target, never the display text.
    --json prints {"problems": [{"kind", "level", "note", "line", "target", "message"}],
    "counts": {kind: n, ... every kind}, "errors": n, "warnings": n, "infos": n, "hidden": n}
    for the problems reported ("hidden": found but filtered out).

    On a terminal, the problems are followed by their counts by kind (on stderr);
    --summary prints only those counts, on stdout, and the total.

    \b
    Examples:
      vault check
      vault check --kind broken_link --kind dangling_parent
      vault check --summary
      vault check --ignore orphan --level error
      vault check --level info --json | jq '.problems[] | select(.kind == "missing_date")'
    """
    from vault.checks import check_vault, select_problems

    found = check_vault(state.catalog(), state.repo)
    problems = select_problems(found, kinds, ignore, level)
    report = render.check_dict(problems, KINDS, hidden=len(found) - len(problems))
    if as_json:
        render.emit_json(report)
    elif summary:
        if counts := render.check_count_lines(report):
            click.echo("\n".join(counts))
        render.info(render.check_summary(report))
    else:
        for p in problems:
            click.echo(render.problem_line(p))
        if sys.stderr.isatty():  # a long listing's shape, where it ends; piped: just the lines
            for line in render.check_count_lines(report):
                render.info(line)
        render.info(render.check_summary(report))
    if report["errors"]:
        sys.exit(1)
