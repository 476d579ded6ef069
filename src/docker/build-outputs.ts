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

export function readBuildOutputs(files: BuildFiles): BuildOutputs {
  const metadata = readIfPresent(files.metadataFile);
  const digest = parseMetadata(metadata)['containerimage.digest'];
  return { imageid: readIfPresent(files.iidFile), digest: typeof digest === 'string' ? digest : '', metadata };
}
