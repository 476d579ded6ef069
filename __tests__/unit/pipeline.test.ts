/**
 * The main step's ordering rules, against a scripted fake docker and skopeo first on PATH
 * (no engine): masks are registered before anything is printed; the build is the only
 * build; the vault is empty before the scan reads anything and before anything is
 * published; nothing is published (pushed, loaded, tagged) unless the scan passed. As a
 * property over builders, outputs and clean or leaky images.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { coreFixture } from '../support/core-fixture.js';
import { installFakes } from '../support/fake-programs.js';
import { makeTar } from '../support/tar.js';

const core = coreFixture();
const events: string[] = [];
const { setSecret } = core.module;
core.module.setSecret = (s: string) => {
  events.push('mask');
  setSecret(s);
};
const printing = (f: (m: string) => void) => (m: string | Error) => {
  events.push('print');
  f(typeof m === 'string' ? m : m.message);
};
jest.unstable_mockModule('@actions/core', () => ({
  ...core.module,
  info: printing(core.module.info),
  notice: printing(core.module.notice),
  warning: printing(core.module.warning),
  error: printing(core.module.error),
  setFailed: printing(core.module.setFailed),
  startGroup: () => void events.push('print'),
  endGroup: () => undefined
}));
const { run } = await import('../../src/main.js');

const SECRET = 'pipeline-s3cr3t-0123456789abcdef';
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/**
 * One fake for both programs (installed as docker and skopeo): each call appends
 * "<program> <args> | vault=<files in the vault base>" to $FAKE/calls, then answers as the
 * real one would for what the action asks: an OCI export from $FAKE/image.tar, its digest.
 */
const FAKE = `#!/bin/sh
p=$(basename "$0")
n=$(find "$FAKE_VAULT" -type f -name 'secret-[0-9]*' 2>/dev/null | wc -l)
printf '%s %s | vault=%s\\n' "$p" "$*" "$n" >> "$FAKE/calls"
digest=$(cat "$FAKE/digest")
if [ "$p" = skopeo ]; then
  case "$1" in
    --version) echo "skopeo version 1.9.3" ;;
    login) exit 1 ;;
    copy) while [ $# -gt 0 ]; do [ "$1" = --digestfile ] && printf '%s' "$digest" > "$2"; shift; done ;;
  esac
  exit 0
fi
case "$1 $2" in
  "buildx inspect")
    printf 'Name: default\\nDriver: docker\\n'
    [ -e "$FAKE/containerd" ] && printf ' org.mobyproject.buildkit.worker.containerd.uuid: x\\n'
    printf 'BuildKit version: v0.25.2\\n'
    exit 0 ;;
  "buildx history")
    # Another build beside ours, when the test says so: it started a second after ours, and runs on.
    if [ "$3" = ls ] && [ -e "$FAKE/shared" ]; then
      now=$(date -u +%s)
      printf '{"ref":"default/default/abc","created_at":"%s","completed_at":"%s"}\n' "$(date -u -d "@$((now - 3))" +%Y-%m-%dT%H:%M:%SZ)" "$(date -u -d "@$now" +%Y-%m-%dT%H:%M:%SZ)"
      printf '{"ref":"xyz","name":"other","created_at":"%s"}\n' "$(date -u -d "@$((now - 2))" +%Y-%m-%dT%H:%M:%SZ)"
    fi
    exit 0 ;;
  "buildx build")
    while [ $# -gt 0 ]; do
      case "$1" in
        --metadata-file) printf '{"containerimage.digest":"%s","buildx.build.ref":"default/default/abc"}' "$digest" > "$2" ;;
        --iidfile) printf '%s' "$digest" > "$2" ;;
        --file) if [ "$2" = - ]; then cat > "$FAKE/built-dockerfile"; else cp "$2" "$FAKE/built-dockerfile"; fi ;;
        type=oci,dest=*) d="\${1#type=oci,dest=}"; cp "$FAKE/image.tar" "\${d%%,*}" ;;
      esac
      shift
    done
    # A build that fails after its export (the classic store has loaded the image by then).
    [ -e "$FAKE/build-fails" ] && { echo 'ERROR: failed to export attestations' >&2; exit 1; }
    exit 0 ;;
esac
case "$1" in
  save) cat "$FAKE/image.tar" ;;
  load) echo "Loaded image ID: $digest" ;;
esac
exit 0
`;

/** A one-layer OCI archive; `leaky` puts the secret into the layer. */
async function image(leaky: boolean): Promise<{ tar: Buffer; digest: string }> {
  const layer = await makeTar({ 'app/config': Buffer.from(leaky ? `token=${SECRET}\n` : 'token=none\n') });
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha(layer)] } }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha(layer), size: layer.length }]
    })
  );
  const index = { schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(manifest), size: manifest.length }] };
  const blob = (b: Buffer) => [`blobs/sha256/${sha(b).slice(7)}`, b] as const;
  const tar = await makeTar(
    Object.fromEntries([
      ['oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')],
      ['index.json', Buffer.from(JSON.stringify(index))],
      blob(manifest),
      blob(config),
      blob(layer)
    ])
  );
  return { tar, digest: sha(manifest) };
}

let fake: string;
let fakeEnv: { PATH: string; DOCKER_CONFIG: string };
let vault: string;
let workspace: string;
const saved = { ...process.env };

beforeAll(() => {
  fake = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-pipeline-'));
  fakeEnv = installFakes(fake, { docker: FAKE, skopeo: FAKE });
});
afterAll(() => fs.rmSync(fake, { recursive: true, force: true }));

/** A fresh run: no calls, events or messages, a new vault base and workspace, stdout recorded. */
function fresh(): void {
  core.reset();
  events.length = 0;
  fs.rmSync(path.join(fake, 'calls'), { force: true });
  vault = fs.mkdtempSync('/dev/shm/fake-pipeline-vault-');
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-pipeline-ws-'));
  fs.writeFileSync(path.join(workspace, 'Dockerfile'), 'FROM scratch\nRUN --mount=type=secret,id=tok,required=true true\n');
  process.env = {
    ...saved,
    ...fakeEnv,
    FAKE: fake,
    FAKE_VAULT: vault,
    RUNNER_TEMP: workspace,
    GITHUB_WORKSPACE: workspace,
    DOCKER_BUILD_SUMMARY: 'false'
  };
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (!String(chunk).startsWith('::add-mask::')) events.push('print');
    rest.find((r): r is () => void => typeof r === 'function')?.();
    return true;
  });
}

beforeEach(fresh);

afterAll(() => {
  process.env = saved;
});

interface Case {
  containerd: boolean;
  leaky: boolean;
  push: boolean;
  load: boolean;
  /** Another build ran beside ours on the builder. */
  shared?: boolean;
  /** The Dockerfile's frontend takes the step keys (not: a `BUILDKIT_SYNTAX` naming another frontend). */
  keyable?: boolean;
  /** buildx exits non-zero after writing its image id (and, on the classic store, loading the image). */
  buildFails?: boolean;
}

async function runCase(c: Case): Promise<{ calls: string[]; failed: boolean }> {
  const img = await image(c.leaky);
  fs.writeFileSync(path.join(fake, 'image.tar'), img.tar);
  fs.writeFileSync(path.join(fake, 'digest'), img.digest);
  for (const [flag, on] of [
    ['containerd', c.containerd],
    ['shared', !!c.shared],
    ['build-fails', !!c.buildFails]
  ] as const)
    if (on) fs.writeFileSync(path.join(fake, flag), '');
    else fs.rmSync(path.join(fake, flag), { force: true });
  fs.rmSync(path.join(fake, 'built-dockerfile'), { force: true });
  for (const [k, v] of Object.entries({
    secrets: `tok=${SECRET}`,
    context: workspace,
    'tmpfs-dir': vault,
    push: String(c.push),
    load: String(c.load),
    tags: '127.0.0.1:9/app:1',
    'leak-check': 'error',
    'build-args': c.keyable === false ? 'BUILDKIT_SYNTAX=acme/frontend:1' : ''
  }))
    core.inputs.set(k, v);
  try {
    await run();
  } finally {
    jest.restoreAllMocks();
    fs.rmSync(vault, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  }
  const calls = fs.existsSync(path.join(fake, 'calls')) ? fs.readFileSync(path.join(fake, 'calls'), 'utf8').trim().split('\n') : [];
  return { calls, failed: core.messages.some((m) => m.level === 'failed') };
}

const PUBLISHING = /^(skopeo copy|docker (load|tag|push)) /;

function checkOrdering(c: Case, { calls, failed }: { calls: string[]; failed: boolean }): void {
  // Every mask is registered before the first thing printed.
  const firstPrint = events.indexOf('print');
  expect(firstPrint).toBeGreaterThan(-1);
  expect(events.slice(firstPrint)).not.toContain('mask');
  expect(events.filter((e) => e === 'mask').length).toBeGreaterThan(0);
  // One build, with the secret in the vault; every later call finds the vault empty.
  const builds = calls.filter((l) => l.startsWith('docker buildx build '));
  expect(builds).toHaveLength(1);
  expect(builds[0]).toMatch(/\| vault=1$/);
  const after = calls.slice(calls.indexOf(builds[0]) + 1);
  for (const l of after) expect(l).toMatch(/\| vault=0$/);
  // Keyed steps: the build reads the keyed Dockerfile and no look for builds beside it is needed.
  // Not keyed: the look comes before anything is published, and a build beside ours fails the step.
  const looks = calls.filter((l) => l.startsWith('docker buildx history ls '));
  const keyable = c.keyable !== false;
  expect(looks).toHaveLength(keyable ? 0 : 1);
  if (keyable)
    expect(fs.readFileSync(path.join(fake, 'built-dockerfile'), 'utf8')).toMatch(
      /^RUN --mount=type=secret,id=secret-build-key-[0-9a-f]{32},required=false --mount=type=secret,id=tok,/m
    );
  else expect(fs.existsSync(path.join(fake, 'built-dockerfile'))).toBe(false);
  // Nothing reaches a registry or the engine unless the scan passed and no build shared a step; and with them, what was asked.
  const published = calls.filter((l) => PUBLISHING.test(l));
  const blocked = c.leaky || (!keyable && !!c.shared);
  expect(failed).toBe(blocked);
  if (!keyable && published.length) expect(calls.indexOf(looks[0])).toBeLessThan(calls.indexOf(published[0]));
  // Blocked for sharing, it says so (and not for something else).
  if (!c.leaky && blocked)
    expect(core.messages.find((m) => m.level === 'failed')?.text).toMatch(/^1 other build\(s\) ran on this builder at the same time \(other\)/);
  if (blocked) expect(published).toEqual([]);
  else {
    if (c.push && c.containerd) expect(published.some((l) => l.startsWith('skopeo copy '))).toBe(true);
    if (c.push && !c.containerd) expect(published.some((l) => l.startsWith('docker push '))).toBe(true);
    if (c.load && c.containerd) expect(published.some((l) => l.startsWith('docker load '))).toBe(true);
  }
  // The classic store's untagged image that failed the scan is removed again.
  if (c.leaky && !c.containerd) expect(calls.some((l) => l.startsWith('docker image rm --force '))).toBe(true);
  expect(core.everything()).not.toContain(SECRET);
}

describe('pipeline ordering (scripted docker and skopeo)', () => {
  test.each<Case>([
    { containerd: true, leaky: false, push: true, load: false },
    { containerd: true, leaky: true, push: true, load: true },
    { containerd: false, leaky: false, push: false, load: true },
    { containerd: false, leaky: true, push: false, load: true },
    { containerd: true, leaky: false, push: true, load: false, keyable: false, shared: true },
    { containerd: true, leaky: false, push: true, load: false, keyable: false, shared: false },
    { containerd: false, leaky: false, push: false, load: true, keyable: true, shared: true }
  ])('%j', async (c) => {
    checkOrdering(c, await runCase(c));
  });

  test('classic store, buildx failing after it loaded the image: the image, never recorded by its id, is removed from the id file; nothing is published', async () => {
    const { calls, failed } = await runCase({ containerd: false, leaky: false, push: true, load: false, buildFails: true });
    expect(failed).toBe(true);
    const digest = fs.readFileSync(path.join(fake, 'digest'), 'utf8');
    expect(calls.filter((l) => l.startsWith(`docker image rm --force ${digest} `))).toHaveLength(1);
    expect(calls.filter((l) => PUBLISHING.test(l))).toEqual([]);
    expect(core.state.get('loaded-image')).toBe('');
    expect(core.state.get('loaded-image-id-file')).toBe('');
  });

  test('as a property over builder, outputs and a clean or leaky image', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ containerd: fc.boolean(), leaky: fc.boolean(), push: fc.boolean(), load: fc.boolean(), shared: fc.boolean(), keyable: fc.boolean() }),
        async (c) => {
          fresh();
          checkOrdering(c, await runCase(c));
        }
      ),
      { numRuns: 12 }
    );
  });
});
