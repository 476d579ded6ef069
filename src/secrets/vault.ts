/**
 * The vault: a private directory on a memory-backed filesystem holding one file per
 * secret. Directory 0700, files 0600, created exclusively without following links.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ActionError } from '../errors.js';

const TMPFS_MAGIC = 0x01021994;
const RAMFS_MAGIC = 0x858458f6;
export const VAULT_PREFIX = 'secret-build-';

export type VaultKind = 'tmpfs' | 'disk-fallback';

export interface VaultOptions {
  /** The `tmpfs-dir` input; empty for the default candidates. */
  tmpfsDir: string;
  allowDiskFallback: boolean;
  runnerTemp: string;
  env?: NodeJS.ProcessEnv;
}

export interface VaultBase {
  dir: string;
  kind: VaultKind;
}

export function isMemoryBacked(dir: string): boolean {
  try {
    const type = Number(fs.statfsSync(dir).type);
    return type === TMPFS_MAGIC || type === RAMFS_MAGIC;
  } catch {
    return false;
  }
}

function usable(dir: string): boolean {
  try {
    const st = fs.statSync(dir);
    if (!st.isDirectory() || !safeParent(st)) return false;
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
    return isMemoryBacked(dir);
  } catch {
    return false;
  }
}

/**
 * Whoever else may rename entries in the base could swap our vault for a symlink
 * between mkdtemp and the writes: the base must belong to us or root, and if others
 * may write to it, the sticky bit must stop them touching our entries (as on /dev/shm).
 */
function safeParent(st: fs.Stats): boolean {
  const uid = process.getuid?.();
  const ownerOk = uid === undefined || st.uid === uid || st.uid === 0;
  const sharedWritable = (st.mode & 0o022) !== 0;
  return ownerOk && (!sharedWritable || (st.mode & 0o1000) !== 0);
}

/** Where the vault goes: the first writable tmpfs among the candidates, else a refusal or the opted-in fallback. */
export function chooseVaultBase(o: VaultOptions): VaultBase {
  const env = o.env ?? process.env;
  const uid = process.getuid?.() ?? 0;
  const candidates = o.tmpfsDir ? [o.tmpfsDir] : [env.XDG_RUNTIME_DIR, `/run/user/${uid}`, '/dev/shm'].filter((d): d is string => !!d);
  const found = candidates.find(usable);
  if (found) return { dir: found, kind: 'tmpfs' };
  const tried = candidates.join(', ');
  if (o.allowDiskFallback && o.runnerTemp) return { dir: o.runnerTemp, kind: 'disk-fallback' };
  throw new ActionError(
    `no writable tmpfs for the secret vault (tried ${tried}; a directory must be a tmpfs, writable, ` +
      'and owned by this user or root, with the sticky bit if others may write to it). ' +
      (o.tmpfsDir ? 'Point tmpfs-dir at a writable tmpfs mount, ' : 'Mount a tmpfs (e.g. /dev/shm) or set tmpfs-dir, ') +
      'or set allow-disk-fallback: true to accept secrets on disk under RUNNER_TEMP.'
  );
}

/** Creates the private vault directory; mkdtemp's random name defeats pre-planted paths. */
export function createVaultDir(base: string): string {
  const dir = fs.mkdtempSync(path.join(base, VAULT_PREFIX));
  fs.chmodSync(dir, 0o700);
  const st = fs.lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0) {
    throw new ActionError(`vault directory ${dir} is not a private directory of this user`);
  }
  try {
    writeVaultFile(path.join(dir, MARKER), Buffer.from(randomBytes(16).toString('hex')));
  } catch (e) {
    // Not yet in the step's state (that needs the marker): removed here or nowhere. It holds no secret yet.
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return dir;
}

/** The random token written into a vault when it is made: the post step removes only a directory holding the token it was given. */
export function vaultMarker(dir: string): string {
  return fs.readFileSync(path.join(dir, MARKER), 'utf8');
}

const MARKER = '.secret-build-vault';
const VAULT_FILE = /^secret-\d+$/;

/** A vault holds its marker and secret-N files, nothing else: anything more is not ours to delete. */
function assertOnlyVaultFiles(dir: string, marker: string): void {
  for (const name of fs.readdirSync(dir)) {
    const ok = (name === MARKER || VAULT_FILE.test(name)) && fs.lstatSync(path.join(dir, name)).isFile();
    if (!ok) throw new ActionError(`refusing to remove ${dir}: it holds entries a secret-build vault never has`);
  }
  if (!fs.existsSync(path.join(dir, MARKER)) || vaultMarker(dir) !== marker) {
    throw new ActionError(`refusing to remove ${dir}: it is not the vault this run created (its marker differs)`);
  }
}

const EXCLUSIVE = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;

/** Writes one secret file: fails if anything, a symlink included, is already at the path. */
export function writeVaultFile(file: string, value: Buffer): void {
  const fd = fs.openSync(file, EXCLUSIVE, 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
    writeAll(fd, value);
  } finally {
    fs.closeSync(fd);
  }
}

/** Every byte, or an error: a short write on a full tmpfs would hand buildx a truncated secret. */
function writeAll(fd: number, value: Buffer): void {
  let done = 0;
  try {
    while (done < value.length) {
      const n = fs.writeSync(fd, value, done, value.length - done);
      if (n <= 0) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
      done += n;
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      throw new ActionError(
        `no space left on the secret vault's tmpfs for a ${value.length}-byte secret (${done} bytes written): give tmpfs-dir a larger tmpfs, or free space on it`
      );
    }
    throw e;
  }
}

/**
 * Removes a vault: overwrites each regular file with zeros (pages of a tmpfs are freed
 * on unlink anyway, but a disk fallback keeps blocks), then deletes the directory.
 * Refuses anything that is not one of our vaults. Returns false if it was already gone.
 */
export function removeVault(dir: string, marker?: string): boolean {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(dir);
  } catch {
    return false;
  }
  const uid = process.getuid?.();
  if (!st.isDirectory() || !path.basename(dir).startsWith(VAULT_PREFIX) || (uid !== undefined && st.uid !== uid)) {
    throw new ActionError(`refusing to remove ${dir}: not a secret-build vault directory of this user`);
  }
  // Given a marker (the post step, from saved state): only that vault, holding only vault files. Without (main's own session): its vault.
  if (marker !== undefined) assertOnlyVaultFiles(dir, marker);
  for (const name of fs.readdirSync(dir)) wipe(path.join(dir, name));
  fs.rmSync(dir, { recursive: true, force: true });
  return true;
}

function wipe(file: string): void {
  try {
    const st = fs.lstatSync(file);
    if (!st.isFile()) return;
    const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW);
    try {
      fs.writeSync(fd, Buffer.alloc(st.size), 0, st.size, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Best effort: removal below is what matters.
  }
}

export function defaultRunnerTemp(): string {
  return process.env.RUNNER_TEMP || os.tmpdir();
}

/** Where main records the vault path for the post step, and the vault's marker. */
export { VAULT_MARKER_KEY, VAULT_STATE_KEY } from './vault-state.js';
