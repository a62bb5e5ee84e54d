"""Every option the command line and the MCP server share, declared once: its name, type,
range or choices, default and help. `vault.cli.common` builds click options from these, and
`vault.mcp.server` the tools' parameters; both check values here, so a bad one gets the same
message from both, naming the option as each spells it (BadOption).

Standard library only: `vault --help` reads this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from vault.errors import BadOption, InvalidInput
from vault.problem_kinds import KINDS, LEVELS

# `vault graph --format`: what the graph is written as (vault.graph.export has a writer each).
FORMATS = ("json", "cytoscape", "graphml", "gexf", "dot", "mermaid", "html")
# `vault graph -o FILE` without --format: the format FILE's extension names.
FORMAT_BY_SUFFIX = {
    ".json": "json",
    ".cyjs": "cytoscape",
    ".graphml": "graphml",
    ".gexf": "gexf",
    ".dot": "dot",
    ".gv": "dot",
    ".mmd": "mermaid",
    ".html": "html",
    ".htm": "html",
}
# `vault graph --color-by`: what groups notes into colours (vault.graph.analysis).
COLOR_MODES = ("type", "folder", "tag", "community")
# Edge kinds of the graph (vault.references: PARENT, LINK), and "all".
EDGE_KINDS = ("parent", "link", "all")


@dataclass(frozen=True, slots=True)
class Option:
    """One option, as both the command line and the MCP server take it."""

    # The parameter's name: the MCP tool's argument, and what errors name ("max_chars").
    name: str
    # One sentence or two for --help and the tool's schema; no flag spellings in it.
    help: str
    # str, int, or bool (a flag on the command line).
    type: type = str
    # None: not given.
    default: object = None
    # The only values allowed; empty: any.
    choices: tuple[str, ...] = ()
    # Bounds of an int, inclusive; None: no bound.
    min: int | None = None
    max: int | None = None
    # Given once per value (--tag a --tag b); a list of values over MCP.
    multiple: bool = False
    required: bool = False
    # A day: YYYY-MM-DD, today, yesterday or N days ago (vault.text.user_day), passed on
    # as YYYY-MM-DD.
    day: bool = False
    # Text written into a note (a title, a tag, a body's text): vault.values refuses what no
    # note holds there, a NUL byte among it, in its own words. Any other text is refused here
    # when it holds a NUL byte (JSON can carry one to git or the file system; argv cannot).
    written: bool = False
    # The name of an option this one means nothing without ("depth" needs "root").
    needs: str | None = None
    # What a choice is called in its error: "unknown problem kind 'x'; use one of: ...".
    noun: str = ""
    # The command line's spelling: the flag (default: --name, with dashes), a short flag,
    # the name the command function receives the value as (default: name) and the value's
    # placeholder in --help.
    flag: str | None = None
    short: str | None = None
    dest: str | None = None
    metavar: str | None = None

    @property
    def cli_flag(self) -> str:
        return self.flag or "--" + self.name.replace("_", "-")


# --- note filters: list, search --------------------------------------------------------------

NOTE_TYPE = Option(
    "type",
    "Notes of this type (any case).",
    dest="note_type",
    metavar="T",
)
UNDER = Option(
    "under",
    "This note and its descendants.",
    metavar="REF",
)
SINCE = Option(
    "since",
    "Notes dated this day or later.",
    day=True,
    metavar="DAY",
)
UNTIL = Option(
    "until",
    "Notes dated this day or earlier.",
    day=True,
    metavar="DAY",
)
CHANGED_SINCE = Option(
    "changed_since",
    "Notes changed in git since this.",
    metavar="D",
)
AUTHOR = Option("author", "Notes committed by this author.", metavar="A")
# Named as `new --tag` is: options of one name share their flag.
TAG_FILTER = Option(
    "tags",
    "Notes with all these tags (any case).",
    multiple=True,
    flag="--tag",
    metavar="TAG",
)
NOTE_FILTERS = (NOTE_TYPE, UNDER, SINCE, UNTIL, CHANGED_SINCE, AUTHOR, TAG_FILTER)
# Not among NOTE_FILTERS: list and search declare it after them (a later addition).
AGENT_FILTER = Option(
    "agent",
    "Notes last committed by this agent.",
    metavar="NAME",
)

# --- list --------------------------------------------------------------------------------------

# `vault list --sort`: the orders vault.filters.ordered knows.
SORTS = ("date", "modified", "title", "path")
SORT = Option(
    "sort",
    "Order (date, modified: newest first).",
    default="date",
    choices=SORTS,
    noun="order",
)
MIXED_DATES = Option(
    "mixed_dates",
    "Derived dates among stated ones.",
    bool,
    False,
)

# --- search, related -------------------------------------------------------------------------

SEARCH_LIMIT = Option("limit", "At most this many hits.", int, default=20, min=1)
# The flag is --in; the MCP argument cannot be a Python keyword, so it is "in_folders".
SEARCH_IN = Option(
    "in_folders",
    "Only notes in these folders.",
    multiple=True,
    flag="--in",
    metavar="FOLDER",
)
SEARCH_LANG = Option(
    "lang",
    "Rank notes in this language first.",
    metavar="CODE",
)
# keyword: the words (BM25F); semantic: the meaning (section vectors); hybrid: both rankings
# fused. The default is the one that ranks best on tests/eval (bench/README.md says why).
SEARCH_MODES = ("keyword", "semantic", "hybrid")
MODE = Option(
    "mode",
    "keyword (words), semantic (meaning) or hybrid (both).",
    choices=SEARCH_MODES,
    default="keyword",
    noun="search mode",
)
EXPLAIN = Option(
    "explain",
    "Each hit's keyword and vector ranks, fused score, best section.",
    bool,
    default=False,
)
RELATED_LIMIT = Option("limit", "At most this many notes.", int, default=10, min=1)

# --- graph -----------------------------------------------------------------------------------

FORMAT = Option(
    "format", "Output format (default: json).", choices=FORMATS, noun="format", dest="fmt"
)
ROOT = Option(
    "root",
    "Only this note's neighbourhood.",
    metavar="REF",
)
GRAPH_DEPTH = Option(
    "depth",
    "Steps out from the root (default 1).",
    int,
    min=0,
    needs="root",
)
EDGE_KIND = Option(
    "kind", "Only edges of this kind.", default="all", choices=EDGE_KINDS, noun="edge kind"
)
COLOR_BY = Option(
    "color_by",
    "Colour notes by type, top-level folder, most used tag or community (default: type "
    "when most notes have one, else folder, else community).",
    choices=COLOR_MODES,
    noun="colour mode",
)

# --- check -----------------------------------------------------------------------------------

PROBLEM_KIND = Option(
    "kind",
    "Only these kinds.",
    choices=tuple(KINDS),
    multiple=True,
    noun="problem kind",
    dest="kinds",
)
IGNORE = Option(
    "ignore",
    "Leave out these kinds.",
    choices=tuple(KINDS),
    multiple=True,
    noun="problem kind",
)
LEVEL = Option(
    "level",
    "This level and worse (info: all).",
    default="warning",
    choices=LEVELS,
    noun="level",
)

SUMMARY = Option(
    "summary",
    "Print only the counts of problems by kind, not each problem (the command line's text; "
    "--json always has the counts).",
    bool,
    False,
)

# --- tree ------------------------------------------------------------------------------------

FOLDERS = Option(
    "folders", "Show the folder tree with the number of notes in each folder.", bool, False
)

# --- log -------------------------------------------------------------------------------------

LOG_SINCE = Option(
    "since",
    "Only commits after this date or commit.",
    metavar="D",
)
LOG_AUTHOR = Option("author", "Only commits by this author.", metavar="A")
LOG_LIMIT = Option("limit", "At most this many commits.", int, min=0, metavar="N")
LOG_AGENT = Option("agent", "Only commits by this agent.", metavar="NAME")
LOG_PATCH = Option("patch", "Add each commit's diff of the note.", bool, False)
# `vault show --at`: the note as it was.
SHOW_AT = Option(
    "at",
    "The note as of this commit or day.",
    metavar="REV|DATE",
)

# --- context ---------------------------------------------------------------------------------

CONTEXT_DEPTH = Option("depth", "Levels of children (2: grandchildren too).", int, 1, min=0)
MAX_CHARS = Option(
    "max_chars",
    "Budget in characters (about 4 a token).",
    int,
    12_000,
    min=1,
)

# --- new, append -----------------------------------------------------------------------------

PARENT = Option(
    "parent",
    "The note this one supplements.",
    dest="parent_ref",
    metavar="REF",
    written=True,
)
TITLE = Option("title", "The note's title (one line).", required=True, written=True)
NEW_TYPE = Option(
    "type",
    "Default: 'Technical Supplement' under a parent, else 'Note'.",
    dest="note_type",
    metavar="T",
    written=True,
)
DATE = Option(
    "date",
    "The note's date (default: today).",
    day=True,
    metavar="DAY",
)
TAGS = Option(
    "tags", "Tags (one or several).", multiple=True, flag="--tag", metavar="TAG", written=True
)
YAML = Option("yaml", "YAML front matter, not header lines.", bool, False, dest="yaml_fm")
SECTION = Option(
    "section",
    "Add to the end of this section.",
    metavar="HEADING",
)
EXPECTED_SHA256 = Option(
    "expected_sha256",
    "Its sha256 as read (show).",
    flag="--expect-sha256",
    dest="expected",
    metavar="H",
)

# --- replace, set, rm, restore: revising notes ----------------------------------------------

OLD = Option(
    "old",
    "Text that occurs once in the body.",
    metavar="TEXT",
    written=True,
)
NEW = Option("new", "Its replacement (may be empty).", metavar="TEXT", written=True)
REPLACE_SECTION = Option(
    "section",
    "Replace this section's body (its heading kept).",
    metavar="HEADING",
)
UNSET = Option("unset", "A key to take out.", multiple=True, metavar="KEY", written=True)
TAG_CHANGES = Option(
    "tags",
    "+tag adds it, -tag takes it out.",
    multiple=True,
    flag="--tag",
    metavar="+TAG|-TAG",
    written=True,
)
FORCE = Option(
    "force",
    "Remove even if referred to, or unsaved in git.",
    bool,
    False,
)
AT = Option(
    "at",
    "Put back the note as of this commit or day.",
    metavar="REV|DATE",
)
AGENT = Option(
    "agent",
    "Vault-Agent (else $VAULT_AGENT).",
    metavar="NAME",
    written=True,
)
SOURCE = Option(
    "source",
    "Vault-Source: URL or ref.",
    metavar="URL|REF",
    written=True,
)
# Only the command line takes it: the MCP tools always commit.
NO_COMMIT = Option("no_commit", "Do not commit the change to git.", bool, False)

# --- mv --------------------------------------------------------------------------------------

DRY_RUN = Option("dry_run", "Only show the diff; write nothing.", bool, False)
INCLUDE_CHANGES = Option(
    "include_changes",
    "Also commit the rewritten notes' uncommitted edits.",
    bool,
    False,
)

# Command (and MCP tool) name -> the options it takes, in --help order.
BY_COMMAND: dict[str, tuple[Option, ...]] = {
    "list": (*NOTE_FILTERS, AGENT_FILTER, SORT, MIXED_DATES),
    "search": (*NOTE_FILTERS, AGENT_FILTER, SEARCH_IN, SEARCH_LANG, SEARCH_LIMIT, MODE, EXPLAIN),
    "related": (RELATED_LIMIT,),
    "graph": (FORMAT, ROOT, GRAPH_DEPTH, NOTE_TYPE, EDGE_KIND, COLOR_BY),
    "check": (PROBLEM_KIND, IGNORE, LEVEL, SUMMARY),
    "tree": (FOLDERS,),
    "log": (LOG_SINCE, LOG_AUTHOR, LOG_LIMIT, LOG_AGENT, LOG_PATCH),
    "show": (SHOW_AT,),
    "context": (CONTEXT_DEPTH, MAX_CHARS),
    "new": (PARENT, TITLE, NEW_TYPE, DATE, TAGS, YAML, AGENT, SOURCE),
    "append": (SECTION, EXPECTED_SHA256, AGENT, SOURCE),
    "mv": (DRY_RUN, INCLUDE_CHANGES, AGENT, SOURCE),
    "replace": (OLD, NEW, REPLACE_SECTION, EXPECTED_SHA256, AGENT, SOURCE),
    "set": (UNSET, TAG_CHANGES, EXPECTED_SHA256, AGENT, SOURCE),
    "rm": (FORCE, EXPECTED_SHA256, AGENT, SOURCE),
    "restore": (AT, EXPECTED_SHA256, AGENT, SOURCE),
}


def flag(name: str) -> str:
    """How the command line spells the option called `name` ("expected_sha256" ->
    "--expect-sha256"); options of one name share their flag (tests/test_options.py)."""
    for declared in BY_COMMAND.values():
        for option in declared:
            if option.name == name:
                return option.cli_flag
    return "--" + name.replace("_", "-")


# --- checking values -------------------------------------------------------------------------


def check(option: Option, value: object) -> object:
    """`value` as `option` takes it (a day normalised, several values as a tuple), or
    BadOption naming the option. None (not given) passes."""
    if value is None:
        return None
    if option.multiple:
        values = (value,) if isinstance(value, str) else tuple(value)
        return tuple(check_one(option, v) for v in values)
    return check_one(option, value)


def check_all(declared: Iterable[Option], values: Mapping[str, object]) -> dict[str, object]:
    """The values of the `declared` options found in `values` (by name), each checked, and
    then the options that need another: BadOption for the first that fails."""
    declared = tuple(declared)
    out = {o.name: check(o, values[o.name]) for o in declared if o.name in values}
    for option in declared:
        if option.needs and out.get(option.name) is not None and values.get(option.needs) is None:
            raise BadOption(
                (option.name, option.needs),
                lambda n, o=option: f"{n(o.name)} needs {n(o.needs)}",
            )
    return out


def check_one(option: Option, value: object) -> object:
    """One value of `option` (one of several, for an option given several times) checked."""
    if option.day:
        from vault.text import bad_day, user_day  # with json: not at `vault --help`

        text = str(value)
        day = user_day(text)
        if day is None:
            raise BadOption(option.name, lambda n: bad_day(n(option.name), text))
        return day
    if not option.written and isinstance(value, str) and "\x00" in value:
        raise BadOption(option.name, lambda n: f"{n(option.name)} cannot hold a NUL byte")
    if option.choices and value not in option.choices:
        listed = ", ".join(option.choices)
        raise BadOption(
            option.name, lambda n: f"unknown {option.noun} {value!r}; use one of: {listed}"
        )
    if isinstance(value, int) and not isinstance(value, bool):
        low, high = option.min, option.max
        if low is not None and value < low and high is None:
            raise BadOption(option.name, lambda n: f"{n(option.name)} must be at least {low}")
        if high is not None and value > high and low is None:
            raise BadOption(option.name, lambda n: f"{n(option.name)} must be at most {high}")
        if low is not None and high is not None and not low <= value <= high:
            raise BadOption(
                option.name, lambda n: f"{n(option.name)} must be {low} to {high}, not {value}"
            )
    return value


T = TypeVar("T")


def naming(name: str, call: Callable[[str], T]) -> T:
    """`call(what)` for a library function that names the option in its errors through a
    `what` argument (vault.git.log's since_args): such an error becomes a BadOption, so
    each caller spells the option its own way."""
    mark = f"\x00{name}\x00"
    try:
        return call(mark)
    except InvalidInput as exc:
        text = str(exc)
        if mark not in text:
            raise
        raise BadOption(name, lambda n: text.replace(mark, n(name))) from None
