// window.vaultGraph: what tests and benchmarks read and drive (docs/graph-view-data.md).
// The flags it carries (ready, settled, error, layoutState) are set by flags.js.
import { fitAll } from "./camera.js";
import { setFilter, setMode, toggleGroup } from "./filters.js";
import { isStill } from "./flags.js";
import { nodeColor } from "./groups.js";
import { closeLocal, openLocal } from "./local.js";
import { selectIndex, setSelected } from "./selection.js";
import { kindOn } from "./visibility.js";

export function installApi(s) {
  const api = s.api;
  const indexOf = (id) => s.byId.get(String(id));
  Object.assign(api, {
    nodeCount: s.N,
    edgeCount: s.E,
    ready: false,
    settled: false,
    renderer: null,
    error: null,
    layoutState: null,
    layout: () => s.layout.last,
    timings: () => ({ ...s.timings }),
    frames: () => s.frames,
    still: () => isStill(s),
    highlighted: () => s.matchList.map((i) => s.nodes[i].id).sort(),
    selected: () => (s.selected >= 0 ? s.nodes[s.selected].id : null),
    select(id) {
      if (id === null || id === undefined) {
        setSelected(s, -1);
        return;
      }
      const i = indexOf(id);
      if (i !== undefined) selectIndex(s, i, true);
    },
    fit: () => fitAll(s),
    fastMove: false,
    glRenderer: "",
    colorBy: () => s.mode,
    setColorBy: (m) => setMode(s, m),
    groups: () => s.groups.map((g) => ({ ...g })),
    groupOf: (id) => {
      const i = indexOf(id);
      return i === undefined ? undefined : s.groupOf[i];
    },
    nodeColor: (id) => {
      const i = indexOf(id);
      return i === undefined ? null : nodeColor(s, i);
    },
    toggleGroup: (key) => toggleGroup(s, String(key)),
    setFilter: (dim, value, on) => setFilter(s, dim, String(value), !!on),
    visibleNodes: () => {
      const out = [];
      if (s.graph) s.graph.forEachNode((key, attr) => { if (s.visible[attr.i]) out.push(key); });
      return out.sort();
    },
    visibleEdgeCount: () => {
      let c = 0;
      if (s.graph) s.graph.forEachEdge((key, attr) => {
        const e = s.edges[attr.k];
        if (s.visible[e.s] && s.visible[e.t] && kindOn(s, e.kind)) c++;
      });
      return c;
    },
    local: () => {
      const l = s.local;
      return l ? { root: s.nodes[l.root].id, depth: l.depth, nodes: l.list.map((i) => s.nodes[i].id).sort() } : null;
    },
    openLocal: (id, depth) => {
      const i = indexOf(id);
      if (i !== undefined) openLocal(s, i, depth || 1);
    },
    closeLocal: () => closeLocal(s),
    labels: () => s.drawnLabels.slice(),
    labelBoxes: () => s.drawnBoxes.map((r) => r.slice()),
    camera: () => (s.renderer ? { ...s.renderer.getCamera().getState() } : null),
    viewportPosition: (id) => {
      const { renderer } = s;
      if (!renderer || !s.graph.hasNode(String(id))) return null;
      const d = renderer.getNodeDisplayData(String(id));
      return d ? { ...renderer.framedGraphToViewport(d), size: renderer.scaleSize(d.size) } : null;
    },
    graphPosition: (id) => {
      const g = s.mainGraph || s.graph;
      if (!g || !g.hasNode(String(id))) return null;
      const a = g.getNodeAttributes(String(id));
      return [a.x, a.y];
    },
    settings: () => JSON.parse(JSON.stringify(s.settings)),
    theme: () => ({ ...s.theme }),
  });
  window.vaultGraph = api;
}
