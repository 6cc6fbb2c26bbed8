// Private consultation and role changes, through the real UI: counsel asks a
// client out of the room from the participants list, the client accepts;
// they then have one connection, to each other, and hear each other even
// though the chair had muted everyone, while the chair has no connection to
// either and lists them as out. The client comes back by itself (muted again
// in the room), the chair calls counsel back, media flows to all again. A
// decline reaches the one who asked; the chair makes a co-host; the record
// names each step and nothing of what was said.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Session, join, tileNames } from './lib/session.mjs';
import { totals, waitFor, waitForFlowingMedia } from './lib/wait.mjs';
import { heard } from './lib/audio.mjs';

let session;
let chair;
let links;
let dara;
let sokha;

before(async () => {
  session = await Session.start(`${process.pid}c`);
  chair = await session.open('chair');
  links = await session.createMeeting(chair, 'Consultation hearing');
  await join(chair, links.host, 'Chair');
  dara = await session.open('dara');
  await join(dara, links.guest, 'Dara');
  sokha = await session.open('sokha');
  await join(sokha, links.guest, 'Sokha');
  await waitForFlowingMedia(chair, 2, { video: 'some' });
  for (const b of [chair, dara, sokha]) await b.page.getByTestId('list-toggle').click();
});

after(() => session?.close());

const row = (b, name) => b.page.locator(`[data-testid="participant"][data-name="${name}"]`);
const connected = async (b) => totals(await b.stats()).connected;

test('counsel asks the client out: they have only each other, and hear each other though muted in the room', () => session.guard(async () => {
  await chair.page.getByTestId('mute-all').click();
  for (const b of [dara, sokha]) await b.page.getByText('The host muted you').waitFor();

  await row(dara, 'Sokha').getByTestId('consult').click();
  const invite = sokha.page.locator('[data-testid="consult-invite"][data-name="Dara"]');
  await invite.waitFor();
  await invite.getByTestId('consult-accept').click();

  for (const [b, other] of [[dara, 'Sokha'], [sokha, 'Dara']]) {
    const banner = b.page.getByTestId('consultation-banner');
    await banner.waitFor();
    // The one who asked goes out first and is alone for a moment ("Private
    // consultation"); the other's arrival is a later message on its socket.
    await waitFor(() => banner.innerText(), (text) => new RegExp(`Private consultation with ${other}`).test(text),
      { what: `${b.name}: the banner names ${other}` });
    await waitFor(() => tileNames(b), (n) => n.join() === ['Dara', 'Sokha'].sort().join(), { what: `${b.name}: only the two tiles` });
    // Out of the room nobody holds them: the toggle is theirs again.
    await waitFor(() => b.page.getByTestId('mic-toggle').isDisabled(), (d) => !d, { what: `${b.name}: microphone free` });
    assert.equal(await b.page.getByTestId('hand-toggle').count(), 0, 'no hand to raise out of the room');
  }
  // One connection each, to each other; the chair has none.
  await waitForFlowingMedia(dara, 1);
  await waitForFlowingMedia(sokha, 1);
  await waitFor(() => connected(chair), (n) => n === 0, { what: 'the chair has no connection left' });
  // Not connected may mean closed by the others first; the chair closes its own
  // on its own socket's messages.
  await waitFor(async () => (await chair.stats()).length, (n) => n === 0, { what: 'no peer connection at the chair at all' });
  await waitFor(() => tileNames(chair), (n) => n.join() === 'Chair', { what: 'only the chair on its own screen' });
  const out = chair.page.getByTestId('consultation');
  await out.waitFor();
  assert.equal(await out.getAttribute('data-names'), 'Dara, Sokha');

  // Dara speaks: Sokha hears it.
  await dara.page.getByTestId('mic-toggle').click();
  const h = await waitFor(() => heard(sokha, 'Dara'), (x) => x.enabled && x.peak > 0.01, { what: 'Sokha hears Dara', timeoutMs: 15000 });
  assert.ok(h.peak > 0.01);
}));

test('the client comes back by itself, muted again; the chair calls counsel back; all connected again', () => session.guard(async () => {
  await sokha.page.getByTestId('return-to-room').click();
  await sokha.page.getByTestId('consultation-banner').waitFor({ state: 'detached' });
  await sokha.page.getByText('The host muted you').waitFor();
  assert.ok(await sokha.page.getByTestId('mic-toggle').isDisabled(), 'held again in the room');
  await waitForFlowingMedia(sokha, 1);
  await waitFor(() => tileNames(sokha), (n) => n.join() === 'Chair,Sokha', { what: 'Sokha back with the chair' });
  await dara.page.getByText('Nobody else is in the consultation now').waitFor();
  await waitFor(() => connected(dara), (n) => n === 0, { what: 'Dara alone, no connection' });
  await waitFor(() => chair.page.getByTestId('consultation').getAttribute('data-names'), (n) => n === 'Dara', { what: 'only Dara out' });

  await chair.page.getByTestId('call-back').click();
  await dara.page.getByTestId('consultation-banner').waitFor({ state: 'detached' });
  await chair.page.getByTestId('consultations').waitFor({ state: 'detached' });
  await waitForFlowingMedia(chair, 2, { video: 'some' });
  await waitForFlowingMedia(dara, 2, { video: 'some' });
  assert.ok(await dara.page.getByTestId('mic-toggle').isDisabled(), 'Dara held again in the room');
}));

test('a decline reaches the one who asked; the chair makes a co-host; the record names each step', () => session.guard(async () => {
  await row(sokha, 'Dara').getByTestId('consult').click();
  const invite = dara.page.locator('[data-testid="consult-invite"][data-name="Sokha"]');
  await invite.waitFor();
  await invite.getByTestId('consult-decline').click();
  await sokha.page.locator('[data-testid="consult-declined"][data-name="Dara"]').waitFor();
  await invite.waitFor({ state: 'detached' });

  await row(chair, 'Dara').getByTestId('cohost-toggle').click();
  await waitFor(() => row(sokha, 'Dara').getByTestId('role-tag').innerText().catch(() => ''), (t) => t === 'Co-host', { what: 'Dara shown as co-host' });
  // A co-host runs the room: the controls are hers, her microphone is hers.
  await dara.page.getByTestId('mute-all').waitFor();
  await waitFor(() => dara.page.getByTestId('mic-toggle').isDisabled(), (d) => !d, { what: "Dara's microphone released" });
  assert.equal(await row(dara, 'Sokha').getByTestId('consult').count(), 0, 'a co-host does not consult');

  const id = new URL(links.guest).pathname.split('/').pop();
  const { bin, dataDir } = session.server;
  const record = execFileSync(bin, ['--data-dir', dataDir, 'record', 'export', id], { encoding: 'utf8' });
  assert.match(record, /Chain whole: \d+ entries/);
  for (const line of [
    /Dara \(participant 2\) asked Sokha \(participant 3\) to private consultation 1/,
    /Dara \(participant 2\) went into private consultation 1/,
    /Sokha \(participant 3\) went into private consultation 1/,
    /Sokha \(participant 3\) came back from private consultation 1$/m,
    /Dara \(participant 2\) came back from private consultation 1, called back by participant 1/,
    /Sokha \(participant 3\) asked Dara \(participant 2\) to private consultation 2/,
    /Dara \(participant 2\) declined private consultation 2/,
    /participant 1 made Dara \(participant 2\) co-host \(was participant\)/,
  ]) {
    assert.match(record, line);
  }
}));
