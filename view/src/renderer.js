// The sigma renderer: its programs and settings, the page's own labels and reducers, the
// software-rendering shortcuts, and what the mouse does on the graph.
import Sigma from "sigma";
import { EdgeArrowProgram, EdgeLineProgram, NodeCircleProgram, NodePointProgram } from "sigma/rendering";
import { drawRing, edgeReducer, nodeReducer } from "./draw.js";
import { isSoftware, keepPickingTextures, moveByTransform, webglRendererName } from "./fast-move.js";
import { watchFrames } from "./flags.js";
import { drawLabels } from "./labels.js";
import { showTooltip } from "./panel.js";

// Makes s.renderer over s.graph in s.dom.container; throws when WebGL cannot start.
// `opts`: window.vaultGraphOptions (benchmarks: nodeProgram, fastMove).
export function createRenderer(s, opts) {
  const nodeProgram = opts.nodeProgram === "point" ? NodePointProgram : NodeCircleProgram;
  const renderer = new Sigma(s.graph, s.dom.container, {
    defaultNodeType: "dot",
    nodeProgramClasses: { dot: nodeProgram },
    renderLabels: false,
    renderEdgeLabels: false,
    defaultEdgeType: "line",
    // Links: 1-px lines (cheapest). Parent edges: arrows from the note to its parent.
    edgeProgramClasses: { line: EdgeLineProgram, arrow: EdgeArrowProgram },
    defaultDrawNodeHover: drawRing(s),
    nodeReducer: nodeReducer(s),
    edgeReducer: edgeReducer(s),
    zIndex: true,
    minCameraRatio: 0.02,
    maxCameraRatio: 4,
    stagePadding: 24,
    labelFont: s.theme.font,
    enableEdgeEvents: false,
  });
  s.renderer = renderer;
  keepPickingTextures(renderer);
  const glName = webglRendererName();
  const fastMove = opts.fastMove !== undefined ? !!opts.fastMove : isSoftware(glName);
  if (fastMove) moveByTransform(renderer);
  Object.assign(s.api, { renderer: "webgl", glRenderer: glName, fastMove, sigma: renderer });
  renderer.on("afterRender", () => drawLabels(s));
  watchFrames(s);
  return renderer;
}

// Hover shows a tooltip, a click selects, a double click opens the local graph, a click on
// the background clears the selection.
export function bindGraphEvents(s) {
  const { renderer } = s;
  const { container, tooltip } = s.dom;
  const indexOf = (node) => s.graph.getNodeAttribute(node, "i");
  renderer.on("enterNode", ({ node, event }) => {
    s.hovered = indexOf(node);
    container.classList.add("on-node");
    showTooltip(s, s.hovered, event.x, event.y);
    renderer.scheduleRender();
  });
  renderer.on("leaveNode", () => {
    s.hovered = -1;
    container.classList.remove("on-node");
    tooltip.style.display = "none";
    renderer.scheduleRender();
  });
  renderer.getMouseCaptor().on("mousemovebody", (e) => {
    if (s.hovered >= 0) showTooltip(s, s.hovered, e.x, e.y);
  });
  renderer.on("clickNode", ({ node }) => s.actions.select(indexOf(node), false));
  renderer.on("doubleClickNode", ({ node, preventSigmaDefault }) => {
    preventSigmaDefault();
    s.actions.openLocal(indexOf(node), s.settings.depth || 1);
  });
  renderer.on("clickStage", () => {
    if (s.selected >= 0) s.actions.select(-1, false);
  });
  renderer.getCamera().on("updated", () => {
    tooltip.style.display = s.hovered >= 0 ? tooltip.style.display : "none";
  });
}
