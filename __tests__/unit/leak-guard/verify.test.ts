/**
 * verifyPublished: is what the publish build produced what was scanned? docker is never run:
 * docker/process.ts `capture` is replaced by a script of answers keyed by argv.
 */
import { beforeEach, describe, expect, jest, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { Log as LogType } from '../../../src/output/log.js';
import type { ScannedImage } from '../../../src/leak-guard/image-index.js';

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** argv (joined by spaces) → answer; an argv not in the script is a failure the test sees in `calls`. */
const script = new Map<string, Captured>();
const calls: string[][] = [];
const capture = jest.fn((args: string[], _log: LogType): Promise<Captured> => {
  calls.push(args);
  return Promise.resolve(script.get(args.join(' ')) ?? { code: 125, stdout: '', stderr: `unscripted: docker ${args.join(' ')}\n` });
});
jest.unstable_mockModule('../../../src/docker/process.js', () => ({ capture }));
const { repository, verifyPublished } = await import('../../../src/leak-guard/verify.js');
const { Log } = await import('../../../src/output/log.js');

const log = Log.forSecrets([]);
const digest = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;
const ok = (doc: unknown): Captured => ({ code: 0, stdout: `${JSON.stringify(doc)}\n`, stderr: '' });

const AMD: ScannedImage = { manifest: digest('manifest amd64'), config: digest('config amd64'), diffIds: [digest('base'), digest('app amd64')] };
const ARM: ScannedImage = { manifest: digest('manifest arm64'), config: digest('config arm64'), diffIds: [digest('base arm'), digest('app arm64')] };
const LEGACY: ScannedImage = { manifest: '', config: digest('config legacy'), diffIds: [digest('legacy layer')] };
const INDEX = digest('index');
const NAME = 'localhost:5000/o/app';
/** What the plan pushed under (pushedNames). */
const PUSHED = [`${NAME}:1`];
const imagetools = (ref: string) => `buildx imagetools inspect --raw ${ref}`;
const imageInspect = (ref: string) => `image inspect --format {{json .RootFS.Layers}} ${ref}`;

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const attestation = (subject: string) => ({
  mediaType: OCI_MANIFEST,
  digest: digest(`attestation ${subject}`),
  size: 840,
  annotations: { 'vnd.docker.reference.digest': subject, 'vnd.docker.reference.type': 'attestation-manifest' },
  platform: { architecture: 'unknown', os: 'unknown' }
});
const platformDesc = (d: string, architecture: string) => ({ mediaType: OCI_MANIFEST, digest: d, size: 1000, platform: { architecture, os: 'linux' } });
const index = (...manifests: unknown[]) => ({ schemaVersion: 2, mediaType: OCI_INDEX, manifests });
const manifestDoc = (config: string) => ({
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: 1500 },
  layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digest('gz'), size: 100 }]
});

beforeEach(() => {
  script.clear();
  calls.length = 0;
  capture.mockClear();
});

describe('verifyPublished', () => {
  describe('from the metadata alone', () => {
    test('containerimage.config.digest equal to a scanned config: ok, nothing inspected', async () => {
      const meta = { 'containerimage.config.digest': AMD.config, 'containerimage.digest': digest('other manifest media types'), 'image.name': `${NAME}:1` };
      await expect(verifyPublished(meta, PUSHED, [AMD, ARM], log)).resolves.toEqual({ ok: true, detail: 'published image = scanned image (1 platform)' });
      expect(calls).toEqual([]);
    });

    test('a config digest of a legacy docker save image matches too', async () => {
      await expect(verifyPublished({ 'containerimage.config.digest': LEGACY.config }, [], [LEGACY], log)).resolves.toMatchObject({ ok: true });
    });

    test('a different config digest: not ok, naming it', async () => {
      const other = digest('config of something else');
      const meta = { 'containerimage.config.digest': other, 'containerimage.digest': AMD.manifest };
      await expect(verifyPublished(meta, PUSHED, [AMD], log)).resolves.toEqual({ ok: false, detail: `the published image (${other}) is not the scanned one` });
      expect(calls).toEqual([]);
    });

    test('an image published but none scanned: not ok (nothing to compare it with)', async () => {
      await expect(verifyPublished({ 'containerimage.digest': INDEX }, PUSHED, [], log)).resolves.toEqual({
        ok: false,
        detail: 'an image was published, but the scan read no image to compare it with'
      });
      await expect(verifyPublished({}, [], [], log)).resolves.toEqual({ ok: true, detail: 'no image was published (cache or file outputs only)' });
      expect(calls).toEqual([]);
    });

    test('containerimage.digest equal to a scanned manifest: ok, nothing inspected', async () => {
      await expect(verifyPublished({ 'containerimage.digest': ARM.manifest, 'image.name': `${NAME}:1` }, PUSHED, [AMD, ARM], log)).resolves.toEqual({
        ok: true,
        detail: 'published image = scanned image (1 platform)'
      });
      expect(calls).toEqual([]);
    });

    test('no image exporter ran (type=cacheonly, cache exports only): nothing to compare, ok', async () => {
      await expect(verifyPublished({ 'buildx.build.ref': 'default/default/x' }, PUSHED, [AMD], log)).resolves.toEqual({
        ok: true,
        detail: 'no image was published (cache or file outputs only)'
      });
    });

    test.each([
      ['a digest that is not a string', { 'containerimage.digest': 42 }],
      ['a config digest that is not a string and no digest', { 'containerimage.config.digest': null }]
    ])('%s: not ok', async (_name, meta) => {
      await expect(verifyPublished(meta, PUSHED, [AMD], log)).resolves.toEqual({ ok: false, detail: 'the publish build reported no image digest' });
    });
  });

  describe('pushed: read back from the registry', () => {
    test('with a type=docker load in the same build the metadata describes the load: the push is read back by its name', async () => {
      // What buildx 0.29 writes for build-push-action's multi-output: the docker exporter's name and digests only.
      const meta = {
        'containerimage.config.digest': digest('docker exporter config'),
        'containerimage.digest': digest('docker manifest'),
        'image.name': 'docker.io/library/app:local'
      };
      script.set(imagetools(`${NAME}:latest`), ok(index(platformDesc(AMD.manifest, 'amd64'), attestation(AMD.manifest))));
      await expect(verifyPublished(meta, [`${NAME}:latest`], [AMD], log)).resolves.toEqual({
        ok: true,
        detail: 'published image = scanned image (1 platform)'
      });
      expect(calls).toEqual([['buildx', 'imagetools', 'inspect', '--raw', `${NAME}:latest`]]);
      // Pushed under a name the metadata does list: read at the published digest, as before.
      calls.length = 0;
      script.set(imagetools(`${NAME}:latest@${INDEX}`), ok(index(platformDesc(AMD.manifest, 'amd64'))));
      const both = { 'containerimage.digest': INDEX, 'image.name': `docker.io/library/app:local,${NAME}:latest` };
      await expect(verifyPublished(both, [`${NAME}:latest`], [AMD], log)).resolves.toMatchObject({ ok: true });
      expect(calls).toEqual([['buildx', 'imagetools', 'inspect', '--raw', `${NAME}:latest@${INDEX}`]]);
    });

    test.each([
      ['app', 'docker.io/library/app'],
      ['app:local', 'docker.io/library/app'],
      ['o/app:1', 'docker.io/o/app'],
      ['docker.io/library/app:1@sha256:00', 'docker.io/library/app'],
      ['localhost:5000/o/app:1', 'localhost:5000/o/app'],
      ['localhost/app', 'localhost/app'],
      ['ghcr.io/o/app', 'ghcr.io/o/app']
    ])('the repository of %s is %s', (ref, repo) => {
      expect(repository(ref)).toBe(repo);
    });

    const meta = { 'containerimage.digest': INDEX, 'image.name': `${NAME}:1,${NAME}:latest` };

    test('an index whose platform manifests were scanned: ok; attestations are not read', async () => {
      script.set(
        imagetools(`${NAME}:1@${INDEX}`),
        ok(index(platformDesc(AMD.manifest, 'amd64'), platformDesc(ARM.manifest, 'arm64'), attestation(AMD.manifest), attestation(ARM.manifest)))
      );
      await expect(verifyPublished(meta, PUSHED, [AMD, ARM], log)).resolves.toEqual({ ok: true, detail: 'published image = scanned image (2 platforms)' });
      expect(calls).toEqual([['buildx', 'imagetools', 'inspect', '--raw', `${NAME}:1@${INDEX}`]]);
    });

    test('an unknown platform manifest whose config is unknown: not ok, naming the config', async () => {
      const strange = digest('manifest riscv64');
      const strangeConfig = digest('config riscv64');
      script.set(imagetools(`${NAME}:1@${INDEX}`), ok(index(platformDesc(AMD.manifest, 'amd64'), platformDesc(strange, 'riscv64'))));
      script.set(imagetools(`${NAME}:1@${strange}`), ok(manifestDoc(strangeConfig)));
      await expect(verifyPublished(meta, PUSHED, [AMD, ARM], log)).resolves.toEqual({
        ok: false,
        detail: `the published image (${strangeConfig}) is not the scanned one`
      });
      expect(calls.slice(0, 2).map((c) => c[4])).toEqual([`${NAME}:1@${INDEX}`, `${NAME}:1@${strange}`]);
      // Last, the configs themselves are compared (cache metadata aside): unknown here too.
      expect(calls[2]).toEqual(['buildx', 'imagetools', 'inspect', `${NAME}:1@${INDEX}`, '--format', '{{json .Image}}']);
    });

    test('an unknown platform manifest with a scanned config (other media types, same image): ok', async () => {
      const dockerTypes = digest('manifest amd64, docker media types');
      script.set(
        imagetools(`${NAME}:1@${INDEX}`),
        ok(index(platformDesc(dockerTypes, 'amd64'), platformDesc(ARM.manifest, 'arm64'), attestation(dockerTypes)))
      );
      script.set(imagetools(`${NAME}:1@${dockerTypes}`), ok({ ...manifestDoc(AMD.config), mediaType: 'application/vnd.docker.distribution.manifest.v2+json' }));
      await expect(verifyPublished(meta, PUSHED, [AMD, ARM], log)).resolves.toEqual({ ok: true, detail: 'published image = scanned image (2 platforms)' });
      expect(calls).toHaveLength(2);
    });

    test('a single manifest (no index) is checked by its own config', async () => {
      const single = digest('single manifest');
      script.set(imagetools(`${NAME}:1@${single}`), ok(manifestDoc(AMD.config)));
      await expect(verifyPublished({ 'containerimage.digest': single, 'image.name': `${NAME}:1` }, PUSHED, [AMD], log)).resolves.toEqual({
        ok: true,
        detail: 'published image = scanned image (1 platform)'
      });
      script.set(imagetools(`${NAME}:1@${single}`), ok(manifestDoc(digest('another config'))));
      await expect(verifyPublished({ 'containerimage.digest': single, 'image.name': `${NAME}:1` }, PUSHED, [AMD], log)).resolves.toMatchObject({ ok: false });
    });

    test('a name that already carries a digest is read at the published digest', async () => {
      script.set(imagetools(`${NAME}@${INDEX}`), ok(index(platformDesc(AMD.manifest, 'amd64'))));
      const named = { 'containerimage.digest': INDEX, 'image.name': `${NAME}@${digest('older')}` };
      await expect(verifyPublished(named, PUSHED, [AMD], log)).resolves.toMatchObject({ ok: true });
      expect(calls).toEqual([['buildx', 'imagetools', 'inspect', '--raw', `${NAME}@${INDEX}`]]);
    });

    test('the index cannot be read: not ok, naming what could not be read and the last stderr line', async () => {
      script.set(imagetools(`${NAME}:1@${INDEX}`), { code: 1, stdout: '', stderr: '#1 resolving\nERROR: localhost:5000/o/app:1@sha256:…: not found\n' });
      await expect(verifyPublished(meta, PUSHED, [AMD], log)).resolves.toEqual({
        ok: false,
        detail: `could not read ${NAME}:1@${INDEX} back from the registry: ERROR: localhost:5000/o/app:1@sha256:…: not found`
      });
    });

    test('a platform manifest cannot be read: not ok, naming it', async () => {
      const strange = digest('manifest s390x');
      script.set(imagetools(`${NAME}:1@${INDEX}`), ok(index(platformDesc(strange, 's390x'))));
      script.set(imagetools(`${NAME}:1@${strange}`), { code: 1, stdout: '', stderr: 'ERROR: unexpected status 401 Unauthorized\n' });
      await expect(verifyPublished(meta, PUSHED, [AMD], log)).resolves.toEqual({
        ok: false,
        detail: `could not read ${NAME}:1@${strange} back from the registry: ERROR: unexpected status 401 Unauthorized`
      });
    });

    test('pushed without an image name: read from the image store instead', async () => {
      script.set(imageInspect(INDEX), ok(AMD.diffIds));
      await expect(verifyPublished({ 'containerimage.digest': INDEX }, PUSHED, [AMD], log)).resolves.toMatchObject({ ok: true });
      expect(calls).toEqual([['image', 'inspect', '--format', '{{json .RootFS.Layers}}', INDEX]]);
    });

    // rawManifest (src/leak-guard/verify.ts:50) JSON.parses the registry's answer unguarded: a
    // code-0 answer that is not JSON (a proxy's HTML page, a truncated body) rejects with a
    // SyntaxError instead of resolving { ok: false }. Still fails the step, but as an unexplained
    // exception rather than "could not read ... back from the registry". The same for localConfigs
    // (:57). Suggested fix: try/catch around JSON.parse, returning the "could not read" text.
    test('an answer that is not JSON: not ok, not an exception', async () => {
      script.set(imagetools(`${NAME}:1@${INDEX}`), { code: 0, stdout: '<html>502 Bad Gateway</html>', stderr: '' });
      await expect(verifyPublished(meta, PUSHED, [AMD], log)).resolves.toMatchObject({ ok: false });
    });
  });

  describe('not pushed: read from the image store it was loaded into', () => {
    const loaded = digest('loaded manifest');
    const meta = { 'containerimage.digest': loaded, 'image.name': 'docker.io/library/app:dev' };

    test('layers equal to a scanned image’s diff ids: ok', async () => {
      script.set(imageInspect(loaded), ok(ARM.diffIds));
      await expect(verifyPublished(meta, [], [AMD, ARM], log)).resolves.toEqual({ ok: true, detail: 'published image = scanned image (1 platform)' });
      expect(calls).toEqual([['image', 'inspect', '--format', '{{json .RootFS.Layers}}', loaded]]);
    });

    test('layers equal to a legacy docker save image’s diff ids: ok', async () => {
      script.set(imageInspect(loaded), ok(LEGACY.diffIds));
      await expect(verifyPublished(meta, [], [LEGACY], log)).resolves.toMatchObject({ ok: true });
    });

    test.each([
      ['one layer more', [...AMD.diffIds, digest('extra')]],
      ['the same layers in another order', [...AMD.diffIds].reverse()],
      ['other layers', [digest('x')]],
      ['no layers', []]
    ])('%s: not ok, naming the layers', async (_name, layers) => {
      script.set(imageInspect(loaded), ok(layers));
      const r = await verifyPublished(meta, [], [AMD], log);
      expect(r).toEqual({ ok: false, detail: `the published image (layers:${JSON.stringify(layers)}) is not the scanned one` });
    });

    test('the image cannot be inspected: not ok, naming it', async () => {
      script.set(imageInspect(loaded), { code: 1, stdout: '', stderr: `Error response from daemon: No such image: ${loaded}\n` });
      await expect(verifyPublished(meta, [], [AMD], log)).resolves.toEqual({ ok: false, detail: `could not inspect the loaded image ${loaded}` });
    });

    test('the registry is never asked', async () => {
      script.set(imageInspect(loaded), ok(AMD.diffIds));
      await verifyPublished(meta, [], [AMD], log);
      expect(calls.some((c) => c[0] === 'buildx')).toBe(false);
    });
  });

  test('every docker call goes through capture with the Log', async () => {
    script.set(imageInspect(INDEX), ok(AMD.diffIds));
    await verifyPublished({ 'containerimage.digest': INDEX }, [], [AMD], log);
    expect(capture).toHaveBeenCalledTimes(1);
    expect(capture.mock.calls[0][1]).toBe(log);
  });
});
