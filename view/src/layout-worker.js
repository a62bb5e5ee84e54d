// ForceAtlas2 (graphology-layout-forceatlas2's own iteration function) in a web worker.
//
// The page sends the node and edge matrices of graphology's FA2 layout (10 floats per node:
// x, y, dx, dy, old dx, old dy, mass, convergence, size, fixed; 3 per edge: source index,
// target index, weight). The worker iterates in slices of ~40 ms, posts the positions every
// ~250 ms, and stops by itself when the layout has converged (the mean step of a node is
// a tiny fraction of the layout's extent), after `maxIterations`, or after `maxMs`.
import iterate from "graphology-layout-forceatlas2/iterate.js";

const PPN = 10;
let run = 0;

function positions(nodes, n) {
  const out = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    out[2 * i] = nodes[i * PPN];
    out[2 * i + 1] = nodes[i * PPN + 1];
  }
  return out;
}

function extent(nodes, n) {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = nodes[i * PPN];
    const y = nodes[i * PPN + 1];
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return Math.max(x1 - x0, y1 - y0, 1e-9);
}

self.onmessage = (ev) => {
  const msg = ev.data;
  if (msg.type === "stop") {
    run++;
    return;
  }
  if (msg.type !== "start") return;
  const id = ++run;
  const nodes = msg.nodes;
  const edges = msg.edges;
  const n = nodes.length / PPN;
  const settings = msg.settings;
  const maxIterations = msg.maxIterations || 1000;
  const minIterations = msg.minIterations || 50;
  const maxMs = msg.maxMs || 15000;
  const tolerance = msg.tolerance || 0.0004;
  const sliceMs = msg.sliceMs || 40;
  const postEvery = msg.postEvery || 250;
  let lastPost = 0;
  const t0 = performance.now();
  const prev = new Float32Array(n * 2);
  let iterations = 0;
  let calm = 0;

  function slice() {
    if (id !== run) return;
    const s0 = performance.now();
    let step = 0;
    do {
      for (let i = 0; i < n; i++) {
        prev[2 * i] = nodes[i * PPN];
        prev[2 * i + 1] = nodes[i * PPN + 1];
      }
      iterate(settings, nodes, edges);
      iterations++;
      let moved = 0;
      for (let i = 0; i < n; i++) {
        moved += Math.hypot(nodes[i * PPN] - prev[2 * i], nodes[i * PPN + 1] - prev[2 * i + 1]);
      }
      step = moved / Math.max(n, 1) / extent(nodes, n);
      calm = step < tolerance ? calm + 1 : 0;
    } while (performance.now() - s0 < sliceMs && calm < 10 && iterations < maxIterations);
    const elapsed = performance.now() - t0;
    const done =
      (calm >= 10 && iterations >= minIterations) ||
      iterations >= maxIterations ||
      elapsed >= maxMs;
    if (done || elapsed - lastPost >= postEvery) {
      lastPost = elapsed;
      const pos = positions(nodes, n);
      const type = done ? "done" : "tick";
      self.postMessage({ type, run: msg.run, positions: pos, iterations, step, elapsed }, [pos.buffer]);
    }
    if (!done) setTimeout(slice, 0);
  }
  slice();
};
