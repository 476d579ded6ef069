/**
 * The daemon stopped mid-build. This stops the machine's dockerd, so it runs in a phase
 * of its own after the other suites (see the test script) and restarts the daemon after.
 */
import { afterAll, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dockerReady, everythingVisible, finishRun, leaksIn, leftovers, makeWorkspace, startMain } from '../e2e/harness.js';

const SETUP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/setup-docker.sh');
const ready = dockerReady() && process.getuid?.() === 0;
const SECRET = `daemon-secret-${randomBytes(8).toString('hex')}`;

/** Waits for the old dockerd to be gone (a second one cannot start before), then starts it again. */
afterAll(async () => {
  if (!ready) return;
  for (let i = 0; i < 60 && spawnSync('pgrep', ['-x', 'dockerd']).status === 0; i++) await new Promise((r) => setTimeout(r, 500));
  spawnSync('pkill', ['-KILL', '-x', 'dockerd']);
  execFileSync('bash', [SETUP], { stdio: 'inherit' });
}, 120000);

(ready ? test : test.skip)('dockerd stopped mid-build: the action fails with a clear error, removes the vault, prints nothing secret', async () => {
  const ws = makeWorkspace({ Dockerfile: 'FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok,required=true echo build-started && sleep 60\n' });
  try {
    const main = startMain(ws, { secrets: `tok=${SECRET}`, 'no-cache': 'true' });
    await main.waitFor('build-started');
    expect(spawnSync('pkill', ['-TERM', '-x', 'dockerd']).status).toBe(0);
    const run = await finishRun(ws, await main.done);
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).toMatch(/::error::.*(the Docker daemon is not reachable|docker buildx build exited with code 1|see the build log above)/);
    expect(leftovers(ws.runtimeDir)).toEqual([]);
    expect(leaksIn(everythingVisible(run), [SECRET])).toEqual([]);
  } finally {
    ws.cleanup();
  }
});
