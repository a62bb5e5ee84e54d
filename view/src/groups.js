// Colour groups: which colour modes the data allows, the mode to start in, each note's group
// under the current mode (Louvain communities when the data has none), and its colour.
import Graph from "graphology";
import louvain from "graphology-communities-louvain";
import { str } from "./util.js";

const PALETTE = [
  "#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#76b7b2",
  "#edc948", "#ff9da7", "#9c755f", "#2a9d8f", "#8c6bb1", "#d4a017",
];
export const MODES = ["type", "folder", "tag", "community"];
export const MODE_LABEL = { type: "Note type", folder: "Folder", tag: "Tag", community: "Community" };
const NONE_LABEL = { type: "untyped", folder: "top level", tag: "no tag", community: "no links" };
export const NONE = "(none)";
const OTHER = "(other)";
const MAX_GROUPS = 12;
const GREY = "#a3a9b2";

// What the colour modes need, found once: which modes make sense, the data's own mode, the
// tag counts, and the mode to start in (the saved one while it still holds).
export function colourChoices(s) {
  const { existing, edges, raw, settings } = s;
  s.communitiesFound = existing.some((n) => n.community !== null);
  s.available = {
    type: existing.some((n) => n.type),
    folder: true,
    tag: existing.some((n) => n.tags.length),
    // Given by the data, or found here (Louvain) when the notes have links.
    community: s.communitiesFound || edges.some((e) => e.s !== e.t),
  };
  s.dataMode = MODES.includes(raw.color_by) ? raw.color_by : null;
  s.tagCount = new Map();
  for (const n of existing) for (const t of n.tags) s.tagCount.set(t, (s.tagCount.get(t) || 0) + 1);
  const savedModeHolds =
    settings.colorBy &&
    MODES.includes(settings.colorBy) &&
    s.available[settings.colorBy] &&
    (settings.colorByData || null) === (s.dataMode || null);
  s.mode = savedModeHolds ? settings.colorBy : autoMode(s);
}

// Without a colour mode in the data: type when most notes have one, else the top-level
// folder when that splits the notes (at least two folders, none holding 90%), else
// communities (a flat vault, as Dendron writes, has all its notes in one folder).
function autoMode(s) {
  const { existing } = s;
  if (s.dataMode) return s.dataMode;
  const typed = existing.filter((n) => n.type).length;
  if (existing.length && typed * 2 >= existing.length) return "type";
  const tops = new Map();
  for (const n of existing) tops.set(n.top, (tops.get(n.top) || 0) + 1);
  const biggest = Math.max(0, ...tops.values());
  if (tops.size >= 2 && biggest < existing.length * 0.9) return "folder";
  return s.available.community ? "community" : "folder";
}

// Communities when the data has none: Louvain (graphology-communities-louvain) on the
// undirected graph of the notes with links, with a fixed random seed so that every load of
// the same page finds the same ones; numbered by size, largest first.
function ensureCommunities(s) {
  if (s.communitiesFound) return;
  s.communitiesFound = true;
  const g = new Graph({ type: "undirected", multi: false });
  for (const e of s.edges) {
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
    const n = s.nodes[Number(key)];
    if (!n.missing) n.community = rename.get(c);
  }
}

// A tag group is the note's most used tag, so groups are few and large.
function keyFor(s, n, m) {
  if (m === "type") return n.type || NONE;
  if (m === "folder") return n.top || NONE;
  if (m === "community") return n.community === null ? NONE : n.community;
  const count = s.tagCount;
  let best = null;
  for (const t of n.tags) {
    if (best === null || count.get(t) > count.get(best) || (count.get(t) === count.get(best) && t < best)) best = t;
  }
  return best === null ? NONE : best;
}

// Sets s.groups ([{key, label, color, count}]), s.groupOf (group key per node, null for a
// missing note) and s.groupIndex (key -> index in s.groups) for the current mode.
export function computeGroups(s) {
  const { mode, nodes, raw } = s;
  if (mode === "community") ensureCommunities(s);
  s.groupIndex.clear();
  const dataGroups = Array.isArray(raw.groups) ? raw.groups.filter((g) => g && g.key !== undefined) : [];
  const useData = mode === s.dataMode && dataGroups.length && s.existing.every((n) => n.group !== null);
  const counts = new Map();
  let groupOf = nodes.map((n) => {
    if (n.missing) return null;
    const k = useData ? n.group : keyFor(s, n, mode);
    counts.set(k, (counts.get(k) || 0) + 1);
    return k;
  });
  let groups;
  if (useData) {
    groups = dataGroups.map((g, k) => ({
      key: String(g.key),
      label: str(g.label) || String(g.key),
      color: /^#[0-9a-fA-F]{3,8}$/.test(str(g.color)) ? g.color : PALETTE[k % PALETTE.length],
      count: counts.get(String(g.key)) || 0,
    }));
    for (const [k, c] of counts) {
      if (!groups.some((g) => g.key === k)) groups.push({ key: k, label: k, color: GREY, count: c });
    }
  } else {
    const keys = [...counts.keys()].filter((k) => k !== NONE);
    keys.sort((a, b) => counts.get(b) - counts.get(a) || (a < b ? -1 : a > b ? 1 : 0));
    const shown = keys.slice(0, keys.length > MAX_GROUPS ? MAX_GROUPS - 1 : MAX_GROUPS);
    const shownSet = new Set(shown);
    // A community is named after its best-ranked note.
    const leader = new Map();
    if (mode === "community") {
      for (const i of s.labelOrder) {
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
    if (other) groups.push({ key: OTHER, label: `other (${keys.length - shown.length} more)`, color: GREY, count: other });
    if (counts.get(NONE)) groups.push({ key: NONE, label: NONE_LABEL[mode], color: GREY, count: counts.get(NONE) });
  }
  s.groups = groups;
  s.groupOf = groupOf;
  groups.forEach((g, k) => s.groupIndex.set(g.key, k));
}

export const groupFor = (s, i) => s.groups[s.groupIndex.get(s.groupOf[i])];

export function nodeColor(s, i) {
  if (s.nodes[i].missing) return s.theme.missing;
  const g = groupFor(s, i);
  return g ? g.color : GREY;
}
