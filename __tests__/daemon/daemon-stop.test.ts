/**
 * The daemon stopped mid-build. This stops the machine's dockerd, so it runs in a phase
 * of its own after the other suites (see the test script) and restarts the daemon after.
 */
import { afterAll, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dockerReady, everythingVisible, finishRun, leaksIn, leftovers, makeWorkspace, startMain } from '../e2e/harness.js';

const SETUP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/setup-docker.sh');
const ready = dockerReady() && process.getuid?.() === 0;
const SECRET = `daemon-secret-${randomBytes(8).toString('hex')}`;

/**
 * The main engine's dockerd, by the pid file scripts/setup-docker.sh gives it: the
 * classic-store engine (scripts/classic-engine.sh) is another dockerd and keeps running.
 */
function mainDockerd(): number | undefined {
  // Ours, else a system dockerd's default pid file.
  for (const file of ['/var/run/secret-build-dockerd.pid', '/var/run/docker.pid']) {
    try {
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (pid > 0 && fs.existsSync(`/proc/${pid}`)) return pid;
    } catch {
      // no such file
    }
  }
  return undefined;
}
let stopped: number | undefined;

/** Waits for the old dockerd to be gone (a second one cannot start before), then starts it again. */
afterAll(async () => {
  if (!ready) return;
  const gone = () => stopped === undefined || !fs.existsSync(`/proc/${stopped}`);
  for (let i = 0; i < 60 && !gone(); i++) await new Promise((r) => setTimeout(r, 500));
  if (!gone()) process.kill(stopped!, 'SIGKILL');
  execFileSync('bash', [SETUP], { stdio: 'inherit' });
}, 120000);

(ready ? test : test.skip)('dockerd stopped mid-build: the action fails with a clear error, removes the vault, prints nothing secret', async () => {
  const ws = makeWorkspace({ Dockerfile: 'FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok,required=true echo build-started && sleep 60\n' });
  try {
    const main = startMain(ws, { secrets: `tok=${SECRET}`, 'no-cache': 'true' });
    await main.waitFor('build-started');
    stopped = mainDockerd();
    expect(stopped).toBeDefined();
    process.kill(stopped!, 'SIGTERM');
    const run = await finishRun(ws, await main.done);
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).toMatch(/::error::.*(the Docker daemon is not reachable|docker buildx build exited with code 1|see the build log above)/);
    expect(leftovers(ws.runtimeDir)).toEqual([]);
    expect(leaksIn(everythingVisible(run), [SECRET])).toEqual([]);
  } finally {
    ws.cleanup();
  }
});
