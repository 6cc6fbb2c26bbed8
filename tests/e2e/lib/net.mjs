// Test networks: a hub namespace with a bridge and the server, and one namespace
// per browser joined to the bridge by a veth pair. Every address lives inside
// namespaces this test made; nothing touches the machine's own network.
import { execFileSync } from 'node:child_process';

const HUB_ADDR = '10.213.0.1';
const PREFIX = 24;

function ip(...args) {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function inNs(ns, cmd, ...args) {
  return execFileSync('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

/** A hub with a bridge; `addHost()` adds a namespace for one participant. */
export class TestNet {
  constructor(tag = `${process.pid}`) {
    this.tag = tag;
    this.hub = `sala${tag}hub`;
    this.hosts = [];
    this.namespaces = [];
    this.#addNs(this.hub);
    inNs(this.hub, 'ip', 'link', 'add', 'br0', 'type', 'bridge');
    inNs(this.hub, 'ip', 'addr', 'add', `${HUB_ADDR}/${PREFIX}`, 'dev', 'br0');
    inNs(this.hub, 'ip', 'link', 'set', 'br0', 'up');
  }

  get serverAddr() {
    return HUB_ADDR;
  }

  #addNs(name) {
    ip('netns', 'add', name);
    this.namespaces.push(name);
    inNs(name, 'ip', 'link', 'set', 'lo', 'up');
  }

  /** A participant's namespace; its link is `hubSide` (egress = its download) and `eth0` inside (egress = its upload). */
  addHost() {
    const index = this.hosts.length + 1;
    const ns = `sala${this.tag}p${index}`;
    const outer = `s${this.tag}h${index}`.slice(0, 15);
    const inner = `s${this.tag}i${index}`.slice(0, 15);
    this.#addNs(ns);
    ip('link', 'add', inner, 'type', 'veth', 'peer', 'name', outer);
    ip('link', 'set', inner, 'netns', ns);
    ip('link', 'set', outer, 'netns', this.hub);
    inNs(ns, 'ip', 'link', 'set', inner, 'name', 'eth0');
    // No IPv6 link-local address: one appearing a second or two after the
    // link comes up makes Chromium fail the loads in flight with
    // ERR_NETWORK_CHANGED (the tests and the server use IPv4 only).
    inNs(ns, 'ip', 'link', 'set', 'eth0', 'addrgenmode', 'none');
    const addr = `10.213.0.${10 + index}`;
    inNs(ns, 'ip', 'addr', 'add', `${addr}/${PREFIX}`, 'dev', 'eth0');
    inNs(ns, 'ip', 'link', 'set', 'eth0', 'up');
    inNs(this.hub, 'ip', 'link', 'set', outer, 'master', 'br0');
    inNs(this.hub, 'ip', 'link', 'set', outer, 'up');
    const host = { ns, addr, hubSide: outer };
    this.hosts.push(host);
    return host;
  }

  /**
   * Limits a participant's link to `kbit` kbit/s both ways with a token bucket
   * (tbf; netem is not available on these machines): upload on its `eth0`,
   * download on the hub side of its veth. The queue holds ~200 ms, like a
   * modest mobile or satellite modem.
   */
  shape(host, kbit) {
    for (const [ns, dev] of [[host.ns, 'eth0'], [this.hub, host.hubSide]]) {
      inNs(ns, 'tc', 'qdisc', 'replace', 'dev', dev, 'root', 'tbf', 'rate', `${kbit}kbit`, 'burst', '4kb', 'latency', '200ms');
    }
  }

  /** Bytes a shaped participant's link has carried so far: `down` to it, `up` from it (tbf's counters). */
  linkBytes(host) {
    const sent = (ns, dev) => Number(/Sent (\d+) bytes/.exec(inNs(ns, 'tc', '-s', 'qdisc', 'show', 'dev', dev, 'root'))?.[1] ?? NaN);
    return { down: sent(this.hub, host.hubSide), up: sent(host.ns, 'eth0') };
  }

  /** Takes the limit off again. */
  unshape(host) {
    for (const [ns, dev] of [[host.ns, 'eth0'], [this.hub, host.hubSide]]) {
      inNs(ns, 'tc', 'qdisc', 'del', 'dev', dev, 'root');
    }
  }

  /** Removes every namespace this net made (their veth pairs go with them). */
  destroy() {
    for (const ns of this.namespaces.reverse()) {
      try {
        ip('netns', 'del', ns);
      } catch (err) {
        console.error(`could not delete namespace ${ns}: ${err.stderr || err}`);
      }
    }
    this.namespaces = [];
  }
}
