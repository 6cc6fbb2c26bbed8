// Starts the real server inside the hub namespace and waits for its ready line.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

export async function startServer(net, { port = 8080, timeoutMs = 15000, args = [] } = {}) {
  const bin = process.env.SALA_SERVER_BIN || join(ROOT, 'target/debug/sala-server');
  const dist = process.env.SALA_DIST || join(ROOT, 'dist');
  const dataDir = mkdtempSync(join(tmpdir(), 'sala-e2e-'));
  const child = spawn('ip', ['netns', 'exec', net.hub, bin, '--bind', `${net.serverAddr}:${port}`, '--data-dir', dataDir, '--dist', dist, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'sala_server=info,warn' },
  });
  const logs = [];
  // SALA_SERVER_LOG=<file>: the whole log, for when the last lines a
  // failure prints are not enough.
  const logFile = process.env.SALA_SERVER_LOG;
  child.stderr.on('data', (d) => {
    logs.push(d.toString());
    if (logFile) appendFileSync(logFile, d);
  });
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready in ${timeoutMs} ms:\n${logs.join('')}`)), timeoutMs);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d.toString();
      const m = out.match(/Sala is listening on (\S+)/);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${logs.join('')}`));
    });
  });
  return {
    url,
    logs,
    bin,
    dataDir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
