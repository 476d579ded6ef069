/**
 * Two platforms for real: linux/amd64 natively and linux/arm64 under Debian's QEMU
 * (scripts/setup-qemu.sh), from the two-platform base secret-build-base:multi. The one
 * build's OCI export holds both images and their attestations; what is pushed and loaded
 * is that export, every platform of it, and a leak in one platform's image is found,
 * named by its platform, and stops everything.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  type ActionRun,
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

const MULTI_BASE = 'secret-build-base:multi';

/** True when the engine holds both platforms of the base and can run arm64 code; in CI their absence fails the run. */
function twoPlatformsReady(): boolean {
  const both = ['linux/amd64', 'linux/arm64'].every((p) => spawnSync('docker', ['image', 'inspect', '--platform', p, MULTI_BASE]).status === 0);
  const qemu = fs.existsSync('/proc/sys/fs/binfmt_misc/qemu-aarch64');
  if (!(both && qemu) && process.env.CI)
    throw new Error(`CI: ${MULTI_BASE} (amd64 + arm64) and QEMU's aarch64 handler are required (bash scripts/setup-qemu.sh)`);
  if (!(both && qemu)) console.warn('\n!!! two-platform tests SKIPPED: no two-platform base or no QEMU. Run: sudo bash scripts/setup-qemu.sh !!!\n');
  return both && qemu;
}

const ready = dockerReady() && (await registryReady()) && twoPlatformsReady();
const e2e = ready ? describe : describe.skip;
const nonce = randomBytes(5).toString('hex');
const TOK = `multi-tok-${randomBytes(8).toString('hex')}`;
const PLATFORMS = 'linux/amd64,linux/arm64';
const newWorkspace = trackedWorkspaces(afterAll);

/** Each platform's image records its own architecture, so the two manifests differ. */
const CLEAN = `FROM ${MULTI_BASE}\nRUN --mount=type=secret,id=tok,required=true test -s /run/secrets/tok && uname -m > /arch\n`;
/** The secret lands in the arm64 image only, in a way the preflight cannot read. */
const ARM_LEAK = `FROM ${MULTI_BASE}\nRUN --mount=type=secret,id=tok,required=true ${hidden('if [ "$(uname -m)" = aarch64 ]; then cp /run/secrets/tok /opt.cfg; fi; uname -m > /arch')}\n`;

const errors = (run: ActionRun) => run.main.stdout.split('\n').filter((l) => l.startsWith('::error'));

async function act(dockerfile: string, inputs: Record<string, string>): Promise<{ run: ActionRun; ws: Workspace }> {
  const ws = newWorkspace({ Dockerfile: dockerfile });
  fs.writeFileSync(path.join(ws.shimDir, 'after.sh'), KEEP_SCANNED_EXPORT);
  // no-cache: a layer cached by an earlier run holds that run's secret value, which this scan does not know.
  const run = await runAction(ws, { secrets: `tok=${TOK}`, platforms: PLATFORMS, 'no-cache': 'true', ...inputs });
  expect(leaksIn(everythingVisible(run), [TOK])).toEqual([]);
  expect(leftovers(ws.runtimeDir)).toEqual([]);
  expect(builds(run)).toHaveLength(1);
  return { run, ws };
}

e2e('two platforms (amd64 native, arm64 under QEMU)', () => {
  test('push: the registry index is the scanned export (= the digest output), both platforms and their attestations in it', async () => {
    const repo = `sb-e2e/multi-push-${nonce}`;
    const { run, ws } = await act(CLEAN, { push: 'true', tags: `${REGISTRY}/${repo}:v1`, provenance: 'mode=min' });
    expect(errors(run)).toEqual([]);
    expect(run.main.code).toBe(0);
    const scanned = await exportedImage(path.join(ws.shimDir, 'scanned.tar'));
    expect(Object.keys(scanned.platforms).sort()).toEqual(
      [`attestation of ${scanned.platforms['linux/amd64']}`, `attestation of ${scanned.platforms['linux/arm64']}`, 'linux/amd64', 'linux/arm64'].sort()
    );
    const pushed = await registryManifest(repo, 'v1');
    expect(pushed?.digest).toBe(scanned.digest);
    expect(run.outputs.digest).toBe(scanned.digest);
    // Every manifest of the index is served as it was scanned.
    expect(pushed?.doc.manifests?.map((m) => m.digest).sort()).toEqual(Object.values(scanned.platforms).sort());
    for (const digest of Object.values(scanned.platforms)) expect(await registryDigest(repo, digest)).toBe(digest);
    expect(run.summary).toMatch(/image scan: 0 findings; scanned image \(OCI export\)/);
  });

  test('load: both platforms are in the engine, each the scanned image', async () => {
    const tag = `sb-e2e-multi-load-${nonce}:v1`;
    const { run, ws } = await act(CLEAN, { load: 'true', tags: tag });
    expect(errors(run)).toEqual([]);
    expect(run.main.code).toBe(0);
    const scanned = await exportedImage(path.join(ws.shimDir, 'scanned.tar'));
    expect(execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', tag], { encoding: 'utf8' }).trim()).toBe(scanned.digest);
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      const [id, arch] = execFileSync('docker', ['image', 'inspect', '--platform', platform, '--format', '{{.Id}} {{.Architecture}}', tag], {
        encoding: 'utf8'
      })
        .trim()
        .split(' ');
      expect(id).toBe(scanned.platforms[platform]);
      expect(`linux/${arch}`).toBe(platform);
    }
    // Each platform runs what it was built as: the arm64 image under QEMU says aarch64.
    expect(execFileSync('docker', ['run', '--rm', '--platform', 'linux/arm64', tag, 'cat', '/arch'], { encoding: 'utf8' }).trim()).toBe('aarch64');
    expect(run.summary).toMatch(/loaded the scanned image sha256:[0-9a-f]{12} \(2 platforms\)/);
    execFileSync('docker', ['image', 'rm', tag]);
  });

  test('a leak in the arm64 image only: found, named by its platform in the annotation and the summary, nothing published', async () => {
    const repo = `sb-e2e/multi-leak-${nonce}`;
    const tag = `${REGISTRY}/${repo}:v1`;
    const { run } = await act(ARM_LEAK, { push: 'true', load: 'true', tags: tag });
    expect(run.main.code).toBe(1);
    const found = errors(run).filter((e) => e.includes('found in the built image'));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/secret "tok" found in the built image: blobs\/sha256\/[0-9a-f]{64}, opt\.cfg \(platform linux\/arm64\)/);
    expect(run.summary).toMatch(/image scan: 1 finding \(in linux\/arm64\)/);
    expect(run.summary).toMatch(
      /<tr><td><code>tok<\/code><\/td><td>linux\/arm64<\/td><td>blobs\/sha256\/[0-9a-f]{64}<br><code>opt\.cfg<\/code><br>step: <code>RUN [^<]*<\/code><\/td><td>raw<\/td><\/tr>/
    );
    expect(errors(run).join('\n')).toMatch(/nothing was published/);
    expect(await registryDigest(repo, 'v1')).toBeUndefined();
    expect(spawnSync('docker', ['image', 'inspect', tag]).status).not.toBe(0);
    expect(run.children.filter((c) => c.argv[0] === 'copy' || c.argv[0] === 'load')).toEqual([]);
  });
});
