/**
 * After a finding: what the blocked build left in the builder's cache goes, so no later
 * run reuses a leaky layer (on a shared builder, anyone's). BuildKit cannot say which
 * records a build made, so the window does: every record created between the build's
 * start and end by the builder's own clock (`buildx history inspect`), found with
 * `buildx du`, removed with `buildx prune --all --filter id~=…`. A build that ran beside
 * ours loses the records it made in that window to a rebuild, nothing else; records in
 * use are never pruned.
 */
import type { Log } from '../report/log.js';
import { jsonLines, recordId } from './history.js';
import { capture } from './process.js';

interface DuRecord {
  ID?: string;
  CreatedAt?: string;
}

/** `2026-12-06 15:19:27.677112027 +0000 UTC` (Go's time format, as du prints it) as epoch ms; NaN when it is not that. */
export function goTime(text: string): number {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)? ([+-]\d\d)(\d\d)/.exec(text);
  if (!m) return NaN;
  return Date.parse(`${m[1]}T${m[2]}${(m[3] ?? '').slice(0, 4)}${m[4]}:${m[5]}`);
}

/** The ids of the records created within [start, end] (ms), from `buildx du --format json`. Pure. */
export function recordsWithin(duJson: string, start: number, end: number): string[] {
  return jsonLines<DuRecord>(duJson).flatMap((r) => {
    const created = goTime(r.CreatedAt ?? '');
    return r.ID && /^[a-z0-9]+$/.test(r.ID) && created >= start && created <= end ? [r.ID] : [];
  });
}

/** Removes the cache records our build (ref) made; says how many, or why it could not. */
export async function pruneBuildRecords(ref: string, builder: string, log: Log): Promise<void> {
  const on = builder ? ['--builder', builder] : [];
  const id = recordId(ref);
  const fail = (why: string) =>
    log.warning(
      `the blocked build's records stay in the builder's cache (${why}): a later build may reuse its leaky layer; run "docker buildx prune" on the builder`
    );
  const record = await capture(['buildx', 'history', 'inspect', ...on, id, '--format', 'json'], log);
  let times: { StartedAt?: string; CompletedAt?: string } = {};
  try {
    times = JSON.parse(record.stdout) as typeof times;
  } catch {
    return fail('its build record could not be read');
  }
  const [start, end] = [Date.parse(times.StartedAt ?? ''), Date.parse(times.CompletedAt ?? '')];
  if (!Number.isFinite(start) || !Number.isFinite(end)) return fail('its build record has no times');
  const du = await capture(['buildx', 'du', ...on, '--format', 'json'], log);
  if (du.code !== 0) return fail('buildx du failed');
  // A second either side: the context's transfer may be recorded as the build starts.
  const ids = recordsWithin(du.stdout, start - 1000, end + 1000);
  if (!ids.length) return log.info("the blocked build left no record in the builder's cache");
  const pruned = await capture(['buildx', 'prune', ...on, '--force', '--all', '--filter', `id~=^(${ids.join('|')})$`], log);
  if (pruned.code !== 0) return fail('buildx prune failed');
  log.info(`removed the ${ids.length} record(s) the blocked build made in the builder's cache: no later build reuses them`);
}
