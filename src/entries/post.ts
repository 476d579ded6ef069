// Bundle entry of the post step (dist/post): the runner executes this file.
//
// After a successful main (nearly every run) the vault is already gone and the post
// step has nothing to do, but it must still run (action.yml's `post-if: always()`: see
// the README's security model for why no narrower condition is safe). So this entry
// first looks, with only what the runner passes (the saved state as STATE_<name>, which
// is all @actions/core's getState reads) and one lstat, and loads the post step proper
// (src/post.ts: @actions/core, the checked removal; a chunk of its own) only when the
// vault main saved is still there. Nothing is printed either way when it is gone.
import * as fs from 'node:fs';
import { VAULT_STATE_KEY } from '../secrets/vault-state.js';

function present(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

const vault = process.env[`STATE_${VAULT_STATE_KEY}`];
if (vault && present(vault)) {
  const { run } = await import('../post.js');
  await run();
}
