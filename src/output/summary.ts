/** The job summary: which ids were mounted (never values), where the vault was, how it went. */
import type { VaultKind } from '../secrets/vault.js';
import type { Log } from './log.js';

export interface RunReport {
  ids: string[];
  vaultKind?: VaultKind;
  durationMs: number;
  result: 'success' | 'failure' | 'cancelled';
  leakGuard: string;
  imageid?: string;
}

const VAULT_TEXT: Record<VaultKind | 'none', string> = { tmpfs: 'tmpfs (memory)', 'disk-fallback': 'disk (RUNNER_TEMP fallback)', none: 'not created' };

function escapeHtml(t: string): string {
  return t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const code = (t: string) => `<code>${escapeHtml(t)}</code>`;

export async function writeSummary(r: RunReport, log: Log): Promise<void> {
  const rows: [string, string][] = [
    ['Result', escapeHtml(r.result)],
    ['Secret ids mounted', r.ids.length ? r.ids.map(code).join(', ') : 'none'],
    ['Vault', VAULT_TEXT[r.vaultKind ?? 'none']],
    ['Duration', `${(r.durationMs / 1000).toFixed(1)} s`],
    ['Leak guard', escapeHtml(r.leakGuard)],
    ...(r.imageid ? [['Image id', code(r.imageid)] as [string, string]] : [])
  ];
  await log.summary((s, scrub) =>
    s.addHeading('secret-build', 3).addTable([
      [
        { data: 'Item', header: true },
        { data: 'Value', header: true }
      ],
      ...rows.map(([k, v]) => [k, scrub(v)])
    ])
  );
}
