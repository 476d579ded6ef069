/**
 * The job summary a reviewer reads at a glance: the result, what was built and where
 * it went, the secret ids (never values), every leak-guard check with its outcome, each
 * finding as a row, what was skipped and why, what could not be scanned, and on failure
 * the error. HTML with every value scrubbed, cut to a cell's length and escaped: names
 * from the image (paths, history) are hostile text.
 */
import type { VaultKind } from '../secrets/vault.js';
import type { RuleId } from '../leak-guard/preflight/rules.js';
import type { Severity } from '../leak-guard/preflight/types.js';
import type { Log } from './log.js';

/** A secret the image scan found: where, and in what form; the id, never the value. */
export interface ImageFinding {
  id: string;
  platform?: string;
  layer: string;
  path: string;
  /** The build step that made the layer (image history). */
  step?: string;
  forms: string[];
}

/** A preflight finding as it was annotated (under `leak-check: warn` its errors are warnings). */
export interface PreflightFinding {
  severity: Severity;
  /** Its rule id (docs/rules/<rule>.md). */
  rule: RuleId;
  /** Silenced by a comment above its instruction or by preflight-ignore: listed, not counted. */
  ignored?: 'comment' | 'input';
  file?: string;
  line?: number;
  message: string;
}

/** A check or input the action did not apply, and why. */
export interface Skipped {
  what: string;
  why: string;
}

/** What the pipeline found out, for the summary: returned by each phase, or carried by its failure (errors.ts PhaseFailure). */
export interface Facts {
  vaultKind?: VaultKind;
  /** Each leak-guard check, in the order it ran. */
  checks: { name: string; outcome: string }[];
  notScanned: string[];
  imageFindings?: ImageFinding[];
  preflightFindings?: PreflightFinding[];
  skipped?: Skipped[];
}

/** `base` with more facts: their lists after its own, the vault kind once known. Pure. */
export function withFacts<T extends Facts>(base: T, more: Partial<Facts>): T {
  const both = <K extends 'checks' | 'notScanned' | 'imageFindings' | 'preflightFindings' | 'skipped'>(k: K) =>
    [...(base[k] ?? []), ...(more[k] ?? [])] as NonNullable<Facts[K]>;
  return {
    ...base,
    vaultKind: more.vaultKind ?? base.vaultKind,
    checks: both('checks'),
    notScanned: both('notScanned'),
    imageFindings: both('imageFindings'),
    preflightFindings: both('preflightFindings'),
    skipped: both('skipped')
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

/** Characters shown as escapes (`\n`, `\x1b`, `\u2028`): a line break would end the summary's HTML block and let what follows be Markdown. */
// eslint-disable-next-line no-control-regex -- control characters are what this matches
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/** HTML's five, and what Markdown, a mention or a workflow command would read (`|`, backtick, `@`, `:`, `*`, `_`, `[`, `]`, `~`), as character references. */
const SPECIAL = /[&<>"'|`@:*_[\]~]/g;
/** The longest cell text kept, before escaping: with MAX_ROWS rows a table stays far under the 1 MiB a step summary may hold. */
export const CELL_CHARS = 200;
/** Findings listed a table; the rest are counted ("and 12 more"). */
export const MAX_ROWS = 50;

/**
 * Text for a table cell: scrubbed (while it is still the text the scrubber knows), cut to
 * CELL_CHARS, control characters made visible, then every character that HTML, Markdown or
 * the runner could read escaped. Pure given `scrub`.
 */
export function cellText(t: string, scrub: (t: string) => string): string {
  const clean = scrub(t);
  const cut = [...clean].length > CELL_CHARS ? `${[...clean].slice(0, CELL_CHARS - 1).join('')}…` : clean;
  const visible = cut.replace(CONTROL, (c) => {
    const n = c.charCodeAt(0);
    return c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : n > 0xff ? `\\u${n.toString(16)}` : `\\x${n.toString(16).padStart(2, '0')}`;
  });
  return visible.replace(SPECIAL, (c) => `&#${c.charCodeAt(0)};`);
}

type Cell = string | { data: string; header: true };
const header = (...names: string[]): Cell[] => names.map((data) => ({ data, header: true }));

/** At most MAX_ROWS rows, then one that counts the rest. */
function capped<T>(items: T[], row: (x: T) => string[], width: number): string[][] {
  const rows = items.slice(0, MAX_ROWS).map(row);
  if (items.length > MAX_ROWS) rows.push([`… and ${items.length - MAX_ROWS} more, see the annotations`, ...Array<string>(width - 1).fill('')]);
  return rows;
}

/** Where an image finding is: the platform's layer and path, and the step that made the layer. */
function imageCells(f: ImageFinding, cell: (t: string) => string): string[] {
  const where = `${cell(f.layer)}<br><code>${cell(f.path)}</code>${f.step ? `<br>step: <code>${cell(f.step)}</code>` : ''}`;
  return [`<code>${cell(f.id)}</code>`, f.platform ? cell(f.platform) : '—', where, cell(f.forms.join('; '))];
}

function preflightCells(f: PreflightFinding, cell: (t: string) => string): string[] {
  const at = f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : f.line ? `line ${f.line}` : '—';
  const severity = f.ignored ? `${f.severity}, ignored (${f.ignored === 'comment' ? 'by a comment' : 'preflight-ignore'})` : f.severity;
  return [cell(severity), cell(f.rule), `<code>${cell(at)}</code>`, cell(f.message)];
}

/** The tables after the overview: image findings, preflight findings, what was skipped; each only when it has rows. Pure given `scrub`. */
export function findingTables(r: Facts, scrub: (t: string) => string = (t) => t): { title: string; rows: Cell[][] }[] {
  const cell = (t: string) => cellText(t, scrub);
  const tables = [
    {
      title: 'Secrets found in what the build produced',
      head: header('Secret id', 'Platform', 'Where (layer, path, step)', 'Found as'),
      rows: capped(r.imageFindings ?? [], (f) => imageCells(f, cell), 4)
    },
    {
      title: 'Dockerfile preflight findings',
      head: header('Severity', 'Rule', 'Where', 'Finding'),
      rows: capped(r.preflightFindings ?? [], (f) => preflightCells(f, cell), 4)
    },
    { title: 'Skipped', head: header('What', 'Why'), rows: capped(r.skipped ?? [], (s) => [cell(s.what), cell(s.why)], 2) }
  ];
  return tables.filter((t) => t.rows.length).map((t) => ({ title: t.title, rows: [t.head, ...t.rows] }));
}

/**
 * The rows of the summary table. Every value is scrubbed first and escaped after: an
 * escaped secret (`&` → `&#38;`) would no longer match what the scrubber knows. Pure.
 */
export function summaryRows(r: RunReport, scrub: (t: string) => string = (t) => t): [string, string][] {
  // Line breaks as references: a blank line would end the HTML block (in <pre> they still break lines).
  const text = (t: string) => escapeHtml(scrub(t)).replace(/\r\n|[\r\n\u2028\u2029]/g, '&#10;');
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
  await log.summary((s, scrub) => {
    s.addHeading('secret-build', 3).addTable([header('Item', 'Value'), ...summaryRows(r, scrub)]);
    for (const t of findingTables(r, scrub)) s.addHeading(t.title, 4).addTable(t.rows);
    return s;
  });
}
