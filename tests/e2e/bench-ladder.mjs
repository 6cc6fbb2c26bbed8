// Benchmark: the thin-link ladder on a real shaped link.
//   cargo xtask bench ladder    (or: SALA_SERVER_BIN=… node tests/e2e/bench-ladder.mjs [cycles])
// A judge and a witness meet, each browser in its own namespace. Each cycle
// cuts the witness's link to 64 kbit/s both ways (tc tbf), holds it for 20 s,
// restores it, and waits for full video again. Measured per cycle:
//   - fall: cut → the witness's own tier is audio-only (its banner's data-tier);
//   - gap: the longest stretch without a new audio packet from the witness at
//     the judge during the cut's first 10 s (RTCRtpReceiver.getSynchronizationSources
//     polled every 5 ms);
//   - audio kbit/s and concealment at the judge over the last 10 s of the cut;
//   - back: restore → the witness's tier is video again.
import { Session, join } from './lib/session.mjs';
import { waitFor, waitForFlowingMedia } from './lib/wait.mjs';

const CYCLES = Number(process.argv[2] || 5);
// Each cut comes this long after full video is back, so that no cycle starts
// within the ladder's flap window (60 s) of the last climb: every cycle then
// measures a recovery from a first outage, not the caution the ladder shows a
// link that keeps failing right after it recovers (crates/ladder tests that).
const STABLE_MS = 65000;
const shown = new Map();
const HOLD_MS = 20000;

const GAP_PROBE = `(() => {
  const g = { last: null, max: 0, on: false };
  window.__gap = g;
  setInterval(() => {
    if (!g.on) return;
    const now = performance.now();
    for (const pc of window.__sala.pcs) {
      for (const r of pc.getReceivers()) {
        if (!r.track || r.track.kind !== 'audio') continue;
        const s = r.getSynchronizationSources()[0];
        if (!s) continue;
        if (g.last !== null && s.timestamp !== g.last.ts) g.max = Math.max(g.max, now - g.last.seen);
        if (g.last === null || s.timestamp !== g.last.ts) g.last = { ts: s.timestamp, seen: now };
      }
    }
  }, 5);
})();`;

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

const session = await Session.start(`${process.pid}b`);
try {
  const t0 = Date.now();
  const judge = await session.open('judge');
  await judge.page.context().addInitScript(GAP_PROBE);
  const witness = await session.open('witness');
  const links = await session.createMeeting(judge, 'Ladder benchmark');
  await join(judge, links.host, 'Judge');
  await join(witness, links.guest, 'Witness');
  await waitForFlowingMedia(judge, 1);
  const banner = witness.page.getByTestId('quality-banner');
  const tier = async () => ((await banner.count()) ? banner.getAttribute('data-tier') : 'video_high');
  const audio = async () => {
    const [pc] = await judge.stats();
    return pc.audio.reduce((a, s) => ({ bytes: a.bytes + s.bytes, concealed: a.concealed + s.concealed, samples: a.samples + s.samples }),
      { bytes: 0, concealed: 0, samples: 0 });
  };
  const rows = [];
  for (let i = 0; i < CYCLES; i++) {
    await waitFor(tier, (t) => t === 'video_high', { timeoutMs: 90000, intervalMs: 200, what: 'full video before the cut' });
    if (i > 0) {
      const high = Date.now();
      await waitFor(async () => Date.now() - high, (ms) => ms >= STABLE_MS, { timeoutMs: STABLE_MS + 5000, intervalMs: 500, what: 'a stable link' });
    }
    await judge.page.evaluate(() => Object.assign(window.__gap, { last: null, max: 0, on: true }));
    const cut = Date.now();
    console.log(`cut at ${((cut - t0) / 1000).toFixed(1)}s`);
    session.net.shape(witness.host, 64);
    await waitFor(tier, (t) => t === 'audio_slides' || t === 'audio_minimal', { timeoutMs: 20000, intervalMs: 50, what: 'fall' });
    const fall = Date.now() - cut;
    await waitFor(async () => Date.now() - cut, (ms) => ms >= 10000, { timeoutMs: 12000, intervalMs: 100, what: '10 s into the cut' });
    const gap = await judge.page.evaluate(() => { window.__gap.on = false; return window.__gap.max; });
    const a0 = await audio();
    await waitFor(async () => Date.now() - cut, (ms) => ms >= HOLD_MS, { timeoutMs: HOLD_MS, intervalMs: 100, what: 'end of the cut' });
    const a1 = await audio();
    const kbit = ((a1.bytes - a0.bytes) * 8) / ((HOLD_MS - 10000) / 1000) / 1000;
    const concealment = (a1.concealed - a0.concealed) / Math.max(1, a1.samples - a0.samples);
    const restored = Date.now();
    console.log(`restored at ${((restored - t0) / 1000).toFixed(1)}s`);
    session.net.unshape(witness.host);
    await waitFor(tier, (t) => t === 'video_low' || t === 'video_high', { timeoutMs: 60000, intervalMs: 50, what: 'video back' });
    const back = Date.now() - restored;
    rows.push({ fall, gap, kbit, concealment, back });
    if (process.env.SALA_BENCH_VERBOSE) {
      for (const b of session.browsers) {
        console.log(b.consoleLines.slice(shown.get(b.consoleLines) || 0).filter((l) => l.includes(' tier')).join('\n'));
        shown.set(b.consoleLines, b.consoleLines.length);
      }
    }
    console.log(`cycle ${i + 1}: fall ${fall} ms, longest audio gap ${gap.toFixed(0)} ms, audio ${kbit.toFixed(1)} kbit/s, concealment ${(concealment * 100).toFixed(1)}%, video back ${back} ms`);
  }
  const col = (k) => rows.map((r) => r[k]);
  console.log(`\n${rows.length} cycles: fall p50 ${pct(col('fall'), 50)} ms p95 ${pct(col('fall'), 95)} ms; ` +
    `longest audio gap p50 ${pct(col('gap'), 50).toFixed(0)} ms max ${Math.max(...col('gap')).toFixed(0)} ms; ` +
    `audio on the thin link p50 ${pct(col('kbit'), 50).toFixed(1)} kbit/s, concealment p50 ${(pct(col('concealment'), 50) * 100).toFixed(1)}%; ` +
    `video back p50 ${pct(col('back'), 50)} ms p95 ${pct(col('back'), 95)} ms`);
} catch (err) {
  for (const b of session.browsers) console.error(b.consoleLines.filter((l) => l.includes('tier')).slice(-60).join('\n'));
  throw err;
} finally {
  await session.close();
}
