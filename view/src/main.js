// vault's HTML graph view: sigma.js (WebGL) over a graphology graph, laid out with
// ForceAtlas2 in a web worker. Everything (data, code, styles) is inside one offline page.
// The data format is described in docs/graph-view-data.md.
import Graph from "graphology";
import Sigma from "sigma";
import { EdgeArrowProgram, EdgeLineProgram, NodePointProgram, NodeCircleProgram } from "sigma/rendering";
import { getCameraStateToFitViewportToNodes } from "@sigma/utils";
import louvain from "graphology-communities-louvain";
import WORKER_SOURCE from "./worker-source.js";

const PALETTE = [
  "#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#76b7b2",
  "#edc948", "#ff9da7", "#9c755f", "#2a9d8f", "#8c6bb1", "#d4a017",
];
const MODES = ["type", "folder", "tag", "community"];
const MODE_LABEL = { type: "Note type", folder: "Folder", tag: "Tag", community: "Community" };
const NONE_LABEL = { type: "untyped", folder: "top level", tag: "no tag", community: "no links" };
const NONE = "(none)";
const OTHER = "(other)";
const KINDS = ["parent", "link"];
const MAX_GROUPS = 12;

const $ = (id) => document.getElementById(id);
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}
const str = (v) => (v === null || v === undefined ? "" : String(v));
const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
const num = (v) => (typeof v === "number" && Number.isFinite(v) ? v : null);

// ------------------------------------------------------------------------------- data
const timings = { start: performance.now() };
const mark = (name) => {
  timings[name] = Math.round(performance.now());
};
let raw = null;
try {
  raw = JSON.parse($("graph-data").textContent || "null");
} catch (err) {
  raw = null;
}
if (!raw || typeof raw !== "object") raw = {};
mark("parsed");
const inNodes = Array.isArray(raw.nodes) ? raw.nodes : [];
const inEdges = Array.isArray(raw.edges) ? raw.edges : [];

const nodes = [];
const byId = new Map();
for (const n of inNodes) {
  if (!n || n.id === null || n.id === undefined) continue;
  const id = String(n.id);
  if (byId.has(id)) continue;
  const tags = Array.isArray(n.tags) ? n.tags.map(str).filter(Boolean) : [];
  const title = str(n.title) || id;
  const node = {
    i: nodes.length,
    id,
    title,
    date: str(n.date) || null,
    type: str(n.type) || null,
    missing: !!n.missing,
    tags,
    folder: typeof n.folder === "string" ? n.folder : null,
    group: n.group === null || n.group === undefined ? null : String(n.group),
    community: n.community === null || n.community === undefined ? null : String(n.community),
    degree: num(n.degree),
    pagerank: num(n.pagerank),
    rank: num(n.label_rank),
    snippet: str(n.snippet),
    x: num(n.x),
    y: num(n.y),
    deg: 0,
    parents: [],
    children: [],
    out: [],
    inn: [],
  };
  node.hay = [title, id, tags.join("\n"), node.snippet].join("\n").toLowerCase();
  byId.set(id, node.i);
  nodes.push(node);
}
const N = nodes.length;

// Folder: given by the data, else the note's folder in its id (less a prefix all share).
(function folders() {
  if (nodes.every((n) => n.folder !== null)) return;
  const dirs = nodes.map((n) => n.id.split("/").slice(0, -1));
  const first = dirs.length && dirs.every((d) => d.length && d[0] === dirs[0][0]) ? 1 : 0;
  nodes.forEach((n, k) => {
    if (n.folder === null) n.folder = dirs[k].slice(first).join("/");
  });
})();
for (const n of nodes) n.top = n.folder.split("/")[0] || "";

const edges = [];
for (const e of inEdges) {
  if (!e) continue;
  const s = byId.get(str(e.source));
  const t = byId.get(str(e.target));
  if (s === undefined || t === undefined) continue;
  const kind = e.kind === "parent" ? "parent" : "link";
  edges.push({ s, t, kind });
  if (s !== t) {
    nodes[s].deg++;
    nodes[t].deg++;
  }
  if (kind === "parent") {
    nodes[s].parents.push(t);
    nodes[t].children.push(s);
  } else {
    nodes[s].out.push(t);
    nodes[t].inn.push(s);
  }
}
const E = edges.length;
const missingCount = nodes.filter((n) => n.missing).length;
for (const n of nodes) if (n.degree === null) n.degree = n.deg;

// Label order: the data's label_rank (1 = label first), else PageRank, else degree.
const labelOrder = nodes.map((n) => n.i);
labelOrder.sort((a, b) => {
  const A = nodes[a];
  const B = nodes[b];
  if (A.rank !== null && B.rank !== null && A.rank !== B.rank) return A.rank - B.rank;
  if (A.rank !== null && B.rank === null) return -1;
  if (B.rank !== null && A.rank === null) return 1;
  if (A.pagerank !== null && B.pagerank !== null && A.pagerank !== B.pagerank)
    return B.pagerank - A.pagerank;
  return B.degree - A.degree || (A.missing ? 1 : 0) - (B.missing ? 1 : 0) || a - b;
});
const labelPos = new Int32Array(N);
labelOrder.forEach((i, k) => {
  labelPos[i] = k;
});

// ------------------------------------------------------------------------------- settings
const VAULT = str(raw.vault) || "default";
const STORE_KEY = `vault-graph:${VAULT}`;
function loadSettings() {
  try {
    const s = JSON.parse(window.localStorage.getItem(STORE_KEY) || "null");
    return s && typeof s === "object" ? s : {};
  } catch (err) {
    return {};
  }
}
const saved = loadSettings();
const settings = {
  colorBy: typeof saved.colorBy === "string" ? saved.colorBy : null,
  // The data's color_by when colorBy was chosen: a page made with another --color-by
  // starts from that one instead.
  colorByData: typeof saved.colorByData === "string" ? saved.colorByData : null,
  hidden: saved.hidden && typeof saved.hidden === "object" ? saved.hidden : {},
  off: { type: [], folder: [], tag: [], kind: [], other: [] },
  depth: [1, 2, 3].includes(saved.depth) ? saved.depth : null,
  filtersOpen: saved.filtersOpen === true,
};
if (saved.off && typeof saved.off === "object") {
  for (const k of Object.keys(settings.off)) {
    if (Array.isArray(saved.off[k])) settings.off[k] = saved.off[k].map(String);
  }
}
function persist() {
  try {
    window.localStorage.setItem(STORE_KEY, JSON.stringify(settings));
  } catch (err) {
    /* storage unavailable (private mode, quota): settings just do not persist */
  }
}

// ------------------------------------------------------------------------------- colour groups
const existing = nodes.filter((n) => !n.missing);
const hasCommunities = existing.some((n) => n.community !== null);
const available = {
  type: existing.some((n) => n.type),
  folder: true,
  tag: existing.some((n) => n.tags.length),
  // Given by the data, or found here (Louvain) when the notes have links.
  community: hasCommunities || edges.some((e) => e.s !== e.t),
};
const dataMode = MODES.includes(raw.color_by) ? raw.color_by : null;
// Without a colour mode in the data: type when most notes have one, else the top-level
// folder when that splits the notes (at least two folders, none holding 90%), else
// communities (a flat vault, as Dendron writes, has all its notes in one folder).
function autoMode() {
  if (dataMode) return dataMode;
  const typed = existing.filter((n) => n.type).length;
  if (existing.length && typed * 2 >= existing.length) return "type";
  const tops = new Map();
  for (const n of existing) tops.set(n.top, (tops.get(n.top) || 0) + 1);
  const biggest = Math.max(0, ...tops.values());
  if (tops.size >= 2 && biggest < existing.length * 0.9) return "folder";
  return available.community ? "community" : "folder";
}

// Communities when the data has none: Louvain (graphology-communities-louvain) on the
// undirected graph of the notes with links, with a fixed random seed so that every load of
// the same page finds the same ones; numbered by size, largest first.
let communitiesFound = hasCommunities;
function ensureCommunities() {
  if (communitiesFound) return;
  communitiesFound = true;
  const g = new Graph({ type: "undirected", multi: false });
  for (const e of edges) {
    if (e.s === e.t) continue;
    const a = String(e.s);
    const b = String(e.t);
    g.mergeNode(a);
    g.mergeNode(b);
    g.mergeEdge(a, b);
  }
  if (!g.size) return;
  let seed = 42;
  const rng = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const found = louvain(g, { rng, resolution: 1 });
  const sizes = new Map();
  for (const c of Object.values(found)) sizes.set(c, (sizes.get(c) || 0) + 1);
  const order = [...sizes.keys()].sort((a, b) => sizes.get(b) - sizes.get(a) || a - b);
  const rename = new Map(order.map((c, k) => [c, String(k)]));
  for (const [key, c] of Object.entries(found)) {
    const n = nodes[Number(key)];
    if (!n.missing) n.community = rename.get(c);
  }
}
const savedModeHolds =
  settings.colorBy &&
  MODES.includes(settings.colorBy) &&
  available[settings.colorBy] &&
  (settings.colorByData || null) === (dataMode || null);
let mode = savedModeHolds ? settings.colorBy : autoMode();

// A tag group is the note's most used tag, so groups are few and large.
const tagCount = new Map();
for (const n of existing) for (const t of n.tags) tagCount.set(t, (tagCount.get(t) || 0) + 1);
function keyFor(n, m) {
  if (m === "type") return n.type || NONE;
  if (m === "folder") return n.top || NONE;
  if (m === "community") return n.community === null ? NONE : n.community;
  let best = null;
  for (const t of n.tags) {
    if (best === null || tagCount.get(t) > tagCount.get(best) || (tagCount.get(t) === tagCount.get(best) && t < best)) best = t;
  }
  return best === null ? NONE : best;
}

let groups = []; // [{key, label, color, count}]
let groupOf = new Array(N).fill(null); // group key per node (null: missing note)
const groupIndex = new Map();
function computeGroups() {
  if (mode === "community") ensureCommunities();
  groupIndex.clear();
  const dataGroups = Array.isArray(raw.groups) ? raw.groups.filter((g) => g && g.key !== undefined) : [];
  const useData = mode === dataMode && dataGroups.length && existing.every((n) => n.group !== null);
  const counts = new Map();
  groupOf = nodes.map((n) => {
    if (n.missing) return null;
    const k = useData ? n.group : keyFor(n, mode);
    counts.set(k, (counts.get(k) || 0) + 1);
    return k;
  });
  if (useData) {
    groups = dataGroups.map((g, k) => ({
      key: String(g.key),
      label: str(g.label) || String(g.key),
      color: /^#[0-9a-fA-F]{3,8}$/.test(str(g.color)) ? g.color : PALETTE[k % PALETTE.length],
      count: counts.get(String(g.key)) || 0,
    }));
    for (const [k, c] of counts) {
      if (!groups.some((g) => g.key === k)) groups.push({ key: k, label: k, color: "#a3a9b2", count: c });
    }
  } else {
    const keys = [...counts.keys()].filter((k) => k !== NONE);
    keys.sort((a, b) => counts.get(b) - counts.get(a) || (a < b ? -1 : a > b ? 1 : 0));
    const shown = keys.slice(0, keys.length > MAX_GROUPS ? MAX_GROUPS - 1 : MAX_GROUPS);
    const shownSet = new Set(shown);
    // A community is named after its best-ranked note.
    const leader = new Map();
    if (mode === "community") {
      for (const i of labelOrder) {
        const k = groupOf[i];
        if (k !== null && !leader.has(k)) leader.set(k, nodes[i].title);
      }
    }
    const short = (t) => (t.length > 30 ? `${t.slice(0, 29)}…` : t);
    groups = shown.map((k, j) => ({
      key: k,
      label: mode === "community" ? `${short(leader.get(k) || `community ${k}`)} …` : k,
      color: PALETTE[j % PALETTE.length],
      count: counts.get(k),
    }));
    let other = 0;
    groupOf = groupOf.map((k) => {
      if (k === null || k === NONE || shownSet.has(k)) return k;
      other++;
      return OTHER;
    });
    if (other) groups.push({ key: OTHER, label: `other (${keys.length - shown.length} more)`, color: "#a3a9b2", count: other });
    if (counts.get(NONE)) groups.push({ key: NONE, label: NONE_LABEL[mode], color: "#a3a9b2", count: counts.get(NONE) });
  }
  groups.forEach((g, k) => groupIndex.set(g.key, k));
}

// ------------------------------------------------------------------------------- theme
const darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
let theme = null;
// sigma blends as if colours were premultiplied by their alpha (ONE, ONE_MINUS_SRC_ALPHA):
// a translucent rgba() colour must be given premultiplied, or it adds light (glows on dark).
function premultiplied(c) {
  const m = /^rgba\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*\)$/.exec(c);
  if (!m) return c;
  const a = Number(m[4]);
  const ch = (x) => Math.round(Number(x) * a);
  return `rgba(${ch(m[1])},${ch(m[2])},${ch(m[3])},${a})`;
}
function readTheme() {
  const css = getComputedStyle(document.documentElement);
  const v = (name) => premultiplied(css.getPropertyValue(name).trim());
  theme = {
    dark: !!(darkQuery && darkQuery.matches),
    bg: v("--bg") || "#f7f8fa",
    text: v("--text") || "#1f2328",
    link: v("--edge-link") || "rgba(120,130,145,0.28)",
    parent: v("--edge-parent") || "rgba(55,65,80,0.55)",
    dimEdge: v("--edge-dim") || "rgba(120,130,145,0.06)",
    parentOn: v("--edge-parent-on") || "#3b4552",
    linkOn: v("--edge-link-on") || "#6b7686",
    muted: v("--muted") || "#667080",
    missing: v("--missing") || "#c3c8cf",
    font: v("--font") || "sans-serif",
    swatchParent: css.getPropertyValue("--edge-parent-on").trim() || "#3b4552",
    swatchLink: css.getPropertyValue("--muted").trim() || "#8c96a3",
  };
}
readTheme();

function hexToRgb(c) {
  let h = c.replace("#", "");
  if (h.length === 3 || h.length === 4) h = h.split("").map((x) => x + x).join("");
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}
function mix(a, b, t) {
  const A = hexToRgb(a);
  const B = hexToRgb(b);
  const m = A.map((x, k) => Math.round(x + (B[k] - x) * t));
  return `#${m.map((x) => x.toString(16).padStart(2, "0")).join("")}`;
}

// ------------------------------------------------------------------------------- DOM
const container = $("graph");
const stage = $("stage");
const tooltip = $("tooltip");
const info = $("info");
const search = $("search");
const matchCount = $("match-count");
container.setAttribute("data-node-count", String(N));
container.setAttribute("data-edge-count", String(E));
$("stats").textContent = N === 0 ? "" : `${plural(N - missingCount, "note", "notes")}${missingCount ? ` · ${missingCount} missing` : ""} · ${plural(E, "edge", "edges")}`;

// ------------------------------------------------------------------------------- view state
const visible = new Uint8Array(N).fill(1);
let selected = -1;
let hovered = -1;
let matches = null; // Uint8Array while a search is active
let matchList = [];
const nbr = new Uint8Array(N);
let local = null; // {root, depth, members: Uint8Array, list: []}
let renderer = null;
let graph = null; // the graph sigma shows (the whole one, or a local one)
let mainGraph = null;
let drawnLabels = [];
let drawnBoxes = [];

const hiddenGroups = () => new Set(settings.hidden[mode] || []);
function recomputeVisible() {
  const hg = hiddenGroups();
  const off = {};
  for (const k of Object.keys(settings.off)) off[k] = new Set(settings.off[k]);
  const hideMissing = off.other.has("missing");
  const hideOrphans = off.other.has("orphans");
  for (let i = 0; i < N; i++) {
    const n = nodes[i];
    let v = true;
    if (n.missing) v = !hideMissing && !hg.has("(missing)");
    else {
      if (hg.has(groupOf[i])) v = false;
      else if (off.type.has(n.type || NONE)) v = false;
      else if (off.folder.has(n.top || NONE)) v = false;
      else if (off.tag.size) {
        if (!n.tags.length) v = !off.tag.has(NONE);
        else v = n.tags.some((t) => !off.tag.has(t));
      }
    }
    if (v && hideOrphans && n.deg === 0) v = false;
    visible[i] = v ? 1 : 0;
  }
}
const kindOn = (kind) => !settings.off.kind.includes(kind);

function setSelected(i) {
  selected = i;
  nbr.fill(0);
  if (i >= 0) {
    const n = nodes[i];
    for (const l of [n.parents, n.children, n.out, n.inn]) for (const j of l) nbr[j] = 1;
  }
  renderInfo();
  refresh();
}
// In a local graph, selecting its root dims nothing: the whole local graph is its context.
const selectionDims = () => selected >= 0 && !(local && selected === local.root);
const focusActive = () => selectionDims() || matches !== null;
function isOn(i) {
  if (!focusActive()) return true;
  return (
    i === selected || (selectionDims() && nbr[i] === 1) || (matches !== null && matches[i] === 1)
  );
}

// ------------------------------------------------------------------------------- layout
const rngState = { s: 0x9e3779b9 };
function rand() {
  rngState.s = (Math.imul(rngState.s, 1664525) + 1013904223) >>> 0;
  return rngState.s / 4294967296;
}
function nodeSize(n, count) {
  const base = count <= 30 ? 9 : count <= 300 ? 5 : count <= 2000 ? 2.6 : 1.8;
  const slope = count <= 300 ? 1.6 : count <= 2000 ? 0.8 : 0.5;
  return Math.min(base + slope * Math.sqrt(n.deg), base * 6);
}

// Seed: each cluster (community, else colour group) on a sunflower spiral, the biggest in
// the middle, its notes in a disc around its centre; notes without links go aside later.
function seedPositions(list) {
  const clusters = new Map();
  for (const i of list) {
    const n = nodes[i];
    const c = n.community !== null ? `c${n.community}` : `g${groupOf[i]}`;
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
      const a = rand() * 2 * Math.PI;
      const rr = r * Math.sqrt(rand());
      pos.set(i, [cx + rr * Math.cos(a), cy + rr * Math.sin(a)]);
    }
  });
  return pos;
}

// Notes without any edge: a tidy block beside the laid-out graph (sorted by colour group),
// instead of a far-away ring that leaves the overview mostly empty.
function placeOrphans(orphans, xs, ys) {
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
  const sorted = [...orphans].sort((a, b) => (groupIndex.get(groupOf[a]) ?? 99) - (groupIndex.get(groupOf[b]) ?? 99) || a - b);
  // A block as tall as the graph to its right, or as wide as it below, whichever leaves
  // the whole closer to the shape of the free part of the view.
  const side = w / h >= viewAspect() ? "below" : "right";
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

function viewAspect() {
  const W = container.clientWidth || 800;
  const H = container.clientHeight || 600;
  const legend = $("legend");
  const lw = legend && legend.offsetParent !== null ? legend.offsetWidth + 20 : 0;
  return Math.max(0.3, (W - (W - lw >= 360 ? lw : 0)) / H);
}

let worker = null;
let layoutRun = 0;
function getWorker() {
  if (worker) return worker;
  try {
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
    worker = new Worker(url);
  } catch (err) {
    worker = null;
  }
  return worker;
}

// Lays out `list` (node indices) and calls onTick(positions Map) while it runs, onDone at the end.
function runLayout(list, { onTick, onDone, maxMs, seed, fixed }) {
  const run = ++layoutRun;
  const connected = list.filter((i) => nodes[i].deg > 0);
  const inList = new Uint8Array(N);
  for (const i of list) inList[i] = 1;
  // Orphans within this list: nodes with no edge to another node of the list.
  const linked = new Uint8Array(N);
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
  const seeded = seed ? null : seedPositions(core);
  for (const i of core) start.set(i, seed ? seed(i) : seeded.get(i));
  const finish = (pos, done) => {
    const all = new Map(pos);
    const orph = new Map();
    placeOrphans(orphans, pos, orph);
    for (const [i, p] of orph) all.set(i, p);
    (done ? onDone : onTick)(all);
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
  const w = getWorker();
  if (!w) {
    // No worker (very old browser, or blocked): show the seed, laid out no further.
    finish(start, true);
    return;
  }
  // Only the latest positions count: apply them once per frame, not once per message.
  let pending = null;
  w.onmessage = (ev) => {
    const msg = ev.data;
    if (msg.run !== run || run !== layoutRun) return;
    lastLayout = { iterations: msg.iterations, elapsed: msg.elapsed, step: msg.step };
    if (msg.type === "done") {
      pending = null;
      finish(toMap(msg.positions), true);
      return;
    }
    const first = pending === null;
    pending = msg.positions;
    if (first) {
      requestAnimationFrame(() => {
        if (pending === null || run !== layoutRun) return;
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
let lastLayout = null;

function stopLayout() {
  layoutRun++;
  if (worker) worker.postMessage({ type: "stop" });
}

// ------------------------------------------------------------------------------- graphology
function buildGraph(list, positions) {
  const g = new Graph({ type: "directed", multi: true, allowSelfLoops: true });
  for (const i of list) {
    const n = nodes[i];
    const p = positions.get(i) || [0, 0];
    g.addNode(n.id, { x: p[0], y: p[1], size: nodeSize(n, list.length), i });
  }
  const inList = new Uint8Array(N);
  for (const i of list) inList[i] = 1;
  edges.forEach((e, k) => {
    if (inList[e.s] && inList[e.t] && e.s !== e.t) {
      const parent = e.kind === "parent";
      g.addEdgeWithKey(`e${k}`, nodes[e.s].id, nodes[e.t].id, { k, kind: e.kind, size: parent ? 1.2 : 1, type: parent ? "arrow" : "line" });
    }
  });
  return g;
}

function applyPositions(g, pos) {
  g.updateEachNodeAttributes(
    (key, attr) => {
      const p = pos.get(attr.i);
      if (p) {
        attr.x = p[0];
        attr.y = p[1];
      }
      return attr;
    },
    { attributes: ["x", "y"] },
  );
}

// ------------------------------------------------------------------------------- rendering
function nodeColor(i) {
  const n = nodes[i];
  if (n.missing) return theme.missing;
  const g = groups[groupIndex.get(groupOf[i])];
  return g ? g.color : "#a3a9b2";
}

function nodeReducer(key, attr) {
  const i = attr.i;
  const n = nodes[i];
  const out = { x: attr.x, y: attr.y, size: attr.size, label: null, color: nodeColor(i), zIndex: 0 };
  if (!visible[i]) {
    out.hidden = true;
    return out;
  }
  if (focusActive() && !isOn(i)) {
    out.color = mix(out.color, theme.bg, theme.dark ? 0.8 : 0.82);
    out.size = Math.max(1.5, attr.size * 0.7);
  } else if (focusActive()) {
    out.zIndex = 1;
  }
  if (i === selected || (matches !== null && matches[i]) || (local && i === local.root)) {
    out.highlighted = true;
    out.zIndex = 2;
  }
  if (n.missing) out.size = Math.max(1.5, out.size * 0.8);
  return out;
}

function edgeReducer(key, attr) {
  const e = edges[attr.k];
  const out = { color: e.kind === "parent" ? theme.parent : theme.link, size: attr.size, zIndex: 0 };
  if (!visible[e.s] || !visible[e.t] || !kindOn(e.kind)) {
    out.hidden = true;
    return out;
  }
  const touchesSelected = selected >= 0 && (e.s === selected || e.t === selected);
  if (touchesSelected) {
    out.color = e.kind === "parent" ? theme.parentOn : theme.linkOn;
    out.zIndex = 1;
    out.size = attr.size * 1.6;
  } else if (selectionDims() || (matches !== null && !(matches[e.s] && matches[e.t]))) {
    out.color = theme.dimEdge;
  }
  return out;
}

// Hover and highlight: a ring around the node (labels are drawn by drawLabels below).
function drawRing(ctx, data) {
  ctx.beginPath();
  ctx.arc(data.x, data.y, data.size + 3, 0, Math.PI * 2);
  ctx.lineWidth = 2;
  ctx.strokeStyle = theme.text;
  ctx.stroke();
}

// Labels: notes in label order (label_rank, PageRank, degree), greedily placed where they
// overlap no label already placed. At overview zoom only the best ranked qualify; zooming in
// lets more in. Selected, hovered and matching notes come first.
function drawLabels() {
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
  const shown = graph;
  const labelled = new Set();
  const tryLabel = (i, force) => {
    const n = nodes[i];
    if (labelled.has(i) || !visible[i] || !shown.hasNode(n.id)) return false;
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
  const cr = container.getBoundingClientRect();
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
  const pool = local ? local.list.length : N;
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
  const order = local ? local.order : labelOrder;
  for (let k = 0; k < order.length && count < budget; k++) {
    const i = order[k];
    if ((local ? k : labelPos[i]) >= eligible) break;
    if (focusActive() && !isOn(i)) continue;
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
  drawnLabels = out.map((o) => nodes[o[0]].id);
  drawnBoxes = placed.slice(overlays).map((r) => r.slice());
}

function refresh() {
  if (renderer) renderer.refresh({ skipIndexation: true });
}

// ------------------------------------------------------------------------------- panel
function swatch(i) {
  const s = el("span", "sw");
  if (nodes[i].missing) s.classList.add("hollow");
  else s.style.background = nodeColor(i);
  return s;
}
function uniqSorted(list) {
  const seen = new Set();
  const out = [];
  for (const j of list) {
    if (!seen.has(j)) {
      seen.add(j);
      out.push(j);
    }
  }
  out.sort((a, b) => {
    const A = nodes[a].title.toLowerCase();
    const B = nodes[b].title.toLowerCase();
    return A < B ? -1 : A > B ? 1 : a - b;
  });
  return out;
}

function renderInfo() {
  info.textContent = "";
  if (selected < 0) {
    const hint = el("div", "hint");
    if (N === 0) hint.appendChild(el("p", null, "No notes in this graph."));
    else {
      hint.appendChild(el("p", null, "Click a note to see its beginning, details and connections."));
      const p = el("p");
      p.append("Drag to pan, scroll to zoom. Press ");
      p.appendChild(el("kbd", null, "/"));
      p.append(" to search (titles, paths, tags and note text), ");
      p.appendChild(el("kbd", null, "Enter"));
      p.append(" to zoom to the matches, ");
      p.appendChild(el("kbd", null, "Esc"));
      p.append(" to clear, ");
      p.appendChild(el("kbd", null, "F"));
      p.append(" to fit. Click a legend entry to hide or show its notes.");
      hint.appendChild(p);
    }
    info.appendChild(hint);
    return;
  }
  const n = nodes[selected];
  const kicker = el("div", "kicker");
  kicker.appendChild(swatch(selected));
  const g = groups[groupIndex.get(groupOf[selected])];
  kicker.append(n.missing ? "missing note" : g ? g.label : n.type || "untyped");
  info.appendChild(kicker);
  info.appendChild(el("h2", n.missing ? "missing" : null, n.title));
  if (n.missing) info.appendChild(el("div", "badge", "Linked to, but the note does not exist"));
  const actions = el("div", "actions");
  const lb = el("button", "act", local && local.root === selected ? "Local graph (open)" : "Local graph");
  lb.type = "button";
  lb.id = "open-local";
  lb.addEventListener("click", () => openLocal(selected, local ? local.depth : settings.depth || 1));
  actions.appendChild(lb);
  info.appendChild(actions);
  if (n.snippet) {
    // Untrusted note text: set as textContent, never parsed as HTML.
    const snip = el("div", "snippet");
    snip.id = "snippet";
    snip.textContent = n.snippet;
    info.appendChild(snip);
  }
  const dl = el("dl");
  const row = (label, value) => {
    dl.appendChild(el("dt", null, label));
    const dd = el("dd");
    if (typeof value === "string") dd.textContent = value;
    else dd.appendChild(value);
    dl.appendChild(dd);
  };
  row("Path", el("code", null, n.id));
  row("Date", n.date || "—");
  row("Type", n.type || "—");
  const tags = el("div");
  if (n.tags.length) for (const t of n.tags) tags.appendChild(el("span", "tag", t));
  else tags.textContent = "—";
  row("Tags", tags);
  row("Links", `${n.deg}`);
  info.appendChild(dl);

  const sections = [["Parent", n.parents], ["Children", n.children], ["Links out", n.out], ["Links in", n.inn]];
  let any = false;
  for (const [name, members] of sections) {
    const list = uniqSorted(members.filter((j) => j !== selected));
    if (!list.length) continue;
    any = true;
    const h = el("h3", null, name);
    h.appendChild(el("span", "c", String(list.length)));
    info.appendChild(h);
    const ul = el("ul");
    for (const j of list) {
      const m = nodes[j];
      const b = el("button", `nb${m.missing ? " missing" : ""}`);
      b.type = "button";
      b.title = m.id;
      b.setAttribute("data-id", m.id);
      b.appendChild(swatch(j));
      b.appendChild(el("span", "lbl", m.title));
      b.addEventListener("click", () => selectIndex(j, true));
      const li = el("li");
      li.appendChild(b);
      ul.appendChild(li);
    }
    info.appendChild(ul);
  }
  if (!any) info.appendChild(el("p", "none", "No connections."));
}

// ------------------------------------------------------------------------------- camera
function cameraFor(list) {
  const keys = list.filter((i) => graph.hasNode(nodes[i].id)).map((i) => nodes[i].id);
  if (!keys.length) return null;
  return getCameraStateToFitViewportToNodes(renderer, keys, {});
}
// The whole graph in view, as large as it fits, clear of the legend where there is room
// beside it: the bounding box of the shown nodes is fitted into the part of the view right
// of the legend (or all of it) and centred there.
function homeCamera() {
  const home = { x: 0.5, y: 0.5, ratio: 1, angle: 0 };
  if (!renderer || !graph || !graph.order) return home;
  const { width: W, height: H } = renderer.getDimensions();
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  let maxSize = 0;
  graph.forEachNode((key, attr) => {
    if (!visible[attr.i]) return;
    const d = renderer.getNodeDisplayData(key);
    if (!d) return;
    if (d.x < x0) x0 = d.x;
    if (d.x > x1) x1 = d.x;
    if (d.y < y0) y0 = d.y;
    if (d.y > y1) y1 = d.y;
    if (d.size > maxSize) maxSize = d.size;
  });
  if (!Number.isFinite(x0) || (x1 - x0 < 1e-9 && y1 - y0 < 1e-9)) return home;
  let left = 0;
  const legend = $("legend");
  if (legend && legend.offsetParent !== null) {
    const lw = legend.getBoundingClientRect().right - container.getBoundingClientRect().left + 8;
    if (W - lw >= 360 && legend.getBoundingClientRect().height > H * 0.3) left = lw;
  }
  const pad = 24 + Math.min(maxSize, 20);
  const p0 = renderer.framedGraphToViewport({ x: x0, y: y0 }, { cameraState: home });
  const p1 = renderer.framedGraphToViewport({ x: x1, y: y1 }, { cameraState: home });
  const bw = Math.max(Math.abs(p1.x - p0.x), 1);
  const bh = Math.max(Math.abs(p1.y - p0.y), 1);
  const scale = Math.min((W - left - 2 * pad) / bw, (H - 2 * pad) / bh);
  if (!(scale > 0)) return home;
  // Small graphs fill the view too, up to a sensible zoom.
  const ratio = Math.min(4, Math.max(0.05, 1 / scale));
  const a = renderer.viewportToFramedGraph({ x: 0, y: 0 }, { cameraState: { ...home, ratio } });
  const b = renderer.viewportToFramedGraph({ x: 100, y: 0 }, { cameraState: { ...home, ratio } });
  const perPx = (b.x - a.x) / 100;
  return { x: (x0 + x1) / 2 - (left / 2) * perPx, y: (y0 + y1) / 2, ratio, angle: 0 };
}

function fitAll() {
  if (!renderer) return;
  const list = [];
  graph.forEachNode((key, attr) => {
    if (visible[attr.i]) list.push(attr.i);
  });
  const cam = list.length && list.length < graph.order ? cameraFor(list) : homeCamera();
  if (cam) renderer.getCamera().animate(cam, { duration: 300 });
}
function centreOn(i) {
  if (!renderer || !graph.hasNode(nodes[i].id)) return;
  const d = renderer.getNodeDisplayData(nodes[i].id);
  if (!d) return;
  const p = renderer.framedGraphToViewport(d);
  const { width: W, height: H } = renderer.getDimensions();
  if (p.x > 40 && p.x < W - 40 && p.y > 40 && p.y < H - 40) return;
  const cam = renderer.getCamera();
  cam.animate({ x: d.x, y: d.y, ratio: Math.min(cam.ratio, 0.6) }, { duration: 300 });
}
function selectIndex(i, centre) {
  setSelected(i);
  if (i >= 0 && centre) centreOn(i);
}

// ------------------------------------------------------------------------------- search
function runSearch() {
  const q = search.value.trim().toLowerCase();
  if (!q) {
    matches = null;
    matchList = [];
    matchCount.textContent = "";
  } else {
    matches = new Uint8Array(N);
    matchList = [];
    for (let i = 0; i < N; i++) {
      if (visible[i] && (!local || local.members[i]) && nodes[i].hay.indexOf(q) !== -1) {
        matches[i] = 1;
        matchList.push(i);
      }
    }
    const c = matchList.length;
    matchCount.textContent = c === 0 ? "No matches" : plural(c, "match", "matches");
  }
  refresh();
}

// ------------------------------------------------------------------------------- legend and filters
function toggleGroup(key) {
  const list = settings.hidden[mode] || [];
  const k = list.indexOf(key);
  if (k >= 0) list.splice(k, 1);
  else list.push(key);
  settings.hidden[mode] = list;
  persist();
  filtersChanged();
}
function setFilter(dim, value, on) {
  const list = settings.off[dim];
  if (!list) return;
  const k = list.indexOf(value);
  if (on && k >= 0) list.splice(k, 1);
  if (!on && k < 0) list.push(value);
  persist();
  filtersChanged();
}
function filtersChanged() {
  recomputeVisible();
  if (selected >= 0 && !visible[selected]) setSelected(-1);
  renderLegend();
  renderFilters();
  if (search.value.trim()) runSearch();
  refresh();
  updateVisibleCount();
}
function updateVisibleCount() {
  let v = 0;
  let all = 0;
  graph && graph.forEachNode((key, attr) => {
    all++;
    if (visible[attr.i]) v++;
  });
  $("shown").textContent = v === all ? "" : `${v} of ${all} shown`;
}

function svgLine(color, width, arrow) {
  const ns = "http://www.w3.org/2000/svg";
  const s = document.createElementNS(ns, "svg");
  s.setAttribute("width", "26");
  s.setAttribute("height", "10");
  s.setAttribute("viewBox", "0 0 26 10");
  const l = document.createElementNS(ns, "line");
  const x2 = arrow ? 19 : 25;
  for (const [a, v] of [["x1", 1], ["y1", 5], ["x2", x2], ["y2", 5], ["stroke", color], ["stroke-width", width]]) l.setAttribute(a, v);
  s.appendChild(l);
  if (arrow) {
    const head = document.createElementNS(ns, "path");
    head.setAttribute("d", "M25 5 L18 1.5 L18 8.5 Z");
    head.setAttribute("fill", color);
    s.appendChild(head);
  }
  return s;
}
function renderLegend() {
  const body = $("legend-body");
  body.textContent = "";
  if (N === 0) {
    $("legend").style.display = "none";
    return;
  }
  const hg = hiddenGroups();
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
  sect.appendChild(el("div", "sect-title", MODE_LABEL[mode]));
  const counts = new Map();
  for (let i = 0; i < N; i++) if (inLocal(i) && groupOf[i] !== null) counts.set(groupOf[i], (counts.get(groupOf[i]) || 0) + 1);
  for (const g of groups) {
    const c = local ? counts.get(g.key) || 0 : g.count;
    if (!c) continue;
    const sw = el("span", "sw");
    sw.style.background = g.color;
    sect.appendChild(legendRow(sw, g.label, c, g.key, hg.has(g.key), () => toggleGroup(g.key)));
  }
  let miss = 0;
  for (let i = 0; i < N; i++) if (nodes[i].missing && inLocal(i)) miss++;
  if (miss) {
    const sw = el("span", "sw hollow");
    sect.appendChild(legendRow(sw, "missing note", miss, "(missing)", hg.has("(missing)"), () => toggleGroup("(missing)")));
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
  if (nParent) {
    kinds.appendChild(legendRow(svgLine(theme.swatchParent, 1.6, true), "parent (note → its parent)", nParent, "kind:parent", !kindOn("parent"), () => setFilter("kind", "parent", !kindOn("parent"))));
  }
  if (nLink) {
    kinds.appendChild(legendRow(svgLine(theme.swatchLink, 1), "link", nLink, "kind:link", !kindOn("link"), () => setFilter("kind", "link", !kindOn("link"))));
  }
  body.appendChild(kinds);
  body.appendChild(el("div", "note", "Bigger circle = more connections. Click an entry to hide or show it."));
}

function checkboxList(box, dim, entries) {
  box.textContent = "";
  const off = new Set(settings.off[dim]);
  for (const [value, label, count] of entries) {
    const lab = el("label", "chk");
    const cb = document.createElement("input");
    cb.type = "checkbox";
    cb.checked = !off.has(value);
    cb.setAttribute("data-dim", dim);
    cb.setAttribute("data-value", value);
    cb.addEventListener("change", () => setFilter(dim, value, cb.checked));
    lab.appendChild(cb);
    lab.appendChild(el("span", "lbl", label));
    if (count !== null) lab.appendChild(el("span", "n", String(count)));
    box.appendChild(lab);
  }
}
function countsBy(fn) {
  const m = new Map();
  for (const n of existing) for (const k of fn(n)) m.set(k, (m.get(k) || 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}
function renderFilters() {
  const sel = $("color-by");
  sel.textContent = "";
  for (const m of MODES) {
    if (!available[m]) continue;
    const o = el("option", null, MODE_LABEL[m]);
    o.value = m;
    o.selected = m === mode;
    sel.appendChild(o);
  }
  const named = (list, none) => list.map(([k, c]) => [k, k === NONE ? none : k, c]);
  const types = countsBy((n) => [n.type || NONE]);
  $("f-type-sect").style.display = available.type ? "" : "none";
  checkboxList($("f-type"), "type", named(types, "untyped"));
  checkboxList($("f-folder"), "folder", named(countsBy((n) => [n.top || NONE]), "top level"));
  const tags = countsBy((n) => (n.tags.length ? n.tags : [NONE]));
  $("f-tag-sect").style.display = available.tag ? "" : "none";
  checkboxList($("f-tag"), "tag", named(tags.slice(0, 60), "no tag"));
  checkboxList($("f-kind"), "kind", [["parent", "parent edges", null], ["link", "links", null]]);
  checkboxList($("f-other"), "other", [["missing", "missing notes", missingCount], ["orphans", "notes without links", existing.filter((n) => n.deg === 0).length]]);
  $("f-reset").onclick = () => {
    for (const k of Object.keys(settings.off)) settings.off[k] = [];
    settings.hidden = {};
    persist();
    filtersChanged();
  };
}

// ------------------------------------------------------------------------------- local graph
function neighbourhood(root, depth) {
  const members = new Uint8Array(N);
  members[root] = 1;
  let frontier = [root];
  const list = [root];
  for (let d = 0; d < depth; d++) {
    const next = [];
    for (const i of frontier) {
      const n = nodes[i];
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

function openLocal(root, depth) {
  if (root < 0 || !renderer) return;
  depth = Math.max(1, Math.min(3, Number(depth) || 1));
  settings.depth = depth;
  persist();
  const { members, list } = neighbourhood(root, depth);
  const order = [...list].sort((a, b) => (a === root ? -1 : b === root ? 1 : labelPos[a] - labelPos[b]));
  local = { root, depth, members, list, order };
  // Start from the whole graph's positions, the root in the middle; then lay the part out alone.
  const main = mainGraph.getNodeAttributes(nodes[root].id);
  const pos = new Map();
  for (const i of list) {
    const a = mainGraph.getNodeAttributes(nodes[i].id);
    pos.set(i, [a.x - main.x, a.y - main.y]);
  }
  stopLayout();
  graph = buildGraph(list, pos);
  renderer.setGraph(graph);
  markSettled(false);
  $("local-bar").hidden = false;
  $("local-title").textContent = nodes[root].title;
  $("depth").value = String(depth);
  $("depth-value").textContent = String(depth);
  document.body.classList.add("local");
  goHome();
  if (selected !== root) setSelected(root);
  else renderInfo();
  renderLegend();
  updateVisibleCount();
  if (search.value.trim()) runSearch();
  runLayout(list, {
    seed: (i) => pos.get(i),
    fixed: root,
    maxMs: 8000,
    onTick: (p) => applyPositions(graph, p),
    onDone: (p) => {
      applyPositions(graph, p);
      markSettledAfterRender();
    },
  });
}
function closeLocal() {
  if (!local || !renderer) return;
  stopLayout();
  local = null;
  graph = mainGraph;
  renderer.setGraph(graph);
  $("local-bar").hidden = true;
  document.body.classList.remove("local");
  goHome();
  renderInfo();
  renderLegend();
  updateVisibleCount();
  if (search.value.trim()) runSearch();
  if (mainSettled) markSettledAfterRender();
  else resumeMainLayout();
}

// ------------------------------------------------------------------------------- life cycle
const api = {
  nodeCount: N,
  edgeCount: E,
  ready: false,
  settled: false,
  renderer: null,
  error: null,
  layout: () => lastLayout,
  timings: () => ({ ...timings }),
  highlighted: () => matchList.map((i) => nodes[i].id).sort(),
  selected: () => (selected >= 0 ? nodes[selected].id : null),
  select(id) {
    if (id === null || id === undefined) {
      setSelected(-1);
      return;
    }
    const i = byId.get(String(id));
    if (i !== undefined) selectIndex(i, true);
  },
  fit: fitAll,
  fastMove: false,
  glRenderer: "",
  colorBy: () => mode,
  setColorBy: (m) => setMode(m),
  groups: () => groups.map((g) => ({ ...g })),
  groupOf: (id) => {
    const i = byId.get(String(id));
    return i === undefined ? undefined : groupOf[i];
  },
  nodeColor: (id) => {
    const i = byId.get(String(id));
    return i === undefined ? null : nodeColor(i);
  },
  toggleGroup: (key) => toggleGroup(String(key)),
  setFilter: (dim, value, on) => setFilter(dim, String(value), !!on),
  visibleNodes: () => {
    const out = [];
    if (graph) graph.forEachNode((key, attr) => { if (visible[attr.i]) out.push(key); });
    return out.sort();
  },
  visibleEdgeCount: () => {
    let c = 0;
    if (graph) graph.forEachEdge((key, attr) => {
      const e = edges[attr.k];
      if (visible[e.s] && visible[e.t] && kindOn(e.kind)) c++;
    });
    return c;
  },
  local: () => (local ? { root: nodes[local.root].id, depth: local.depth, nodes: local.list.map((i) => nodes[i].id).sort() } : null),
  openLocal: (id, depth) => {
    const i = byId.get(String(id));
    if (i !== undefined) openLocal(i, depth || 1);
  },
  closeLocal: () => closeLocal(),
  labels: () => drawnLabels.slice(),
  labelBoxes: () => drawnBoxes.map((r) => r.slice()),
  camera: () => (renderer ? { ...renderer.getCamera().getState() } : null),
  viewportPosition: (id) => {
    if (!renderer || !graph.hasNode(String(id))) return null;
    const d = renderer.getNodeDisplayData(String(id));
    return d ? { ...renderer.framedGraphToViewport(d), size: renderer.scaleSize(d.size) } : null;
  },
  graphPosition: (id) => {
    const g = mainGraph || graph;
    if (!g || !g.hasNode(String(id))) return null;
    const a = g.getNodeAttributes(String(id));
    return [a.x, a.y];
  },
  settings: () => JSON.parse(JSON.stringify(settings)),
  theme: () => ({ ...theme }),
};
window.vaultGraph = api;

let mainSettled = false;
function markSettled(v) {
  api.settled = v;
  if (v) container.setAttribute("data-settled", "true");
  else container.removeAttribute("data-settled");
}
// The camera the page last set by itself; while the user has not moved it, a finished layout
// is fitted again (its shape may differ from the seed's).
let autoCamera = null;
function goHome() {
  autoCamera = homeCamera();
  renderer.getCamera().setState(autoCamera);
}
function cameraUntouched() {
  if (!autoCamera) return false;
  const c = renderer.getCamera().getState();
  return c.x === autoCamera.x && c.y === autoCamera.y && c.ratio === autoCamera.ratio;
}
function markSettledAfterRender() {
  if (!renderer) return;
  if (cameraUntouched()) {
    renderer.refresh();
    goHome();
  }
  renderer.once("afterRender", () => {
    if (!local) mainSettled = true;
    markSettled(true);
  });
  renderer.scheduleRender();
}

function setMode(m) {
  if (!MODES.includes(m) || !available[m]) return;
  mode = m;
  settings.colorBy = m;
  settings.colorByData = dataMode;
  persist();
  computeGroups();
  filtersChanged();
  if (selected >= 0) renderInfo();
}

let mainPositions = null;
function resumeMainLayout() {
  const all = nodes.map((n) => n.i);
  runLayout(all, {
    seed: mainPositions ? (i) => mainPositions.get(i) : null,
    maxMs: 12000,
    onTick: (p) => {
      mainPositions = p;
      if (!local) applyPositions(mainGraph, p);
    },
    onDone: (p) => {
      mainPositions = p;
      applyPositions(mainGraph, p);
      mainSettled = true;
      if (!local) markSettledAfterRender();
    },
  });
}

function showError(message) {
  const box = $("nogl");
  box.textContent = "";
  box.appendChild(el("strong", null, "This graph view needs WebGL."));
  box.appendChild(el("p", null, message));
  box.appendChild(el("p", null, `The page holds ${plural(N, "note", "notes")} and ${plural(E, "edge", "edges")}; search and the note panel still work: type in the search box and pick a match below.`));
  const ul = el("ul", "fallback");
  ul.id = "fallback-list";
  box.appendChild(ul);
  box.hidden = false;
  container.setAttribute("data-error", "webgl");
  api.error = "webgl";
  const list = () => {
    ul.textContent = "";
    const shown = (matchList.length ? matchList : labelOrder).slice(0, 50);
    for (const i of shown) {
      const b = el("button", "nb", nodes[i].title);
      b.type = "button";
      b.addEventListener("click", () => setSelected(i));
      const li = el("li");
      li.appendChild(b);
      ul.appendChild(li);
    }
  };
  search.addEventListener("input", list);
  list();
}

function hasWebGL() {
  try {
    const c = document.createElement("canvas");
    return !!(c.getContext("webgl2") || c.getContext("webgl"));
  } catch (err) {
    return false;
  }
}

function start() {
  mark("indexed");
  computeGroups();
  recomputeVisible();
  renderFilters();
  renderLegend();
  renderInfo();
  $("filters").open = settings.filtersOpen;
  $("filters").addEventListener("toggle", () => {
    settings.filtersOpen = $("filters").open;
    persist();
  });
  if (N === 0) {
    $("empty").style.display = "flex";
    api.ready = true;
    api.settled = true;
    container.setAttribute("data-ready", "true");
    container.setAttribute("data-settled", "true");
    return;
  }
  if (!hasWebGL()) {
    showError("Your browser has WebGL turned off or unavailable (check its hardware-acceleration setting), so the graph cannot be drawn.");
    return;
  }
  // Positions: the data's own (computed ahead), else the seed while the worker lays it out.
  const given = nodes.every((n) => n.x !== null && n.y !== null);
  let pos = new Map();
  if (given) for (const n of nodes) pos.set(n.i, [n.x, n.y]);
  else {
    const core = nodes.filter((n) => n.deg > 0).map((n) => n.i);
    const seeded = seedPositions(core);
    const orph = new Map();
    placeOrphans(nodes.filter((n) => n.deg === 0).map((n) => n.i), seeded, orph);
    pos = new Map([...seeded, ...orph]);
  }
  mainPositions = pos;
  mark("seeded");
  mainGraph = graph = buildGraph(nodes.map((n) => n.i), pos);
  mark("graph");
  // Benchmarks can try other renderer options (window.vaultGraphOptions, set before load).
  const opts = window.vaultGraphOptions || {};
  const nodeProgram = opts.nodeProgram === "circle" ? NodeCircleProgram : opts.nodeProgram === "point" ? NodePointProgram : NodeCircleProgram;
  try {
    renderer = new Sigma(graph, container, {
      defaultNodeType: "dot",
      nodeProgramClasses: { dot: nodeProgram },
      renderLabels: false,
      renderEdgeLabels: false,
      defaultEdgeType: "line",
      // Links: 1-px lines (cheapest). Parent edges: arrows from the note to its parent.
      edgeProgramClasses: { line: EdgeLineProgram, arrow: EdgeArrowProgram },
      defaultDrawNodeHover: drawRing,
      nodeReducer,
      edgeReducer,
      zIndex: true,
      minCameraRatio: 0.02,
      maxCameraRatio: 4,
      stagePadding: 24,
      labelFont: theme.font,
      enableEdgeEvents: false,
    });
  } catch (err) {
    showError(`The browser could not start WebGL (${str(err && err.message) || "unknown error"}).`);
    return;
  }
  mark("sigma");
  keepPickingTextures(renderer);
  const glName = webglRendererName();
  const software = /swiftshader|llvmpipe|softpipe|software|basic render/i.test(glName);
  fastMove = opts.fastMove !== undefined ? !!opts.fastMove : software;
  if (fastMove) moveByTransform(renderer);
  api.renderer = "webgl";
  api.glRenderer = glName;
  api.fastMove = fastMove;
  api.sigma = renderer;
  renderer.on("afterRender", drawLabels);
  renderer.on("enterNode", ({ node, event }) => {
    hovered = graph.getNodeAttribute(node, "i");
    container.classList.add("on-node");
    showTooltip(hovered, event.x, event.y);
    renderer.scheduleRender();
  });
  renderer.on("leaveNode", () => {
    hovered = -1;
    container.classList.remove("on-node");
    tooltip.style.display = "none";
    renderer.scheduleRender();
  });
  renderer.getMouseCaptor().on("mousemovebody", (e) => {
    if (hovered >= 0) showTooltip(hovered, e.x, e.y);
  });
  renderer.on("clickNode", ({ node }) => selectIndex(graph.getNodeAttribute(node, "i"), false));
  renderer.on("doubleClickNode", ({ node, preventSigmaDefault }) => {
    preventSigmaDefault();
    openLocal(graph.getNodeAttribute(node, "i"), settings.depth || 1);
  });
  renderer.on("clickStage", () => {
    if (selected >= 0) setSelected(-1);
  });
  renderer.getCamera().on("updated", () => {
    tooltip.style.display = hovered >= 0 ? tooltip.style.display : "none";
  });
  renderer.once("afterRender", () => {
    mark("firstFrame");
    api.ready = true;
    container.setAttribute("data-ready", "true");
  });
  goHome();
  renderer.refresh();
  updateVisibleCount();

  const rootId = raw.root === null || raw.root === undefined ? null : String(raw.root);
  const rootIndex = rootId === null ? undefined : byId.get(rootId);
  if (given) {
    mainSettled = true;
    if (rootIndex === undefined) markSettledAfterRender();
  } else resumeMainLayout();
  if (rootIndex !== undefined) {
    const depth = [1, 2, 3].includes(Number(raw.depth)) ? Number(raw.depth) : settings.depth || 1;
    openLocal(rootIndex, depth);
  }
}

// Where WebGL is software-rendered (SwiftShader, llvmpipe: headless browsers, machines
// without a GPU driver), drawing a 38,000-edge frame takes 100-300 ms. While the camera
// moves, the page then shows the last drawn frame moved and scaled by a CSS transform (cheap
// to composite), and draws for real once the camera has been still for a moment. Graph
// changes (filters, selection, layout) always draw for real. On a GPU it is not needed.
let fastMove = false;
function webglRendererName() {
  try {
    const gl = document.createElement("canvas").getContext("webgl");
    if (!gl) return "";
    const ext = gl.getExtension("WEBGL_debug_renderer_info");
    const name = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER) || "");
    const lose = gl.getExtension("WEBGL_lose_context");
    if (lose) lose.loseContext();
    return name;
  } catch (err) {
    return "";
  }
}
function moveByTransform(r) {
  const realRender = r.render;
  const camera = r.getCamera();
  const layers = () => {
    const c = r.getCanvases();
    return Object.keys(c).filter((k) => k !== "mouse").map((k) => c[k]);
  };
  let drawn = null; // camera state of the frame on screen
  let timer = 0;
  let transformed = false;
  const clearTransform = () => {
    if (!transformed) return;
    transformed = false;
    for (const c of layers()) c.style.transform = "";
  };
  const draw = function () {
    clearTimeout(timer);
    clearTransform();
    const out = realRender.call(r);
    drawn = camera.getState();
    return out;
  };
  r.render = function render() {
    const now = camera.getState();
    const still = !drawn || (now.x === drawn.x && now.y === drawn.y && now.ratio === drawn.ratio && now.angle === drawn.angle);
    if (still || this.needToProcess || now.angle !== drawn.angle || drawn.angle !== 0) return draw();
    if (this.renderFrame) {
      cancelAnimationFrame(this.renderFrame);
      this.renderFrame = null;
    }
    // Where the drawn frame's corners land under the camera as it is now.
    const p0 = this.framedGraphToViewport(this.viewportToFramedGraph({ x: 0, y: 0 }, { cameraState: drawn }));
    const p1 = this.framedGraphToViewport(this.viewportToFramedGraph({ x: 100, y: 100 }, { cameraState: drawn }));
    const k = (p1.x - p0.x) / 100;
    const t = `translate(${p0.x}px, ${p0.y}px) scale(${k})`;
    for (const c of layers()) {
      c.style.transformOrigin = "0 0";
      c.style.transform = t;
    }
    transformed = true;
    clearTimeout(timer);
    timer = setTimeout(() => draw(), 160);
    return this;
  };
}

// sigma 3.0.3 makes a new full-size picking texture for every frame (resetWebGLTexture).
// On a GPU that costs little; under software rendering (SwiftShader) it is most of the frame.
// Keep the texture while the canvas keeps its size, and only clear it.
function keepPickingTextures(r) {
  if (typeof r.resetWebGLTexture !== "function" || !r.textures || !r.frameBuffers) return;
  const original = r.resetWebGLTexture;
  const sizes = {};
  r.resetWebGLTexture = function resetWebGLTexture(id) {
    const size = `${this.width}x${this.height}`;
    const gl = this.webGLContexts && this.webGLContexts[id];
    if (gl && this.textures[id] && sizes[id] === size) {
      gl.bindFramebuffer(gl.FRAMEBUFFER, this.frameBuffers[id]);
      gl.clearColor(0, 0, 0, 0);
      gl.clear(gl.COLOR_BUFFER_BIT);
      return this;
    }
    sizes[id] = size;
    return original.call(this, id);
  };
}

function showTooltip(i, x, y) {
  if (i < 0) {
    tooltip.style.display = "none";
    return;
  }
  const n = nodes[i];
  tooltip.textContent = "";
  tooltip.appendChild(el("div", "t", n.title));
  if (n.missing) tooltip.appendChild(el("div", "miss", "missing note"));
  else {
    const g = groups[groupIndex.get(groupOf[i])];
    const bits = [g ? g.label : null, n.date, plural(n.deg, "link", "links")].filter(Boolean);
    tooltip.appendChild(el("div", "m", bits.join(" · ")));
  }
  tooltip.appendChild(el("div", "id", n.id));
  tooltip.style.display = "block";
  const W = stage.clientWidth;
  const H = stage.clientHeight;
  const tw = tooltip.offsetWidth;
  const th = tooltip.offsetHeight;
  let left = x + 14;
  let top = y + 14;
  if (left + tw > W - 6) left = Math.max(6, x - tw - 14);
  if (top + th > H - 6) top = Math.max(6, y - th - 14);
  tooltip.style.left = `${left}px`;
  tooltip.style.top = `${top}px`;
}

// ------------------------------------------------------------------------------- input
search.addEventListener("input", runSearch);
search.addEventListener("keydown", (ev) => {
  if (ev.key === "Enter") {
    ev.preventDefault();
    runSearch();
    if (matchList.length && renderer) {
      const cam = cameraFor(matchList);
      if (cam) renderer.getCamera().animate(cam, { duration: 350 });
    }
  } else if (ev.key === "Escape") {
    search.value = "";
    runSearch();
    search.blur();
  }
});
$("fit").addEventListener("click", fitAll);
$("color-by").addEventListener("change", (ev) => setMode(ev.target.value));
$("depth").addEventListener("input", (ev) => {
  $("depth-value").textContent = ev.target.value;
});
$("depth").addEventListener("change", (ev) => {
  if (local) openLocal(local.root, Number(ev.target.value));
});
$("close-local").addEventListener("click", closeLocal);
document.addEventListener("keydown", (ev) => {
  const t = ev.target;
  if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (ev.key === "/") {
    ev.preventDefault();
    search.focus();
    search.select();
  } else if (ev.key === "Escape") {
    if (selected >= 0) setSelected(-1);
    else if (search.value) {
      search.value = "";
      runSearch();
    } else if (local) closeLocal();
  } else if (ev.key === "f" || ev.key === "F") fitAll();
});
if (darkQuery) {
  const onTheme = () => {
    readTheme();
    renderLegend();
    refresh();
  };
  if (darkQuery.addEventListener) darkQuery.addEventListener("change", onTheme);
}

start();
