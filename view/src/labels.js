// Labels, drawn by the page on sigma's label canvas after each frame (sigma's own are off):
// notes in label order (label_rank, PageRank, degree), greedily placed where they overlap no
// label already placed. At overview zoom only the best ranked qualify; zooming in lets more
// in. Selected, hovered and matching notes come first.
import { $ } from "./util.js";
import { focusActive, isOn } from "./visibility.js";

export function drawLabels(s) {
  const { renderer, nodes, theme, local, selected, hovered, matches, matchList } = s;
  if (!renderer) return;
  const ctx = renderer.getCanvases().labels.getContext("2d");
  const { width: W, height: H } = renderer.getDimensions();
  const ratio = renderer.getCamera().ratio;
  const fontSize = 12;
  ctx.font = `${fontSize}px ${theme.font}`;
  ctx.textBaseline = "middle";
  ctx.lineJoin = "round";
  const placed = [];
  const cell = 64;
  const grid = new Map();
  const hits = (x0, y0, x1, y1) => {
    for (let gx = Math.floor(x0 / cell); gx <= Math.floor(x1 / cell); gx++) {
      for (let gy = Math.floor(y0 / cell); gy <= Math.floor(y1 / cell); gy++) {
        const list = grid.get(gx * 100003 + gy);
        if (!list) continue;
        for (const r of list) if (x0 < r[2] && x1 > r[0] && y0 < r[3] && y1 > r[1]) return true;
      }
    }
    return false;
  };
  const add = (r) => {
    placed.push(r);
    for (let gx = Math.floor(r[0] / cell); gx <= Math.floor(r[2] / cell); gx++) {
      for (let gy = Math.floor(r[1] / cell); gy <= Math.floor(r[3] / cell); gy++) {
        const k = gx * 100003 + gy;
        if (!grid.has(k)) grid.set(k, []);
        grid.get(k).push(r);
      }
    }
  };
  const out = [];
  const shown = s.graph;
  const labelled = new Set();
  const tryLabel = (i, force) => {
    const n = nodes[i];
    if (labelled.has(i) || !s.visible[i] || !shown.hasNode(n.id)) return false;
    const d = renderer.getNodeDisplayData(n.id);
    if (!d || d.hidden) return false;
    const p = renderer.framedGraphToViewport(d);
    const size = renderer.scaleSize(d.size);
    if (p.x < -200 || p.y < -20 || p.x > W + 20 || p.y > H + 20) return false;
    let text = n.title;
    if (text.length > 48) text = `${text.slice(0, 46)}…`;
    const w = ctx.measureText(text).width;
    // Right of the node, else left of it.
    for (const x0 of [p.x + size + 3, p.x - size - 3 - w]) {
      const r = [x0 - 2, p.y - fontSize / 2 - 1, x0 + w + 2, p.y + fontSize / 2 + 1];
      if (!force && (r[2] > W || r[0] < 0 || hits(r[0], r[1], r[2], r[3]))) continue;
      add(r);
      labelled.add(i);
      out.push([i, text, x0, p.y]);
      return true;
    }
    return false;
  };
  // Keep clear of what floats over the graph (legend, local-graph bar).
  const cr = s.dom.container.getBoundingClientRect();
  for (const id of ["legend", "local-bar"]) {
    const box = $(id);
    if (!box || box.hidden || box.offsetParent === null) continue;
    const b = box.getBoundingClientRect();
    add([b.left - cr.left, b.top - cr.top, b.right - cr.left, b.bottom - cr.top]);
  }
  const overlays = placed.length;
  const forced = [];
  if (hovered >= 0) forced.push(hovered);
  if (selected >= 0) forced.push(selected);
  if (local) forced.push(local.root);
  for (const i of forced) tryLabel(i, true);
  // Budget: about one label per 9,000 px² of screen, and at overview zoom only the top
  // ~3% of notes (at least 15) qualify; each halving of the ratio lets twice as many in.
  const budget = Math.max(8, Math.round((W * H) / 9000));
  const pool = local ? local.list.length : s.N;
  const eligible = Math.max(15, Math.round(pool * 0.03)) / Math.max(ratio, 1e-6) ** 1.5;
  let count = out.length;
  if (matches !== null && matchList.length <= 400) {
    for (const i of matchList) if (count < budget && tryLabel(i, false)) count++;
  }
  if (selected >= 0) {
    const n = nodes[selected];
    for (const l of [n.parents, n.children, n.out, n.inn]) {
      for (const j of l) if (count < budget && tryLabel(j, false)) count++;
    }
  }
  const order = local ? local.order : s.labelOrder;
  for (let k = 0; k < order.length && count < budget; k++) {
    const i = order[k];
    if ((local ? k : s.labelPos[i]) >= eligible) break;
    if (focusActive(s) && !isOn(s, i)) continue;
    if (tryLabel(i, false)) count++;
  }
  ctx.lineWidth = 3;
  ctx.strokeStyle = theme.bg;
  for (const [i, text, x, y] of out) {
    const n = nodes[i];
    ctx.font = `${n.missing ? "italic " : i === selected ? "600 " : ""}${fontSize}px ${theme.font}`;
    ctx.strokeText(text, x, y);
    ctx.fillStyle = n.missing ? theme.muted || theme.text : theme.text;
    ctx.fillText(text, x, y);
  }
  s.drawnLabels = out.map((o) => nodes[o[0]].id);
  s.drawnBoxes = placed.slice(overlays).map((r) => r.slice());
}
