/**
 * What keying the secret-mounting steps costs (src/isolation/): a 20-step Dockerfile, 10
 * of its RUN steps mounting one of 5 secrets. Against the same cached `docker buildx build`
 * in the same run: the action's work before the build (parse, scrypt of each mounted
 * secret on libuv's threads, the keyed file written), cold (a fresh process: the parser's
 * chunk is loaded too) and warm; and the cached build of the keyed file (stays cached: the
 * keys do not change while the secrets do not).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isolate } from '../src/isolation/isolate.js';
import { run } from './docker.js';
import { fmt, median, timeMs } from './util.js';

const RUNS = 7;
const IDS = ['a', 'b', 'c', 'd', 'e'];

function dockerfile(nonce: string): string {
  const lines = ['FROM secret-build-base:latest'];
  for (let k = 0; k < 19; k++)
    lines.push(
      k % 2
        ? `RUN echo ${nonce}-plain-${k} > /p${k}`
        : `RUN --mount=type=secret,id=${IDS[(k / 2) % 5]},required=true test -s /run/secrets/${IDS[(k / 2) % 5]} && echo ${nonce}-${k} > /s${k}`
    );
  return `${lines.join('\n')}\n`;
}

export async function benchStepKeys(): Promise<Record<string, string>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-keys-'));
  const work = path.join(dir, 'work');
  fs.mkdirSync(work);
  const nonce = path.basename(dir);
  fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfile(nonce));
  const secrets = IDS.map((id) => ({ id, input: 'secrets' as const, entry: 1, value: Buffer.from(`bench-${id}-${nonce}-0123456789abcdef`) }));
  const secretArgs = secrets.flatMap((s) => {
    const f = path.join('/dev/shm', `sb-bench-key-${s.id}-${process.pid}`);
    fs.writeFileSync(f, s.value, { mode: 0o600 });
    return ['--secret', `id=${s.id},src=${f}`];
  });
  const request = {
    dockerfile: path.join(dir, 'Dockerfile'),
    context: dir,
    remoteContext: false,
    fileIsAbsolute: false,
    extraArgs: [],
    secrets,
    secretIds: IDS,
    sshSecrets: [],
    buildArgs: {},
    work,
    repository: 'acme/app'
  };
  const build = (file: string) => run('docker', ['buildx', 'build', '--output', 'type=cacheonly', ...secretArgs, '--file', file, '.'], { cwd: dir });
  try {
    // A fresh process for the cold cost: the bench's own process has the parser loaded already.
    const cold = spawnSync(process.execPath, ['--input-type=module', '-e', coldScript(request)], { encoding: 'utf8', cwd: process.cwd() });
    const isolated = await isolate(request);
    if (!isolated.keyed || !isolated.file) throw new Error('the bench Dockerfile was not keyed');
    await build(path.join(dir, 'Dockerfile'));
    await build(isolated.file);
    const t = { direct: [] as number[], keyedBuild: [] as number[], warm: [] as number[] };
    for (let r = 0; r < RUNS; r++) {
      t.direct.push(await timeMs(() => build(path.join(dir, 'Dockerfile'))));
      t.keyedBuild.push(await timeMs(() => build(isolated.file!)));
      t.warm.push(await timeMs(() => isolate(request)));
    }
    const d = median(t.direct);
    const coldMs = Number(/cold (\d+(\.\d+)?)/.exec(cold.stdout)?.[1] ?? NaN);
    return {
      'docker buildx build, cached, 20 steps (baseline)': `${fmt(d, 0)} ms`,
      'keying 10 steps on 5 secrets, cold (fresh process: parser chunk, 5 scrypts)': `${fmt(coldMs, 0)} ms: ${fmt(coldMs / d, 2)}x the build`,
      'keying again, warm (parse and 5 scrypts)': `${fmt(median(t.warm), 0)} ms: ${fmt(median(t.warm) / d, 2)}x the build`,
      'the keyed Dockerfile, cached build': `${fmt(median(t.keyedBuild), 0)} ms: ${fmt(median(t.keyedBuild) / d, 2)}x the user's file (fully cached: the keys are stable)`
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    for (const s of secrets) fs.rmSync(path.join('/dev/shm', `sb-bench-key-${s.id}-${process.pid}`), { force: true });
  }
}

function coldScript(request: object): string {
  const req = JSON.stringify(request, (_k, v: unknown) =>
    v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' ? { buf: Buffer.from((v as { data: number[] }).data).toString('base64') } : v
  );
  return [
    `const q = JSON.parse(${JSON.stringify(req)}, (k, v) => (v && v.buf ? Buffer.from(v.buf, 'base64') : v));`,
    'const t = performance.now();',
    `const { isolate } = await import(${JSON.stringify(path.resolve('build/src/isolation/isolate.js'))});`,
    'await isolate(q);',
    "console.log('cold', (performance.now() - t).toFixed(1));"
  ].join('\n');
}
