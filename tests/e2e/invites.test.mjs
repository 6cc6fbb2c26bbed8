// Invitations and the host's controls through the real UI: the host makes a
// link per role in the room, a witness comes in by one with that role, every
// refusal (used, withdrawn, altered, removed, locked, ended) shows its own
// message, and the record names each.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Session, join, makeInvite } from './lib/session.mjs';
import { waitFor } from './lib/wait.mjs';

let session;
let judge;
let links;
let witness;
let witnessLink;

before(async () => {
  session = await Session.start(`${process.pid}i`);
  judge = await session.open('judge');
  links = await session.createMeeting(judge, 'Case 12/2026');
  await join(judge, links.host, 'Judge');
});

after(() => session?.close());

const invite = (role, options) => makeInvite(judge, role, options);

/** Opens `link` in a fresh browser and tries to join; returns the browser. */
async function tryJoin(name, link) {
  const b = await session.open(name);
  await b.page.goto(link);
  await b.page.getByTestId('name-input').fill(name);
  await b.page.getByTestId('join-button').click();
  return b;
}

async function ended(b) {
  await b.page.getByTestId('call-ended').waitFor({ timeout: 20000 });
  return b.page.getByTestId('call-ended').innerText();
}

test('a witness comes in by an invitation with the witness role', () => session.guard(async () => {
  const link = await invite('witness');
  witnessLink = link;
  assert.match(link, /\/m\/[a-z2-7]{26}#invite=v1\./, 'the token rides in the fragment');
  witness = await tryJoin('Witness', link);
  await witness.page.getByTestId('room').waitFor({ timeout: 15000 });
  await waitFor(
    () => judge.page.locator('[data-testid="tile"][data-name="Witness"] [data-testid="role-tag"]').allInnerTexts(),
    (tags) => tags.join() === 'Witness',
    { what: "the witness's role on the judge's screen" },
  );
  assert.equal(
    await witness.page.locator('[data-testid="tile"][data-name="Judge"] [data-testid="role-tag"]').innerText(),
    'Host',
  );
  assert.equal(await judge.page.getByTestId('invite').first().getAttribute('data-status'), 'Not used yet',
    'the panel reads the list when it was made');
}));

test('refusals: used by someone else, withdrawn, altered — each with its own message', () => session.guard(async () => {
  const once = await invite('interpreter');
  const first = await tryJoin('Interpreter', once);
  await first.page.getByTestId('room').waitFor({ timeout: 15000 });
  // The same link in another browser.
  const second = await tryJoin('Second', once);
  assert.match(await ended(second), /already been used/);
  // The browser that used it comes back in (a reload).
  await first.page.reload();
  await first.page.getByTestId('name-input').fill('Interpreter');
  await first.page.getByTestId('join-button').click();
  await first.page.getByTestId('room').waitFor({ timeout: 15000 });

  const gallery = await invite('observer', { single: false });
  await judge.page.locator('[data-testid="invite"][data-role="observer"] [data-testid="invite-withdraw"]').click();
  await waitFor(() => judge.page.locator('[data-testid="invite"][data-role="observer"]').getAttribute('data-status'),
    (s) => s === 'Withdrawn', { what: 'observer invitation withdrawn' });
  const galleryBrowser = await tryJoin('Gallery', gallery);
  assert.match(await ended(galleryBrowser), /withdrawn this invitation/);

  // One character of the signature changed.
  const altered = once.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
  const forger = await tryJoin('Forger', altered);
  assert.match(await ended(forger), /damaged or is not from this server/);
  // A link cut short is told at once, before anything is sent.
  const cut = await session.open('Cut');
  await cut.page.goto(`${links.guest}#invite=`);
  await cut.page.getByTestId('meeting-error').waitFor();
  assert.match(await cut.page.getByTestId('meeting-error').innerText(), /damaged/);
  await first.page.getByTestId('leave').click();
  for (const b of [second, galleryBrowser, forger, cut, first]) await session.dismiss(b);

  // The record names each refusal, and its chain is whole.
  const id = new URL(links.guest).pathname.split('/').pop();
  const { bin, dataDir } = session.server;
  const record = execFileSync(bin, ['--data-dir', dataDir, 'record', 'export', id], { encoding: 'utf8' });
  assert.match(record, /Chain whole: \d+ entries/);
  for (const line of [
    /Second was refused with invitation [a-z2-7]{26}: it was for one use and has been used/,
    /Gallery was refused with invitation [a-z2-7]{26}: the host has withdrawn it/,
    /Forger was refused: it has been altered or is not from this server/,
    /Witness \(participant \d+\) joined as witness with invitation/,
  ]) {
    assert.match(record, line);
  }
}));

/** Opens `link` afresh in `b` (a link may differ only in its fragment) and joins. */
async function rejoin(b, link, name) {
  await b.page.goto('about:blank');
  await b.page.goto(link);
  await b.page.getByTestId('name-input').fill(name);
  await b.page.getByTestId('join-button').click();
}

test('the host removes the witness, locks the room, and ends the meeting for all', () => session.guard(async () => {
  await judge.page.getByTestId('list-toggle').click();
  const row = judge.page.locator('[data-testid="participant"][data-name="Witness"]');
  await row.getByTestId('remove-participant').click();
  assert.match(await ended(witness), /removed you from this meeting/);
  await waitFor(() => row.count(), (n) => n === 0, { what: 'the witness gone from the list' });
  // The link it still holds lets it back in no more.
  await rejoin(witness, witnessLink, 'Witness');
  assert.match(await ended(witness), /removed you from this meeting/);

  await judge.page.getByTestId('lock-toggle').click();
  await judge.page.getByTestId('locked-note').waitFor();
  const late = await tryJoin('Late', links.guest);
  assert.match(await ended(late), /locked this meeting/);
  await judge.page.getByTestId('lock-toggle').click();
  await judge.page.getByTestId('locked-note').waitFor({ state: 'detached' });
  await rejoin(late, links.guest, 'Late');
  await late.page.getByTestId('room').waitFor({ timeout: 15000 });

  await judge.page.getByTestId('end-for-all').click();
  await judge.page.getByTestId('end-confirm').click();
  for (const b of [judge, late]) assert.match(await ended(b), /This meeting has ended/);
  const after = await tryJoin('After', links.guest);
  assert.match(await ended(after), /This meeting has ended/);

  const id = new URL(links.guest).pathname.split('/').pop();
  const { bin, dataDir } = session.server;
  const record = execFileSync(bin, ['--data-dir', dataDir, 'record', 'export', id], { encoding: 'utf8' });
  assert.match(record, /Chain whole: \d+ entries/);
  for (const line of [
    /Witness \(participant \d+\) was removed by participant 1/,
    /Witness was refused with invitation [a-z2-7]{26}: its holder was removed from the meeting/,
    /participant 1 locked the meeting/,
    /participant 1 opened the meeting again/,
    /participant 1 ended the meeting/,
  ]) {
    assert.match(record, line);
  }
}));
