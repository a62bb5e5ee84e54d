// State flags that tests and benchmarks wait on instead of sleeping: attributes on <html>
// (and, kept from the first page, on #graph) plus fields of window.vaultGraph.
//   data-ready="true"      first frame drawn (also #graph, vaultGraph.ready)
//   data-settled="true"    the layout shown is final (also #graph, vaultGraph.settled)
//   data-layout            "running" | "done": the layout of the graph on screen
//   data-selected          id of the selected note (absent: none)
//   data-matches           number of search matches (absent: no search)
//   data-view              "still" once a real frame shows the camera as it is and no
//                          camera animation runs; "moving" otherwise (vaultGraph.still())
const root = () => document.documentElement;

// Written only when it changes: data-view is set after every frame.
function setAttr(name, value) {
  const set = root().dataset;
  if (value === null || value === undefined) {
    if (name in set) delete set[name];
  } else if (set[name] !== String(value)) set[name] = String(value);
}

export function setReady(s) {
  s.api.ready = true;
  s.dom.container.setAttribute("data-ready", "true");
  setAttr("ready", "true");
}

export function setSettled(s, v) {
  s.api.settled = v;
  if (v) s.dom.container.setAttribute("data-settled", "true");
  else s.dom.container.removeAttribute("data-settled");
  setAttr("settled", v ? "true" : null);
}

export function setLayoutFlag(s, v) {
  s.api.layoutState = v;
  setAttr("layout", v);
}

export function setSelectedFlag(s) {
  setAttr("selected", s.selected >= 0 ? s.nodes[s.selected].id : null);
}

export function setMatchesFlag(s) {
  setAttr("matches", s.matches === null ? null : s.matchList.length);
}

const sameCamera = (a, b) => !!a && !!b && a.x === b.x && a.y === b.y && a.ratio === b.ratio && a.angle === b.angle;

// True when the last real frame (not a CSS-transformed preview, see fast-move.js) was drawn
// with the camera where it is now, and no camera animation is under way.
export function isStill(s) {
  if (!s.renderer) return true;
  const cam = s.renderer.getCamera();
  return !cam.isAnimated() && sameCamera(cam.getState(), s.drawnCamera);
}

// Counts real frames and keeps data-view up to date. A camera update is judged after the
// current task: Camera.animate() sets its first state before it marks itself animated.
export function watchFrames(s) {
  const update = () => setAttr("view", isStill(s) ? "still" : "moving");
  s.renderer.on("afterRender", () => {
    s.frames++;
    s.drawnCamera = s.renderer.getCamera().getState();
    update();
  });
  s.renderer.getCamera().on("updated", () => {
    setAttr("view", "moving");
    queueMicrotask(update);
  });
}
