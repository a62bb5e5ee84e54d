import sys

# The fast path first: while `vault serve` runs, a read command is answered by it, and this
# process never imports click or the rest of the command line (vault.serve.client).
from vault.serve.client import answer_served

if (code := answer_served(sys.argv[1:])) is not None:
    sys.exit(code)

from vault.cli import main  # noqa: E402

main()
