// The page's colours, read from its CSS custom properties (light or dark scheme).

// sigma blends as if colours were premultiplied by their alpha (ONE, ONE_MINUS_SRC_ALPHA):
// a translucent rgba() colour must be given premultiplied, or it adds light (glows on dark).
function premultiplied(c) {
  const m = /^rgba\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*\)$/.exec(c);
  if (!m) return c;
  const a = Number(m[4]);
  const ch = (x) => Math.round(Number(x) * a);
  return `rgba(${ch(m[1])},${ch(m[2])},${ch(m[3])},${a})`;
}

export function readTheme(darkQuery) {
  const css = getComputedStyle(document.documentElement);
  const v = (name) => premultiplied(css.getPropertyValue(name).trim());
  return {
    dark: !!(darkQuery && darkQuery.matches),
    bg: v("--bg") || "#f7f8fa",
    text: v("--text") || "#1f2328",
    link: v("--edge-link") || "rgba(120,130,145,0.28)",
    parent: v("--edge-parent") || "rgba(55,65,80,0.55)",
    dimEdge: v("--edge-dim") || "rgba(120,130,145,0.06)",
    parentOn: v("--edge-parent-on") || "#3b4552",
    linkOn: v("--edge-link-on") || "#6b7686",
    muted: v("--muted") || "#667080",
    missing: v("--missing") || "#c3c8cf",
    font: v("--font") || "sans-serif",
    swatchParent: css.getPropertyValue("--edge-parent-on").trim() || "#3b4552",
    swatchLink: css.getPropertyValue("--muted").trim() || "#8c96a3",
  };
}

function hexToRgb(c) {
  let h = c.replace("#", "");
  if (h.length === 3 || h.length === 4) h = h.split("").map((x) => x + x).join("");
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}

export function mix(a, b, t) {
  const A = hexToRgb(a);
  const B = hexToRgb(b);
  const m = A.map((x, k) => Math.round(x + (B[k] - x) * t));
  return `#${m.map((x) => x.toString(16).padStart(2, "0")).join("")}`;
}
