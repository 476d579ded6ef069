/**
 * `--output` and `--cache-to` specs as buildx reads them: a CSV record of `key=value`
 * fields (buildx uses Go's encoding/csv; keys are case-insensitive), a single field that
 * does not start with `type=` meaning `type=local,dest=<it>`, and `-` meaning
 * `type=tar,dest=-`. Booleans follow Go's strconv.ParseBool, as BuildKit reads them. Pure.
 */
import { parse } from 'csv-parse/sync';
import { InputError } from '../errors.js';

export interface OutputSpec {
  type: string;
  /** Every field but `type`, in order. */
  attrs: Map<string, string>;
}

/** The fields of one spec, keys lower-cased. `input` and `entry` only name it in an error. */
export function parseFields(input: string, spec: string, entry: number): Map<string, string> {
  return keyValues(input, csvFields(input, spec, entry), entry);
}

function csvFields(input: string, spec: string, entry: number): string[] {
  try {
    const records: string[][] = parse(spec, { relaxQuotes: true });
    return records[0] ?? [];
  } catch {
    throw new InputError(input, `not a valid ${what(input)}: expected comma-separated key=value fields`, entry);
  }
}

function keyValues(input: string, fields: string[], entry: number): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const f of fields) {
    const eq = f.indexOf('=');
    if (eq <= 0) throw new InputError(input, `not a valid ${what(input)}: every field must be key=value`, entry);
    attrs.set(f.slice(0, eq).trim().toLowerCase(), f.slice(eq + 1));
  }
  return attrs;
}

const what = (input: string) => (input === 'outputs' ? 'output' : 'cache export');

/**
 * buildx's rule (util/buildflags/export.go): one CSV field that is the whole text and does not
 * start with `type=` (case-sensitive) is a path, `type=local,dest=<it>`, or `-`, a tar to stdout.
 */
export function parseOutput(spec: string, entry: number): OutputSpec {
  const fields = csvFields('outputs', spec, entry);
  if (fields.length === 1 && fields[0] === spec && !spec.startsWith('type='))
    return spec === '-' ? { type: 'tar', attrs: new Map([['dest', '-']]) } : { type: 'local', attrs: new Map([['dest', spec]]) };
  const attrs = keyValues('outputs', fields, entry);
  const type = attrs.get('type') ?? '';
  attrs.delete('type');
  if (!type) throw new InputError('outputs', 'the output has no type=', entry);
  return { type, attrs };
}

/** Back to the flag value, each field quoted only when it must be. */
export function formatOutput(o: OutputSpec): string {
  const quote = (f: string) => (/[",\n\r]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f);
  return [`type=${o.type}`, ...[...o.attrs].map(([k, v]) => `${k}=${v}`)].map(quote).join(',');
}

/** Go's strconv.ParseBool; `fallback` for anything else (BuildKit then errors or ignores). */
export function goBool(v: string | undefined, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return fallback;
}

/** Written to a file or directory on this runner: the exporter's own artefact, which can be scanned and then moved into place. */
export function isFileOutput(o: OutputSpec): boolean {
  return ['local', 'tar', 'oci', 'docker'].includes(o.type) && !!o.attrs.get('dest');
}

/** buildx sends a tar or OCI export without a destination to stdout, which the action prints. */
export function writesToStdout(o: OutputSpec): boolean {
  const dest = o.attrs.get('dest');
  return (['tar', 'oci'].includes(o.type) && (dest === undefined || dest === '' || dest === '-')) || dest === '-';
}

/** Leaves the runner: a registry push (`push=` with no value counts as true in BuildKit). */
export function isPush(o: OutputSpec): boolean {
  const push = o.attrs.get('push');
  return o.type === 'registry' || (o.type === 'image' && push !== undefined && (push === '' || goBool(push, false)));
}

/** A file output written as a directory: `type=local`, or `tar=false` for the OCI and docker exporters. */
export function isDirOutput(o: OutputSpec): boolean {
  return o.type === 'local' || !goBool(o.attrs.get('tar'), true);
}

/**
 * The `cache-from` entries (1-based) buildx drops without an error (build/opt.go isActive):
 * `type=gha` without a token or a cache URL, given neither as attributes nor by the
 * runner's environment (ACTIONS_RUNTIME_TOKEN, ACTIONS_CACHE_URL or ACTIONS_RESULTS_URL).
 */
export function inactiveGhaImports(specs: string[], env: NodeJS.ProcessEnv): number[] {
  return specs.flatMap((spec, k) => {
    const attrs = /^type=/i.test(spec) || spec.includes(',') ? parseFields('cache-from', spec, k + 1) : new Map<string, string>();
    if (attrs.get('type') !== 'gha') return [];
    const attr = (key: string, fallback: string | undefined) => (attrs.has(key) ? attrs.get(key) : fallback);
    const v2 = attr('version', goBool(env.ACTIONS_CACHE_SERVICE_V2, false) ? '2' : undefined) === '2';
    const token = attr('token', env.ACTIONS_RUNTIME_TOKEN);
    const url = attr('url', env.ACTIONS_CACHE_URL ?? env.ACTIONS_RESULTS_URL);
    const urlV2 = attr('url_v2', v2 ? env.ACTIONS_RESULTS_URL : undefined);
    return token && (url || urlV2) ? [] : [k + 1];
  });
}
