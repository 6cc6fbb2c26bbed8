// Benchmark: click Join → first remote audio packet and first remote video frame.
//   cargo xtask bench join      (or: SALA_SERVER_BIN=… node tests/e2e/bench-join.mjs [runs])
// One participant waits in the meeting; a newcomer in its own namespace loads the
// guest link, waits for its camera, clicks Join, and the page records (with
// performance.now()) the click, the first RTP audio packet from the other side
// (RTCRtpReceiver.getSynchronizationSources) and the first remote video frame
// presented (HTMLVideoElement.requestVideoFrameCallback).
import { TestNet } from './lib/net.mjs';
import { startServer } from './lib/server.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { waitFor, waitForFlowingMedia } from './lib/wait.mjs';

const RUNS = Number(process.argv[2] || 12);
const WARMUP = 2;

const PROBE = `(() => {
  const t = { click: null, audio: null, video: null };
  window.__joinTimes = t;
  document.addEventListener('click', (e) => {
    if (e.target.closest && e.target.closest('[data-testid="join-button"]') && t.click === null) t.click = performance.now();
  }, true);
  const watchVideo = (v) => {
    if (v.__watched || v.classList.contains('mirror')) return;
    v.__watched = true;
    v.requestVideoFrameCallback(() => { if (t.video === null && t.click !== null) t.video = performance.now(); });
  };
  new MutationObserver(() => document.querySelectorAll('video').forEach(watchVideo))
    .observe(document, { childList: true, subtree: true });
  const poll = setInterval(() => {
    if (t.click === null || t.audio !== null) return;
    for (const pc of (window.__sala ? window.__sala.pcs : [])) {
      for (const r of pc.getReceivers()) {
        if (r.track && r.track.kind === 'audio' && r.getSynchronizationSources().length > 0) {
          t.audio = performance.now();
          clearInterval(poll);
          return;
        }
      }
    }
  }, 2);
})();`;

function percentile(sorted, p) {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

const net = new TestNet(`${process.pid}b`);
const server = await startServer(net);
const browsers = [];
try {
  const resident = await launchBrowser(net.addHost(), server.url, { name: 'resident' });
  const newcomer = await launchBrowser(net.addHost(), server.url, { name: 'newcomer' });
  browsers.push(resident, newcomer);
  await newcomer.page.context().addInitScript(PROBE);

  await resident.page.goto(`${server.url}/`);
  await resident.page.getByTestId('title-input').fill('Join benchmark');
  await resident.page.getByTestId('create-button').click();
  const guestLink = await resident.page.getByTestId('guest-link').inputValue();
  const hostLink = await resident.page.getByTestId('host-link').inputValue();
  await resident.page.goto(hostLink);
  await resident.page.getByTestId('name-input').fill('Resident');
  await resident.page.getByTestId('join-button').click();
  await resident.page.getByTestId('room').waitFor();

  const audio = [];
  const video = [];
  for (let run = 0; run < RUNS + WARMUP; run++) {
    await newcomer.page.goto(guestLink);
    await newcomer.page.getByTestId('name-input').fill(`Newcomer ${run}`);
    await newcomer.page.waitForFunction(() => document.querySelector('.preview video')?.readyState >= 2, null, { timeout: 15000 });
    await newcomer.page.getByTestId('join-button').click();
    const t = await waitFor(
      () => newcomer.page.evaluate(() => window.__joinTimes),
      (t) => t.audio !== null && t.video !== null,
      { timeoutMs: 15000, intervalMs: 50, what: `first media in run ${run}` },
    );
    if (run >= WARMUP) {
      audio.push(t.audio - t.click);
      video.push(t.video - t.click);
    }
    await waitForFlowingMedia(newcomer, 1, { timeoutMs: 15000 });
    await newcomer.page.getByTestId('leave').click();
    await newcomer.page.getByTestId('call-ended').waitFor();
    await waitFor(() => resident.page.getByTestId('tile').count(), (n) => n === 1, { what: 'resident alone again' });
  }
  const report = (name, xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return `| ${name} | ${s.length} | ${percentile(s, 50).toFixed(0)} | ${percentile(s, 95).toFixed(0)} | ${s[0].toFixed(0)} | ${s.at(-1).toFixed(0)} |`;
  };
  console.log('| click Join → | runs | p50 ms | p95 ms | min ms | max ms |\n|---|---:|---:|---:|---:|---:|');
  console.log(report('first remote audio packet', audio));
  console.log(report('first remote video frame', video));
} finally {
  for (const b of browsers) await b.close().catch(() => {});
  await server.stop();
  net.destroy();
}
