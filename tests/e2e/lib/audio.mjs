// What a browser actually plays, measured through Web Audio.

/**
 * The loudest sample, over 1.5 s, of what `b` plays for `name`'s tile: the
 * very track its <audio> element plays, through Web Audio. The fake
 * microphone beeps about once a second.
 */
export function heard(b, name) {
  return b.page.evaluate(async (who) => {
    const el = document.querySelector(`[data-testid="tile"][data-name="${who}"] audio`);
    const track = el?.srcObject?.getAudioTracks()[0];
    if (!track) return { peak: -1 };
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 2048;
    ctx.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const buf = new Float32Array(analyser.fftSize);
    let peak = 0;
    for (let i = 0; i < 30; i++) {
      await new Promise((r) => setTimeout(r, 50));
      analyser.getFloatTimeDomainData(buf);
      for (const v of buf) peak = Math.max(peak, Math.abs(v));
    }
    await ctx.close();
    return { peak, enabled: track.enabled };
  }, name);
}
