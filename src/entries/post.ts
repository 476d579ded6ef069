// Bundle entry of the post step (dist/post): the runner executes this file.
import { run } from '../post.js';

await run();
