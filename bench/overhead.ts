/**
 * Action overhead: wall time of the bundled action (node dist/main, as the runner
 * starts it) around a fully cached build, minus the same `docker buildx build` run
 * directly. Interleaved, median of 11 runs each; with the leak guard off and on.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { docker, run } from './docker.js';
import { fmt, median, timeMs } from './util.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RUNS = 11;

export async function benchOverhead(): Promise<Record<string, string>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-'));
  const secret = 'bench-secret-value-0123456789';
  fs.writeFileSync(
    path.join(dir, 'Dockerfile'),
    'FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok,required=true test -s /run/secrets/tok && echo built > /built\n'
  );
  const secretFile = path.join('/dev/shm', `sb-bench-${process.pid}`);
  fs.writeFileSync(secretFile, secret, { mode: 0o600 });
  for (const f of ['out', 'state', 'summary']) fs.writeFileSync(path.join(dir, f), '');
  const direct = () =>
    run(
      'docker',
      ['buildx', 'build', '--secret', `id=tok,src=${secretFile}`, '--iidfile', path.join(dir, 'iid'), '--metadata-file', path.join(dir, 'meta'), '.'],
      { cwd: dir }
    );
  const action = (leakCheck: string) => () =>
    run(process.execPath, [path.join(ROOT, 'dist/main/index.js')], {
      cwd: dir,
      env: {
        ...process.env,
        INPUT_SECRETS: `tok=${secret}`,
        'INPUT_LEAK-CHECK': leakCheck,
        GITHUB_OUTPUT: path.join(dir, 'out'),
        GITHUB_STATE: path.join(dir, 'state'),
        GITHUB_STEP_SUMMARY: path.join(dir, 'summary')
      }
    });
  try {
    await direct(); // warm the cache
    const t = { direct: [] as number[], off: [] as number[], on: [] as number[] };
    for (let r = 0; r < RUNS; r++) {
      t.direct.push(await timeMs(direct));
      t.off.push(await timeMs(action('off')));
      t.on.push(await timeMs(action('error')));
    }
    const d = median(t.direct);
    return {
      'docker buildx build, cached (baseline)': `${fmt(d, 0)} ms`,
      'action, leak-check: off': `${fmt(median(t.off), 0)} ms: overhead ${fmt(median(t.off) - d, 0)} ms (goal <= 300 ms), ratio ${fmt(median(t.off) / d, 2)}x`,
      'action, leak-check: error (preflight + image scan)': `${fmt(median(t.on), 0)} ms: overhead ${fmt(median(t.on) - d, 0)} ms, ratio ${fmt(median(t.on) / d, 2)}x`,
      'image scanned': `${docker(['image', 'inspect', '--format', '{{.Size}}', fs.readFileSync(path.join(dir, 'iid'), 'utf8').trim()]).trim()} bytes`
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(secretFile, { force: true });
  }
}
