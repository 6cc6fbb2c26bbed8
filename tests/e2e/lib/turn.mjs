// coturn in the hub namespace beside the server, configured by the server
// itself (`sala-server coturn-config`: its secret, the deny list) and allowed
// to relay to the test's own subnet only.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inNs } from './net.mjs';
import { waitFor } from './wait.mjs';

export const TURN_PORT = 3478;
const TEST_SUBNET = '10.213.0.0-10.213.0.255';

export async function startTurn(net, server) {
  const conf = join(server.dataDir, 'turnserver.conf');
  const pidfile = join(server.dataDir, 'turnserver.pid');
  const config = execFileSync(server.bin, ['--data-dir', server.dataDir, 'coturn-config',
    '--listening-ip', net.serverAddr, '--relay-ip', net.serverAddr, '--port', `${TURN_PORT}`,
    '--allow-peer', TEST_SUBNET, '--pidfile', pidfile]).toString();
  writeFileSync(conf, config);
  const child = spawn('ip', ['netns', 'exec', net.hub, 'turnserver', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs = [];
  child.stdout.on('data', (d) => logs.push(d.toString()));
  child.stderr.on('data', (d) => logs.push(d.toString()));
  const exited = new Promise((r) => child.once('exit', r));
  try {
    await waitFor(() => child.exitCode === null && inNs(net.hub, 'ss', '-Hlun', `sport = :${TURN_PORT}`),
      (listening) => {
        if (child.exitCode !== null) throw new Error(`turnserver exited with ${child.exitCode}:\n${logs.join('')}`);
        return Boolean(listening && listening.trim());
      }, { what: 'coturn listening', timeoutMs: 10000, intervalMs: 100 });
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    logs,
    /** The secret the server and coturn share. */
    secret: () => readFileSync(join(server.dataDir, 'turn.key'), 'utf8').trim(),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
