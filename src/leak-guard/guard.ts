/**
 * The leak guard: the Dockerfile preflight before the build and the scan of what the
 * build produced after it, reported as annotations, with `leak-check` deciding
 * whether findings fail the step. It fails closed: what it could not read counts
 * as a finding under `leak-check: error`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lastLine } from '../docker/diagnose.js';
import { streamStdout } from '../docker/process.js';
import { isRemoteContext } from '../inputs/git-context.js';
import type { LeakCheck } from '../inputs/read.js';
import type { Log } from '../report/log.js';
import { blobPlatforms, blobSteps, scannedImages, type ScannedImage } from './image-index.js';
import type { ImageFinding, PreflightFinding, Skipped } from '../report/summary.js';
// Types only: the Dockerfile parser (dockerfile-ast, ~300 KB with its dependencies), the
// .dockerignore matcher and the tar reader are loaded when the preflight or the scan
// runs (ncc puts each in a chunk of its own), not at every start.
import type { PathFilter } from './dockerignore.js';
import type { ImageScanner } from './image-scan.js';
import { credentialFileKind } from './preflight/credential-files.js';
import type { Finding } from './preflight/index.js';
import type { RuleId } from './preflight/rules.js';
import type { Redactor } from '../detection/redactor.js';

export interface GuardContext {
  mode: LeakCheck;
  context: string;
  dockerfile: string;
  secretFiles: { id: string; path: string }[];
  providedIds: string[];
  allowMissingOptional: boolean;
  providedSshIds: string[];
  /** The resolved secrets: the preflight is told which look like real secrets, never their values. */
  secrets: readonly { id: string; value: Buffer }[];
  /** `build-args` entries (`NAME=value`; `NAME` alone takes the runner's variable, as buildx does). */
  buildArgs: string[];
  target: string;
  /** Preflight rules silenced for the run (preflight-ignore). */
  ignoreRules?: readonly RuleId[];
}

export interface GuardResult {
  /** Findings that fail the step under leak-check: error. */
  errors: number;
  summary: string;
}

export interface PreflightResult extends GuardResult {
  /** Secrets written to a cache mount (warnings here): errors once the builder turns out to be shared (cacheMountsOnSharedBuilder). */
  cacheMounts: Finding[];
  /** Each finding as it was annotated (the silenced ones marked ignored), for the summary. */
  findings: PreflightFinding[];
  skipped: Skipped[];
}

const PREFLIGHT = 'Dockerfile preflight';

/** The preflight's result when it does not run. */
export function preflightSkipped(summary: string, why: string): PreflightResult {
  return { errors: 0, summary, cacheMounts: [], findings: [], skipped: [{ what: PREFLIGHT, why }] };
}

/** The Dockerfile path buildx will use: `file`, else Dockerfile in a local context. */
export function dockerfilePath(context: string, file: string): string | undefined {
  if (file) return path.resolve(file);
  if (isRemoteContext(context)) return undefined;
  // Concatenated, not path.resolve(context, 'Dockerfile'): ncc would take that for an asset of the bundle.
  return `${path.resolve(context)}${path.sep}Dockerfile`;
}

/** Annotations name files relative to the workspace, as the runner shows them. */
export function annotationPath(file: string): string {
  return path.relative(process.env.GITHUB_WORKSPACE || process.cwd(), file);
}

export async function runPreflight(g: GuardContext, log: Log): Promise<PreflightResult> {
  if (g.mode === 'off') return preflightSkipped('off', 'leak-check: off');
  if (!fs.existsSync(g.dockerfile))
    return preflightSkipped('preflight skipped: Dockerfile not on the runner', 'the Dockerfile is not on the runner (BuildKit reads it from the context)');
  const [{ preflight, plausiblySecret }, { readDockerignore }] = await Promise.all([import('./preflight/index.js'), import('./dockerignore.js')]);
  const ignored = readDockerignore(g.context, g.dockerfile);
  const contextDir = path.resolve(g.context);
  const inContext = g.secretFiles
    .map((f) => ({ id: f.id, relPath: path.relative(contextDir, path.resolve(f.path)) }))
    .filter((f) => !f.relPath.startsWith('..') && !path.isAbsolute(f.relPath))
    .map((f) => ({ ...f, ignored: ignored(f.relPath) }));
  const findings = preflight({
    dockerfile: fs.readFileSync(g.dockerfile, 'utf8'),
    providedIds: g.providedIds,
    providedSshIds: g.providedSshIds,
    contextSecretFiles: inContext,
    allowMissingOptional: g.allowMissingOptional,
    redactor: log.redactor,
    plausibleSecretIds: g.secrets.filter((s) => plausiblySecret(s.value)).map((s) => s.id),
    contextCredentialFiles: isRemoteContext(g.context) ? undefined : credentialFilesIn(contextDir, ignored, log.redactor),
    buildArgs: buildArgMap(g.buildArgs),
    target: g.target || undefined,
    ignoreRules: g.ignoreRules
  });
  const file = annotationPath(g.dockerfile);
  const active = findings.filter((f) => !f.ignored);
  active.forEach((f) => annotate(log, g.mode, f, file));
  const silenced = findings.filter((f) => f.ignored);
  for (const f of silenced)
    log.info(`leak guard: ignored (${f.rule}, by ${f.ignored === 'comment' ? 'a comment' : 'preflight-ignore'}): line ${f.line ?? '-'}: ${f.message}`);
  const errors = active.filter((f) => f.severity === 'error').length;
  const notices = active.some((f) => f.severity === 'notice') ? `, ${count(active, 'notice')}` : '';
  const quiet = silenced.length ? `, ${silenced.length} ignored (${[...new Set(silenced.map((f) => f.rule))].join(', ')})` : '';
  return {
    errors: g.mode === 'error' ? errors : 0,
    summary: `preflight: ${count(active, 'error')}, ${count(active, 'warning')}${notices}${quiet}`,
    cacheMounts: active.filter((f) => f.cacheMount),
    findings: findings.map((f) => preflightRow(g.mode, f, file)),
    skipped: []
  };
}

/** A finding as the summary lists it: at the level it was annotated with. */
export function preflightRow(mode: LeakCheck, f: Finding, file?: string): PreflightFinding {
  return { severity: levelOf(mode, f), rule: f.rule, file, line: f.line, message: f.message, ...(f.ignored ? { ignored: f.ignored } : {}) };
}

/**
 * A secret on a cache mount stays in the builder for every later build that mounts that
 * cache: on the job's own builder a warning, on one other jobs share (a remote or kubernetes
 * builder, or a self-hosted runner's daemon, which outlives the job) an error under
 * leak-check: error, before anything is built. How many there were.
 */
export function cacheMountsOnSharedBuilder(
  mode: LeakCheck,
  findings: Finding[],
  shared: string | undefined,
  log: Log,
  file?: string
): { errors: number; rows: PreflightFinding[] } {
  if (!shared || !findings.length || mode === 'off') return { errors: 0, rows: [] };
  const raised = findings.map((f): Finding => ({
    ...f,
    severity: 'error',
    message: `${f.message}; this builder is shared (${shared}): every job that builds on it can read that cache`
  }));
  for (const f of raised) annotate(log, mode, f, file);
  return { errors: mode === 'error' ? findings.length : 0, rows: raised.map((f) => preflightRow(mode, f, file)) };
}

/** `NAME=value` entries; `NAME` alone is the runner's variable (buildx reads it so), unknown when unset. */
export function buildArgMap(entries: string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const e of entries) {
    const eq = e.indexOf('=');
    const name = eq === -1 ? e.trim() : e.slice(0, eq).trim();
    const value = eq === -1 ? process.env[name] : e.slice(eq + 1);
    if (value !== undefined) map[name] = value;
  }
  return map;
}

/** Entries looked at in the context before giving up (a huge context is not walked whole). */
const CONTEXT_WALK_LIMIT = 20000;
/** Config files larger than this are not read for literal credentials (counted as holding one). */
const CONFIG_READ_LIMIT = 256 * 1024;

/**
 * Credential-named files in the build context, with whether .dockerignore excludes them and
 * whether they hold a credential themselves: a given secret's value, or a literal after a
 * credential key (`_authToken=abc…`, `<password>abc…</password>`) rather than `${VAR}`.
 */
export function credentialFilesIn(contextDir: string, ignored: PathFilter, redactor: Redactor): { relPath: string; ignored: boolean; literal: boolean }[] {
  const found: { relPath: string; ignored: boolean; literal: boolean }[] = [];
  const queue = [''];
  let seen = 0;
  while (queue.length && seen < CONTEXT_WALK_LIMIT) {
    const dir = queue.shift()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(contextDir, dir), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      seen++;
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name !== '.git' && e.name !== 'node_modules' && !ignored(rel)) queue.push(rel);
        if (credentialFileKind(rel) === 'credential') found.push({ relPath: rel, ignored: ignored(rel), literal: true });
        continue;
      }
      const kind = credentialFileKind(rel);
      if (kind)
        found.push({ relPath: rel, ignored: ignored(rel), literal: kind === 'credential' || holdsLiteralCredential(path.join(contextDir, rel), redactor) });
    }
  }
  return found;
}

const LITERAL_CREDENTIAL = /(_authToken|_auth|_password|npmAuthToken|password|passwd|token|ClearTextPassword)["']?\s*(=|:|value=|>)\s*["']?(?![$%{]|\s|["'<])/i;

function holdsLiteralCredential(file: string, redactor: Redactor): boolean {
  try {
    if (fs.statSync(file).size > CONFIG_READ_LIMIT) return true;
    const text = fs.readFileSync(file);
    return redactor.secretsIn(text).length > 0 || LITERAL_CREDENTIAL.test(text.toString('utf8'));
  } catch {
    return false;
  }
}

/** A finding as an annotation; its title names the rule (docs/rules/<rule>.md), or the scan. */
function annotate(log: Log, mode: LeakCheck, f: Pick<Finding, 'severity' | 'message' | 'line'> & { rule?: RuleId }, file?: string): void {
  const props = { file, startLine: f.line, title: `secret-build leak guard (${f.rule ?? 'image scan'})` };
  log[levelOf(mode, f)](`leak guard: ${f.message}`, props);
}

/** Errors fail the step only under leak-check: error; under warn every error is a warning. Notices stay notices. */
function levelOf(mode: LeakCheck, f: Pick<Finding, 'severity'>): Finding['severity'] {
  return f.severity === 'error' && mode !== 'error' ? 'warning' : f.severity;
}

function count(findings: Finding[], severity: Finding['severity']): string {
  return plural(findings.filter((f) => f.severity === severity).length, severity);
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Something the build produced that is on this runner. `layout`: a directory of blobs (a cache export) whose tars are opened. */
export type ScanTarget =
  { kind: 'tar'; path: string; label: string } | { kind: 'dir'; path: string; label: string; layout?: boolean } | { kind: 'image'; ref: string; label: string };

export interface ScanResult extends GuardResult {
  /** What fails the step, in words ("1 secret finding and 1 result that could not be scanned"). */
  problems: string;
  /** What could not be read, and why. */
  unreadable: string[];
  /** The images inside the scanned archives, to check what is published against. */
  images: ScannedImage[];
  findings: ImageFinding[];
}

/** How long `docker save` may send nothing before the scan gives up (a stalled daemon must not hang the step). */
function stallMs(): number {
  const s = Number(process.env.SECRET_BUILD_SCAN_STALL_SECONDS);
  return (Number.isFinite(s) && s > 0 ? s : 120) * 1000;
}

async function scanTarget(scanner: ImageScanner, t: ScanTarget, log: Log): Promise<void> {
  if (t.kind === 'dir') return scanner.scanDir(t.path, t.label, !!t.layout);
  if (t.kind === 'tar') return scanner.scanTar(fs.createReadStream(t.path));
  const save = streamStdout(['save', t.ref], log);
  const stall = watchdog(stallMs(), () => save.kill());
  save.stdout.on('data', stall.poke);
  // Either side failing stops the other: a reader error kills docker, a docker error fails the read.
  const read = scanner.scanTar(save.stdout).catch((e: Error) => {
    save.kill();
    throw e;
  });
  try {
    const [exit] = await Promise.all([save.done, read]);
    if (exit.code !== 0) throw new Error(`docker save exited with ${exit.code ?? exit.signal}: ${lastLine(exit.stderr)}`);
  } catch (e) {
    // Killed for stalling: that, not the truncated read it caused, is the cause.
    throw stall.fired ? new Error(`docker save sent nothing for ${stallMs() / 1000} s`) : e;
  } finally {
    stall.stop();
  }
}

function watchdog(ms: number, onFire: () => void) {
  const w = { fired: false, poke: () => timer.refresh(), stop: () => clearTimeout(timer) };
  const timer = setTimeout(() => {
    w.fired = true;
    onFire();
  }, ms);
  return w;
}

/**
 * Loads the scanner's chunk (the tar reader and the scan) ahead of the scan: called as the
 * build starts, it compiles while buildx runs instead of after (~40 ms here). A failure
 * is left for the scan's own import to report.
 */
export function preloadScanner(): void {
  import('./image-scan.js').catch(() => undefined);
}

/** Scans every target and the build metadata; a target that cannot be read is reported, and fails the step under error. */
export async function runScan(mode: LeakCheck, targets: ScanTarget[], metadata: string[], log: Log): Promise<ScanResult> {
  const { ImageScanner } = await import('./image-scan.js');
  const scanner = new ImageScanner(log.redactor);
  const scanned: string[] = [];
  const unreadable: string[] = [];
  const images: ScannedImage[] = [];
  for (const t of targets) {
    try {
      await scanTarget(scanner, t, log);
      scanned.push(t.label);
      images.push(...scannedImages(scanner.documents));
      const platforms = blobPlatforms(scanner.documents);
      const steps = blobSteps(scanner.documents);
      for (const f of scanner.findings) {
        f.platform ??= platforms.get(f.layer);
        f.step ??= steps.get(f.layer);
      }
    } catch (e) {
      unreadable.push(`${t.label} (${(e as Error).message})`);
    }
    scanner.documents.clear();
  }
  metadata.forEach((m) => scanner.scanText(m, '(build metadata)', 'metadata.json'));
  const findings = scanner.findings;
  for (const f of findings)
    annotate(log, mode, {
      severity: 'error',
      message: `secret "${f.id}" found in the built image: ${f.layer}, ${f.path}${f.platform ? ` (platform ${f.platform})` : ''}`
    });
  for (const u of unreadable) annotate(log, mode, { severity: 'error', message: `could not scan ${u}; set leak-check: warn to accept an unscanned result` });
  const mb = (scanner.stats.bytes / 1e6).toFixed(1);
  const what = scanned.length ? `scanned ${scanned.join(', ')} (${scanner.stats.files} files, ${mb} MB)` : 'nothing scanned';
  const where = [...new Set(findings.flatMap((f) => (f.platform ? [f.platform] : [])))];
  const summary = `image scan: ${findings.length} finding${findings.length === 1 ? '' : 's'}${where.length ? ` (in ${where.join('; ')})` : ''}; ${what}${unreadable.length ? `; could not scan: ${unreadable.join('; ')}` : ''}`;
  log.info(`secret-build ${summary}`);
  const problems = [
    plural(findings.length, 'secret finding'),
    plural(unreadable.length, 'result that could not be scanned', 'results that could not be scanned')
  ].filter((p) => !p.startsWith('0 '));
  return { errors: mode === 'error' ? findings.length + unreadable.length : 0, problems: problems.join(' and '), unreadable, summary, images, findings };
}
