import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chooseVaultBase, createVaultDir, isMemoryBacked, removeVault, vaultMarker, writeVaultFile } from '../../../src/secrets/vault.js';

const SHM = '/dev/shm';
/** Tests that hand a directory to another user need root to chown. */
const asRoot = process.getuid?.() === 0 ? test : test.skip;
let base: string;
let disk: string;

beforeEach(() => {
  base = fs.mkdtempSync(path.join(SHM, 'vault-test-'));
  disk = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-test-'));
});
afterEach(() => {
  fs.rmSync(base, { recursive: true, force: true });
  fs.rmSync(disk, { recursive: true, force: true });
});

describe('chooseVaultBase', () => {
  test('/dev/shm is tmpfs and the disk temp dir is not', () => {
    expect(isMemoryBacked(SHM)).toBe(true);
    expect(isMemoryBacked(disk)).toBe(false);
  });
  test('prefers XDG_RUNTIME_DIR when it is a tmpfs', () => {
    expect(chooseVaultBase({ tmpfsDir: '', allowDiskFallback: false, runnerTemp: disk, env: { XDG_RUNTIME_DIR: base } })).toEqual({ dir: base, kind: 'tmpfs' });
  });
  test('skips an XDG_RUNTIME_DIR on disk for /dev/shm', () => {
    expect(chooseVaultBase({ tmpfsDir: '', allowDiskFallback: false, runnerTemp: disk, env: { XDG_RUNTIME_DIR: disk } }).dir).toBe(SHM);
  });
  test('a tmpfs-dir on disk fails closed, naming what to do', () => {
    expect(() => chooseVaultBase({ tmpfsDir: disk, allowDiskFallback: false, runnerTemp: disk })).toThrow(/no writable tmpfs.*allow-disk-fallback/);
  });
  asRoot('refuses a base others may write to without the sticky bit, or owned by another user', () => {
    fs.chmodSync(base, 0o777);
    expect(() => chooseVaultBase({ tmpfsDir: base, allowDiskFallback: false, runnerTemp: disk })).toThrow(/sticky bit/);
    fs.chmodSync(base, 0o1777);
    expect(chooseVaultBase({ tmpfsDir: base, allowDiskFallback: false, runnerTemp: disk }).dir).toBe(base);
    fs.chmodSync(base, 0o700);
    fs.chownSync(base, 65534, 65534);
    expect(() => chooseVaultBase({ tmpfsDir: base, allowDiskFallback: false, runnerTemp: disk })).toThrow(/no writable tmpfs/);
  });
  test('falls back to RUNNER_TEMP only when allowed', () => {
    expect(chooseVaultBase({ tmpfsDir: disk, allowDiskFallback: true, runnerTemp: disk })).toEqual({ dir: disk, kind: 'disk-fallback' });
  });
});

describe('vault files', () => {
  test('directory 0700, files 0600, content byte-exact', () => {
    const dir = createVaultDir(base);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const value = Buffer.from([0, 1, 2, 255, 10, 13]);
    writeVaultFile(path.join(dir, 's'), value);
    expect(fs.statSync(path.join(dir, 's')).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(dir, 's')).equals(value)).toBe(true);
  });
  test('never writes through a planted symlink or over an existing file', () => {
    const dir = createVaultDir(base);
    const target = path.join(base, 'victim');
    fs.writeFileSync(target, 'untouched');
    fs.symlinkSync(target, path.join(dir, 'link'));
    expect(() => writeVaultFile(path.join(dir, 'link'), Buffer.from('secret'))).toThrow(/EEXIST|ELOOP/);
    writeVaultFile(path.join(dir, 'f'), Buffer.from('one'));
    expect(() => writeVaultFile(path.join(dir, 'f'), Buffer.from('two'))).toThrow(/EEXIST/);
    expect(fs.readFileSync(target, 'utf8')).toBe('untouched');
  });
  test('two vaults in one base never collide', () => {
    const dirs = new Set(Array.from({ length: 50 }, () => createVaultDir(base)));
    expect(dirs.size).toBe(50);
  });
  test('removeVault wipes and deletes, is idempotent, and refuses foreign directories', () => {
    const dir = createVaultDir(base);
    writeVaultFile(path.join(dir, 's'), Buffer.from('secret'));
    expect(removeVault(dir)).toBe(true);
    expect(fs.existsSync(dir)).toBe(false);
    expect(removeVault(dir)).toBe(false);
    expect(() => removeVault(base)).toThrow(/not a secret-build vault/);
  });
  asRoot('removeVault refuses a vault-named directory of another user (a forged state)', () => {
    const foreign = path.join(base, 'secret-build-forged');
    fs.mkdirSync(foreign);
    fs.chownSync(foreign, 65534, 65534);
    expect(() => removeVault(foreign)).toThrow(/of this user/);
    expect(fs.existsSync(foreign)).toBe(true);
  });
  test('removeVault does not follow a symlink planted in the vault', () => {
    const dir = createVaultDir(base);
    const outside = path.join(base, 'outside');
    fs.writeFileSync(outside, 'keep me');
    fs.symlinkSync(outside, path.join(dir, 'link'));
    removeVault(dir);
    expect(fs.readFileSync(outside, 'utf8')).toBe('keep me');
  });
});

describe('removeVault with the marker the post step was given', () => {
  const base2 = () => fs.mkdtempSync('/dev/shm/sb-vault-marker-');

  test('removes the vault that holds the marker and only vault files', () => {
    const b = base2();
    const dir = createVaultDir(b);
    writeVaultFile(path.join(dir, 'secret-0'), Buffer.from('value-1234'));
    expect(removeVault(dir, vaultMarker(dir))).toBe(true);
    expect(fs.existsSync(dir)).toBe(false);
    fs.rmSync(b, { recursive: true, force: true });
  });

  test.each<[string, (dir: string) => string]>([
    ['a forged state without a marker', () => ''],
    ['another marker', () => 'f'.repeat(32)],
    [
      'a vault-named directory this user made without a marker',
      (dir) => {
        fs.rmSync(path.join(dir, '.secret-build-vault'));
        return 'a'.repeat(32);
      }
    ],
    [
      'a vault holding a subdirectory',
      (dir) => {
        fs.mkdirSync(path.join(dir, 'keep'));
        return vaultMarker(dir);
      }
    ],
    [
      'a vault holding a file no vault has',
      (dir) => {
        fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
        return vaultMarker(dir);
      }
    ]
  ])('%s: refused, and left as it is', (_name, setup) => {
    const b = base2();
    const dir = createVaultDir(b);
    const marker = setup(dir);
    expect(() => removeVault(dir, marker)).toThrow(/refusing to remove/);
    expect(fs.existsSync(dir)).toBe(true);
    fs.rmSync(b, { recursive: true, force: true });
  });
});
