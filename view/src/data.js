// Reads the graph JSON embedded in the page (format: docs/graph-view-data.md) into plain
// arrays the rest of the view indexes by number: nodes, edges, and the label order.
import { num, str } from "./util.js";

// The page's JSON text as an object ({} when it is not one).
export function parseData(text) {
  let raw = null;
  try {
    raw = JSON.parse(text || "null");
  } catch (err) {
    raw = null;
  }
  return raw && typeof raw === "object" ? raw : {};
}

export function readData(raw) {
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
  fillFolders(nodes);
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
  for (const n of nodes) if (n.degree === null) n.degree = n.deg;
  const { labelOrder, labelPos } = labelRanking(nodes);
  return {
    raw,
    nodes,
    byId,
    edges,
    N: nodes.length,
    E: edges.length,
    missingCount: nodes.filter((n) => n.missing).length,
    existing: nodes.filter((n) => !n.missing),
    labelOrder,
    labelPos,
  };
}

// Folder: given by the data, else the note's folder in its id (less a prefix all share).
function fillFolders(nodes) {
  if (nodes.every((n) => n.folder !== null)) return;
  const dirs = nodes.map((n) => n.id.split("/").slice(0, -1));
  const first = dirs.length && dirs.every((d) => d.length && d[0] === dirs[0][0]) ? 1 : 0;
  nodes.forEach((n, k) => {
    if (n.folder === null) n.folder = dirs[k].slice(first).join("/");
  });
}

// Label order: the data's label_rank (1 = label first), else PageRank, else degree.
function labelRanking(nodes) {
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
  const labelPos = new Int32Array(nodes.length);
  labelOrder.forEach((i, k) => {
    labelPos[i] = k;
  });
  return { labelOrder, labelPos };
}
