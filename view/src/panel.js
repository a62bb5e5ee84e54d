// The side panel (the selected note's text, details and grouped neighbours, or the help)
// and the hover tooltip. Note text is untrusted: it is only ever set as textContent.
import { groupFor, nodeColor } from "./groups.js";
import { el, plural } from "./util.js";

function swatch(s, i) {
  const sw = el("span", "sw");
  if (s.nodes[i].missing) sw.classList.add("hollow");
  else sw.style.background = nodeColor(s, i);
  return sw;
}

function uniqSorted(s, list) {
  const seen = new Set();
  const out = [];
  for (const j of list) {
    if (!seen.has(j)) {
      seen.add(j);
      out.push(j);
    }
  }
  out.sort((a, b) => {
    const A = s.nodes[a].title.toLowerCase();
    const B = s.nodes[b].title.toLowerCase();
    return A < B ? -1 : A > B ? 1 : a - b;
  });
  return out;
}

function renderHint(s, info) {
  const hint = el("div", "hint");
  if (s.N === 0) hint.appendChild(el("p", null, "No notes in this graph."));
  else {
    hint.appendChild(el("p", null, "Click a note to see its beginning, details and connections."));
    const p = el("p");
    p.append("Drag to pan, scroll to zoom. Press ");
    p.appendChild(el("kbd", null, "/"));
    p.append(" to search (titles, paths, tags and note text), ");
    p.appendChild(el("kbd", null, "Enter"));
    p.append(" to zoom to the matches, ");
    p.appendChild(el("kbd", null, "Esc"));
    p.append(" to clear, ");
    p.appendChild(el("kbd", null, "F"));
    p.append(" to fit. Click a legend entry to hide or show its notes.");
    hint.appendChild(p);
  }
  info.appendChild(hint);
}

export function renderInfo(s) {
  const { info } = s.dom;
  const { selected, local, nodes } = s;
  info.textContent = "";
  if (selected < 0) {
    renderHint(s, info);
    return;
  }
  const n = nodes[selected];
  const kicker = el("div", "kicker");
  kicker.appendChild(swatch(s, selected));
  const g = groupFor(s, selected);
  kicker.append(n.missing ? "missing note" : g ? g.label : n.type || "untyped");
  info.appendChild(kicker);
  info.appendChild(el("h2", n.missing ? "missing" : null, n.title));
  if (n.missing) info.appendChild(el("div", "badge", "Linked to, but the note does not exist"));
  const actions = el("div", "actions");
  const lb = el("button", "act", local && local.root === selected ? "Local graph (open)" : "Local graph");
  lb.type = "button";
  lb.id = "open-local";
  lb.addEventListener("click", () => s.actions.openLocal(selected, s.local ? s.local.depth : s.settings.depth || 1));
  actions.appendChild(lb);
  info.appendChild(actions);
  if (n.snippet) {
    const snip = el("div", "snippet");
    snip.id = "snippet";
    snip.textContent = n.snippet;
    info.appendChild(snip);
  }
  const dl = el("dl");
  const row = (label, value) => {
    dl.appendChild(el("dt", null, label));
    const dd = el("dd");
    if (typeof value === "string") dd.textContent = value;
    else dd.appendChild(value);
    dl.appendChild(dd);
  };
  row("Path", el("code", null, n.id));
  row("Date", n.date || "—");
  row("Type", n.type || "—");
  const tags = el("div");
  if (n.tags.length) for (const t of n.tags) tags.appendChild(el("span", "tag", t));
  else tags.textContent = "—";
  row("Tags", tags);
  row("Links", `${n.deg}`);
  info.appendChild(dl);

  const sections = [["Parent", n.parents], ["Children", n.children], ["Links out", n.out], ["Links in", n.inn]];
  let any = false;
  for (const [name, members] of sections) {
    const list = uniqSorted(s, members.filter((j) => j !== selected));
    if (!list.length) continue;
    any = true;
    const h = el("h3", null, name);
    h.appendChild(el("span", "c", String(list.length)));
    info.appendChild(h);
    const ul = el("ul");
    for (const j of list) {
      const m = nodes[j];
      const b = el("button", `nb${m.missing ? " missing" : ""}`);
      b.type = "button";
      b.title = m.id;
      b.setAttribute("data-id", m.id);
      b.appendChild(swatch(s, j));
      b.appendChild(el("span", "lbl", m.title));
      b.addEventListener("click", () => s.actions.select(j, true));
      const li = el("li");
      li.appendChild(b);
      ul.appendChild(li);
    }
    info.appendChild(ul);
  }
  if (!any) info.appendChild(el("p", "none", "No connections."));
}

export function showTooltip(s, i, x, y) {
  const { tooltip, stage } = s.dom;
  if (i < 0) {
    tooltip.style.display = "none";
    return;
  }
  const n = s.nodes[i];
  tooltip.textContent = "";
  tooltip.appendChild(el("div", "t", n.title));
  if (n.missing) tooltip.appendChild(el("div", "miss", "missing note"));
  else {
    const g = groupFor(s, i);
    const bits = [g ? g.label : null, n.date, plural(n.deg, "link", "links")].filter(Boolean);
    tooltip.appendChild(el("div", "m", bits.join(" · ")));
  }
  tooltip.appendChild(el("div", "id", n.id));
  tooltip.style.display = "block";
  const W = stage.clientWidth;
  const H = stage.clientHeight;
  const tw = tooltip.offsetWidth;
  const th = tooltip.offsetHeight;
  let left = x + 14;
  let top = y + 14;
  if (left + tw > W - 6) left = Math.max(6, x - tw - 14);
  if (top + th > H - 6) top = Math.max(6, y - th - 14);
  tooltip.style.left = `${left}px`;
  tooltip.style.top = `${top}px`;
}
