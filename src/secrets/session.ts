/**
 * The secret lifecycle in one place: a session writes each secret into a fresh vault,
 * hands out the mounts for the one buildx run that reads them, and wipes the vault
 * when that run is over. `withMountedSecrets` is the only way to get mounts, so no
 * code can hold a secret file beyond the callback that needs it. A signal handler
 * may dispose the session at any moment; disposing twice is harmless.
 */
import * as path from 'node:path';
import type { SecretMount } from '../docker/buildx-args.js';
import type { Secret } from './values.js';
import { createVaultDir, removeVault, vaultMarker, writeVaultFile, type VaultBase } from './vault.js';

/** Who else must be able to dispose the session: the signal handler, and the post step through saved state. */
export interface SessionHooks {
  /** Called with the vault path and its marker before the first secret is written, so a killed main leaves nothing post can't find. */
  remember(dir: string, marker: string): void;
  /** The session is open (signal handlers should dispose it) or, with undefined, closed. */
  track(session: SecretSession | undefined): void;
}

export class SecretSession {
  private dir: string | undefined;
  readonly mounts: SecretMount[] = [];

  private constructor(dir: string) {
    this.dir = dir;
  }

  static open(secrets: readonly Secret[], base: VaultBase, hooks: SessionHooks): SecretSession {
    const dir = createVaultDir(base.dir);
    hooks.remember(dir, vaultMarker(dir));
    const session = new SecretSession(dir);
    hooks.track(session);
    try {
      secrets.forEach((s, k) => {
        const file = path.join(dir, `secret-${k}`);
        writeVaultFile(file, s.value);
        session.mounts.push({ id: s.id, file });
      });
    } catch (e) {
      hooks.track(undefined);
      session.dispose();
      throw e;
    }
    return session;
  }

  /** Wipes and removes the vault. Synchronous, so a signal handler can rely on it. True if it removed something. */
  dispose(): boolean {
    const dir = this.dir;
    this.dir = undefined;
    this.mounts.length = 0;
    return dir !== undefined && removeVault(dir);
  }
}

/** Runs `fn` with the secrets mounted; the vault is gone when it returns or throws. */
export async function withMountedSecrets<T>(
  secrets: readonly Secret[],
  base: VaultBase,
  hooks: SessionHooks,
  fn: (mounts: readonly SecretMount[]) => Promise<T>
): Promise<T> {
  const session = SecretSession.open(secrets, base, hooks);
  try {
    return await fn([...session.mounts]);
  } finally {
    hooks.track(undefined);
    session.dispose();
  }
}
