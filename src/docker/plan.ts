/**
 * Build, verify, then publish. With the leak guard on, the build that reads the
 * secrets exports only to this runner: an OCI tarball of the image (or, for the
 * docker driver on the classic image store, the image loaded untagged), each file
 * output next to its destination, and a local `mode=max` cache export when the user
 * exports one. Only after that is scanned does a second, fully cached build without
 * secrets push, load, tag and export caches, and file outputs are renamed into place.
 * Pure: the plan is data; `main.ts` carries it out.
 */
import * as path from 'node:path';
import { InputError } from '../errors.js';
import { parseCall } from '../inputs/call.js';
import { isRemoteContext } from '../inputs/workflow-defaults.js';
import type { LeakCheck } from '../inputs/read.js';
import type { BuildInputs } from '../inputs/table.js';
import type { ScanTarget } from '../leak-guard/guard.js';
import { formatOutput, isDirOutput, isFileOutput, isPush, parseFields, parseOutput, writesToStdout, type OutputSpec } from './outputs.js';

export interface BuilderInfo {
  driver: string;
  /** The docker driver on the classic image store can export neither OCI nor caches. */
  ociExport: boolean;
  /** build-push-action would add its default provenance on this builder (builder.ts takesDefaultProvenance). */
  defaultProvenance?: boolean;
}

/** What the verify build leaves on the runner for the scan; a loaded image is known by its id only after the build. */
export type PlannedTarget = Exclude<ScanTarget, { kind: 'image' }> | { kind: 'loaded-image'; label: string };

export interface BuildPlan {
  /** The one build that reads the secrets. */
  verify: BuildInputs;
  targets: PlannedTarget[];
  /** File outputs the verify build wrote beside their destination, renamed into place once clean. */
  moves: { from: string; to: string }[];
  /** The cached rebuild without secrets that publishes; absent when nothing leaves the runner that way. */
  publish?: BuildInputs;
}

/** Flags in extra-args that would publish from the verify build, around the leak guard. */
const PUBLISHING_FLAGS = ['--push', '--load', '-o', '--output', '-t', '--tag', '--cache-to'];

export function planBuilds(b: BuildInputs, mode: LeakCheck, builder: BuilderInfo, work: string, suffix: string): BuildPlan {
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
  if (mode !== 'off') refusePublishingExtraArgs(b['extra-args']);
  // `call: check` (outline, targets) evaluates the Dockerfile and builds nothing: nothing may be exported either.
  if (evaluatesOnly(b)) return { verify: { ...b, push: false, load: false, tags: [], outputs: [], 'cache-to': [] }, targets: [], moves: [] };
  if (mode === 'off') return { verify: b, targets: [], moves: [] };
  const files = outputs.filter(isFileOutput);
  const others = outputs.filter((o) => !isFileOutput(o));
  const moves = files.map((o, k) => ({ from: exportPath(o.attrs.get('dest')!, b.context, work, suffix, k), to: o.attrs.get('dest')! }));
  const targets: PlannedTarget[] = files.map((o, k) => ({ kind: isDirOutput(o) ? 'dir' : 'tar', path: moves[k].from, label: `output ${moves[k].to}` }));
  const verifyOutputs = files.map((o, k) => formatOutput({ type: o.type, attrs: new Map([...o.attrs, ['dest', moves[k].from]]) }));
  const wantsImage = b.push || b.load || others.length > 0 || outputs.length === 0;
  if (wantsImage && builder.ociExport) {
    const tar = path.join(work, 'image.tar');
    verifyOutputs.push(`type=oci,dest=${tar}`);
    targets.push({ kind: 'tar', path: tar, label: 'image (OCI export)' });
  } else if (wantsImage) {
    verifyOutputs.push('type=docker');
    targets.push({ kind: 'loaded-image', label: 'image (loaded untagged)' });
  }
  const caches = b['cache-to'].map(cacheExport);
  const cacheDir = path.join(work, 'cache');
  const cacheTo = caches.some((c) => c.mode === 'max') ? [`type=local,dest=${cacheDir},mode=max`] : [];
  if (cacheTo.length) targets.push({ kind: 'dir', path: cacheDir, label: 'build cache (mode=max)', layout: true });
  // Inline cache metadata is part of the image config: the scanned image must carry it too, or its digest differs.
  if (caches.some((c) => c.type === 'inline')) cacheTo.push('type=inline');
  const verify: BuildInputs = { ...b, tags: [], push: false, load: false, outputs: verifyOutputs, 'cache-to': cacheTo };
  return { verify, targets, moves, publish: publishBuild(b, others, outputs.length, builder) };
}

/**
 * Where the first build writes a file output: beside its destination (renamed into
 * place later, no copy), unless that is inside the build context, where it would
 * change what the publishing build sends and defeat its cache: then in the work dir.
 */
function exportPath(dest: string, context: string, work: string, suffix: string, k: number): string {
  const rel = path.relative(path.resolve(context), path.resolve(dest));
  const inContext = !isRemoteContext(context) && !rel.startsWith('..') && !path.isAbsolute(rel);
  return inContext ? path.join(work, `output-${k}`) : `${dest}.${suffix}`;
}

/** A cache-to entry as buildx reads it: a bare value is a registry ref; keys and values are case-insensitive. */
function cacheExport(spec: string, k: number): { type: string; mode: string } {
  if (!spec.includes('=')) return { type: 'registry', mode: 'min' };
  const f = parseFields('cache-to', spec, k + 1);
  return { type: (f.get('type') ?? '').trim().toLowerCase(), mode: (f.get('mode') ?? 'min').trim().toLowerCase() };
}

/** The user's publishing, as a cached rebuild: no secrets are mounted, so a step that is not cached and needs one fails instead. */
function publishBuild(b: BuildInputs, others: OutputSpec[], outputCount: number, builder: BuilderInfo): BuildInputs | undefined {
  // The docker driver loads the image into the daemon when no output is given.
  const defaultLoad = outputCount === 0 && builder.driver === 'docker';
  if (!(b.push || b.load || others.length || b['cache-to'].length || defaultLoad)) return undefined;
  // Outputs the user gave all went to files (moved into place): with none left the docker driver would load an image nobody asked for.
  const onlyCache = !(b.push || b.load || others.length) && outputCount > 0;
  const outputs = onlyCache ? ['type=cacheonly'] : others.map(formatOutput);
  // Nothing that would make a step run again: no-cache, pull, no-cache-filters; and no ssh, like no secret.
  return { ...b, outputs, 'no-cache': false, pull: false, 'no-cache-filters': [], ssh: [] };
}

/** buildx build's short flags: `-q` takes no value, `-f` takes the rest of the word, `-o` and `-t` publish. */
function shortFlagsPublish(a: string): boolean {
  if (!/^-[^-]/.test(a)) return false;
  for (const c of a.slice(1)) {
    if (c === 'o' || c === 't') return true;
    if (c !== 'q') return false;
  }
  return false;
}

function refusePublishingExtraArgs(args: string[]): void {
  args.forEach((a, k) => {
    if (shortFlagsPublish(a) || PUBLISHING_FLAGS.some((f) => a === f || a.startsWith(`${f}=`))) {
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

/** Whether a plan pushes to a registry (for the summary and the verification of what was pushed). */
export function pushes(b: BuildInputs): boolean {
  return b.push || b.outputs.some((o, k) => isPush(parseOutput(o, k + 1)));
}

/**
 * The names a plan pushes under: the tags with `push`, and each pushing output's `name=`
 * (the tags when it has none). A `type=docker` output in the same build is loaded, not pushed.
 */
export function pushedNames(b: BuildInputs): string[] {
  const outputs = b.outputs.map((o, k) => parseOutput(o, k + 1)).filter(isPush);
  const named = outputs.flatMap((o) =>
    (o.attrs.get('name') ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean)
  );
  const tagged = b.push || outputs.some((o) => !o.attrs.get('name'));
  return [...new Set([...(tagged ? b.tags : []), ...named])];
}
