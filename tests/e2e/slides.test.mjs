// Slides for thin links: a judge uploads a PDF and presents it; a witness on a
// link cut to 128 kbit/s (tc tbf in the test's own namespaces) — too thin for
// any video, so audio + slides — still follows every page turn, as small still
// images fetched ahead of time. Then the judge shares a screen: the witness,
// whose link takes no video, gets stills of it, while the clerk on a good link
// keeps the live screen video.
//
// Why 128 and not 64 kbit/s as in ladder.test.mjs: media here is a full mesh,
// so the witness sends its audio once per other participant. At 64 kbit/s two
// audio streams with their packet headers, plus the congestion feedback for the
// two it receives, nearly fill its uplink, and its signalling socket starves
// for tens of seconds after the cut (measured; see docs/BENCHMARKS.md).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Session, join } from './lib/session.mjs';
import { waitFor, waitForFlowingMedia } from './lib/wait.mjs';

const THIN_KBIT = 128;
const DECK = fileURLToPath(new URL('../fixtures/deck.pdf', import.meta.url));

let session;

before(async () => {
  session = await Session.start(`${process.pid}s`);
});

after(() => session?.close());

const tierOf = async (b) => {
  const banner = b.page.getByTestId('quality-banner');
  return (await banner.count()) ? banner.getAttribute('data-tier') : 'video_high';
};

/** The slide on `b`'s stage: its page, and its image once decoded. */
const slideOf = (b) => b.page.evaluate(() => {
  const stage = document.querySelector('[data-testid="slide-stage"]');
  const img = stage?.querySelector('img[data-testid="slide"]');
  return stage ? {
    page: Number(stage.dataset.page),
    loaded: Boolean(img && img.complete && img.naturalWidth > 0),
    width: img?.naturalWidth ?? 0,
    src: img?.getAttribute('src') ?? null,
  } : null;
});

/** Bytes of page images `b` fetched so far (Resource Timing; 0 when served from cache). */
const slideBytes = (b) => b.page.evaluate(() => performance.getEntriesByType('resource')
  .filter((e) => e.name.includes('/api/slides/'))
  .reduce((sum, e) => sum + e.encodedBodySize, 0));

test('slides reach a witness on a thin link; a shared screen reaches it as stills', async (t) => {
  const guard = (fn) => session.guard(fn);
  let judge, witness, clerk;

  await t.test('judge, witness and clerk meet; the judge presents a PDF', () => guard(async () => {
    judge = await session.open('judge');
    const links = await session.createMeeting(judge, 'Hearing with exhibits');
    await join(judge, links.host, 'Judge');
    witness = await session.open('witness');
    await join(witness, links.guest, 'Witness');
    clerk = await session.open('clerk');
    await join(clerk, links.guest, 'Clerk');
    await waitForFlowingMedia(judge, 2);

    await judge.page.getByTestId('slides-file').setInputFiles(DECK);
    for (const b of [judge, witness, clerk]) {
      await waitFor(() => slideOf(b), (s) => s?.page === 0 && s.loaded, { timeoutMs: 20000, what: `${b.name} shows page 1` });
    }
    assert.match(await witness.page.getByTestId('slide-stage').innerText(), /Slides from Judge · 1 \/ 3/);
    assert.equal(await witness.page.getByTestId('slide-next').count(), 0, 'only the presenter turns pages');
  }));

  await t.test('on a thin link the witness follows page turns', () => guard(async () => {
    session.net.shape(witness.host, THIN_KBIT);
    await waitFor(() => tierOf(witness), (tier) => tier === 'audio_slides' || tier === 'audio_minimal',
      { timeoutMs: 15000, intervalMs: 100, what: 'witness on audio + slides' });
    // The thin link takes the small rendition of every page, fetched ahead at a paced rate.
    await waitFor(() => slideOf(witness), (s) => s?.loaded && s.width <= 960, { timeoutMs: 20000, what: 'witness on the thin rendition' });
    for (const page of [1, 2]) {
      // The judge turns from the page its own screen shows (the server's
      // echo of the last turn, on the judge's socket).
      await waitFor(() => slideOf(judge), (s) => s?.page === page - 1, { what: `judge on page ${page}` });
      const turned = Date.now();
      await judge.page.getByTestId('slide-next').click();
      await waitFor(() => slideOf(witness), (s) => s?.page === page && s.loaded,
        { timeoutMs: 20000, intervalMs: 100, what: `witness shows page ${page + 1}` });
      t.diagnostic(`page ${page + 1} on the witness's screen ${Date.now() - turned} ms after the turn`);
    }
    t.diagnostic(`witness fetched ${await slideBytes(witness)} bytes of page images in all`);
    // The judge's page turns on the server's echo over its own socket, not the witness's.
    await waitFor(() => judge.page.getByTestId('slide-next').isDisabled(), (d) => d === true,
      { what: "no page after the last, on the judge's page" });
    await judge.page.getByTestId('slide-stop').click();
    for (const b of [judge, witness, clerk]) {
      await waitFor(() => b.page.getByTestId('slide-stage').count(), (n) => n === 0, { what: `${b.name}: presentation over` });
    }
  }));

  await t.test('a shared screen: stills for the thin witness, live video for the clerk', () => guard(async () => {
    await judge.page.getByTestId('share-toggle').click();
    await waitFor(() => witness.page.evaluate(() => {
      const img = document.querySelector('[data-testid="stage"][data-kind="still"] img');
      return Boolean(img && img.complete && img.naturalWidth > 0);
    }), (ok) => ok, { timeoutMs: 30000, intervalMs: 200, what: 'witness shows a still of the screen' }).catch(async (err) => {
      console.error('witness frames:', (await witness.page.evaluate(() => window.__sala.frames)).slice(-40).join(', '));
      console.error('witness sockets:', await witness.page.evaluate(() => window.__sala.sockets.map((w) => w.readyState).join(',')));
      console.error('witness stage:', await witness.page.evaluate(() => document.querySelector('[data-testid="stage"]')?.outerHTML.slice(0, 400)));
      throw err;
    });
    assert.match(await witness.page.getByTestId('stage').innerText(), /still pictures/);
    await clerk.page.locator('[data-testid="stage"][data-kind="video"]').waitFor({ timeout: 15000 });
    // The clerk decodes the screen as video; the witness receives no video at all
    // outside its own downlink's probes up (each ≤ 3 s, then a hold-off of ≥ 4 s):
    // a 2 s window with none must come, while the clerk's video keeps running.
    const frames = async (b) => (await b.stats()).flatMap((s) => s.video).reduce((a, v) => a + v.frames, 0);
    let windows = 0;
    const seen = await waitFor(async () => {
      windows++;
      const [c0, w0] = [await frames(clerk), await frames(witness)];
      await witness.page.waitForTimeout(2000); // measuring interval between two counter readings
      const [c1, w1] = [await frames(clerk), await frames(witness)];
      return { clerk: c1 - c0, witness: w1 - w0 };
    }, (d) => d.clerk > 10 && d.witness === 0, { timeoutMs: 24000, intervalMs: 0, what: 'a 2 s window: live video at the clerk, none at the witness' });
    t.diagnostic(`in 2 s: clerk decoded ${seen.clerk} video frames, witness ${seen.witness} (window ${windows})`);
    await judge.page.getByTestId('share-toggle').click();
    await waitFor(() => witness.page.getByTestId('stage').count(), (n) => n === 0, { what: 'stage gone at the witness' });
    session.net.unshape(witness.host);
  }));

  await t.test('a file that is not a document gets a clear error and nothing is presented', () => guard(async () => {
    await judge.page.getByTestId('slides-file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a deck') });
    await waitFor(() => judge.page.getByTestId('banner').count(), (n) => n === 1, { what: 'upload error banner' });
    assert.match(await judge.page.getByTestId('banner').innerText(), /not a PDF or a picture/);
    assert.equal(await clerk.page.getByTestId('slide-stage').count(), 0);
  }));
});
