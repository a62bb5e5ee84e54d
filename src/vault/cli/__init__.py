"""The `vault` command line. Commands live one per module and are imported only when run,
so `vault --help` and every command pay only for what they use."""

from __future__ import annotations

import importlib
import os
import sys

import click

from vault.errors import BadOption, VaultError

# Command name -> module defining `command`. Add new commands here.
COMMANDS = {
    "init": "vault.cli.init",
    "new": "vault.cli.new",
    "show": "vault.cli.show",
    "list": "vault.cli.list_notes",
    "mv": "vault.cli.mv",
    "log": "vault.cli.log",
    "sync": "vault.cli.sync",
    "graph": "vault.cli.graph",
    "tree": "vault.cli.tree",
    "backlinks": "vault.cli.backlinks",
    "path": "vault.cli.path",
    "check": "vault.cli.check",
    "search": "vault.cli.search",
    "related": "vault.cli.related",
    "index": "vault.cli.index_cmd",
    "append": "vault.cli.append",
    "replace": "vault.cli.replace",
    "set": "vault.cli.set",
    "rm": "vault.cli.rm",
    "restore": "vault.cli.restore",
    "context": "vault.cli.context",
    "mcp": "vault.cli.mcp",
    "serve": "vault.cli.serve",
}


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command is needed, and turns
    library errors into one-line messages."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module = COMMANDS.get(name)
        if module is None:
            return None
        return importlib.import_module(module).command

    def resolve_command(self, ctx: click.Context, args: list[str]):
        """click's, naming the nearest commands when one is mistyped (`vault lst`): click
        suggests among the commands it has loaded, and this group loads them lazily."""
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as exc:
            raise click.exceptions.NoSuchCommand(
                exc.command_name, possibilities=COMMANDS, ctx=ctx
            ) from None

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Run the CLI; every failure is one `Error: ...` line on stderr and a non-zero exit:
        1 for errors, 2 for usage mistakes, 130 when interrupted."""
        try:
            rv = super().main(args, prog_name or "vault", complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            # `vault` alone: the help, as `vault --help` prints it, and the usage exit code
            # (like git, it is not success: a script calling `vault $empty` should notice).
            click.echo(exc.ctx.get_help(), color=exc.ctx.color)
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            _fail(exc.format_message() + hint, exc.exit_code)
        except click.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)
        except BadOption as exc:
            from vault.options import flag

            _fail(exc.naming(flag), 1)  # options named as typed: --limit, not limit
        except VaultError as exc:
            _fail(str(exc), 1)
        except OSError as exc:  # the machine's, not a bug: a full disk, a name refused, ...
            _fail(_os_error(exc), 1)
        except click.Abort as exc:
            # click turns Ctrl-C into Abort: still an interrupt, exit 130.
            if isinstance(exc.__cause__, KeyboardInterrupt):
                _fail("interrupted", 130)
            _fail("aborted", 1)
        except (KeyboardInterrupt, EOFError):
            _fail("interrupted", 130)
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)


def _os_error(exc: OSError) -> str:
    """An operating system's error no command turned into a message of its own, as one."""
    try:
        os.getcwd()
    except OSError:  # a shell left in a folder since removed: every relative path fails
        return "the current folder no longer exists; cd to one that does"
    name = exc.filename
    where = f"{os.fsdecode(name)}: " if isinstance(name, (str, bytes)) else ""
    return f"{where}{exc.strerror or exc}"


def _fail(message: str, code: int) -> None:
    from vault.render.terminal import printable  # a name or title in it may hold ESC

    click.echo("Error: " + printable(" ".join(message.split())), err=True)
    sys.exit(code)


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """`vault --version`, read from the package metadata only when asked (see vault)."""
    if value and not ctx.resilient_parsing:
        import vault

        click.echo(f"vault, version {vault.__version__}")
        ctx.exit()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--vault",
    "vault_dir",
    envvar="VAULT_DIR",
    metavar="DIR",
    help="Vault root folder (default: $VAULT_DIR, else the nearest folder above with a "
    ".vault.toml, memory/ or .obsidian/, else the top of the git work tree).",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the version and exit.",
)
@click.pass_context
def cli(ctx: click.Context, vault_dir: str | None) -> None:
    """Manage a research-notes memory vault: Markdown notes in git, with search and a graph.

    \b
    Examples:
      vault list
      vault show "Skin-Tech Trends 2026: Research Hub"
      vault new --parent memory/research/2026-02-14-skin-tech-trends.md \\
                --title "Exosome stability" --type "Technical Supplement"
    """
    from vault.cli.common import AppState

    source = ctx.get_parameter_source("vault_dir")
    given_as = "$VAULT_DIR" if source == click.core.ParameterSource.ENVIRONMENT else "--vault"
    ctx.obj = AppState(vault_dir, given_as)


# Python's default is (700, 10, 10).
_GC_THRESHOLD = (50_000, 20, 20)


def main() -> None:
    # A command builds many containers and frees few until it exits: collecting the young
    # generation every 700 allocations cost 15-20% of a 10,000-note graph or list.
    import gc

    gc.set_threshold(*_GC_THRESHOLD)
    keep_ctrl_c()
    try:
        # A read command is answered by the vault's `vault serve` when one runs (the same
        # bytes, from a warm catalog); otherwise, or when anything is amiss, here.
        from vault.serve.client import answer_served

        if (code := answer_served(sys.argv[1:])) is not None:
            sys.exit(code)
        cli(prog_name="vault")
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, like other Unix tools.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)


def keep_ctrl_c() -> None:
    """A Ctrl-C that lands while Python runs a callback of its own (a weak reference's, as
    the import system's module locks have when an import ends) cannot interrupt the code
    that was running: Python prints "Exception ignored ... KeyboardInterrupt" and the
    command goes on (a `vault index` interrupted as it started its workers did). Such a
    one is sent again a moment later, when the command runs its own code, and nothing is
    printed."""
    default = sys.unraisablehook

    def hook(unraisable) -> None:
        if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
            import signal
            import threading

            threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT)).start()
            return
        default(unraisable)

    sys.unraisablehook = hook


def exit_now(done: SystemExit) -> None:
    """End the process as `done` says, without tearing the interpreter down (for the
    process's own entry point, vault.__main__: a program that calls `main` gets its
    SystemExit as from any click command)."""
    if done.code is None or isinstance(done.code, int):
        _leave(done.code or 0)
    raise done


def _leave(code: int) -> None:
    """Exit with `code` without tearing the interpreter down: freeing every object one at a
    time (a last full collection, then every module's contents) took ~60 of the ~410 ms of
    CPU of a warm 10,000-note search, once its results were out. Exit handlers run, then the
    output is flushed, as at a usual exit (mypy's hard_exit does the same, less the
    handlers). A process with other threads still running exits the usual way, which waits
    for them, and so does one that used GitPython, whose objects stop and reap the git
    processes they keep (left to themselves, they would be zombies under a container's
    init)."""
    import atexit
    import threading

    if threading.active_count() > 1 or "git" in sys.modules:
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()  # click.echo flushes what it writes; a handler may not have
        except (OSError, ValueError):  # a closed pipe or stream: nothing more to say
            pass
    os._exit(code)
