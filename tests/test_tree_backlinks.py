"""`vault tree`, `vault backlinks` and `vault path`: text and JSON, cycles, no-result cases."""

from __future__ import annotations

import json

import pytest
from graph_helpers import UNDATED, pinned_example, write_vault

HUB = "memory/research/2026-02-14-skin-tech-trends.md"
DEEP = "memory/research/2026-02-14-exosomes-deep-dive.md"
K_BEAUTY = "memory/posts/2026-01-11-exosomes-in-k-beauty.md"


@pytest.fixture
def example(tmp_path):
    return pinned_example(tmp_path / "vault")


def dated(title: str, date: str, *headers: str, body: str = "Text.") -> str:
    return "\n".join([f"# {title}", "", f"Date: {date}", *headers]) + f"\n\n{body}\n"


FAMILY = {
    "memory/root.md": dated("Root", "2026-01-01"),
    "memory/kid-late.md": dated("Kid late", "2026-03-01", "Parent: root"),
    "memory/kid-early.md": dated("Kid early", "2026-02-01", "Parent: root"),
    "memory/grandkid.md": dated("Grandkid", "2026-04-01", "Parent: [[kid-early]]"),
    "memory/loop-a.md": dated("Loop A", "2026-05-01", "Parent: loop-b"),
    "memory/loop-b.md": dated("Loop B", "2026-05-02", "Parent: loop-a"),
    "memory/loop-kid.md": dated("Loop kid", "2026-05-03", "Parent: loop-b"),
    "memory/self.md": dated("Self", "2026-06-01", "Parent: self"),
}


def node(note_id, title, date, children=(), **extra):
    return {"id": note_id, "title": title, "date": date, "type": None, **extra,
            "children": list(children)}  # fmt: skip


# --- tree ------------------------------------------------------------------------------------


def test_tree_of_the_example_vault(example, run):
    res = run(example, "tree")
    assert res.exit_code == 0, res.stderr
    assert res.stdout.splitlines() == [
        f"2026-01-05  -  The Rising Trend of Exosomes in Skincare  {UNDATED}",
        f"2026-01-11  Skincare Science  Exosomes in K-Beauty: The Next Big Anti-Aging "
        f"Revolution?  {K_BEAUTY}",
        f"2026-02-14  Research Hub  Skin-Tech Trends 2026: Research Hub  {HUB}",
        "└── 2026-02-14  Technical Supplement  Deep Dive: Exosomes in Regenerative Skincare "
        f"(2026 Perspective)  {DEEP}",
    ]


def test_tree_from_a_note_as_json(example, run):
    res = run(example, "tree", "Skin-Tech Trends 2026: Research Hub", "--json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout) == [
        {
            "id": HUB,
            "title": "Skin-Tech Trends 2026: Research Hub",
            "date": "2026-02-14",
            "type": "Research Hub",
            "children": [
                {
                    "id": DEEP,
                    "title": "Deep Dive: Exosomes in Regenerative Skincare (2026 Perspective)",
                    "date": "2026-02-14",
                    "type": "Technical Supplement",
                    "children": [],
                }
            ],
        }
    ]


def test_tree_orders_children_by_date_and_ends_parent_cycles(tmp_path, run):
    root = write_vault(tmp_path / "v", FAMILY)
    res = run(root, "tree", "--json")
    assert res.exit_code == 0, res.stderr
    grandkid = node("memory/grandkid.md", "Grandkid", "2026-04-01")
    assert json.loads(res.stdout) == [
        node(
            "memory/root.md",
            "Root",
            "2026-01-01",
            [
                node("memory/kid-early.md", "Kid early", "2026-02-01", [grandkid]),
                node("memory/kid-late.md", "Kid late", "2026-03-01"),
            ],
        ),
        # Notes on cycles have no root: each cycle is shown from its oldest note, once.
        node(
            "memory/loop-a.md",
            "Loop A",
            "2026-05-01",
            [
                node(
                    "memory/loop-b.md",
                    "Loop B",
                    "2026-05-02",
                    [
                        node("memory/loop-a.md", "Loop A", "2026-05-01", cycle=True),
                        node("memory/loop-kid.md", "Loop kid", "2026-05-03"),
                    ],
                )
            ],
        ),
        node("memory/self.md", "Self", "2026-06-01"),
    ]
    text = run(root, "tree", "loop-b").stdout.splitlines()
    assert text == [
        "2026-05-02  -  Loop B  memory/loop-b.md",
        "├── 2026-05-01  -  Loop A  memory/loop-a.md",
        "│   └── 2026-05-02  -  Loop B  memory/loop-b.md  (cycle)",
        "└── 2026-05-03  -  Loop kid  memory/loop-kid.md",
    ]


def test_tree_of_an_empty_vault(tmp_path, run):
    (tmp_path / "v" / "memory").mkdir(parents=True)
    assert run(tmp_path / "v", "tree", "--json").stdout == "[]\n"
    res = run(tmp_path / "v", "tree")
    assert res.exit_code == 0 and res.stdout == "" and "no notes" in res.stderr


def test_tree_of_an_unknown_note_is_a_one_line_error(example, run):
    res = run(example, "tree", "nope-nothing")
    assert res.exit_code == 1 and res.stderr.startswith("Error: no note matches 'nope-nothing'")


# --- backlinks -------------------------------------------------------------------------------


def test_backlinks_name_the_kind_and_line(example, run):
    res = run(example, "backlinks", K_BEAUTY, "--json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout) == [
        {
            "id": HUB,
            "title": "Skin-Tech Trends 2026: Research Hub",
            "date": "2026-02-14",
            "type": "Research Hub",
            "kind": "link",
            "line": 19,
            "raw": "../posts/2026-01-11-exosomes-in-k-beauty.md",
        }
    ]
    res = run(example, "backlinks", "2026-02-14-skin-tech-trends")
    assert res.stdout == (
        f"{DEEP}  parent  Deep Dive: Exosomes in Regenerative Skincare (2026 Perspective)  "
        "memory/research/2026-02-14-skin-tech-trends.md\n"
    )


def test_backlinks_list_every_reference_parent_first(tmp_path, run):
    root = write_vault(
        tmp_path / "v",
        {
            "memory/hub.md": dated("Hub", "2026-01-01", body="Self: [[hub]]."),
            "memory/kid.md": dated(
                "Kid", "2026-01-02", "Parent: hub", body="[up](hub.md)\n\nAgain [[hub|Hub]]."
            ),
            "memory/other.md": dated("Other", "2026-01-03", body="[[hub#Part]]"),
        },
    )
    res = run(root, "backlinks", "hub", "--json")
    got = [(b["id"], b["kind"], b["line"], b["raw"]) for b in json.loads(res.stdout)]
    assert got == [
        ("memory/kid.md", "parent", None, "hub"),
        ("memory/kid.md", "link", 6, "hub.md"),
        ("memory/kid.md", "link", 8, "hub"),
        ("memory/other.md", "link", 5, "hub"),
    ]
    assert run(root, "backlinks", "hub").stdout.splitlines() == [
        "memory/kid.md      parent  Kid  hub",
        "memory/kid.md:6    link    Kid  hub.md",
        "memory/kid.md:8    link    Kid  hub",
        "memory/other.md:5  link    Other  hub",
    ]


def test_backlinks_list_a_line_once_even_with_two_links_on_it(tmp_path, run):
    root = write_vault(
        tmp_path / "v",
        {
            "memory/hub.md": dated("Hub", "2026-01-01"),
            "memory/kid.md": dated(
                "Kid", "2026-01-02", body="[[hub]] and [[hub|the hub]] and [up](hub.md)\n[[hub]]"
            ),
        },
    )
    # JSON keeps one entry per reference; the human form one line per line.
    raws = [
        (b["line"], b["raw"]) for b in json.loads(run(root, "backlinks", "hub", "--json").stdout)
    ]
    assert raws == [(5, "hub"), (5, "hub"), (5, "hub.md"), (6, "hub")]
    assert run(root, "backlinks", "hub").stdout.splitlines() == [
        "memory/kid.md:5  link    Kid  hub, hub.md",
        "memory/kid.md:6  link    Kid  hub",
    ]


def test_no_backlinks_is_an_empty_list(tmp_path, run):
    root = write_vault(
        tmp_path / "v",
        {"memory/lone.md": dated("Lone", "2026-01-01", body="[[other]]"), "memory/other.md": ""},
    )
    res = run(root, "backlinks", "lone", "--json")
    assert (res.exit_code, res.stdout) == (0, "[]\n")
    res = run(root, "backlinks", "lone")
    assert (res.exit_code, res.stdout) == (0, "")
    assert res.stderr == "No note links to memory/lone.md or names it as Parent.\n"


# --- path ------------------------------------------------------------------------------------


def test_path_follows_edges_in_either_direction(example, run):
    res = run(example, "path", K_BEAUTY, DEEP, "--json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout) == {
        "from": K_BEAUTY,
        "to": DEEP,
        "length": 2,
        "path": [K_BEAUTY, HUB, DEEP],
        "steps": [
            {"from": K_BEAUTY, "to": HUB, "kind": "link", "direction": "backward"},
            {"from": HUB, "to": DEEP, "kind": "parent", "direction": "backward"},
        ],
    }
    res = run(example, "path", DEEP, K_BEAUTY)
    assert res.stdout.splitlines() == [
        f"Deep Dive: Exosomes in Regenerative Skincare (2026 Perspective)  {DEEP}",
        f"  --parent-->  Skin-Tech Trends 2026: Research Hub  {HUB}",
        f"  --link-->    Exosomes in K-Beauty: The Next Big Anti-Aging Revolution?  {K_BEAUTY}",
    ]


def test_path_to_itself_and_between_unconnected_notes(tmp_path, run):
    root = write_vault(
        tmp_path / "v",
        {
            # a and b both link to the same missing note: that is not a path between them.
            "memory/a.md": dated("A", "2026-01-01", body="[[ghost]]"),
            "memory/b.md": dated("B", "2026-01-02", body="[[ghost]]"),
        },
    )
    res = run(root, "path", "a", "a", "--json")
    assert res.exit_code == 0
    assert json.loads(res.stdout) == {
        "from": "memory/a.md",
        "to": "memory/a.md",
        "length": 0,
        "path": ["memory/a.md"],
        "steps": [],
    }
    res = run(root, "path", "a", "b", "--json")
    assert res.exit_code == 1
    assert json.loads(res.stdout) == {
        "from": "memory/a.md",
        "to": "memory/b.md",
        "length": None,
        "path": [],
        "steps": [],
    }
    res = run(root, "path", "a", "b")
    assert res.exit_code == 1 and res.stdout == ""
    assert res.stderr == "No path between memory/a.md and memory/b.md.\n"


def test_path_prefers_the_parent_edge_and_takes_the_shortest_chain(tmp_path, run):
    root = write_vault(
        tmp_path / "v",
        {
            "memory/hub.md": dated("Hub", "2026-01-01"),
            "memory/kid.md": dated("Kid", "2026-01-02", "Parent: hub", body="[[hub]] [[far]]"),
            "memory/far.md": dated("Far", "2026-01-03", body="[[mid]]"),
            "memory/mid.md": dated("Mid", "2026-01-04", body="[[hub]]"),
        },
    )
    data = json.loads(run(root, "path", "kid", "hub", "--json").stdout)
    assert data["steps"] == [
        {"from": "memory/kid.md", "to": "memory/hub.md", "kind": "parent", "direction": "forward"}
    ]
    data = json.loads(run(root, "path", "far", "hub", "--json").stdout)
    assert data["length"] == 2
    # Two chains are as short; ties go to the smaller id, so the answer is stable.
    assert data["path"] == ["memory/far.md", "memory/kid.md", "memory/hub.md"]


def test_path_with_an_unknown_note_is_a_one_line_error(example, run):
    res = run(example, "path", DEEP, "nothing-like-this")
    assert res.exit_code == 1
    assert res.stderr.startswith("Error: no note matches 'nothing-like-this'")
    assert res.stderr.count("\n") == 1
