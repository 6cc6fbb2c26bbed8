// Screenshots of every screen, in English and Khmer, for people to look at:
//   node tests/e2e/screenshots.mjs [out-dir]   (run as root; see README)
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { TestNet } from './lib/net.mjs';
import { startServer } from './lib/server.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { waitForFlowingMedia } from './lib/wait.mjs';
import { makeInvite } from './lib/session.mjs';
import { fileURLToPath } from 'node:url';

const DECK = fileURLToPath(new URL('../fixtures/deck.pdf', import.meta.url));

const out = resolve(process.argv[2] || 'target/screenshots');
mkdirSync(out, { recursive: true });
const net = new TestNet(`${process.pid}s`);
const server = await startServer(net);
const browsers = [];
try {
  const host = await launchBrowser(net.addHost(), server.url, { name: 'host' });
  const guest = await launchBrowser(net.addHost(), server.url, { name: 'guest' });
  const counsel = await launchBrowser(net.addHost(), server.url, { name: 'counsel' });
  browsers.push(host, guest, counsel);
  const shot = (b, name) => b.page.screenshot({ path: `${out}/${name}.png` });
  const imageShown = (b, selector) => b.page.waitForFunction((sel) => {
    const img = document.querySelector(sel);
    return Boolean(img && img.complete && img.naturalWidth > 0);
  }, selector, { timeout: 30000 });
  const setLang = async (b, code) => {
    await b.page.locator(`.lang-switch button[lang="${code}"]`).click();
  };

  for (const lang of ['en', 'km']) {
    await host.page.goto(`${server.url}/`);
    await setLang(host, lang);
    await shot(host, `${lang}-1-home`);
    await host.page.getByTestId('create-button').click();
    await shot(host, `${lang}-2-home-error`);
    await host.page.getByTestId('title-input').fill(lang === 'km' ? 'កិច្ចប្រជុំគណៈរដ្ឋមន្ត្រី' : 'Weekly cabinet meeting');
    await host.page.getByTestId('create-button').click();
    await host.page.getByTestId('created').waitFor();
    await shot(host, `${lang}-3-created`);
    const hostLink = await host.page.getByTestId('host-link').inputValue();
    const guestLink = await host.page.getByTestId('guest-link').inputValue();
    await host.page.goto(hostLink);
    await host.page.getByTestId('name-input').waitFor();
    await host.page.waitForFunction(() => document.querySelector('.preview video')?.readyState >= 2);
    await shot(host, `${lang}-4-join`);
    await host.page.getByTestId('name-input').fill(lang === 'km' ? 'សុខា' : 'Sokha Chan');
    await host.page.getByTestId('join-button').click();
    await host.page.getByTestId('room').waitFor();
    await shot(host, `${lang}-5-room-alone`);
    await guest.page.goto(guestLink);
    await setLang(guest, lang);
    await guest.page.getByTestId('name-input').fill(lang === 'km' ? 'ដារ៉ា' : 'Dara Kim');
    await guest.page.getByTestId('prejoin-camera').click();
    await shot(guest, `${lang}-4b-join-camera-off`);
    await guest.page.getByTestId('prejoin-camera').click();
    await guest.page.getByTestId('join-button').click();
    await waitForFlowingMedia(host, 1);
    await guest.page.getByTestId('mic-toggle').click();
    await host.page.getByTestId('list-toggle').click();
    await host.page.waitForTimeout(1500); // let the picture settle for the eye; not a synchronisation
    await shot(host, `${lang}-6-room-two`);
    // The host's row of a co-host: make participant, move to gallery, remove.
    const guestRow = host.page.getByTestId('participant').filter({ hasText: lang === 'km' ? 'ដារ៉ា' : 'Dara Kim' });
    await guestRow.getByTestId('cohost-toggle').click();
    await guestRow.getByTestId('role-tag').waitFor();
    for (const [w, h] of [[1366, 768], [360, 740]]) {
      await host.page.setViewportSize({ width: w, height: h });
      // Scrolled to the end: on a phone the last row must clear the controls.
      await host.page.evaluate(() => {
        for (const el of document.querySelectorAll('*')) {
          if (el.scrollHeight > el.clientHeight + 1) el.scrollTop = el.scrollHeight;
        }
      });
      await shot(host, `${lang}-6h-host-sees-co-host-${w}`);
    }
    await host.page.setViewportSize({ width: 1280, height: 800 });
    await guestRow.getByTestId('cohost-toggle').click();
    await guestRow.getByTestId('role-tag').waitFor({ state: 'detached' });
    await host.page.getByTestId('devices-toggle').click();
    await shot(host, `${lang}-6b-room-devices`);
    await host.page.getByTestId('devices-toggle').click();
    // The guest turns the data saver on: their banner, and a badge on their tile at the host.
    await guest.page.getByTestId('devices-toggle').click();
    await guest.page.getByTestId('data-saver').selectOption('receive-audio-only');
    await guest.page.getByTestId('quality-banner').waitFor();
    await host.page.locator('[data-testid="tier-badge"]').waitFor();
    await shot(guest, `${lang}-6c-guest-data-saver`);
    await shot(host, `${lang}-6d-host-sees-saver-badge`);
    // Slides: the host presents a PDF; the guest (saver on) follows the page.
    await host.page.getByTestId('slides-file').setInputFiles(DECK);
    await imageShown(guest, '[data-testid="slide-stage"] img');
    await imageShown(host, '[data-testid="slide-stage"] img');
    await host.page.getByTestId('slide-next').click();
    await guest.page.waitForFunction(() => document.querySelector('[data-testid="slide-stage"]')?.dataset.page === '1');
    await imageShown(guest, '[data-testid="slide-stage"] img');
    await shot(host, `${lang}-6e-presenter`);
    await shot(guest, `${lang}-6f-guest-sees-slide`);
    await host.page.getByTestId('slide-stop').click();
    await guest.page.getByTestId('slide-stage').waitFor({ state: 'detached' });
    // A shared screen reaches the guest, whose saver takes no video, as stills.
    await host.page.getByTestId('share-toggle').click();
    await imageShown(guest, '[data-testid="stage"][data-kind="still"] img');
    await shot(guest, `${lang}-7b-guest-sees-stills`);
    await host.page.getByTestId('share-toggle').click();
    await guest.page.getByTestId('stage').waitFor({ state: 'detached' });
    await guest.page.getByTestId('data-saver').selectOption('auto');
    await guest.page.getByTestId('devices-toggle').click();
    await host.page.getByTestId('share-toggle').click();
    await guest.page.getByTestId('stage').waitFor();
    await guest.page.waitForTimeout(1500);
    await shot(guest, `${lang}-7-guest-sees-share`);
    await guest.page.getByTestId('leave').click();
    await guest.page.getByTestId('call-ended').waitFor();
    await shot(guest, `${lang}-8-left`);
    // The host's invitations: a witness link made, then withdrawn; the
    // guest opening it is told so.
    await host.page.getByTestId('invites-toggle').click();
    await host.page.getByTestId('invite-create').click();
    await host.page.getByTestId('invite-link').waitFor();
    await host.page.getByTestId('invite').first().waitFor();
    await shot(host, `${lang}-6g-host-invites`);
    const inviteLink = await host.page.getByTestId('invite-link').inputValue();
    await host.page.getByTestId('invite-withdraw').first().click();
    await host.page.getByTestId('invite-withdraw').first().waitFor({ state: 'detached' });
    await guest.page.goto('about:blank'); // the link differs only in its fragment: load it afresh
    await guest.page.goto(inviteLink);
    await guest.page.getByTestId('name-input').fill(lang === 'km' ? 'សាក្សី' : 'Witness');
    await guest.page.getByTestId('join-button').click();
    await guest.page.getByTestId('call-ended').waitFor();
    await shot(guest, `${lang}-8b-invite-withdrawn`);
    await host.page.getByTestId('leave').click();
    await host.page.goto(`${server.url}/m/${'a'.repeat(26)}`);
    await host.page.getByTestId('meeting-error').waitFor();
    await shot(host, `${lang}-9-not-found`);
  }
  // A hearing: the lobby as the witness sees it, and as the judge sees the knock.
  for (const lang of ['en', 'km']) {
    await host.page.goto(`${server.url}/`);
    await setLang(host, lang);
    await host.page.getByTestId('title-input').fill(lang === 'km' ? 'សំណុំរឿងលេខ ៣១/២០២៦' : 'Case 31/2026');
    await host.page.getByTestId('kind-hearing').check();
    await shot(host, `${lang}-11-home-hearing`);
    await host.page.getByTestId('create-button').click();
    await host.page.getByTestId('created').waitFor();
    const hostLink = await host.page.getByTestId('host-link').inputValue();
    const hearingGuestLink = await host.page.getByTestId('guest-link').inputValue();
    await host.page.goto(hostLink);
    await host.page.getByTestId('name-input').fill(lang === 'km' ? 'ចៅក្រម' : 'Judge');
    await host.page.getByTestId('join-button').click();
    await host.page.getByTestId('room').waitFor();
    const witnessLink = await makeInvite(host, 'witness');
    await host.page.getByTestId('invites-toggle').click();
    await guest.page.goto('about:blank');
    await guest.page.goto(witnessLink);
    await setLang(guest, lang);
    await guest.page.getByTestId('name-input').fill(lang === 'km' ? 'សាក្សី' : 'Witness');
    await guest.page.getByTestId('join-button').click();
    await guest.page.getByTestId('waiting-room').waitFor();
    await host.page.locator('[data-testid="knock-link"][data-link="good"]').waitFor();
    await shot(guest, `${lang}-12-witness-waits`);
    await shot(host, `${lang}-13-judge-sees-knock`);
    await host.page.getByTestId('admit').click();
    await guest.page.getByTestId('room').waitFor();
    // The floor: the witness raises a hand and writes; the judge mutes it.
    await guest.page.getByTestId('hand-toggle').click();
    await guest.page.getByTestId('chat-toggle').click();
    await guest.page.getByTestId('chat-input').fill(lang === 'km' ? 'សូមអនុញ្ញាតឱ្យខ្ញុំនិយាយ។' : 'May I speak, Your Honour?');
    await guest.page.getByTestId('chat-send').click();
    await host.page.getByTestId('chat-toggle').click();
    await host.page.getByTestId('chat-message').waitFor();
    await shot(host, `${lang}-15-judge-chat`);
    await host.page.getByTestId('list-toggle').click();
    await host.page.getByTestId('hand').waitFor();
    await host.page.getByTestId('hold-mic').click();
    await host.page.getByTestId('held-tag').waitFor();
    await guest.page.getByTestId('banner').waitFor();
    await shot(host, `${lang}-16-judge-floor`);
    await shot(guest, `${lang}-17-witness-muted`);
    await host.page.getByTestId('ask-oath').click();
    await guest.page.getByTestId('oath-dialog').waitFor();
    await shot(guest, `${lang}-18-witness-oath`);
    await guest.page.getByTestId('oath-take').click();
    await host.page.getByTestId('oath-tag').waitFor();
    await shot(host, `${lang}-19-judge-sees-sworn`);
    // Counsel comes in and asks the witness to a private consultation.
    await counsel.page.goto('about:blank');
    await counsel.page.goto(hearingGuestLink);
    await setLang(counsel, lang);
    await counsel.page.getByTestId('name-input').fill(lang === 'km' ? 'មេធាវី' : 'Counsel');
    await counsel.page.getByTestId('join-button').click();
    await host.page.getByTestId('admit').click();
    await counsel.page.getByTestId('room').waitFor();
    await counsel.page.getByTestId('list-toggle').click();
    await counsel.page.getByTestId('consult').click();
    await guest.page.getByTestId('consult-invite').waitFor();
    await shot(guest, `${lang}-20-witness-asked-to-consult`);
    await guest.page.getByTestId('consult-accept').click();
    await counsel.page.getByTestId('consultation-banner').waitFor();
    await host.page.getByTestId('consultation').waitFor();
    await shot(counsel, `${lang}-21-counsel-in-consultation`);
    await shot(host, `${lang}-22-judge-sees-consultation`);
    await host.page.getByTestId('call-back').click();
    await guest.page.getByTestId('consultation-banner').waitFor({ state: 'detached' });
    await counsel.page.getByTestId('leave').click();
    const counselName = lang === 'km' ? 'មេធាវី' : 'Counsel';
    await host.page.locator(`[data-testid="participant"][data-name="${counselName}"]`).waitFor({ state: 'detached' });
    await host.page.getByTestId('excuse-participant').click();
    await guest.page.locator('[data-testid="waiting-room"][data-excused="true"]').waitFor();
    await shot(guest, `${lang}-14-witness-excused`);
    // The public gallery: an observer's invitation asks for no camera or
    // microphone; in the room it watches, with no tile and nothing to switch on.
    const galleryLink = await makeInvite(host, 'observer');
    await counsel.page.goto('about:blank');
    await counsel.page.goto(galleryLink);
    await setLang(counsel, lang);
    await counsel.page.getByTestId('gallery-note').waitFor();
    await shot(counsel, `${lang}-23-gallery-join`);
    await counsel.page.getByTestId('name-input').fill(lang === 'km' ? 'សាធារណជន' : 'Visitor');
    await counsel.page.getByTestId('join-button').click();
    await counsel.page.getByTestId('waiting-room').waitFor();
    await shot(counsel, `${lang}-24-gallery-waits`);
    await host.page.locator('[data-testid="knock"][data-role="observer"] [data-testid="admit"]').click();
    await counsel.page.getByTestId('room').waitFor();
    await host.page.getByTestId('list-toggle').click();
    await host.page.locator('[data-testid="gallery-toggle"][aria-pressed="true"]').waitFor();
    await counsel.page.waitForTimeout(1500); // let the picture settle for the eye; not a synchronisation
    await shot(counsel, `${lang}-25-gallery-room`);
    await shot(host, `${lang}-26-judge-sees-gallery`);
    await counsel.page.getByTestId('leave').click();
    await guest.page.getByTestId('waiting-leave').click();
    await host.page.getByTestId('leave').click();
  }
  await host.page.setViewportSize({ width: 390, height: 844 });
  await host.page.goto(`${server.url}/`);
  await shot(host, 'km-10-phone-home');
  // Join pressed while the call's chunk cannot come (src/joined.rs): the
  // notice on the join screen. No service worker, which would fetch it itself.
  const offline = await launchBrowser(net.addHost(), server.url, { name: 'offline', serviceWorkers: 'block' });
  browsers.push(offline);
  await offline.page.route('**/split_*.wasm', (route) => route.abort('internetdisconnected'));
  await host.page.goto(`${server.url}/`);
  await host.page.getByTestId('title-input').fill('Provincial budget');
  await host.page.getByTestId('create-button').click();
  const budgetLink = await host.page.getByTestId('guest-link').inputValue();
  for (const lang of ['en', 'km']) {
    await offline.page.goto(budgetLink);
    await setLang(offline, lang);
    await offline.page.getByTestId('name-input').fill(lang === 'km' ? 'សុភា' : 'Sophea');
    await offline.page.getByTestId('join-button').click();
    await offline.page.getByTestId('join-error').waitFor();
    for (const [w, h] of [[1366, 768], [360, 740]]) {
      await offline.page.setViewportSize({ width: w, height: h });
      await offline.page.getByTestId('join-error').scrollIntoViewIfNeeded();
      await shot(offline, `${lang}-27-join-not-loaded-${w}`);
    }
  }
  console.log(`screenshots in ${out}`);
} finally {
  for (const b of browsers) await b.close().catch(() => {});
  await server.stop();
  net.destroy();
}
