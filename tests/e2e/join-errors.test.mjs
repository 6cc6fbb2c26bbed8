// What people see when joining goes wrong, through the real UI and server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestNet } from './lib/net.mjs';
import { startServer } from './lib/server.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { totals, waitFor, waitForFlowingMedia } from './lib/wait.mjs';

let net;
let server;
const browsers = [];

before(async () => {
  net = new TestNet(`${process.pid}e`);
  server = await startServer(net);
});

after(async () => {
  for (const b of browsers) await b.close().catch(() => {});
  await server?.stop();
  net?.destroy();
});

async function createMeeting(b, title) {
  await b.page.goto(`${server.url}/`);
  await b.page.getByTestId('title-input').fill(title);
  await b.page.getByTestId('create-button').click();
  return {
    host: await b.page.getByTestId('host-link').inputValue(),
    guest: await b.page.getByTestId('guest-link').inputValue(),
  };
}

test('a link to a meeting that does not exist says so and joins nothing', async () => {
  const b = await launchBrowser(net.addHost(), server.url, { name: 'lost' });
  browsers.push(b);
  for (const path of [`/m/${'a'.repeat(26)}`, '/m/not-a-meeting-id']) {
    await b.page.goto(`${server.url}${path}`);
    await b.page.getByTestId('meeting-error').waitFor();
    assert.match(await b.page.getByTestId('meeting-error').innerText(), /does not exist or has ended/);
    assert.equal(await b.page.getByTestId('name-input').count(), 0);
  }
  assert.equal(await b.page.evaluate(() => window.__sala.sockets.length), 0, 'no signaling for a dead link');
});

test('a tampered host key is refused with its own message', async () => {
  const b = await launchBrowser(net.addHost(), server.url, { name: 'forger' });
  browsers.push(b);
  const links = await createMeeting(b, 'Hearing');
  await b.page.goto(`${links.guest}#host=${'b'.repeat(26)}`);
  await b.page.getByTestId('name-input').fill('Mallory');
  await b.page.getByTestId('join-button').click();
  await b.page.getByTestId('call-ended').waitFor({ timeout: 10000 });
  assert.match(await b.page.getByTestId('call-ended').innerText(), /host link is not valid/);
});

test('someone who blocks camera and microphone is told why and can still join and listen', async () => {
  const host = await launchBrowser(net.addHost(), server.url, { name: 'host' });
  const blocked = await launchBrowser(net.addHost(), server.url, { name: 'blocked', media: 'deny' });
  browsers.push(host, blocked);
  const links = await createMeeting(host, 'Witness abroad');
  await host.page.goto(links.host);
  await host.page.getByTestId('name-input').fill('Judge');
  await host.page.getByTestId('join-button').click();
  await host.page.getByTestId('room').waitFor();

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
