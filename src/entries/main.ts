// Bundle entry of the main step (dist/main): the runner executes this file.
import { run } from '../main.js';

await run();
