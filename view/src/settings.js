// The settings the page keeps in localStorage, per vault (docs/graph-view-data.md).
export function loadSettings(vault) {
  const key = `vault-graph:${vault}`;
  let saved = {};
  try {
    const s = JSON.parse(window.localStorage.getItem(key) || "null");
    saved = s && typeof s === "object" ? s : {};
  } catch (err) {
    saved = {};
  }
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
  return { key, settings };
}

export function persist(s) {
  try {
    window.localStorage.setItem(s.storeKey, JSON.stringify(s.settings));
  } catch (err) {
    /* storage unavailable (private mode, quota): settings just do not persist */
  }
}
