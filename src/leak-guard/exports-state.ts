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
/**
 * On the classic store, before the build: the file buildx writes the loaded image's id to.
 * The engine holds the image before main can read its id (and keeps it if buildx then
 * fails), so the id is looked for there on every way out until main has recorded it.
 */
export const LOADED_IMAGE_ID_FILE_STATE_KEY = 'loaded-image-id-file';

/** A state reader: the post step's STATE_<name>, or what main saved itself. */
export type SavedState = (key: string) => string | undefined;

/** The export paths main saved; undefined when the state cannot be read (not known to be empty). */
export function savedPaths(state: SavedState): string[] | undefined {
  try {
    const v: unknown = JSON.parse(state(EXPORTS_STATE_KEY) || '[]');
    return Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string') : [];
  } catch {
    return undefined;
  }
}

/** The unpublished image main loaded into the classic store: its recorded id, else the one in buildx's id file; '' for none. */
export function loadedImage(state: SavedState): string {
  const idFile = state(LOADED_IMAGE_ID_FILE_STATE_KEY);
  return state(LOADED_IMAGE_STATE_KEY) || (idFile ? idIn(idFile) : '');
}

/** The image id in buildx's `--iidfile`, or '' when there is none (not yet written, or not an id). */
export function idIn(file: string): string {
  try {
    const id = fs.readFileSync(file, 'utf8').trim();
    return /^sha256:[0-9a-f]{64}$/.test(id) ? id : '';
  } catch {
    return '';
  }
}

/** The work directory (`secret-build-work-XXXXXX`) and a file output's copy (`<dest>.secret-build-<12 hex>`): only these are removed from a state. */
export function isExportPath(p: string): boolean {
  const base = p.split('/').pop() ?? '';
  return p.startsWith('/') && (/^secret-build-work-[A-Za-z0-9]{6}$/.test(base) || /.\.secret-build-[0-9a-f]{12}$/.test(base));
}
