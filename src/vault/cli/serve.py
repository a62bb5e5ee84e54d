import io
import os
import sys
import traceback

import click

from vault import render
from vault.cli.common import AppState, json_option, pass_state


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, show_default=True,
    help="Port for HTTP; 0 picks a free one.",
)  # fmt: skip
@click.option("--read-only", is_flag=True, help="Write nothing: no write tool, no recovery.")
@click.option(
    "--sync-interval", type=click.FloatRange(min=1), metavar="SECONDS",
    help="Run `vault sync` every SECONDS (a tenth more or less), the first at once.",
)  # fmt: skip
@click.option("--status", is_flag=True, help="Say whether a server runs for the vault, and where.")
@json_option
@pass_state
def command(state: AppState, host, port, read_only, sync_interval, status, as_json):
    """Keep the vault open in one resident process, for the CLI and for MCP over HTTP.

    The first line on stdout is `serving VAULT at http://HOST:PORT/?token=TOKEN`; the log
    goes to stderr; SIGINT or SIGTERM stop it. While it runs, the read commands (list, show,
    search, related, backlinks, tree, path, context, graph, check, log) are answered by it
    through a socket in the vault's state folder, with the same output as without it and
    as fresh as the files (VAULT_NO_SERVER=1 answers without it). MCP clients connect to
    http://HOST:PORT/mcp with the header `Authorization: Bearer TOKEN`: the tools of
    `vault mcp`, without the writing ones under --read-only. One server per vault.

    --sync-interval SECONDS keeps the vault in step with its git remote: `vault sync` (commit,
    pull, push, the same rules and the same lock) runs every SECONDS, never two at once, and
    the answers follow what it pulled. Not with --read-only, which writes nothing.

    --status --json prints {"running", "vault", "url", "pid", "stopped", "sync"}; "stopped"
    is true while the server is suspended (Ctrl-Z); "sync" is null, or
    {"interval", "next_due", "last", "totals"}: "last" is null before the first sync ends,
    else {"at", "seconds", "ok", "error", "committed", "pulled", "pushed", "retries",
    "merged", "conflicts"} as `vault sync --json` has them; "totals" counts, since the server
    started, {"syncs", "failed", "retries", "conflicts"}.

    \b
    Examples:
      vault serve
      vault serve --port 8765 --read-only
      vault serve --sync-interval 60
      vault serve --status
    """
    if status:
        return _status(state.vault_dir, as_json)
    if sync_interval is not None and read_only:
        raise click.UsageError(
            "--sync-interval writes (it commits, pulls and pushes) and --read-only writes "
            "nothing: use one or the other"
        )
    from vault.cli.mcp import INSTALL
    from vault.errors import VaultError
    from vault.serve.process import run

    try:
        from vault.mcp.http import start_http
    except ImportError as exc:
        if (exc.name or "").split(".")[0] in ("mcp", "pydantic", "anyio", "uvicorn"):
            raise VaultError(INSTALL.replace("vault mcp", "vault serve")) from None
        raise
    if sync_interval is not None:
        from vault.git import require_repository

        require_repository(state.vault)  # one line now, not a failed sync a minute from now
    run(
        state.vault_dir, host=host, port=port, read_only=read_only,
        answer=answer, start_http=start_http, sync_interval=sync_interval,
    )  # fmt: skip


def _status(vault_dir: str | None, as_json: bool) -> None:
    from vault.serve.process import status

    vault, found = status(vault_dir)
    if as_json:
        data = {"running": found is not None, "vault": str(vault.root)}
        data.update(url=(found or {}).get("url"), pid=(found or {}).get("pid"))
        data["stopped"] = (found or {}).get("stopped", False)
        data["sync"] = (found or {}).get("sync")
        render.emit_json(data)
    elif found:
        pid = found.get("pid")
        click.echo(f"serving {vault.root} at {found.get('url')} (pid {pid})")
        if found.get("stopped"):
            click.echo(f"stopped: it answers nothing until woken (`fg`, or `kill -CONT {pid}`)")
        if found.get("sync"):
            click.echo(_sync_line(found["sync"]))
    else:
        click.echo(f"no server for {vault.root}")
    if found is None:
        sys.exit(1)


def _sync_line(sync: dict) -> str:
    from vault.serve.syncer import summary

    last = sync.get("last")
    done = f"last at {last['at']}, {summary(last)}" if last else "none finished yet"
    return f"sync every {sync['interval']:g} s: {done}; next due {sync.get('next_due')}"


class _Terminal(io.BytesIO):
    """Captured output that is a terminal when the client's was (colours, progress)."""

    def __init__(self, tty: bool):
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def answer(served, request: dict) -> dict:
    """Run `vault ARGV` here, for a client, as it would run there: its working directory,
    environment and terminals (this thread's alone: vault.serve.invocation), the same click
    command against the warm state (so the bytes and the exit code are the same by
    construction). On one of the server's threads, beside other commands and MCP calls."""
    from vault.cli import cli
    from vault.cli.common import SERVED, NotServedHere
    from vault.serve.invocation import Invocation, running, time_zone
    from vault.serve.pool import stall_for_tests

    env = dict(request["env"])
    if env.get("TZ") != time_zone():  # local time is the process's: answered alone
        return {"ok": False, "why": "another time zone"}
    stall_for_tests(" ".join(request["argv"]))
    out_tty, err_tty = request.get("tty", [False, False])
    out, err = _Terminal(out_tty), _Terminal(err_tty)
    stdout = io.TextIOWrapper(out, encoding="utf-8", errors="strict", write_through=True)
    stderr = io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace")
    nothing = open(os.devnull)  # noqa: SIM115 (closed below) a read command reads no input
    token = SERVED.set(served.resident)
    try:
        with running(Invocation(request["cwd"], env, stdout, stderr, nothing)):
            try:
                cli.main(list(request["argv"]), prog_name="vault")
                code = 0
            except SystemExit as exc:
                code = _exit_code(exc.code, stderr)
            except NotServedHere:
                return {"ok": False, "why": "not served here"}
            except Exception:  # as Python would end the process: the traceback, exit 1
                traceback.print_exc(file=stderr)
                code = 1
            stdout.flush()
            stderr.flush()
    except OSError as exc:  # the client's folder is gone: it answers alone
        return {"ok": False, "why": str(exc)}
    finally:
        SERVED.reset(token)
        nothing.close()
    return {"ok": True, "stdout": out.getvalue(), "stderr": err.getvalue(), "code": code}


def _exit_code(code, stderr) -> int:
    """What the process would exit with for sys.exit(code)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=stderr)
    return 1
