// The page under its Content-Security-Policy, and text from other people
// (meeting titles, display names, chat) shown as text: a corpus of script payloads
// goes through the real UI on two browsers and nothing runs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Session, join } from './lib/session.mjs';
import { waitFor, waitForFlowingMedia } from './lib/wait.mjs';

const DECK = fileURLToPath(new URL('../fixtures/deck.pdf', import.meta.url));

// Each sets window.__pwned if it ever runs.
const PAYLOADS = [
  '<script>window.__pwned="script"</script>',
  '<img src=x onerror="window.__pwned=\'img\'">',
  '"><svg onload="window.__pwned=\'svg\'">',
  "javascript:window.__pwned='href'",
  '<iframe srcdoc="<script>parent.__pwned=1</script>">',
  '{{7*7}} ${7*7} <b>bold</b>',
];

let session;
before(async () => {
  session = await Session.start(`${process.pid}x`);
});
after(() => session?.close());

const pwned = (b) => b.page.evaluate(() => window.__pwned ?? null);
const violations = (b) => b.page.evaluate(() => window.__sala.csp);

test('the page is served with a strict policy and runs under it', async () => {
  const b = await session.open('visitor');
  const res = await b.page.goto(`${session.url}/`);
  const csp = res.headers()['content-security-policy'];
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  await b.page.getByTestId('title-input').waitFor();
  assert.deepEqual(await violations(b), [], 'the app itself needs nothing the policy refuses');
  // An inline script the policy does not name is refused.
  await b.page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__pwned = "injected"';
    document.body.append(s);
  });
  await waitFor(() => violations(b), (v) => v.length === 1, { what: 'the injected script refused' });
  assert.equal(await pwned(b), null);
});

test('titles and names carrying scripts are shown as text and nothing runs', async () => {
  const host = await session.open('host');
  const guest = await session.open('guest');
  const title = PAYLOADS.slice(0, 2).join(' ');
  const links = await session.createMeeting(host, title);
  await join(host, links.host, PAYLOADS[0]);
  await join(guest, links.guest, PAYLOADS[1]);
  await waitForFlowingMedia(host, 1);
  for (const [b, other] of [[host, PAYLOADS[1]], [guest, PAYLOADS[0]]]) {
    await b.page.getByTestId('list-toggle').click();
    assert.equal(await b.page.locator('.room-header h1').innerText(), title);
    const names = await b.page.getByTestId('participant').evaluateAll((els) => els.map((e) => e.dataset.name));
    assert.ok(names.includes(other), `${b.name} lists ${JSON.stringify(names)}`);
    assert.equal(await b.page.locator('.room img[src="x"], .room svg[onload], .room iframe').count(), 0);
  }
  // The rest of the corpus as names, one after another, on the guest.
  for (const payload of PAYLOADS.slice(2)) {
    const b = await session.open('named');
    await join(b, links.guest, payload);
    await waitFor(() => host.page.getByTestId('participant').evaluateAll((els) => els.map((e) => e.dataset.name)),
      (names) => names.includes(payload), { what: `host lists ${payload}` });
    await b.page.getByTestId('leave').click();
  }
  // The whole corpus in the chat, one message each, read on the other side as text.
  await host.page.getByTestId('chat-toggle').click();
  await guest.page.getByTestId('chat-toggle').click();
  for (const payload of PAYLOADS) {
    await host.page.getByTestId('chat-input').fill(payload);
    await host.page.getByTestId('chat-send').click();
  }
  await waitFor(() => guest.page.locator('[data-testid="chat-message"] .chat-text').allInnerTexts(),
    (texts) => texts.length === PAYLOADS.length, { what: 'the corpus in the guest\'s chat' });
  assert.deepEqual(await guest.page.locator('[data-testid="chat-message"] .chat-text').allInnerTexts(), PAYLOADS);
  assert.equal(await guest.page.locator('.chat-list img, .chat-list svg, .chat-list iframe, .chat-list script').count(), 0);
  // Slides too go through the page (object URLs under img-src blob:).
  await host.page.getByTestId('slides-file').setInputFiles(DECK);
  await waitFor(() => guest.page.evaluate(() => {
    const img = document.querySelector('[data-testid="slide-stage"] img');
    return Boolean(img && img.complete && img.naturalWidth > 0);
  }), (ok) => ok, { timeoutMs: 20000, what: 'the slide shown' });
  for (const b of [host, guest]) {
    assert.equal(await pwned(b), null, `${b.name}: nothing ran`);
    assert.deepEqual(await violations(b), [], `${b.name}: the app needed nothing the policy refuses`);
  }
});
