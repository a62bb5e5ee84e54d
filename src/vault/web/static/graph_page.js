// The graph view (assets/graph_view.html, built from view/) fed by the server: the data
// from /graph.json (the whole vault, or ?root=NOTE&depth=N), then the view's own script.
// A click on a note opens its page (after a moment, so a double click still opens the
// view's local graph); the side panel of the selected note links to its page too.
"use strict";

function notePage(id) {
  return "/note/" + String(id).split("/").map(encodeURIComponent).join("/");
}

function wire(g) {
  const stage = document.getElementById("graph");
  let before = null;
  let pending = 0;
  stage.addEventListener("mousedown", () => { before = g.selected(); });
  stage.addEventListener("click", () => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      const now = g.selected();
      if (now !== null && now !== before) location.href = notePage(now);
    }, 300);
  });
  stage.addEventListener("dblclick", () => clearTimeout(pending));
  const info = document.getElementById("info");
  new MutationObserver(() => {
    const id = g.selected();
    if (id === null || info.querySelector("a.open-note")) return;
    const a = document.createElement("a");
    a.className = "open-note";
    a.href = notePage(id);
    a.textContent = "Open the note page";
    info.prepend(a);
  }).observe(info, { childList: true });
}

(async () => {
  const here = new URLSearchParams(location.search);
  const ask = new URLSearchParams();
  for (const k of ["root", "depth"]) if (here.get(k)) ask.set(k, here.get(k));
  const res = await fetch("/graph.json?" + ask, { credentials: "same-origin" });
  const text = await res.text();
  document.getElementById("graph-data").textContent = res.ok ? text : '{"nodes":[],"edges":[]}';
  const view = document.createElement("script");
  view.src = "/static/graph_view.js";
  view.addEventListener("load", () => { if (window.vaultGraph) wire(window.vaultGraph); });
  document.body.append(view);
})();
