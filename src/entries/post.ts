// Bundle entry of the post step (dist/post): the runner executes this file.
//
// The runner starts it unless main wrote, as its last act, that nothing is left
// (post-gate.ts). When it does start (main killed, cancelled, or unsure), this entry first
// looks with only what the runner passes (the saved state as STATE_<name>, which is all
// @actions/core's getState reads) and an lstat each, the same test main made (leftBehind),
// and loads the post step proper (src/post.ts: @actions/core, the checked removals; a
// chunk of its own) only when something main saved is still there. Nothing is printed
// when it is gone.
import { leftBehind } from '../post-gate.js';

if (leftBehind((key) => process.env[`STATE_${key}`])) {
  const { run } = await import('../post.js');
  await run();
}
