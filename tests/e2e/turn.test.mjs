// TURN for everyone behind a NAT or firewall, through the real UI, the real
// server and a real coturn beside it: a participant whose network reaches
// only the server's host gets audio and video through the relay, and keeps
// them when fresh credentials come; a witness's media goes only through the
// relay, so the judge's browser never learns the witness's address; coturn
// takes the server's credentials and refuses expired ones.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { Session, join, makeInvite } from './lib/session.mjs';
import { inNs } from './lib/net.mjs';
import { TURN_PORT } from './lib/turn.mjs';
import { waitFor, waitForFlowingMedia } from './lib/wait.mjs';

// Short-lived credentials: fresh ones come every 10 s.
const TTL_S = 20;

let session;

before(async () => {
  session = await Session.start(`${process.pid}t`, { turn: true, serverArgs: ['--turn-ttl', `${TTL_S}s`] });
});

after(() => session?.close());

/** Walls `b` in: its namespace reaches only the hub (the server and coturn), no other participant. */
function onlyTheHub(b) {
  const hub = session.net.serverAddr;
  inNs(b.host.ns, 'nft', 'add table inet walled; '
    + 'add chain inet walled out { type filter hook output priority 0; }; '
    + `add rule inet walled out ip daddr 10.213.0.0/24 ip daddr != ${hub} drop; `
    + 'add chain inet walled in { type filter hook input priority 0; }; '
    + `add rule inet walled in ip saddr 10.213.0.0/24 ip saddr != ${hub} drop`);
}

/** The selected candidate pair has a relay candidate at one end. */
function relayed(path) {
  return path.local?.type === 'relay' || path.remote?.type === 'relay';
}

/** How many `ice_refresh` messages a browser has had. */
async function refreshes(b) {
  return b.page.evaluate(() => window.__sala.frames.filter((f) => f.endsWith(' ice_refresh')).length);
}

test('someone who can reach only the server gets audio and video through the relay, and keeps them across fresh credentials', () => session.guard(async () => {
  const host = await session.open('host');
  const links = await session.createMeeting(host, 'Regional briefing');
  await join(host, links.host, 'Chair');
  const walled = await session.open('walled');
  onlyTheHub(walled);
  await join(walled, links.guest, 'Delegate');
  await waitForFlowingMedia(walled, 1, { timeoutMs: 45000 });
  await waitForFlowingMedia(host, 1);

  // Each side's selected path goes through a TURN allocation (whose end
  // relays does not matter; coturn's address is the only one the walled
  // browser can reach).
  for (const b of [walled, host]) {
    const [path] = await b.paths();
    assert.ok(relayed(path), `${b.name} connects through the relay: ${JSON.stringify(path)}`);
  }

  // Fresh credentials arrive while the call goes on; the relayed connection
  // restarts ICE with them and the media keeps coming.
  const before = await refreshes(walled);
  await waitFor(() => refreshes(walled), (n) => n > before, { what: 'fresh TURN credentials', timeoutMs: (TTL_S + 5) * 1000 });
  await waitForFlowingMedia(walled, 1, { timeoutMs: 30000 });
  await waitForFlowingMedia(host, 1, { timeoutMs: 30000 });
  const [after] = await walled.paths();
  assert.ok(relayed(after), `still through the relay: ${JSON.stringify(after)}`);
  for (const b of [walled, host]) await session.dismiss(b);
}));

test("a witness's media goes only through the relay: the judge never learns the witness's address", () => session.guard(async () => {
  const judge = await session.open('judge');
  const links = await session.createMeeting(judge, 'Case 12/2026', { kind: 'hearing' });
  await join(judge, links.host, 'Judge');
  const witnessLink = await makeInvite(judge, 'witness');
  const witness = await session.open('witness');
  await witness.page.goto(witnessLink);
  await witness.page.getByTestId('name-input').fill('Witness');
  await witness.page.getByTestId('join-button').click();
  await witness.page.getByTestId('waiting-room').waitFor({ timeout: 15000 });
  const row = judge.page.locator('[data-testid="knock"][data-name="Witness"]');
  await row.getByTestId('admit').click();
  await witness.page.getByTestId('room').waitFor({ timeout: 15000 });
  await waitForFlowingMedia(witness, 1, { timeoutMs: 45000 });
  await waitForFlowingMedia(judge, 1);

  const [own] = await witness.paths();
  assert.equal(own.policy, 'relay');
  assert.equal(own.local?.type, 'relay');
  const [seen] = await judge.paths();
  assert.ok(seen.remotes.length > 0, 'the judge learned candidates');
  for (const c of seen.remotes) {
    assert.notEqual(c.address, witness.host.addr, `the judge saw the witness's address: ${JSON.stringify(seen.remotes)}`);
    assert.equal(c.address, session.net.serverAddr, `only the relay's address: ${JSON.stringify(c)}`);
  }
  assert.ok(!seen.remoteSdp.includes(witness.host.addr), "the witness's address is in its description");
  // The judge is not forced to relay.
  assert.equal((await judge.paths())[0].policy, 'all');
  for (const b of [witness, judge]) await session.dismiss(b);
}));

/** Runs coturn's own client from a participant's namespace: allocate, relay a few messages to itself. */
function uclient(ns, username, credential) {
  const run = spawnSync('ip', ['netns', 'exec', ns, 'turnutils_uclient', '-y', '-n', '2', '-m', '1', '-l', '100',
    '-p', `${TURN_PORT}`, '-u', username, '-w', credential, session.net.serverAddr], { timeout: 30000 });
  return `${run.stdout}${run.stderr}`;
}

test('coturn takes credentials made with the server\'s secret and refuses them once expired', () => session.guard(async () => {
  const { ns } = session.net.addHost();
  const secret = session.turn.secret();
  const credential = (username) => createHmac('sha1', secret).update(username).digest('base64');
  const now = Math.floor(Date.now() / 1000);
  const fresh = `${now + 60}:check.1`;
  const ok = uclient(ns, fresh, credential(fresh));
  assert.match(ok, /tot_recv_msgs=[1-9]/, `fresh credentials relay:\n${ok}`);
  const expired = `${now - 5}:check.2`;
  const refused = uclient(ns, expired, credential(expired));
  assert.match(refused, /Cannot complete Allocation/, `expired credentials refused:\n${refused}`);
  assert.doesNotMatch(refused, /tot_recv_msgs=[1-9]/);
  const forged = `${now + 60}:check.3`;
  const wrong = uclient(ns, forged, credential(`${now + 61}:check.3`));
  assert.match(wrong, /Cannot complete Allocation/, `a credential for another username refused:\n${wrong}`);
}));
