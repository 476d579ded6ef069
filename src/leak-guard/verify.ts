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
async function publishedConfigs(
  meta: Record<string, unknown>,
  target: PushedTarget | undefined,
  scanned: ScannedImage[],
  log: Log
): Promise<string[] | string> {
  if (!target?.byName) {
    const config = meta['containerimage.config.digest'];
    if (typeof config === 'string') return [config];
    const digest = meta['containerimage.digest'];
    if (typeof digest !== 'string') return 'the publish build reported no image digest';
    const known = scanned.find((s) => s.manifest === digest);
    if (known) return [known.config];
    if (!target) return localConfigs(digest, scanned, log);
  }
  const top = await rawManifest(target.ref, log);
  if (typeof top === 'string') return top;
  if (top.config) return [top.config.digest];
  const platforms = (top.manifests ?? []).filter((m) => m.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest');
  const configs: string[] = [];
  for (const m of platforms) {
    const hit = scanned.find((s) => s.manifest === m.digest);
    if (hit) configs.push(hit.config);
    else {
      const man = await rawManifest(`${target.name}@${m.digest}`, log);
      if (typeof man === 'string') return man;
      configs.push(man.config?.digest ?? '');
    }
  }
  return configs;
}

/**
 * Where to read what was pushed: `name@digest` when the metadata describes the pushed image
 * (one of its names is in a repository the plan pushed to). With several exporters it may
 * describe another one (a `type=docker` load beside the push: its name and digest only);
 * then the push is read by the first name it was pushed under. Undefined when nothing was
 * pushed, or the metadata names no image: read from the image store instead.
 */
interface PushedTarget {
  ref: string;
  name: string;
  byName: boolean;
}

function pushedTarget(meta: Record<string, unknown>, pushed: string[]): PushedTarget | undefined {
  const listed = typeof meta['image.name'] === 'string' ? meta['image.name'].split(',').map((n) => n.trim().replace(/@.*$/, '')) : [];
  if (!pushed.length || !listed.length) return undefined;
  const repos = new Set(pushed.map(repository));
  const name = listed.find((n) => repos.has(repository(n)));
  const digest = meta['containerimage.digest'];
  if (name) return { ref: `${name}@${typeof digest === 'string' ? digest : ''}`, name, byName: false };
  return { ref: pushed[0], name: pushed[0].replace(/@.*$/, ''), byName: true };
}

/** The repository of a reference as Docker normalises it (`app:1` is docker.io/library/app). */
export function repository(ref: string): string {
  const r = ref
    .trim()
    .replace(/@.*$/, '')
    .replace(/:[^:/]*$/, '');
  const first = r.split('/')[0];
  const domain = r.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const full = domain ? r : `docker.io/${r}`;
  return /^docker\.io\/[^/]+$/.test(full) ? full.replace(/^docker\.io\//, 'docker.io/library/') : full;
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

/**
 * `pushed`: the names the plan pushed under (docker/plan.ts pushedNames), empty when it
 * pushed nothing: the result is then read from the image store it was loaded into.
 */
export async function verifyPublished(meta: Record<string, unknown>, pushed: string[], scanned: ScannedImage[], log: Log): Promise<Verification> {
  // No image exporter ran (cacheonly, cache exports): there is nothing to compare.
  const published = 'containerimage.digest' in meta || 'containerimage.config.digest' in meta;
  if (!published) return { ok: true, detail: 'no image was published (cache or file outputs only)' };
  if (scanned.length === 0) return { ok: false, detail: 'an image was published, but the scan read no image to compare it with' };
  const target = pushedTarget(meta, pushed);
  const configs = await publishedConfigs(meta, target, scanned, log);
  if (typeof configs === 'string') return { ok: false, detail: configs };
  const unknown = configs.filter((c) => !scanned.some((s) => s.config === c));
  const n = `${configs.length} platform${configs.length === 1 ? '' : 's'}`;
  if (!unknown.length) return { ok: true, detail: `published image = scanned image (${n})` };
  if (target && (await sameConfigAsScanned(target.ref, scanned, log)))
    return { ok: true, detail: `published image = scanned image (${n}; same layers and config, BuildKit cache metadata aside)` };
  return { ok: false, detail: `the published image (${unknown.join(', ')}) is not the scanned one` };
}
