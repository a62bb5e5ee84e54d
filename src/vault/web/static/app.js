// vault serve's pages: "/" focuses search; the search page's results as you type, from
// /search.json (the same ranking and filters as `vault search --json`). No inline script,
// no innerHTML: every text from the vault goes into the page as text.
"use strict";

document.addEventListener("keydown", (ev) => {
  if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const t = ev.target;
  if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
  const box = document.getElementById("s-query") || document.getElementById("quick");
  if (box) { ev.preventDefault(); box.focus(); box.select(); }
});

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

function snippet(hit) {
  const p = el("p", "snippet");
  let at = 0;
  for (const [a, b] of hit.marks || []) {
    p.append(hit.snippet.slice(at, a), el("mark", "", hit.snippet.slice(a, b)));
    at = b;
  }
  p.append(hit.snippet.slice(at));
  return p;
}

// A hit's ranking, as `vault search --explain` prints it (and the page's macro `explained`).
function explained(e) {
  const rank = (r) => (r === null || r === undefined ? "-" : "#" + r);
  const chunk = e.chunk && e.chunk.length > 80 ? e.chunk.slice(0, 79) + "…" : e.chunk;
  return "keyword " + rank(e.keyword_rank) + ", vector " + rank(e.vector_rank) +
    ", fused " + Number(e.fused).toFixed(4) + (chunk ? "; chunk: " + chunk : "");
}

function noteHref(id) {
  return "/note/" + id.split("/").map(encodeURIComponent).join("/");
}

function showHits(list, hits) {
  list.replaceChildren(...hits.map((h) => {
    const li = el("li");
    const a = el("a", "", h.title || h.id);
    a.href = noteHref(h.id);
    const meta = el("span", "meta", " " + (h.type || "") + (h.date ? " · " + h.date : ""));
    li.append(a, meta, el("div", "path", h.id));
    if (h.snippet) li.append(snippet(h));
    if (h.explain) li.append(el("p", "explain meta", explained(h.explain)));
    return li;
  }));
}

function liveSearch(form) {
  const list = document.getElementById("results");
  const status = document.getElementById("search-status");
  let timer = 0;
  let ask = null;
  const run = async () => {
    const params = new URLSearchParams(new FormData(form));
    for (const [k, v] of [...params]) if (!v.trim()) params.delete(k);
    history.replaceState(null, "", "/search?" + params);
    if (!params.get("query")) { list.replaceChildren(); status.textContent = ""; return; }
    if (ask) ask.abort();
    ask = new AbortController();
    try {
      const res = await fetch("/search.json?" + params, { signal: ask.signal, credentials: "same-origin" });
      const body = await res.json();
      if (!res.ok) { status.textContent = body.error || "search failed"; list.replaceChildren(); return; }
      showHits(list, body);
      status.textContent = body.length + (body.length === 1 ? " note" : " notes");
    } catch (err) {
      if (err.name !== "AbortError") status.textContent = "search failed";
    }
  };
  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 150); });
}

const form = document.getElementById("search-form");
if (form) liveSearch(form);

// A note page's related notes come after the page (vault related: slower than the page).
async function related(list) {
  const res = await fetch("/related.json?id=" + encodeURIComponent(list.dataset.note),
    { credentials: "same-origin" });
  const hits = res.ok ? await res.json() : [];
  if (!hits.length) { list.replaceChildren(el("li", "meta", res.ok ? "None" : "Not available")); return; }
  list.replaceChildren(...hits.map((h) => {
    const li = el("li");
    const a = el("a", "", h.title || h.id);
    a.href = noteHref(h.id);
    li.append(a, el("span", "meta", " " + (h.type || "") + (h.date ? " · " + h.date : "")));
    return li;
  }));
}

const relatedList = document.getElementById("related");
if (relatedList) related(relatedList);
