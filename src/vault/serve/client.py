"""The CLI's fast path: when a server runs for the vault, a read command is answered by it
(the same command, run in the server's process against its warm catalog) and its bytes
written back here. Anything unusual (VAULT_NO_SERVER set, no server, a dead one, a command
that writes, an answer that does not come, a server stopped or hung) returns None, and the
command runs here as it always did. Only the standard library's light modules and
vault.locate are imported (no click, pathlib, dataclasses or shutil): the point is to skip
the start-up of everything else, so the whole process costs little more than Python's own
start (tests/test_serve.py lists what it may import)."""

from __future__ import annotations

import os
import sys

# The commands a server answers: they read the vault and nothing else. Writes (new, append,
# mv, sync) and index run where they are typed, under the vault's locks as always.
READS = frozenset(
    ("list", "show", "search", "related", "backlinks", "tree", "path", "context", "graph")
    + ("check", "log")
)


# A server that has not taken a command this long is stuck (hung, or its machine far too
# busy): the command is answered here, with a line saying so. Once taken, a command waits
# for its answer: the server's own time limit (VAULT_SERVE_TIMEOUT) ends a slow one.
TAKEN_SECONDS = 5.0

_asked = False  # once per process: `python -m vault` asks before vault.cli.main would


def answer_served(argv: list[str]) -> int | None:
    """Run `vault ARGV` through the vault's server: the exit code once its output is
    written, or None to run it here."""
    global _asked
    if _asked or os.environ.get("VAULT_NO_SERVER"):
        return None
    _asked = True
    vault_dir = _command_vault(argv)
    if vault_dir is False:
        return None
    encoding = (getattr(sys.stdout, "encoding", "") or "").lower().replace("-", "")
    if encoding != "utf8" or sys.stderr is None:
        return None  # the server writes UTF-8, as this process would here
    from vault.errors import VaultError
    from vault.locate import find_root, state_dir_for

    try:
        root = find_root(vault_dir)
        state_dir = state_dir_for(root)
    except (VaultError, OSError):
        return None  # the command run here says what is wrong, in its words
    # The vault's .vault.toml is not read here: the server reads it, as the command run
    # here would, and a wrong one gets the same error either way.
    return _ask(state_dir, _absolute_vault(argv, root))


def _absolute_vault(argv: list[str], root: str) -> list[str]:
    """`argv` with its --vault as the vault's absolute path: the server opens files from
    its own working directory, not this one (vault.serve.invocation)."""
    out, at = list(argv), 0
    while at < len(out) and out[at].startswith("-"):
        if out[at] == "--vault":
            out[at + 1], at = root, at + 2
        else:  # --vault=FOLDER: the only other option before the command (_command_vault)
            out[at], at = f"--vault={root}", at + 1
    return out


def _command_vault(argv: list[str]) -> str | None | bool:
    """The --vault of a read command (None for the default), or False when `argv` is not a
    plain read command (help, version, a write, a mistake: run here)."""
    from vault.locate import command_at

    found = command_at(argv)
    if found is None:
        return False
    vault_dir, at = found
    if at >= len(argv) or argv[at] not in READS:
        return False
    rest = argv[at + 1 :]
    if any(a in ("-h", "--help") for a in rest):
        return False
    if argv[at] == "graph" and any(a.startswith(("-o", "--output", "--o")) for a in rest):
        return False  # a file written by name, relative to this folder: written here
    return vault_dir or None


def _ask(state_dir: str, argv: list[str]) -> int | None:
    from vault.serve import place, wire

    path = os.path.join(state_dir, place.SOCKET)
    if not os.path.exists(path):
        return None
    try:
        cwd = os.getcwd()
    except OSError:  # this folder was removed: answered here, which says so
        return None
    columns, lines = _terminal_size()
    env = dict(os.environ)
    if env.get("VAULT_DIR"):  # as --vault: the server opens it from another folder
        env["VAULT_DIR"] = os.path.abspath(os.path.expanduser(env["VAULT_DIR"]))
    # What this terminal is, as the command would see it here.
    env.setdefault("COLUMNS", str(columns))
    env.setdefault("LINES", str(lines))
    request = {
        "op": "run",
        "argv": argv,
        "cwd": cwd,
        "env": env,
        "tty": [_isatty(sys.stdout), _isatty(sys.stderr)],
    }
    try:
        with place.connect(path, timeout=TAKEN_SECONDS) as sock:
            wire.send(sock, request)
            stuck = _stuck(sock, state_dir)
            if stuck:
                print(stuck, file=sys.stderr)
                return None
            sock.settimeout(None)  # taken: the server's own time limit applies
            answer, blobs = wire.receive(sock)
            if answer.get("taken"):  # (a server of an earlier version answers at once)
                answer, blobs = wire.receive(sock)
    except ConnectionRefusedError:
        _forget(state_dir, path)
        return None
    except TimeoutError:  # not even connected or sent: its queue is full
        print(_stuck_line(None), file=sys.stderr)
        return None
    except (OSError, ValueError):
        return None
    except KeyboardInterrupt:  # as the command says it (vault.cli.LazyGroup.main)
        print("Error: interrupted", file=sys.stderr)
        return 130
    if not answer.get("ok"):
        return None
    out, err = blobs if len(blobs) == 2 else (b"", b"")
    try:
        _write(sys.stdout, out)
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as vault.cli.main does.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    _write(sys.stderr, err)
    return int(answer["code"])


def _stuck(sock, state_dir: str) -> str:
    """Why the command is answered here, as a line: the server is stopped (Ctrl-Z, seen at
    once), or took nothing for TAKEN_SECONDS (hung, or its machine far too busy); or
    nothing once it has taken the request (its first message is there to read)."""
    import select
    import time

    from vault.serve import place

    deadline, pid = time.monotonic() + TAKEN_SECONDS, None
    while (left := deadline - time.monotonic()) > 0:
        if select.select([sock], [], [], min(left, 0.1))[0]:
            return ""
        if pid is None:
            pid = (place.read_state(state_dir) or {}).get("pid") or 0
        if pid and place.is_stopped(pid):
            return (
                f"warning: the vault's server (pid {pid}) is stopped; answered without it "
                f"(`fg` in its terminal, or `kill -CONT {pid}`, wakes it)"
            )
    return _stuck_line(pid)


def _stuck_line(pid: int | None) -> str:
    who = f" (pid {pid})" if pid else ""
    waited = f"took no command for {TAKEN_SECONDS:g} s"
    return f"warning: the vault's server{who} {waited}; answered without it"


def _write(stream, data: bytes) -> None:
    if data:
        stream.flush()
        stream.buffer.write(data)
        stream.flush()


def _isatty(stream) -> bool:
    try:
        return bool(stream and stream.isatty())
    except (AttributeError, ValueError):
        return False


def _terminal_size() -> tuple[int, int]:
    """What shutil.get_terminal_size says, without importing shutil and the archive modules
    it brings: $COLUMNS and $LINES, else the size of the terminal on stdout, else 80 x 24."""
    try:
        size = os.get_terminal_size(sys.__stdout__.fileno())
        columns, lines = size.columns, size.lines
    except (AttributeError, ValueError, OSError):
        columns, lines = 0, 0
    return (
        _positive(os.environ.get("COLUMNS")) or columns or 80,
        _positive(os.environ.get("LINES")) or lines or 24,
    )


def _positive(text: str | None) -> int:
    try:
        return max(int(text or 0), 0)
    except ValueError:
        return 0


def _forget(state_dir: str, path: str) -> None:
    """A socket nobody listens on: its server died. Removed, unless a server holds the lock
    (one starting, between binding and listening)."""
    from vault.serve import place

    if place.is_running(state_dir):
        return
    try:
        os.unlink(path)
    except OSError:
        pass
