"""The web app's routes in process (Starlette's TestClient over the app `vault serve` mounts,
behind its Guard, on a real Resident and worker): what needs no browser. The browser's side
is tests/test_web.py."""

from __future__ import annotations

import html
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest
from conftest import git
from starlette.testclient import TestClient

from vault.serve.guard import Guard
from vault.serve.process import Served
from vault.serve.resident import Resident
from vault.vault import open_vault
from vault.web.app import CSP, with_pages

DEEP = "memory/research/2026-02-14-exosomes-deep-dive.md"
HUB = "memory/research/2026-02-14-skin-tech-trends.md"
TOKEN = "t" * 43


async def no_mcp(scope, receive, send):
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 418, "headers": []})
        await send({"type": "http.response.body", "body": b"mcp"})


@pytest.fixture
def app(git_vault):
    worker = ThreadPoolExecutor(1)
    made = []

    def make(read_only: bool = False) -> TestClient:
        resident = worker.submit(Resident, str(git_vault), watch=False).result()
        served = Served(
            open_vault(git_vault), resident, worker, read_only, 30, "127.0.0.1", 8000, TOKEN
        )
        guarded = Guard(with_pages(served, no_mcp), token=TOKEN, host="127.0.0.1", port=8000)
        client = TestClient(guarded, base_url="http://127.0.0.1:8000")
        client.headers["Authorization"] = f"Bearer {TOKEN}"
        made.append(client)
        return client

    yield make
    worker.shutdown()


def _form(page: str) -> dict[str, str]:
    return {
        "csrf": re.search(r'name="csrf" value="(\w+)"', page)[1],
        "sha256": re.search(r'name="sha256" value="(\w+)"', page)[1],
    }


def test_every_page_has_the_csp_and_a_title_and_mcp_stays_at_mcp(app):
    client = app()
    for path in ("/", f"/note/{DEEP}", "/search?query=exosome", "/problems", f"/history/{DEEP}"):
        res = client.get(path)
        assert res.status_code == 200, path
        assert res.headers["content-security-policy"] == CSP
        assert res.headers["x-content-type-options"] == "nosniff"
        assert re.search(r"<title>[^<]+</title>", res.text) and '<main id="main">' in res.text
        assert "<script>" not in res.text and "<style>" not in res.text  # nothing inline
    graph = client.get("/graph")
    assert "worker-src 'self' blob:" in graph.headers["content-security-policy"]
    assert "<script>" not in graph.text and "<style>" not in graph.text
    assert client.get("/mcp").status_code == 418  # the MCP app's, not a page


def test_the_token_is_needed_and_opening_with_it_sets_the_cookie(app):
    client = app()
    del client.headers["Authorization"]
    assert client.get(f"/note/{DEEP}").status_code == 401
    assert client.get("/static/style.css").status_code == 401
    res = client.get(f"/?token={TOKEN}")
    assert res.status_code == 200 and "<h1>vault</h1>" in res.text
    assert f"vault_token={TOKEN}" in res.headers["set-cookie"]
    assert client.get(f"/note/{DEEP}").status_code == 200  # the cookie now


def test_the_note_page_links_resolve_and_the_sidebar(app, git_vault):
    note = git_vault / "memory/research/links.md"
    note.write_text(
        "# Links\n\nParent: memory/research/2026-02-14-skin-tech-trends.md\n\n"
        "[[2026-02-14-exosomes-deep-dive#3. Stability & Delivery Challenges|stability]] and\n"
        "[deep](2026-02-14-exosomes-deep-dive.md#x) and [[nowhere]] and ![[pic.png]] and\n"
        "![gone](missing.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\nA note.[^1]\n\n"
        "[^1]: The footnote.\n\n```\n<code>\n```\n\n<!-- a comment\nnot shown -->\n",
        encoding="utf-8",
    )
    (git_vault / "memory/research/pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    client = app()
    page = client.get("/note/memory/research/links.md").text
    deep = "/note/" + quote(DEEP)
    assert f'<a href="{deep}#3-stability--delivery-challenges">stability</a>' in page
    assert f'<a href="{deep}#x">deep</a>' in page
    assert '<span class="broken" title="no note or file &#x27;nowhere&#x27;">nowhere</span>' in page
    assert '<img src="/file/memory/research/pic.png" alt="pic.png"' in page
    assert '<span class="broken"' in page.split("missing.png")[0].rsplit("and", 1)[1]
    assert "<table>" in page and 'type="checkbox"' in page and "footnote" in page
    assert "&lt;code&gt;" in page and "not shown" not in page  # comments hidden, as editors do
    deep_page = client.get(f"/note/{DEEP}").text
    assert 'id="3-stability--delivery-challenges"' in deep_page  # where the link lands
    hub = client.get(f"/note/{HUB}").text
    assert f'href="/note/{quote("memory/research/links.md")}"' in hub.split('id="h-backlinks"')[1]
    assert "2026-02-14-exosomes-deep-dive.md" in hub.split('id="h-children"')[1]
    assert client.get("/file/memory/research/pic.png").content.startswith(b"\x89PNG")


HOSTILE = """# Hostile

<script>alert(1)</script>
<img src=x onerror="alert(2)">
[x](javascript:alert(3)) [y](  JavaScript:alert(4)) [z](data:text/html,<script>alert(5)</script>)
[v](vbscript:msgbox) ![i](javascript:alert(6)) [[../../etc/passwd]] [w](file:///etc/passwd)
"""


def test_a_hostile_note_renders_inert(app, git_vault):
    (git_vault / "memory/hostile.md").write_text(HOSTILE, encoding="utf-8")
    body = app().get("/note/memory/hostile.md").text.split('<div class="body">')[1]
    body = body.split("</article>")[0]
    assert (
        "<script" not in body
        and "<img" not in body
        and "onerror=" not in body.replace("onerror=&quot;", "")
    )
    assert not re.search(r'href="(?!/note/)', body), body
    assert "javascript:" not in re.sub(r">[^<]*<", "><", body)  # only ever as text
    assert '<span class="broken"' in body and "../../etc/passwd" in body


@pytest.mark.parametrize(
    "path",
    [
        "/file/../../etc/passwd",
        "/file/..%2F..%2Fetc%2Fpasswd",
        "/file/memory/%2e%2e/%2e%2e/etc/passwd",
        "/file/.git/config",
        "/file/memory/.git/config",
        "/file/memory/escape.txt",
        "/file/%2Fetc%2Fpasswd",
        "/file/memory/research",
        "/note/..%2F..%2F..%2Fetc%2Fpasswd",
        "/note/%2Fetc%2Fpasswd",
        "/history/..%2F..%2Fetc%2Fpasswd",
        "/static/..%2F..%2Fweb%2Fapp.py",
        "/static/app.py",
    ],
)
def test_no_url_reaches_a_file_outside_the_notes(app, git_vault, tmp_path, path):
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    os.symlink(secret, git_vault / "memory/escape.txt")  # a symbolic link that leads out
    res = app().get(path)
    assert res.status_code in (400, 404), (path, res.status_code)
    assert b"secret" not in res.content and b"root:" not in res.content


def test_an_attachment_is_sandboxed(app, git_vault):
    (git_vault / "memory/x.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script/>')
    res = app().get("/file/memory/x.svg")
    assert res.status_code == 200 and res.headers["content-type"].startswith("image/svg+xml")
    assert "sandbox" in res.headers["content-security-policy"]


def test_search_json_is_vault_search_json(app, git_vault, run):
    client = app()
    for args, params in (
        (["exosome"], {}),
        (["exosome", "--type", "Technical Supplement"], {"type": "Technical Supplement"}),
        (["skin", "--limit", "2"], {"limit": "2"}),
        (["exosome", "--tag", "#K-Beauty", "--tag", "regenerative"], {"tag": "#K-Beauty,regenerative"}),  # noqa: E501
        (["exosome", "--mode", "keyword", "--explain"], {"mode": "keyword", "explain": "yes"}),
    ):  # fmt: skip
        cli = run(git_vault, "search", *args, "--json")
        res = client.get("/search.json", params={"query": args[0], **params})
        assert res.status_code == 200
        assert res.json() == json.loads(cli.stdout), args
    assert [h["id"] for h in res.json()][0] and all("explain" in h for h in res.json())
    bad = client.get("/search.json", params={"query": "x", "since": "soon"})
    assert bad.status_code == 400 and "since" in bad.json()["error"]
    for limit in ("0", "many"):
        bad = client.get("/search.json", params={"query": "x", "limit": limit})
        assert bad.status_code == 400 and "limit" in bad.json()["error"]
    bad = client.get("/search.json", params={"query": "x", "mode": "psychic"})
    assert bad.status_code == 400 and "unknown search mode 'psychic'" in bad.json()["error"]


def test_the_search_page_takes_tags_the_mode_and_explain(app):
    client = app()
    page = client.get("/search", params={"query": "exosome", "tag": "regenerative"}).text
    assert re.findall(r'<div class="path">([^<]+)</div>', page) == [HUB]
    assert '<option value="keyword" selected>' in page and 'class="explain' not in page
    page = client.get("/search", params={"query": "exosome", "explain": "yes"}).text
    assert 'name="explain" value="yes" id="s-explain" checked' in page
    assert re.search(
        r'<p class="explain meta">keyword #1, vector (#\d+|-), fused \d+\.\d{4}; chunk: ', page
    )
    listed = client.get("/search", params={"tag": "skincare", "mode": "keyword"}).text
    assert re.findall(r'<div class="path">([^<]+)</div>', listed) == [HUB]  # no words: a list
    assert "<ol" not in client.get("/search", params={"mode": "keyword"}).text.split("</form>")[1]


def test_related_json_is_vault_related_json(app, git_vault, run):
    client = app()
    cli = run(git_vault, "related", DEEP, "--limit", "8", "--json")
    res = client.get("/related.json", params={"id": DEEP})
    assert res.status_code == 200 and res.json() == json.loads(cli.stdout) != []
    assert client.get("/related.json", params={"id": "nowhere"}).status_code == 404


def test_an_append_with_the_hash_it_loaded_and_a_stale_one(app, git_vault):
    client = app()
    form = _form(client.get(f"/note/{DEEP}").text)
    done = client.post(
        f"/write/append/{DEEP}", data={**form, "text": "One more line."}, follow_redirects=False
    )
    assert (
        done.status_code == 303 and done.headers["location"] == f"/note/{quote(DEEP)}?done=append"
    )
    assert git(git_vault, "log", "-1", "--format=%s").strip() == f"vault: append to {DEEP}"
    before = (git_vault / DEEP).read_bytes()
    again = client.post(f"/write/append/{DEEP}", data={**form, "text": "Stale."})
    assert again.status_code == 409
    assert '<span class="add">+One more line.</span>' in again.text
    assert (git_vault / DEEP).read_bytes() == before


def test_a_new_supplement_with_a_stale_hash_writes_nothing(app, git_vault):
    client = app()
    form = _form(client.get(f"/note/{DEEP}").text)
    (git_vault / DEEP).write_bytes((git_vault / DEEP).read_bytes() + b"\nMeanwhile.\n")
    res = client.post(f"/write/new/{DEEP}", data={**form, "title": "Late", "body": "x"})
    assert res.status_code == 409 and '<span class="add">+Meanwhile.</span>' in res.text
    assert not list((git_vault / "memory").rglob("*late*"))


def test_a_new_supplement_checks_the_hash_under_the_lock_that_writes_it(app, git_vault):
    """The parent edited after the page's POST arrived but before the note is written (the
    vault's write lock held meanwhile, as another writer holds it): nothing is written."""
    import threading
    import time

    from vault.locks import write_lock

    client = app()
    form = _form(client.get(f"/note/{DEEP}").text)
    answer = {}
    post = {**form, "title": "Slipped", "body": "x"}
    writer = threading.Thread(
        target=lambda: answer.update(res=client.post(f"/write/new/{DEEP}", data=post))
    )
    with write_lock(open_vault(git_vault)):
        writer.start()
        time.sleep(1.0)  # the POST is in, waiting for the lock
        (git_vault / DEEP).write_bytes((git_vault / DEEP).read_bytes() + b"\nMeanwhile.\n")
    writer.join(30)
    assert answer["res"].status_code == 409 and "+Meanwhile." in answer["res"].text
    assert not list((git_vault / "memory").rglob("*slipped*"))


def _nodes(page: str) -> list[tuple[str, str, str]]:
    """The local graph's nodes: (kind, address, accessible name)."""
    found = re.findall(r'<a href="([^"]+)" class="node (\w+)" aria-label="([^"]+)"', page)
    return [(kind, href, name) for href, kind, name in found]


def test_the_note_page_draws_its_local_graph(app, git_vault):
    client = app()
    deep = client.get(f"/note/{DEEP}").text
    assert re.search(r'<svg viewBox="0 [\d.]+ 320 [\d.]+"', deep) and "<script>" not in deep
    assert ("parent", f"/note/{quote(HUB)}", "Parent: Skin-Tech Trends 2026: Research Hub") in (
        _nodes(deep)
    )
    hub = _nodes(client.get(f"/note/{HUB}").text)
    kinds = {href.removeprefix("/note/"): kind for kind, href, _ in hub}
    assert kinds[quote(DEEP)] == "child"  # a child it also links to: drawn once, as a child
    assert kinds[quote("memory/posts/2026-01-11-exosomes-in-k-beauty.md")] == "out"
    assert len(kinds) == len(hub)  # each neighbour once


def test_a_hub_s_local_graph_draws_the_first_of_each_kind_and_counts_the_rest(app, git_vault):
    for k in range(14):
        (git_vault / "memory" / "research" / f"linker-{k:02}.md").write_text(
            f"# Linker {k:02}\n\nSee [[2026-02-14-exosomes-deep-dive]].\n", encoding="utf-8"
        )
    page = app().get(f"/note/{DEEP}").text
    back = [name for kind, _, name in _nodes(page) if kind == "back"]
    assert back[:2] == ["Linked from: Linker 00", "Linked from: Linker 01"] and len(back) == 10
    left = re.search(r"Not drawn: (\d+) more notes linking here", page)
    assert left and int(left[1]) >= 4  # fourteen linkers, ten drawn


def test_csrf_and_read_only(app, git_vault):
    client = app()
    form = _form(client.get(f"/note/{DEEP}").text)
    before = (git_vault / DEEP).read_bytes()
    for csrf in ("", "0" * 64):
        res = client.post(f"/write/append/{DEEP}", data={**form, "csrf": csrf, "text": "x"})
        assert res.status_code == 403
    read_only = app(read_only=True)
    page = read_only.get(f"/note/{DEEP}").text
    assert "<form method" not in page and 'name="csrf"' not in page
    assert read_only.post(f"/write/append/{DEEP}", data={**form, "text": "x"}).status_code == 403
    assert (git_vault / DEEP).read_bytes() == before


def test_history_a_version_and_a_diff(app, git_vault):
    path = git_vault / DEEP
    path.write_bytes(path.read_bytes().replace(b"paracrine mediators", b"paracrine messengers"))
    git(git_vault, "commit", "-qam", "second")
    first = git(git_vault, "rev-list", "--max-parents=0", "HEAD").strip()
    second = git(git_vault, "rev-parse", "HEAD").strip()
    client = app()
    history = client.get(f"/history/{DEEP}").text
    assert first[:10] in history and second[:10] in history
    old = client.get(f"/history/{DEEP}", params={"at": first}).text
    assert "paracrine mediators" in old and "paracrine messengers" not in old
    diff = client.get(f"/history/{DEEP}", params={"a": first, "b": second}).text
    removed = re.search(r'<span class="del">-Exosomes[^<]*</span>', diff)[0]
    added = re.search(r'<span class="add">\+Exosomes[^<]*</span>', diff)[0]
    assert "paracrine mediators" in removed and "paracrine messengers" in added
    assert client.get(f"/history/{DEEP}", params={"at": "--output=x"}).status_code == 400


def test_home_counts_and_problems(app):
    client = app()
    home = client.get("/").text
    assert "4 notes." in home and "Technical Supplement" in home
    newest = re.findall(r'<li><a href="/note/([^"]+)">', home.split('id="h-newest"')[1])
    assert newest[-1] == quote("memory/articles/the-rising-trend-of-exosomes-in-skincare.md")
    # ^ its date is its first commit's, today: `vault list` puts it after the stated dates
    assert 'href="/problems"' in home
    assert "Problems" in client.get("/problems").text


def _commits(root) -> int:
    return int(git(root, "rev-list", "--count", "HEAD"))


def test_the_revising_verbs_each_one_guarded_commit(app, git_vault, run):
    client = app()
    url = f"/write/{{}}/{DEEP}"

    def post(verb: str, **fields):
        form = _form(client.get(f"/note/{DEEP}").text)
        return client.post(url.format(verb), data={**form, **fields}, follow_redirects=False)

    count = _commits(git_vault)
    res = post("replace", old="paracrine mediators", new="paracrine messengers")
    assert res.status_code == 303 and res.headers["location"].endswith("?done=replace")
    assert b"paracrine messengers" in (git_vault / DEEP).read_bytes()
    res = post("set", values="Status = reviewed", tags="+checked")
    assert res.status_code == 303, res.text
    shown = json.loads(run(git_vault, "show", DEEP, "--json").stdout)
    assert shown["meta"].get("Status") == "reviewed" and "checked" in shown["tags"]
    assert _commits(git_vault) == count + 2
    first = git(git_vault, "rev-list", "--max-parents=0", "HEAD").strip()
    page = client.get(f"/history/{DEEP}", params={"at": first}).text
    restore = {**_form(page), "at": first}
    assert client.post(url.format("restore"), data=restore).status_code == 200
    assert b"paracrine mediators" in (git_vault / DEEP).read_bytes()
    assert _commits(git_vault) == count + 3
    stale = client.post(url.format("restore"), data=restore)  # the hash of before the restore
    assert stale.status_code == 409 and _commits(git_vault) == count + 3
    refused = post("rm")  # the hub still links to it: refused, unless forced
    assert refused.status_code == 400 and "force" in refused.text
    removed = post("rm", force="yes")
    assert removed.status_code == 200 and "was removed" in removed.text
    assert not (git_vault / DEEP).exists() and _commits(git_vault) == count + 4


def test_a_long_note_shows_its_opening_and_the_whole_on_request(app, git_vault):
    """A note of 5,000 list items (an index note) is rendered in part unless asked whole:
    markdown-it-py takes seconds over tens of thousands of blocks, the server's other pages
    waiting meanwhile."""
    items = "".join(f"- item {n} [[2026-02-14-exosomes-deep-dive]]\n" for n in range(5000))
    (git_vault / "memory" / "index.md").write_text(f"# Index\n\n{items}", encoding="utf-8")
    client = app()
    part = client.get("/note/memory/index.md")
    assert part.status_code == 200
    assert "item 10 " in part.text and "item 4999 " not in part.text
    cut = re.search(r'id="note-cut">This note is long: its first ([\d,]+) of ([\d,]+)', part.text)
    assert cut and int(cut[1].replace(",", "")) < int(cut[2].replace(",", ""))
    whole = client.get("/note/memory/index.md?whole=1")
    assert "item 4999 " in whole.text and 'id="note-cut"' not in whole.text
    short = client.get(f"/note/{DEEP}")
    assert 'id="note-cut"' not in short.text


def test_a_new_supplement_s_tags_follow_the_cli_s_rule(app, git_vault):
    """The form's tags go to the same check `vault new --tag` uses: "#ok" loses its mark,
    "# spaced" is refused with the CLI's words (a tag ends at a space), nothing written."""
    from vault.errors import InvalidInput
    from vault.values import tag

    client = app()
    form = _form(client.get(f"/note/{DEEP}").text)
    post = {**form, "body": "x"}
    refused = client.post(
        f"/write/new/{DEEP}",
        data={**post, "title": "Spaced", "tags": "#ok, # x"},
        follow_redirects=False,
    )
    with pytest.raises(InvalidInput) as cli:
        tag("# x")
    assert refused.status_code == 400 and str(cli.value) in html.unescape(refused.text)
    assert not list((git_vault / "memory").rglob("*spaced*"))
    made = client.post(
        f"/write/new/{DEEP}",
        data={**post, "title": "Tagged", "tags": "#ok, b"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    (note,) = (git_vault / "memory").rglob("*tagged*")
    from vault.catalog import load_catalog

    record = load_catalog(open_vault(git_vault)).records[note.relative_to(git_vault).as_posix()]
    assert record.tags == ("ok", "b")


def test_a_nul_byte_in_an_address_is_refused_not_a_server_error(app):
    client = app()
    assert client.get("/file/memory/a%00b.png").status_code == 404
    res = client.get("/search.json", params={"query": "x", "author": "a\x00b"})
    assert res.status_code == 400 and res.json() == {"error": "author cannot hold a NUL byte"}
