/**
 * The leak guard's plan: one build, and publishing from what it left on the runner.
 *
 * The build that mounts the secrets is the only build. It exports to this runner only:
 * the image as an OCI tarball (or, for the docker driver on the classic image store,
 * loaded untagged), each file output beside its destination, each cache export as a
 * local cache layout. Once that is scanned, the same bytes are published: the OCI
 * export pushed to every name and loaded into the engine, the cache layouts pushed or
 * moved, file outputs renamed into place. Nothing is built or resolved a second time,
 * so what leaves the runner is what was scanned by construction. Pure: the plan is
 * data; publish.ts carries it out.
 */
import * as path from 'node:path';
import type { BuilderInfo } from '../docker/builder.js';
import { shortFlag } from '../docker/buildx-args.js';
import { isLoopback, registryOf } from '../docker/reference.js';
import { formatOutput, goBool, isDirOutput, isFileOutput, isPush, parseFields, parseOutput, writesToStdout, type OutputSpec } from '../docker/output-spec.js';
import { ActionError, InputError } from '../errors.js';
import { parseCall } from '../inputs/call.js';
import type { LeakCheck } from '../inputs/read.js';
import type { BuildInputs } from '../inputs/table.js';
import { isRemoteContext } from '../inputs/git-context.js';
import type { ScanTarget } from './guard.js';

/** What the build leaves on the runner for the scan; a loaded image is known by its id only after the build. */
export type PlannedTarget = Exclude<ScanTarget, { kind: 'image' }> | { kind: 'loaded-image'; label: string };

/** A registry name the scanned image goes to: `name` is pushed as it is, or by digest to its repository. */
export interface ImagePush {
  name: string;
  byDigest: boolean;
  /** Plain HTTP or an unverified certificate: a loopback registry, or `registry.insecure=true`. */
  insecure: boolean;
}

export interface Publication {
  /** How the scanned image is held: an OCI export on the runner, or loaded untagged into the engine (classic store). */
  image?: { kind: 'oci'; path: string } | { kind: 'loaded' };
  pushes: ImagePush[];
  /** Names the scanned image is loaded under; empty: loaded untagged. Undefined: not loaded. */
  load?: string[];
  /** Scanned local cache layouts pushed to a registry cache ref. */
  caches: { from: string; ref: string; insecure: boolean }[];
  /** File outputs and local caches the build wrote beside their destination, renamed into place once clean. */
  moves: { from: string; to: string }[];
}

export interface GuardPlan {
  /** The one build; it mounts the secrets. */
  build: BuildInputs;
  targets: PlannedTarget[];
  /** Absent when the leak guard is off: the build publishes as the user asked. */
  publish?: Publication;
}

/** Flags in extra-args that would publish from the build, around the leak guard. */
const PUBLISHING_FLAGS = ['--push', '--load', '-o', '--output', '-t', '--tag', '--cache-to'];

/**
 * Attributes of an image output that the publishing step reads itself, or that the export
 * sets for itself (where it goes); every other one shapes the image and goes to the OCI export.
 */
const PUBLISH_ATTRS = new Set([
  'name',
  'push',
  'push-by-digest',
  'insecure',
  'registry.insecure',
  'name-canonical',
  'store',
  'unpack',
  'dangling-name-prefix',
  'dest',
  'tar'
]);

/** Cache attributes that name where a registry cache goes: the local export that is scanned has none of them. */
const REGISTRY_CACHE_ATTRS = new Set(['ref', 'insecure', 'registry.insecure']);

/** buildx's own words, where its exporter would have said something about one the action chose. */
export const CLASSIC_MULTI_PLATFORM =
  'Multi-platform build is not supported for the docker driver. Switch to a different driver, or turn on the containerd image store, and try again';

export function planGuard(b: BuildInputs, mode: LeakCheck, builder: BuilderInfo, work: string, suffix: string): GuardPlan {
  const outputs = checkedOutputs(b);
  if (mode !== 'off') refusePublishingExtraArgs(b['extra-args']);
  // `call: check` (outline, targets) evaluates the Dockerfile and builds nothing: nothing may be exported either.
  if (evaluatesOnly(b)) return { build: { ...b, push: false, load: false, tags: [], outputs: [], 'cache-to': [] }, targets: [] };
  if (mode === 'off') return { build: b, targets: [] };

  const files = outputs.filter(isFileOutput);
  const moves = files.map((o, k) => ({ from: exportPath(o.attrs.get('dest')!, b.context, work, suffix, `output-${k}`), to: o.attrs.get('dest')! }));
  const targets: PlannedTarget[] = files.map((o, k) => ({ kind: isDirOutput(o) ? 'dir' : 'tar', path: moves[k].from, label: `output ${moves[k].to}` }));
  const buildOutputs = files.map((o, k) => formatOutput({ type: o.type, attrs: new Map([...o.attrs, ['dest', moves[k].from]]) }));

  const images = outputs.filter((o, k) => imageOutput(o, k));
  const publish: Publication = { pushes: imagePushes(b, images), load: loadNames(b, images, outputs.length, builder), caches: [], moves };
  // The image is exported (and scanned) whenever it is published, and when nothing else is: a build with no output.
  if (publish.pushes.length || publish.load || images.length || outputs.length === 0) {
    if (builder.ociExport) {
      const tar = path.join(work, 'image.tar');
      buildOutputs.push(formatOutput({ type: 'oci', attrs: new Map([['dest', tar], ...imageAttrs(images)]) }));
      targets.push({ kind: 'tar', path: tar, label: 'image (OCI export)' });
      publish.image = { kind: 'oci', path: tar };
    } else {
      if (b.platforms.flatMap((p) => p.split(',')).filter((p) => p.trim()).length > 1) throw new ActionError(CLASSIC_MULTI_PLATFORM);
      if (publish.pushes.some((p) => p.byDigest))
        throw new InputError(
          'outputs',
          'push-by-digest needs an OCI export, which the docker driver on the classic image store cannot make: use the containerd image store or another driver'
        );
      buildOutputs.push('type=docker');
      targets.push({ kind: 'loaded-image', label: 'image (loaded untagged)' });
      publish.image = { kind: 'loaded' };
    }
  }
  const cacheTo = b['cache-to'].flatMap((spec, k) => cacheExport(spec, k, b.context, work, suffix, targets, publish));
  // Outputs given, none left to write (cacheonly): without one, the docker driver would load an image nobody asked for.
  if (!buildOutputs.length && outputs.length) buildOutputs.push('type=cacheonly');
  return { build: { ...b, tags: [], push: false, load: false, outputs: buildOutputs, 'cache-to': cacheTo }, targets, publish };
}

/** The outputs as buildx reads them, with what the action refuses in every mode refused, and destinations in one spelling. */
function checkedOutputs(b: BuildInputs): OutputSpec[] {
  const outputs = b.outputs.map((o, k) => parseOutput(o, k + 1));
  outputs.forEach((o, k) => {
    if (writesToStdout(o))
      throw new InputError('outputs', 'this output goes to stdout, which would write the build result into the log: give dest= a file or directory', k + 1);
    const dest = o.attrs.get('dest');
    if (dest && /^\/(dev|proc|sys)(\/|$)/.test(path.resolve(dest)))
      throw new InputError('outputs', 'dest= may not be a device or a pseudo filesystem: give a file or directory', k + 1);
    // One spelling of the destination for the export beside it and the move into place (`out/` is `out`).
    if (dest && isFileOutput(o)) o.attrs.set('dest', dest.replace(/(.)\/+$/, '$1'));
  });
  return outputs;
}

/** An output that publishes the image (to a registry or the engine); `cacheonly` publishes nothing. */
function imageOutput(o: OutputSpec, k: number): boolean {
  if (isFileOutput(o) || o.type === 'cacheonly') return false;
  if (o.type === 'local') throw new InputError('outputs', 'type=local needs dest=', k + 1);
  if (!['image', 'registry', 'docker'].includes(o.type))
    throw new InputError('outputs', `unknown output type "${o.type}": expected local, tar, oci, docker, image, registry or cacheonly`, k + 1);
  return true;
}

/**
 * Where the build writes a file output or a local cache: beside its destination (renamed
 * into place later, no copy), unless that is inside the build context, where a later
 * build's context would pick it up half-written: then in the work dir.
 */
function exportPath(dest: string, context: string, work: string, suffix: string, name: string): string {
  const rel = path.relative(path.resolve(context), path.resolve(dest));
  const inContext = !isRemoteContext(context) && !rel.startsWith('..') && !path.isAbsolute(rel);
  return inContext ? path.join(work, name) : `${dest}.${suffix}`;
}

const splitNames = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);

/** The names `push: true` and each pushing output send the image to (an output without `name=` takes the tags). */
function imagePushes(b: BuildInputs, images: OutputSpec[]): ImagePush[] {
  const pushes: ImagePush[] = b.push ? b.tags.map((name) => ({ name, byDigest: false, insecure: isLoopback(registryOf(name)) })) : [];
  images.filter(isPush).forEach((o) => {
    const names = o.attrs.has('name') ? splitNames(o.attrs.get('name')) : b.tags;
    const byDigest = goBool(o.attrs.get('push-by-digest'), false);
    const insecure = goBool(o.attrs.get('registry.insecure') ?? o.attrs.get('insecure'), false);
    for (const name of names) pushes.push({ name, byDigest, insecure: insecure || isLoopback(registryOf(name)) });
  });
  if ((b.push || images.some(isPush)) && !pushes.length) throw new InputError('tags', 'push needs at least one tag (or name= in the output) to push to');
  // One push a name: a name given twice (a tag and an output's name) is pushed once.
  return [...new Map(pushes.map((p) => [`${p.name}\0${p.byDigest}`, p])).values()];
}

/**
 * The names the image is loaded into the engine under, as buildx would: `load: true` and
 * `type=docker` (the tags, or the output's `name=`), `type=image` without a push on the
 * docker driver (it stores there), and the docker driver's default when no output is given.
 */
function loadNames(b: BuildInputs, images: OutputSpec[], outputCount: number, builder: BuilderInfo): string[] | undefined {
  const loading = images.filter((o) => o.type === 'docker' || (o.type === 'image' && !isPush(o) && builder.driver === 'docker'));
  const defaultLoad = outputCount === 0 && !b.push && builder.driver === 'docker';
  if (!b.load && !loading.length && !defaultLoad) return undefined;
  const names = loading.flatMap((o) => (o.attrs.has('name') ? splitNames(o.attrs.get('name')) : b.tags));
  return [...new Set([...(b.load || defaultLoad ? b.tags : []), ...names])];
}

/**
 * The attributes that shape the image (media types, compression, annotations, timestamps),
 * from every image output: the OCI export is made with them, so the bytes scanned are the
 * bytes asked for. Two outputs that ask for different bytes cannot share one export.
 */
function imageAttrs(images: OutputSpec[]): [string, string][] {
  const attrs = new Map<string, string>();
  for (const o of images) {
    for (const [k, v] of o.attrs) {
      if (PUBLISH_ATTRS.has(k)) continue;
      const seen = attrs.get(k);
      // Names only the attribute: its value may be anything the workflow wrote.
      if (seen !== undefined && seen !== v)
        throw new InputError('outputs', `two image outputs ask for different ${k}= values: the leak guard publishes one scanned image, so give them the same`);
      attrs.set(k, v);
    }
  }
  return [...attrs];
}

/**
 * One cache-to entry: `inline` stays (it is in the scanned image config), `local` and
 * `registry` become a local cache layout under the work dir or beside the destination,
 * scanned, then moved or pushed. Other backends cannot be fed from a scanned layout
 * without a second build, which would resolve the build's inputs again: refused.
 */
function cacheExport(spec: string, k: number, context: string, work: string, suffix: string, targets: PlannedTarget[], publish: Publication): string[] {
  const f = spec.includes('=')
    ? parseFields('cache-to', spec, k + 1)
    : new Map([
        ['type', 'registry'],
        ['ref', spec]
      ]);
  const type = (f.get('type') ?? '').trim().toLowerCase();
  if (type === 'inline') return ['type=inline'];
  if (type !== 'local' && type !== 'registry')
    throw new InputError(
      'cache-to',
      `type=${type || '(none)'} cannot be published from the scanned build: only a cache the leak guard has scanned leaves the runner, and this backend would need a second build that resolves the build's inputs again. Use type=registry (the scanned cache is pushed), type=local (with actions/cache) or type=inline, or set leak-check: off`,
      k + 1
    );
  const attrs = new Map([...f].filter(([key]) => key !== 'type' && !REGISTRY_CACHE_ATTRS.has(key)));
  const label = `build cache ${k + 1}`;
  if (type === 'local') {
    const dest = f.get('dest');
    if (!dest) throw new InputError('cache-to', 'type=local needs dest=', k + 1);
    const from = exportPath(dest.replace(/(.)\/+$/, '$1'), context, work, suffix, `cache-${k}`);
    publish.moves.push({ from, to: dest.replace(/(.)\/+$/, '$1') });
    attrs.set('dest', from);
  } else {
    const ref = f.get('ref');
    if (!ref) throw new InputError('cache-to', 'type=registry needs ref=', k + 1);
    const from = path.join(work, `cache-${k}`);
    publish.caches.push({ from, ref, insecure: goBool(f.get('registry.insecure') ?? f.get('insecure'), false) || isLoopback(registryOf(ref)) });
    attrs.set('dest', from);
  }
  targets.push({ kind: 'dir', path: attrs.get('dest')!, label, layout: true });
  return [formatOutput({ type: 'local', attrs })];
}

function refusePublishingExtraArgs(args: string[]): void {
  args.forEach((a, k) => {
    if (['o', 't'].includes(shortFlag(a) ?? '') || PUBLISHING_FLAGS.some((f) => a === f || a.startsWith(`${f}=`))) {
      throw new InputError(
        'extra-args',
        'this flag publishes the build: use the push, load, tags, outputs or cache-to input, so the leak guard can scan before anything is published',
        k + 1
      );
    }
  });
}

/** `call` other than `build`: the build is evaluated (check, outline, targets), not run. The input is checked by parseCall. */
export function evaluatesOnly(b: BuildInputs): boolean {
  return b.call !== '' && parseCall(b.call) !== 'build';
}

/** What a publication needs skopeo for: pushing an OCI export or a cache layout. */
export function needsSkopeo(p: Publication | undefined): boolean {
  return !!p && ((p.image?.kind === 'oci' && p.pushes.length > 0) || p.caches.length > 0);
}
