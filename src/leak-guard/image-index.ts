/**
 * The images inside a scanned archive (an OCI layout from `type=oci` or `docker save`):
 * for each platform manifest, its digest, its config digest and the layers' diff ids,
 * read from the small JSON documents the scanner kept. Attestation manifests are
 * skipped: they describe an image, they are not one. Pure.
 */
export interface ScannedImage {
  manifest: string;
  config: string;
  /** Digests of the uncompressed layers, from the config's rootfs: what the image is made of. */
  diffIds: string[];
  /** The config itself (env, labels, history, rootfs), to compare when digests differ only by BuildKit metadata. */
  configDoc?: unknown;
}

interface Descriptor {
  mediaType?: string;
  digest?: string;
  annotations?: Record<string, string>;
}

interface IndexOrManifest {
  manifests?: Descriptor[];
  config?: Descriptor;
}

const ATTESTATION = 'attestation-manifest';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a type guard over parsed JSON of unknown shape
function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const blobName = (digest: string) => `blobs/${digest.replace(':', '/')}`;

function json<T>(docs: ReadonlyMap<string, Buffer>, name: string): T | undefined {
  const b = docs.get(name);
  if (!b) return undefined;
  try {
    return JSON.parse(b.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

export function scannedImages(docs: ReadonlyMap<string, Buffer>): ScannedImage[] {
  const out = new Map<string, ScannedImage>();
  eachImage(docs, (digest, _manifest, configDigest) => {
    const config = json<{ rootfs?: { diff_ids?: string[] } }>(docs, blobName(configDigest));
    out.set(digest, { manifest: digest, config: configDigest, diffIds: config?.rootfs?.diff_ids ?? [], configDoc: config });
  });
  return out.size ? [...out.values()] : legacyImages(docs);
}

type Manifest = IndexOrManifest & { layers?: Descriptor[] };

/**
 * Each image manifest under index.json, with its digest ('' for a manifest at the top):
 * indexes are followed, attestation manifests skipped (they describe an image, they are not one).
 */
function eachImage(docs: ReadonlyMap<string, Buffer>, fn: (digest: string, manifest: Manifest, configDigest: string) => void): void {
  const visit = (name: string, digest: string, depth: number) => {
    const doc = json<Manifest>(docs, name);
    // Any JSON may sit at the top of a tar output (a web app's manifest.json): only the shapes of an image count.
    if (!isObject(doc) || depth > 4) return;
    for (const d of Array.isArray(doc.manifests) ? doc.manifests : []) {
      if (isObject(d) && typeof d.digest === 'string' && d.annotations?.['vnd.docker.reference.type'] !== ATTESTATION)
        visit(blobName(d.digest), d.digest, depth + 1);
    }
    if (isObject(doc.config) && typeof doc.config.digest === 'string') fn(digest, doc, doc.config.digest);
  };
  visit('index.json', '', 0);
}

/** `docker save` before Docker 25: manifest.json names each image's config file, `<hex>.json` or a blob. */
function legacyImages(docs: ReadonlyMap<string, Buffer>): ScannedImage[] {
  const list = json<unknown>(docs, 'manifest.json');
  return (Array.isArray(list) ? (list as unknown[]) : []).flatMap((m) => {
    if (!isObject(m) || typeof m.Config !== 'string') return [];
    const hex = /([0-9a-f]{64})(\.json)?$/.exec(m.Config)?.[1];
    if (!hex) return [];
    const config = json<{ rootfs?: { diff_ids?: string[] } }>(docs, m.Config);
    return [{ manifest: '', config: `sha256:${hex}`, diffIds: config?.rootfs?.diff_ids ?? [] }];
  });
}

interface Platform {
  os?: string;
  architecture?: string;
  variant?: string;
}

const platformText = (p: Platform | undefined) => (p?.os && p.architecture ? [p.os, p.architecture, p.variant].filter(Boolean).join('/') : undefined);

/**
 * Which platform each blob of a multi-platform archive belongs to (`blobs/sha256/…` →
 * `linux/arm64`), so a finding names it; an attestation's blobs are named for the
 * platform they describe. Blobs shared by platforms are named for all of them. Pure.
 */
export function blobPlatforms(docs: ReadonlyMap<string, Buffer>): Map<string, string> {
  const out = new Map<string, Set<string>>();
  const add = (digest: unknown, label: string) => {
    if (typeof digest !== 'string') return;
    const name = blobName(digest);
    out.set(name, (out.get(name) ?? new Set()).add(label));
  };
  const visit = (name: string, depth: number) => {
    const doc = json<IndexOrManifest & { layers?: Descriptor[] }>(docs, name);
    if (!isObject(doc) || depth > 4) return;
    const entries = (Array.isArray(doc.manifests) ? doc.manifests : []).filter((d) => isObject(d) && typeof d.digest === 'string');
    const byDigest = new Map(entries.map((d) => [d.digest, platformText((d as { platform?: Platform }).platform)]));
    for (const d of entries) {
      const described = d.annotations?.['vnd.docker.reference.type'] === ATTESTATION ? byDigest.get(d.annotations['vnd.docker.reference.digest']) : undefined;
      const label = described ? `attestation of ${described}` : byDigest.get(d.digest);
      if (!label) {
        visit(blobName(d.digest!), depth + 1);
        continue;
      }
      add(d.digest, label);
      const manifest = json<IndexOrManifest & { layers?: Descriptor[] }>(docs, blobName(d.digest!));
      if (!isObject(manifest)) continue;
      add(manifest.config?.digest, label);
      for (const l of Array.isArray(manifest.layers) ? manifest.layers : []) if (isObject(l)) add(l.digest, label);
    }
  };
  visit('index.json', 0);
  return new Map([...out].map(([k, v]) => [k, [...v].join(', ')]));
}

/** Longest step text kept: a RUN line can be a whole script. */
const STEP_CHARS = 200;

/**
 * The build step that made each layer blob (`blobs/sha256/…` → `RUN /bin/sh -c make # buildkit`):
 * a manifest's n-th layer is its config's n-th history entry that is not `empty_layer`, whose
 * `created_by` is the Dockerfile instruction as BuildKit recorded it. Pure.
 */
export function blobSteps(docs: ReadonlyMap<string, Buffer>): Map<string, string> {
  const out = new Map<string, string>();
  eachImage(docs, (_digest, manifest, configDigest) => {
    if (!Array.isArray(manifest.layers)) return;
    const steps = layerSteps(json<{ history?: unknown }>(docs, blobName(configDigest)));
    manifest.layers.forEach((l, k) => {
      if (isObject(l) && typeof l.digest === 'string' && steps[k] !== undefined) out.set(blobName(l.digest), steps[k]);
    });
  });
  return out;
}

/** The `created_by` of each history entry that made a layer, in order. */
function layerSteps(config: { history?: unknown } | undefined): (string | undefined)[] {
  const history = isObject(config) && Array.isArray(config.history) ? (config.history as unknown[]) : [];
  return history
    .filter((h) => isObject(h) && h.empty_layer !== true)
    .map((h) => {
      const by = (h as { created_by?: unknown }).created_by;
      return typeof by === 'string' ? oneLine(by) : undefined;
    });
}

const oneLine = (t: string) => {
  const s = t.replace(/\s+/g, ' ').trim();
  return s.length > STEP_CHARS ? `${s.slice(0, STEP_CHARS - 1)}…` : s;
};
