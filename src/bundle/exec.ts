/**
 * `@actions/exec` as the bundles see it: tsconfig.json maps the name here, as it maps
 * `@actions/http-client` (http-client.ts says how and why).
 *
 * Why: @actions/core imports it at start (lib/platform.js) only for `platform.getDetails`,
 * which this action never calls; with it come @actions/io and node's `assert`,
 * `string_decoder` and `timers`, ~10 ms of every main step's start here (node's own
 * modules are compiled when first required). The action starts its processes itself
 * (src/docker/process.ts). Were the one function @actions/core uses ever called, the real
 * package would load then, as a chunk of its own (__tests__/unit/bundle.test.ts checks both).
 */
import type { ExecOptions, ExecOutput } from '../../node_modules/@actions/exec/lib/interfaces.js';

export async function getExecOutput(commandLine: string, args?: string[], options?: ExecOptions): Promise<ExecOutput> {
  const real = await import('../../node_modules/@actions/exec/lib/exec.js');
  return real.getExecOutput(commandLine, args, options);
}
