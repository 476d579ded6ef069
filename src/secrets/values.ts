/**
 * Resolves secret specs to their bytes: the literal value, the environment variable,
 * or the file. Checks what BuildKit and log masking need: not empty, not too short
 * to mask, not over BuildKit's size limit.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError, MissingSecretsError } from '../errors.js';
import type { SecretSpec } from '../inputs/secret-specs.js';

/** BuildKit refuses secrets over 500 KiB (MaxSecretSize in buildkit's secret mounts). */
export const MAX_SECRET_BYTES = 500 * 1024;
/** Shorter values would be masked everywhere they occur by chance and wreck the log. */
export const MIN_SECRET_BYTES = 4;

export interface Secret {
  id: string;
  input: SecretSpec['input'] | 'github-token' | 'context' | 'build-contexts';
  entry: number;
  value: Buffer;
  /** `secret-files`: the file it was read from (the preflight checks whether the build context holds it). */
  file?: string;
}

/** Where values come from besides the specs themselves. */
export interface SecretSources {
  env: NodeJS.ProcessEnv;
  /** The `secrets-json` input, `${{ toJSON(secrets) }}`; only keys named in secret-map are read. */
  secretsJson: string;
}

const NOT_ARRIVED: Record<string, string> = { secrets: 'empty', 'secret-envs': 'variable unset or empty', 'secret-map': 'not in secrets-json' };

/** Resolves every spec; values that did not arrive are gathered into one MissingSecretsError. */
export function resolveSecrets(specs: SecretSpec[], sources: SecretSources): Secret[] {
  const context = specs.some((s) => s.input === 'secret-map') ? parseSecretsJson(sources.secretsJson) : {};
  const missing: { id: string; where: string }[] = [];
  const secrets = specs.flatMap((spec) => {
    const value = readValue(spec, sources.env, context);
    // A file is there or not (its own errors); the other kinds arrive empty when the run gets no such secret.
    if (spec.input !== 'secret-files' && (value === undefined || value.length === 0)) {
      missing.push({ id: spec.id, where: `input "${spec.input}", entry ${spec.entry}, ${NOT_ARRIVED[spec.input]}` });
      return [];
    }
    checkSize(spec, value!);
    return [{ id: spec.id, input: spec.input, entry: spec.entry, value: value!, ...(spec.input === 'secret-files' ? { file: spec.path } : {}) }];
  });
  if (missing.length) throw new MissingSecretsError(missing);
  return secrets;
}

/** The value, or undefined when the secret did not arrive (not in secrets-json, the variable unset). */
function readValue(spec: SecretSpec, env: NodeJS.ProcessEnv, context: Record<string, unknown>): Buffer | undefined {
  switch (spec.input) {
    case 'secrets':
      return Buffer.from(spec.value, 'utf8');
    case 'secret-map': {
      const v = Object.hasOwn(context, spec.name) ? context[spec.name] : undefined;
      return typeof v === 'string' ? Buffer.from(v, 'utf8') : undefined;
    }
    case 'secret-envs': {
      const v = env[spec.variable];
      return v === undefined ? undefined : Buffer.from(v, 'utf8');
    }
    case 'secret-files':
      // Relative to the working directory, as buildx itself would resolve it.
      return readSecretFile(spec, path.resolve(spec.path));
  }
}

/** Parsed once; the caller keeps only the values secret-map names. */
function parseSecretsJson(text: string): Record<string, unknown> {
  if (text.trim() === '') throw new InputError('secrets-json', 'is empty but secret-map names secrets: pass secrets-json: ${{ toJSON(secrets) }}');
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through: the message must not quote the text
  }
  throw new InputError('secrets-json', 'is not a JSON object: pass ${{ toJSON(secrets) }}');
}

/** Filesystems whose files are views of the kernel or of processes (/proc/self/environ holds this step's whole environment). */
const PSEUDO_FS = new Set([
  0x9fa0 /* proc */, 0x62656572 /* sysfs */, 0x64626720 /* debugfs */, 0x74726163 /* tracefs */, 0x73636673 /* securityfs */, 0x63677270 /* cgroup2 */,
  0x1cd1 /* devpts */
]);

/**
 * A regular file (links followed) on a real filesystem, read through one descriptor with
 * a size bound: what was checked is what is read. Messages do not quote the path, which
 * may be a pasted secret.
 */
function readSecretFile(spec: SecretSpec, file: string): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      spec.input,
      code === 'ENOENT' ? 'file not found (paths are relative to the working directory)' : `cannot open the file (${code ?? 'error'})`,
      spec.entry
    );
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new InputError(spec.input, 'not a regular file', spec.entry);
    if (PSEUDO_FS.has(Number(fs.statfsSync(file).type)))
      throw new InputError(spec.input, 'the file is on a pseudo filesystem (such as /proc): give a file on disk or tmpfs', spec.entry);
    if (st.size > MAX_SECRET_BYTES) throw tooBig(spec, st.size);
    const buf = Buffer.alloc(MAX_SECRET_BYTES + 1);
    let n = 0;
    for (let r = 1; r > 0 && n < buf.length; n += r) r = fs.readSync(fd, buf, n, buf.length - n, null);
    if (n > MAX_SECRET_BYTES) throw tooBig(spec, n);
    return buf.subarray(0, n);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(spec.input, `cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, spec.entry);
  } finally {
    fs.closeSync(fd);
  }
}

function checkSize(spec: SecretSpec, value: Buffer): void {
  if (value.length === 0) throw new InputError(spec.input, 'the secret value is empty', spec.entry);
  if (value.length < MIN_SECRET_BYTES) {
    throw new InputError(spec.input, `the secret value is shorter than ${MIN_SECRET_BYTES} bytes, too short to mask in logs`, spec.entry);
  }
  if (value.length > MAX_SECRET_BYTES) throw tooBig(spec, value.length);
}

function tooBig(spec: SecretSpec, size: number): InputError {
  return new InputError(spec.input, `the secret is ${size} bytes; BuildKit accepts at most ${MAX_SECRET_BYTES} bytes`, spec.entry);
}
