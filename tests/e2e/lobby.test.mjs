// The lobby and the witness flow of a hearing, through the real UI: everyone
// but the judge waits outside and gets nothing of the room; the judge sees
// who knocks (name, role, link quality) and lets in, turns away or lets
// everyone in; someone leaves while waiting; the witness is called in, heard,
// sworn (an affirmation, read in Khmer), excused back out (its media
// connections closed) and called again; the
// hearing ends on someone still waiting. The record names every step.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Session, join } from './lib/session.mjs';
import { inNs } from './lib/net.mjs';
import { totals, waitFor, waitForFlowingMedia } from './lib/wait.mjs';

let session;
let judge;
let links;
let counsel;
let witness;

before(async () => {
  session = await Session.start(`${process.pid}l`);
  judge = await session.open('judge');
  links = await session.createMeeting(judge, 'Case 31/2026', { kind: 'hearing' });
  // The host does not wait.
  await join(judge, links.host, 'Judge');
});

after(() => session?.close());

/** Opens `link` in a fresh browser, joins, and waits for the lobby screen. */
async function knock(name, link = links.guest) {
  const b = await session.open(name);
  await b.page.goto(link);
  await b.page.getByTestId('name-input').fill(name);
  await b.page.getByTestId('join-button').click();
  await b.page.getByTestId('waiting-room').waitFor({ timeout: 15000 });
  return b;
}

const knockRow = (name) => judge.page.locator(`[data-testid="knock"][data-name="${name}"]`);

/** Live peer connections a browser holds. */
async function liveConnections(b) {
  return b.page.evaluate(() => window.__sala.pcs.filter((pc) => pc.connectionState !== 'closed').length);
}

async function ended(b) {
  await b.page.getByTestId('call-ended').waitFor({ timeout: 20000 });
  return b.page.getByTestId('call-ended').innerText();
}

test('a guest waits with nothing of the room; the judge sees who and how well connected, and lets them in', () => session.guard(async () => {
  counsel = await knock('Counsel');
  assert.match(await counsel.page.getByTestId('waiting-hint').innerText(), /The host knows you are here/);
  await knockRow('Counsel').waitFor({ timeout: 10000 });
  // The heartbeat's round trip reaches the judge as a link quality (loopback: good).
  await waitFor(() => knockRow('Counsel').getByTestId('knock-link').getAttribute('data-link'), (l) => l === 'good',
    { what: "the waiting guest's link quality", timeoutMs: 15000 });
  // Nothing of the room reaches the lobby: no roster, no tiles, no media connection.
  assert.equal(await counsel.page.getByTestId('tile').count(), 0);
  assert.equal(await counsel.page.getByTestId('participant-list').count(), 0);
  assert.equal(await liveConnections(counsel), 0);
  const seen = await counsel.page.evaluate(() => window.__sala.frames.map((f) => f.split(' ')[1]));
  for (const type of ['peer_joined', 'peer_media', 'signal', 'presentation']) {
    assert.ok(!seen.includes(type), `a waiting client got a ${type} message`);
  }
  assert.equal(await liveConnections(judge), 0, 'the judge has no connection to a waiting guest');

  await knockRow('Counsel').getByTestId('admit').click();
  await counsel.page.getByTestId('room').waitFor({ timeout: 15000 });
  await knockRow('Counsel').waitFor({ state: 'detached' });
  await waitForFlowingMedia(counsel, 1);
  await waitForFlowingMedia(judge, 1);
}));

test('let everyone in skips the witness; a guest is turned away; another leaves while waiting', () => session.guard(async () => {
  const witnessLink = await makeInvite('witness');
  witness = await knock('Witness', witnessLink);
  assert.match(await witness.page.getByTestId('waiting-hint').innerText(), /You are a witness/);
  const press = await knock('Press');
  const clerk = await knock('Public');
  await waitFor(() => judge.page.getByTestId('knock').count(), (n) => n === 3, { what: 'three knocking' });
  assert.equal(await knockRow('Witness').getByTestId('admit').innerText(), 'Call in');
  assert.equal(await knockRow('Press').getByTestId('admit').innerText(), 'Let in');
  await judge.page.getByTestId('admit-all').click();
  await press.page.getByTestId('room').waitFor({ timeout: 15000 });
  await clerk.page.getByTestId('room').waitFor({ timeout: 15000 });
  await waitFor(() => judge.page.getByTestId('knock').count(), (n) => n === 1, { what: 'only the witness still waiting' });
  assert.equal(await witness.page.getByTestId('waiting-room').count(), 1, 'the witness still waits');
  // Four in the room on two cores is plenty: the two guests go. Their
  // browsers close only once the room has seen them leave: a browser closed
  // with its Leave unsent keeps its place for the resume grace, and the
  // witness called next would offer to it.
  for (const b of [press, clerk]) await b.page.getByTestId('leave').click();
  await waitFor(() => judge.page.getByTestId('tile').evaluateAll((els) => els.map((e) => e.dataset.name)),
    (names) => !names.includes('Press') && !names.includes('Public'), { what: 'the two guests gone from the room' });
  for (const b of [press, clerk]) await session.dismiss(b);

  const intruder = await knock('Intruder');
  await knockRow('Intruder').getByTestId('deny').click();
  assert.match(await ended(intruder), /did not let you in/);
  await knockRow('Intruder').waitFor({ state: 'detached' });

  const leaver = await knock('Leaver');
  await knockRow('Leaver').waitFor();
  await leaver.page.getByTestId('waiting-leave').click();
  await knockRow('Leaver').waitFor({ state: 'detached', timeout: 10000 });
  for (const b of [intruder, leaver]) await session.dismiss(b);
}));

test('a guest who turns its microphone off while cut off is let in muted and connects', () => session.guard(async () => {
  const returner = await knock('Returner');
  await knockRow('Returner').waitFor();
  // Its socket closes and no new one can open (every new connection's
  // first packet is dropped): the change waits, unsent, for the next socket.
  const ns = returner.host.ns;
  inNs(ns, 'nft', 'add table inet hold; add chain inet hold out { type filter hook output priority 0; }; '
    + 'add rule inet hold out tcp flags & (syn | ack) == syn drop');
  try {
    await returner.page.evaluate(() => window.__sala.sockets.at(-1).close());
    await returner.page.getByTestId('waiting-reconnecting').waitFor({ timeout: 10000 });
    await returner.page.getByTestId('waiting-mic').click();
  } finally {
    inNs(ns, 'nft', 'delete table inet hold');
  }
  await returner.page.getByTestId('waiting-reconnecting').waitFor({ state: 'detached', timeout: 20000 });
  await knockRow('Returner').getByTestId('admit').click();
  await returner.page.getByTestId('room').waitFor({ timeout: 15000 });
  // The judge sees it as it is (muted), and what it sends after reaches the
  // room in order: its offers connect it to both.
  await judge.page.locator('[data-testid="tile"][data-name="Returner"]').getByTestId('tile-muted').waitFor({ timeout: 15000 });
  await waitForFlowingMedia(returner, 2, { video: 'some' });
  await returner.page.getByTestId('leave').click();
  await waitFor(() => judge.page.getByTestId('tile').evaluateAll((els) => els.map((e) => e.dataset.name)),
    (names) => !names.includes('Returner'), { what: 'the returner gone from the room' });
  await session.dismiss(returner);
}));

test('the witness is called in and heard, affirms in Khmer, is excused back out with nothing left open, and called again', () => session.guard(async () => {
  await knockRow('Witness').getByTestId('admit').click();
  await witness.page.getByTestId('room').waitFor({ timeout: 15000 });
  // Two in the room besides the witness: the judge and counsel.
  await waitForFlowingMedia(witness, 2, { video: 'some' });

  // The oath: the witness reads it in Khmer and chooses to affirm.
  await judge.page.getByTestId('list-toggle').click();
  const witnessRow = judge.page.locator('[data-testid="participant"][data-name="Witness"]');
  await witnessRow.getByTestId('ask-oath').click();
  await witness.page.getByTestId('oath-dialog').waitFor();
  await witnessRow.getByTestId('oath-pending').waitFor();
  await witness.page.locator('.lang-switch button[lang="km"]').click();
  await witness.page.getByTestId('oath-form-affirmation').check();
  assert.match(await witness.page.getByTestId('oath-dialog').innerText(), /ខ្ញុំសូមប្រកាស និងអះអាង/);
  await witness.page.getByTestId('oath-take').click();
  await witness.page.getByTestId('oath-dialog').waitFor({ state: 'detached' });
  await witnessRow.getByTestId('oath-tag').waitFor();
  assert.equal(await witnessRow.getByTestId('oath-tag').innerText(), 'Affirmed');
  await witness.page.locator('.lang-switch button[lang="en"]').click();

  await judge.page.locator('[data-testid="participant"][data-name="Witness"]').getByTestId('excuse-participant').click();
  await witness.page.getByTestId('waiting-room').waitFor({ timeout: 15000 });
  assert.equal(await witness.page.getByTestId('waiting-room').getAttribute('data-excused'), 'true');
  assert.match(await witness.page.getByTestId('waiting-title').innerText(), /excused/);
  // Hearing nothing: every media connection is closed on both sides.
  await waitFor(() => liveConnections(witness), (n) => n === 0, { what: "the witness's connections closed" });
  await waitFor(async () => (await counsel.page.getByTestId('tile').evaluateAll((els) => els.map((e) => e.dataset.name))),
    (names) => !names.includes('Witness'), { what: "the witness's tile gone for counsel" });
  const counselStats = totals(await counsel.stats());
  assert.equal(counselStats.perPeer.length, 1, 'counsel keeps only the connection to the judge');
  await knockRow('Witness').waitFor();
  assert.match(await knockRow('Witness').innerText(), /Excused/);

  await knockRow('Witness').getByTestId('admit').click();
  await witness.page.getByTestId('room').waitFor({ timeout: 15000 });
  await waitForFlowingMedia(witness, 2, { video: 'some' });
}));

test('the hearing ends on someone still waiting; the record names every step', () => session.guard(async () => {
  // The judge downloads the record so far from the host's panel.
  await judge.page.getByTestId('invites-toggle').click();
  const [download] = await Promise.all([
    judge.page.waitForEvent('download', { timeout: 15000 }),
    judge.page.getByTestId('record-text').click(),
  ]);
  assert.match(download.suggestedFilename(), /^record-[a-z2-7]{26}\.txt$/);
  const saved = readFileSync(await download.path(), 'utf8');
  assert.match(saved, /Chain whole: \d+ entries/);
  assert.match(saved, /participant 1 excused Witness \(participant \d+\) to the lobby/);
  await judge.page.getByTestId('list-toggle').click();

  const late = await knock('Late');
  await knockRow('Late').waitFor();
  await judge.page.getByTestId('end-for-all').click();
  await judge.page.getByTestId('end-confirm').click();
  for (const b of [late, witness, counsel]) assert.match(await ended(b), /This meeting has ended/);

  const id = new URL(links.guest).pathname.split('/').pop();
  const { bin, dataDir } = session.server;
  const record = execFileSync(bin, ['--data-dir', dataDir, 'record', 'export', id], { encoding: 'utf8' });
  assert.match(record, /Chain whole: \d+ entries/);
  for (const line of [
    /Counsel \(participant (\d+)\) waits in the lobby as participant/,
    /participant 1 let Counsel \(participant \d+\) in/,
    /Witness \(participant \d+\) waits in the lobby as witness with invitation/,
    /participant 1 turned Intruder \(participant \d+\) away/,
    /Leaver \(participant \d+\) left/,
    /participant 1 called the witness Witness \(participant \d+\) in/,
    /participant 1 excused Witness \(participant \d+\) to the lobby/,
    /participant 1 asked Witness \(participant \d+\) to take the oath or affirm/,
    /Witness \(participant \d+\) affirmed in Khmer: "ខ្ញុំសូមប្រកាស និងអះអាង/,
    /Late \(participant \d+\) waits in the lobby/,
    /participant 1 ended the meeting/,
  ]) {
    assert.match(record, line);
  }
  assert.equal([...record.matchAll(/called the witness Witness/g)].length, 2, 'called twice');
}));

/** Makes an invitation for `role` in the judge's panel; returns its link. */
async function makeInvite(role) {
  await judge.page.getByTestId('invites-toggle').click();
  await judge.page.getByTestId('invite-role').selectOption(role);
  await judge.page.getByTestId('invite-create').click();
  await judge.page.getByTestId('invite-link').waitFor();
  const link = await judge.page.getByTestId('invite-link').inputValue();
  await judge.page.getByTestId('invites-toggle').click();
  return link;
}
