// What people see when joining goes wrong, through the real UI and server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Session, join } from './lib/session.mjs';
import { totals, waitFor, waitForFlowingMedia } from './lib/wait.mjs';

let session;

before(async () => {
  session = await Session.start(`${process.pid}e`);
});

after(() => session?.close());

test('a link to a meeting that does not exist says so and joins nothing', async () => {
  const b = await session.open('lost');
  for (const path of [`/m/${'a'.repeat(26)}`, '/m/not-a-meeting-id']) {
    await b.page.goto(`${session.url}${path}`);
    await b.page.getByTestId('meeting-error').waitFor();
    assert.match(await b.page.getByTestId('meeting-error').innerText(), /does not exist or has ended/);
    assert.equal(await b.page.getByTestId('name-input').count(), 0);
  }
  assert.equal(await b.page.evaluate(() => window.__sala.sockets.length), 0, 'no signaling for a dead link');
});

test('a tampered host key is refused with its own message', async () => {
  const b = await session.open('forger');
  const links = await session.createMeeting(b, 'Hearing');
  await b.page.goto(`${links.guest}#host=${'b'.repeat(26)}`);
  await b.page.getByTestId('name-input').fill('Mallory');
  await b.page.getByTestId('join-button').click();
  await b.page.getByTestId('call-ended').waitFor({ timeout: 10000 });
  assert.match(await b.page.getByTestId('call-ended').innerText(), /host link is not valid/);
});

test('someone who blocks camera and microphone is told why and can still join and listen', async () => {
  const host = await session.open('host');
  const blocked = await session.open('blocked', { media: 'deny' });
  const links = await session.createMeeting(host, 'Witness abroad');
  await join(host, links.host, 'Judge');

  await blocked.page.goto(links.guest);
  await blocked.page.getByTestId('media-error').waitFor({ timeout: 10000 });
  assert.match(await blocked.page.getByTestId('media-error').innerText(), /not allowed to use your camera or microphone/);
  await blocked.page.getByTestId('name-input').fill('Witness');
  await blocked.page.getByTestId('join-button').click();
  await blocked.page.getByTestId('room').waitFor();

  // The blocked participant hears and sees the host...
  await waitForFlowingMedia(blocked, 1);
  // ...and the host sees them listed with microphone and camera off.
  const tile = host.page.locator('[data-testid="tile"][data-name="Witness"]');
  await tile.getByTestId('tile-muted').waitFor({ timeout: 15000 });
  assert.equal(await tile.locator('video').count(), 0);
  await waitFor(async () => totals(await host.stats()).connected, (n) => n === 1, { what: 'host connected to the witness' });
});
