// Puts the chunks that scripts/bin/wasm-bindgen split off the app (see
// src/joined.rs) into a Trunk staging directory, the way Trunk puts the main
// module: optimized by wasm-opt -Oz in a release build, under names carrying
// their content's hash (served `immutable`, kept by the service worker).
//
// wasm-split-cli writes, beside the main module, each chunk
// (`split_<name>.wasm`) and their loader `__wasm_split.js`, which imports the
// glue as `./<out-name>.js` and fetches each chunk by its plain name; the glue
// imports the loader from `./__wasm_split.js`. Trunk renamed the glue; this
// renames the rest and rewrites the three references, and recomputes the
// glue's `integrity` in index.html, where the loader gets a modulepreload of
// its own. Runs before scripts/shrink-glue.mjs,
// which then minifies the glue it finds.
//
// Usage: node scripts/chunks.mjs <split dir> <staging dir> <profile>

import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [splitDir, dir, profile] = process.argv.slice(2);
if (!splitDir || !dir || !profile) throw new Error("usage: chunks.mjs <split dir> <staging dir> <profile>");
const release = profile === "release";
const LOADER = "__wasm_split.js";
if (!existsSync(join(splitDir, LOADER))) {
  throw new Error(`${splitDir}: no ${LOADER}: was the wasm built through scripts/bin/wasm-bindgen (cargo xtask build)?`);
}

const hash = (buf) => createHash("sha256").update(buf).digest("hex").slice(0, 16);
const sri = (buf) => `sha384-${createHash("sha384").update(buf).digest("base64")}`;
/** Replaces `from` in `text`, which must hold it exactly once. */
function once(text, from, to, what) {
  const n = text.split(from).length - 1;
  if (n !== 1) throw new Error(`${what}: ${JSON.stringify(from)} found ${n} times, not once`);
  return text.replace(from, to);
}

const glue = readdirSync(dir).find((f) => /^[\w]+-[0-9a-f]{1,16}\.js$/.test(f) && existsSync(join(dir, f.replace(/\.js$/, "_bg.wasm"))));
if (!glue) throw new Error(`${dir}: no wasm-bindgen glue`);
const outName = glue.replace(/-[0-9a-f]{1,16}\.js$/, "");
const jsIn = readFileSync(join(dir, glue));
if (!jsIn.includes(`from "./${LOADER}"`)) {
  // Left over from an earlier build: this one's wasm-bindgen did not split.
  throw new Error(`${glue} does not import ${LOADER}: build through scripts/bin/wasm-bindgen (cargo xtask build puts it first on PATH)`);
}

let loader = readFileSync(join(splitDir, LOADER), "utf8");
loader = once(loader, `"./${outName}.js"`, `"./${glue}"`, LOADER);
for (const chunk of readdirSync(splitDir).filter((f) => f.endsWith(".wasm") && f !== `${outName}.wasm`)) {
  const from = join(splitDir, chunk);
  const optimized = join(dir, `${chunk}.tmp`);
  if (release) {
    // wasm-split-cli's name section has a subsection binaryen does not read
    // (id 3) and warns of; the names are stripped here anyway.
    const run = spawnSync("wasm-opt", ["-Oz", "--strip-debug", "--strip-producers", from, "-o", optimized], { encoding: "utf8" });
    const said = (run.stderr ?? "").split("\n").filter((l) => l && !/^warning: unknown name subsection with id 3 /.test(l));
    if (said.length) console.error(said.join("\n"));
    if (run.status !== 0) throw new Error(`wasm-opt failed on ${chunk}: ${run.error ?? run.status}`);
  } else {
    copyFileSync(from, optimized);
  }
  const bytes = readFileSync(optimized);
  unlinkSync(optimized);
  const named = chunk.replace(/\.wasm$/, `-${hash(bytes)}.wasm`);
  writeFileSync(join(dir, named), bytes);
  loader = once(loader, `"./${chunk}"`, `"./${named}"`, LOADER);
  console.log(`${chunk}: ${readFileSync(from).length} -> ${bytes.length} bytes, as ${named}`);
}
const loaderPath = join(dir, `__wasm_split-${hash(loader)}.js`);
writeFileSync(loaderPath, loader);
if (release) execFileSync("terser", [loaderPath, "--module", "--compress", "--mangle", "-o", loaderPath], { stdio: "inherit" });

// The import statement only: the import object's key stays the module name
// the wasm asks for.
const js = once(jsIn.toString("utf8"), `from "./${LOADER}"`, `from "./${loaderPath.split("/").pop()}"`, glue);
writeFileSync(join(dir, glue), js);
const htmlPath = join(dir, "index.html");
let html = once(readFileSync(htmlPath, "utf8"), sri(jsIn), sri(Buffer.from(js)), "index.html");
// The glue imports the loader: fetched beside it, not after it was read.
const loaderName = loaderPath.split("/").pop();
const glueLink = html.match(new RegExp(`<link rel="modulepreload" href="/${glue}"[^>]*>`))?.[0];
if (!glueLink) throw new Error(`index.html: no modulepreload of ${glue}`);
html = once(html, glueLink, `${glueLink}<link rel="modulepreload" href="/${loaderName}" crossorigin="anonymous" integrity="${sri(readFileSync(loaderPath))}">`, "index.html");
writeFileSync(htmlPath, html);
