"""Finding the vault without flags (--vault, else $VAULT_DIR, else the nearest folder with a
.vault.toml, memory/ or .obsidian/, else the git work tree's top when it holds Markdown),
the configuration file, and `vault init`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLE, git, init_repo, run_process

from vault.config import CONFIG_FILE
from vault.vault import open_vault


def ids_listed(res) -> list[str]:
    assert res.exit_code == 0, res.stderr
    return sorted(n["id"] for n in json.loads(res.stdout))


def note(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text or f"# {path.stem}\n", encoding="utf-8")
    return path


@pytest.fixture
def obsidian(tmp_path) -> Path:
    """An Obsidian-shaped vault: .obsidian/ at the root, notes in folders, no memory/."""
    root = tmp_path / "Obsidian Vault"
    (root / ".obsidian").mkdir(parents=True)
    note(root / "Projects" / "Alpha.md", "---\ntags: [a]\n---\n# Alpha\n\nSee [[Beta]].\n")
    note(root / "Projects" / "deep" / "Beta.md", "---\ntype: Idea\n---\n# Beta\n")
    note(root / "Inbox.md", "# Inbox\n")
    return root


def test_an_obsidian_vault_is_found_from_a_folder_inside_it(obsidian):
    res = run_process(None, "list", "--json", cwd=obsidian / "Projects" / "deep")
    assert ids_listed(res) == ["Inbox.md", "Projects/Alpha.md", "Projects/deep/Beta.md"]


def test_a_git_work_tree_with_notes_is_a_vault_from_anywhere_in_it(tmp_path):
    root = tmp_path / "repo"
    note(root / "docs" / "guide.md")
    note(root / "a" / "b" / "idea.md")
    init_repo(root)
    res = run_process(None, "list", "--json", cwd=root / "a" / "b")
    assert ids_listed(res) == ["a/b/idea.md", "docs/guide.md"]


def test_a_git_work_tree_without_markdown_is_not_and_the_error_lists_every_try(tmp_path):
    root = tmp_path / "code"
    (root / "src").mkdir(parents=True)
    (root / "src" / "main.py").write_text("print()\n", encoding="utf-8")
    init_repo(root)
    res = run_process(None, "list", cwd=root / "src")
    assert res.exit_code == 1 and len(res.stderr.splitlines()) == 1
    line = res.stderr
    assert line.startswith(f"Error: no vault found from {root / 'src'}: tried --vault (not given)")
    for tried in ("$VAULT_DIR (not set)", ".vault.toml", "memory/", ".obsidian/", "vault init"):
        assert tried in line, tried
    assert f"the git work tree at {root} holds no Markdown notes" in line


def test_outside_any_work_tree_the_error_says_so(tmp_path):
    res = run_process(None, "list", cwd=tmp_path)
    assert res.exit_code == 1
    assert "(not in a git work tree)" in res.stderr and "--vault DIR" in res.stderr


def test_a_config_file_makes_a_vault_and_names_its_notes_folder(tmp_path):
    root = tmp_path / "kb"
    note(root / "pages" / "topic" / "one.md")
    note(root / "drafts" / "not-a-note.md")
    (root / CONFIG_FILE).write_text('notes = "pages"\nheader_style = "yaml"\n', encoding="utf-8")
    res = run_process(None, "list", "--json", cwd=root / "pages" / "topic")
    assert ids_listed(res) == ["pages/topic/one.md"]
    vault = open_vault(root)
    assert vault.notes_dir == root / "pages" and vault.notes_prefix == "pages/"
    assert vault.config.header_style == "yaml" and vault.config.default_type is None


def test_the_nearest_folder_wins_and_flags_win_over_it(tmp_path):
    outer = tmp_path / "outer"
    shutil.copytree(EXAMPLE, outer / "memory")
    inner = outer / "projects" / "kb"
    note(inner / "x.md")
    (inner / CONFIG_FILE).write_text('notes = "."\n', encoding="utf-8")
    assert ids_listed(run_process(None, "list", "--json", cwd=inner)) == ["x.md"]
    assert len(ids_listed(run_process(None, "list", "--json", cwd=outer / "projects"))) == 4
    env = {"VAULT_DIR": str(outer)}
    assert len(ids_listed(run_process(None, "list", "--json", cwd=inner, env=env))) == 4
    res = run_process(inner, "list", "--json", cwd=outer, env=env)
    assert ids_listed(res) == ["x.md"]


def test_a_missing_vault_dir_names_where_it_came_from(tmp_path):
    res = run_process(None, "list", cwd=tmp_path, env={"VAULT_DIR": str(tmp_path / "gone")})
    assert res.exit_code == 1 and "(from $VAULT_DIR) does not exist" in res.stderr
    res = run_process(tmp_path / "gone", "list", cwd=tmp_path)
    assert res.exit_code == 1 and "(from --vault) does not exist" in res.stderr


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('colour = "blue"\n', "unknown key 'colour'; the keys are: notes, header_style"),
        ('header_style = "toml"\n', "key 'header_style' is 'toml'; use one of: 'headers', 'yaml'"),
        ('links = "logseq"\n', "key 'links' is 'logseq'; use one of: 'plain'"),
        ("default_type = 3\n", "key 'default_type' must be one line of text in quotes"),
        ('notes = "../elsewhere"\n', "key 'notes' must name a folder next to the file"),
        ('notes = "nowhere"\n', "key 'notes': there is no folder 'nowhere' next to the file"),
        ('notes = "memory\n', "not valid TOML"),
    ],
)
def test_a_bad_config_is_one_error_line_naming_the_file_and_key(vault_copy, text, says):
    (vault_copy / CONFIG_FILE).write_text(text, encoding="utf-8")
    res = run_process(None, "list", cwd=vault_copy / "memory")
    assert res.exit_code == 1 and len(res.stderr.splitlines()) == 1, res.stderr
    assert res.stderr.startswith(f"Error: {vault_copy / CONFIG_FILE}: ") and says in res.stderr


# --- vault init ------------------------------------------------------------------------------


def test_init_describes_an_obsidian_vault_and_commits_it(obsidian):
    init_repo(obsidian)
    res = run_process(None, "init", "--json", cwd=obsidian / "Projects")
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert {k: data[k] for k in ("notes", "header_style", "default_type", "links")} == {
        "notes": ".",
        "header_style": "yaml",
        "default_type": "Note",
        "links": "obsidian",
    }
    assert data["path"] == str(obsidian / CONFIG_FILE)
    assert git(obsidian, "log", "-1", "--format=%H %s").split() == [
        data["commit"],
        "vault:",
        "add",
        CONFIG_FILE,
    ]
    assert git(obsidian, "status", "--porcelain") == ""
    # What it wrote is what the vault now reads.
    assert open_vault(obsidian).config.links == "obsidian"


def test_init_infers_the_header_style_most_notes_use(tmp_path):
    root = tmp_path / "v"
    for k in range(3):
        note(root / "memory" / f"h{k}.md", f"# H{k}\nType: Note\nDate: 2026-01-0{k + 1}\n\nx\n")
    note(root / "memory" / "y.md", "---\ntitle: Y\n---\nbody\n")
    res = run_process(root, "init", cwd=tmp_path)
    assert res.exit_code == 0, res.stderr
    text = (root / CONFIG_FILE).read_text(encoding="utf-8")
    assert res.stdout == text
    assert 'notes = "memory"' in text and 'header_style = "headers"' in text
    assert 'links = "plain"' in text
    assert res.stderr == f"wrote {root / CONFIG_FILE} (not in a git work tree: not committed)\n"
    for k in range(3, 7):  # now YAML is most used
        note(root / "memory" / f"y{k}.md", "---\ntitle: Y\n---\nbody\n")
    (root / CONFIG_FILE).unlink()
    run_process(root, "init", cwd=tmp_path)
    assert 'header_style = "yaml"' in (root / CONFIG_FILE).read_text(encoding="utf-8")


def test_init_sees_dendron(tmp_path):
    root = tmp_path / "d"
    note(root / "root.md", "---\nid: root\ntitle: Root\n---\n")
    (root / "dendron.yml").write_text("version: 5\n", encoding="utf-8")
    res = run_process(None, "init", str(root), "--json", cwd=tmp_path)
    assert json.loads(res.stdout)["links"] == "dendron" and json.loads(res.stdout)["commit"] is None


def test_init_never_overwrites_a_config(vault_copy):
    (vault_copy / CONFIG_FILE).write_text('links = "plain"\n', encoding="utf-8")
    res = run_process(None, "init", cwd=vault_copy / "memory" / "research")
    assert res.exit_code == 1 and len(res.stderr.splitlines()) == 1
    assert res.stderr == f"Error: {vault_copy / CONFIG_FILE} already exists; edit it by hand\n"
    assert (vault_copy / CONFIG_FILE).read_text(encoding="utf-8") == 'links = "plain"\n'


def test_init_without_a_vault_makes_the_current_folder_one(tmp_path):
    note(tmp_path / "here" / "a.md")
    res = run_process(None, "init", cwd=tmp_path / "here")
    assert res.exit_code == 0, res.stderr
    assert (tmp_path / "here" / CONFIG_FILE).is_file()
    assert ids_listed(run_process(None, "list", "--json", cwd=tmp_path / "here")) == ["a.md"]


def test_init_makes_a_new_folder_a_vault(tmp_path):
    res = run_process(None, "init", "new/notes", "--json", cwd=tmp_path)
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["notes"] == "."
    assert run_process(None, "list", "--json", cwd=tmp_path / "new" / "notes").stdout == "[]\n"


@pytest.mark.slow
@pytest.mark.slow
def test_init_on_a_hub_sized_vault(tmp_path):
    """How long it takes is bench/bench_init.py's figure (a benchmark, not a timed test)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from gen_vault import generate

    root = tmp_path / "hub"
    generate(root, 6600)
    init_repo(root)
    res = run_process(root, "init", cwd=tmp_path)
    assert res.exit_code == 0, res.stderr
    assert (root / CONFIG_FILE).is_file()
    assert git(root, "status", "--porcelain") == ""  # the configuration is committed


def test_new_writes_in_the_style_and_type_the_config_names(tmp_path):
    root = tmp_path / "kb"
    note(root / "pages" / "hub.md", "# Hub\n\nType: Index\n")
    (root / CONFIG_FILE).write_text(
        'notes = "pages"\nheader_style = "yaml"\ndefault_type = "Idea"\n', encoding="utf-8"
    )
    res = run_process(None, "new", "--title", "A thought", "--no-commit", "--json", cwd=root)
    assert res.exit_code == 0, res.stderr
    made = json.loads(res.stdout)
    text = Path(made["path"]).read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: A thought\n") and "type: Idea\n" in text
    assert made["type"] == "Idea"
    # Under a parent, a new note is still a technical supplement, in the same style.
    res = run_process(
        None, "new", "--parent", "pages/hub.md", "--title", "Detail", "--no-commit", "--json",
        cwd=root,
    )  # fmt: skip
    assert res.exit_code == 0, res.stderr
    made = json.loads(res.stdout)
    assert made["type"] == "Technical Supplement"
    assert Path(made["path"]).read_text(encoding="utf-8").startswith("---\n")


def test_the_config_names_the_link_rules(tmp_path):
    """`links = "dendron"`: a wikilink's target is on the right, as in Dendron, though no
    dendron.yml or Dendron root note says so."""
    root = tmp_path / "kb"
    note(root / "pages" / "a.md", "# A\n\nSee [[The B note|b]].\n")
    note(root / "pages" / "b.md", "# B\n")
    (root / CONFIG_FILE).write_text('notes = "pages"\n', encoding="utf-8")
    res = run_process(None, "backlinks", "pages/b.md", "--json", cwd=root)
    assert json.loads(res.stdout) == []  # plain rules: the target is "The B note"
    (root / CONFIG_FILE).write_text('notes = "pages"\nlinks = "dendron"\n', encoding="utf-8")
    res = run_process(None, "backlinks", "pages/b.md", "--json", cwd=root)
    assert res.exit_code == 0, res.stderr
    assert [b["id"] for b in json.loads(res.stdout)] == ["pages/a.md"]


def test_new_in_an_obsidian_vault_writes_properties_obsidian_reads(obsidian):
    """No config: YAML properties, the Parent as a [[link]] Obsidian's graph and backlinks
    count, tags as a list; vault reads the link back as the parent."""
    res = run_process(
        None, "new", "--parent", "Projects/Alpha.md", "--title", "Gamma", "--tag", "idea",
        "--date", "2026-03-01", "--no-commit", "--json", cwd=obsidian,
    )  # fmt: skip
    assert res.exit_code == 0, res.stderr
    made = json.loads(res.stdout)
    assert made["parent"] == "Projects/Alpha.md"
    text = Path(made["path"]).read_text(encoding="utf-8")
    assert text.startswith("---\n")
    assert "\nparent: '[[Projects/Alpha]]'\n" in text
    assert "\ntags:\n- idea\n" in text and "\ndate: 2026-03-01\n" in text  # a date, unquoted
    shown = json.loads(run_process(None, "show", made["id"], "--json", cwd=obsidian).stdout)
    assert shown["parent"] == "Projects/Alpha.md" and shown["tags"] == ["idea"]


def test_new_follows_the_style_most_notes_use(tmp_path):
    root = tmp_path / "kb"
    for k in range(3):
        note(root / "memory" / f"n{k}.md", f"---\ntitle: N{k}\ntype: Idea\n---\n\nText.\n")
    note(root / "memory" / "h.md", "# H\n\nType: Idea\n")
    res = run_process(None, "new", "--title", "Fresh", "--no-commit", "--json", cwd=root)
    assert res.exit_code == 0, res.stderr
    assert Path(json.loads(res.stdout)["path"]).read_text(encoding="utf-8").startswith("---\n")


def test_a_vault_given_as_a_file_says_so_and_names_the_vault_it_is_in(vault_copy, tmp_path):
    note = vault_copy / "memory" / "research" / "2026-02-14-exosomes-deep-dive.md"
    res = run_process(note, "list", cwd=tmp_path)
    assert res.exit_code == 1 and res.stdout == ""
    assert res.stderr == (
        f"Error: {str(note)!r} (from --vault) is a file, not a vault's folder; the vault it is"
        f" in is {vault_copy.resolve()} (give that, or the note itself to the command)\n"
    )
    lone = tmp_path / "lone.md"
    lone.write_text("# Lone\n", encoding="utf-8")
    res = run_process(None, "list", cwd=tmp_path, env={"VAULT_DIR": str(lone)})
    assert res.exit_code == 1
    assert res.stderr == f"Error: {str(lone)!r} (from $VAULT_DIR) is a file, not a vault's folder\n"
