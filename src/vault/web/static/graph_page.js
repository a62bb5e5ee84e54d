// The graph view (assets/graph_view.html, built from view/) fed by the server: the data
// from /graph.json (the whole vault, or ?root=NOTE&depth=N), then the view's own script;
// a click on a note opens its page.
"use strict";
(async () => {
  const here = new URLSearchParams(location.search);
  const ask = new URLSearchParams();
  for (const k of ["root", "depth"]) if (here.get(k)) ask.set(k, here.get(k));
  const res = await fetch("/graph.json?" + ask, { credentials: "same-origin" });
  const text = await res.text();
  document.getElementById("graph-data").textContent = res.ok ? text : '{"nodes":[],"edges":[]}';
  const view = document.createElement("script");
  view.src = "/static/graph_view.js";
  view.addEventListener("load", () => {
    const hook = () => {
      const g = window.vaultGraph;
      if (!g || !g.renderer) return setTimeout(hook, 100);
      g.renderer.on("clickNode", ({ node }) => {
        location.href = "/note/" + String(node).split("/").map(encodeURIComponent).join("/");
      });
    };
    hook();
  });
  document.body.append(view);
})();
