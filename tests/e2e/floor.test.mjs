// Who has the floor, through the real UI: hands go up in order and the host
// lowers them; the host mutes a participant, and even when that
// participant's client is modified to send its microphone anyway, the others
// hear nothing of it (its audio still arrives, per getStats, and plays as
// silence); released, it is heard again; the host stops a camera; mute
// everyone; the record names each step.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Session, join } from './lib/session.mjs';
import { totals, waitFor, waitForFlowingMedia } from './lib/wait.mjs';
import { heard } from './lib/audio.mjs';

let session;
let host;
let links;
let dara;
let sokha;

before(async () => {
  session = await Session.start(`${process.pid}f`);
  host = await session.open('host');
  links = await session.createMeeting(host, 'Provincial briefing');
  await join(host, links.host, 'Chair');
  dara = await session.open('dara');
  await join(dara, links.guest, 'Dara');
  sokha = await session.open('sokha');
  await join(sokha, links.guest, 'Sokha');
  await waitForFlowingMedia(host, 2, { video: 'some' });
  await host.page.getByTestId('list-toggle').click();
});

after(() => session?.close());

const row = (b, name) => b.page.locator(`[data-testid="participant"][data-name="${name}"]`);

/** Audio bytes `b` has received over all its connections. */
async function audioBytes(b) {
  return totals(await b.stats()).audioBytes;
}

test('hands go up in order; the host lowers one and the queue moves up', () => session.guard(async () => {
  await dara.page.getByTestId('hand-toggle').click();
  await waitFor(() => row(host, 'Dara').getByTestId('hand').count(), (n) => n === 1, { what: "Dara's hand at the host" });
  await sokha.page.getByTestId('hand-toggle').click();
  await waitFor(async () => [await row(host, 'Dara').getByTestId('hand').innerText(), await row(host, 'Sokha').getByTestId('hand').count() && await row(host, 'Sokha').getByTestId('hand').innerText()],
    (v) => v[0] === '1' && v[1] === '2', { what: 'Dara first, Sokha second' });
  // Everyone sees the order on the tiles.
  await waitFor(() => dara.page.locator('[data-testid="tile"][data-name="Sokha"] [data-testid="tile-hand"]').innerText().catch(() => ''),
    (t) => t === '2', { what: "Sokha's place on Dara's screen" });
  await row(host, 'Dara').getByTestId('lower-hand').click();
  await waitFor(() => row(host, 'Sokha').getByTestId('hand').innerText(), (t) => t === '1', { what: 'Sokha moved up' });
  assert.equal(await row(host, 'Dara').getByTestId('hand').count(), 0);
  // Dara's own page learns it from its own socket: wait there too.
  await waitFor(() => dara.page.getByTestId('hand-toggle').getAttribute('aria-pressed'), (p) => p === 'false',
    { what: "Dara's hand down on Dara's page" });
  await sokha.page.getByTestId('hand-toggle').click();
  await waitFor(() => row(host, 'Sokha').getByTestId('hand').count(), (n) => n === 0, { what: "Sokha's hand down" });
}));

test('a muted participant is not heard, even from a client modified to send anyway; released, heard again', () => session.guard(async () => {
  const before = await waitFor(() => heard(host, 'Sokha'), (h) => h.peak > 0.01, { what: 'Sokha heard at the host', timeoutMs: 15000 });
  assert.ok(before.enabled);

  await row(host, 'Sokha').getByTestId('hold-mic').click();
  await sokha.page.getByText('The host muted you').waitFor();
  assert.ok(await sokha.page.getByTestId('mic-toggle').isDisabled(), "Sokha's own unmute is locked");
  await row(host, 'Sokha').getByTestId('held-tag').waitFor();
  // A modified client turns its microphone back on behind the app's back.
  const forced = await sokha.page.evaluate(() => {
    let n = 0;
    for (const pc of window.__sala.pcs) {
      for (const s of pc.getSenders()) if (s.track?.kind === 'audio') { s.track.enabled = true; n++; }
    }
    return n;
  });
  assert.equal(forced, 2, 'both of Sokha\'s connections send its microphone again');
  // Its audio still reaches the others…
  const bytes0 = await audioBytes(host);
  await waitFor(() => audioBytes(host), (b) => b > bytes0 + 2000, { what: 'audio still arriving at the host' });
  // …and plays as silence, at the host and at Dara. Each page learns of the
  // hold from its own socket: wait on that page until it has disabled the
  // track, then measure afresh (a window that began before would hold sound).
  for (const b of [host, dara]) {
    await waitFor(() => heard(b, 'Sokha'), (x) => x.enabled === false, { what: `${b.name}: Sokha's track disabled` });
    const h = await heard(b, 'Sokha');
    assert.equal(h.enabled, false, `${b.name} plays Sokha's track disabled`);
    assert.equal(h.peak, 0, `${b.name} hears nothing of Sokha`);
  }
  // Dara, not muted, is still heard.
  assert.ok((await waitFor(() => heard(host, 'Dara'), (h) => h.peak > 0.01, { what: 'Dara heard', timeoutMs: 15000 })).enabled);

  await row(host, 'Sokha').getByTestId('hold-mic').click();
  await row(host, 'Sokha').getByTestId('held-tag').waitFor({ state: 'detached' });
  await waitFor(() => sokha.page.getByTestId('mic-toggle').isDisabled(), (d) => !d, { what: "Sokha's unmute unlocked" });
  await sokha.page.getByTestId('mic-toggle').click();
  await waitFor(() => heard(dara, 'Sokha'), (h) => h.enabled && h.peak > 0.01, { what: 'Sokha heard again at Dara', timeoutMs: 15000 });
}));

test('chat reaches everyone in order, keeps lines, and a newcomer finds the history', () => session.guard(async () => {
  for (const b of [host, dara]) await b.page.getByTestId('chat-toggle').click();
  await dara.page.getByTestId('chat-input').fill('Can everyone hear me?');
  await dara.page.getByTestId('chat-input').press('Enter');
  await host.page.getByTestId('chat-input').fill('Yes.');
  await host.page.getByTestId('chat-input').press('Shift+Enter');
  await host.page.getByTestId('chat-input').pressSequentially('Please go on.');
  await host.page.getByTestId('chat-send').click();
  const texts = (b) => b.page.locator('[data-testid="chat-message"] .chat-text').allInnerTexts();
  const expected = ['Can everyone hear me?', 'Yes.\nPlease go on.'];
  for (const b of [host, dara]) {
    await waitFor(() => texts(b), (t) => t.length === 2, { what: `${b.name}: two messages` });
    assert.deepEqual(await texts(b), expected);
  }
  assert.equal(await dara.page.getByTestId('chat-input').inputValue(), '', 'the box empties once sent');
  const late = await session.open('late');
  await join(late, links.guest, 'Late');
  await late.page.getByTestId('chat-toggle').click();
  assert.deepEqual(await texts(late), expected);
  await late.page.getByTestId('leave').click();
  // Closed only once the room has seen it leave (an unsent Leave keeps its place for the resume grace).
  await waitFor(() => host.page.getByTestId('tile').evaluateAll((els) => els.map((e) => e.dataset.name)),
    (names) => !names.includes('Late'), { what: 'Late gone from the room' });
  await session.dismiss(late);
  await host.page.getByTestId('list-toggle').click();
}));

test('the host stops a camera and mutes everyone; the record names it all', () => session.guard(async () => {
  await row(host, 'Dara').getByTestId('hold-camera').click();
  await dara.page.getByText('The host stopped your camera').waitFor();
  assert.equal(await dara.page.getByTestId('camera-toggle').getAttribute('aria-pressed'), 'false');
  await waitFor(() => sokha.page.locator('[data-testid="tile"][data-name="Dara"] video').count(), (n) => n === 0,
    { what: "Dara's picture gone at Sokha" });

  await host.page.getByTestId('mute-all').click();
  for (const b of [dara, sokha]) {
    await b.page.getByText('The host muted you').waitFor();
  }
  assert.equal(await host.page.getByTestId('mic-toggle').isDisabled(), false, 'the host is not muted');

  const id = new URL(links.guest).pathname.split('/').pop();
  const { bin, dataDir } = session.server;
  const record = execFileSync(bin, ['--data-dir', dataDir, 'record', 'export', id], { encoding: 'utf8' });
  assert.match(record, /Chain whole: \d+ entries/);
  for (const line of [
    /Dara \(participant 2\) raised their hand/,
    /Sokha \(participant 3\) raised their hand/,
    /participant 1 lowered the hand of Dara \(participant 2\)/,
    /Sokha \(participant 3\) lowered their hand/,
    /participant 1 muted Sokha \(participant 3\)/,
    /participant 1 let speak and show again Sokha \(participant 3\)/,
    /participant 1 stopped the camera of Dara \(participant 2\)/,
    /participant 1 muted everyone/,
    /Dara \(participant 2\) said: Can everyone hear me\?/,
  ]) {
    assert.match(record, line);
  }
}));

test('a message sent into a silently dead socket arrives once the socket is replaced, and only once', () => session.guard(async () => {
  // Dara's socket stays open but carries nothing out: a link that died
  // without a close (the page does not know yet).
  const sockets0 = await dara.page.evaluate(() => {
    const ws = window.__sala.sockets.at(-1);
    ws.send = () => {};
    return window.__sala.sockets.length;
  });
  const said = 'Said while cut off';
  const openChat = async (b) => {
    if (await b.page.getByTestId('chat-input').count() === 0) await b.page.getByTestId('chat-toggle').click();
  };
  await openChat(dara);
  await dara.page.getByTestId('chat-input').fill(said);
  await dara.page.getByTestId('chat-input').press('Enter');
  // The page gives up on the silent socket (heartbeat timeout) or the server
  // drops it, then it resumes on a new one and sends what was not acknowledged.
  await waitFor(() => dara.page.evaluate(() => window.__sala.sockets.length), (n) => n > sockets0,
    { what: "Dara's new socket", timeoutMs: 45000, intervalMs: 500 });
  await openChat(host);
  const texts = (b) => b.page.locator('[data-testid="chat-message"] .chat-text').allInnerTexts();
  await waitFor(() => texts(host), (t) => t.includes(said), { what: 'the message at the host', timeoutMs: 20000 });
  assert.equal((await texts(host)).filter((t) => t === said).length, 1, 'shown once');
  await waitFor(() => texts(dara), (t) => t.includes(said), { what: 'the message back at Dara' });
  assert.equal((await texts(dara)).filter((t) => t === said).length, 1, 'shown once at Dara too');

  const id = new URL(links.guest).pathname.split('/').pop();
  const { bin, dataDir } = session.server;
  const record = execFileSync(bin, ['--data-dir', dataDir, 'record', 'export', id], { encoding: 'utf8' });
  assert.equal(record.split('\n').filter((l) => l.includes(`Dara (participant 2) said: ${said}`)).length, 1, 'recorded once');
  assert.match(record, /Dara \(participant 2\) reconnected/);
}));
