// Where the camera looks: the whole graph clear of the legend ("home"), a set of notes, one
// note; and whether the user has moved it since the page last placed it.
import { getCameraStateToFitViewportToNodes } from "@sigma/utils";

export function cameraFor(s, list) {
  const keys = list.filter((i) => s.graph.hasNode(s.nodes[i].id)).map((i) => s.nodes[i].id);
  if (!keys.length) return null;
  return getCameraStateToFitViewportToNodes(s.renderer, keys, {});
}

// The whole graph in view, as large as it fits, clear of the legend where there is room
// beside it: the bounding box of the shown nodes is fitted into the part of the view right
// of the legend (or all of it) and centred there.
function homeCamera(s) {
  const { renderer, graph } = s;
  const home = { x: 0.5, y: 0.5, ratio: 1, angle: 0 };
  if (!renderer || !graph || !graph.order) return home;
  const { width: W, height: H } = renderer.getDimensions();
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  let maxSize = 0;
  graph.forEachNode((key, attr) => {
    if (!s.visible[attr.i]) return;
    const d = renderer.getNodeDisplayData(key);
    if (!d) return;
    if (d.x < x0) x0 = d.x;
    if (d.x > x1) x1 = d.x;
    if (d.y < y0) y0 = d.y;
    if (d.y > y1) y1 = d.y;
    if (d.size > maxSize) maxSize = d.size;
  });
  if (!Number.isFinite(x0) || (x1 - x0 < 1e-9 && y1 - y0 < 1e-9)) return home;
  let left = 0;
  const legend = s.dom.legend;
  if (legend && legend.offsetParent !== null) {
    const lw = legend.getBoundingClientRect().right - s.dom.container.getBoundingClientRect().left + 8;
    if (W - lw >= 360 && legend.getBoundingClientRect().height > H * 0.3) left = lw;
  }
  const pad = 24 + Math.min(maxSize, 20);
  const p0 = renderer.framedGraphToViewport({ x: x0, y: y0 }, { cameraState: home });
  const p1 = renderer.framedGraphToViewport({ x: x1, y: y1 }, { cameraState: home });
  const bw = Math.max(Math.abs(p1.x - p0.x), 1);
  const bh = Math.max(Math.abs(p1.y - p0.y), 1);
  const scale = Math.min((W - left - 2 * pad) / bw, (H - 2 * pad) / bh);
  if (!(scale > 0)) return home;
  // Small graphs fill the view too, up to a sensible zoom.
  const ratio = Math.min(4, Math.max(0.05, 1 / scale));
  const a = renderer.viewportToFramedGraph({ x: 0, y: 0 }, { cameraState: { ...home, ratio } });
  const b = renderer.viewportToFramedGraph({ x: 100, y: 0 }, { cameraState: { ...home, ratio } });
  const perPx = (b.x - a.x) / 100;
  return { x: (x0 + x1) / 2 - (left / 2) * perPx, y: (y0 + y1) / 2, ratio, angle: 0 };
}

// The camera the page last set by itself; while the user has not moved it, a finished layout
// is fitted again (its shape may differ from the seed's).
export function goHome(s) {
  s.autoCamera = homeCamera(s);
  s.renderer.getCamera().setState(s.autoCamera);
}

export function cameraUntouched(s) {
  if (!s.autoCamera) return false;
  const c = s.renderer.getCamera().getState();
  return c.x === s.autoCamera.x && c.y === s.autoCamera.y && c.ratio === s.autoCamera.ratio;
}

export function fitAll(s) {
  if (!s.renderer) return;
  const list = [];
  s.graph.forEachNode((key, attr) => {
    if (s.visible[attr.i]) list.push(attr.i);
  });
  const cam = list.length && list.length < s.graph.order ? cameraFor(s, list) : homeCamera(s);
  if (cam) s.renderer.getCamera().animate(cam, { duration: 300 });
}

export function centreOn(s, i) {
  const { renderer } = s;
  if (!renderer || !s.graph.hasNode(s.nodes[i].id)) return;
  const d = renderer.getNodeDisplayData(s.nodes[i].id);
  if (!d) return;
  const p = renderer.framedGraphToViewport(d);
  const { width: W, height: H } = renderer.getDimensions();
  if (p.x > 40 && p.x < W - 40 && p.y > 40 && p.y < H - 40) return;
  const cam = renderer.getCamera();
  cam.animate({ x: d.x, y: d.y, ratio: Math.min(cam.ratio, 0.6) }, { duration: 300 });
}
