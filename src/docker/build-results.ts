/** The action's outputs, read from the files buildx wrote into the work directory. */
import * as fs from 'node:fs';
import type { BuildFiles } from './buildx-args.js';

export interface BuildOutputs {
  imageid: string;
  digest: string;
  metadata: string;
}

function readIfPresent(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

/** The metadata file's JSON object; empty when it is missing or not JSON (it is still passed on as text). */
export function parseMetadata(metadata: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(metadata || '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export interface BuildWarning {
  message: string;
  line?: number;
  url?: string;
}

interface RawWarning {
  short?: string;
  url?: string;
  range?: { start?: { line?: number } }[];
}

/** BuildKit's build-check warnings (written with BUILDX_METADATA_WARNINGS=1): base64 texts, a line range. */
export function buildWarnings(meta: Record<string, unknown>): BuildWarning[] {
  const raw = meta['buildx.build.warnings'];
  if (!Array.isArray(raw)) return [];
  return (raw as RawWarning[]).flatMap((w) =>
    w.short ? [{ message: Buffer.from(w.short, 'base64').toString('utf8'), line: w.range?.[0]?.start?.line, url: w.url }] : []
  );
}

interface RawCheck {
  ruleName?: string;
  detail?: string;
  url?: string;
  location?: { ranges?: { start?: { line?: number } }[] };
}

/** What `call: check` found, from the metadata file's result.json. */
export function checkResults(meta: Record<string, unknown>): BuildWarning[] {
  const result = meta['result.json'] as { warnings?: unknown } | undefined;
  if (!result || !Array.isArray(result.warnings)) return [];
  return (result.warnings as RawCheck[]).map((w) => ({
    message: `${w.ruleName ?? 'check'}: ${w.detail ?? ''}`,
    line: w.location?.ranges?.[0]?.start?.line,
    url: w.url
  }));
}

export function readBuildOutputs(files: BuildFiles): BuildOutputs {
  const metadata = readIfPresent(files.metadataFile);
  const digest = parseMetadata(metadata)['containerimage.digest'];
  return { imageid: readIfPresent(files.iidFile), digest: typeof digest === 'string' ? digest : '', metadata };
}
