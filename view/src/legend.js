// The legend (colour groups and edge kinds, each a toggle) and the filters panel (colour
// mode, checkboxes per type, folder, tag, edge kind and the rest), drawn from the state; a
// click goes to s.actions.
import { MODES, MODE_LABEL, NONE } from "./groups.js";
import { hiddenGroups, kindOn } from "./visibility.js";
import { $, el } from "./util.js";

function svgLine(color, width, arrow) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", "26");
  svg.setAttribute("height", "10");
  svg.setAttribute("viewBox", "0 0 26 10");
  const l = document.createElementNS(ns, "line");
  const x2 = arrow ? 19 : 25;
  for (const [a, v] of [["x1", 1], ["y1", 5], ["x2", x2], ["y2", 5], ["stroke", color], ["stroke-width", width]]) l.setAttribute(a, v);
  svg.appendChild(l);
  if (arrow) {
    const head = document.createElementNS(ns, "path");
    head.setAttribute("d", "M25 5 L18 1.5 L18 8.5 Z");
    head.setAttribute("fill", color);
    svg.appendChild(head);
  }
  return svg;
}

export function renderLegend(s) {
  const { N, nodes, edges, local, theme, actions } = s;
  const body = $("legend-body");
  body.textContent = "";
  if (N === 0) {
    s.dom.legend.style.display = "none";
    return;
  }
  const hg = hiddenGroups(s);
  const inLocal = (i) => !local || local.members[i];
  const legendRow = (icon, label, count, key, off, onClick) => {
    const r = el("button", `row${off ? " off" : ""}`);
    r.type = "button";
    r.setAttribute("data-key", key);
    r.setAttribute("aria-pressed", off ? "false" : "true");
    r.title = off ? "Show these notes" : "Hide these notes";
    r.appendChild(icon);
    r.appendChild(el("span", "lbl", label));
    if (count !== null) r.appendChild(el("span", "n", String(count)));
    r.addEventListener("click", onClick);
    return r;
  };
  const sect = el("div", "sect");
  sect.appendChild(el("div", "sect-title", MODE_LABEL[s.mode]));
  const counts = new Map();
  for (let i = 0; i < N; i++) if (inLocal(i) && s.groupOf[i] !== null) counts.set(s.groupOf[i], (counts.get(s.groupOf[i]) || 0) + 1);
  for (const g of s.groups) {
    const c = local ? counts.get(g.key) || 0 : g.count;
    if (!c) continue;
    const sw = el("span", "sw");
    sw.style.background = g.color;
    sect.appendChild(legendRow(sw, g.label, c, g.key, hg.has(g.key), () => actions.toggleGroup(g.key)));
  }
  let miss = 0;
  for (let i = 0; i < N; i++) if (nodes[i].missing && inLocal(i)) miss++;
  if (miss) {
    const sw = el("span", "sw hollow");
    sect.appendChild(legendRow(sw, "missing note", miss, "(missing)", hg.has("(missing)"), () => actions.toggleGroup("(missing)")));
  }
  body.appendChild(sect);
  const kinds = el("div", "sect");
  kinds.appendChild(el("div", "sect-title", "Edges"));
  let nParent = 0;
  let nLink = 0;
  for (const e of edges) {
    if (!inLocal(e.s) || !inLocal(e.t)) continue;
    if (e.kind === "parent") nParent++;
    else nLink++;
  }
  const on = (kind) => kindOn(s, kind);
  if (nParent) {
    kinds.appendChild(legendRow(svgLine(theme.swatchParent, 1.6, true), "parent (note → its parent)", nParent, "kind:parent", !on("parent"), () => actions.setFilter("kind", "parent", !on("parent"))));
  }
  if (nLink) {
    kinds.appendChild(legendRow(svgLine(theme.swatchLink, 1), "link", nLink, "kind:link", !on("link"), () => actions.setFilter("kind", "link", !on("link"))));
  }
  body.appendChild(kinds);
  body.appendChild(el("div", "note", "Bigger circle = more connections. Click an entry to hide or show it."));
}

function checkboxList(s, box, dim, entries) {
  box.textContent = "";
  const off = new Set(s.settings.off[dim]);
  for (const [value, label, count] of entries) {
    const lab = el("label", "chk");
    const cb = document.createElement("input");
    cb.type = "checkbox";
    cb.checked = !off.has(value);
    cb.setAttribute("data-dim", dim);
    cb.setAttribute("data-value", value);
    cb.addEventListener("change", () => s.actions.setFilter(dim, value, cb.checked));
    lab.appendChild(cb);
    lab.appendChild(el("span", "lbl", label));
    if (count !== null) lab.appendChild(el("span", "n", String(count)));
    box.appendChild(lab);
  }
}

function countsBy(s, fn) {
  const m = new Map();
  for (const n of s.existing) for (const k of fn(n)) m.set(k, (m.get(k) || 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

export function renderFilters(s) {
  const sel = $("color-by");
  sel.textContent = "";
  for (const m of MODES) {
    if (!s.available[m]) continue;
    const o = el("option", null, MODE_LABEL[m]);
    o.value = m;
    o.selected = m === s.mode;
    sel.appendChild(o);
  }
  const named = (list, none) => list.map(([k, c]) => [k, k === NONE ? none : k, c]);
  const types = countsBy(s, (n) => [n.type || NONE]);
  $("f-type-sect").style.display = s.available.type ? "" : "none";
  checkboxList(s, $("f-type"), "type", named(types, "untyped"));
  checkboxList(s, $("f-folder"), "folder", named(countsBy(s, (n) => [n.top || NONE]), "top level"));
  const tags = countsBy(s, (n) => (n.tags.length ? n.tags : [NONE]));
  $("f-tag-sect").style.display = s.available.tag ? "" : "none";
  checkboxList(s, $("f-tag"), "tag", named(tags.slice(0, 60), "no tag"));
  checkboxList(s, $("f-kind"), "kind", [["parent", "parent edges", null], ["link", "links", null]]);
  checkboxList(s, $("f-other"), "other", [["missing", "missing notes", s.missingCount], ["orphans", "notes without links", s.existing.filter((n) => n.deg === 0).length]]);
  $("f-reset").onclick = () => s.actions.resetFilters();
}

export function updateVisibleCount(s) {
  let v = 0;
  let all = 0;
  if (s.graph) {
    s.graph.forEachNode((key, attr) => {
      all++;
      if (s.visible[attr.i]) v++;
    });
  }
  $("shown").textContent = v === all ? "" : `${v} of ${all} shown`;
}
