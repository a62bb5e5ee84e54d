// The search box: notes whose title, path, tags or text contain the query (case-insensitive),
// among those shown (and in the local graph, when one is open).
import { refresh } from "./draw.js";
import { setMatchesFlag } from "./flags.js";
import { plural } from "./util.js";

export function runSearch(s) {
  const q = s.dom.search.value.trim().toLowerCase();
  if (!q) {
    s.matches = null;
    s.matchList = [];
    s.dom.matchCount.textContent = "";
  } else {
    s.matches = new Uint8Array(s.N);
    s.matchList = [];
    for (let i = 0; i < s.N; i++) {
      if (s.visible[i] && (!s.local || s.local.members[i]) && s.nodes[i].hay.indexOf(q) !== -1) {
        s.matches[i] = 1;
        s.matchList.push(i);
      }
    }
    const c = s.matchList.length;
    s.dom.matchCount.textContent = c === 0 ? "No matches" : plural(c, "match", "matches");
  }
  setMatchesFlag(s);
  refresh(s);
}

// Re-runs an active search after the set of notes it searches changed.
export function searchAgain(s) {
  if (s.dom.search.value.trim()) runSearch(s);
}

export function clearSearch(s) {
  s.dom.search.value = "";
  runSearch(s);
}
