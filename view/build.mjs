// Builds the one offline page: src/page.html with the bundled, minified JavaScript (and the
// layout worker inside it as a string) written to ../src/vault/assets/graph_view.html, and the
// licences of every bundled library copied to ../src/vault/assets/licenses/. The page carries
// a hash of its sources (sourceHash below) that tests/test_view_build.py checks.
//   cd view && npm ci && npm run build
import * as esbuild from "esbuild";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const assets = path.resolve(here, "../src/vault/assets");
// The files the page is built from: everything under src/, the lock file and this script.
// sha256 over, for each file in order of its path (relative to view/, "/" separated,
// compared as bytes): the path, a newline, the size in bytes, a newline, the bytes.
// tests/test_view_build.py computes the same in Python; keep the two in step.
function sourceHash() {
  const files = ["package-lock.json", "build.mjs"];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(here, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else files.push(rel);
    }
  };
  walk("src");
  files.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const hash = crypto.createHash("sha256");
  for (const rel of files) {
    const bytes = fs.readFileSync(path.join(here, rel));
    hash.update(`${rel}\n${bytes.length}\n`);
    hash.update(bytes);
  }
  return `sha256:${hash.digest("hex")}`;
}

const common = { bundle: true, minify: true, write: false, target: ["es2020"], legalComments: "none" };

const worker = await esbuild.build({ ...common, entryPoints: [path.join(here, "src/layout-worker.js")], format: "iife", metafile: true });
const workerSource = worker.outputFiles[0].text;

const workerPlugin = {
  name: "worker-source",
  setup(build) {
    build.onResolve({ filter: /worker-source\.js$/ }, () => ({ path: "worker-source", namespace: "worker" }));
    build.onLoad({ filter: /.*/, namespace: "worker" }, () => ({
      contents: `export default ${JSON.stringify(workerSource)};`,
      loader: "js",
    }));
  },
};
const main = await esbuild.build({
  ...common,
  entryPoints: [path.join(here, "src/main.js")],
  format: "iife",
  plugins: [workerPlugin],
  metafile: true,
});
let js = main.outputFiles[0].text;

// Every package that ends up in the bundle, with its licence file.
const inputs = Object.keys(main.metafile.inputs).concat(Object.keys(worker.metafile?.inputs || {}));
const packages = new Set();
for (const file of inputs) {
  const m = file.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (m) packages.add(m[1]);
}
packages.add("graphology-layout-forceatlas2"); // in the worker
const licenceDir = path.join(assets, "licenses");
fs.rmSync(licenceDir, { recursive: true, force: true });
fs.mkdirSync(licenceDir, { recursive: true });
const notices = [];
for (const name of [...packages].sort()) {
  const dir = path.join(here, "node_modules", name);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  const file = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
  if (!file) throw new Error(`no licence file in ${name}`);
  const text = fs.readFileSync(path.join(dir, file), "utf8");
  fs.writeFileSync(path.join(licenceDir, `${name.replace(/^@/, "").replace("/", "-")}.txt`), `${name} ${pkg.version} (${pkg.license})\n\n${text}`);
  // The copyright lines (web addresses without their scheme: the page names no URL).
  const copyright = text.split("\n").filter((l) => /^\s*copyright\b/i.test(l)).map((l) => l.trim().replace(/https?:\/\//g, ""));
  notices.push(`${name} ${pkg.version}, ${pkg.license} licence. ${copyright.join(" ")}`);
}

// The script sits inside <script>…</script> in the page: no "</script" and no "<!--" in it,
// and no text that the Python side would take for one of its placeholders.
js = js.replace(/<\/script/gi, "<\\/script").replace(/<!--/g, "<\\!--");
if (/__VAULT_GRAPH_(DATA|TITLE)__/.test(js)) throw new Error("bundle contains a page placeholder");

const mit = fs.readFileSync(path.join(here, "node_modules/sigma/LICENSE.txt"), "utf8").split("\n");
const permission = mit.slice(mit.findIndex((l) => /^Permission/.test(l))).join("\n").trim();
const banner = `/*! vault graph view. Bundled libraries (full texts in vault/assets/licenses/):\n${notices.map((n) => ` * ${n}`).join("\n")}\n *\n * ${permission.replace(/\*\//g, "* /").split("\n").join("\n * ")}\n */`;

const template = fs.readFileSync(path.join(here, "src/page.html"), "utf8");
if (!template.includes("/*__VIEW_SCRIPT__*/")) throw new Error("page.html has no script slot");
if (!template.includes("<meta charset=\"utf-8\">\n")) throw new Error("page.html has no <meta charset> line");
const page = template
  .replace("<meta charset=\"utf-8\">\n", () => `<meta charset="utf-8">\n<meta name="vault-view-source" content="${sourceHash()}">\n`)
  .replace("/*__VIEW_SCRIPT__*/", () => `${banner}\n${js.trim()}`);
fs.writeFileSync(path.join(assets, "graph_view.html"), page);
console.log(`graph_view.html: ${(page.length / 1024).toFixed(1)} KiB (script ${(js.length / 1024).toFixed(1)} KiB, worker ${(workerSource.length / 1024).toFixed(1)} KiB); licences: ${[...packages].sort().join(", ")}`);
