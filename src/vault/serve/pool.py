"""Where a resident process's calls run (`vault serve`'s socket and HTTP, `vault mcp` over
stdio): on a pool of threads, many at once, so one slow call (a huge query, the graph of a
big vault) never holds up the quick ones. Each caller waits at most a time limit
(VAULT_SERVE_TIMEOUT seconds); past it the caller gets a clear one-line error and the slow
call runs on in its thread until it ends (Python cannot stop a thread), on the warm state
as every other call.

What a call keeps for itself (the catalog it started with: vault.serve.resident) is kept in a
`CallLocal`, which the pool empties when the call ends: an idle thread holding the catalog of
its last call kept that catalog (its records, references and cache connection) alive after
newer ones replaced it, one per thread, and a load run with appends grew the server past 1 GB.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor

# How long a caller waits for its call (VAULT_SERVE_TIMEOUT).
TIMEOUT_SECONDS = 60.0
# Calls that may run at once; the ones past it wait for a thread (their time limit counts).
# More would not answer sooner (Python runs one thread at a time), and each call in flight
# holds its own catalog and index readers.
THREADS = 8


def timeout() -> float:
    """Seconds a caller waits for a call: $VAULT_SERVE_TIMEOUT, else TIMEOUT_SECONDS."""
    try:
        return max(0.001, float(os.environ.get("VAULT_SERVE_TIMEOUT", TIMEOUT_SECONDS)))
    except ValueError:
        return TIMEOUT_SECONDS


class CallLocal(threading.local):
    """A threading.local whose values last one call on a pool thread: the pool forgets them
    when the call ends (outside a pool they last as a threading.local's do)."""

    def __init__(self):
        _call_locals.add(self)


_call_locals: weakref.WeakSet[CallLocal] = weakref.WeakSet()


def _one_call(fn, /, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    finally:
        for local in list(_call_locals):
            local.__dict__.clear()  # this thread's values only
        if os.environ.get("VAULT_TEST_COUNTS"):
            _log_counts()


class _Pool(ThreadPoolExecutor):
    def submit(self, fn, /, *args, **kwargs):
        return super().submit(_one_call, fn, *args, **kwargs)


def threads(name: str) -> ThreadPoolExecutor:
    return _Pool(THREADS, thread_name_prefix=name)


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


def alive() -> dict[str, int]:
    """What a resident process holds now: how many catalogs (their records) are alive, and
    the threads of the process. Read without the cycle collector's help: what only it
    would free is counted, since it may run long after."""
    from vault.catalog import records

    return {"catalogs": records.alive(), "threads": threading.active_count()}


def _log_counts() -> None:
    """With VAULT_TEST_COUNTS set in the server's environment, a line on stderr after every
    call: what is alive once the call let go of its state (tests/test_serve_calls.py)."""
    import gc

    counts = " ".join(f"{name} {n}" for name, n in alive().items())
    gc.collect()  # what only the cycle collector frees (rare), told apart
    collected = alive()["catalogs"]
    print(f"vault: alive after a call: {counts}; catalogs {collected} after a collection",
          file=sys.__stderr__, flush=True)  # fmt: skip
