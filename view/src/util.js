// Small DOM and text helpers, shared by every module (no state).
export const $ = (id) => document.getElementById(id);

export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

export const str = (v) => (v === null || v === undefined ? "" : String(v));
export const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
export const num = (v) => (typeof v === "number" && Number.isFinite(v) ? v : null);
