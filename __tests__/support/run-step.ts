/**
 * A workflow step's `run:` script as the runner runs it: bash --noprofile --norc -e -o
 * pipefail on a file, with only the given env (and PATH, HOME, RUNNER_TEMP), a fresh
 * GITHUB_OUTPUT read back into `outputs`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface StepRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

export function runStep(script: string, env: Record<string, string>, opts: { PATH?: string; cwd?: string; timeout?: number } = {}): StepRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-step-'));
  try {
    fs.writeFileSync(path.join(dir, 'script.sh'), script);
    const out = path.join(dir, 'output');
    fs.writeFileSync(out, '');
    const r = spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', path.join(dir, 'script.sh')], {
      env: { PATH: opts.PATH ?? process.env.PATH, HOME: process.env.HOME, RUNNER_TEMP: dir, GITHUB_OUTPUT: out, ...env },
      cwd: opts.cwd ?? dir,
      encoding: 'utf8',
      timeout: opts.timeout ?? 60_000
    });
    const outputs: Record<string, string> = {};
    for (const line of fs.readFileSync(out, 'utf8').split('\n')) {
      const m = /^([\w-]+)=(.*)$/.exec(line);
      if (m) outputs[m[1]] = m[2];
    }
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, outputs };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
