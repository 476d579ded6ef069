/**
 * Action overhead: wall time of the bundled action (node dist/main, as the runner
 * starts it) around a fully cached build, minus the same `docker buildx build` run
 * directly. Interleaved, median of 11 runs each: with the leak guard off (one build)
 * and on (preflight, the build exporting to the runner, the scan, the cached publishing
 * build and the check that what was published is what was scanned), for a build that
 * loads the image (the docker driver's default) and one that pushes to the local registry.
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
  const registry = `127.0.0.1:${process.env.REGISTRY_PORT ?? '5000'}`;
  const tag = `${registry}/sb-bench/app:${process.pid}`;
  const directPush = () =>
    run('docker', ['buildx', 'build', '--secret', `id=tok,src=${secretFile}`, '--push', '-t', tag, '--metadata-file', path.join(dir, 'meta'), '.'], {
      cwd: dir
    });
  const action =
    (leakCheck: string, push = false) =>
    () =>
      run(process.execPath, [path.join(ROOT, 'dist/main/index.js')], {
        cwd: dir,
        env: {
          ...process.env,
          INPUT_SECRETS: `tok=${secret}`,
          INPUT_CONTEXT: '.',
          // What the direct baseline gets from buildx, not build-push-action's mode=max default: the same work on both sides.
          INPUT_PROVENANCE: 'mode=min',
          'INPUT_LEAK-CHECK': leakCheck,
          ...(push ? { INPUT_PUSH: 'true', INPUT_TAGS: tag } : {}),
          GITHUB_OUTPUT: path.join(dir, 'out'),
          GITHUB_STATE: path.join(dir, 'state'),
          GITHUB_STEP_SUMMARY: path.join(dir, 'summary')
        }
      });
  try {
    await direct(); // warm the cache
    const pushing = await directPush().then(
      () => true,
      () => false
    );
    const t = { direct: [] as number[], off: [] as number[], on: [] as number[], push: [] as number[], onPush: [] as number[] };
    for (let r = 0; r < RUNS; r++) {
      t.direct.push(await timeMs(direct));
      t.off.push(await timeMs(action('off')));
      t.on.push(await timeMs(action('error')));
      if (!pushing) continue;
      t.push.push(await timeMs(directPush));
      t.onPush.push(await timeMs(action('error', true)));
    }
    const d = median(t.direct);
    const line = (ms: number[], base: number) => `${fmt(median(ms), 0)} ms: overhead ${fmt(median(ms) - base, 0)} ms, ratio ${fmt(median(ms) / base, 2)}x`;
    const res: Record<string, string> = {
      'docker buildx build, cached (baseline)': `${fmt(d, 0)} ms`,
      'action, leak-check: off (one build)': line(t.off, d),
      'action, leak-check: error (build to the runner, scan, cached publishing build)': line(t.on, d),
      'cost of verify-then-publish (error minus off)': `${fmt(median(t.on) - median(t.off), 0)} ms`
    };
    if (pushing) {
      res['docker buildx build --push, cached (baseline)'] = `${fmt(median(t.push), 0)} ms`;
      res['action, push: true, leak-check: error (+ read back from the registry)'] = line(t.onPush, median(t.push));
    } else res['push'] = `skipped: no registry at ${registry} (bash scripts/registry.sh start)`;
    res['image scanned'] = `${docker(['image', 'inspect', '--format', '{{.Size}}', fs.readFileSync(path.join(dir, 'iid'), 'utf8').trim()]).trim()} bytes`;
    return res;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(secretFile, { force: true });
  }
}
