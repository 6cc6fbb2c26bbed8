// Bounded waiting on an observable condition: polls `probe` until `accept`
// holds or the deadline passes, then fails with the last value seen.
export async function waitFor(probe, accept, { timeoutMs = 20000, intervalMs = 250, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (let i = 0; Date.now() < deadline && i < 10000; i++) {
    last = await probe();
    if (accept(last)) return last;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

/** Sums the inbound counters of every live peer connection of a browser. */
export function totals(stats) {
  const sum = (list, key) => list.reduce((a, s) => a + s[key], 0);
  return {
    connected: stats.filter((s) => s.state === 'connected').length,
    audioBytes: sum(stats.flatMap((s) => s.audio), 'bytes'),
    videoFrames: sum(stats.flatMap((s) => s.video), 'frames'),
    perPeer: stats.map((s) => ({
      state: s.state,
      audioBytes: sum(s.audio, 'bytes'),
      // Summed: a connection also keeps the frozen receiver of a screen share that ended.
      frames: sum(s.video, 'frames'),
    })),
  };
}

/**
 * Waits until every one of `expectPeers` connections of `browser` receives audio and
 * decodes video, and both keep rising between two samples. With `video: 'some'`,
 * video need only keep rising somewhere: the quality ladder may have paused it on a
 * connection whose receiver is overloaded (six browsers on two cores do that).
 * "Rising" is bounded as long as "arriving" unless told: on a loaded machine one
 * `getStats()` round over five connections can take seconds.
 */
export async function waitForFlowingMedia(browser, expectPeers, { timeoutMs = 30000, video = 'every', risingMs = timeoutMs } = {}) {
  const first = await waitFor(
    async () => totals(await browser.stats()),
    (t) => t.connected === expectPeers && t.perPeer.every((p) => p.audioBytes > 0 && p.frames > 0),
    { timeoutMs, what: `${browser.name}: audio and video from ${expectPeers} peers` },
  );
  // What did not rise, named in the failure: which connection, audio or video.
  const stalled = (t) => [
    ...(t.perPeer.length === first.perPeer.length ? [] : [`${t.perPeer.length} connections, not ${first.perPeer.length}`]),
    ...t.perPeer.flatMap((p, i) => [
      ...(p.audioBytes > (first.perPeer[i]?.audioBytes ?? Infinity) ? [] : [`audio of connection ${i}`]),
      ...(video === 'some' || p.frames > (first.perPeer[i]?.frames ?? Infinity) ? [] : [`video of connection ${i}`]),
    ]),
    ...(video === 'some' && t.videoFrames <= first.videoFrames ? ['video on every connection'] : []),
  ];
  return waitFor(
    async () => {
      const t = totals(await browser.stats());
      return { ...t, stalled: stalled(t) };
    },
    (t) => t.stalled.length === 0,
    { timeoutMs: risingMs, what: `${browser.name}: media still rising since ${JSON.stringify(first.perPeer)}` },
  );
}
