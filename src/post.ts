/**
 * The post step (`post-if: always()`): the backstop for a main step that was killed
 * before its `finally` ran. Reads only saved state and removes only a vault; it loads
 * nothing else, so it starts fast and has nothing to print but its own messages.
 */
import * as core from '@actions/core';
import { removeVault, VAULT_MARKER_KEY, VAULT_STATE_KEY } from './secrets/vault.js';

export function run(): Promise<void> {
  const vault = core.getState(VAULT_STATE_KEY);
  if (!vault) return Promise.resolve();
  try {
    // Only the directory this run created: its marker must be the one main saved with it.
    if (removeVault(vault, core.getState(VAULT_MARKER_KEY))) core.info('secret-build post: removed a secret vault the main step left behind');
  } catch (e) {
    core.warning(`secret-build post: could not remove the secret vault ${vault}: ${(e as Error).message}`);
  }
  return Promise.resolve();
}
