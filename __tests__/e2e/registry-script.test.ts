/**
 * scripts/registry.sh, which CI's setup runs on a fresh machine, against the real
 * docker-registry binary: a registry that is slow to exec is waited for (CI once failed
 * setup by calling it "exited" while it was still on its way through env and setsid),
 * and one that really dies is reported with its log.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const SCRIPT = path.resolve('scripts/registry.sh');
const BIN = path.join(process.env.ENGINE_PREFIX ?? '/opt/secret-build-engine', 'root/usr/bin/docker-registry');
const suite = fs.existsSync(BIN) ? describe : describe.skip;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-script-'));

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs the script asynchronously (a listener in this process must keep accepting meanwhile). */
function registry(cmd: string, port: number, bin = BIN): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, REGISTRY_PORT: String(port), REGISTRY_DIR: dir, REGISTRY_BIN: bin };
  delete env.SB_REGISTRY_AUTH;
  const child = spawn('bash', [SCRIPT, cmd], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const started: number[] = [];
afterAll(async () => {
  for (const port of started) await registry('stop', port);
  fs.rmSync(dir, { recursive: true, force: true });
});

suite('scripts/registry.sh', () => {
  test('a registry that takes a second to exec is waited for, not reported as exited', async () => {
    const slow = path.join(dir, 'slow-registry');
    fs.writeFileSync(slow, `#!/bin/sh\nsleep 1\nexec '${BIN}' "$@"\n`, { mode: 0o755 });
    const port = await freePort();
    started.push(port);
    const run = await registry('start', port, slow);
    expect(run.stderr).not.toContain('exited');
    expect(run).toMatchObject({ code: 0, stdout: `127.0.0.1:${port}\n` });
    expect((await fetch(`http://127.0.0.1:${port}/v2/`)).status).toBe(200);
    expect((await registry('status', port)).code).toBe(0);
  }, 30_000);

  test('a registry that dies at start is reported with its own log line', async () => {
    // A listener that never answers HTTP: the script cannot tell it is taken, the registry can.
    const holder = net.createServer(() => undefined);
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      const run = await registry('start', port);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('docker-registry exited; last log lines:');
      expect(run.stderr).toContain('address already in use');
    } finally {
      holder.close();
    }
  }, 30_000);
});

// The script must stay valid bash for setup on a fresh machine.
test('scripts/registry.sh parses', () => {
  expect(spawnSync('bash', ['-n', SCRIPT]).status).toBe(0);
});
