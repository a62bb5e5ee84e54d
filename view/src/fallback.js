// Without WebGL: say why, and keep search and the note panel working over a plain list.
import { setSelected } from "./selection.js";
import { el, plural } from "./util.js";

export function hasWebGL() {
  try {
    const c = document.createElement("canvas");
    return !!(c.getContext("webgl2") || c.getContext("webgl"));
  } catch (err) {
    return false;
  }
}

export function showError(s, message) {
  const box = s.dom.nogl;
  box.textContent = "";
  box.appendChild(el("strong", null, "This graph view needs WebGL."));
  box.appendChild(el("p", null, message));
  box.appendChild(el("p", null, `The page holds ${plural(s.N, "note", "notes")} and ${plural(s.E, "edge", "edges")}; search and the note panel still work: type in the search box and pick a match below.`));
  const ul = el("ul", "fallback");
  ul.id = "fallback-list";
  box.appendChild(ul);
  box.hidden = false;
  s.dom.container.setAttribute("data-error", "webgl");
  s.api.error = "webgl";
  const list = () => {
    ul.textContent = "";
    const shown = (s.matchList.length ? s.matchList : s.labelOrder).slice(0, 50);
    for (const i of shown) {
      const b = el("button", "nb", s.nodes[i].title);
      b.type = "button";
      b.addEventListener("click", () => setSelected(s, i));
      const li = el("li");
      li.appendChild(b);
      ul.appendChild(li);
    }
  };
  s.dom.search.addEventListener("input", list);
  list();
}
