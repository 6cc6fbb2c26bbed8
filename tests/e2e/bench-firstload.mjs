// Benchmark: a meeting link opened on a thin link, navigation → the join form.
//   cargo xtask bench firstload [RUNS]   (or: SALA_SERVER_BIN=… node tests/e2e/bench-firstload.mjs [runs])
// The server runs HTTPS (a throwaway self-signed certificate), as in the field:
// browsers ask for brotli only over HTTPS. A browser in its own namespace, its
// link limited both ways with tc tbf, opens a guest link with an empty profile
// (first visit), then opens it again (return visit). The page records with
// performance.now() (from the navigation's start) the first paint and the
// moment the name field of the join form appears; tbf's counters give the
// bytes that crossed the link each way (TLS, headers and all).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inNs, TestNet } from './lib/net.mjs';
import { startServer } from './lib/server.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { waitFor } from './lib/wait.mjs';

const RUNS = Number(process.argv[2] || 3);
const LINKS_KBIT = [256, 48];
/// Longest a visit may take before the run counts as failed (48 kbit/s moves ~6 KB/s).
const VISIT_LIMIT_MS = 240_000;

const PROBE = `(() => {
  const t = { form: null };
  window.__firstLoad = t;
  const seen = () => {
    if (t.form === null && document.querySelector('[data-testid="name-input"]')) t.form = performance.now();
    return t.form !== null;
  };
  const watch = new MutationObserver(() => { if (seen()) watch.disconnect(); });
  watch.observe(document, { childList: true, subtree: true });
})();`;

/** What one visit cost: times from the navigation's start and bytes over the link. */
async function visit(net, host, page, link) {
  const before = net.linkBytes(host);
  await page.goto(link, { waitUntil: 'commit', timeout: VISIT_LIMIT_MS });
  const t = await waitFor(
    () => page.evaluate(() => window.__firstLoad),
    (t) => t && t.form !== null,
    { timeoutMs: VISIT_LIMIT_MS, intervalMs: 100, what: 'the join form' },
  );
  const after = net.linkBytes(host);
  const paint = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
  return { form: t.form, paint, down: after.down - before.down, up: after.up - before.up };
}

function selfSignedCert(dir, addr) {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=sala-bench', '-addext', `subjectAltName=IP:${addr}`],
  { stdio: 'ignore' });
  const spki = execFileSync('sh', ['-c', `openssl x509 -in '${cert}' -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`]).toString().trim();
  return { args: ['--tls-cert', cert, '--tls-key', key], spki };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const secs = (ms) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);

const net = new TestNet(`${process.pid}f`);
const certDir = mkdtempSync(join(tmpdir(), 'sala-bench-cert-'));
const tls = selfSignedCert(certDir, net.serverAddr);
const server = await startServer(net, { args: tls.args, port: 8443 });
const url = server.url.replace(/^http:/, 'https:');
const results = [];
try {
  const created = JSON.parse(inNs(net.hub, 'curl', '-sk', '-X', 'POST', `${url}/api/meetings`,
    '-H', 'content-type: application/json', '-d', '{"title":"First load"}'));
  const link = `${url}/m/${created.meeting.id}`;
  for (const kbit of LINKS_KBIT) {
    for (let run = 0; run < RUNS; run++) {
      const host = net.addHost();
      net.shape(host, kbit);
      const b = await launchBrowser(host, url, { name: `${kbit}k-${run}`, trustSpki: tls.spki });
      try {
        await b.page.context().addInitScript(PROBE);
        const first = await visit(net, host, b.page, link);
        // A return visit comes later: by then the service worker the first
        // visit registered has its files (it installs after the page loads).
        await waitFor(() => b.page.evaluate(async () => {
          const reg = await navigator.serviceWorker?.getRegistration();
          return reg ? Boolean(reg.active) : 'none';
        }), (active) => active !== false, { timeoutMs: VISIT_LIMIT_MS, intervalMs: 250, what: 'the service worker active' });
        const again = await visit(net, host, b.page, link);
        results.push({ kbit, first, again });
        console.error(`${kbit} kbit/s run ${run}: first ${secs(first.form)} (${first.down} B down), return ${secs(again.form)} (${again.down} B down)`);
      } finally {
        await b.close();
      }
    }
  }
} finally {
  await server.stop();
  net.destroy();
  rmSync(certDir, { recursive: true, force: true });
}

console.log('| link | visit | first paint | join form (median) | join form (each run) | bytes down | bytes up |');
console.log('|---|---|---:|---:|---|---:|---:|');
for (const kbit of LINKS_KBIT) {
  for (const which of ['first', 'again']) {
    const runs = results.filter((r) => r.kbit === kbit).map((r) => r[which]);
    console.log(`| ${kbit} kbit/s | ${which === 'first' ? 'first' : 'return'} | ${secs(median(runs.map((r) => r.paint ?? Infinity)))} | `
      + `**${secs(median(runs.map((r) => r.form)))}** | ${runs.map((r) => secs(r.form)).join(', ')} | `
      + `${median(runs.map((r) => r.down))} | ${median(runs.map((r) => r.up))} |`);
  }
}
