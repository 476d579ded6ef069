/**
 * Builds that ran on the same builder at the same time as ours, from `docker buildx
 * history ls`. BuildKit runs identical steps of concurrent builds once and shares the
 * result, and a secret's content is not part of a step's key: a concurrent build with
 * another secret may have computed (and printed) our step with its secret, or ours with
 * ours. No buildx flag prevents that, so the action detects it afterwards and warns.
 */
import type { Log } from '../report/log.js';
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

/** The objects of buildx's `--format json` output, one a line; lines that are not one are skipped. Pure. */
export function jsonLines<T>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .flatMap((l): T[] => {
      try {
        return [JSON.parse(l) as T];
      } catch {
        return [];
      }
    });
}

/** The id part of buildx's ref of a build (builder/node/id): what history and its commands name it by. */
export const recordId = (ref: string): string => ref.split('/').pop()!;

/** From `buildx history ls --format json` (a record a line): the builds that overlapped ours, by name. Pure. */
export function concurrentNames(historyJson: string, ref: string, now = Date.now()): string[] {
  const others = overlapping(
    jsonLines<Record>(historyJson).map((x) => ({ ...x, ref: x.ref && recordId(x.ref) })),
    recordId(ref),
    now
  );
  // A build that has just started has an empty name: its id names it then.
  return others.map((x) => x.name || x.ref || 'a build');
}

/**
 * Removes our build's record from the builder's history (`buildx history rm`): it keeps the
 * build's raw log, which anyone who can reach the builder reads with `buildx history logs`.
 * Done when the scrubber redacted that log here, and only on a BuildKit that removes records
 * safely (builder.ts safeHistoryRemoval): on an older one, a removal that meets another
 * client's listing can take the daemon down, so the action says how to remove it instead.
 * A failure is a warning naming the record.
 */
export async function removeRecord(ref: string, builder: string, safe: boolean, log: Log): Promise<void> {
  const id = recordId(ref);
  const what = `the build printed a secret (redacted in this log), and its record ${id} in the builder's history keeps the raw log`;
  const by = `run "docker buildx history rm ${builder ? `--builder ${builder} ` : ''}${id}"`;
  if (!safe) {
    log.warning(
      `${what}: ${by} when no other build or history listing runs on the builder. The action does not: before BuildKit 0.29 a removal ` +
        "that meets another client's listing crashes the builder (on the docker driver, dockerd), and this builder's BuildKit is older or unknown"
    );
    return;
  }
  const r = await capture(['buildx', 'history', 'rm', ...(builder ? ['--builder', builder] : []), id], log);
  if (r.code === 0) log.info(`${what}: removed`);
  else log.warning(`${what}, and it could not be removed: ${by} (${r.stderr.trim().split('\n').pop() ?? ''})`);
}
