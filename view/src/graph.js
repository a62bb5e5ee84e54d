// The graphology graph sigma draws: the whole graph or a local one, built from node indices.
import Graph from "graphology";

function nodeSize(n, count) {
  const base = count <= 30 ? 9 : count <= 300 ? 5 : count <= 2000 ? 2.6 : 1.8;
  const slope = count <= 300 ? 1.6 : count <= 2000 ? 0.8 : 0.5;
  return Math.min(base + slope * Math.sqrt(n.deg), base * 6);
}

export function buildGraph(s, list, positions) {
  const { nodes, edges } = s;
  const g = new Graph({ type: "directed", multi: true, allowSelfLoops: true });
  for (const i of list) {
    const n = nodes[i];
    const p = positions.get(i) || [0, 0];
    g.addNode(n.id, { x: p[0], y: p[1], size: nodeSize(n, list.length), i });
  }
  const inList = new Uint8Array(s.N);
  for (const i of list) inList[i] = 1;
  edges.forEach((e, k) => {
    if (inList[e.s] && inList[e.t] && e.s !== e.t) {
      const parent = e.kind === "parent";
      g.addEdgeWithKey(`e${k}`, nodes[e.s].id, nodes[e.t].id, { k, kind: e.kind, size: parent ? 1.2 : 1, type: parent ? "arrow" : "line" });
    }
  });
  return g;
}

export function applyPositions(g, pos) {
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
