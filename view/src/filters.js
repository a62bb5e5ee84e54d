// Changes to what is shown: a legend group toggled, a filter switched, all reset, another
// colour mode; each is saved, then the legend, filters, search and drawing follow.
import { refresh } from "./draw.js";
import { MODES, computeGroups } from "./groups.js";
import { renderFilters, renderLegend, updateVisibleCount } from "./legend.js";
import { renderInfo } from "./panel.js";
import { searchAgain } from "./search.js";
import { setSelected } from "./selection.js";
import { persist } from "./settings.js";
import { recomputeVisible } from "./visibility.js";

function filtersChanged(s) {
  recomputeVisible(s);
  if (s.selected >= 0 && !s.visible[s.selected]) setSelected(s, -1);
  renderLegend(s);
  renderFilters(s);
  searchAgain(s);
  refresh(s);
  updateVisibleCount(s);
}

export function toggleGroup(s, key) {
  const { settings } = s;
  const list = settings.hidden[s.mode] || [];
  const k = list.indexOf(key);
  if (k >= 0) list.splice(k, 1);
  else list.push(key);
  settings.hidden[s.mode] = list;
  persist(s);
  filtersChanged(s);
}

export function setFilter(s, dim, value, on) {
  const list = s.settings.off[dim];
  if (!list) return;
  const k = list.indexOf(value);
  if (on && k >= 0) list.splice(k, 1);
  if (!on && k < 0) list.push(value);
  persist(s);
  filtersChanged(s);
}

export function resetFilters(s) {
  for (const k of Object.keys(s.settings.off)) s.settings.off[k] = [];
  s.settings.hidden = {};
  persist(s);
  filtersChanged(s);
}

export function setMode(s, m) {
  if (!MODES.includes(m) || !s.available[m]) return;
  s.mode = m;
  s.settings.colorBy = m;
  s.settings.colorByData = s.dataMode;
  persist(s);
  computeGroups(s);
  filtersChanged(s);
  if (s.selected >= 0) renderInfo(s);
}
