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
    from vault.checks import KINDS, check_vault

    problems = check_vault(state.catalog())
    report = render.check_dict(problems, KINDS)
    if as_json:
        render.emit_json(report)
    else:
        for p in problems:
            click.echo(render.problem_line(p))
        if problems:
            render.info(
                f"{render.plural(len(problems), 'problem')}: "
                f"{render.plural(report['errors'], 'error')}, "
                f"{render.plural(report['warnings'], 'warning')}."
            )
        else:
            render.info("No problems found.")
    if report["errors"]:
        sys.exit(1)
