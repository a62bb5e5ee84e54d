// Which notes and edges are shown (legend and filters) and which stand out (selection,
// search): the rules only; the reducers and labels ask them.
import { NONE } from "./groups.js";

export const hiddenGroups = (s) => new Set(s.settings.hidden[s.mode] || []);
export const kindOn = (s, kind) => !s.settings.off.kind.includes(kind);

// Sets s.visible[i] for every note from the legend's hidden groups and the filters.
export function recomputeVisible(s) {
  const { nodes, groupOf, settings } = s;
  const hg = hiddenGroups(s);
  const off = {};
  for (const k of Object.keys(settings.off)) off[k] = new Set(settings.off[k]);
  const hideMissing = off.other.has("missing");
  const hideOrphans = off.other.has("orphans");
  for (let i = 0; i < s.N; i++) {
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
    s.visible[i] = v ? 1 : 0;
  }
}

// In a local graph, selecting its root dims nothing: the whole local graph is its context.
export const selectionDims = (s) => s.selected >= 0 && !(s.local && s.selected === s.local.root);
export const focusActive = (s) => selectionDims(s) || s.matches !== null;
export function isOn(s, i) {
  if (!focusActive(s)) return true;
  return (
    i === s.selected ||
    (selectionDims(s) && s.nbr[i] === 1) ||
    (s.matches !== null && s.matches[i] === 1)
  );
}
