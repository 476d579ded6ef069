/**
 * The action on two more kinds of buildx builder than the engine's and sb-remote:
 *  - sb-container: the docker-container driver, docker/setup-buildx-action's default (BuildKit in
 *    a container of the engine; scripts/buildkit-container.sh builds its image and creates it);
 *  - sb-nodes: two remote BuildKit nodes, linux/amd64 on one and linux/arm64 (under QEMU) on
 *    the other, so a two-platform build is split between them (scripts/buildkitd.sh).
 * On each, a leak stops everything and load: true puts the scanned image in the engine. On
 * sb-container a two-platform push publishes the one scanned export. On sb-nodes it cannot:
 * buildx refuses an OCI export (what the action scans) of a build split over nodes ("oci for
 * multi-node builds currently not supported"; only push=true merges the nodes' results, which
 * would publish before the scan), so the action must fail closed there, and a one-platform push
 * must go to the node of that platform.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
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
  registryReady,
  runAction,
  type Workspace,
  trackedWorkspaces
} from './harness.js';

/** A two-platform index the local registry holds (scripts/setup-qemu.sh pushes it). */
const BASE = '127.0.0.1:5000/secret-build-base:multi';

const BUILDERS = [
  {
    name: 'sb-container',
    driver: 'docker-container',
    multiNode: false,
    setup: 'sudo bash scripts/setup-buildkit.sh && sudo bash scripts/buildkit-container.sh start'
  },
  { name: 'sb-nodes', driver: 'remote', multiNode: true, setup: 'sudo bash scripts/setup-buildkit.sh && sudo bash scripts/buildkitd.sh start' }
];

const base = dockerReady() && (await registryReady());
const nonce = randomBytes(5).toString('hex');
const TOK = `builders-tok-${randomBytes(8).toString('hex')}`;
const newWorkspace = trackedWorkspaces(afterAll);

const CLEAN = `FROM ${BASE}\nRUN --mount=type=secret,id=tok,required=true test -s /run/secrets/tok && uname -m > /arch\n`;
/** The secret written into the final image in a way the preflight cannot read: the scan must stop it. */
const LEAKY = `FROM ${BASE}\nRUN --mount=type=secret,id=tok,required=true ${hidden('cp /run/secrets/tok /leaked')}\n`;

const errors = (run: ActionRun) => run.main.stdout.split('\n').filter((l) => l.startsWith('::error'));

/** The nodes of builder `name` that ran builds of workspace `ws` (buildx history refs are builder/node/id). */
function nodesThatBuilt(name: string, ws: Workspace): string[] {
  const out = execFileSync('docker', ['buildx', 'history', 'ls', '--builder', name, '--format', '{{json .}}'], { encoding: 'utf8' });
  const records = out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { name?: string; ref?: string });
  return [...new Set(records.filter((r) => r.name === path.basename(ws.dir)).map((r) => r.ref?.split('/')[1] ?? ''))];
}

for (const { name, driver, multiNode, setup } of BUILDERS) {
  const ready = base && builderReady(name, driver, setup);

  async function act(dockerfile: string, inputs: Record<string, string>): Promise<{ run: ActionRun; ws: Workspace }> {
    const ws = newWorkspace({ Dockerfile: dockerfile });
    fs.writeFileSync(path.join(ws.shimDir, 'after.sh'), KEEP_SCANNED_EXPORT);
    const run = await runAction(ws, { secrets: `tok=${TOK}`, builder: name, ...inputs });
    expect(leaksIn(everythingVisible(run), [TOK])).toEqual([]);
    expect(leftovers(ws.runtimeDir)).toEqual([]);
    expect(builds(run).length).toBeLessThanOrEqual(1);
    for (const b of builds(run)) expect(b.argv.join(' ')).toMatch(new RegExp(`--builder[ =]${name}\\b`));
    return { run, ws };
  }

  (ready ? describe : describe.skip)(`buildx builder ${name} (${driver} driver)`, () => {
    (multiNode ? test.skip : test)('a clean two-platform push: one build; the registry holds the scanned export (= the digest output)', async () => {
      const repo = `sb-e2e/${name}-${nonce}`;
      const { run, ws } = await act(CLEAN, { push: 'true', tags: `${REGISTRY}/${repo}:v1`, platforms: 'linux/amd64,linux/arm64' });
      expect(errors(run)).toEqual([]);
      expect(run.main.code).toBe(0);
      expect(builds(run)).toHaveLength(1);
      expect(builds(run)[0].argv).not.toContain('--push');
      const scanned = await exportedImage(path.join(ws.shimDir, 'scanned.tar'));
      expect(scanned.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(Object.keys(scanned.platforms)).toEqual(expect.arrayContaining(['linux/amd64', 'linux/arm64']));
      expect(run.outputs.digest).toBe(scanned.digest);
      expect(await registryDigest(repo, 'v1')).toBe(scanned.digest);
    });

    (multiNode ? test : test.skip)(
      'a two-platform push split over the nodes: refused by buildx, the action fails closed, nothing in the registry',
      async () => {
        const repo = `sb-e2e/${name}-split-${nonce}`;
        const { run } = await act(CLEAN, { push: 'true', tags: `${REGISTRY}/${repo}:v1`, platforms: 'linux/amd64,linux/arm64' });
        expect(run.main.code).toBe(1);
        expect(errors(run).join('\n')).toMatch(/oci for multi-node builds currently not supported%0Athis builder builds the platforms on different nodes/);
        expect(await registryDigest(repo, 'v1')).toBeUndefined();
        expect(run.children.filter((c) => c.program === 'skopeo' && c.argv[0] === 'copy')).toEqual([]);
      }
    );

    (multiNode ? test : test.skip)('an arm64 push: built on the arm64 node; the registry holds the scanned export (= the digest output)', async () => {
      const repo = `sb-e2e/${name}-arm-${nonce}`;
      const { run, ws } = await act(CLEAN, { push: 'true', tags: `${REGISTRY}/${repo}:v1`, platforms: 'linux/arm64' });
      expect(errors(run)).toEqual([]);
      expect(run.main.code).toBe(0);
      expect(builds(run)).toHaveLength(1);
      const scanned = await exportedImage(path.join(ws.shimDir, 'scanned.tar'));
      expect(run.outputs.digest).toBe(scanned.digest);
      expect(await registryDigest(repo, 'v1')).toBe(scanned.digest);
      expect(nodesThatBuilt(name, ws)).toEqual([`${name}-arm`]);
    });

    test('a leak hidden from the preflight, with push: found, named, nothing in the registry', async () => {
      const repo = `sb-e2e/${name}-leaky-${nonce}`;
      // no-cache: a layer cached by an earlier run holds that run's (other) secret value, which this scan does not know.
      const { run } = await act(LEAKY, { push: 'true', tags: `${REGISTRY}/${repo}:v1`, 'no-cache': 'true' });
      expect(run.main.code).toBe(1);
      expect(errors(run).join('\n')).toMatch(/secret "tok" found/);
      expect(errors(run).join('\n')).toMatch(/nothing was published/);
      expect(builds(run)).toHaveLength(1);
      expect(await registryDigest(repo, 'v1')).toBeUndefined();
    });

    test('load: true: the scanned image reaches the engine, its Id the imageid output', async () => {
      const tag = `sb-e2e-${name}-load-${nonce}:v1`;
      const { run } = await act(CLEAN, { load: 'true', tags: tag });
      expect(errors(run)).toEqual([]);
      expect(run.main.code).toBe(0);
      expect(builds(run)).toHaveLength(1);
      const id = execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', tag], { encoding: 'utf8' }).trim();
      expect(run.outputs.imageid).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(id).toBe(run.outputs.imageid);
      execFileSync('docker', ['image', 'rm', tag]);
    });
  });
}
