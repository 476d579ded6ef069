/**
 * The state keys under which main records the build's exports for the post step, and the
 * names the action gives them. Imports only node:fs: the post step's entry reads it at start.
 */
import * as fs from 'node:fs';

/** Whether a path exists, as itself (a symlink is not followed). */
export function present(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}
export const EXPORTS_STATE_KEY = 'exports';
export const LOADED_IMAGE_STATE_KEY = 'loaded-image';

/** The work directory (`secret-build-work-XXXXXX`) and a file output's copy (`<dest>.secret-build-<12 hex>`): only these are removed from a state. */
export function isExportPath(p: string): boolean {
  const base = p.split('/').pop() ?? '';
  return p.startsWith('/') && (/^secret-build-work-[A-Za-z0-9]{6}$/.test(base) || /.\.secret-build-[0-9a-f]{12}$/.test(base));
}
