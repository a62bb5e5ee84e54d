"""Where a resident process's calls run (`vault serve`'s socket and HTTP, `vault mcp` over
stdio): on a pool of threads, many at once, so one slow call (a huge query, the graph of a
big vault) never holds up the quick ones. Each caller waits at most a time limit
(VAULT_SERVE_TIMEOUT seconds); past it the caller gets a clear one-line error and the slow
call runs on in its thread until it ends (Python cannot stop a thread), on the warm state
as every other call.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor

# How long a caller waits for its call (VAULT_SERVE_TIMEOUT).
TIMEOUT_SECONDS = 60.0
# Calls that may run at once; the ones past it wait for a thread (their time limit counts).
# More would not answer sooner (Python runs one thread at a time), and each call in flight
# holds its own catalog and index readers: 32 at once took the server past 1.3 GB.
THREADS = 8


def timeout() -> float:
    """Seconds a caller waits for a call: $VAULT_SERVE_TIMEOUT, else TIMEOUT_SECONDS."""
    try:
        return max(0.001, float(os.environ.get("VAULT_SERVE_TIMEOUT", TIMEOUT_SECONDS)))
    except ValueError:
        return TIMEOUT_SECONDS


def threads(name: str) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(THREADS, thread_name_prefix=name)


def too_slow(seconds: float) -> str:
    """The error a caller gets past its time limit, on one line."""
    return (
        f"no answer within {seconds:g} s (VAULT_SERVE_TIMEOUT); the call runs on in the "
        "server, other calls are answered meanwhile: narrow it, or raise the limit"
    )


def stall_for_tests(words: str) -> None:
    """A test's slow call, on the real path of every call: with VAULT_TEST_STALL set to
    "WORD:SECONDS" in the server's environment, a call whose query or arguments hold WORD
    sleeps that long before it runs (tests/test_serve_calls.py). Unset: nothing."""
    asked = os.environ.get("VAULT_TEST_STALL")
    if asked and ":" in asked:
        word, seconds = asked.rsplit(":", 1)
        if word and word in words:
            time.sleep(float(seconds))
