// Positions: the seed (clusters on a spiral), the block of notes without links, and the
// ForceAtlas2 worker (started from a blob: URL, stopped and restarted by run number).
import WORKER_SOURCE from "./worker-source.js";
import { setLayoutFlag } from "./flags.js";

function rand(s) {
  s.rng = (Math.imul(s.rng, 1664525) + 1013904223) >>> 0;
  return s.rng / 4294967296;
}

// Seed: each cluster (community, else colour group) on a sunflower spiral, the biggest in
// the middle, its notes in a disc around its centre; notes without links go aside later.
function seedPositions(s, list) {
  const clusters = new Map();
  for (const i of list) {
    const n = s.nodes[i];
    const c = n.community !== null ? `c${n.community}` : `g${s.groupOf[i]}`;
    if (!clusters.has(c)) clusters.set(c, []);
    clusters.get(c).push(i);
  }
  const order = [...clusters.values()].sort((a, b) => b.length - a.length);
  const golden = Math.PI * (3 - Math.sqrt(5));
  let area = 0;
  const pos = new Map();
  order.forEach((members, k) => {
    const r = Math.sqrt(members.length) * 4;
    const d = k === 0 ? 0 : Math.sqrt(area) * 1.2 + r;
    area += (r + 4) * (r + 4);
    const cx = d * Math.cos(k * golden);
    const cy = d * Math.sin(k * golden);
    for (const i of members) {
      const a = rand(s) * 2 * Math.PI;
      const rr = r * Math.sqrt(rand(s));
      pos.set(i, [cx + rr * Math.cos(a), cy + rr * Math.sin(a)]);
    }
  });
  return pos;
}

// Notes without any edge: a tidy block beside the laid-out graph (sorted by colour group),
// instead of a far-away ring that leaves the overview mostly empty.
function placeOrphans(s, orphans, xs, ys) {
  if (!orphans.length) return;
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const [, p] of xs) {
    if (p[0] < x0) x0 = p[0];
    if (p[0] > x1) x1 = p[0];
    if (p[1] < y0) y0 = p[1];
    if (p[1] > y1) y1 = p[1];
  }
  if (!Number.isFinite(x0)) {
    x0 = y0 = 0;
    x1 = y1 = 0;
  }
  const w = Math.max(x1 - x0, 1);
  const h = Math.max(y1 - y0, 1);
  const connected = Math.max(xs.size, 1);
  // Spacing: about the mean distance between connected notes.
  const gap = xs.size > 1 ? Math.sqrt((w * h) / connected) * 0.9 : 10;
  const rank = (i) => s.groupIndex.get(s.groupOf[i]) ?? 99;
  const sorted = [...orphans].sort((a, b) => rank(a) - rank(b) || a - b);
  // A block as tall as the graph to its right, or as wide as it below, whichever leaves
  // the whole closer to the shape of the free part of the view.
  const side = w / h >= viewAspect(s) ? "below" : "right";
  const span = side === "right" ? h : w;
  const perLine = Math.max(1, Math.floor(span / gap) + 1);
  sorted.forEach((i, k) => {
    const a = k % perLine;
    const b = Math.floor(k / perLine);
    const along = (side === "right" ? y0 : x0) + a * gap + (b % 2 ? gap / 2 : 0);
    const across = (side === "right" ? x1 : y1) + gap * 2 + b * gap * 0.87;
    ys.set(i, side === "right" ? [across, along] : [along, across]);
  });
}

function viewAspect(s) {
  const W = s.dom.container.clientWidth || 800;
  const H = s.dom.container.clientHeight || 600;
  const legend = s.dom.legend;
  const lw = legend && legend.offsetParent !== null ? legend.offsetWidth + 20 : 0;
  return Math.max(0.3, (W - (W - lw >= 360 ? lw : 0)) / H);
}

// The seed positions of the whole graph: connected notes on the spiral, the rest beside.
export function seedAll(s) {
  const core = s.nodes.filter((n) => n.deg > 0).map((n) => n.i);
  const seeded = seedPositions(s, core);
  const orph = new Map();
  placeOrphans(s, s.nodes.filter((n) => n.deg === 0).map((n) => n.i), seeded, orph);
  return new Map([...seeded, ...orph]);
}

function getWorker(s) {
  const L = s.layout;
  if (L.worker) return L.worker;
  try {
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
    L.worker = new Worker(url);
  } catch (err) {
    L.worker = null;
  }
  return L.worker;
}

// Lays out `list` (node indices) and calls onTick(positions Map) while it runs, onDone at the end.
export function runLayout(s, list, { onTick, onDone, maxMs, seed, fixed }) {
  const L = s.layout;
  const { nodes, edges } = s;
  const run = ++L.run;
  setLayoutFlag(s, "running");
  const connected = list.filter((i) => nodes[i].deg > 0);
  const inList = new Uint8Array(s.N);
  for (const i of list) inList[i] = 1;
  // Orphans within this list: nodes with no edge to another node of the list.
  const linked = new Uint8Array(s.N);
  const subEdges = [];
  for (const e of edges) {
    if (e.s !== e.t && inList[e.s] && inList[e.t]) {
      linked[e.s] = 1;
      linked[e.t] = 1;
      subEdges.push(e);
    }
  }
  const core = connected.filter((i) => linked[i]);
  const orphans = list.filter((i) => !linked[i]);
  const start = new Map();
  const seeded = seed ? null : seedPositions(s, core);
  for (const i of core) start.set(i, seed ? seed(i) : seeded.get(i));
  const finish = (pos, done) => {
    const all = new Map(pos);
    const orph = new Map();
    placeOrphans(s, orphans, pos, orph);
    for (const [i, p] of orph) all.set(i, p);
    if (done) {
      onDone(all);
      setLayoutFlag(s, "done");
    } else onTick(all);
  };
  if (core.length < 2) {
    const pos = new Map();
    core.forEach((i) => pos.set(i, [0, 0]));
    finish(pos, true);
    return;
  }
  const index = new Map();
  core.forEach((i, k) => index.set(i, k));
  const PPN = 10;
  const nm = new Float32Array(core.length * PPN);
  core.forEach((i, k) => {
    const p = start.get(i);
    nm[k * PPN] = p[0];
    nm[k * PPN + 1] = p[1];
    nm[k * PPN + 6] = 1;
    nm[k * PPN + 7] = 1;
    nm[k * PPN + 8] = 1;
    if (i === fixed) nm[k * PPN + 9] = 1;
  });
  const em = new Float32Array(subEdges.length * 3);
  subEdges.forEach((e, k) => {
    const a = index.get(e.s);
    const b = index.get(e.t);
    const w = e.kind === "parent" ? 2 : 1;
    em[k * 3] = a * PPN;
    em[k * 3 + 1] = b * PPN;
    em[k * 3 + 2] = w;
    nm[a * PPN + 6] += w;
    nm[b * PPN + 6] += w;
  });
  const n = core.length;
  const fa2 = {
    linLogMode: false,
    outboundAttractionDistribution: false,
    adjustSizes: false,
    edgeWeightInfluence: 1,
    scalingRatio: n > 2000 ? 10 : n > 100 ? 8 : 3,
    strongGravityMode: true,
    gravity: n > 2000 ? 0.05 : n > 100 ? 0.2 : 0.5,
    slowDown: 1 + Math.log(n) * 1.5,
    barnesHutOptimize: n > 300,
    barnesHutTheta: 1.2, // Gephi's default
  };
  const toMap = (p) => {
    const m = new Map();
    core.forEach((i, k) => m.set(i, [p[2 * k], p[2 * k + 1]]));
    return m;
  };
  const w = getWorker(s);
  if (!w) {
    // No worker (very old browser, or blocked): show the seed, laid out no further.
    finish(start, true);
    return;
  }
  // Only the latest positions count: apply them once per frame, not once per message.
  let pending = null;
  w.onmessage = (ev) => {
    const msg = ev.data;
    if (msg.run !== run || run !== L.run) return;
    L.last = { iterations: msg.iterations, elapsed: msg.elapsed, step: msg.step };
    if (msg.type === "done") {
      pending = null;
      finish(toMap(msg.positions), true);
      return;
    }
    const first = pending === null;
    pending = msg.positions;
    if (first) {
      requestAnimationFrame(() => {
        if (pending === null || run !== L.run) return;
        const p = pending;
        pending = null;
        finish(toMap(p), false);
      });
    }
  };
  w.postMessage(
    {
      type: "start",
      run,
      nodes: nm,
      edges: em,
      settings: fa2,
      maxIterations: n > 5000 ? 600 : 1000,
      minIterations: 60,
      maxMs: maxMs || 15000,
      tolerance: 0.0003,
      // Each position update redraws the whole graph: on big graphs, fewer of them leave
      // more of the machine to the layout.
      postEvery: n > 5000 ? 600 : n > 1500 ? 400 : 250,
    },
    [nm.buffer, em.buffer],
  );
}

export function stopLayout(s) {
  s.layout.run++;
  if (s.layout.worker) s.layout.worker.postMessage({ type: "stop" });
}
