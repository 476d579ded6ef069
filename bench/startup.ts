/**
 * Start-up: time to the first line of output (or to the exit, for a step that prints
 * nothing) of the bundles as the runner starts them (`node dist/main/index.js`,
 * `node dist/post/index.js`), against `node -e 0` measured in the same run.
 * Interleaved, median of 31 each; printed as ratios to `node -e 0`.
 *
 * main: a run whose secret is empty, which fails with its first line (the error), so
 * no build starts; the same code as a real run up to its first line (the masks).
 * post: after a successful main, whose vault is already gone (the state names it).
 * SB_BENCH_DIST=<dir> measures another build of dist/ (e.g. the previous commit's).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median } from './util.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RUNS = 31;

/** Milliseconds from spawn to the first byte on stdout or stderr, or to the exit; waits for the exit either way. */
function firstLine(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    let first: number | undefined;
    const mark = () => (first ??= Number(process.hrtime.bigint() - t) / 1e6);
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.once('data', mark);
    child.stderr.once('data', mark);
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', () => resolve(mark()));
  });
}

export async function benchStartup(): Promise<Record<string, string>> {
  const dist = path.resolve(process.env.SB_BENCH_DIST ?? path.join(ROOT, 'dist'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-startup-'));
  const base = { PATH: process.env.PATH, HOME: process.env.HOME };
  for (const f of ['out', 'state', 'summary']) fs.writeFileSync(path.join(dir, f), '');
  const files = { GITHUB_OUTPUT: path.join(dir, 'out'), GITHUB_STATE: path.join(dir, 'state'), GITHUB_STEP_SUMMARY: path.join(dir, 'summary') };
  const cases: Record<string, { args: string[]; env: NodeJS.ProcessEnv }> = {
    'node -e 0': { args: ['-e', '0'], env: base },
    main: { args: [path.join(dist, 'main/index.js')], env: { ...base, ...files, INPUT_SECRETS: 'tok=', INPUT_CONTEXT: '.' } },
    post: {
      args: [path.join(dist, 'post/index.js')],
      env: { ...base, ...files, 'STATE_vault-dir': path.join(dir, 'secret-build-gone'), 'STATE_vault-marker': '0'.repeat(32) }
    }
  };
  const t: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  try {
    for (const { args, env } of Object.values(cases)) await firstLine(args, env, dir); // warm the file cache
    for (let r = 0; r < RUNS; r++) for (const [k, { args, env }] of Object.entries(cases)) t[k].push(await firstLine(args, env, dir));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const node = median(t['node -e 0']);
  const size = (f: string) => `${fmt(fs.statSync(path.join(dist, f)).size / 1024, 0)} KB`;
  return {
    'node -e 0 (baseline)': `${fmt(node, 1)} ms`,
    'dist/main, first line': `${fmt(median(t.main), 1)} ms, ratio ${fmt(median(t.main) / node, 2)}x (bundle ${size('main/index.js')})`,
    'dist/post after a successful main, exit': `${fmt(median(t.post), 1)} ms, ratio ${fmt(median(t.post) / node, 2)}x (bundle ${size('post/index.js')})`
  };
}
