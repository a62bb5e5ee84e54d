// The local graph: a note and its neighbours up to depth 1-3, shown alone and laid out
// from the whole graph's positions with the note fixed in the middle.
import { goHome } from "./camera.js";
import { setLayoutFlag, setSettled } from "./flags.js";
import { applyPositions, buildGraph } from "./graph.js";
import { runLayout, stopLayout } from "./layout.js";
import { renderLegend, updateVisibleCount } from "./legend.js";
import { renderInfo } from "./panel.js";
import { searchAgain } from "./search.js";
import { setSelected } from "./selection.js";
import { persist } from "./settings.js";
import { markSettledAfterRender, resumeMainLayout } from "./settle.js";
import { $ } from "./util.js";

function neighbourhood(s, root, depth) {
  const members = new Uint8Array(s.N);
  members[root] = 1;
  let frontier = [root];
  const list = [root];
  for (let d = 0; d < depth; d++) {
    const next = [];
    for (const i of frontier) {
      const n = s.nodes[i];
      for (const l of [n.parents, n.children, n.out, n.inn]) {
        for (const j of l) {
          if (!members[j]) {
            members[j] = 1;
            next.push(j);
            list.push(j);
          }
        }
      }
    }
    frontier = next;
  }
  return { members, list };
}

export function openLocal(s, root, depth) {
  const { renderer, nodes } = s;
  if (root < 0 || !renderer) return;
  depth = Math.max(1, Math.min(3, Number(depth) || 1));
  s.settings.depth = depth;
  persist(s);
  const { members, list } = neighbourhood(s, root, depth);
  const order = [...list].sort((a, b) => (a === root ? -1 : b === root ? 1 : s.labelPos[a] - s.labelPos[b]));
  s.local = { root, depth, members, list, order };
  // Start from the whole graph's positions, the root in the middle; then lay the part out alone.
  const main = s.mainGraph.getNodeAttributes(nodes[root].id);
  const pos = new Map();
  for (const i of list) {
    const a = s.mainGraph.getNodeAttributes(nodes[i].id);
    pos.set(i, [a.x - main.x, a.y - main.y]);
  }
  stopLayout(s);
  s.graph = buildGraph(s, list, pos);
  renderer.setGraph(s.graph);
  setSettled(s, false);
  $("local-bar").hidden = false;
  $("local-title").textContent = nodes[root].title;
  $("depth").value = String(depth);
  $("depth-value").textContent = String(depth);
  document.body.classList.add("local");
  goHome(s);
  if (s.selected !== root) setSelected(s, root);
  else renderInfo(s);
  renderLegend(s);
  updateVisibleCount(s);
  searchAgain(s);
  runLayout(s, list, {
    seed: (i) => pos.get(i),
    fixed: root,
    maxMs: 8000,
    onTick: (p) => applyPositions(s.graph, p),
    onDone: (p) => {
      applyPositions(s.graph, p);
      markSettledAfterRender(s);
    },
  });
}

export function closeLocal(s) {
  if (!s.local || !s.renderer) return;
  stopLayout(s);
  s.local = null;
  s.graph = s.mainGraph;
  s.renderer.setGraph(s.graph);
  $("local-bar").hidden = true;
  document.body.classList.remove("local");
  goHome(s);
  renderInfo(s);
  renderLegend(s);
  updateVisibleCount(s);
  searchAgain(s);
  if (s.mainSettled) {
    setLayoutFlag(s, "done");
    markSettledAfterRender(s);
  } else resumeMainLayout(s);
}
