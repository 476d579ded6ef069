/** Runs the benchmarks named on the command line (default: all that can run here) and prints their results. */
import { dockerAvailable } from './docker.js';
import { benchOverhead } from './overhead.js';
import { benchScan } from './scan.js';
import { benchScaling } from './scaling.js';
import { benchScrubber } from './scrubber.js';
import { benchStartup } from './startup.js';
import { benchStepKeys } from './step-keys.js';
import { benchVault } from './vault.js';

const all: Record<string, { run: () => Promise<Record<string, string>>; docker: boolean }> = {
  scrubber: { run: benchScrubber, docker: false },
  scaling: { run: benchScaling, docker: false },
  vault: { run: benchVault, docker: false },
  startup: { run: benchStartup, docker: false },
  overhead: { run: benchOverhead, docker: true },
  scan: { run: benchScan, docker: true },
  'step-keys': { run: benchStepKeys, docker: true }
};

const withDocker = dockerAvailable();
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(all);
console.log(`# secret-build benchmarks, ${new Date().toISOString()}, node ${process.version}`);
for (const name of wanted) {
  console.log(`\n## ${name}`);
  if (all[name].docker && !withDocker) {
    console.log('- skipped: no docker daemon with buildx (run scripts/setup-docker.sh)');
    continue;
  }
  for (const [k, v] of Object.entries(await all[name].run())) console.log(`- ${k}: ${v}`);
}
