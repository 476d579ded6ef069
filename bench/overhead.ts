/**
 * Action overhead: wall time of a whole step as the runner runs it (bench/runner.ts:
 * main, then post, with INPUT_* and the file commands) around a fully cached build,
 * minus the same `docker buildx build` run directly. Interleaved, median of 11 runs
 * each: this action with the leak guard off and on (preflight, the one build exporting
 * to the runner, the scan; for a load, `docker load` of the scanned export; for a push,
 * skopeo pushing it), against the same cached build run directly; and, where
 * SB_PEER_BPA names a copy of docker/build-push-action, that action on the same
 * Dockerfile, secret and cached build, with its defaults and with DOCKER_BUILD_SUMMARY=false.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildxPlugin } from '../src/docker/buildx-plugin.js';
import { docker, run } from './docker.js';
import { loadJsAction, runAsRunner, type JsAction } from './runner.js';
import { fmt, median, timeMs } from './util.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RUNS = 11;

const PEER = process.env.SB_PEER_BPA;

export async function benchOverhead(): Promise<Record<string, string>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-'));
  const work = path.join(dir, '.step');
  const secret = 'bench-secret-value-0123456789';
  fs.writeFileSync(
    path.join(dir, 'Dockerfile'),
    'FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok,required=true test -s /run/secrets/tok && echo built > /built\n'
  );
  fs.writeFileSync(path.join(dir, '.dockerignore'), '.step\n');
  const secretFile = path.join('/dev/shm', `sb-bench-${process.pid}`);
  fs.writeFileSync(secretFile, secret, { mode: 0o600 });
  const direct = () =>
    run(
      'docker',
      ['buildx', 'build', '--secret', `id=tok,src=${secretFile}`, '--iidfile', path.join(dir, 'iid'), '--metadata-file', path.join(dir, 'meta'), '.'],
      { cwd: dir }
    );
  const registry = `127.0.0.1:${process.env.REGISTRY_PORT ?? '5000'}`;
  const tag = `${registry}/sb-bench/app:${process.pid}`;
  const loadTag = `sb-bench-load:${process.pid}`;
  const directPush = () =>
    run('docker', ['buildx', 'build', '--secret', `id=tok,src=${secretFile}`, '--push', '-t', tag, '--metadata-file', path.join(dir, 'meta'), '.'], {
      cwd: dir
    });
  const ours = loadJsAction('secret-build', ROOT);
  const peer: JsAction | undefined = PEER && fs.existsSync(path.join(PEER, 'action.yml')) ? loadJsAction('build-push-action', PEER) : undefined;
  // Both sides: the context, the secret as an input, and what the direct baseline gets from buildx (provenance mode=min, not mode=max).
  const common = { context: '.', secrets: `tok=${secret}`, provenance: 'mode=min' };
  const step =
    (a: JsAction, inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
    () =>
      runAsRunner(a, { ...common, ...inputs }, { cwd: dir, work, env: { ...process.env, ...env } });
  const action = (leakCheck: string, publish: Record<string, string> = {}) => step(ours, { 'leak-check': leakCheck, ...publish });
  try {
    await direct(); // warm the cache
    const pushing = await directPush().then(
      () => true,
      () => false
    );
    if (peer) await step(peer, {})(); // and its first run (buildx's refs directory, the builder's history)
    const plugin = buildxPlugin();
    const t: Record<string, number[]> = {
      direct: [],
      directLoad: [],
      buildxCall: [],
      pluginCall: [],
      off: [],
      on: [],
      onLoad: [],
      bpa: [],
      bpaNoSummary: [],
      push: [],
      onPush: []
    };
    const directLoad = () =>
      run('docker', ['buildx', 'build', '--secret', `id=tok,src=${secretFile}`, '--load', '-t', loadTag, '--metadata-file', path.join(dir, 'meta'), '.'], {
        cwd: dir
      });
    for (let r = 0; r < RUNS; r++) {
      t.direct.push(await timeMs(direct));
      t.buildxCall.push(await timeMs(() => run('docker', ['buildx', 'history', 'ls', '--format', 'json'])));
      if (plugin) t.pluginCall.push(await timeMs(() => run(plugin, ['history', 'ls', '--format', 'json'])));
      t.off.push(await timeMs(action('off')));
      t.on.push(await timeMs(action('error')));
      t.directLoad.push(await timeMs(directLoad));
      t.onLoad.push(await timeMs(action('error', { load: 'true', tags: loadTag })));
      if (peer) {
        t.bpa.push(await timeMs(step(peer, {})));
        t.bpaNoSummary.push(await timeMs(step(peer, {}, { DOCKER_BUILD_SUMMARY: 'false' })));
      }
      if (!pushing) continue;
      t.push.push(await timeMs(directPush));
      t.onPush.push(await timeMs(action('error', { push: 'true', tags: tag })));
    }
    const d = median(t.direct);
    const over = (ms: number[]) => median(ms) - d;
    const line = (ms: number[], base: number) => `${fmt(median(ms), 0)} ms: overhead ${fmt(median(ms) - base, 0)} ms, ratio ${fmt(median(ms) / base, 2)}x`;
    const res: Record<string, string> = {
      'docker buildx build, cached (baseline)': `${fmt(d, 0)} ms`,
      // What one more buildx call costs here: the action's look for concurrent builds is one, after the build.
      'one buildx call (docker buildx history ls)': `${fmt(median(t.buildxCall), 0)} ms`,
      // The same call without the docker CLI in front: what its plugin dispatch costs each of the action's buildx calls.
      'the same call run as docker-buildx directly (standalone)': plugin ? `${fmt(median(t.pluginCall), 0)} ms` : 'skipped: no docker-buildx found',
      'secret-build, leak-check: off (one build; main + post)': line(t.off, d),
      'secret-build, leak-check: error (the build to the runner, the scan; main + post)': line(t.on, d),
      'overhead of leak-check: error as a multiple of the cached build itself (goal ≤ 1.5)': fmt(over(t.on) / d, 2),
      'cost of the leak guard (error minus off)': `${fmt(median(t.on) - median(t.off), 0)} ms`,
      'docker buildx build --load, cached (baseline)': `${fmt(median(t.directLoad), 0)} ms`,
      'secret-build, load: true, leak-check: error (docker load of the scanned export)': line(t.onLoad, median(t.directLoad))
    };
    if (peer) {
      res['build-push-action v7.3, defaults (main + post: build record export and summary)'] = line(t.bpa, d);
      res['build-push-action v7.3, DOCKER_BUILD_SUMMARY=false'] = line(t.bpaNoSummary, d);
      res['overhead ratio secret-build / build-push-action (defaults): leak-check error, off'] =
        `${fmt(over(t.on) / over(t.bpa), 2)}, ${fmt(over(t.off) / over(t.bpa), 2)}`;
      res['overhead ratio secret-build / build-push-action (summary off): leak-check error, off'] =
        `${fmt(over(t.on) / over(t.bpaNoSummary), 2)}, ${fmt(over(t.off) / over(t.bpaNoSummary), 2)}`;
    } else res['build-push-action'] = PEER ? `skipped: no action.yml in ${PEER}` : 'skipped: SB_PEER_BPA names no copy of it';
    if (pushing) {
      res['docker buildx build --push, cached (baseline)'] = `${fmt(median(t.push), 0)} ms`;
      res['secret-build, push: true, leak-check: error (skopeo pushes the scanned export)'] = line(t.onPush, median(t.push));
    } else res['push'] = `skipped: no registry at ${registry} (bash scripts/registry.sh start)`;
    res['image scanned'] = `${docker(['image', 'inspect', '--format', '{{.Size}}', fs.readFileSync(path.join(dir, 'iid'), 'utf8').trim()]).trim()} bytes`;
    return res;
  } finally {
    spawnSync('docker', ['image', 'rm', loadTag]);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(secretFile, { force: true });
  }
}
