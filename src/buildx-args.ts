/**
 * The `docker buildx build` command line. Pure. Secrets appear only as
 * `id=<id>,src=<vault file>`: never a value, never `env=`.
 */
import type { BuildInputs } from './inputs.js';

export interface SecretMount {
  id: string;
  file: string;
}

export interface BuildFiles {
  iidFile: string;
  metadataFile: string;
}

export function buildxArgs(b: BuildInputs, mounts: SecretMount[], files: BuildFiles): string[] {
  const args = ['buildx', 'build'];
  const flag = (name: string, value: string) => {
    if (value !== '') args.push(name, value);
  };
  const each = (name: string, values: string[]) => values.forEach((v) => args.push(name, v));
  const on = (name: string, value: boolean) => {
    if (value) args.push(name);
  };
  flag('--builder', b.builder);
  flag('--file', b.file);
  flag('--target', b.target);
  each('--tag', b.tags);
  each('--label', b.labels);
  each('--build-arg', b.buildArgs);
  flag('--platform', b.platforms.join(','));
  each('--output', b.outputs);
  on('--push', b.push);
  on('--load', b.load);
  each('--cache-from', b.cacheFrom);
  each('--cache-to', b.cacheTo);
  on('--no-cache', b.noCache);
  on('--pull', b.pull);
  flag('--network', b.network);
  each('--build-context', b.buildContexts);
  if (b.provenance !== '') args.push(`--provenance=${b.provenance}`);
  if (b.sbom !== '') args.push(`--sbom=${b.sbom}`);
  for (const m of mounts) args.push('--secret', `id=${m.id},src=${m.file}`);
  // buildx refuses an image id file with the local and tar exporters (no image is made).
  if (!b.outputs.some(isFilesystemExport)) args.push('--iidfile', files.iidFile);
  args.push('--metadata-file', files.metadataFile);
  args.push(...b.extraArgs, b.context);
  return args;
}

/** `type=local`/`type=tar`, or the shorthand of a bare destination path. */
export function isFilesystemExport(output: string): boolean {
  return /(^|,)type=(local|tar)(,|$)/.test(output) || !output.includes('=');
}
