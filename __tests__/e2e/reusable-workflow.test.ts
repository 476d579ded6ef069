/**
 * The reusable workflow's multi-platform path, run here as far as it can run off GitHub:
 * the prepare job's matrix and repository scripts, each leg's build through the bundled
 * action (linux/amd64 natively, linux/arm64 under QEMU), each pushing by digest to the
 * local registry exactly what its leak guard scanned, then the merge job's own `run:`
 * script, taken from .github/workflows/secure-build.yml and run with bash and the env the
 * workflow gives it. The index it makes must hold exactly the images the legs scanned,
 * under the tags of a metadata-action-shaped JSON, in two repositories. The artifacts that
 * carry the digests can be written by any job of the caller's run: the merge must refuse a
 * real image of another commit, of the other leg's platform, or one digest for two legs.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  type ActionRun,
  dockerReady,
  everythingVisible,
  exportedImage,
  KEEP_SCANNED_EXPORT,
  leaksIn,
  REGISTRY,
  registryDigest,
  registryManifest,
  registryReady,
  runAction,
  trackedWorkspaces
} from './harness.js';
import { runStep, type StepRun } from '../support/run-step.js';
import { loadYaml } from '../support/yaml.js';

const MULTI_BASE = 'secret-build-base:multi';

interface Step {
  id?: string;
  name?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Workflow {
  on: { workflow_call: { inputs: Record<string, { default?: unknown }> } };
  jobs: Record<string, { steps: Step[] }>;
}
const WF = loadYaml('.github/workflows/secure-build.yml') as Workflow;
const ATTEST = loadYaml('.github/workflows/secure-build-attest.yml') as Workflow;
const step = (job: string, id: string, wf = WF): Step => {
  const s = wf.jobs[job].steps.find((x) => x.id === id);
  if (!s?.run && id !== 'build') throw new Error(`secure-build.yml: no run step ${job}.${id}`);
  return s!;
};

/** True when the engine holds both platforms of the base and can run arm64 code; in CI their absence fails the run. */
function twoPlatformsReady(): boolean {
  const both = ['linux/amd64', 'linux/arm64'].every((p) => spawnSync('docker', ['image', 'inspect', '--platform', p, MULTI_BASE]).status === 0);
  const qemu = fs.existsSync('/proc/sys/fs/binfmt_misc/qemu-aarch64');
  if (!(both && qemu) && process.env.CI)
    throw new Error(`CI: ${MULTI_BASE} (amd64 + arm64) and QEMU's aarch64 handler are required (bash scripts/setup-qemu.sh)`);
  if (!(both && qemu)) console.warn('\n!!! reusable-workflow tests SKIPPED: no two-platform base or no QEMU. Run: sudo bash scripts/setup-qemu.sh !!!\n');
  return both && qemu;
}

const ready = dockerReady() && (await registryReady()) && twoPlatformsReady();
const e2e = ready ? describe : describe.skip;
const nonce = randomBytes(5).toString('hex');
const TOK = `rw-tok-${randomBytes(8).toString('hex')}`;
const newWorkspace = trackedWorkspaces(afterAll);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-e2e-rw-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Each platform's image records its own architecture, so the two images differ. */
const DOCKERFILE = `FROM ${MULTI_BASE}\nRUN --mount=type=secret,id=tok,required=true test -s /run/secrets/tok && uname -m > /arch\n`;

const REPO = `sb-e2e/rw-${nonce}`;
const MIRROR = `sb-e2e/rw-mirror-${nonce}`;
const REVISION = randomBytes(20).toString('hex');
/** Another commit's build of the same image, pushed to the same repository (an earlier run, another branch). */
const OTHER_REVISION = randomBytes(20).toString('hex');
/** docker/metadata-action's `json` output, as its getJSON makes it with DOCKER_METADATA_ANNOTATIONS_LEVELS=manifest,index. */
const metadataFor = (revision: string) => ({
  tags: [`${REGISTRY}/${REPO}:main`, `${REGISTRY}/${REPO}:sha-${revision.slice(0, 7)}`, `${REGISTRY}/${MIRROR}:main`],
  'tag-names': ['main', `sha-${revision.slice(0, 7)}`],
  labels: { 'org.opencontainers.image.revision': revision, 'org.opencontainers.image.title': 'rw' },
  annotations: [
    `manifest:org.opencontainers.image.revision=${revision}`,
    'manifest:org.opencontainers.image.title=rw',
    `index:org.opencontainers.image.revision=${revision}`,
    'index:org.opencontainers.image.title=rw'
  ]
});
const METADATA = metadataFor(REVISION);
/** metadata-action's `labels` and `annotations` outputs: one a line. */
const metaLabels = (m: typeof METADATA) =>
  Object.entries(m.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
const metaAnnotations = (m: typeof METADATA) => m.annotations.join('\n');

type Bash = StepRun;

/** A `run:` script as the runner runs it (support/run-step.ts), a docker build's time allowed; `pathPrefix` goes before PATH. */
const runScript = (script: string, env: Record<string, string>, pathPrefix?: string): Bash =>
  runStep(script, env, { timeout: 300_000, ...(pathPrefix ? { PATH: `${pathPrefix}:${process.env.PATH}` } : {}) });

const why = (r: Bash) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

/** The merge step's env as the workflow writes it: the test gives each variable the value its expression stands for. */
function mergeEnv(values: Record<string, string>): Record<string, string> {
  expect(Object.keys(step('merge', 'merge').env ?? {}).sort()).toEqual(Object.keys(values).sort());
  return values;
}

interface Leg {
  platform: string;
  runner: string;
  slug: string;
}
interface Built {
  leg: Leg;
  run: ActionRun;
  scanned: { digest: string; platforms: Record<string, string> };
}

let legs: Leg[];
let matrix: string;
let built: Built[];
/** The linux/amd64 leg's image as a build of OTHER_REVISION pushed it. */
let other: Built;
/** The merge's outputs, once it made the index. */
let merged: Record<string, string> | undefined;

/** The name input the merge's env and the artifacts' names use. */
const NAME = 'image';
/**
 * The digests dir download-artifact (merge-multiple: false) leaves: a directory an artifact,
 * secure-build.<name>.<slug>, holding the file <slug> with the leg's digest.
 */
function digestsDir(entries: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'digests-'));
  for (const [slug, digest] of Object.entries(entries)) {
    fs.mkdirSync(path.join(dir, `secure-build.${NAME}.${slug}`));
    fs.writeFileSync(path.join(dir, `secure-build.${NAME}.${slug}`, slug), `${digest}\n`);
  }
  return dir;
}

/** The merge step's shipped script with the env the workflow gives it: these tags, these digests a leg. */
function runMerge(metadata: typeof METADATA, digests: Record<string, string>, pathPrefix?: string): Bash {
  return runScript(
    step('merge', 'merge').run!,
    mergeEnv({ METADATA_JSON: JSON.stringify(metadata), MATRIX: matrix, NAME, SOURCE_REPOSITORY: `${REGISTRY}/${REPO}`, DIGESTS_DIR: digestsDir(digests) }),
    pathPrefix
  );
}
const scannedDigests = () => Object.fromEntries(built.map((b) => [b.leg.slug, b.scanned.digest]));

e2e('secure-build.yml: native legs pushed by digest, merged into one index', () => {
  beforeAll(async () => {
    // prepare: the matrix from the runners input's default, by the workflow's own script.
    const m = runScript(step('prepare', 'matrix').run!, { RUNNERS: String(WF.on.workflow_call.inputs.runners.default), NAME: 'image' });
    if (m.code !== 0) throw new Error(`prepare's matrix script failed: ${why(m)}`);
    matrix = m.outputs.matrix;
    legs = (JSON.parse(matrix) as { include: Leg[] }).include;
    const r = runScript(step('prepare', 'repository').run!, { METADATA_JSON: JSON.stringify(METADATA) });
    if (r.outputs.repository !== `${REGISTRY}/${REPO}`) throw new Error(`prepare's repository script gave "${r.outputs.repository}": ${why(r)}`);

    // build: each leg through the action, with the inputs the workflow gives it (push: true).
    const outputsExpr = /format\('([^']+)', needs\.prepare\.outputs\.repository\)/.exec(step('build', 'build').with!.outputs)?.[1];
    if (!outputsExpr) throw new Error(`the build step's outputs input is not the push-by-digest format: ${step('build', 'build').with!.outputs}`);
    const buildLeg = async (leg: Leg, metadata: typeof METADATA): Promise<Built> => {
      const ws = newWorkspace({ Dockerfile: DOCKERFILE });
      fs.writeFileSync(path.join(ws.shimDir, 'after.sh'), KEEP_SCANNED_EXPORT);
      const run = await runAction(ws, {
        secrets: `tok=${TOK}`,
        platforms: leg.platform,
        outputs: outputsExpr.replace('{0}', r.outputs.repository),
        labels: `${metaLabels(metadata)}\n`,
        annotations: `${metaAnnotations(metadata)}\n`,
        provenance: 'mode=min',
        // A layer cached by an earlier run holds that run's secret value, which this scan does not know.
        'no-cache': 'true'
      });
      if (run.main.code !== 0) throw new Error(`the ${leg.platform} leg failed:\n${run.main.stdout}\n${run.main.stderr}`);
      expect(leaksIn(everythingVisible(run), [TOK])).toEqual([]);
      const scanned = await exportedImage(path.join(ws.shimDir, 'scanned.tar'));
      return { leg, run, scanned };
    };
    [other, ...built] = await Promise.all([buildLeg(legs[0], metadataFor(OTHER_REVISION)), ...legs.map((leg) => buildLeg(leg, METADATA))]);
  }, 900_000);

  test('the default runners: linux/amd64 on ubuntu-24.04, linux/arm64 on ubuntu-24.04-arm', () => {
    expect(legs).toEqual([
      { platform: 'linux/amd64', runner: 'ubuntu-24.04', slug: 'linux-amd64' },
      { platform: 'linux/arm64', runner: 'ubuntu-24.04-arm', slug: 'linux-arm64' }
    ]);
  });

  test('each leg pushed by digest exactly its scanned export: its platform image and its attestation, nothing tagged', async () => {
    for (const { leg, run, scanned } of built) {
      expect(run.outputs.digest).toBe(scanned.digest);
      expect(Object.keys(scanned.platforms).sort()).toEqual([leg.platform, `attestation of ${scanned.platforms[leg.platform]}`].sort());
      expect(await registryDigest(REPO, scanned.digest)).toBe(scanned.digest);
      // metadata-action's manifest annotations reached the leg's image.
      const image = (await registryManifest(REPO, scanned.platforms[leg.platform]))!.doc as { annotations?: Record<string, string> };
      expect(image.annotations?.['org.opencontainers.image.revision']).toBe(REVISION);
      // And its labels, in the image config.
      const configDigest = (image as { config?: { digest: string } }).config!.digest;
      const config = (await (await fetch(`http://${REGISTRY}/v2/${REPO}/blobs/${configDigest}`)).json()) as { config?: { Labels?: Record<string, string> } };
      expect(config.config?.Labels).toMatchObject(METADATA.labels);
    }
    expect(await registryDigest(REPO, 'main')).toBeUndefined();
  });

  test("the merge step's script makes one index of exactly the legs' scanned images, under every tag, with the index annotations", async () => {
    const r = runMerge(METADATA, scannedDigests());
    expect({ code: r.code, why: r.code === 0 ? '' : why(r) }).toEqual({ code: 0, why: '' });
    merged = r.outputs;

    const index = await registryManifest(REPO, 'main');
    expect(index).toBeDefined();
    expect(r.outputs.digest).toBe(index!.digest);
    // Every tag, in both repositories, is that one index.
    for (const tag of METADATA.tags) {
      const [, repo, ref] = /^[^/]+\/(.+):([^:]+)$/.exec(tag)!;
      expect({ tag, digest: await registryDigest(repo, ref) }).toEqual({ tag, digest: index!.digest });
    }
    // Exactly the images the legs scanned and pushed: each platform's image and its attestation, nothing else.
    const doc = index!.doc as {
      manifests: { digest: string; platform?: { os: string; architecture: string } }[];
      annotations?: Record<string, string>;
    };
    const want = built.flatMap((b) => Object.values(b.scanned.platforms)).sort();
    expect(doc.manifests.map((m) => m.digest).sort()).toEqual(want);
    for (const { leg, scanned } of built) {
      const [os_, arch] = leg.platform.split('/');
      const images = doc.manifests.filter((m) => m.platform?.os === os_ && m.platform?.architecture === arch);
      expect({ platform: leg.platform, images: images.map((m) => m.digest) }).toEqual({ platform: leg.platform, images: [scanned.platforms[leg.platform]] });
    }
    expect(doc.annotations?.['org.opencontainers.image.revision']).toBe(REVISION);
    expect(JSON.parse(r.outputs.digests)).toEqual(Object.fromEntries(built.map((b) => [b.leg.platform, b.scanned.digest])));
    // And the image runs as each leg built it.
    const arm = spawnSync('docker', ['run', '--rm', '--pull', 'always', '--platform', 'linux/arm64', `${REGISTRY}/${REPO}:main`, 'cat', '/arch'], {
      encoding: 'utf8'
    });
    expect(arm.stdout.trim()).toBe('aarch64');
    spawnSync('docker', ['image', 'rm', `${REGISTRY}/${REPO}:main`]);
  }, 300_000);

  test('imagetools create failing once (a registry error): tried again with the same digests and tags, the same index', () => {
    expect(merged?.digest).toBeDefined();
    // A docker in front of the real one: its first `buildx imagetools create` fails as a registry would.
    const bin = fs.mkdtempSync(path.join(tmp, 'flaky-docker-'));
    const real = spawnSync('bash', ['-c', 'command -v docker'], { encoding: 'utf8' }).stdout.trim();
    fs.writeFileSync(
      path.join(bin, 'docker'),
      `#!/bin/bash\nif [[ "$1 $2 $3" == "buildx imagetools create" && ! -e ${bin}/failed ]]; then touch ${bin}/failed; echo "ERROR: blob unknown to registry" >&2; exit 1; fi\nexec ${real} "$@"\n`,
      { mode: 0o755 }
    );
    const r = runMerge(METADATA, scannedDigests(), bin);
    expect({ code: r.code, why: r.code === 0 ? '' : why(r) }).toEqual({ code: 0, why: '' });
    expect(fs.existsSync(path.join(bin, 'failed'))).toBe(true);
    expect(r.stdout).toMatch(/::warning::docker buildx imagetools create failed \(attempt 1 of 3\); trying again/);
    expect(r.outputs.digest).toBe(merged!.digest);
  }, 300_000);

  test("a digest no leg pushed: the merge fails with the registry's reason and tags nothing", () => {
    const repoTag = `${REGISTRY}/${REPO}:wrong-${nonce}`;
    const wrong = `sha256:${'0'.repeat(64)}`;
    const r = runMerge({ ...METADATA, tags: [repoTag] }, { [built[0].leg.slug]: built[0].scanned.digest, [built[1].leg.slug]: wrong });
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/not found|unknown|404/i);
    return expect(registryDigest(REPO, `wrong-${nonce}`)).resolves.toBeUndefined();
  });

  test('a leg without a digest, or a digest file no leg has: refused, naming it, before anything is created', () => {
    const env = (dir: string) =>
      mergeEnv({
        METADATA_JSON: JSON.stringify({ ...METADATA, tags: [`${REGISTRY}/${REPO}:partial-${nonce}`] }),
        MATRIX: matrix,
        NAME,
        SOURCE_REPOSITORY: `${REGISTRY}/${REPO}`,
        DIGESTS_DIR: dir
      });
    const missing = runScript(step('merge', 'merge').run!, env(digestsDir({ [built[0].leg.slug]: built[0].scanned.digest })));
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain(`::error::no digest from the ${built[1].leg.platform} leg`);
    const extra = runScript(
      step('merge', 'merge').run!,
      env(digestsDir({ ...Object.fromEntries(built.map((b) => [b.leg.slug, b.scanned.digest])), 'linux-s390x': built[0].scanned.digest }))
    );
    expect(extra.code).toBe(1);
    expect(extra.stdout).toContain('::error::3 digest files for 2 legs');
    const notDigest = runScript(step('merge', 'merge').run!, env(digestsDir({ [built[0].leg.slug]: built[0].scanned.digest, [built[1].leg.slug]: 'latest' })));
    expect(notDigest.code).toBe(1);
    expect(notDigest.stdout).toContain(`::error::the ${built[1].leg.platform} leg's digest is not a sha256 digest`);
    expect(spawnSync('docker', ['buildx', 'imagetools', 'inspect', `${REGISTRY}/${REPO}:partial-${nonce}`]).status).not.toBe(0);
  });

  test("secure-build-attest.yml's check: the subject must be the index of exactly the digests' images", () => {
    expect(merged?.digest).toMatch(/^sha256:/);
    const check = (digest: string, digests: Record<string, string>) => {
      const env = { SUBJECT: `${REGISTRY}/${REPO}`, DIGEST: digest, DIGESTS: JSON.stringify(digests) };
      expect(Object.keys(step('attest', 'check', ATTEST).env ?? {}).sort()).toEqual(Object.keys(env).sort());
      return runScript(step('attest', 'check', ATTEST).run!, env);
    };
    const legsDigests = JSON.parse(merged!.digests) as Record<string, string>;
    const ok = check(merged!.digest, legsDigests);
    expect({ code: ok.code, why: ok.code === 0 ? '' : why(ok) }).toEqual({ code: 0, why: '' });
    // Another build's image for a leg; one leg missing; a leg's own index as the subject.
    const stale = check(merged!.digest, { ...legsDigests, 'linux/amd64': other.scanned.digest });
    expect({ code: stale.code, error: /::error::.* holds .*, not the images of digests/.test(stale.stdout) }).toEqual({ code: 1, error: true });
    const missing = check(merged!.digest, { 'linux/amd64': legsDigests['linux/amd64'] });
    expect(missing.code).toBe(1);
    const leg = check(legsDigests['linux/amd64'], legsDigests);
    expect(leg.code).toBe(1);
    expect(check(merged!.digest, {}).stdout).toContain("::error::digests: secure-build.yml's digests output");
  });

  /** The merge with these digests a leg under a tag of its own; the tag must not exist afterwards. */
  const mergeWith = (label: string, digests: Record<string, string>, metadata = METADATA) => {
    const tag = `${label}-${nonce}`;
    const r = runMerge({ ...metadata, tags: [`${REGISTRY}/${REPO}:${tag}`] }, digests);
    return { r, tag };
  };
  const [amd64, arm64] = ['linux-amd64', 'linux-arm64'];

  test("another commit's build of the leg's platform, pushed to the same repository: refused, naming both revisions, nothing tagged", async () => {
    expect(other.leg.slug).toBe(amd64);
    const { r, tag } = mergeWith('other-commit', { [amd64]: other.scanned.digest, [arm64]: built[1].scanned.digest });
    expect({ code: r.code, stdout: r.stdout }).toEqual({
      code: 1,
      stdout: expect.stringContaining(
        `::error::the linux/amd64 leg's digest ${other.scanned.digest} is an image of revision ${OTHER_REVISION}, not ${REVISION}, the commit this run builds`
      )
    });
    await expect(registryDigest(REPO, tag)).resolves.toBeUndefined();
    // And the other way round: this run's legs, merged for the other commit.
    const back = mergeWith('other-run', Object.fromEntries(built.map((b) => [b.leg.slug, b.scanned.digest])), metadataFor(OTHER_REVISION));
    expect(back.r.code).toBe(1);
    expect(back.r.stdout).toContain(`is an image of revision ${REVISION}, not ${OTHER_REVISION}`);
    await expect(registryDigest(REPO, back.tag)).resolves.toBeUndefined();
  });

  test("the other leg's digests, swapped: refused, naming each platform, nothing tagged", async () => {
    const { r, tag } = mergeWith('swapped', { [amd64]: built[1].scanned.digest, [arm64]: built[0].scanned.digest });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`::error::the linux/amd64 leg's digest ${built[1].scanned.digest} is an image for linux/arm64, not linux/amd64`);
    await expect(registryDigest(REPO, tag)).resolves.toBeUndefined();
  });

  test('one digest for both legs: refused before the registry is asked, nothing tagged', async () => {
    for (const d of [built[0].scanned.digest, built[1].scanned.digest]) {
      const { r, tag } = mergeWith('twice', { [amd64]: d, [arm64]: d });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`::error::the linux/amd64 and linux/arm64 legs have the same digest ${d}: each leg pushes an image of its own`);
      await expect(registryDigest(REPO, tag)).resolves.toBeUndefined();
    }
  });

  test("a platform image's own digest instead of the leg's (what a leg without attestations hands over): refused when of another platform or commit", async () => {
    // A leg that pushes a lone manifest (no attestations) hands over that manifest's digest.
    const image = built[0].scanned.platforms['linux/amd64'];
    const wrongLeg = mergeWith('lone-arm', { [amd64]: built[0].scanned.digest, [arm64]: image });
    expect(wrongLeg.r.code).toBe(1);
    expect(wrongLeg.r.stdout).toContain(`::error::the linux/arm64 leg's digest ${image} is an image for linux/amd64, not linux/arm64`);
    await expect(registryDigest(REPO, wrongLeg.tag)).resolves.toBeUndefined();
    const otherImage = other.scanned.platforms['linux/amd64'];
    const otherCommit = mergeWith('lone-other', { [amd64]: otherImage, [arm64]: built[1].scanned.digest });
    expect(otherCommit.r.code).toBe(1);
    expect(otherCommit.r.stdout).toContain(`is an image of revision ${OTHER_REVISION}, not ${REVISION}`);
  });

  test('prepare refuses a runners list that is not one entry a platform', () => {
    const bad = (runners: string) => runScript(step('prepare', 'matrix').run!, { RUNNERS: runners, NAME: 'image' });
    for (const runners of [
      '[]',
      '{"platform":"linux/amd64"}',
      '[{"platform":"linux/amd64"}]',
      '[{"platform":"amd64","runner":"x"}]',
      '[{"platform":"linux/amd64","runner":"a"},{"platform":"linux/amd64","runner":"b"}]',
      // The same platform as BuildKit records it.
      '[{"platform":"linux/arm64","runner":"a"},{"platform":"linux/arm64/v8","runner":"b"}]',
      '[{"platform":"linux/arm","runner":"a"},{"platform":"linux/arm/v7","runner":"b"}]'
    ]) {
      const r = bad(runners);
      expect({ runners, code: r.code, error: r.stdout.startsWith('::error::input "runners": ') }).toEqual({ runners, code: 1, error: true });
    }
    expect(runScript(step('prepare', 'matrix').run!, { RUNNERS: '[]', NAME: '../x' }).stdout).toContain('::error::input "name"');
    // A dot would let one name's artifacts match another's pattern (secure-build.<name>.*).
    expect(runScript(step('prepare', 'matrix').run!, { RUNNERS: '[]', NAME: 'app.x' }).stdout).toContain('::error::input "name"');
  });

  test("prepare normalises platforms as BuildKit records them, the merge's comparison included", () => {
    const r = runScript(step('prepare', 'matrix').run!, {
      RUNNERS: '[{"platform":"linux/arm64/v8","runner":"a"},{"platform":"linux/arm","runner":"b"},{"platform":"linux/amd64","runner":"c"}]',
      NAME: 'image'
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.outputs.matrix)).toEqual({
      include: [
        { platform: 'linux/arm64', runner: 'a', slug: 'linux-arm64' },
        { platform: 'linux/arm/v7', runner: 'b', slug: 'linux-arm-v7' },
        { platform: 'linux/amd64', runner: 'c', slug: 'linux-amd64' }
      ]
    });
  });
});
