/**
 * After publishing: is what was published what was scanned? The publish build is a
 * cached rebuild, so its platform manifests (or, with other media types, their
 * configs) must be those of the scanned archive. A config digest pins the layers'
 * diff ids, so an equal config means equal layers.
 */
import { capture } from '../docker/process.js';
import type { Log } from '../output/log.js';
import type { ScannedImage } from './image-index.js';

export interface Verification {
  ok: boolean;
  detail: string;
}

interface Raw {
  manifests?: { digest: string; annotations?: Record<string, string> }[];
  config?: { digest: string };
}

/** The configs of what the publish build produced, as its metadata and the registry or the image store tell. */
async function publishedConfigs(meta: Record<string, unknown>, pushed: boolean, scanned: ScannedImage[], log: Log): Promise<string[] | string> {
  const config = meta['containerimage.config.digest'];
  if (typeof config === 'string') return [config];
  const digest = meta['containerimage.digest'];
  if (typeof digest !== 'string') return 'the publish build reported no image digest';
  const known = scanned.find((s) => s.manifest === digest);
  if (known) return [known.config];
  const name = pushedName(meta);
  if (!pushed || !name) return localConfigs(digest, scanned, log);
  const top = await rawManifest(`${name}@${digest}`, log);
  if (typeof top === 'string') return top;
  const platforms = (top.manifests ?? []).filter((m) => m.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest');
  const configs: string[] = [];
  for (const m of top.config ? [{ digest }] : platforms) {
    const hit = scanned.find((s) => s.manifest === m.digest);
    if (hit) configs.push(hit.config);
    else {
      const man = m.digest === digest ? top : await rawManifest(`${name}@${m.digest}`, log);
      if (typeof man === 'string') return man;
      configs.push(man.config?.digest ?? '');
    }
  }
  return configs;
}

/** The first name the image was pushed under, without a digest, from the metadata; empty when none. */
function pushedName(meta: Record<string, unknown>): string {
  return typeof meta['image.name'] === 'string' ? meta['image.name'].split(',')[0].replace(/@.*$/, '') : '';
}

/** name@digest of what was pushed, from the metadata. */
function pushedRef(meta: Record<string, unknown>): string | undefined {
  const name = pushedName(meta);
  const digest = meta['containerimage.digest'];
  return name && typeof digest === 'string' ? `${name}@${digest}` : undefined;
}

async function rawManifest(ref: string, log: Log): Promise<Raw | string> {
  const r = await capture(['buildx', 'imagetools', 'inspect', '--raw', ref], log);
  if (r.code !== 0) return `could not read ${ref} back from the registry: ${r.stderr.trim().split('\n').pop()}`;
  try {
    return JSON.parse(r.stdout) as Raw;
  } catch {
    return `the registry's answer for ${ref} is not JSON`;
  }
}

/** An image only loaded into the daemon: compare its layers, which both image stores report. */
async function localConfigs(digest: string, scanned: ScannedImage[], log: Log): Promise<string[] | string> {
  const r = await capture(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', digest], log);
  if (r.code !== 0) return `could not inspect the loaded image ${digest}`;
  let layers: string;
  try {
    layers = JSON.stringify(JSON.parse(r.stdout) as string[]);
  } catch {
    return `could not read the layers of the loaded image ${digest}`;
  }
  const hit = scanned.find((s) => JSON.stringify(s.diffIds) === layers);
  return hit ? [hit.config] : [`layers:${layers}`];
}

/** `pushed`: read the result back from the registry; otherwise from the image store it was loaded into. */
/** The image config fields of the OCI spec, in a stable form: what `imagetools inspect --format '{{json .Image}}'` keeps. */
const OCI_FIELDS = ['created', 'author', 'architecture', 'os', 'os.version', 'os.features', 'variant', 'config', 'rootfs', 'history'];

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined && o[k] !== null)
      .map((k) => `${JSON.stringify(k)}:${stable(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function ociConfig(doc: unknown): string {
  const o = (doc && typeof doc === 'object' ? doc : {}) as Record<string, unknown>;
  return stable(Object.fromEntries(OCI_FIELDS.filter((k) => k in o).map((k) => [k, o[k]])));
}

/**
 * A pushed image whose config digest is not a scanned one may still be the scanned
 * image: inline cache metadata (`moby.buildkit.cache.v0`) in the config differs between
 * a `no-cache` build and its cached rebuild. Compare every OCI field of the config.
 */
async function sameConfigAsScanned(ref: string, scanned: ScannedImage[], log: Log): Promise<boolean> {
  const r = await capture(['buildx', 'imagetools', 'inspect', ref, '--format', '{{json .Image}}'], log);
  if (r.code !== 0) return false;
  let image: unknown;
  try {
    image = JSON.parse(r.stdout);
  } catch {
    return false;
  }
  const isConfig = (v: unknown) => !!v && typeof v === 'object' && 'rootfs' in v;
  const published = isConfig(image) ? [image] : Object.values((image ?? {}) as Record<string, unknown>);
  const known = new Set(scanned.map((s) => ociConfig(s.configDoc)));
  return published.length > 0 && published.every((p) => known.has(ociConfig(p)));
}

export async function verifyPublished(meta: Record<string, unknown>, pushed: boolean, scanned: ScannedImage[], log: Log): Promise<Verification> {
  // No image exporter ran (cacheonly, cache exports): there is nothing to compare.
  const published = 'containerimage.digest' in meta || 'containerimage.config.digest' in meta;
  if (!published) return { ok: true, detail: 'no image was published (cache or file outputs only)' };
  if (scanned.length === 0) return { ok: false, detail: 'an image was published, but the scan read no image to compare it with' };
  const configs = await publishedConfigs(meta, pushed, scanned, log);
  if (typeof configs === 'string') return { ok: false, detail: configs };
  const unknown = configs.filter((c) => !scanned.some((s) => s.config === c));
  const n = `${configs.length} platform${configs.length === 1 ? '' : 's'}`;
  if (!unknown.length) return { ok: true, detail: `published image = scanned image (${n})` };
  const ref = pushedRef(meta);
  if (pushed && ref && (await sameConfigAsScanned(ref, scanned, log)))
    return { ok: true, detail: `published image = scanned image (${n}; same layers and config, BuildKit cache metadata aside)` };
  return { ok: false, detail: `the published image (${unknown.join(', ')}) is not the scanned one` };
}
