// Signals lost in a socket that died one way without either end knowing: the
// server wrote them, the page never heard them. Once the page gives up on the
// socket and resumes, the media connection still comes up, however much of its
// negotiation (offer, answer, candidates) went down with the old socket. And
// signals lost with no socket dying at all: the connection is replaced by a
// fresh one once it has been down past its patience (20 s).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Session, join } from './lib/session.mjs';
import { waitFor, waitForFlowingMedia } from './lib/wait.mjs';

let session;
let links;
let chair;

before(async () => {
  session = await Session.start(`${process.pid}r`);
});

after(() => session?.close());

// The page notices a silent socket within the heartbeat timeout (15 s) and
// resumes after a backoff; then negotiation may take an ICE restart.
const RESUMED_MS = 45000;
const CONNECTED_MS = 40000;

const socketCount = (b) => b.page.evaluate(() => window.__sala.sockets.length);

/** Joins `link` as `name`, its socket going deaf right after the server's `after` message. */
async function joinDeafAfter(b, link, name, after) {
  await b.page.goto(link);
  await b.page.getByTestId('name-input').fill(name);
  await b.page.evaluate((type) => { window.__sala.deafAfter = type; }, after);
  await b.page.getByTestId('join-button').click();
  await b.page.getByTestId('room').waitFor({ timeout: 15000 });
}

test('a member whose socket went deaf hears a newcomer once it resumes, and they connect', () => session.guard(async () => {
  chair = await session.open('chair');
  links = await session.createMeeting(chair, 'Resume');
  await join(chair, links.host, 'Chair Sokha');
  const before = await socketCount(chair);
  // From now on the chair hears nothing: the newcomer's arrival, its offer and
  // its candidates all go into the dead socket.
  await chair.page.evaluate(() => { window.__sala.sockets.at(-1).deaf = true; });
  const dara = await session.open('dara');
  await join(dara, links.guest, 'Dara');
  await waitFor(() => socketCount(chair), (n) => n > before, { what: "the chair's new socket", timeoutMs: RESUMED_MS, intervalMs: 500 });
  await waitForFlowingMedia(chair, 1, { timeoutMs: CONNECTED_MS });
  await waitForFlowingMedia(dara, 1, { timeoutMs: CONNECTED_MS });
  await dara.page.getByTestId('leave').click();
  await dara.page.getByTestId('call-ended').waitFor({ timeout: 15000 });
  await session.dismiss(dara);
  await waitFor(async () => (await chair.stats()).length, (n) => n === 0, { what: 'Dara gone at the chair' });
}));

test('a newcomer whose socket went deaf right after its welcome connects once it resumes', () => session.guard(async () => {
  const vanna = await session.open('vanna');
  // Vanna hears the welcome and offers; the answer and the chair's candidates
  // go into the dead socket.
  await joinDeafAfter(vanna, links.guest, 'Vanna', 'welcome');
  assert.equal(await vanna.page.evaluate(() => window.__sala.sockets.at(-1).deaf), true, 'the first socket is deaf');
  await waitFor(() => socketCount(vanna), (n) => n > 1, { what: "Vanna's new socket", timeoutMs: RESUMED_MS, intervalMs: 500 });
  await waitForFlowingMedia(vanna, 1, { timeoutMs: CONNECTED_MS });
  await waitForFlowingMedia(chair, 1, { timeoutMs: CONNECTED_MS });
}));

test('signals lost on a socket that stays up: the connection is replaced after its patience and comes up', () => session.guard(async () => {
  const bopha = await session.open('bopha');
  await bopha.page.goto(links.guest);
  await bopha.page.getByTestId('name-input').fill('Bopha');
  // Every answer and candidate sent to Bopha in her first 8 s is lost.
  await bopha.page.evaluate(() => { window.__sala.dropSignalsUntil = performance.now() + 8000; });
  await bopha.page.getByTestId('join-button').click();
  await bopha.page.getByTestId('room').waitFor({ timeout: 15000 });
  // Two people are in the room already (the chair and Vanna): both
  // connections to Bopha are stuck until replaced.
  await waitForFlowingMedia(bopha, 2, { timeoutMs: 60000 });
  await waitForFlowingMedia(chair, 2, { timeoutMs: CONNECTED_MS });
  assert.equal(await socketCount(bopha), 1, 'no socket was replaced');
  const made = await bopha.page.evaluate(() => window.__sala.pcs.length);
  assert.ok(made >= 4, `connections replaced, not only the first two opened: ${made}`);
}));
