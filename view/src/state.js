// The view's one mutable state object, made once from the page and handed to every module
// (none keeps state of its own).
import { parseData, readData } from "./data.js";
import { colourChoices } from "./groups.js";
import { loadSettings } from "./settings.js";
import { readTheme } from "./theme.js";
import { $, str } from "./util.js";

export function createState(timings) {
  const raw = parseData($("graph-data").textContent);
  timings.parsed = Math.round(performance.now());
  const data = readData(raw);
  const { key, settings } = loadSettings(str(data.raw.vault) || "default");
  const darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  const s = {
    // The data (data.js): raw, nodes, byId, edges, N, E, missingCount, existing,
    // labelOrder, labelPos. Fixed for the page's life except nodes[i].community (Louvain).
    ...data,
    timings, // start-up steps, ms since navigation
    settings, // what localStorage keeps (settings.js)
    storeKey: key,
    darkQuery,
    theme: readTheme(darkQuery), // colours from the CSS (theme.js)
    dom: {
      container: $("graph"),
      stage: $("stage"),
      tooltip: $("tooltip"),
      info: $("info"),
      search: $("search"),
      matchCount: $("match-count"),
      legend: $("legend"),
      nogl: $("nogl"),
    },
    // Colour groups (groups.js): mode, available, dataMode, tagCount, communitiesFound,
    // groups [{key, label, color, count}], groupOf (key per node), groupIndex (key -> index).
    mode: null,
    groups: [],
    groupOf: new Array(data.N).fill(null),
    groupIndex: new Map(),
    // What is shown and lit.
    visible: new Uint8Array(data.N).fill(1), // 1: passes the legend and filters
    selected: -1, // node index, -1: none
    hovered: -1,
    nbr: new Uint8Array(data.N), // 1: neighbour of the selected note
    matches: null, // Uint8Array while a search is active
    matchList: [],
    local: null, // {root, depth, members: Uint8Array, list, order} while a local graph shows
    // Drawing.
    renderer: null, // the Sigma instance
    graph: null, // the graph sigma shows (the whole one, or a local one)
    mainGraph: null, // the whole graph
    drawnLabels: [], // ids labelled in the last frame
    drawnBoxes: [], // their screen rectangles
    frames: 0, // real frames drawn
    drawnCamera: null, // the camera state of the last real frame
    autoCamera: null, // the camera the page last set by itself (camera.js)
    // Layout (layout.js, settle.js).
    rng: 0x9e3779b9, // seed of the seeding's random numbers: same page, same picture
    layout: { worker: null, run: 0, last: null },
    mainPositions: null, // latest positions of the whole graph (Map index -> [x, y])
    mainSettled: false, // the whole graph's layout has finished
    api: {}, // window.vaultGraph (api.js)
    actions: null, // what panel and legend buttons call (main.js)
  };
  colourChoices(s);
  return s;
}
