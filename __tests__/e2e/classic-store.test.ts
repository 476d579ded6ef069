/**
 * The docker driver on the classic image store, the default on GitHub's ubuntu runners
 * without docker/setup-buildx-action: a real second engine (scripts/classic-engine.sh),
 * reached through DOCKER_HOST. The leak guard loads the image untagged and reads it with
 * docker save; no default attestation is added, since this store refuses one.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type ActionRun, builds, dockerReady, everythingVisible, hidden, leaksIn, leftovers, runAction, trackedWorkspaces } from './harness.js';

const HOST = 'unix:///run/secret-build-classic/docker.sock';

/** True when the classic-store engine answers; in CI its absence fails the run. */
function classicReady(): boolean {
  let driver = '';
  try {
    driver = execFileSync('docker', ['info', '--format', '{{.Driver}}'], {
      env: { ...process.env, DOCKER_HOST: HOST },
      encoding: 'utf8',
      timeout: 10_000
    }).trim();
  } catch {
    // not running
  }
  if (driver !== 'overlay2' && process.env.CI) throw new Error(`CI: the classic-store engine at ${HOST} is required (bash scripts/classic-engine.sh start)`);
  if (driver !== 'overlay2')
    console.warn(`\n!!! classic-store tests SKIPPED: no classic-store engine at ${HOST}. Run: bash scripts/classic-engine.sh start !!!\n`);
  return driver === 'overlay2';
}

const ready = dockerReady() && classicReady();
const e2e = ready ? describe : describe.skip;
const TOK = `classic-tok-${randomBytes(10).toString('hex')}`;
const CLEAN = 'FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok,required=true test -s /run/secrets/tok && echo ok > /ok\n';
const newWorkspace = trackedWorkspaces(afterAll);

const classicDocker = (args: string[]) => execFileSync('docker', args, { env: { ...process.env, DOCKER_HOST: HOST }, encoding: 'utf8' });

async function act(dockerfile: string, inputs: Record<string, string>): Promise<ActionRun> {
  const ws = newWorkspace({ Dockerfile: dockerfile });
  // no-cache: a layer cached by an earlier run holds that run's secret value, which this scan does not know.
  const run = await runAction(ws, { secrets: `tok=${TOK}`, 'no-cache': 'true', ...inputs }, { DOCKER_HOST: HOST });
  expect(leaksIn(everythingVisible(run), [TOK])).toEqual([]);
  expect(leftovers(ws.runtimeDir)).toEqual([]);
  return run;
}

e2e('docker driver on the classic image store (a real second engine)', () => {
  test('a clean build: loaded untagged, read with docker save, then that very image tagged (no second build), no attestation added', async () => {
    const tag = `sb-e2e-classic/app:${randomBytes(4).toString('hex')}`;
    const run = await act(CLEAN, { load: 'true', tags: tag });
    expect(run.main.stdout.split('\n').filter((l) => l.startsWith('::error'))).toEqual([]);
    expect(run.main.code).toBe(0);
    expect(run.summary).toMatch(/scanned image \(loaded untagged\)/);
    expect(run.summary).toMatch(/tagged the scanned image sb-e2e-classic\/app:/);
    expect(builds(run)).toHaveLength(1);
    expect(run.children.some((c) => c.argv[0] === 'save')).toBe(true);
    for (const b of builds(run)) expect(b.argv.filter((a) => a.startsWith('--provenance') || a.startsWith('--attest'))).toEqual([]);
    expect(classicDocker(['image', 'inspect', '--format', '{{.Id}}', tag]).trim()).toBe(run.outputs.imageid);
    classicDocker(['image', 'rm', tag]);
  });

  test('the default inputs (no load, no tags) build too: without a default attestation, which this store would refuse', async () => {
    const run = await act(CLEAN, {});
    expect(run.main.code).toBe(0);
    expect(
      builds(run)
        .flatMap((b) => b.argv)
        .filter((a) => a.startsWith('--provenance'))
    ).toEqual([]);
  });

  test('an explicit provenance input is passed, and buildx refuses it on this store, as it does for build-push-action', async () => {
    const run = await act(CLEAN, { provenance: 'mode=max' });
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).toMatch(/Attestation is not supported for the docker driver/);
  });

  test('a leak the preflight cannot read: found by the scan of the loaded image, which is removed again', async () => {
    const before = classicDocker(['image', 'ls', '-q', '--no-trunc']).split('\n').filter(Boolean);
    const run = await act(`FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok,required=true ${hidden('cp /run/secrets/tok /leaked')}\n`, {});
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).toMatch(/secret "tok" found in the built image: .*, leaked/);
    expect(run.main.stdout).toMatch(/nothing was published/);
    expect(builds(run)).toHaveLength(1);
    const after = classicDocker(['image', 'ls', '-q', '--no-trunc']).split('\n').filter(Boolean);
    expect(after.filter((id) => !before.includes(id))).toEqual([]);
  });

  test("two platforms: buildx's own words on this store, before any build, with the leak guard on and off", async () => {
    const inputs = { platforms: 'linux/amd64,linux/arm64', load: 'true' };
    const guarded = await act(CLEAN, inputs);
    expect(guarded.main.code).toBe(1);
    expect(guarded.main.stdout).toMatch(
      /^::error::Multi-platform build is not supported for the docker driver. Switch to a different driver, or turn on the containerd image store/m
    );
    expect(guarded.main.stdout).not.toMatch(/docker exporter does not currently support exporting manifest lists/);
    expect(builds(guarded)).toEqual([]);
    const off = await act(CLEAN, { ...inputs, 'leak-check': 'off' });
    expect(off.main.code).toBe(1);
    // buildx's own error names the exporter; the hint says what to do.
    expect(off.main.stdout).toMatch(
      /::error::docker exporter does not currently support exporting manifest lists%0Aa multi-platform image cannot be loaded into the classic image store: turn on the containerd image store/
    );
  });
});
