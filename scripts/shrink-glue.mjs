// Shrinks the JS glue of each wasm in a Trunk staging directory, after
// wasm-opt and before compression; index.html's `integrity` digests of the
// files it changes are recomputed.
//
// 1. Short import names. wasm-bindgen names each import
//    `__wbg_<method>_<16 hex digits>` from module `./<name>_bg.js`; the same
//    ~300 names are spelled out once in the wasm's import section and once as
//    keys of the glue's import object, and the hex digits do not compress at
//    all. Every import becomes a short key (`a`, `b`, …, `ab`, …) from module
//    `a`, in the wasm and in the glue alike (7.3 KB less brotli).
// 2. The glue minified by terser (npm, installed beside wasm-opt by
//    `cargo xtask setup`): Trunk's own minifier cannot parse wasm-bindgen's
//    `export { .. as default }` (1.9 KB less brotli).
//
// Usage: node scripts/shrink-glue.mjs <staging dir>

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
if (!dir) throw new Error("usage: shrink-glue.mjs <staging dir>");

/** Reads an unsigned LEB128 at `pos`: [value, next position]. */
function leb(buf, pos) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[pos++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, pos];
    shift += 7;
  }
}

function encodeLeb(value) {
  const out = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return Buffer.from(out);
}

function encodeName(name) {
  const bytes = Buffer.from(name, "utf8");
  return Buffer.concat([encodeLeb(bytes.length), bytes]);
}

/** Short identifiers: a…z, A…Z, then two letters and on. */
function shortName(n) {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let name = "";
  do {
    name = alphabet[n % alphabet.length] + name;
    n = Math.floor(n / alphabet.length) - 1;
  } while (n >= 0);
  return name;
}

/** Length in bytes of one import's description after its names. */
function importDescLength(buf, pos) {
  const kind = buf[pos];
  let p = pos + 1;
  switch (kind) {
    case 0: // function: type index
      return leb(buf, p)[1] - pos;
    case 1: {
      // table: reftype, limits
      p += 1;
      const flags = buf[p++];
      [, p] = leb(buf, p);
      if (flags & 1) [, p] = leb(buf, p);
      return p - pos;
    }
    case 2: {
      // memory: limits
      const flags = buf[p++];
      [, p] = leb(buf, p);
      if (flags & 1) [, p] = leb(buf, p);
      return p - pos;
    }
    case 3: // global: valtype, mutability
      return 3;
    default:
      throw new Error(`unsupported import kind ${kind}`);
  }
}

/**
 * Rewrites the import section of `wasm`, renaming imports from `module`.
 * Returns the new module and the map old name → new name.
 */
function renameImports(wasm, module) {
  const renamed = new Map();
  let pos = 8;
  while (pos < wasm.length) {
    const id = wasm[pos];
    const [size, body] = leb(wasm, pos + 1);
    if (id !== 2) {
      pos = body + size;
      continue;
    }
    let p = body;
    let count;
    [count, p] = leb(wasm, p);
    const parts = [encodeLeb(count)];
    for (let i = 0; i < count; i++) {
      let len;
      [len, p] = leb(wasm, p);
      const mod = wasm.toString("utf8", p, p + len);
      p += len;
      [len, p] = leb(wasm, p);
      const field = wasm.toString("utf8", p, p + len);
      p += len;
      const descLen = importDescLength(wasm, p);
      const desc = wasm.subarray(p, p + descLen);
      p += descLen;
      if (mod === module) {
        if (!renamed.has(field)) renamed.set(field, shortName(renamed.size));
        parts.push(encodeName("a"), encodeName(renamed.get(field)), desc);
      } else {
        parts.push(encodeName(mod), encodeName(field), desc);
      }
    }
    if (p !== body + size) throw new Error("import section not read to its end");
    const section = Buffer.concat(parts);
    const out = Buffer.concat([
      wasm.subarray(0, pos),
      Buffer.from([2]),
      encodeLeb(section.length),
      section,
      wasm.subarray(body + size),
    ]);
    return { wasm: out, renamed };
  }
  throw new Error("no import section");
}

const sri = (buf) => `sha384-${createHash("sha384").update(buf).digest("base64")}`;

/** Minifies an ES module in place with terser; its new bytes. */
function terser(path) {
  try {
    execFileSync("terser", [path, "--module", "--compress", "--mangle", "-o", path], {
      stdio: "inherit",
    });
  } catch (err) {
    if (err.code === "ENOENT") {
      throw new Error("terser is not on PATH: `cargo xtask setup` installs it in .tools/");
    }
    throw err;
  }
  return readFileSync(path);
}

const files = readdirSync(dir);
let html = readFileSync(join(dir, "index.html"), "utf8");
for (const wasmFile of files.filter((f) => f.endsWith("_bg.wasm"))) {
  const jsFile = wasmFile.replace(/_bg\.wasm$/, ".js");
  const wasmIn = readFileSync(join(dir, wasmFile));
  const jsIn = readFileSync(join(dir, jsFile), "utf8");
  // The glue names its import module after the file wasm-bindgen wrote.
  const module = jsIn.match(/"(\.\/[\w-]+_bg\.js)": import0/)?.[1];
  if (!module) throw new Error(`${jsFile}: no import module found`);
  const { wasm, renamed } = renameImports(wasmIn, module);
  let js = jsIn.replace(`"${module}": import0`, `"a": import0`);
  for (const [from, to] of renamed) {
    // Each import is one key of the import object: `name: function(` or `name: name`.
    const key = new RegExp(`^(\\s+)${from}:`, "m");
    if (!key.test(js)) throw new Error(`${jsFile}: import ${from} not found`);
    js = js.replace(key, `$1${to}:`);
  }
  writeFileSync(join(dir, wasmFile), wasm);
  html = html.replaceAll(sri(wasmIn), sri(wasm));
  writeFileSync(join(dir, jsFile), js);
  const jsOut = terser(join(dir, jsFile));
  html = html.replaceAll(sri(Buffer.from(jsIn)), sri(jsOut));
  console.log(
    `${wasmFile}: ${renamed.size} imports renamed, ${wasmIn.length - wasm.length} bytes less wasm; ` +
      `${jsFile}: ${jsIn.length} -> ${jsOut.length} bytes`,
  );
}
// The loader's initializer (Trunk's `data-initializer`): Trunk's own
// minifier is off (it cannot parse the glue), so terser does it too.
for (const file of files.filter((f) => f.endsWith("-initializer.js"))) {
  const before = readFileSync(join(dir, file));
  const after = terser(join(dir, file));
  html = html.replaceAll(sri(before), sri(after));
  console.log(`${file}: ${before.length} -> ${after.length} bytes`);
}
writeFileSync(join(dir, "index.html"), html);
