/**
 * scannedImages on the small documents the scanner keeps from an archive: OCI layouts (from
 * `type=oci` and Docker 25+ `docker save`) and the legacy `docker save` manifest.json. Every blob is
 * real JSON named by the sha256 of its bytes, as in an OCI layout.
 */
import { describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { blobPlatforms, scannedImages, type ScannedImage } from '../../../src/leak-guard/image-index.js';

/** The images without the parsed config documents, which one test checks on its own. */
const plain = (images: ScannedImage[]) => images.map(({ configDoc: _doc, ...rest }) => rest);

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const IN_TOTO = 'application/vnd.in-toto+json';

interface Blob {
  digest: string;
  name: string;
  hex: string;
  bytes: Buffer;
  size: number;
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

function blob(doc: unknown): Blob {
  const bytes = Buffer.from(JSON.stringify(doc));
  const hex = sha256(bytes);
  return { digest: `sha256:${hex}`, name: `blobs/sha256/${hex}`, hex, bytes, size: bytes.length };
}

/** The documents map as the scanner fills it: name → bytes. */
class Docs extends Map<string, Buffer> {
  add(b: Blob): Blob {
    this.set(b.name, b.bytes);
    return b;
  }
  json(name: string, doc: unknown): this {
    return this.set(name, Buffer.from(JSON.stringify(doc)));
  }
}

const diffId = (s: string) => `sha256:${sha256(`layer ${s}`)}`;
const layerDigest = (s: string) => `sha256:${sha256(`gz ${s}`)}`;

function config(arch: string, layers: string[]) {
  return {
    architecture: arch,
    os: 'linux',
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['/app'] },
    created: '2025-01-02T03:04:05Z',
    history: layers.map((l) => ({ created_by: `RUN ${l}`, comment: 'buildkit.dockerfile.v0' })),
    rootfs: { type: 'layers', diff_ids: layers.map(diffId) }
  };
}

function manifest(cfg: Blob, layers: string[]) {
  return {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: cfg.digest, size: cfg.size },
    layers: layers.map((l) => ({ mediaType: OCI_LAYER, digest: layerDigest(l), size: 1234 }))
  };
}

const desc = (b: Blob, mediaType: string, extra: Record<string, unknown> = {}) => ({ mediaType, digest: b.digest, size: b.size, ...extra });

/** One platform image: config and manifest added to docs. */
function platformImage(docs: Docs, arch: string, layers: string[]) {
  const cfg = docs.add(blob(config(arch, layers)));
  const man = docs.add(blob(manifest(cfg, layers)));
  return { cfg, man, diffIds: layers.map(diffId) };
}

/** An attestation manifest as buildx attaches it (in-toto layers, annotated with the image it describes). */
function attestation(docs: Docs, subject: Blob) {
  const cfg = docs.add(blob({ architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: [diffId(`att ${subject.hex}`)] } }));
  const man = docs.add(
    blob({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: cfg.digest, size: cfg.size },
      layers: [
        {
          mediaType: IN_TOTO,
          digest: layerDigest(`att ${subject.hex}`),
          size: 512,
          annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' }
        }
      ]
    })
  );
  return desc(man, OCI_MANIFEST, {
    platform: { architecture: 'unknown', os: 'unknown' },
    annotations: { 'vnd.docker.reference.digest': subject.digest, 'vnd.docker.reference.type': 'attestation-manifest' }
  });
}

describe('scannedImages', () => {
  test('a single OCI manifest in index.json (type=oci of one platform)', () => {
    const docs = new Docs();
    const img = platformImage(docs, 'amd64', ['base', 'apt-get install', 'COPY app']);
    docs.json('index.json', {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [desc(img.man, OCI_MANIFEST, { annotations: { 'org.opencontainers.image.created': '2025-01-02T03:04:05Z' } })]
    });
    docs.json('oci-layout', { imageLayoutVersion: '1.0.0' });
    expect(plain(scannedImages(docs))).toEqual([{ manifest: img.man.digest, config: img.cfg.digest, diffIds: img.diffIds }]);
  });

  test('an index holding a nested index of two platforms with attestations: the platforms only', () => {
    const docs = new Docs();
    const amd = platformImage(docs, 'amd64', ['base-amd64', 'RUN build']);
    const arm = platformImage(docs, 'arm64', ['base-arm64', 'RUN build']);
    const inner = docs.add(
      blob({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          desc(amd.man, OCI_MANIFEST, { platform: { architecture: 'amd64', os: 'linux' } }),
          desc(arm.man, OCI_MANIFEST, { platform: { architecture: 'arm64', os: 'linux' } }),
          attestation(docs, amd.man),
          attestation(docs, arm.man)
        ]
      })
    );
    docs.json('index.json', {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [desc(inner, OCI_INDEX, { annotations: { 'io.containerd.image.name': 'docker.io/library/app:1', 'org.opencontainers.image.ref.name': '1' } })]
    });
    expect(plain(scannedImages(docs))).toEqual([
      { manifest: amd.man.digest, config: amd.cfg.digest, diffIds: amd.diffIds },
      { manifest: arm.man.digest, config: arm.cfg.digest, diffIds: arm.diffIds }
    ]);
  });

  test('attestation manifests at the top level are skipped too; a manifest listed twice is one image', () => {
    const docs = new Docs();
    const img = platformImage(docs, 'amd64', ['x']);
    docs.json('index.json', { schemaVersion: 2, manifests: [desc(img.man, OCI_MANIFEST), attestation(docs, img.man), desc(img.man, OCI_MANIFEST)] });
    expect(plain(scannedImages(docs))).toEqual([{ manifest: img.man.digest, config: img.cfg.digest, diffIds: img.diffIds }]);
  });

  test('a missing or invalid blob is skipped without throwing', () => {
    const docs = new Docs();
    const good = platformImage(docs, 'amd64', ['ok']);
    const missing = blob(manifest(blob(config('arm64', ['gone'])), ['gone'])); // never added
    const invalid = blob({ placeholder: true });
    docs.set(invalid.name, Buffer.from('{"schemaVersion": 2, "config": {'));
    const binary = blob({ other: 1 });
    docs.set(binary.name, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff]));
    docs.json('index.json', {
      schemaVersion: 2,
      manifests: [
        desc(missing, OCI_MANIFEST),
        desc(invalid, OCI_MANIFEST),
        desc(binary, OCI_MANIFEST),
        desc(good.man, OCI_MANIFEST),
        { mediaType: OCI_MANIFEST }
      ]
    });
    expect(() => scannedImages(docs)).not.toThrow();
    expect(plain(scannedImages(docs))).toEqual([{ manifest: good.man.digest, config: good.cfg.digest, diffIds: good.diffIds }]);
  });

  test('a manifest whose config blob is missing or invalid is an image without diff ids', () => {
    const docs = new Docs();
    const lost = blob(config('amd64', ['a']));
    const manLost = docs.add(blob(manifest(lost, ['a'])));
    const broken = blob(config('arm64', ['b']));
    docs.set(broken.name, Buffer.from('not json'));
    const manBroken = docs.add(blob(manifest(broken, ['b'])));
    docs.json('index.json', { schemaVersion: 2, manifests: [desc(manLost, OCI_MANIFEST), desc(manBroken, OCI_MANIFEST)] });
    expect(plain(scannedImages(docs))).toEqual([
      { manifest: manLost.digest, config: lost.digest, diffIds: [] },
      { manifest: manBroken.digest, config: broken.digest, diffIds: [] }
    ]);
  });

  test.each([
    ['no documents', new Docs()],
    ['an invalid index.json', new Docs().set('index.json', Buffer.from('{"manifests": ['))],
    ['an index.json that is not an object', new Docs().json('index.json', ['x'])],
    ['an empty index', new Docs().json('index.json', { schemaVersion: 2, manifests: [] })]
  ])('%s: no images', (_name, docs) => {
    expect(plain(scannedImages(docs))).toEqual([]);
  });

  test('an index that lists itself ends (the names are not checked against the bytes)', () => {
    const docs = new Docs();
    const img = platformImage(docs, 'amd64', ['loop']);
    const hex = sha256('self');
    docs.json(`blobs/sha256/${hex}`, { schemaVersion: 2, manifests: [{ mediaType: OCI_INDEX, digest: `sha256:${hex}` }, desc(img.man, OCI_MANIFEST)] });
    docs.json('index.json', { schemaVersion: 2, manifests: [{ mediaType: OCI_INDEX, digest: `sha256:${hex}` }] });
    expect(plain(scannedImages(docs))).toEqual([{ manifest: img.man.digest, config: img.cfg.digest, diffIds: img.diffIds }]);
  });

  describe('legacy docker save (manifest.json)', () => {
    test('Config "<64hex>.json" beside the layer directories (before Docker 25)', () => {
      const cfgDoc = config('amd64', ['base', 'app']);
      const bytes = Buffer.from(JSON.stringify(cfgDoc));
      const hex = sha256(bytes);
      const docs = new Docs();
      docs.set(`${hex}.json`, bytes);
      docs.json('manifest.json', [{ Config: `${hex}.json`, RepoTags: ['app:1'], Layers: [`${sha256('l1')}/layer.tar`, `${sha256('l2')}/layer.tar`] }]);
      docs.json('repositories', { app: { '1': sha256('l2') } });
      expect(plain(scannedImages(docs))).toEqual([{ manifest: '', config: `sha256:${hex}`, diffIds: [diffId('base'), diffId('app')] }]);
    });

    test('Config "blobs/sha256/<hex>" (Docker 25+ layout without an index.json image)', () => {
      const docs = new Docs();
      const a = docs.add(blob(config('amd64', ['one'])));
      const b = docs.add(blob(config('amd64', ['one', 'two'])));
      docs.json('manifest.json', [
        { Config: a.name, RepoTags: ['a:1'], Layers: [`blobs/sha256/${sha256('one')}`] },
        { Config: b.name, RepoTags: null, Layers: [`blobs/sha256/${sha256('one')}`, `blobs/sha256/${sha256('two')}`] }
      ]);
      expect(plain(scannedImages(docs))).toEqual([
        { manifest: '', config: a.digest, diffIds: [diffId('one')] },
        { manifest: '', config: b.digest, diffIds: [diffId('one'), diffId('two')] }
      ]);
    });

    test('a config not named by a digest is skipped; a missing config file keeps the config digest without diff ids', () => {
      const docs = new Docs();
      const hex = sha256('absent config');
      docs.json('manifest.json', [{ Config: 'config.json', Layers: [] }, { Layers: [] }, { Config: `${hex}.json`, Layers: [] }]);
      expect(plain(scannedImages(docs))).toEqual([{ manifest: '', config: `sha256:${hex}`, diffIds: [] }]);
    });

    test('an invalid manifest.json: no images, no throw', () => {
      expect(plain(scannedImages(new Docs().set('manifest.json', Buffer.from('[{"Config": '))))).toEqual([]);
    });

    test('Docker 25+ docker save with both index.json and manifest.json: the OCI index wins', () => {
      const docs = new Docs();
      const img = platformImage(docs, 'amd64', ['base']);
      docs.json('index.json', {
        schemaVersion: 2,
        manifests: [desc(img.man, OCI_MANIFEST, { annotations: { 'io.containerd.image.name': 'docker.io/library/app:1' } })]
      });
      docs.json('manifest.json', [{ Config: img.cfg.name, RepoTags: ['app:1'], Layers: [`blobs/sha256/${sha256('base')}`] }]);
      expect(plain(scannedImages(docs))).toEqual([{ manifest: img.man.digest, config: img.cfg.digest, diffIds: img.diffIds }]);
    });
  });

  // The scanner keeps the small top-level entries of every tar it scans, including a
  // `type=tar` output, which is the image's filesystem: a web app's /manifest.json
  // ({"name": ..., "icons": [...]}) is common at the root of a static-site image. legacyImages
  // calls `.flatMap` on whatever manifest.json parses to, so a JSON object (or number, or string)
  // throws "flatMap is not a function"; runScan catches it and reports that output as "could not
  // scan", which fails the step under leak-check: error for a clean build. The same holds for an
  // index.json whose `manifests` is not an array of objects (`[null]`, a number).
  // Suggested fix (src/leak-guard/image-index.ts:57, legacyImages, and :43, visit): check Array.isArray(...) and that each
  // entry is an object with a string Config / digest before using it.
  test.each([
    [
      'a web app manifest (object)',
      new Docs().json('manifest.json', { name: 'App', short_name: 'App', start_url: '/', icons: [{ src: 'icon.png', sizes: '192x192' }] })
    ],
    ['a number', new Docs().json('manifest.json', 42)],
    ['an array holding null', new Docs().json('manifest.json', [null])],
    ['index.json with manifests [null]', new Docs().json('index.json', { manifests: [null] })],
    ['index.json with manifests: 1', new Docs().json('index.json', { manifests: 1 })]
  ])('a top-level document that is not docker save’s (%s) is no image, no throw', (_name, docs) => {
    expect(plain(scannedImages(docs))).toEqual([]);
  });
});

describe('blobPlatforms', () => {
  const blobOf = (digest: string) => `blobs/sha256/${digest.slice(7)}`;

  test('two platforms with attestations, under an index (type=oci of two platforms): each blob named for its platform', () => {
    const docs = new Docs();
    const amd = platformImage(docs, 'amd64', ['base', 'amd only']);
    const arm = platformImage(docs, 'arm64', ['base arm', 'arm only']);
    const index = docs.add(
      blob({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          desc(amd.man, OCI_MANIFEST, { platform: { architecture: 'amd64', os: 'linux' } }),
          desc(arm.man, OCI_MANIFEST, { platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } }),
          attestation(docs, amd.man),
          attestation(docs, arm.man)
        ]
      })
    );
    docs.json('index.json', { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [desc(index, OCI_INDEX)] });
    const where = blobPlatforms(docs);
    expect(where.get(blobOf(layerDigest('arm only')))).toBe('linux/arm64/v8');
    expect(where.get(blobOf(layerDigest('amd only')))).toBe('linux/amd64');
    expect(where.get(amd.cfg.name)).toBe('linux/amd64');
    expect(where.get(arm.man.name)).toBe('linux/arm64/v8');
    expect(where.get(blobOf(layerDigest(`att ${arm.man.hex}`)))).toBe('attestation of linux/arm64/v8');
    // The index itself belongs to no one platform.
    expect(where.has(index.name)).toBe(false);
  });

  test('a layer both platforms share is named for both', () => {
    const docs = new Docs();
    const amd = platformImage(docs, 'amd64', ['shared']);
    const arm = platformImage(docs, 'arm64', ['shared']);
    docs.json('index.json', {
      schemaVersion: 2,
      manifests: [
        desc(amd.man, OCI_MANIFEST, { platform: { architecture: 'amd64', os: 'linux' } }),
        desc(arm.man, OCI_MANIFEST, { platform: { architecture: 'arm64', os: 'linux' } })
      ]
    });
    expect(blobPlatforms(docs).get(blobOf(layerDigest('shared')))).toBe('linux/amd64, linux/arm64');
  });

  test('one platform without a platform field, or no index: nothing to name', () => {
    const docs = new Docs();
    const img = platformImage(docs, 'amd64', ['a']);
    docs.json('index.json', { schemaVersion: 2, manifests: [desc(img.man, OCI_MANIFEST)] });
    expect(blobPlatforms(docs).size).toBe(0);
    expect(blobPlatforms(new Docs()).size).toBe(0);
  });
});
