/** The job summary: which ids were mounted (never values), where the vault was, how it went. */
import * as core from '@actions/core';
import { scrub } from './log.js';
import type { VaultKind } from './vault.js';

export interface RunReport {
  ids: string[];
  vaultKind?: VaultKind;
  durationMs: number;
  result: 'success' | 'failure' | 'cancelled';
  leakGuard: string;
  imageid?: string;
}

export async function writeSummary(r: RunReport): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const rows = [
    [{ data: 'Item', header: true }, { data: 'Value', header: true }],
    ['Result', r.result],
    ['Secret ids mounted', r.ids.length ? r.ids.map((id) => `\`${id}\``).join(', ') : 'none'],
    ['Vault', r.vaultKind === 'disk-fallback' ? 'disk (RUNNER_TEMP fallback)' : r.vaultKind === 'tmpfs' ? 'tmpfs (memory)' : 'not created'],
    ['Duration', `${(r.durationMs / 1000).toFixed(1)} s`],
    ['Leak guard', r.leakGuard],
    ...(r.imageid ? [['Image id', `\`${r.imageid}\``]] : [])
  ].map((row) => row.map((c) => (typeof c === 'string' ? scrub(c) : c)));
  await core.summary.addHeading('secret-build', 3).addTable(rows).write();
}
