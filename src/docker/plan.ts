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
import type { LeakCheck } from '../inputs/read.js';
import type { BuildInputs } from '../inputs/table.js';
import type { ScanTarget } from '../leak-guard/guard.js';
import { formatOutput, isFileOutput, isPush, parseOutput, type OutputSpec } from './outputs.js';

export interface BuilderInfo {
  driver: string;
  /** The docker driver on the classic image store can export neither OCI nor caches. */
  ociExport: boolean;
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
    if (o.attrs.get('dest') === '-') throw new InputError('outputs', 'dest=- would write the build result into the log: give a file or directory', k + 1);
  });
  if (mode === 'off') return { verify: b, targets: [], moves: [] };
  refusePublishingExtraArgs(b['extra-args']);
  const files = outputs.filter(isFileOutput);
  const others = outputs.filter((o) => !isFileOutput(o));
  const moves = files.map((o) => ({ from: `${o.attrs.get('dest')!}.${suffix}`, to: o.attrs.get('dest')! }));
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
  const maxCache = b['cache-to'].some((c) => /(^|,)mode=max(,|$)/.test(c));
  const cacheDir = path.join(work, 'cache');
  if (maxCache) targets.push({ kind: 'dir', path: cacheDir, label: 'build cache (mode=max)', layout: true });
  const verify: BuildInputs = {
    ...b,
    tags: [],
    push: false,
    load: false,
    outputs: verifyOutputs,
    'cache-to': maxCache ? [`type=local,dest=${cacheDir},mode=max`] : []
  };
  return { verify, targets, moves, publish: publishBuild(b, others, outputs.length, builder) };
}

/** The user's publishing, as a cached rebuild: no secrets are mounted, so a step that is not cached and needs one fails instead. */
function publishBuild(b: BuildInputs, others: OutputSpec[], outputCount: number, builder: BuilderInfo): BuildInputs | undefined {
  // The docker driver loads the image into the daemon when no output is given.
  const defaultLoad = outputCount === 0 && builder.driver === 'docker';
  if (!(b.push || b.load || others.length || b['cache-to'].length || defaultLoad)) return undefined;
  return { ...b, outputs: others.map(formatOutput), 'no-cache': false, pull: false };
}

function isDirOutput(o: OutputSpec): boolean {
  return o.type === 'local' || /^(false|0)$/i.test(o.attrs.get('tar') ?? '');
}

function refusePublishingExtraArgs(args: string[]): void {
  args.forEach((a, k) => {
    if (PUBLISHING_FLAGS.some((f) => a === f || a.startsWith(`${f}=`) || (f.length === 2 && a.startsWith(f) && !a.startsWith('--')))) {
      throw new InputError(
        'extra-args',
        'this flag publishes the build: use the push, load, tags, outputs or cache-to input, so the leak guard can scan before anything is published',
        k + 1
      );
    }
  });
}

/** Whether a plan pushes to a registry (for the summary and the verification of what was pushed). */
export function pushes(b: BuildInputs): boolean {
  return b.push || b.outputs.some((o, k) => isPush(parseOutput(o, k + 1)));
}
