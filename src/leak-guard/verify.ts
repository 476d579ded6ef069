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
  const name = typeof meta['image.name'] === 'string' ? meta['image.name'].split(',')[0] : '';
  if (!pushed || !name) return localConfigs(digest, scanned, log);
  const top = await rawManifest(`${name.replace(/@.*$/, '')}@${digest}`, log);
  if (typeof top === 'string') return top;
  const platforms = (top.manifests ?? []).filter((m) => m.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest');
  const configs: string[] = [];
  for (const m of top.config ? [{ digest }] : platforms) {
    const hit = scanned.find((s) => s.manifest === m.digest);
    if (hit) configs.push(hit.config);
    else {
      const man = m.digest === digest ? top : await rawManifest(`${name.replace(/@.*$/, '')}@${m.digest}`, log);
      if (typeof man === 'string') return man;
      configs.push(man.config?.digest ?? '');
    }
  }
  return configs;
}

async function rawManifest(ref: string, log: Log): Promise<Raw | string> {
  const r = await capture(['buildx', 'imagetools', 'inspect', '--raw', ref], log);
  if (r.code !== 0) return `could not read ${ref} back from the registry: ${r.stderr.trim().split('\n').pop()}`;
  return JSON.parse(r.stdout) as Raw;
}

/** An image only loaded into the daemon: compare its layers, which both image stores report. */
async function localConfigs(digest: string, scanned: ScannedImage[], log: Log): Promise<string[] | string> {
  const r = await capture(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', digest], log);
  if (r.code !== 0) return `could not inspect the loaded image ${digest}`;
  const layers = JSON.stringify(JSON.parse(r.stdout) as string[]);
  const hit = scanned.find((s) => JSON.stringify(s.diffIds) === layers);
  return hit ? [hit.config] : [`layers:${layers}`];
}

/** `pushed`: read the result back from the registry; otherwise from the image store it was loaded into. */
export async function verifyPublished(meta: Record<string, unknown>, pushed: boolean, scanned: ScannedImage[], log: Log): Promise<Verification> {
  if (scanned.length === 0) return { ok: true, detail: 'no image was published' };
  const configs = await publishedConfigs(meta, pushed, scanned, log);
  if (typeof configs === 'string') return { ok: false, detail: configs };
  const unknown = configs.filter((c) => !scanned.some((s) => s.config === c));
  if (unknown.length) return { ok: false, detail: `the published image (${unknown.join(', ')}) is not the scanned one` };
  return { ok: true, detail: `published image = scanned image (${configs.length} platform${configs.length === 1 ? '' : 's'})` };
}
