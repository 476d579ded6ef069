// Bundle entry of the post step (dist/post): the runner executes this file.
//
// After a successful main (nearly every run) the vault and the build's exports are already
// gone and the post step has nothing to do, but it must still run (action.yml's
// `post-if: always()`: docs/security-model.md, "The path of one secret", says why no
// narrower condition is safe). So this entry first looks, with only what the runner passes (the saved state as
// STATE_<name>, which is all @actions/core's getState reads) and an lstat each, and loads
// the post step proper (src/post.ts: @actions/core, the checked removals; a chunk of its
// own) only when something main saved is still there. Nothing is printed when it is gone.
import { EXPORTS_STATE_KEY, LOADED_IMAGE_STATE_KEY, present } from '../leak-guard/exports-state.js';
import { VAULT_STATE_KEY } from '../secrets/vault-state.js';

function exportsLeft(): boolean {
  try {
    const paths: unknown = JSON.parse(process.env[`STATE_${EXPORTS_STATE_KEY}`] || '[]');
    return Array.isArray(paths) && paths.some((p) => typeof p === 'string' && present(p));
  } catch {
    return false;
  }
}

const vault = process.env[`STATE_${VAULT_STATE_KEY}`];
if ((vault && present(vault)) || exportsLeft() || process.env[`STATE_${LOADED_IMAGE_STATE_KEY}`]) {
  const { run } = await import('../post.js');
  await run();
}
