/**
 * `--output` specs as buildx reads them: a CSV record of `key=value` fields (buildx
 * uses Go's encoding/csv), a bare path meaning `type=local,dest=<path>`, and `-`
 * meaning `type=tar,dest=-`. Pure.
 */
import { parse } from 'csv-parse/sync';
import { InputError } from '../errors.js';

export interface OutputSpec {
  type: string;
  /** Every field but `type`, in order. */
  attrs: Map<string, string>;
}

export function parseOutput(spec: string, entry: number): OutputSpec {
  if (spec === '-') return { type: 'tar', attrs: new Map([['dest', '-']]) };
  if (!spec.includes('=')) return { type: 'local', attrs: new Map([['dest', spec]]) };
  let fields: string[];
  try {
    const records: string[][] = parse(spec, { relaxQuotes: true });
    fields = records[0] ?? [];
  } catch {
    throw new InputError('outputs', 'not a valid output: expected comma-separated key=value fields', entry);
  }
  const attrs = new Map<string, string>();
  for (const f of fields) {
    const eq = f.indexOf('=');
    if (eq <= 0) throw new InputError('outputs', 'not a valid output: every field must be key=value', entry);
    attrs.set(f.slice(0, eq).trim().toLowerCase(), f.slice(eq + 1));
  }
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

/** Written to a file or directory on this runner: the exporter's own artefact, which can be scanned and then moved into place. */
export function isFileOutput(o: OutputSpec): boolean {
  return ['local', 'tar', 'oci', 'docker'].includes(o.type) && o.attrs.has('dest');
}

/** Leaves the runner: a registry push. */
export function isPush(o: OutputSpec): boolean {
  return o.type === 'registry' || (o.type === 'image' && /^(true|1)$/i.test(o.attrs.get('push') ?? ''));
}
