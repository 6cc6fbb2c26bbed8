// The public gallery of a hearing, through the real UI. A visitor comes in by
// an observer invitation and is never asked for camera or microphone (the
// page does not call getUserMedia), waits in the lobby, is let in, sees and
// hears the judge (getStats), sends nothing (no byte out; the judge receives
// none), and has no tile anywhere and nothing to switch on. Counsel, moved to
// the gallery by the judge, has every capture stopped (the camera light goes
// off); let take part again, counsel comes back with the microphone off and is
// heard once unmuted. The record names both moves.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Session, join, makeInvite, tileNames } from './lib/session.mjs';
import { totals, waitFor, waitForFlowingMedia } from './lib/wait.mjs';
import { heard } from './lib/audio.mjs';

let session;
let judge;
let links;
let visitor;
let counsel;

before(async () => {
  session = await Session.start(`${process.pid}g`);
  judge = await session.open('judge');
  links = await session.createMeeting(judge, 'Case 44/2026', { kind: 'hearing' });
  await join(judge, links.host, 'Judge');
});

after(() => session?.close());

const captures = (b) => b.page.evaluate(() => window.__sala.captures());
const sentBytes = (b) => b.page.evaluate(() => window.__sala.sentBytes());
const row = (b, name) => b.page.locator(`[data-testid="participant"][data-name="${name}"]`);

/** Knocks with `link` as `name` (the join screen already shown) and waits to be let in by the judge. */
async function knockAndEnter(b, name) {
  await b.page.getByTestId('name-input').fill(name);
  await b.page.getByTestId('join-button').click();
  await b.page.getByTestId('waiting-room').waitFor({ timeout: 15000 });
  await judge.page.locator(`[data-testid="knock"][data-name="${name}"] [data-testid="admit"]`).click({ timeout: 10000 });
  await b.page.getByTestId('room').waitFor({ timeout: 15000 });
}

test('an observer invitation asks for no device, waits, and is let in to watch and listen', () => session.guard(async () => {
  const link = await makeInvite(judge, 'observer', { single: false });
  visitor = await session.open('visitor');
  await visitor.page.goto(link);
  await visitor.page.getByTestId('gallery-note').waitFor({ timeout: 15000 });
  assert.equal(await visitor.page.getByTestId('join-button').innerText(), 'Join to watch and listen');
  assert.equal(await visitor.page.getByTestId('prejoin-mic').count(), 0, 'no microphone toggle');
  assert.equal(await visitor.page.getByTestId('camera-select').count(), 0, 'no camera picker');

  await visitor.page.getByTestId('name-input').fill('Visitor');
  await visitor.page.getByTestId('join-button').click();
  await visitor.page.getByTestId('waiting-room').waitFor({ timeout: 15000 });
  assert.equal(await visitor.page.getByTestId('gallery-note').count(), 1, 'the lobby says so too');
  const knock = judge.page.locator('[data-testid="knock"][data-name="Visitor"]');
  assert.equal(await knock.getAttribute('data-role', { timeout: 10000 }), 'observer');
  await knock.getByTestId('admit').click();
  await visitor.page.getByTestId('room').waitFor({ timeout: 15000 });

  const judgeBefore = totals(await judge.stats());
  await waitForFlowingMedia(visitor, 1);
  // The judge's side of the connection, on the judge's page.
  const judgeAfter = await waitFor(async () => totals(await judge.stats()), (tot) => tot.connected === 1,
    { what: 'the judge connected to the visitor' });
  assert.equal(judgeAfter.connected, 1, 'the judge is connected to the visitor');
  assert.deepEqual([judgeBefore.audioBytes, judgeAfter.audioBytes], [0, 0], 'the judge receives no audio from the gallery');
  assert.deepEqual([judgeBefore.videoFrames, judgeAfter.videoFrames], [0, 0], 'nor video');
  assert.equal(await sentBytes(visitor), 0, 'the visitor sent no media byte');
  assert.deepEqual(await captures(visitor), { asked: 0, live: [] }, 'camera and microphone never asked for');

  assert.deepEqual(await tileNames(visitor), ['Judge'], 'the visitor sees the judge and has no tile of its own');
  assert.deepEqual(await tileNames(judge), ['Judge'], 'the gallery has no tile at the judge');
  for (const control of ['mic-toggle', 'camera-toggle', 'share-toggle', 'present-slides', 'banner']) {
    assert.equal(await visitor.page.getByTestId(control).count(), 0, `no ${control} in the gallery`);
  }
  await judge.page.getByTestId('list-toggle').click();
  assert.equal(await row(judge, 'Visitor').getByTestId('role-tag').innerText(), 'Observer');
  assert.equal(await row(judge, 'Visitor').getByTestId('hold-mic').count(), 0, 'nothing to mute in the gallery');
}));

test('counsel moved to the gallery stops every capture; let take part, is heard once unmuted', () => session.guard(async () => {
  counsel = await session.open('counsel');
  await counsel.page.goto(links.guest);
  await counsel.page.getByTestId('prejoin-mic').waitFor({ timeout: 15000 });
  await knockAndEnter(counsel, 'Counsel');
  await waitFor(() => captures(counsel), (c) => c.live.join() === 'audio,video', { what: "counsel's camera and microphone live" });
  await waitFor(async () => totals(await judge.stats()).perPeer, (p) => p.some((x) => x.frames > 0 && x.audioBytes > 0),
    { what: "the judge receives counsel's media" });

  await row(judge, 'Counsel').getByTestId('gallery-toggle').click();
  await waitFor(() => captures(counsel), (c) => c.live.length === 0, { what: "every one of counsel's tracks stopped" });
  await counsel.page.getByTestId('mic-toggle').waitFor({ state: 'detached' });
  await waitFor(() => tileNames(judge), (n) => n.join() === 'Judge', { what: "counsel's tile gone at the judge" });
  const senders = await counsel.page.evaluate(() => window.__sala.senders());
  assert.ok(senders.every((list) => list.length === 0), `counsel sends no track: ${JSON.stringify(senders)}`);

  await row(judge, 'Counsel').getByTestId('gallery-toggle').click();
  const mic = counsel.page.getByTestId('mic-toggle');
  await mic.waitFor({ timeout: 15000 });
  await waitFor(() => captures(counsel), (c) => c.live.join() === 'audio', { what: "counsel's microphone opened again, camera not" });
  assert.equal(await mic.getAttribute('aria-pressed'), 'false', 'back with the microphone off');
  await waitFor(() => tileNames(judge), (n) => n.join() === 'Counsel,Judge', { what: "counsel's tile back at the judge" });
  await mic.click();
  const h = await waitFor(() => heard(judge, 'Counsel'), (x) => x.enabled && x.peak > 0.01, { what: 'the judge hears counsel', timeoutMs: 15000 });
  assert.ok(h.peak > 0.01);

  const id = new URL(links.guest).pathname.split('/').pop();
  const { bin, dataDir } = session.server;
  const record = execFileSync(bin, ['--data-dir', dataDir, 'record', 'export', id], { encoding: 'utf8' });
  assert.match(record, /Chain whole: \d+ entries/);
  assert.match(record, /participant 1 made Counsel \(participant 3\) observer \(was participant\)/);
  assert.match(record, /participant 1 made Counsel \(participant 3\) participant \(was observer\)/);
}));
