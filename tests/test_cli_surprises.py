"""A command line without surprises: `vault` alone, mistyped commands, typed days, graph
files named by their extension, output sized for big vaults (and for the terminal it is
on), shell completion, and `make demo`'s commands as they must be typed."""

from __future__ import annotations

import datetime as dt
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import click
import pytest
from conftest import GIT_ENV, PROJECT, run_process

from vault.text import user_day

HUB = "memory/research/2026-02-14-skin-tech-trends.md"


def on_terminal(root: Path, *args: str, columns: int = 100, cwd=None) -> tuple[int, str]:
    """(exit code, what it printed) of `vault --vault ROOT ARGS` with stdout and stderr on a
    pseudo-terminal `columns` wide, as a person at a terminal runs it."""
    master, slave = pty.openpty()
    env = {**os.environ, **GIT_ENV, "COLUMNS": str(columns), "NO_COLOR": "1", "TERM": "dumb"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "vault", "--vault", str(root), *args],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=cwd,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 1 << 16)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    code = proc.wait(timeout=120)
    return code, click.unstyle(b"".join(chunks).decode("utf-8").replace("\r\n", "\n"))


# --- `vault` alone, mistyped commands ---------------------------------------------------------


def test_vault_alone_prints_the_help_not_an_error_line(tmp_path):
    res = run_process(None, cwd=tmp_path)
    assert res.exit_code == 2 and res.stderr == ""
    assert res.stdout.startswith("Usage: vault [OPTIONS] COMMAND [ARGS]...\n")
    assert "\nCommands:\n" in res.stdout and "  init  " in res.stdout
    assert res.stdout == run_process(None, "--help", cwd=tmp_path).stdout


def test_a_mistyped_command_names_the_nearest(tmp_path):
    res = run_process(None, "lsit", cwd=tmp_path)
    assert res.exit_code == 2
    assert (
        res.stderr == "Error: No such command 'lsit'. Did you mean 'list'? (see 'vault --help')\n"
    )
    assert "Did you mean 'backlinks'?" in run_process(None, "backlink", cwd=tmp_path).stderr


# --- days -------------------------------------------------------------------------------------


def test_one_reader_for_typed_days():
    today = dt.date(2026, 3, 1)
    assert user_day("2026-02-14", today) == "2026-02-14"
    assert user_day(" Today ", today) == "2026-03-01"
    assert user_day("yesterday", today) == "2026-02-28"
    assert user_day("7 days ago", today) == "2026-02-22"
    assert user_day("1  day  ago", today) == "2026-02-28"
    for bad in ("2026-02-30", "last week", "-3 days ago", "3 weeks ago", "14/02/2026", ""):
        assert user_day(bad, today) is None, bad


def test_every_day_option_takes_the_same_words(run, vault_copy):
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    long_ago = (dt.date.today() - dt.timedelta(days=400)).isoformat()
    for since, same in (("yesterday", yesterday), ("400 days ago", long_ago)):
        res = run(vault_copy, "list", "--json", "--since", since)
        assert res.exit_code == 0, res.stderr
        assert res.stdout == run(vault_copy, "list", "--json", "--since", same).stdout
    res = run(vault_copy, "list", "--json", "--until", "400 days ago")
    assert res.exit_code == 0 and res.stdout == "[]\n"
    res = run(
        vault_copy, "new", "--parent", HUB, "--title", "Yesterday's note", "--date", "yesterday"
    )
    assert res.exit_code == 0, res.stderr
    made = run(vault_copy, "show", "yesterday-s-note", "--json")
    assert json.loads(made.stdout)["date"] == yesterday


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["list", "--since", "last week"], "--since"),
        (["search", "exosome", "--until", "last week"], "--until"),
        (["new", "--parent", HUB, "--title", "X", "--date", "last week"], "--date"),
    ],
)
def test_a_bad_day_is_refused_in_one_wording(run, vault_copy, args, flag):
    res = run(vault_copy, *args)
    assert res.exit_code == 1
    assert res.stderr == (
        f"Error: bad {flag} 'last week': use YYYY-MM-DD, today, yesterday or N days ago "
        "(e.g. 2026-02-14)\n"
    )


# --- graph -o ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "starts"),
    [
        ("g.html", "<!doctype html"),
        ("g.graphml", "<?xml"),
        ("g.gexf", "<?xml"),
        ("g.dot", "digraph"),
        ("g.mmd", "flowchart"),
        ("g.cyjs", '{\n "data"'),
        ("g.json", '{\n  "version"'),
        ("g.txt", '{\n  "version"'),
    ],
)
def test_graph_output_takes_its_format_from_the_extension(run, vault_copy, tmp_path, name, starts):
    out = tmp_path / name
    res = run(vault_copy, "graph", "-o", str(out))
    assert res.exit_code == 0, res.stderr
    assert out.read_text(encoding="utf-8").lower().startswith(starts.lower())
    assert "warning" not in res.stderr


def test_a_format_that_disagrees_with_the_extension_wins_and_says_so(run, vault_copy, tmp_path):
    out = tmp_path / "g.html"
    res = run(vault_copy, "graph", "--format", "dot", "-o", str(out))
    assert res.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("digraph")
    assert res.stderr.startswith(
        f"warning: writing dot to {out} as --format says, though its extension is html's\n"
    )


def test_json_that_disagrees_with_the_extension_wins_and_names_json(run, vault_copy, tmp_path):
    out = tmp_path / "g.gexf"
    res = run(vault_copy, "graph", "--json", "-o", str(out))
    assert res.exit_code == 0, res.stderr
    assert out.read_text(encoding="utf-8").startswith('{\n  "version"')
    assert res.stderr.startswith(
        f"warning: writing json to {out} as --json says, though its extension is gexf's\n"
    )
    res = run(vault_copy, "graph", "--json", "-o", str(tmp_path / "g.json"))
    assert res.exit_code == 0 and "warning" not in res.stderr


def test_html_is_never_written_to_a_terminal_unless_asked(vault_copy):
    code, text = on_terminal(vault_copy, "graph", "--format", "html")
    assert code == 2 and "<html" not in text.lower()
    assert "Error: --format html is a whole web page: write it with -o FILE" in text
    code, text = on_terminal(vault_copy, "graph", "--format", "html", "-o", "-")
    assert code == 0 and text.lower().startswith("<!doctype html")
    piped = run_process(vault_copy, "graph", "--format", "html")
    assert piped.exit_code == 0 and piped.stdout.lower().startswith("<!doctype html")


# --- output sized for big vaults --------------------------------------------------------------


def test_check_summary_prints_counts_by_kind(run, vault_copy):
    res = run(vault_copy, "check", "--summary")
    assert res.exit_code == 1  # the example vault's dangling link is still an error
    assert res.stdout == "Problems by kind:\n  1  broken_link\n  1  missing_date\n"
    assert res.stderr == "2 problems: 1 error, 1 warning.\n"
    res = run(vault_copy, "check", "--summary", "--kind", "missing_date")
    assert res.stdout == "Problems by kind:\n  1  missing_date\n"


def test_check_ends_with_counts_by_kind_on_a_terminal_only(vault_copy):
    code, text = on_terminal(vault_copy, "check")
    assert code == 1
    assert text.endswith(
        "Problems by kind:\n  1  broken_link\n  1  missing_date\n2 problems: 1 error, 1 warning.\n"
    )
    piped = run_process(vault_copy, "check")
    assert "Problems by kind" not in piped.stdout + piped.stderr


def test_tree_folders_counts_notes_in_each_folder(run, vault_copy):
    (vault_copy / "memory" / "research" / "deep").mkdir()
    (vault_copy / "memory" / "research" / "deep" / "x.md").write_text("# X\n", encoding="utf-8")
    res = run(vault_copy, "tree", "--folders")
    assert res.exit_code == 0, res.stderr
    assert res.stdout == (
        "memory/  5 notes\n"
        "├── articles/  1 note\n"
        "├── posts/  1 note\n"
        "└── research/  3 notes (2 here)\n"
        "    └── deep/  1 note\n"
    )
    data = json.loads(run(vault_copy, "tree", "--folders", "memory/research", "--json").stdout)
    assert data == {
        "path": "memory/research",
        "notes": 2,
        "total": 3,
        "children": [{"path": "memory/research/deep", "notes": 1, "total": 1, "children": []}],
    }


def test_a_long_flat_tree_points_to_folders(run, tmp_path):
    for k in range(60):
        folder = tmp_path / "v" / "memory" / f"f{k % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"n{k}.md").write_text(f"# N{k}\n", encoding="utf-8")
    res = run(tmp_path / "v", "tree")
    assert len(res.stdout.splitlines()) == 60
    assert res.stderr.endswith("`vault tree --folders` shows the folders.\n")
    assert "--folders" not in run(tmp_path / "v", "tree", "--json").stderr


LONG = "memory/" + "a-very-long-folder-name/" * 4 + "and-an-even-longer-file-name-for-a-note.md"


def test_long_ids_are_shortened_in_the_middle_on_a_terminal_only(run, tmp_path):
    path = tmp_path / "v" / LONG
    path.parent.mkdir(parents=True)
    path.write_text("# Long\nDate: 2026-02-14\nType: Note\n\n[[short]]\n", encoding="utf-8")
    (tmp_path / "v" / "memory" / "short.md").write_text("# Short\n", encoding="utf-8")
    code, text = on_terminal(tmp_path / "v", "list", columns=80)
    line = next(ln for ln in text.splitlines() if "Long" in ln)
    assert code == 0 and len(line) == 80 and "…" in line
    head, tail = line.rsplit("  ", 1)[1].split("…")
    assert LONG.startswith(head) and LONG.endswith(tail) and len(head) >= 20
    code, text = on_terminal(tmp_path / "v", "tree", columns=80)
    assert all(len(ln) <= 80 for ln in text.splitlines()) and "…" in text
    assert LONG in run(tmp_path / "v", "list").stdout
    assert LONG in run(tmp_path / "v", "tree").stdout
    assert LONG in {n["id"] for n in json.loads(run(tmp_path / "v", "list", "--json").stdout)}


def test_backlinks_do_not_pad_to_the_longest_id(run, tmp_path):
    long = tmp_path / "v" / LONG
    long.parent.mkdir(parents=True)
    long.write_text("# Long\n\n[[short]]\n", encoding="utf-8")
    (tmp_path / "v" / "memory" / "near.md").write_text("# Near\n\n[[short]]\n", encoding="utf-8")
    (tmp_path / "v" / "memory" / "short.md").write_text("# Short\n", encoding="utf-8")
    res = run(tmp_path / "v", "backlinks", "short")
    near = next(ln for ln in res.stdout.splitlines() if ln.startswith("memory/near.md"))
    assert near.startswith("memory/near.md:3" + " " * 24 + "  link")


# --- completion -------------------------------------------------------------------------------

COMPLETE = """
import atexit, sys
atexit.register(lambda: print("HEAVY", sorted({"whoosh", "networkx", "git"} & set(sys.modules)),
                              file=sys.stderr))
from vault.cli import main
main()
"""


def complete(words: str, cwd: Path, env=None) -> tuple[list[str], str]:
    """What bash completion offers for the last of `words`, through click's protocol."""
    parts = words.split(" ")
    proc = subprocess.run(
        [sys.executable, "-c", COMPLETE],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        env={
            **os.environ,
            **(env or {}),
            "_VAULT_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(parts) - 1),
        },
    )
    assert proc.returncode == 0, proc.stderr
    offered = [line.split(",", 1)[1] for line in proc.stdout.splitlines() if line]
    return offered, proc.stderr


def test_completion_of_commands_options_and_note_references(vault_copy, tmp_path):
    assert complete("vault ch", vault_copy)[0] == ["check"]
    assert complete("vault check --su", vault_copy)[0] == ["--summary"]
    offered, stderr = complete("vault show memory/research/2026", vault_copy / "memory")
    assert offered == [HUB.replace("skin-tech-trends", "exosomes-deep-dive"), HUB]
    assert "HEAVY []" in stderr  # no index, no graph, no git for a TAB
    assert complete("vault backlinks 2026-01", vault_copy)[0] == ["2026-01-11-exosomes-in-k-beauty"]
    under = complete(f"vault --vault {vault_copy} list --under memory/p", tmp_path)[0]
    assert under == ["memory/posts/2026-01-11-exosomes-in-k-beauty.md"]
    assert complete("vault show memory/", tmp_path)[0] == []  # no vault here: nothing


# --- make demo --------------------------------------------------------------------------------


def test_demo_shows_each_command_as_it_must_be_typed():
    script = (PROJECT / "scripts" / "demo.sh").read_text(encoding="utf-8")
    functions = "\n".join(ln for ln in script.splitlines() if ln.startswith(("shown()", "step()")))
    typed = ["printf", "%s|", "Exosome Stability", "it's", "$HOME"]
    proc = subprocess.run(
        ["bash", "-c", f'{functions}\nstep "$@"', "demo", *typed],
        capture_output=True,
        text=True,
        check=True,
    )
    shown = proc.stdout.splitlines()[1].removeprefix("\x1b[1m$ ").removesuffix("\x1b[0m")
    again = subprocess.run(["bash", "-c", shown], capture_output=True, text=True, check=True)
    assert again.stdout == "Exosome Stability|it's|$HOME|"
    assert proc.stdout.endswith(again.stdout)


def test_demo_shows_a_piped_step_whole():
    script = (PROJECT / "scripts" / "demo.sh").read_text(encoding="utf-8")
    start = script.index("shown()")
    functions = script[start : script.index("}\n", script.index("piped()")) + 2]
    proc = subprocess.run(
        ["bash", "-c", f'{functions}\npiped "$@"', "demo", "it's $HOME | x", "tr", "a-z", "A-Z"],
        capture_output=True,
        text=True,
        check=True,
    )
    shown = proc.stdout.splitlines()[1].removeprefix("\x1b[1m$ ").removesuffix("\x1b[0m")
    assert shown.startswith("echo ") and " | tr a-z A-Z" in shown
    again = subprocess.run(["bash", "-c", shown], capture_output=True, text=True, check=True)
    assert again.stdout == "IT'S $HOME | X\n"
    assert proc.stdout.endswith(again.stdout)


def _script(script: str, vault: Path, *args: str, buffered: bool = False):
    """`script` run in a new Python as `script --vault VAULT ARGS` (no server)."""
    env = {**os.environ, **GIT_ENV, "VAULT_NO_SERVER": "1"}
    if buffered:
        env.pop("PYTHONUNBUFFERED", None)  # output to a pipe kept in a buffer, as usual
    return subprocess.run(
        [sys.executable, "-c", script, "--vault", str(vault), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_a_command_ends_with_its_output_whole_and_exit_handlers_run(vault_copy):
    # As coverage (or a wrapper of the console script) sees it: handlers registered with
    # atexit run after the command's output, whatever its exit code, and what they print is
    # printed, however the process's entry point (vault.__main__) ends it.
    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stdout.write('handler ran\\n'))\n"
        "from vault.__main__ import main\n"
        "sys.argv = ['vault', *sys.argv[1:]]\n"
        "main()\n"
    )
    for args, code in ((["list", "--json"], 0), (["show", "no such note"], 1)):
        proc = _script(script, vault_copy, *args, buffered=True)
        assert proc.returncode == code
        output, last = proc.stdout[: -len("handler ran\n")], proc.stdout[-len("handler ran\n") :]
        assert last == "handler ran\n"  # written by the handler, flushed by nobody else
        if code == 0:
            assert len(json.loads(output)) == len(list((vault_copy / "memory").rglob("*.md")))


def test_a_process_that_used_git_exits_the_usual_way(git_vault):
    # The usual exit frees every object (and GitPython's stop and reap the git processes
    # they keep); a process that never loaded GitPython skips it, through its entry point
    # (vault.__main__, as the console script and `python -m vault`). An object of the
    # script tells which way the process ended.
    script = (
        "import sys\n"
        "class Last:\n"
        "    def __del__(self):\n"
        "        sys.stderr.write('torn down\\n')\n"
        "keep = Last()\n"
        "from vault.__main__ import main\n"
        "sys.argv = ['vault', *sys.argv[1:]]\n"
        "main()\n"
    )
    assert run_process(git_vault, "search", "exosome").exit_code == 0  # the index, built
    for args, torn_down in ((["log"], True), (["search", "exosome"], False)):
        proc = _script(script, git_vault, *args)
        assert proc.returncode == 0
        assert proc.stderr.endswith("torn down\n") == torn_down, args


def test_a_program_calling_the_cli_s_main_gets_its_system_exit(vault_copy):
    # vault.cli.main ends as any click command: with SystemExit, which the calling program
    # may catch (only the process's entry point, vault.__main__, ends the process itself).
    script = (
        "import sys\n"
        "from vault.cli import main\n"
        "sys.argv = ['vault', *sys.argv[1:]]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as done:\n"
        "    print('caught', done.code, file=sys.stderr)\n"
    )
    for args, code in ((["search", "exosome"], 0), (["show", "no such note"], 1)):
        proc = _script(script, vault_copy, *args)
        assert proc.returncode == 0 and proc.stderr.endswith(f"caught {code}\n"), proc.stderr
