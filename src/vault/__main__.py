"""`python -m vault` and the `vault` console script (pyproject.toml [project.scripts]).

The fast path first: while `vault serve` runs, a read command is answered by it, and this
process never imports click or the rest of the command line (vault.serve.client). Otherwise
the walk of the notes starts at once, beside the imports (vault.walk_ahead)."""

import sys


def main() -> None:
    from vault.serve.client import answer_served

    if (code := answer_served(sys.argv[1:])) is not None:
        sys.exit(code)
    # Answered here: a command that walks the notes first starts walking them now, in a
    # child process, while this one imports the command line (vault.walk_ahead).
    from vault.walk_ahead import start_for

    start_for(sys.argv[1:])
    from vault.cli import exit_now
    from vault.cli import main as run_here

    try:
        run_here()
    except SystemExit as done:
        exit_now(done)


if __name__ == "__main__":
    main()
