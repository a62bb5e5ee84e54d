// vault's HTML graph view: sigma.js (WebGL) over a graphology graph, laid out with
// ForceAtlas2 in a web worker. Everything (data, code, styles) is inside one offline page.
// The data format is described in docs/graph-view-data.md; view/README.md maps the modules.
// This file wires them: one state object (state.js), the actions buttons call, start-up.
import { installApi } from "./api.js";
import { goHome } from "./camera.js";
import { hasWebGL, showError } from "./fallback.js";
import { resetFilters, setFilter, toggleGroup } from "./filters.js";
import { setLayoutFlag, setReady, setSettled } from "./flags.js";
import { computeGroups } from "./groups.js";
import { buildGraph } from "./graph.js";
import { bindInput } from "./input.js";
import { seedAll } from "./layout.js";
import { renderFilters, renderLegend, updateVisibleCount } from "./legend.js";
import { openLocal } from "./local.js";
import { renderInfo } from "./panel.js";
import { bindGraphEvents, createRenderer } from "./renderer.js";
import { selectIndex } from "./selection.js";
import { persist } from "./settings.js";
import { markSettledAfterRender, resumeMainLayout } from "./settle.js";
import { createState } from "./state.js";
import { recomputeVisible } from "./visibility.js";
import { $, plural, str } from "./util.js";

const timings = { start: performance.now() };
const mark = (name) => {
  timings[name] = Math.round(performance.now());
};
const s = createState(timings);
s.actions = {
  select: (i, centre) => selectIndex(s, i, centre),
  openLocal: (i, depth) => openLocal(s, i, depth),
  toggleGroup: (key) => toggleGroup(s, key),
  setFilter: (dim, value, on) => setFilter(s, dim, value, on),
  resetFilters: () => resetFilters(s),
};
installApi(s);

const { N, E, missingCount, nodes } = s;
const { container } = s.dom;
container.setAttribute("data-node-count", String(N));
container.setAttribute("data-edge-count", String(E));
$("stats").textContent = N === 0 ? "" : `${plural(N - missingCount, "note", "notes")}${missingCount ? ` · ${missingCount} missing` : ""} · ${plural(E, "edge", "edges")}`;

function start() {
  mark("indexed");
  computeGroups(s);
  recomputeVisible(s);
  renderFilters(s);
  renderLegend(s);
  renderInfo(s);
  const filters = $("filters");
  filters.open = s.settings.filtersOpen;
  filters.addEventListener("toggle", () => {
    s.settings.filtersOpen = filters.open;
    persist(s);
  });
  if (N === 0) {
    $("empty").style.display = "flex";
    setReady(s);
    setSettled(s, true);
    setLayoutFlag(s, "done");
    return;
  }
  if (!hasWebGL()) {
    showError(s, "Your browser has WebGL turned off or unavailable (check its hardware-acceleration setting), so the graph cannot be drawn.");
    return;
  }
  // Positions: the data's own (computed ahead), else the seed while the worker lays it out.
  const given = nodes.every((n) => n.x !== null && n.y !== null);
  let pos = new Map();
  if (given) for (const n of nodes) pos.set(n.i, [n.x, n.y]);
  else pos = seedAll(s);
  s.mainPositions = pos;
  mark("seeded");
  s.mainGraph = s.graph = buildGraph(s, nodes.map((n) => n.i), pos);
  mark("graph");
  try {
    // Benchmarks can try other renderer options (window.vaultGraphOptions, set before load).
    createRenderer(s, window.vaultGraphOptions || {});
  } catch (err) {
    s.renderer = null;
    showError(s, `The browser could not start WebGL (${str(err && err.message) || "unknown error"}).`);
    return;
  }
  mark("sigma");
  bindGraphEvents(s);
  s.renderer.once("afterRender", () => {
    mark("firstFrame");
    setReady(s);
  });
  goHome(s);
  s.renderer.refresh();
  updateVisibleCount(s);

  const { raw, byId } = s;
  const rootId = raw.root === null || raw.root === undefined ? null : String(raw.root);
  const rootIndex = rootId === null ? undefined : byId.get(rootId);
  if (given) {
    s.mainSettled = true;
    setLayoutFlag(s, "done");
    if (rootIndex === undefined) markSettledAfterRender(s);
  } else resumeMainLayout(s);
  if (rootIndex !== undefined) {
    const depth = [1, 2, 3].includes(Number(raw.depth)) ? Number(raw.depth) : s.settings.depth || 1;
    openLocal(s, rootIndex, depth);
  }
}

bindInput(s);
start();
