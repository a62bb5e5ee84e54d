"""The web app in real Chromium (Playwright) against a real `vault serve`: navigation, search
as you type, the write forms (then seen in `git log` and `vault show`), a stale hash refused
with the change shown, a hostile note that never runs or leaks, and --read-only."""

from __future__ import annotations

import http.client
import json
import re
from urllib.parse import quote, urlsplit

import pytest
from conftest import git
from playwright.sync_api import expect
from test_serve import Server, serve, vault  # noqa: F401 - `serve` is a fixture

HUB = "memory/research/2026-02-14-skin-tech-trends.md"
DEEP = "memory/research/2026-02-14-exosomes-deep-dive.md"
HOSTILE = "memory/research/hostile.md"
HOSTILE_TEXT = """\
# Hostile note

Parent: memory/research/2026-02-14-skin-tech-trends.md

<script>alert("script")</script>

<img src="x" onerror="alert('img')">

Some <b onmouseover="alert('b')">bold</b> text and [a link](javascript:alert('link')) and
[another](JAVASCRIPT:alert('upper')) and <a href="javascript:alert('raw')">raw</a>.

A way out: [[../../etc/passwd]] and [up](../../../../etc/passwd) and ![pic](../../.git/config)

An outside picture: ![tracker](http://evil.example/pixel.png) and <iframe src="http://evil.example/"></iframe>
"""


class Watched:
    """A browser page whose dialogs, console errors and requests elsewhere are kept."""

    def __init__(self, browser, server: Server):
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.origin = f"http://127.0.0.1:{server.port}"
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.elsewhere: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("response", lambda r: r.status >= 400 and self.errors.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", self._request)
        self.page.goto(f"{self.origin}/?token={server.token}")

    def _request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob"):
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.elsewhere.append(request.url)

    def go(self, path: str) -> None:
        self.page.goto(self.origin + path)

    def clean(self) -> None:
        assert (self.dialogs, self.errors, self.elsewhere) == ([], [], [])

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def web(browser, serve):  # noqa: F811 - the fixture imported above
    opened: list[Watched] = []

    def open_page(server: Server) -> Watched:
        w = Watched(browser, server)
        opened.append(w)
        return w

    yield open_page
    for w in opened:
        w.close()


def test_home_note_backlink_parent(git_vault, serve, web):  # noqa: F811
    w = web(serve(git_vault))
    page = w.page
    assert page.title().endswith("vault")
    assert page.locator("main h1").inner_text() == "vault"
    page.get_by_role("link", name="Skin-Tech Trends 2026: Research Hub").first.click()
    assert page.url.endswith("/note/" + HUB)
    assert page.locator("#note-title").inner_text() == "Skin-Tech Trends 2026: Research Hub"
    expect(page.locator("#related li a").first).to_be_visible()  # fetched after the page
    backlinks = page.locator(".backlinks")
    backlinks.get_by_role("link", name=re.compile("^Deep Dive")).click()
    assert page.url.endswith("/note/" + DEEP)
    graph = page.get_by_role("group", name=re.compile("^Local graph of Deep Dive"))
    expect(graph).to_be_visible()  # drawn by the server: no script, under the CSP
    graph.get_by_role("link", name="Parent: Skin-Tech Trends 2026: Research Hub").click()
    assert page.url.endswith("/note/" + HUB)
    page.go_back()
    page.locator("a[rel=up]").click()
    assert page.url.endswith("/note/" + HUB)
    assert page.locator("main").count() == 1 and page.locator("nav").count() >= 1
    w.clean()


def test_related_notes_arriving_late_move_nothing_a_reader_may_click(git_vault, serve, web):  # noqa: F811
    """The related list comes after the page; when it fills, the write forms above or below it
    must not jump (a click on "Append to this note" as it arrived used to land elsewhere)."""
    w = web(serve(git_vault))
    page = w.page
    held = []
    page.route("**/related.json*", lambda route: held.append(route))
    w.go("/note/" + DEEP)
    expect(page.locator("#related")).to_have_text("Looking…")
    summary = page.locator("summary", has_text="Append to this note")
    before = summary.bounding_box()
    for _ in range(500):  # until the held request has reached this side (events are pumped)
        if held:
            break
        page.wait_for_timeout(20)
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator("#related li a").first).to_be_visible()
    assert page.locator("#related li").count() > 1  # it grew
    assert summary.bounding_box() == before
    w.clean()


def test_search_as_you_type_and_slash_focuses_it(git_vault, serve, web):  # noqa: F811
    w = web(serve(git_vault))
    page = w.page
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "quick"
    w.go("/search")
    box = page.locator("#s-query")
    box.press_sequentially("exosom", delay=30)
    expect(page.locator("#results li a").first).to_contain_text("xosome")
    assert "query=exosom" in page.url  # the address follows, so the results can be shared
    box.fill("")
    box.press_sequentially("Regenerative", delay=30)
    expect(page.locator("#results li a").first).to_have_text(re.compile("^Deep Dive"))
    page.locator("#s-explain").check()  # each hit's ranks, as `search --explain` prints them
    expect(page.locator("#results .explain").first).to_contain_text("keyword #1, vector")
    assert "explain=yes" in page.url
    page.locator("#results li a").first.click()
    assert page.url.endswith("/note/" + DEEP)
    w.clean()


def _log(root) -> str:
    return git(root, "log", "--format=%s", "-n", "3")


def test_new_supplement_and_append_through_the_forms(git_vault, serve, web):  # noqa: F811
    server = serve(git_vault)
    w = web(server)
    page = w.page
    w.go("/note/" + DEEP)
    page.locator("summary", has_text="Append to this note").click()
    page.select_option("#a-section", "1. Mechanism of Action")
    page.fill("#a-text", "Appended from the browser.")
    page.locator("#append-form button").click()
    assert page.url.endswith(f"/note/{DEEP}?done=append")
    assert "Appended from the browser." in page.locator(".body").inner_text()
    assert _log(git_vault).splitlines()[0] == f"vault: append to {DEEP}"
    code, out, _ = vault(git_vault, "show", DEEP, served=False)
    assert code == 0 and b"Appended from the browser." in out

    page.locator("summary", has_text="New supplement").click()
    page.fill("#n-title", "Browser supplement")
    page.fill("#n-tags", "web, test")
    page.fill("#n-body", "Written in a form. See [[2026-02-14-exosomes-deep-dive]].")
    page.locator("#new-form button").click()
    assert "?done=new" in page.url
    assert page.locator("#note-title").inner_text() == "Browser supplement"
    assert page.locator("a[rel=up]").get_attribute("href") == "/note/" + quote(DEEP)
    assert page.locator(".body a", has_text="2026-02-14-exosomes-deep-dive").get_attribute(
        "href"
    ) == ("/note/" + quote(DEEP))
    new_id = page.url.split("/note/", 1)[1].split("?")[0]
    assert _log(git_vault).splitlines()[0] == f"vault: add {new_id}"
    code, out, _ = vault(git_vault, "show", new_id, "--json", served=False)
    shown = json.loads(out)
    assert code == 0 and shown["parent"] == DEEP and shown["tags"] == ["web", "test"]
    assert shown["type"] == "Technical Supplement"
    w.clean()


def test_an_append_with_a_stale_hash_is_refused_and_shows_the_change(git_vault, serve, web):  # noqa: F811
    w = web(serve(git_vault))
    page = w.page
    w.go("/note/" + DEEP)
    path = git_vault / DEEP
    before = path.read_bytes()
    changed = before.replace(b"paracrine mediators", b"paracrine messengers")
    path.write_bytes(changed)  # meanwhile, someone else edits the note
    commits = _log(git_vault)
    page.locator("summary", has_text="Append to this note").click()
    page.fill("#a-text", "This must not land.")
    page.locator("#append-form button").click()
    assert page.locator("h1").inner_text() == "The note changed meanwhile"
    diff = page.locator("pre.diff").inner_text()
    assert (
        "-Exosomes are extracellular vesicles (30-150nm) functioning as paracrine mediators" in diff
    )
    assert (
        "+Exosomes are extracellular vesicles (30-150nm) functioning as paracrine messengers"
        in diff
    )
    assert path.read_bytes() == changed and _log(git_vault) == commits
    refused = f"/write/append/{DEEP}"  # its status: 409 Conflict, which the console tells
    assert any(e.endswith(refused) for e in w.errors)
    w.errors = [e for e in w.errors if "409 (Conflict)" not in e and not e.endswith(refused)]
    w.clean()


def test_a_hostile_note_never_runs_or_leaks(git_vault, serve, web):  # noqa: F811
    (git_vault / HOSTILE).write_text(HOSTILE_TEXT, encoding="utf-8")
    git(git_vault, "add", "-A")
    git(git_vault, "commit", "-qm", "hostile")
    w = web(serve(git_vault))
    page = w.page
    w.go("/note/" + HOSTILE)
    body = page.locator(".body")
    assert "<script>" in body.inner_text()  # shown as text, never run
    assert body.locator("script, img[onerror], iframe, [onmouseover]").count() == 0
    hrefs = body.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    # Only notes, and the outside picture as a link to follow (never loaded by the page).
    assert [h for h in hrefs if h is not None] == ["http://evil.example/pixel.png"], hrefs
    assert body.locator(".broken", has_text="../../etc/passwd").count() == 1
    assert body.locator("img").count() == 0  # not the outside picture, not .git/config
    # Hover, click everything that looks clickable: still nothing runs.
    for link in body.locator("a, b").all():
        link.hover()
    page.wait_for_timeout(200)
    assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0
    w.go("/search?query=hostile")
    page.wait_for_selector("#results li")
    w.clean()


def _post(server: Server, path: str, body: str, cookie: bool = True) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    headers = {
        "Host": f"127.0.0.1:{server.port}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    if cookie:
        headers["Cookie"] = f"vault_token={server.token}"
    conn.request("POST", path, body=body, headers=headers)
    return conn.getresponse().status


def test_read_only_shows_no_form_and_refuses_a_forged_post(git_vault, serve, web):  # noqa: F811
    server = serve(git_vault, "--read-only")
    w = web(server)
    w.go("/note/" + DEEP)
    assert w.page.locator("form[method=post]").count() == 0
    sha = json.loads(vault(git_vault, "show", DEEP, "--json", served=False)[1])["sha256"]
    before = (git_vault / DEEP).read_bytes()
    forged = f"sha256={sha}&text=forged&csrf=guess"
    assert _post(server, "/write/append/" + DEEP, forged) == 403
    assert (git_vault / DEEP).read_bytes() == before
    w.clean()


def test_a_post_without_the_csrf_token_is_refused(git_vault, serve):  # noqa: F811
    server = serve(git_vault)
    sha = json.loads(vault(git_vault, "show", DEEP, "--json", served=False)[1])["sha256"]
    before = (git_vault / DEEP).read_bytes()
    assert _post(server, "/write/append/" + DEEP, f"sha256={sha}&text=x") == 403
    assert _post(server, "/write/append/" + DEEP, f"sha256={sha}&text=x&csrf=nope") == 403
    assert _post(server, "/write/append/" + DEEP, f"sha256={sha}&text=x", cookie=False) == 401
    assert (git_vault / DEEP).read_bytes() == before


def _get(server: Server, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    headers = {"Host": f"127.0.0.1:{server.port}", "Cookie": f"vault_token={server.token}"}
    conn.request("GET", path, headers=headers)  # the path as written: no client tidies it
    response = conn.getresponse()
    return response.status, response.read()


def test_path_traversal_urls_are_refused(git_vault, serve, tmp_path):  # noqa: F811
    (tmp_path / "secret.txt").write_text("secret")
    (git_vault / "memory/escape.txt").symlink_to(tmp_path / "secret.txt")
    server = serve(git_vault)
    for path in (
        "/file/../../../../etc/passwd",
        "/file/memory/../../../etc/passwd",
        "/file/memory/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/file/memory/..%2f..%2f..%2fetc%2fpasswd",
        "/file//etc/passwd",
        "/file/.git/HEAD",
        "/file/memory/escape.txt",
        "/note/../../../etc/passwd",
        "/note/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/static/../../../../etc/passwd",
        "/history/..%2f..%2fetc%2fpasswd",
    ):
        status, body = _get(server, path)
        assert status in (400, 404), (path, status)
        assert b"root:" not in body and b"secret" not in body and b"[core]" not in body, path
    assert _get(server, "/note/" + DEEP)[0] == 200


def test_the_graph_page_is_fed_by_the_server_and_opens_a_note(git_vault, serve, web):  # noqa: F811
    w = web(serve(git_vault))
    page = w.page
    w.go("/graph")
    # (wait_for_function evaluates a string: the page's CSP forbids that, rightly)
    for _ in range(300):
        if page.evaluate("() => !!(window.vaultGraph && window.vaultGraph.ready)"):
            break
        page.wait_for_timeout(100)
    assert page.evaluate("window.vaultGraph.nodeCount") >= 4
    for _ in range(300):  # until the layout stands still, so the node stays where it is
        if page.evaluate("() => window.vaultGraph.settled"):
            break
        page.wait_for_timeout(100)
    at = page.evaluate("id => window.vaultGraph.viewportPosition(id)", DEEP)
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
    page.wait_for_url("**/note/**")
    assert page.url.endswith("/note/" + DEEP)
    w.clean()
