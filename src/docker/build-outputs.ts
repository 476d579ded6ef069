/** The action's outputs, read from the files buildx wrote into the vault. */
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

export function readBuildOutputs(files: BuildFiles): BuildOutputs {
  const metadata = readIfPresent(files.metadataFile);
  let digest = '';
  try {
    const parsed = JSON.parse(metadata || '{}') as Record<string, unknown>;
    if (typeof parsed['containerimage.digest'] === 'string') digest = parsed['containerimage.digest'];
  } catch {
    // Not JSON: leave digest empty, metadata is still passed on as text.
  }
  return { imageid: readIfPresent(files.iidFile), digest, metadata };
}
