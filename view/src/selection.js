// Selecting a note: its neighbours stay lit, the panel shows it, the view redraws.
import { centreOn } from "./camera.js";
import { refresh } from "./draw.js";
import { setSelectedFlag } from "./flags.js";
import { renderInfo } from "./panel.js";

export function setSelected(s, i) {
  s.selected = i;
  s.nbr.fill(0);
  if (i >= 0) {
    const n = s.nodes[i];
    for (const l of [n.parents, n.children, n.out, n.inn]) for (const j of l) s.nbr[j] = 1;
  }
  setSelectedFlag(s);
  renderInfo(s);
  refresh(s);
}

// Selects a note, and brings it into view when asked and it is off screen.
export function selectIndex(s, i, centre) {
  setSelected(s, i);
  if (i >= 0 && centre) centreOn(s, i);
}
