/**
 * The action under GitHub's own local runner for actions, @github/local-action, on a
 * real build: it loads action.yml with its YAML parser, imports src/main.ts and
 * src/post.ts through tsx, and calls their run() functions with its @actions/core stub.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../support/yaml.js';
import { BASE_IMAGE, dockerReady, leaksIn, leftovers, makeWorkspace, runAction, type Workspace } from './harness.js';

const ready = dockerReady();
const SECRET = `local-action-${randomBytes(8).toString('hex')}`;
const sha = createHash('sha256').update(SECRET).digest('hex');
const BIN = path.join(ROOT, 'node_modules/@github/local-action/bin/local-action.js');

function localAction(envFile: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [BIN, 'run', ROOT, 'src/main.ts', envFile, '--post', 'src/post.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
}

(ready ? describe : describe.skip)('@github/local-action runs main and post on a real build', () => {
  let ws: Workspace;
  let run: { code: number | null; out: string };

  beforeAll(async () => {
    ws = makeWorkspace({
      'ctx/Dockerfile': `ARG BASE_IMAGE=busybox:stable\nFROM \${BASE_IMAGE}\nRUN --mount=type=secret,id=npm_token,required=true echo "${sha}  /run/secrets/npm_token" | sha256sum -c - && echo secret-verified-in-build\n`
    });
    const env = [
      `INPUT_SECRETS=npm_token=${SECRET}`,
      `INPUT_CONTEXT=${path.join(ws.dir, 'ctx')}`,
      `INPUT_BUILD-ARGS=BASE_IMAGE=${BASE_IMAGE}`,
      'INPUT_NO-CACHE=true',
      `XDG_RUNTIME_DIR=${ws.runtimeDir}`,
      `RUNNER_TEMP=${ws.dir}`,
      `GITHUB_WORKSPACE=${ws.dir}`,
      `GITHUB_STEP_SUMMARY=${path.join(ws.dir, 'summary.md')}`
    ];
    fs.writeFileSync(path.join(ws.dir, 'summary.md'), '');
    fs.writeFileSync(path.join(ws.dir, '.env'), `${env.join('\n')}\n`, { mode: 0o600 });
    run = await localAction(path.join(ws.dir, '.env'));
  });
  afterAll(() => ws?.cleanup());

  test('main builds with the secret mounted, and sets the outputs', () => {
    expect(run.code).toBe(0);
    expect(run.out).toContain('Running Action');
    expect(run.out).toContain('secret-verified-in-build');
    expect(run.out).toMatch(/'imageid'\s*│\s*'sha256:[0-9a-f]{64}'/);
    expect(run.out).toMatch(/'digest'\s*│\s*'sha256:[0-9a-f]{64}'/);
    expect(run.out).not.toMatch(/::error/);
  });

  test('the post step runs, and nothing is left in the vault', () => {
    expect(run.out).toContain('Running Post Step');
    expect(leftovers(ws.runtimeDir)).toEqual([]);
  });

  test('the secret appears nowhere in what it printed', () => {
    expect(leaksIn(run.out, [SECRET])).toEqual([]);
    expect(fs.readFileSync(path.join(ws.dir, 'summary.md'), 'utf8')).toContain('<code>npm_token</code>');
  });
});

(ready ? describe : describe.skip)('the README example', () => {
  test('examples/npm-token builds (FROM busybox:stable by default; the local base image here)', async () => {
    const ws = makeWorkspace({});
    try {
      const run = await runAction(ws, {
        context: path.join(ROOT, 'examples/npm-token'),
        secrets: `npm_token=${SECRET}`,
        'build-args': `BASE_IMAGE=${BASE_IMAGE}`,
        'no-cache': 'true'
      });
      expect(run.main.code).toBe(0);
      expect(run.outputs.imageid).toMatch(/^sha256:/);
      expect(fs.readFileSync(path.join(ROOT, 'examples/npm-token/Dockerfile'), 'utf8')).toMatch(/^ARG BASE_IMAGE=busybox:stable$/m);
    } finally {
      ws.cleanup();
    }
  });
});
