/**
 * Runs that get no secrets, recognised from the event payload the runner writes
 * (GITHUB_EVENT_PATH): a pull request from a fork and a Dependabot run say why and what
 * to do, or skip the build when the workflow asks for it. None of this reaches docker,
 * so it runs without a daemon.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runAction, trackedWorkspaces } from './harness.js';

const newWorkspace = trackedWorkspaces(afterEach);

/** The inputs of a workflow step whose `${{ secrets.* }}` were empty, and the event the runner describes. */
function secretless(event: string, payload: object, env: Record<string, string> = {}) {
  const ws = newWorkspace({ Dockerfile: 'FROM secret-build-base:latest\n' });
  const eventPath = path.join(ws.dir, '.event.json');
  fs.writeFileSync(eventPath, JSON.stringify(payload));
  return { ws, env: { GITHUB_EVENT_NAME: event, GITHUB_EVENT_PATH: eventPath, GITHUB_REPOSITORY: 'acme/app', ...env } };
}

const FORK_PR = {
  pull_request: { number: 7, head: { repo: { full_name: 'someone/app', fork: true } }, base: { repo: { full_name: 'acme/app', fork: false } } }
};
const INPUTS = { secrets: 'npm=\ngh=', 'secret-envs': 'pat=GH_PAT' };

describe('a pull request from a fork', () => {
  test('fails with the reason, the secrets that are missing, and the remedies', async () => {
    const { ws, env } = secretless('pull_request', FORK_PR);
    const run = await runAction(ws, INPUTS, env);
    expect(run.main.code).toBe(1);
    const error = run.main.stdout.split('\n').find((l) => l.startsWith('::error::'))!;
    expect(error).toMatch(
      /no value for secrets "npm" \(input "secrets", entry 1, empty\), "gh" \(input "secrets", entry 2, empty\), "pat" \(input "secret-envs", entry 1, variable unset or empty\)/
    );
    expect(error).toMatch(/this is a pull request from a fork \(someone\/app\), and GitHub gives such runs no secrets/);
    expect(error).toMatch(/on-missing-secrets: skip/);
    expect(error).not.toContain('GH_PAT');
    expect(run.children).toEqual([]);
  });

  test('with on-missing-secrets: skip, the build is skipped with a notice and the skipped output', async () => {
    const { ws, env } = secretless('pull_request', FORK_PR);
    const run = await runAction(ws, { ...INPUTS, 'on-missing-secrets': 'skip' }, env);
    expect(run.main.code).toBe(0);
    expect(run.main.stdout).toMatch(/^::notice::secret-build: build skipped: this is a pull request from a fork/m);
    expect(run.outputs.skipped).toBe('true');
    expect(run.summary).toContain('⏭️ skipped: the run has no secrets');
    expect(run.children).toEqual([]);
  });
});

describe('Dependabot', () => {
  test('says to add Dependabot secrets, or skips when asked to', async () => {
    const { ws, env } = secretless('push', { ref: 'refs/heads/dependabot/npm/x' }, { GITHUB_ACTOR: 'dependabot[bot]' });
    const failed = await runAction(ws, INPUTS, env);
    expect(failed.main.code).toBe(1);
    expect(failed.main.stdout).toMatch(/::error::.*started by Dependabot.*Dependabot secrets/);
    const skipped = await runAction(ws, { ...INPUTS, 'on-missing-secrets': 'skip' }, env);
    expect(skipped.main.code).toBe(0);
    expect(skipped.outputs.skipped).toBe('true');
  });
});

describe('a run that should have secrets', () => {
  test('an empty secret on a push is an error even with on-missing-secrets: skip: a misconfiguration is not skipped', async () => {
    const { ws, env } = secretless('push', { ref: 'refs/heads/main' }, { GITHUB_ACTOR: 'octocat' });
    const run = await runAction(ws, { ...INPUTS, 'on-missing-secrets': 'skip' }, env);
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).toMatch(/::error::no value for secrets .*: is each secret defined for this repository, its environment and this event\?/);
  });
});
