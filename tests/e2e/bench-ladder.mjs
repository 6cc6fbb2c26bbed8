// Benchmark: the thin-link ladder on a real shaped link, and the same link
// without it (plain WebRTC, `--plain`: the page opened with `?ladder=off`).
//   cargo xtask bench ladder [--plain] [cycles]
//   (or: SALA_SERVER_BIN=… node tests/e2e/bench-ladder.mjs [--plain] [cycles])
// A judge and a witness meet, each browser in its own namespace. Each cycle
// cuts the witness's link to 64 kbit/s both ways (tc tbf), holds it for 20 s,
// restores it, and waits for full video again. Measured per cycle, the same
// way in both modes except where said:
//   - fall (ladder only): cut → the witness's own tier is audio-only (its
//     banner's data-tier);
//   - gap: the longest stretch without a new audio packet from the witness at
//     the judge during the cut's first 10 s (RTCRtpReceiver.getSynchronizationSources
//     polled every 5 ms);
//   - audio kbit/s (Opus payload, and on the wire: payload + RTP headers
//     (headerBytesReceived) + 38 bytes a packet for SRTP's tag, UDP and IPv4)
//     and concealment at the judge, the witness's
//     video frames the judge decoded, and all media payload the judge received
//     from the witness, over the last 10 s of the cut;
//   - audio on the wire over 5 s of full video before the cut;
//   - back: restore → the judge decodes the witness's camera at ≥ 5 frames/s
//     again (a 1 s window; low video runs at up to 10); with the ladder also restore → the witness's tier
//     is video again.
import { Session, join } from './lib/session.mjs';
import { waitFor, waitForFlowingMedia } from './lib/wait.mjs';
import { T0 } from './lib/browser.mjs';

const args = process.argv.slice(2);
const PLAIN = args.includes('--plain');
const CYCLES = Number(args.find((a) => /^\d+$/.test(a)) || 5);
// Each cut comes this long after full video is back, so that no cycle starts
// within the ladder's flap window (60 s) of the last climb: every cycle then
// measures a recovery from a first outage, not the caution the ladder shows a
// link that keeps failing right after it recovers (crates/ladder tests that).
// Plain WebRTC has no such memory; its cuts come sooner.
const STABLE_MS = PLAIN ? 20000 : 65000;
const shown = new Map();
const HOLD_MS = 20000;
// Full video decodes at ~24 frames/s; low video is capped at 10.
const FPS_FULL = 15;
const FPS_BACK = 5;

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
  const t0 = T0;
  const judge = await session.open('judge');
  await judge.page.context().addInitScript(GAP_PROBE);
  const witness = await session.open('witness');
  const links = await session.createMeeting(judge, 'Ladder benchmark');
  const mode = (link) => {
    const u = new URL(link);
    if (PLAIN) u.searchParams.set('ladder', 'off');
    return u.toString();
  };
  await join(judge, mode(links.host), 'Judge');
  await join(witness, mode(links.guest), 'Witness');
  await waitForFlowingMedia(judge, 1);
  const banner = witness.page.getByTestId('quality-banner');
  const tier = async () => ((await banner.count()) ? banner.getAttribute('data-tier') : 'video_high');
  // What the judge has received from the witness so far.
  const received = async () => {
    const [pc] = await judge.stats();
    const sum = (list, key) => list.reduce((a, s) => a + s[key], 0);
    return {
      at: Date.now(),
      audio: sum(pc.audio, 'bytes'),
      audioWire: sum(pc.audio, 'bytes') + sum(pc.audio, 'headerBytes') + 38 * sum(pc.audio, 'packets'),
      concealed: sum(pc.audio, 'concealed'),
      samples: sum(pc.audio, 'samples'),
      video: sum(pc.video, 'bytes'),
      frames: sum(pc.video, 'frames'),
    };
  };
  const fps = async () => {
    const a = await received();
    await judge.page.waitForTimeout(1000); // measuring interval between two counter readings
    const b = await received();
    return ((b.frames - a.frames) * 1000) / (b.at - a.at);
  };
  const until = (from, ms, what) =>
    waitFor(async () => Date.now() - from, (t) => t >= ms, { timeoutMs: ms + 5000, intervalMs: 100, what });
  const rows = [];
  for (let i = 0; i < CYCLES; i++) {
    if (!PLAIN) await waitFor(tier, (t) => t === 'video_high', { timeoutMs: 90000, intervalMs: 200, what: 'full video before the cut' });
    if (i > 0) await until(Date.now(), STABLE_MS, 'a stable link');
    await waitFor(fps, (f) => f >= FPS_FULL, { timeoutMs: 60000, intervalMs: 0, what: 'full video before the cut' });
    // Audio on the good link, for comparison with the cut.
    const g0 = await received();
    await until(g0.at, 5000, '5 s of full video');
    const g1 = await received();
    const goodKbit = ((g1.audioWire - g0.audioWire) * 8) / ((g1.at - g0.at) / 1000) / 1000;
    await judge.page.evaluate(() => Object.assign(window.__gap, { last: null, max: 0, on: true }));
    const cut = Date.now();
    console.log(`cut at ${((cut - t0) / 1000).toFixed(1)}s`);
    session.net.shape(witness.host, 64);
    let fall = null;
    if (!PLAIN) {
      await waitFor(tier, (t) => t === 'audio_slides' || t === 'audio_minimal', { timeoutMs: 20000, intervalMs: 50, what: 'fall' });
      fall = Date.now() - cut;
    }
    await until(cut, 10000, '10 s into the cut');
    const gap = await judge.page.evaluate(() => { window.__gap.on = false; return window.__gap.max; });
    const a = await received();
    await until(cut, HOLD_MS, 'end of the cut');
    const b = await received();
    const secs = (b.at - a.at) / 1000;
    const kbit = ((b.audio - a.audio) * 8) / secs / 1000;
    const wireKbit = ((b.audioWire - a.audioWire) * 8) / secs / 1000;
    const totalKbit = ((b.audio - a.audio + b.video - a.video) * 8) / secs / 1000;
    const frames = b.frames - a.frames;
    const concealment = (b.concealed - a.concealed) / Math.max(1, b.samples - a.samples);
    const restored = Date.now();
    console.log(`restored at ${((restored - t0) / 1000).toFixed(1)}s`);
    session.net.unshape(witness.host);
    let tierBack = null;
    const seen = waitFor(fps, (f) => f >= FPS_BACK, { timeoutMs: 90000, intervalMs: 0, what: 'video seen again' })
      .then(() => Date.now() - restored);
    if (!PLAIN) {
      await waitFor(tier, (t) => t === 'video_low' || t === 'video_high', { timeoutMs: 60000, intervalMs: 50, what: 'video back' });
      tierBack = Date.now() - restored;
    }
    const back = await seen;
    rows.push({ fall, gap, goodKbit, kbit, wireKbit, totalKbit, concealment, frames, back, tierBack });
    if (process.env.SALA_BENCH_VERBOSE) {
      for (const br of session.browsers) {
        console.log(br.consoleLines.slice(shown.get(br.consoleLines) || 0).filter((l) => l.includes(' tier')).join('\n'));
        shown.set(br.consoleLines, br.consoleLines.length);
      }
    }
    console.log(`cycle ${i + 1}: ${PLAIN ? '' : `fall ${fall} ms, `}longest audio gap ${gap.toFixed(0)} ms, ` +
      `audio ${kbit.toFixed(1)} kbit/s (${wireKbit.toFixed(1)} on the wire; ${goodKbit.toFixed(1)} before the cut), concealment ${(concealment * 100).toFixed(1)}%, ` +
      `${frames} video frames and ${totalKbit.toFixed(1)} kbit/s of media in the cut's last 10 s, ` +
      `video seen again ${back} ms${PLAIN ? '' : ` (tier ${tierBack} ms)`}`);
  }
  const col = (k) => rows.map((r) => r[k]);
  const p = (k, q, digits = 0) => pct(col(k), q).toFixed(digits);
  console.log(`\n${PLAIN ? 'plain WebRTC (?ladder=off)' : 'ladder'}, ${rows.length} cycles:` +
    (PLAIN ? '' : ` fall p50 ${p('fall', 50)} ms p95 ${p('fall', 95)} ms;`) +
    ` longest audio gap p50 ${p('gap', 50)} ms max ${Math.max(...col('gap')).toFixed(0)} ms;` +
    ` audio p50 ${p('kbit', 50, 1)} kbit/s (${p('wireKbit', 50, 1)} on the wire; ${p('goodKbit', 50, 1)} on the wire before the cut), concealment p50 ${(pct(col('concealment'), 50) * 100).toFixed(1)}% max ${(Math.max(...col('concealment')) * 100).toFixed(1)}%;` +
    ` video frames in 10 s p50 ${p('frames', 50)}; media p50 ${p('totalKbit', 50, 1)} kbit/s;` +
    ` video seen again p50 ${p('back', 50)} ms p95 ${p('back', 95)} ms` +
    (PLAIN ? '' : `; tier back p50 ${p('tierBack', 50)} ms p95 ${p('tierBack', 95)} ms`));
} catch (err) {
  for (const b of session.browsers) console.error(b.consoleLines.filter((l) => l.includes('tier')).slice(-60).join('\n'));
  throw err;
} finally {
  await session.close();
}
