/**
 * Secret materialisation and cleanup: register masks (variants + scrubber), create the
 * vault, write N secret files, remove the vault. Milliseconds for 1, 100 and 1000.
 */
import * as path from 'node:path';
import { createVaultDir, removeVault, writeVaultFile } from '../src/secrets/vault.js';
import { fmt, makeSecrets, median, redactorOf, timeMs } from './util.js';

export async function benchVault(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const n of [1, 100, 1000]) {
    const secrets = makeSecrets(n);
    const masks: number[] = [];
    const write: number[] = [];
    const remove: number[] = [];
    for (let r = 0; r < 7; r++) {
      masks.push(await timeMs(() => redactorOf(secrets)));
      let dir = '';
      write.push(
        await timeMs(() => {
          dir = createVaultDir('/dev/shm');
          secrets.forEach((s, k) => writeVaultFile(path.join(dir, `secret-${k}`), s));
        })
      );
      remove.push(await timeMs(() => removeVault(dir)));
    }
    out[`${n} secret(s)`] = `masks ${fmt(median(masks), 2)} ms, vault + files ${fmt(median(write), 2)} ms, wipe + remove ${fmt(median(remove), 2)} ms`;
  }
  return out;
}
