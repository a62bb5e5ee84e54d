// The whole graph's layout over the page's life: run (or resume) it, and mark the view
// settled once a frame shows the final positions (re-fitted if the user has not moved).
import { cameraUntouched, goHome } from "./camera.js";
import { setSettled } from "./flags.js";
import { applyPositions } from "./graph.js";
import { runLayout } from "./layout.js";

export function markSettledAfterRender(s) {
  const { renderer } = s;
  if (!renderer) return;
  if (cameraUntouched(s)) {
    renderer.refresh();
    goHome(s);
  }
  renderer.once("afterRender", () => {
    if (!s.local) s.mainSettled = true;
    setSettled(s, true);
  });
  renderer.scheduleRender();
}

export function resumeMainLayout(s) {
  const all = s.nodes.map((n) => n.i);
  runLayout(s, all, {
    seed: s.mainPositions ? (i) => s.mainPositions.get(i) : null,
    maxMs: 12000,
    onTick: (p) => {
      s.mainPositions = p;
      if (!s.local) applyPositions(s.mainGraph, p);
    },
    onDone: (p) => {
      s.mainPositions = p;
      applyPositions(s.mainGraph, p);
      s.mainSettled = true;
      if (!s.local) markSettledAfterRender(s);
    },
  });
}
