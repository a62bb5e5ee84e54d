// Two ways to make sigma 3.0.3 cheaper per frame under software WebGL, both on this
// renderer instance only.
//
// Where WebGL is software-rendered (SwiftShader, llvmpipe: headless browsers, machines
// without a GPU driver), drawing a 38,000-edge frame takes 100-300 ms. While the camera
// moves, the page then shows the last drawn frame moved and scaled by a CSS transform (cheap
// to composite), and draws for real once the camera has been still for a moment. On a GPU
// it is not needed.

export function webglRendererName() {
  try {
    const gl = document.createElement("canvas").getContext("webgl");
    if (!gl) return "";
    const ext = gl.getExtension("WEBGL_debug_renderer_info");
    const name = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER) || "");
    const lose = gl.getExtension("WEBGL_lose_context");
    if (lose) lose.loseContext();
    return name;
  } catch (err) {
    return "";
  }
}

export const isSoftware = (glName) => /swiftshader|llvmpipe|softpipe|software|basic render/i.test(glName);

// Public API only: sigma asks for a frame through scheduleRender() (public) on every camera
// update; the wrapper below answers a camera move with a CSS transform of the drawn frame
// instead, and asks for the real frame 160 ms after the last move. Direct render() calls
// (refresh() after a filter, selection or search change) draw at once: the beforeRender
// event drops the transform. Layout updates during a move wait for that real frame too.
export function moveByTransform(r) {
  const camera = r.getCamera();
  const schedule = r.scheduleRender.bind(r);
  const layers = () => {
    const c = r.getCanvases();
    return Object.keys(c).filter((k) => k !== "mouse").map((k) => c[k]);
  };
  let drawn = null; // camera state of the frame on screen
  let timer = 0;
  let transformed = false;
  r.on("beforeRender", () => {
    clearTimeout(timer);
    if (!transformed) return;
    transformed = false;
    for (const c of layers()) c.style.transform = "";
  });
  r.on("afterRender", () => {
    drawn = camera.getState();
  });
  r.scheduleRender = function scheduleRender() {
    const now = camera.getState();
    const still = !drawn || (now.x === drawn.x && now.y === drawn.y && now.ratio === drawn.ratio && now.angle === drawn.angle);
    if (still || now.angle !== drawn.angle || drawn.angle !== 0) return schedule();
    // Where the drawn frame's corners land under the camera as it is now.
    const p0 = r.framedGraphToViewport(r.viewportToFramedGraph({ x: 0, y: 0 }, { cameraState: drawn }));
    const p1 = r.framedGraphToViewport(r.viewportToFramedGraph({ x: 100, y: 100 }, { cameraState: drawn }));
    const k = (p1.x - p0.x) / 100;
    const t = `translate(${p0.x}px, ${p0.y}px) scale(${k})`;
    for (const c of layers()) {
      c.style.transformOrigin = "0 0";
      c.style.transform = t;
    }
    transformed = true;
    clearTimeout(timer);
    timer = setTimeout(schedule, 160);
    return r;
  };
}

// sigma 3.0.3 makes a new full-size picking texture for every frame (its private
// resetWebGLTexture(), called from render() for each picking layer). On a GPU that costs
// little; under software rendering (SwiftShader) it is most of the frame. Keep the texture
// while the canvas keeps its size, and only clear it.
// Private fields touched, because no public API reaches the picking buffers:
// resetWebGLTexture (replaced on the instance), textures, frameBuffers and webGLContexts
// (read, to clear the kept texture), width and height (read, to see a resize). Checked: the
// patch steps aside when any of them is missing (another sigma version).
export function keepPickingTextures(r) {
  if (typeof r.resetWebGLTexture !== "function" || !r.textures || !r.frameBuffers) return;
  const original = r.resetWebGLTexture;
  const sizes = {};
  r.resetWebGLTexture = function resetWebGLTexture(id) {
    const size = `${this.width}x${this.height}`;
    const gl = this.webGLContexts && this.webGLContexts[id];
    if (gl && this.textures[id] && sizes[id] === size) {
      gl.bindFramebuffer(gl.FRAMEBUFFER, this.frameBuffers[id]);
      gl.clearColor(0, 0, 0, 0);
      gl.clear(gl.COLOR_BUFFER_BIT);
      return this;
    }
    sizes[id] = size;
    return original.call(this, id);
  };
}
