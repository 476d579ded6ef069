/**
 * The one place that reads the action's inputs. List syntax follows
 * docker/build-push-action: one entry a line, and a comma also separates where no
 * entry can hold one (tags, platforms, secret-envs).
 */
import * as core from '@actions/core';
import { InputError } from './input-error.js';
import { assertUniqueIds, parseSecretEnvs, parseSecretFiles, parseSecretMap, parseSecrets, splitPlainList, type SecretSpec } from './secret-list.js';

export type LeakCheck = 'error' | 'warn' | 'off';

export interface BuildInputs {
  context: string;
  file: string;
  target: string;
  tags: string[];
  labels: string[];
  buildArgs: string[];
  platforms: string[];
  push: boolean;
  load: boolean;
  outputs: string[];
  cacheFrom: string[];
  cacheTo: string[];
  noCache: boolean;
  pull: boolean;
  builder: string;
  network: string;
  buildContexts: string[];
  provenance: string;
  sbom: string;
  extraArgs: string[];
}

export interface Inputs {
  secrets: SecretSpec[];
  /** `${{ toJSON(secrets) }}`: read only for the names in secret-map, then dropped. */
  secretsJson: string;
  build: BuildInputs;
  tmpfsDir: string;
  allowDiskFallback: boolean;
  leakCheck: LeakCheck;
  allowMissingOptionalSecrets: boolean;
}

/** Build inputs that are lists, by input name, for checks that treat them alike. */
export const LIST_INPUTS = {
  tags: 'tags',
  labels: 'labels',
  buildArgs: 'build-args',
  platforms: 'platforms',
  outputs: 'outputs',
  cacheFrom: 'cache-from',
  cacheTo: 'cache-to',
  buildContexts: 'build-contexts',
  extraArgs: 'extra-args'
} as const satisfies Partial<Record<keyof BuildInputs, string>>;

/** Flags the action sets itself; passing them through extra-args would bypass the vault. */
const RESERVED_FLAGS = ['--secret', '--iidfile', '--metadata-file'];

const str = (name: string): string => core.getInput(name);
const list = (name: string, commas = false): string[] => splitPlainList(core.getInput(name), commas).map((e) => e.text);

function bool(name: string, fallback = false): boolean {
  const v = core.getInput(name).toLowerCase();
  if (v === '') return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new InputError(name, 'expected true or false');
}

function leakCheck(): LeakCheck {
  const v = core.getInput('leak-check') || 'error';
  if (v === 'error' || v === 'warn' || v === 'off') return v;
  throw new InputError('leak-check', 'expected error, warn or off');
}

function extraArgs(): string[] {
  // One argument a line, verbatim: no shell-style splitting to get wrong.
  const args = core.getInput('extra-args').split(/\r?\n/).map((a) => a.trim()).filter((a) => a !== '');
  args.forEach((a, k) => {
    if (RESERVED_FLAGS.some((f) => a === f || a.startsWith(`${f}=`))) {
      throw new InputError('extra-args', 'this flag is set by the action; give secrets through secrets, secret-envs or secret-files', k + 1);
    }
  });
  return args;
}

function tmpfsDir(): string {
  const dir = str('tmpfs-dir');
  // The path ends up inside buildx's comma-separated --secret value.
  if (/[,"'\n]/.test(dir)) throw new InputError('tmpfs-dir', 'the path may not contain commas, quotes or newlines');
  return dir;
}

export function readBuildInputs(): BuildInputs {
  return {
    context: str('context') || '.',
    file: str('file'),
    target: str('target'),
    tags: list('tags', true),
    labels: list('labels'),
    buildArgs: list('build-args'),
    platforms: list('platforms', true),
    push: bool('push'),
    load: bool('load'),
    outputs: list('outputs'),
    cacheFrom: list('cache-from'),
    cacheTo: list('cache-to'),
    noCache: bool('no-cache'),
    pull: bool('pull'),
    builder: str('builder'),
    network: str('network'),
    buildContexts: list('build-contexts'),
    provenance: str('provenance'),
    sbom: str('sbom'),
    extraArgs: extraArgs()
  };
}

export function readSecretSpecs(): SecretSpec[] {
  // `secrets` is read untrimmed: values are byte-exact.
  const specs = [
    ...parseSecrets(core.getInput('secrets', { trimWhitespace: false })),
    ...parseSecretEnvs(core.getInput('secret-envs')),
    ...parseSecretFiles(core.getInput('secret-files')),
    ...parseSecretMap(core.getInput('secret-map'))
  ];
  if (core.getInput('secrets-json') && !specs.some((s) => s.input === 'secret-map')) {
    throw new InputError('secret-map', 'is required with secrets-json: name the secrets to mount, as id=SECRET_NAME');
  }
  assertUniqueIds(specs);
  return specs;
}

export function readInputs(): Inputs {
  return {
    secrets: readSecretSpecs(),
    secretsJson: core.getInput('secrets-json'),
    build: readBuildInputs(),
    tmpfsDir: tmpfsDir(),
    allowDiskFallback: bool('allow-disk-fallback'),
    leakCheck: leakCheck(),
    allowMissingOptionalSecrets: bool('allow-missing-optional-secrets')
  };
}
