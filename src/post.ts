/**
 * The post step (`post-if: always()`): the backstop for a main step that was killed
 * before its `finally` ran. Reads only saved state and removes only what main recorded
 * there: the vault, and the build's unscanned exports (leak-guard/exports.ts). It loads
 * nothing else unless there is an image to remove, so it starts fast and has nothing to
 * print but its own messages.
 */
import * as core from '@actions/core';
import { loadedImage, savedPaths } from './leak-guard/exports-state.js';
import { removeVault, VAULT_MARKER_KEY, VAULT_STATE_KEY } from './secrets/vault.js';

export async function run(): Promise<void> {
  removeLeftVault();
  await removeLeftExports();
}

function removeLeftVault(): void {
  const vault = core.getState(VAULT_STATE_KEY);
  if (!vault) return;
  try {
    // Only the directory this run created: its marker must be the one main saved with it.
    if (removeVault(vault, core.getState(VAULT_MARKER_KEY))) core.info('secret-build post: removed a secret vault the main step left behind');
  } catch (e) {
    core.warning(`secret-build post: could not remove the secret vault ${vault}: ${(e as Error).message}`);
  }
}

/** Paths by the names only the action gives them; an image only while it is untagged (the scan's, never published). */
async function removeLeftExports(): Promise<void> {
  const paths = savedPaths(core.getState) ?? [];
  // An id main had not read yet is in buildx's id file, inside the work directory: read before that goes.
  const image = loadedImage(core.getState);
  if (!paths.length && !image) return;
  // One chunk for all of it (the removals, docker, the Log): loaded only when something is left.
  const { removeExports, removeUntaggedImage } = await import('./leak-guard/exports.js');
  try {
    const removed = removeExports(paths);
    if (removed.length) core.info(`secret-build post: removed ${removed.length} unscanned build export(s) the main step left behind`);
  } catch (e) {
    core.warning(`secret-build post: could not remove the build's exports: ${(e as Error).message}`);
  }
  if (image && (await removeUntaggedImage(image))) core.info('secret-build post: removed the unscanned image the main step had loaded');
}
