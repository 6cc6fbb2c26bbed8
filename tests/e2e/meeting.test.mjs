// A meeting between three real browsers, each in its own network namespace,
// driven through the real UI against the real server. Media is asserted from
// getStats() counters, never assumed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Session, join, tileNames } from './lib/session.mjs';
import { totals, waitFor, waitForFlowingMedia } from './lib/wait.mjs';

let session;

before(async () => {
  session = await Session.start();
});

after(() => session?.close());

const open = (name) => session.open(name);

test('three browsers meet, share a screen and leave', async (t) => {
  const guard = (fn) => session.guard(fn);
  let host, guest, third, hostLink, guestLink;

  await t.test('host creates a meeting and gets a host link and a guest link', () => guard(async () => {
    host = await open('host');
    ({ host: hostLink, guest: guestLink } = await session.createMeeting(host, 'Weekly cabinet meeting'));
    assert.match(guestLink, /\/m\/[a-z2-7]{26}$/);
    assert.equal(hostLink, `${guestLink.split('#')[0]}#host=${hostLink.split('#host=')[1]}`);
    assert.match(hostLink, /#host=[a-z2-7]{26}$/);
  }));

  await t.test('host and guest join and receive each other\'s audio and video', () => guard(async () => {
    await join(host, hostLink, 'Host Sokha');
    assert.equal(await host.page.getByTestId('meeting-title').count(), 0);
    guest = await open('guest');
    await join(guest, guestLink, 'Guest Dara');
    await waitForFlowingMedia(host, 1);
    await waitForFlowingMedia(guest, 1);
    await waitFor(() => tileNames(host), (n) => n.length === 2, { what: 'two tiles at host' });
    assert.deepEqual(await tileNames(guest), ['Guest Dara', 'Host Sokha']);
  }));

  await t.test('a third joins and all three see and hear each other', () => guard(async () => {
    third = await open('third');
    await join(third, guestLink, 'Third Vanna');
    for (const b of [host, guest, third]) {
      await waitForFlowingMedia(b, 2);
      await waitFor(() => tileNames(b), (n) => n.length === 3, { what: `three tiles at ${b.name}` });
    }
  }));

  await t.test('mute and camera off show on the others\' tiles', () => guard(async () => {
    await guest.page.getByTestId('mic-toggle').click();
    await guest.page.getByTestId('camera-toggle').click();
    const guestTile = host.page.locator('[data-testid="tile"][data-name="Guest Dara"]');
    await guestTile.getByTestId('tile-muted').waitFor({ timeout: 10000 });
    await waitFor(() => guestTile.locator('video').count(), (n) => n === 0, { what: 'guest tile shows no video' });
    await guest.page.getByTestId('mic-toggle').click();
    await guest.page.getByTestId('camera-toggle').click();
    await waitFor(() => guestTile.getByTestId('tile-muted').count(), (n) => n === 0, { what: 'guest unmuted at host' });
    await waitFor(() => guestTile.locator('video').count(), (n) => n === 1, { what: 'guest video back at host' });
  }));

  await t.test('a shared screen reaches the others as its own video', () => guard(async () => {
    const before = await Promise.all([guest, third].map(async (b) => (await b.stats()).flatMap((s) => s.video).length));
    await host.page.getByTestId('share-toggle').click();
    await host.page.getByTestId('stage').waitFor({ timeout: 10000 });
    for (const [i, b] of [guest, third].entries()) {
      await b.page.getByTestId('stage').waitFor({ timeout: 15000 });
      await waitFor(
        async () => (await b.stats()).flatMap((s) => s.video),
        (videos) => videos.length > before[i] && videos.filter((v) => v.frames > 0).length > before[i],
        { what: `${b.name} decodes the screen share` },
      );
    }
    await host.page.getByTestId('share-toggle').click();
    await waitFor(() => guest.page.getByTestId('stage').count(), (n) => n === 0, { what: 'stage gone at guest' });
  }));

  await t.test('a dropped signaling socket reconnects without dropping media', () => guard(async () => {
    const pcsBefore = await guest.page.evaluate(() => window.__sala.pcs.length);
    const audioBefore = totals(await guest.stats()).audioBytes;
    await guest.page.evaluate(() => window.__sala.sockets.at(-1).close());
    await waitFor(() => guest.page.evaluate(() => window.__sala.sockets.length), (n) => n >= 2, { what: 'a new socket' });
    await waitFor(() => guest.page.getByTestId('banner').count(), (n) => n === 0, { what: 'reconnected banner gone' });
    await waitForFlowingMedia(guest, 2);
    assert.equal(await guest.page.evaluate(() => window.__sala.pcs.length), pcsBefore, 'no new peer connection');
    assert.ok(totals(await guest.stats()).audioBytes > audioBefore);
    // The others never saw the guest leave.
    assert.equal((await tileNames(host)).length, 3);
  }));

  await t.test('one leaves and the others\' rooms update', () => guard(async () => {
    await third.page.getByTestId('leave').click();
    await third.page.getByTestId('call-ended').waitFor();
    for (const b of [host, guest]) {
      await waitFor(() => tileNames(b), (n) => n.length === 2 && !n.includes('Third Vanna'), { what: `${b.name} sees third leave` });
      await waitFor(async () => totals(await b.stats()).connected, (n) => n === 1, { what: `${b.name} has one connection` });
    }
    const tracksLive = await third.page.evaluate(() => window.__sala.pcs.every((pc) => pc.connectionState === 'closed'));
    assert.ok(tracksLive, 'the leaver closed its peer connections');
  }));
});
