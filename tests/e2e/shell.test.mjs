// How the app shell arrives and comes back (issue #12): the loading screen is
// in the HTML and paints before the wasm, with a progress figure; a failed
// load says so in both languages and Retry loads the app; a return visit takes
// the app from the service worker and nothing of it from the server; a new
// build's worker keeps only its own cache; an app the server refuses as too
// old reloads once to the server's app.
//
// What reaches the server is read from its own request log (tower_http at
// debug level), so "nothing downloaded" is counted where the bytes would go.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { Session } from './lib/session.mjs';
import { waitFor } from './lib/wait.mjs';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const DIST = process.env.SALA_DIST || join(ROOT, 'dist');
const PROTOCOL_VERSION = Number(
  readFileSync(join(ROOT, 'crates/protocol/src/lib.rs'), 'utf8').match(/PROTOCOL_VERSION: u32 = (\d+)/)[1],
);

// The server logs every request it starts (tower_http's TraceLayer).
process.env.RUST_LOG = `${process.env.RUST_LOG || 'sala_server=info,warn'},tower_http=debug`;

let session;
before(async () => {
  session = await Session.start(`${process.pid}s`);
});
after(() => session?.close());

/** Paths of the requests the server started, from the log line `from` on. */
function served(from = 0) {
  return session.server.logs.join('').split('\n').slice(from)
    // eslint-disable-next-line no-control-regex
    .map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').match(/uri=(\S+).*started processing request/)?.[1])
    .filter(Boolean);
}
const logMark = () => session.server.logs.join('').split('\n').length - 1;
const APP_FILE = /\.(js|wasm|css)$|^\/$|^\/index\.html$|^\/m\//;

/** Records every violation of the page's Content-Security-Policy, from the first byte. */
async function watchPolicy(b) {
  await b.page.context().addInitScript(() => {
    window.__violations = [];
    addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
}

/** Records each figure the loader shows, as it changes. */
async function watchProgress(b) {
  await b.page.addInitScript(() => {
    window.__progress = [];
    new MutationObserver(() => {
      const text = document.getElementById('ld-pct')?.textContent;
      if (text && window.__progress.at(-1) !== text) window.__progress.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
}

test('the loading screen is in the HTML, paints before the wasm, counts its arrival and gives way to the app', async () => {
  const b = await session.open('slow');
  await session.guard(async () => {
    await watchPolicy(b);
    await watchProgress(b);
    const wasmRequests = [];
    b.page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasmRequests.push(r.url()); });
    // A thin link: about 48 KiB/s, so the wasm takes seconds to arrive.
    const cdp = await b.page.context().newCDPSession(b.page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 50, downloadThroughput: 48 * 1024, uploadThroughput: 48 * 1024,
    });
    const res = await b.page.goto(`${session.url}/`, { waitUntil: 'commit' });
    const html = await res.text();
    for (const words of ['Sala', 'សាលា', 'Loading…', 'កំពុងផ្ទុក…']) assert.ok(html.includes(words), `the HTML says ${words}`);
    const loader = b.page.locator('#loader');
    await loader.waitFor({ state: 'visible', timeout: 10000 });
    assert.match(await loader.innerText(), /កំពុងផ្ទុក…[\s\S]*Loading…/);
    // Part of the wasm here, the rest on its way: the figure says how much.
    const figure = await waitFor(
      () => b.page.locator('#ld-pct').textContent(),
      (t) => /^([1-9]|[1-9]\d)%$/.test(t ?? ''),
      { timeoutMs: 30000, intervalMs: 100, what: 'a progress figure between 1 and 99 %' },
    );
    assert.ok(await loader.isVisible(), `the loader is up at ${figure}`);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await b.page.getByTestId('title-input').waitFor({ timeout: 30000 });
    assert.equal(await loader.count(), 0, 'the loader is gone once the app runs');
    assert.equal(
      await b.page.evaluate(() => getComputedStyle(document.querySelector('header.top')).display),
      'flex',
      'the app is styled: its stylesheets are still in the page',
    );
    const figures = await b.page.evaluate(() => window.__progress);
    const numbers = figures.map((f) => parseInt(f, 10));
    assert.deepEqual(numbers, [...numbers].sort((x, y) => x - y), `the figure only rises: ${figures}`);
    assert.equal(figures.at(-1), '100%', `it ends at 100 %: ${figures}`);
    assert.equal(wasmRequests.length, 1, `the wasm is fetched once: ${wasmRequests}`);
    assert.deepEqual(await b.page.evaluate(() => window.__violations), [], 'no Content-Security-Policy violation');
  });
  await session.dismiss(b);
});

/** Presses Retry and waits until the page is a new one (the old one still shows the error). */
async function retry(b) {
  const navigated = b.page.waitForEvent('framenavigated', { timeout: 15000 });
  await b.page.locator('#ld-retry').click();
  await navigated;
}

test('a failed load says so in Khmer and English, and Retry loads the app', async () => {
  const b = await session.open('cut');
  await session.guard(async () => {
    await watchPolicy(b);
    const error = b.page.locator('#ld-err');
    // The app's script does not come; the connection drops on the wasm; what
    // arrives is not WebAssembly. Each time the page says so, and Retry loads
    // it again.
    const glue = /\/sala-[0-9a-f]{15,16}\.js$/;
    const wasm = '**/*_bg.wasm';
    const failures = [
      ['the script cut', glue, (route) => route.abort('connectionreset')],
      ['the wasm cut', wasm, (route) => route.abort('connectionreset')],
      ['bytes that are not wasm', wasm, (route) => route.fulfill({ status: 200, contentType: 'application/wasm', body: 'not wasm' })],
    ];
    for (const [i, [what, url, fail]] of failures.entries()) {
      await b.page.route(url, fail);
      if (i === 0) await b.page.goto(`${session.url}/`);
      else await retry(b);
      await error.waitFor({ state: 'visible', timeout: 15000 });
      const text = await error.innerText();
      assert.match(text, /មិនអាចផ្ទុក Sala បានទេ/, what);
      assert.match(text, /Sala could not load/, what);
      assert.ok(!(await b.page.locator('#ld-bar').isVisible()), `${what}: no progress bar beside the error`);
      await b.page.unroute(url);
    }
    await retry(b);
    await b.page.getByTestId('title-input').waitFor({ timeout: 30000 });
    assert.equal(await b.page.locator('#loader').count(), 0);
    assert.deepEqual(await b.page.evaluate(() => window.__violations), [], 'no Content-Security-Policy violation');
  });
  await session.dismiss(b);
});

/** Waits until the service worker controls the page. */
async function waitForWorker(b) {
  await b.page.waitForFunction(
    () => navigator.serviceWorker.controller?.state === 'activated',
    null,
    { timeout: 20000, polling: 100 },
  );
}

test('a return visit takes the whole app from the service worker, nothing from the server', async () => {
  const b = await session.open('returning');
  await session.guard(async () => {
    await watchPolicy(b);
    const first = logMark();
    const links = await session.createMeeting(b, 'Return visit');
    const firstVisit = served(first);
    assert.ok(firstVisit.some((p) => p.endsWith('.wasm')), `the first visit fetched the wasm: ${firstVisit}`);
    await waitForWorker(b);
    const wasms = served(first).filter((p) => p.endsWith('.wasm'));
    // The chunk past Join (src/joined.rs), which the home page never asked
    // for, the worker fetches once to keep it; the main wasm it took from
    // what the page had loaded.
    const [chunks, main] = [wasms.filter((p) => p.startsWith('/split_')), wasms.filter((p) => !p.startsWith('/split_'))];
    assert.equal(main.length, 1, `the worker kept the wasm the page had loaded, not a second copy: ${wasms}`);
    assert.equal(chunks.length, 1, `the worker fetched the chunk past Join once: ${wasms}`);

    const mark = logMark();
    const files = [];
    b.page.on('response', (r) => {
      if (/\.(js|wasm|css)$/.test(new URL(r.url()).pathname)) files.push({ url: r.url(), worker: r.fromServiceWorker() });
    });
    const nav = await b.page.goto(links.guest);
    await b.page.getByTestId('name-input').waitFor({ timeout: 20000 });
    assert.ok(nav.fromServiceWorker(), 'the meeting page came from the service worker');
    // The join screen asks for the chunk past Join as it opens: kept too.
    await waitFor(() => files.filter((f) => new URL(f.url).pathname.startsWith('/split_')).length, (n) => n === 1,
      { what: 'the chunk past Join, asked for by the join screen' });
    // From the worker's cache, not the HTTP cache (which the browser may drop).
    assert.ok(files.some((f) => f.url.endsWith('.wasm')), `the app's files were loaded: ${JSON.stringify(files)}`);
    assert.deepEqual(files.filter((f) => !f.worker), [], 'every app file came from the service worker');
    // The server may see the worker's update check (/sw.js) and the API; never the app.
    const again = served(mark);
    assert.ok(again.some((p) => p.startsWith('/api/meetings/')), `the request log is read: ${again}`);
    assert.deepEqual(again.filter((p) => APP_FILE.test(p)), [], `no app file reached the server: ${again}`);
    assert.deepEqual(await b.page.evaluate(() => window.__violations), [], 'no Content-Security-Policy violation');
  });
  await session.dismiss(b);
});

test('an app refused as too old drops the service worker and reloads to the server app, once', async () => {
  const b = await session.open('stale');
  await session.guard(async () => {
    const links = await session.createMeeting(b, 'New server');
    await waitForWorker(b);
    // The server as a newer one would answer: any Join is refused.
    await b.page.routeWebSocket(/\/ws/, (ws) => {
      ws.onMessage(() => ws.close({ code: 4426, reason: 'unsupported protocol' }));
    });
    const kept = await b.page.goto(links.guest);
    assert.ok(kept.fromServiceWorker(), 'the kept app runs');
    const path = new URL(links.guest).pathname;
    const reloaded = b.page.waitForEvent('response', {
      predicate: (r) => r.request().isNavigationRequest() && new URL(r.url()).pathname === path, timeout: 30000,
    });
    await b.page.getByTestId('name-input').fill('Witness');
    await b.page.getByTestId('join-button').click();
    const fresh = await reloaded;
    assert.ok(!fresh.fromServiceWorker(), 'the reload asked the server, not the old worker');
    // The fresh app is refused too: it stays on the end screen (no loop).
    await b.page.getByTestId('name-input').waitFor({ timeout: 20000 });
    await b.page.evaluate(() => navigator.serviceWorker.ready);
    const navigations = [];
    b.page.on('framenavigated', (f) => navigations.push(f.url()));
    await b.page.getByTestId('name-input').fill('Witness');
    await b.page.getByTestId('join-button').click();
    await b.page.getByTestId('call-ended').waitFor({ timeout: 15000 });
    assert.match(await b.page.getByTestId('call-ended').innerText(), /Sala was updated/);
    assert.equal(await b.page.evaluate(() => sessionStorage.getItem('sala.reloaded-for-protocol')), String(PROTOCOL_VERSION));
    // A second reload would have unregistered the worker first.
    assert.equal(await b.page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length), 1);
    assert.deepEqual(navigations, [], 'no second reload');
  });
  await session.dismiss(b);
});

/** Runs the built sw.js in a sandbox with in-memory caches; returns the sandbox. */
function loadWorker(source, caches) {
  const listeners = {};
  const self = {
    addEventListener: (type, fn) => { listeners[type] = fn; },
    skipWaiting: async () => {},
    clients: { claim: async () => {} },
  };
  const sandbox = {
    self, caches, URL, Response, Promise,
    location: new URL('http://sala.test/sw.js'),
    fetch: async (r) => new Response(`network ${new URL(r.url ?? r).pathname}`),
  };
  vm.runInNewContext(source, sandbox);
  /** Dispatches an extendable event; resolves when its work is done. */
  const dispatch = async (type, fields = {}) => {
    let work = Promise.resolve();
    let response;
    listeners[type]?.({ ...fields, waitUntil: (p) => { work = p; }, respondWith: (r) => { response = r; } });
    await work;
    return response && (await response);
  };
  return { dispatch };
}

/** Caches in memory, as the worker sees them. */
function memoryCaches() {
  const stores = new Map();
  const open = async (name) => {
    if (!stores.has(name)) stores.set(name, new Map());
    const store = stores.get(name);
    return {
      addAll: async (paths) => {
        for (const path of paths) store.set(path, new Response(`cached ${path}`));
      },
      match: async (path) => store.get(path)?.clone(),
    };
  };
  return {
    stores,
    open,
    keys: async () => [...stores.keys()],
    delete: async (name) => stores.delete(name),
  };
}

test("a new build's worker keeps its own files and drops the old build's cache; it never answers the API or the socket", async () => {
  const source = readFileSync(join(DIST, 'sw.js'), 'utf8');
  const build = source.match(/^const BUILD = "([0-9a-f]{16})";$/m)?.[1];
  assert.ok(build, 'the build stamped its id into sw.js');
  const files = JSON.parse(source.match(/^const FILES = (\[.*\]);$/m)[1].replace(/,\]$/, ']'));
  const index = readFileSync(join(DIST, 'index.html'), 'utf8');
  for (const name of index.match(/\/[\w.-]+-[0-9a-f]{15,16}(_bg)?\.(js|wasm|css)/g)) {
    assert.ok(files.includes(name), `the worker keeps ${name}, which index.html names`);
  }
  assert.ok(files.includes('/index.html'));
  assert.ok(!files.some((f) => /sw\.js|\.br$|\.gz$/.test(f)), `${files}`);

  const caches = memoryCaches();
  await caches.open('sala-0123456789abcdef'); // the build before
  const worker = loadWorker(source, caches);
  await worker.dispatch('install');
  await worker.dispatch('activate');
  assert.deepEqual(await caches.keys(), [`sala-${build}`], 'only this build is kept');

  const get = (path, mode = 'cors') => worker.dispatch('fetch', {
    request: { method: 'GET', mode, url: `http://sala.test${path}` },
  }).then((r) => r && r.text());
  assert.equal(await get('/m/abc', 'navigate'), 'cached /index.html', 'a page is the kept shell');
  const wasm = files.find((f) => f.endsWith('.wasm'));
  assert.equal(await get(wasm), `cached ${wasm}`);
  for (const path of ['/api/meetings/abc', '/ws', '/api/slides/x.webp', '/sw.js']) {
    assert.equal(await get(path), undefined, `${path} goes to the network untouched`);
  }
  for (const path of ['/api/meetings/abc/record', '/healthz']) {
    assert.equal(await get(path, 'navigate'), undefined, `opening ${path} goes to the server`);
  }
});
