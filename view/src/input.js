// Keyboard and controls: the search box, the toolbar, the local-graph bar, global keys
// (/ search, Esc clear, F fit) and the colour scheme following the system's.
import { cameraFor, fitAll } from "./camera.js";
import { refresh } from "./draw.js";
import { setMode } from "./filters.js";
import { renderLegend } from "./legend.js";
import { closeLocal, openLocal } from "./local.js";
import { clearSearch, runSearch } from "./search.js";
import { setSelected } from "./selection.js";
import { readTheme } from "./theme.js";
import { $ } from "./util.js";

export function bindInput(s) {
  const { search } = s.dom;
  search.addEventListener("input", () => runSearch(s));
  search.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") {
      ev.preventDefault();
      runSearch(s);
      if (s.matchList.length && s.renderer) {
        const cam = cameraFor(s, s.matchList);
        if (cam) s.renderer.getCamera().animate(cam, { duration: 350 });
      }
    } else if (ev.key === "Escape") {
      clearSearch(s);
      search.blur();
    }
  });
  $("fit").addEventListener("click", () => fitAll(s));
  $("color-by").addEventListener("change", (ev) => setMode(s, ev.target.value));
  $("depth").addEventListener("input", (ev) => {
    $("depth-value").textContent = ev.target.value;
  });
  $("depth").addEventListener("change", (ev) => {
    if (s.local) openLocal(s, s.local.root, Number(ev.target.value));
  });
  $("close-local").addEventListener("click", () => closeLocal(s));
  document.addEventListener("keydown", (ev) => {
    const t = ev.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === "/") {
      ev.preventDefault();
      search.focus();
      search.select();
    } else if (ev.key === "Escape") {
      if (s.selected >= 0) setSelected(s, -1);
      else if (search.value) clearSearch(s);
      else if (s.local) closeLocal(s);
    } else if (ev.key === "f" || ev.key === "F") fitAll(s);
  });
  if (s.darkQuery && s.darkQuery.addEventListener) {
    s.darkQuery.addEventListener("change", () => {
      s.theme = readTheme(s.darkQuery);
      renderLegend(s);
      refresh(s);
    });
  }
}
