/**
 * The action on a builder that is not the engine's: a standalone BuildKit behind buildx's
 * remote driver (scripts/setup-buildkit.sh builds it, scripts/buildkitd.sh runs it as the
 * builder sb-remote, over TCP with mutual TLS). It has its own cache and no access to the
 * engine's images, so the Dockerfiles start from the two-platform base in the local registry.
 * What is published is still the one build's scanned export, and a leak still stops everything.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  type ActionRun,
  builderReady,
  builds,
  dockerReady,
  everythingVisible,
  exportedImage,
  hidden,
  KEEP_SCANNED_EXPORT,
  leaksIn,
  leftovers,
  REGISTRY,
  registryDigest,
  registryManifest,
  registryReady,
  runAction,
  type Workspace,
  trackedWorkspaces
} from './harness.js';

const BUILDER = 'sb-remote';
/** A two-platform index the local registry holds (scripts/setup-qemu.sh pushes it); the remote builder pulls it over plain HTTP. */
const BASE = '127.0.0.1:5000/secret-build-base:multi';

/** The platforms the remote builder can build for (its workers' list: arm64 when QEMU's binfmt handler is registered on the host). */
function builderPlatforms(): string[] {
  const r = spawnSync('docker', ['buildx', 'inspect', BUILDER], { encoding: 'utf8' });
  const line = /^Platforms:\s*(.*)$/m.exec(r.stdout)?.[1] ?? '';
  return line
    .split(',')
    .map((p) => p.trim().replace(/\*$/, ''))
    .filter(Boolean);
}

const ready =
  dockerReady() && (await registryReady()) && builderReady(BUILDER, 'remote', 'sudo bash scripts/setup-buildkit.sh && sudo bash scripts/buildkitd.sh start');
const e2e = ready ? describe : describe.skip;
const arm64 = ready && builderPlatforms().includes('linux/arm64') && fs.existsSync('/proc/sys/fs/binfmt_misc/qemu-aarch64');
if (ready && !arm64)
  console.warn(
    `\n!!! remote-builder two-platform test SKIPPED: ${BUILDER} cannot build linux/arm64 (no QEMU binfmt handler). Run: sudo bash scripts/setup-qemu.sh !!!\n`
  );
const nonce = randomBytes(5).toString('hex');
const TOK = `remote-tok-${randomBytes(8).toString('hex')}`;
const newWorkspace = trackedWorkspaces(afterAll);

const CLEAN = `FROM ${BASE}\nRUN --mount=type=secret,id=tok,required=true test -s /run/secrets/tok && uname -m > /arch\n`;
/** The secret written into the final image in a way the preflight cannot read: the scan must stop it. */
const LEAKY = `FROM ${BASE}\nRUN --mount=type=secret,id=tok,required=true ${hidden('cp /run/secrets/tok /leaked')}\n`;
/** The secret lands in a builder stage that the final image does not copy: only a mode=max cache carries it. */
const STAGE_LEAK =
  `FROM ${BASE} AS builder\nRUN --mount=type=secret,id=tok,required=true cp /run/secrets/tok /leaked && echo built > /artefact\n` +
  `FROM ${BASE}\nCOPY --from=builder /artefact /artefact\n`;

const errors = (run: ActionRun) => run.main.stdout.split('\n').filter((l) => l.startsWith('::error'));

async function act(dockerfile: string, inputs: Record<string, string>): Promise<{ run: ActionRun; ws: Workspace }> {
  const ws = newWorkspace({ Dockerfile: dockerfile });
  fs.writeFileSync(path.join(ws.shimDir, 'after.sh'), KEEP_SCANNED_EXPORT);
  const run = await runAction(ws, { secrets: `tok=${TOK}`, builder: BUILDER, ...inputs });
  expect(leaksIn(everythingVisible(run), [TOK])).toEqual([]);
  expect(leftovers(ws.runtimeDir)).toEqual([]);
  // The build that mounts the secrets is the only build, and it runs on the remote builder.
  expect(builds(run).length).toBeLessThanOrEqual(1);
  for (const b of builds(run)) expect(b.argv.join(' ')).toMatch(new RegExp(`--builder[ =]${BUILDER}\\b`));
  return { run, ws };
}

e2e(`a remote BuildKit (buildx builder ${BUILDER})`, () => {
  test('a clean push: one build; the registry holds the scanned export (= the digest output)', async () => {
    const repo = `sb-e2e/remote-${nonce}`;
    const { run, ws } = await act(CLEAN, { push: 'true', tags: `${REGISTRY}/${repo}:v1` });
    expect(errors(run)).toEqual([]);
    expect(run.main.code).toBe(0);
    expect(builds(run)).toHaveLength(1);
    expect(builds(run)[0].argv).not.toContain('--push');
    const scanned = await exportedImage(path.join(ws.shimDir, 'scanned.tar'));
    expect(scanned.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(run.outputs.digest).toBe(scanned.digest);
    expect(await registryDigest(repo, 'v1')).toBe(scanned.digest);
    expect(run.summary).toMatch(/scanned image \(OCI export\)/);
  });

  test("a secret written to a cache mount: an error on this shared builder (a warning on the job's own), before anything is built", async () => {
    const cached = `FROM ${BASE}\nRUN --mount=type=secret,id=tok,required=true --mount=type=cache,target=/cache cp /run/secrets/tok /cache/tok\n`;
    const { run } = await act(cached, {});
    expect(run.main.code).toBe(1);
    expect(errors(run)).toEqual([
      expect.stringMatching(
        /^::error title=secret-build leak guard \(secret-written\),file=Dockerfile,line=2::leak guard: RUN writes the mounted secret "tok" into \/cache\/tok.*on a cache mount.*; this builder is shared \(the remote driver\): every job that builds on it can read that cache$/
      ),
      '::error::leak guard: 1 secret(s) written to a cache mount of a shared builder, see the annotations; nothing was built'
    ]);
    expect(builds(run)).toEqual([]);
  });

  test('a leak hidden from the preflight, with push: found, named, nothing in the registry', async () => {
    const repo = `sb-e2e/remote-leaky-${nonce}`;
    // no-cache: a layer cached by an earlier run holds that run's (other) secret value, which this scan does not know.
    const { run } = await act(LEAKY, { push: 'true', tags: `${REGISTRY}/${repo}:v1`, 'no-cache': 'true' });
    expect(run.main.code).toBe(1);
    expect(errors(run).join('\n')).toMatch(/secret "tok" found in the built image: .*leaked/);
    expect(errors(run).join('\n')).toMatch(/nothing was published/);
    expect(builds(run)).toHaveLength(1);
    expect(builds(run)[0].argv).not.toContain('--push');
    expect(await registryDigest(repo, 'v1')).toBeUndefined();
  });

  test('load: true: the scanned image reaches the engine, its Id the digest output', async () => {
    const tag = `sb-e2e-remote-load-${nonce}:v1`;
    const { run, ws } = await act(CLEAN, { load: 'true', tags: tag });
    expect(errors(run)).toEqual([]);
    expect(run.main.code).toBe(0);
    expect(builds(run)).toHaveLength(1);
    const id = execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', tag], { encoding: 'utf8' }).trim();
    expect(id).toBe(run.outputs.digest);
    expect(id).toBe((await exportedImage(path.join(ws.shimDir, 'scanned.tar'))).digest);
    execFileSync('docker', ['image', 'rm', tag]);
  });

  test('a builder-stage leak with cache-to type=registry,mode=max: found, nothing reaches the registry', async () => {
    const repo = `sb-e2e/remote-cache-${nonce}`;
    const { run } = await act(STAGE_LEAK, { 'cache-to': `type=registry,ref=${REGISTRY}/${repo}:cache,mode=max`, 'no-cache': 'true' });
    expect(run.main.code).toBe(1);
    expect(errors(run).join('\n')).toMatch(/secret "tok" found/);
    expect(builds(run)).toHaveLength(1);
    expect(await registryDigest(repo, 'cache')).toBeUndefined();
    expect(run.children.filter((c) => c.program === 'skopeo' && c.argv[0] === 'copy')).toEqual([]);
  });

  (arm64 ? test : test.skip)('two platforms (arm64 under QEMU): the registry index is the scanned export, both platforms in it', async () => {
    const repo = `sb-e2e/remote-multi-${nonce}`;
    const { run, ws } = await act(CLEAN, { push: 'true', tags: `${REGISTRY}/${repo}:v1`, platforms: 'linux/amd64,linux/arm64', 'no-cache': 'true' });
    expect(errors(run)).toEqual([]);
    expect(run.main.code).toBe(0);
    expect(builds(run)).toHaveLength(1);
    const scanned = await exportedImage(path.join(ws.shimDir, 'scanned.tar'));
    expect(Object.keys(scanned.platforms)).toEqual(expect.arrayContaining(['linux/amd64', 'linux/arm64']));
    const pushed = await registryManifest(repo, 'v1');
    expect(pushed?.digest).toBe(scanned.digest);
    expect(run.outputs.digest).toBe(scanned.digest);
    for (const digest of Object.values(scanned.platforms)) expect(await registryDigest(repo, digest)).toBe(digest);
  });
});
