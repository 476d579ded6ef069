/**
 * The leak guard: the Dockerfile preflight before the build and the image scan after
 * it, reported as annotations, with `leak-check` deciding whether findings fail the step.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isIgnored, readDockerignore } from './dockerignore.js';
import { preflight, type Finding } from './dockerfile-preflight.js';
import { ImageScanner, scanLocalImage } from './image-scan.js';
import type { LeakCheck } from './inputs.js';
import * as log from './log.js';

export interface GuardContext {
  mode: LeakCheck;
  context: string;
  dockerfile: string;
  secretFiles: { id: string; path: string }[];
  providedIds: string[];
  allowMissingOptional: boolean;
}

export interface GuardResult {
  /** Findings that fail the step under leak-check: error. */
  errors: number;
  summary: string;
}

/** The Dockerfile path buildx will use: `file`, else Dockerfile in a local context. */
export function dockerfilePath(context: string, file: string): string | undefined {
  if (file) return path.resolve(file);
  if (/^[a-z]+:\/\/|^git@/.test(context)) return undefined;
  // Concatenated, not path.resolve(context, 'Dockerfile'): ncc would take that for an asset of the bundle.
  return `${path.resolve(context)}${path.sep}Dockerfile`;
}

export function runPreflight(g: GuardContext): GuardResult {
  if (g.mode === 'off') return { errors: 0, summary: 'off' };
  if (!fs.existsSync(g.dockerfile)) return { errors: 0, summary: 'preflight skipped: Dockerfile not on the runner' };
  const rules = readDockerignore(g.context, g.dockerfile);
  const contextDir = path.resolve(g.context);
  const inContext = g.secretFiles
    .map((f) => ({ id: f.id, relPath: path.relative(contextDir, path.resolve(f.path)) }))
    .filter((f) => !f.relPath.startsWith('..') && !path.isAbsolute(f.relPath))
    .map((f) => ({ ...f, ignored: isIgnored(rules, f.relPath) }));
  const findings = preflight({
    dockerfile: fs.readFileSync(g.dockerfile, 'utf8'),
    providedIds: g.providedIds,
    contextSecretFiles: inContext,
    allowMissingOptional: g.allowMissingOptional,
    redactor: log.getRedactor()
  });
  const file = path.relative(process.env.GITHUB_WORKSPACE || process.cwd(), g.dockerfile);
  findings.forEach((f) => annotate(g.mode, f, file));
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { errors: g.mode === 'error' ? errors : 0, summary: `preflight: ${count(findings, 'error')}, ${count(findings, 'warning')}` };
}

/** Errors fail the step only under leak-check: error; under warn every finding is a warning. */
function annotate(mode: LeakCheck, f: Finding, file?: string): void {
  const props = { file, startLine: f.line, title: 'secret-build leak guard' };
  const msg = `leak guard: ${f.message}`;
  if (f.severity === 'error' && mode === 'error') log.error(msg, props);
  else log.warning(msg, props);
}

function count(findings: Finding[], severity: Finding['severity']): string {
  const n = findings.filter((f) => f.severity === severity).length;
  return `${n} ${severity}${n === 1 ? '' : 's'}`;
}

export interface ScanTargets {
  imageid: string;
  outputs: string[];
  metadata: string;
}

/** Scans what the build produced that is on this runner: the local image, tar and local outputs, the metadata. */
export async function runImageScan(mode: LeakCheck, t: ScanTargets): Promise<GuardResult> {
  if (mode === 'off') return { errors: 0, summary: 'off' };
  const scanner = new ImageScanner(log.getRedactor());
  const scanned: string[] = [];
  const skipped: string[] = [];
  if (t.imageid && (await scanLocalImage(scanner, t.imageid))) scanned.push('local image');
  else skipped.push('image not in the local docker store (push-only or another driver without load: true)');
  for (const o of t.outputs) {
    const dest = /(?:^|,)dest=([^,]+)/.exec(o)?.[1];
    if (!dest || !fs.existsSync(dest)) continue;
    if (fs.statSync(dest).isDirectory()) await scanner.scanDir(dest);
    else await scanner.scanTar(fs.createReadStream(dest));
    scanned.push(`output ${dest}`);
  }
  for (const id of log.getRedactor().secretsIn(t.metadata)) scanner.findings.set(`${id}\0metadata`, { id, layer: '(build metadata)', path: 'metadata.json' });
  const findings = [...scanner.findings.values()];
  for (const f of findings) annotate(mode, { severity: 'error', message: `secret "${f.id}" found in the built image: ${f.layer}, ${f.path}` });
  const mb = (scanner.stats.bytes / 1e6).toFixed(1);
  const what = scanned.length ? `scanned ${scanned.join(', ')} (${scanner.stats.files} files, ${mb} MB)` : 'nothing scanned';
  const summary = `image scan: ${findings.length} finding${findings.length === 1 ? '' : 's'}; ${what}${skipped.length ? `; not scanned: ${skipped.join('; ')}` : ''}`;
  log.info(`secret-build ${summary}`);
  return { errors: mode === 'error' ? findings.length : 0, summary };
}
