// How the app arrives (issue #12), measured in the browser as it received
// it: every file of the first load comes compressed, the very bytes the
// build wrote beside it, and the total on the wire is reported. Chromium
// asks for brotli only over HTTPS; on the test's plain HTTP it takes gzip
// (the server's choice per `Accept-Encoding` is tests/http.rs's).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session } from './lib/session.mjs';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const DIST = process.env.SALA_DIST || join(ROOT, 'dist');

let session;
before(async () => {
  session = await Session.start(`${process.pid}d`);
});
after(() => session?.close());

test('a first visit receives every file compressed, as the build compressed it', async (t) => {
  const b = await session.open('visitor');
  const res = await b.page.goto(`${session.url}/`);
  const encoding = res.headers()['content-encoding'];
  const ext = { br: 'br', gzip: 'gz' }[encoding];
  assert.ok(ext, `the page itself came compressed (${encoding})`);
  assert.match(res.headers().vary ?? '', /accept-encoding/i);
  await b.page.getByTestId('title-input').waitFor();
  // Resource Timing: bytes of each body as received (encoded) and as used.
  const entries = await b.page.evaluate(() => [
    ...performance.getEntriesByType('navigation'),
    ...performance.getEntriesByType('resource'),
  ].map((e) => ({ url: e.name, encoded: e.encodedBodySize, decoded: e.decodedBodySize })));
  const files = entries.filter((e) => new URL(e.url).pathname.match(/\.(wasm|js|css)$|^\/$/));
  assert.ok(files.some((e) => e.url.endsWith('.wasm')), `the wasm was fetched: ${JSON.stringify(entries)}`);
  let total = 0;
  for (const { url, encoded, decoded } of files) {
    const path = new URL(url).pathname;
    const name = path === '/' ? 'index.html' : basename(path);
    const built = join(DIST, `${name}.${ext}`);
    assert.ok(existsSync(built), `the build made ${name}.${ext}`);
    assert.equal(decoded, statSync(join(DIST, name)).size, `${name}: the whole file`);
    assert.equal(encoded, statSync(built).size, `${name}: the ${encoding} bytes, as built`);
    total += encoded;
  }
  t.diagnostic(`first load on the wire (${encoding}): ${(total / 1024).toFixed(1)} KiB in ${files.length} files`);
});
