// One test file's world: its own network, the real server inside it, and the
// browsers it opens. Also the UI steps every test repeats (create, join).
import { TestNet } from './net.mjs';
import { startServer } from './server.mjs';
import { TURN_PORT, startTurn } from './turn.mjs';
import { launchBrowser } from './browser.mjs';
import { waitFor } from './wait.mjs';

export class Session {
  /**
   * With `turn`, coturn runs beside the server (as `cargo xtask serve` runs
   * it) and the server hands out its credentials; `serverArgs` go to the server.
   */
  static async start(tag = `${process.pid}`, { turn = false, serverArgs = [] } = {}) {
    const s = new Session();
    s.net = new TestNet(tag);
    try {
      const turnArgs = turn
        ? ['--turn-url', `turn:${s.net.serverAddr}:${TURN_PORT}?transport=udp`,
          '--turn-url', `turn:${s.net.serverAddr}:${TURN_PORT}?transport=tcp`]
        : [];
      s.server = await startServer(s.net, { args: [...turnArgs, ...serverArgs] });
      if (turn) s.turn = await startTurn(s.net, s.server);
    } catch (err) {
      await s.server?.stop();
      s.net.destroy();
      throw err;
    }
    return s;
  }

  constructor() {
    this.browsers = [];
  }

  get url() {
    return this.server.url;
  }

  /** A browser in a namespace of its own; options as for `launchBrowser`. */
  async open(name, options = {}) {
    const host = this.net.addHost();
    const b = await launchBrowser(host, this.server.url, { name, ...options });
    b.host = host;
    this.browsers.push(b);
    return b;
  }

  /** Creates a meeting (or, with `kind: 'hearing'`, a hearing) from the home page of `b`; returns its two links. */
  async createMeeting(b, title, { kind = 'meeting' } = {}) {
    await b.page.goto(`${this.server.url}/`);
    await b.page.getByTestId('title-input').fill(title);
    await b.page.getByTestId(`kind-${kind}`).check();
    await b.page.getByTestId('create-button').click();
    return {
      host: await b.page.getByTestId('host-link').inputValue(),
      guest: await b.page.getByTestId('guest-link').inputValue(),
    };
  }

  /** Runs `fn`; on failure prints the last console lines of every browser and the server log. */
  async guard(fn) {
    try {
      return await fn();
    } catch (err) {
      for (const b of this.browsers) console.error(b.consoleLines.slice(-30).join('\n'));
      console.error(this.server.logs.join('').split('\n').slice(-40).join('\n'));
      throw err;
    }
  }

  /** Closes one browser early (the machine has two cores to share). */
  async dismiss(b) {
    this.browsers = this.browsers.filter((x) => x !== b);
    await b.close();
  }

  async close() {
    for (const b of this.browsers) await b.close().catch((err) => console.error(`closing ${b.name}: ${err}`));
    await this.turn?.stop();
    await this.server?.stop();
    this.net?.destroy();
  }
}

/** Makes an invitation for `role` in the host's panel (opened if need be); returns its link. */
export async function makeInvite(host, role, { single = true } = {}) {
  const page = host.page;
  if (!(await page.getByTestId('invite-panel').count())) await page.getByTestId('invites-toggle').click();
  await page.getByTestId('invite-role').selectOption(role);
  const box = page.getByTestId('invite-single');
  if ((await box.isChecked()) !== single) await box.click();
  const before = await page.getByTestId('invite').count();
  await page.getByTestId('invite-create').click();
  await waitFor(() => page.getByTestId('invite').count(), (n) => n === before + 1, { what: `${role} invitation listed` });
  return page.getByTestId('invite-link').inputValue();
}

/** Opens `link`, types the name, clicks Join and waits for the room. */
export async function join(b, link, name) {
  await b.page.goto(link);
  await b.page.getByTestId('name-input').fill(name);
  await b.page.getByTestId('join-button').click();
  await b.page.getByTestId('room').waitFor({ timeout: 15000 });
}

/** Names on the tiles a browser shows, sorted. */
export function tileNames(b) {
  return b.page.getByTestId('tile').evaluateAll((els) => els.map((e) => e.dataset.name).sort());
}
