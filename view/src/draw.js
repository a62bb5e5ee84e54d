// How sigma draws each note and edge under the current filters, selection and search (its
// reducers and hover ring), and the redraw after any of those changes.
import { nodeColor } from "./groups.js";
import { mix } from "./theme.js";
import { focusActive, isOn, kindOn, selectionDims } from "./visibility.js";

export function nodeReducer(s) {
  return (key, attr) => {
    const i = attr.i;
    const { theme, matches, local } = s;
    const out = { x: attr.x, y: attr.y, size: attr.size, label: null, color: nodeColor(s, i), zIndex: 0 };
    if (!s.visible[i]) {
      out.hidden = true;
      return out;
    }
    if (focusActive(s) && !isOn(s, i)) {
      out.color = mix(out.color, theme.bg, theme.dark ? 0.8 : 0.82);
      out.size = Math.max(1.5, attr.size * 0.7);
    } else if (focusActive(s)) {
      out.zIndex = 1;
    }
    if (i === s.selected || (matches !== null && matches[i]) || (local && i === local.root)) {
      out.highlighted = true;
      out.zIndex = 2;
    }
    if (s.nodes[i].missing) out.size = Math.max(1.5, out.size * 0.8);
    return out;
  };
}

export function edgeReducer(s) {
  return (key, attr) => {
    const e = s.edges[attr.k];
    const { theme, matches, selected } = s;
    const out = { color: e.kind === "parent" ? theme.parent : theme.link, size: attr.size, zIndex: 0 };
    if (!s.visible[e.s] || !s.visible[e.t] || !kindOn(s, e.kind)) {
      out.hidden = true;
      return out;
    }
    const touchesSelected = selected >= 0 && (e.s === selected || e.t === selected);
    if (touchesSelected) {
      out.color = e.kind === "parent" ? theme.parentOn : theme.linkOn;
      out.zIndex = 1;
      out.size = attr.size * 1.6;
    } else if (selectionDims(s) || (matches !== null && !(matches[e.s] && matches[e.t]))) {
      out.color = theme.dimEdge;
    }
    return out;
  };
}

// Hover and highlight: a ring around the node (labels are drawn by labels.js).
export function drawRing(s) {
  return (ctx, data) => {
    ctx.beginPath();
    ctx.arc(data.x, data.y, data.size + 3, 0, Math.PI * 2);
    ctx.lineWidth = 2;
    ctx.strokeStyle = s.theme.text;
    ctx.stroke();
  };
}

export function refresh(s) {
  if (s.renderer) s.renderer.refresh({ skipIndexation: true });
}
