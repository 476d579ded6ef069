/**
 * A JavaScript action run the way the runner runs it (as the e2e harness runs this
 * one): `node <runs.main>` with INPUT_* for each input (the given value, else the
 * default from its action.yml, read with `yaml`), fresh GITHUB_OUTPUT / GITHUB_STATE /
 * GITHUB_STEP_SUMMARY / GITHUB_ENV files and RUNNER_TEMP; then, when action.yml has a
 * post step and its post-if holds as the runner evaluates it (the e2e harness's model,
 * __tests__/support/runner-model.ts), `node <runs.post>` with the same inputs, the job's
 * env as main left it and the saved state as STATE_<name>. Each run is a job of one step.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { postStepRuns, readFileCommands } from '../__tests__/support/runner-model.js';
import { run } from './docker.js';

export interface JsAction {
  name: string;
  dir: string;
  inputs: Record<string, { default?: unknown }>;
  runs: { using: string; main: string; post?: string; 'post-if'?: string };
}

export function loadJsAction(name: string, dir: string): JsAction {
  const yml = YAML.parse(fs.readFileSync(path.join(dir, 'action.yml'), 'utf8')) as Omit<JsAction, 'name' | 'dir'>;
  if (!/^node\d+$/.test(yml.runs.using)) throw new Error(`${dir}/action.yml: not a JavaScript action (runs.using: ${yml.runs.using})`);
  return { name, dir, inputs: yml.inputs ?? {}, runs: yml.runs };
}

/** A default the runner would evaluate (`${{ github.token }}`) gets a stand-in value; no run here uses it. */
const TOKEN = `ghs_${'0'.repeat(36)}`;

/** What the runner sets for every step (build-push-action reads the repository and run for its Git context and provenance). */
const RUNNER_ENV = {
  CI: 'true',
  GITHUB_ACTIONS: 'true',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_API_URL: 'https://api.github.com',
  GITHUB_REPOSITORY: 'acme/app',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_ACTOR: 'octocat',
  GITHUB_RUN_ID: '1',
  GITHUB_RUN_NUMBER: '1',
  GITHUB_RUN_ATTEMPT: '1'
};

function inputEnv(action: JsAction, given: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, def] of Object.entries(action.inputs)) {
    if (def?.default === undefined) continue;
    const v = typeof def.default === 'string' ? def.default : JSON.stringify(def.default);
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = v.includes('${{') ? (v.includes('github.token') ? TOKEN : '') : v;
  }
  for (const [name, value] of Object.entries(given)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  return env;
}

/** Main, then post; rejects when either exits non-zero. `work`: a directory for this run's files (emptied first). */
export async function runAsRunner(action: JsAction, given: Record<string, string>, o: { cwd: string; work: string; env?: NodeJS.ProcessEnv }): Promise<void> {
  fs.rmSync(o.work, { recursive: true, force: true });
  fs.mkdirSync(path.join(o.work, 'temp'), { recursive: true });
  const files = { GITHUB_OUTPUT: 'output', GITHUB_STATE: 'state', GITHUB_STEP_SUMMARY: 'summary', GITHUB_ENV: 'env' };
  for (const [k, f] of Object.entries(files)) fs.writeFileSync((files[k as keyof typeof files] = path.join(o.work, f)), '');
  const env: NodeJS.ProcessEnv = {
    ...(o.env ?? process.env),
    ...RUNNER_ENV,
    ...files,
    RUNNER_TEMP: path.join(o.work, 'temp'),
    GITHUB_WORKSPACE: o.cwd,
    GITHUB_ACTION: `__${action.name}`,
    ...inputEnv(action, given)
  };
  await run(process.execPath, [path.join(action.dir, action.runs.main)], { cwd: o.cwd, env });
  const job = { ...env, ...readFileCommands(files.GITHUB_ENV) };
  if (!action.runs.post || !postStepRuns(action.runs['post-if'], { status: 'success', env: job, action: job.GITHUB_ACTION! })) return;
  const state = Object.fromEntries(Object.entries(readFileCommands(files.GITHUB_STATE)).map(([k, v]) => [`STATE_${k}`, v]));
  await run(process.execPath, [path.join(action.dir, action.runs.post)], { cwd: o.cwd, env: { ...job, ...state } });
}
