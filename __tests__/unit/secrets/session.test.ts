/** withMountedSecrets / SecretSession on a real tmpfs: modes, exact bytes, hook order, cleanup on return, throw and failed writes. */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SecretMount } from '../../../src/docker/buildx-args.js';
import type { Secret } from '../../../src/secrets/values.js';
import type { SecretSession as Session } from '../../../src/secrets/session.js';
import type { VaultBase } from '../../../src/secrets/vault.js';

// The real vault, except that writeVaultFile can be told to fail on its n-th call.
const vault = await import('../../../src/secrets/vault.js');
let failOnWrite: number | undefined;
let writes = 0;
jest.unstable_mockModule('../../../src/secrets/vault.js', () => ({
  ...vault,
  writeVaultFile: (file: string, value: Buffer) => {
    if (++writes === failOnWrite) throw Object.assign(new Error(`EROFS: read-only file system, open '${file}'`), { code: 'EROFS' });
    vault.writeVaultFile(file, value);
  }
}));
const { SecretSession, withMountedSecrets } = await import('../../../src/secrets/session.js');

let base: VaultBase;

beforeEach(() => {
  base = { dir: fs.mkdtempSync('/dev/shm/session-test-'), kind: 'tmpfs' };
  fs.chmodSync(base.dir, 0o700);
  failOnWrite = undefined;
  writes = 0;
});
afterEach(() => fs.rmSync(base.dir, { recursive: true, force: true }));

const secret = (id: string, value: string | Buffer): Secret => ({ id, input: 'secrets', entry: 1, value: Buffer.from(value) });
const SECRETS = [secret('a', 'alpha-value'), secret('b', Buffer.from([0, 1, 2, 255, 10, 13, 0])), secret('c.d-e_f', 'x'.repeat(3000))];
const left = (): string[] => fs.readdirSync(base.dir);

/** Hooks that record what they saw, in order. */
function recordingHooks() {
  const events: string[] = [];
  const tracked: (Session | undefined)[] = [];
  let dir: string | undefined;
  return {
    events,
    tracked,
    dir: () => dir,
    hooks: {
      remember(d: string, marker: string) {
        dir = d;
        // Only the vault's marker is there yet: no secret file before the path is saved.
        const secretFiles = fs.readdirSync(d).filter((f) => f.startsWith('secret-')).length;
        events.push(`remember: exists=${fs.existsSync(d)} secret files=${secretFiles} marker=${/^[0-9a-f]{32}$/.test(marker)}`);
      },
      track(s: Session | undefined) {
        tracked.push(s);
        events.push(`track ${s ? 'session' : 'undefined'}`);
      }
    }
  };
}

describe('withMountedSecrets', () => {
  test('an id never names a file: ids with /, ../ or an absolute path leave every file in the vault (property)', async () => {
    const segment = fc.constantFrom('..', '.', '', 'etc', 'auth_secret', 'AWS_KMS_TOKEN', 'x:y@z+w');
    const id = fc.oneof(
      fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('/')),
      fc.stringMatching(/^[A-Za-z0-9_./:@+-]{1,30}$/)
    );
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(id, { minLength: 1, maxLength: 4 }), async (ids) => {
        const before = fs.readdirSync(path.dirname(base.dir));
        await withMountedSecrets(
          ids.map((i) => secret(i, 'value-1234')),
          base,
          recordingHooks().hooks,
          (mounts) => {
            const dir = path.dirname(mounts[0].file);
            expect(path.dirname(dir)).toBe(base.dir);
            for (const m of mounts) {
              expect(path.dirname(m.file)).toBe(dir);
              expect(path.basename(m.file)).toMatch(/^secret-\d+$/);
            }
            expect(mounts.map((m) => m.id)).toEqual(ids);
            return Promise.resolve();
          }
        );
        expect(fs.readdirSync(path.dirname(base.dir))).toEqual(before);
        expect(left()).toEqual([]);
      }),
      { numRuns: 30 }
    );
  });

  test('during the callback: a 0700 dir of 0600 files with the exact bytes; after it: nothing left', async () => {
    const r = recordingHooks();
    const result = await withMountedSecrets(SECRETS, base, r.hooks, (mounts) => {
      expect(mounts.map((m) => m.id)).toEqual(['a', 'b', 'c.d-e_f']);
      const dir = path.dirname(mounts[0].file);
      expect(dir).toBe(r.dir());
      expect(path.dirname(dir)).toBe(base.dir);
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('secret-')).length).toBe(SECRETS.length);
      mounts.forEach((m, k) => {
        const st = fs.lstatSync(m.file);
        expect(st.isFile()).toBe(true);
        expect(st.mode & 0o777).toBe(0o600);
        expect(fs.readFileSync(m.file).equals(SECRETS[k].value)).toBe(true);
      });
      return Promise.resolve('built');
    });
    expect(result).toBe('built');
    expect(left()).toEqual([]);
  });

  test('remember gets the dir before any file exists, then track gets the session, then undefined', async () => {
    const r = recordingHooks();
    await withMountedSecrets(SECRETS, base, r.hooks, () => {
      r.events.push('callback');
      return Promise.resolve();
    });
    expect(r.events).toEqual(['remember: exists=true secret files=0 marker=true', 'track session', 'callback', 'track undefined']);
    expect(r.tracked[0]).toBeInstanceOf(SecretSession);
    expect(r.tracked[1]).toBeUndefined();
  });

  test('the vault is gone after the callback throws, and the error propagates', async () => {
    const r = recordingHooks();
    await expect(withMountedSecrets(SECRETS, base, r.hooks, () => Promise.reject(new Error('build failed')))).rejects.toThrow('build failed');
    expect(left()).toEqual([]);
    expect(r.events.at(-1)).toBe('track undefined');
  });

  test('the callback gets a copy of the mounts: changing it changes nothing else', async () => {
    let seen: readonly SecretMount[] = [];
    await withMountedSecrets(SECRETS, base, recordingHooks().hooks, (mounts) => {
      (mounts as SecretMount[]).length = 0;
      seen = mounts;
      return Promise.resolve();
    });
    expect(seen).toEqual([]);
    expect(left()).toEqual([]);
  });

  test('a dispose from elsewhere (a signal handler) during the callback, then the final one, is harmless', async () => {
    const r = recordingHooks();
    await withMountedSecrets(SECRETS, base, r.hooks, (mounts) => {
      expect(r.tracked[0]?.dispose()).toBe(true);
      expect(fs.existsSync(mounts[0].file)).toBe(false);
      expect(r.tracked[0]?.dispose()).toBe(false);
      return Promise.resolve();
    });
    expect(left()).toEqual([]);
  });

  test.each([1, 2, 3])('a write failing at secret %i disposes the vault and rethrows', async (n) => {
    failOnWrite = n;
    const r = recordingHooks();
    const fn = jest.fn(() => Promise.resolve());
    await expect(withMountedSecrets(SECRETS, base, r.hooks, fn)).rejects.toThrow(/EROFS/);
    expect(fn).not.toHaveBeenCalled();
    expect(r.dir()).toBeDefined();
    expect(fs.existsSync(r.dir()!)).toBe(false);
    expect(left()).toEqual([]);
  });

  // Regression: a failed write once left the signal handler holding the closed session.
  test('a write failure tells track the session is closed', async () => {
    failOnWrite = 1;
    const r = recordingHooks();
    await expect(withMountedSecrets(SECRETS, base, r.hooks, () => Promise.resolve())).rejects.toThrow(/EROFS/);
    expect(r.tracked.at(-1)).toBeUndefined();
  });

  test('no secrets: an empty vault, still removed', async () => {
    await withMountedSecrets([], base, recordingHooks().hooks, (mounts) => {
      expect(mounts).toEqual([]);
      expect(left().length).toBe(1);
      return Promise.resolve();
    });
    expect(left()).toEqual([]);
  });

  test('whatever the secrets, nothing is left in the base dir afterwards (property)', async () => {
    const secretsArb = fc.array(fc.uint8Array({ minLength: 4, maxLength: 2048 }), { minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(secretsArb, fc.boolean(), async (values, throws) => {
        const list = values.map((v, k) => secret(`s${k}`, Buffer.from(v)));
        const run = withMountedSecrets(list, base, recordingHooks().hooks, (mounts) => {
          mounts.forEach((m, k) => expect(fs.readFileSync(m.file).equals(list[k].value)).toBe(true));
          return throws ? Promise.reject(new Error('x')) : Promise.resolve();
        });
        if (throws) await expect(run).rejects.toThrow('x');
        else await run;
        expect(left()).toEqual([]);
      }),
      { numRuns: 50 }
    );
  });
});

describe('SecretSession', () => {
  test('dispose twice: true, then false, and the mounts are cleared', () => {
    const s = SecretSession.open(SECRETS, base, recordingHooks().hooks);
    expect(s.mounts.length).toBe(3);
    expect(s.dispose()).toBe(true);
    expect(s.mounts).toEqual([]);
    expect(s.dispose()).toBe(false);
    expect(left()).toEqual([]);
  });
});
