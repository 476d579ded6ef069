/**
 * Builds that ran on the same builder at the same time as ours, from `docker buildx
 * history ls`. BuildKit runs identical steps of concurrent builds once and shares the
 * result, and a secret's content is not part of a step's key: a concurrent build with
 * another secret may have computed (and printed) our step with its secret, or ours with
 * ours. No buildx flag prevents that, so the action detects it afterwards and warns.
 */
import type { Log } from '../output/log.js';
import { capture } from './process.js';

interface Record {
  ref?: string;
  name?: string;
  created_at?: string;
  completed_at?: string;
}

/** Records whose time overlaps ours (one still running counts as running until now). Pure. */
export function overlapping(records: Record[], ref: string, now = Date.now()): Record[] {
  const ours = records.find((r) => r.ref === ref);
  if (!ours?.created_at) return [];
  const span = (r: Record) => [Date.parse(r.created_at ?? ''), r.completed_at ? Date.parse(r.completed_at) : now];
  const [start, end] = span(ours);
  return records.filter((r) => {
    if (r.ref === ref || !r.created_at) return false;
    const [s, e] = span(r);
    return s < end && e > start;
  });
}

/** The names of builds that overlapped ours; empty when buildx cannot tell (no history support). */
export async function concurrentBuilds(ref: string, builder: string, log: Log): Promise<string[]> {
  if (!ref) return [];
  const r = await capture(['buildx', 'history', 'ls', '--format', 'json', ...(builder ? ['--builder', builder] : [])], log);
  return r.code === 0 ? concurrentNames(r.stdout, ref) : [];
}

/** From `buildx history ls --format json` (a record a line): the builds that overlapped ours, by name. Pure. */
export function concurrentNames(historyJson: string, ref: string, now = Date.now()): string[] {
  const records = historyJson
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .flatMap((l): Record[] => {
      try {
        return [JSON.parse(l) as Record];
      } catch {
        return [];
      }
    });
  // The ref is builder/node/id; history lists the id part of it.
  const id = ref.split('/').pop()!;
  const others = overlapping(
    records.map((x) => ({ ...x, ref: x.ref?.split('/').pop() })),
    id,
    now
  );
  // A build that has just started has an empty name: its id names it then.
  return others.map((x) => x.name || x.ref || 'a build');
}
