/**
 * The job summary a reviewer reads at a glance: the result, what was built and where
 * it went, the secret ids (never values), every leak-guard check with its outcome,
 * what could not be scanned, and on failure the error. HTML with every value escaped.
 */
import type { VaultKind } from '../secrets/vault.js';
import type { Log } from './log.js';

/** What the pipeline found out, for the summary: returned by each phase, or carried by its failure (errors.ts PhaseFailure). */
export interface Facts {
  vaultKind?: VaultKind;
  /** Each leak-guard check, in the order it ran. */
  checks: { name: string; outcome: string }[];
  notScanned: string[];
}

/** `base` with more facts: their checks and unscanned results after its own, the vault kind once known. Pure. */
export function withFacts<T extends Facts>(base: T, more: Partial<Facts>): T {
  return {
    ...base,
    vaultKind: more.vaultKind ?? base.vaultKind,
    checks: [...base.checks, ...(more.checks ?? [])],
    notScanned: [...base.notScanned, ...(more.notScanned ?? [])]
  };
}

export interface RunReport extends Facts {
  result: 'success' | 'failure' | 'skipped';
  ids: string[];
  tags: string[];
  platforms: string[];
  builder: string;
  durationMs: number;
  imageid?: string;
  digest?: string;
  error?: string;
}

export function newReport(): RunReport {
  return { result: 'failure', ids: [], tags: [], platforms: [], builder: 'default', durationMs: 0, checks: [], notScanned: [] };
}

const RESULT_TEXT: Record<RunReport['result'], string> = { success: '✅ built', failure: '❌ failed', skipped: '⏭️ skipped: the run has no secrets' };

const VAULT_TEXT: Record<VaultKind | 'none', string> = { tmpfs: 'tmpfs (memory)', 'disk-fallback': 'disk (RUNNER_TEMP fallback)', none: 'not created' };

export function escapeHtml(t: string): string {
  return t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The rows of the summary table. Every value is scrubbed first and escaped after: an
 * escaped secret (`&` → `&#38;`) would no longer match what the scrubber knows. Pure.
 */
export function summaryRows(r: RunReport, scrub: (t: string) => string = (t) => t): [string, string][] {
  const text = (t: string) => escapeHtml(scrub(t));
  const code = (t: string) => `<code>${text(t)}</code>`;
  const list = (items: string[], none: string) => (items.length ? items.map(code).join(', ') : none);
  const rows: [string, string][] = [
    ['Result', RESULT_TEXT[r.result]],
    ['Image', list(r.tags, 'no tags')],
    ['Digest', r.digest ? code(r.digest) : '—'],
    ['Platforms', list(r.platforms, 'the builder’s default')],
    ['Builder', code(r.builder)],
    ['Secret ids mounted', list(r.ids, 'none')],
    ['Vault', VAULT_TEXT[r.vaultKind ?? 'none']],
    ['Duration', `${(r.durationMs / 1000).toFixed(1)} s`],
    ...r.checks.map((c): [string, string] => [`Leak guard: ${text(c.name)}`, text(c.outcome)])
  ];
  if (!r.checks.length) rows.push(['Leak guard', 'not run']);
  if (r.notScanned.length) rows.push(['Not scanned', r.notScanned.map(text).join('<br>')]);
  if (r.error) rows.push([r.result === 'skipped' ? 'Why' : 'Error', `<pre>${text(r.error)}</pre>`]);
  return rows;
}

export async function writeSummary(r: RunReport, log: Log): Promise<void> {
  await log.summary((s, scrub) =>
    s.addHeading('secret-build', 3).addTable([
      [
        { data: 'Item', header: true },
        { data: 'Value', header: true }
      ],
      ...summaryRows(r, scrub)
    ])
  );
}
