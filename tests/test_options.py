"""Every option is declared once (vault.options): the click command and the MCP tool of the
same name take it with the same name, default, choices, range and help, and a bad value is
refused in the same words by both, each naming the option its own way (--max-chars on the
command line, max_chars over MCP)."""

from __future__ import annotations

import importlib

import pytest
from conftest import git

pytest.importorskip("mcp.server.mcpserver", reason="the mcp extra: pip install -e '.[mcp]'")

from mcp import Client  # noqa: E402
from test_mcp import DEEP, cli_error, error_of, session  # noqa: E402

from vault.cli import COMMANDS  # noqa: E402
from vault.errors import BadOption  # noqa: E402
from vault.mcp.server import build_server  # noqa: E402
from vault.options import (  # noqa: E402
    BY_COMMAND,
    GRAPH_DEPTH,
    LOG_LIMIT,
    SINCE,
    TAGS,
    Option,
    check,
    check_all,
    flag,
)

# Tool parameters that are the commands' arguments, not options.
ARGUMENTS = {"query", "ref", "a", "b", "body", "text", "values", "new_path"}
# Options only the command line takes: the graph tool always answers in JSON, coloured by
# the default rule; check --summary and tree --folders shape text (the tools answer JSON).
CLI_ONLY = {
    ("graph", "format"),
    ("graph", "color_by"),
    ("check", "summary"),
    ("tree", "folders"),
}


def click_params(command: str) -> dict[str, object]:
    """The click command's options, by their long flag."""
    cmd = importlib.import_module(COMMANDS[command]).command
    return {opt: p for p in cmd.params for opt in p.opts if opt.startswith("--")}


def schema_facts(prop: dict) -> dict:
    """What a property's JSON schema says of the option, wherever in anyOf it says it."""
    out = {"enum": None, "minimum": None, "maximum": None, "array": False, "date": False}
    for branch in prop.get("anyOf", [prop]):
        if branch.get("type") == "array":
            out["array"] = True
            branch = branch["items"]
        out["enum"] = branch.get("enum", out["enum"])
        out["minimum"] = branch.get("minimum", out["minimum"])
        out["maximum"] = branch.get("maximum", out["maximum"])
        out["date"] = out["date"] or branch.get("format") == "date"
    return out


def test_every_option_is_the_same_in_the_command_and_the_tool(vault_copy):
    async def body(c):
        return (await c.list_tools()).tools

    tools = {t.name: t for t in session(Client(build_server(str(vault_copy))), body)}
    for command, declared in BY_COMMAND.items():
        params = click_params(command)
        for o in declared:
            where = (command, o.name)
            p = params[o.cli_flag]
            assert p.name == (o.dest or o.name), where
            assert p.help == o.help, where
            assert p.multiple == o.multiple and p.required == o.required, where
            assert p.default == o.default or (o.default is None and p.default in (None, ())), where
            assert tuple(getattr(p.type, "choices", ())) == o.choices, where
            assert getattr(p.type, "min", None) == o.min, where
            assert getattr(p.type, "max", None) == o.max, where
            assert (o.short in p.opts) if o.short else len(p.opts) == 1, where

            schema = tools[command].input_schema
            assert (o.name in schema["properties"]) is (where not in CLI_ONLY), where
            if where in CLI_ONLY:
                continue
            prop = schema["properties"][o.name]
            facts = schema_facts(prop)
            assert prop["description"] == o.help, where
            if o.name not in schema.get("required", []):
                assert prop.get("default") == o.default, where  # null: left out
            else:
                assert "default" not in prop, where
            assert facts["enum"] == (list(o.choices) if o.choices else None), where
            assert (facts["minimum"], facts["maximum"]) == (o.min, o.max), where
            assert facts["array"] == o.multiple and facts["date"] == o.day, where
    for name, tool in tools.items():  # and no tool takes an option that is not declared
        taken = set(tool.input_schema["properties"]) - ARGUMENTS
        declared = {o.name for o in BY_COMMAND.get(name, ()) if (name, o.name) not in CLI_ONLY}
        assert taken == declared, name


def test_options_of_one_name_share_their_flag():
    spelled: dict[str, set[str]] = {}
    for declared in BY_COMMAND.values():
        for o in declared:
            spelled.setdefault(o.name, set()).add(o.cli_flag)
    assert all(len(flags) == 1 for flags in spelled.values()), spelled
    assert flag("expected_sha256") == "--expect-sha256" and flag("tags") == "--tag"
    assert flag("max_chars") == "--max-chars"


def test_checks_normalise_and_name_the_parameter():
    assert check(SINCE, " 2026-02-14 ") == "2026-02-14"
    assert check(TAGS, "a") == ("a",) and check(TAGS, ["a", "b"]) == ("a", "b")
    assert check(LOG_LIMIT, None) is None and check(LOG_LIMIT, 0) == 0
    with pytest.raises(BadOption) as bad:
        check(LOG_LIMIT, -1)
    assert str(bad.value) == "limit must be at least 0" and bad.value.names == ("limit",)
    assert bad.value.naming(flag) == "--limit must be at least 0"
    with pytest.raises(BadOption) as bad:
        check_all([GRAPH_DEPTH], {"depth": 2})
    assert str(bad.value) == "depth needs root"
    assert check_all([GRAPH_DEPTH], {"depth": 2, "root": "x"}) == {"depth": 2}
    bounded = Option("n", "N.", int, min=1, max=3)
    with pytest.raises(BadOption, match="^n must be 1 to 3, not 4$"):
        check(bounded, 4)


def test_a_bad_value_is_refused_in_the_same_words_naming_flag_or_parameter(run, git_vault):
    git(git_vault, "commit", "-q", "--allow-empty", "-m", "second")

    async def body(c):
        calls = [
            ("search", {"query": "exosome", "limit": 0}),
            ("related", {"ref": DEEP, "limit": 0}),
            ("context", {"ref": DEEP, "max_chars": 0}),
            ("list", {"changed_since": "nope"}),
        ]
        return [error_of(await c.call_tool(name, args)) for name, args in calls]

    search, related, context, changed = session(Client(build_server(str(git_vault))), body)
    assert search == related == "limit must be at least 1"
    assert context == "max_chars must be at least 1"
    assert changed.startswith("changed_since: 'nope' is not a date")

    # The command line: out of range is a usage mistake (2), with where to look.
    res = run(git_vault, "search", "exosome", "--limit", "0")
    assert cli_error(res, 2).split(" (see ")[0] == "--limit must be at least 1"
    res = run(git_vault, "context", DEEP, "--max-chars", "0")
    assert cli_error(res, 2).split(" (see ")[0] == "--max-chars must be at least 1"
    res = run(git_vault, "list", "--changed-since", "nope")
    assert cli_error(res).startswith("--changed-since: 'nope' is not a date")
    # A library error that names an option is printed with the flag.
    res = run(git_vault, "graph", "--format", "html", "--root", DEEP, "--depth", "5")
    assert cli_error(res).startswith("--format html opens the local graph at depth 1 to 3")


def test_the_graph_library_checks_a_request_by_the_same_rules(vault_copy):
    """prepare() is called by the CLI and the MCP tool, and by anything else: it checks."""
    from vault.catalog import load_catalog
    from vault.graph.export import GraphRequest, prepare
    from vault.vault import open_vault

    catalog = load_catalog(open_vault(str(vault_copy)), None)
    for request, message in [
        (GraphRequest(fmt="pdf"), "unknown format 'pdf'; use one of: json, cytoscape,"),
        (GraphRequest(depth=2), "depth needs root"),
        (GraphRequest(color_by="mood"), "unknown colour mode 'mood'; use one of: type,"),
    ]:
        with pytest.raises(BadOption) as bad:
            prepare(catalog, request)
        assert str(bad.value).startswith(message), request
