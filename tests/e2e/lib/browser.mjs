// Headless Chromium in a participant's namespace, with fake camera and microphone,
// driven by Playwright over a pipe (so no debugging port crosses namespaces).
import { chromium } from 'playwright-core';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** When this test process started: every browser's console lines are timed from it. */
export const T0 = Date.now();

const CHROMIUM = process.env.SALA_CHROMIUM || '/usr/bin/chromium';

// Records every RTCPeerConnection and WebSocket the app makes, so tests can read
// getStats() and cut the signaling socket. The app itself is not changed.
const INSTRUMENT = `(() => {
  const pcs = [];
  const sockets = [];
  const NativePC = window.RTCPeerConnection;
  function PC(...args) { const pc = new NativePC(...args); pcs.push(pc); return pc; }
  PC.prototype = NativePC.prototype;
  PC.generateCertificate = NativePC.generateCertificate;
  window.RTCPeerConnection = PC;
  const NativeWS = window.WebSocket;
  const frames = [];
  function WS(...args) {
    const ws = new NativeWS(...args);
    sockets.push(ws);
    // \`ws.deaf = true\` makes the page stop hearing this socket while the
    // server goes on writing to it: a link dead one way, unknown to both.
    // \`__sala.deafAfter = 'welcome'\` does it to the next socket right after
    // the first message of that type; \`__sala.dropSignalsUntil\` (a
    // performance.now() time) loses every relayed signal until then, on a
    // socket that otherwise works.
    ws.addEventListener('message', (e) => {
      if (ws.deaf) return e.stopImmediatePropagation();
      let type;
      try { type = JSON.parse(e.data).type; } catch { return; }
      if (type === 'signal' && performance.now() < (window.__sala.dropSignalsUntil ?? 0)) return e.stopImmediatePropagation();
      if (type && type === window.__sala.deafAfter) {
        window.__sala.deafAfter = null;
        ws.deaf = true;
      }
    });
    // The last server message types, for diagnostics.
    ws.addEventListener('message', (e) => {
      try { frames.push(Math.round(performance.now()) + ' ' + JSON.parse(e.data).type); } catch { /* not JSON */ }
      if (frames.length > 200) frames.shift();
    });
    return ws;
  }
  WS.prototype = NativeWS.prototype;
  Object.assign(WS, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  window.WebSocket = WS;
  // Every camera/microphone capture the app asks for, and the streams it got
  // (their tracks' readyState says whether the camera light is on).
  const captures = { asked: 0, streams: [] };
  if (window.MediaDevices) {
    const nativeGum = MediaDevices.prototype.getUserMedia;
    MediaDevices.prototype.getUserMedia = async function (constraints) {
      captures.asked += 1;
      const stream = await nativeGum.call(this, constraints);
      captures.streams.push(stream);
      return stream;
    };
  }
  // What the page's Content-Security-Policy refused.
  const csp = [];
  document.addEventListener('securitypolicyviolation', (e) => csp.push(e.violatedDirective + ' ' + e.blockedURI));
  window.__sala = {
    pcs,
    sockets,
    /** How often the app asked for camera/microphone, and its tracks still live, by kind. */
    captures() {
      const live = captures.streams.flatMap((s) => s.getTracks()).filter((t) => t.readyState === 'live');
      return { asked: captures.asked, live: live.map((t) => t.kind).sort() };
    },
    /** Bytes every live connection has sent (RTP payload), summed. */
    async sentBytes() {
      let bytes = 0;
      for (const pc of pcs) {
        if (pc.connectionState === 'closed') continue;
        (await pc.getStats()).forEach((s) => { if (s.type === 'outbound-rtp') bytes += s.bytesSent || 0; });
      }
      return bytes;
    },
    csp,
    frames,
    async stats() {
      const out = [];
      for (const pc of pcs) {
        if (pc.connectionState === 'closed') continue;
        const report = await pc.getStats();
        const entry = { state: pc.connectionState, audio: [], video: [] };
        report.forEach((s) => {
          if (s.type !== 'inbound-rtp') return;
          if (s.kind === 'audio') {
            entry.audio.push({ mid: s.mid, bytes: s.bytesReceived || 0, packets: s.packetsReceived || 0,
              headerBytes: s.headerBytesReceived || 0, concealed: s.concealedSamples || 0, samples: s.totalSamplesReceived || 0 });
          } else {
            entry.video.push({ mid: s.mid, bytes: s.bytesReceived || 0, frames: s.framesDecoded || 0,
              width: s.frameWidth || 0, height: s.frameHeight || 0 });
          }
        });
        out.push(entry);
      }
      return out;
    },
    /**
     * How each live connection reaches its peer: its ICE policy, the selected
     * pair's local and remote candidates, every remote candidate it learned,
     * and the remote description (whose candidates name addresses too).
     */
    async paths() {
      const out = [];
      for (const pc of pcs) {
        if (pc.connectionState === 'closed') continue;
        const report = await pc.getStats();
        const byId = new Map();
        report.forEach((s) => byId.set(s.id, s));
        const cand = (id) => {
          const c = byId.get(id);
          return c ? { type: c.candidateType, address: c.address || c.ip || '', port: c.port } : null;
        };
        let pair = null;
        report.forEach((s) => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = byId.get(s.selectedCandidatePairId); });
        const remotes = [];
        report.forEach((s) => { if (s.type === 'remote-candidate') remotes.push(cand(s.id)); });
        out.push({
          state: pc.connectionState,
          policy: pc.getConfiguration().iceTransportPolicy,
          local: pair ? cand(pair.localCandidateId) : null,
          remote: pair ? cand(pair.remoteCandidateId) : null,
          remotes,
          remoteSdp: pc.remoteDescription ? pc.remoteDescription.sdp : '',
        });
      }
      return out;
    },
    /** What each live connection sends: the device behind every sender's track. */
    senders() {
      return pcs.filter((pc) => pc.connectionState !== 'closed').map((pc) =>
        pc.getSenders().filter((s) => s.track).map((s) => ({ kind: s.track.kind, label: s.track.label,
          device: s.track.getSettings().deviceId, live: s.track.readyState === 'live' })));
    },
  };
})();`;

/**
 * `media: 'allow'` answers camera/microphone prompts with the fake devices;
 * `media: 'deny'` refuses them, as a user clicking "Block" would.
 * `cameras` is how many fake cameras the browser offers (it always offers several microphones);
 * `fps` their frame rate (Chromium's fake camera defaults to 20).
 * `trustSpki`: the base64 SHA-256 of a throwaway certificate's public key (benchmarks over
 * HTTPS), trusted as if a CA had signed it — so pages are cached as on a real site, which
 * Chromium does not do for a certificate error it was told to ignore.
 * `serviceWorkers: 'block'` keeps Sala's service worker out (it fetches and
 * answers the app's files itself, where `page.route` does not see them).
 */
export async function launchBrowser(host, origin, { name = host.ns, media = 'allow', cameras = 1, fps = 20, trustSpki = null, serviceWorkers = 'allow' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sala-chromium-'));
  const wrapper = join(dir, 'chromium-in-ns');
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${host.ns} ${CHROMIUM} "$@"\n`);
  chmodSync(wrapper, 0o755);
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: wrapper,
    headless: true,
    serviceWorkers,
    viewport: { width: 1280, height: 800 },
    args: [
      ...(trustSpki ? [`--ignore-certificate-errors-spki-list=${trustSpki}`] : []),
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--use-fake-device-for-media-stream=device-count=${cameras},fps=${fps}`,
      ...(media === 'allow' ? ['--use-fake-ui-for-media-stream', '--auto-accept-this-tab-capture'] : ['--deny-permission-prompts']),
      '--autoplay-policy=no-user-gesture-required',
      `--unsafely-treat-insecure-origin-as-secure=${origin}`,
    ],
  });
  await context.addInitScript(INSTRUMENT);
  const granted = media === 'allow' ? ['camera', 'microphone'] : [];
  await context.grantPermissions([...granted, 'clipboard-read', 'clipboard-write'], { origin });
  const page = context.pages()[0] || (await context.newPage());
  const consoleLines = [];
  const at = () => `${((Date.now() - T0) / 1000).toFixed(1)}s`;
  page.on('console', (m) => consoleLines.push(`[${name} ${at()}] ${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`[${name} ${at()}] pageerror: ${e.message}`));
  return {
    name,
    page,
    consoleLines,
    stats: () => page.evaluate(() => window.__sala.stats()),
    paths: () => page.evaluate(() => window.__sala.paths()),
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
