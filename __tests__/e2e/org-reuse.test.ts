/** Org reuse against the real engine: secrets-json with an allowlist, and a named builder. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { dockerReady, everythingVisible, leaksIn, leftovers, runAction, type Workspace, trackedWorkspaces } from './harness.js';

const ready = dockerReady();
const e2e = ready ? describe : describe.skip;
const NPM = `npm-${randomBytes(8).toString('hex')}`;
const UNMAPPED = { github_token: `ghs_${randomBytes(12).toString('hex')}`, DEPLOY_KEY: `deploy-${randomBytes(8).toString('hex')}` };
const SECRETS_JSON = JSON.stringify({ NPM_TOKEN: NPM, ...UNMAPPED }, null, 2);
const CONTEXT = 'sb-e2e-context';
const newWorkspace = trackedWorkspaces(afterAll);

const sum = (s: string) => createHash('sha256').update(s).digest('hex');
const DOCKERFILE = `FROM secret-build-base:latest\nRUN --mount=type=secret,id=npm,required=true echo "${sum(NPM)}  /run/secrets/npm" | sha256sum -c - && ls /run/secrets\n`;

const ws = (): Workspace => newWorkspace({ Dockerfile: DOCKERFILE });

e2e('secrets-json with secret-map', () => {
  test('only the mapped secret is mounted; nothing else from the JSON is written, printed, registered or passed on', async () => {
    const w = ws();
    const run = await runAction(w, { 'secrets-json': SECRETS_JSON, 'secret-map': 'npm=NPM_TOKEN', 'no-cache': 'true' });
    expect(run.main.code).toBe(0);
    expect(run.main.stdout).toMatch(/sha256sum.*OK|: OK/);
    expect(leaksIn(everythingVisible(run), [NPM, ...Object.values(UNMAPPED)])).toEqual([]);
    // Not even as ::add-mask:: lines: the runner masks its own secrets context.
    for (const v of Object.values(UNMAPPED)) expect(run.main.stdout).not.toContain(v);
    expect(run.summary).toContain('<code>npm</code>');
    expect(leftovers(w.runtimeDir)).toEqual([]);
  });

  test('a name missing from the JSON is an error naming the entry', async () => {
    const run = await runAction(ws(), { 'secrets-json': SECRETS_JSON, 'secret-map': 'npm=NPM_TOKEN\nx=NOT_THERE' });
    expect(run.main.stdout).toContain('::error::no value for secret "x" (input "secret-map", entry 2, not in secrets-json): is each secret defined');
    expect(run.main.stdout).not.toContain('NOT_THERE');
    expect(leaksIn(everythingVisible(run), Object.values(UNMAPPED))).toEqual([]);
  });

  test('secrets-json without an allowlist is refused', async () => {
    const run = await runAction(ws(), { 'secrets-json': SECRETS_JSON });
    expect(run.main.stdout).toContain('::error::input "secret-map": is required with secrets-json');
    expect(run.children).toEqual([]);
  });
});

e2e('builder pass-through', () => {
  beforeAll(() => {
    if (spawnSync('docker', ['context', 'inspect', CONTEXT]).status !== 0) {
      execFileSync('docker', ['context', 'create', CONTEXT, '--docker', 'host=unix:///var/run/docker.sock']);
    }
  });

  test('builder: default', async () => {
    const run = await runAction(ws(), { secrets: `npm=${NPM}`, builder: 'default', 'no-cache': 'true' });
    expect(run.main.code).toBe(0);
    expect(run.main.stdout).toContain('building with "default" instance');
  });

  test('a second builder instance (the docker driver of another context): the secret file on the runner is streamed to it', async () => {
    const run = await runAction(ws(), { secrets: `npm=${NPM}`, builder: CONTEXT, 'no-cache': 'true' }, { DOCKER_CONTEXT: CONTEXT });
    expect(run.main.code).toBe(0);
    expect(run.main.stdout).toContain(`building with "${CONTEXT}" instance using docker driver`);
    const build = run.children.find((c) => c.argv[1] === 'build')!;
    expect(build.argv[build.argv.indexOf('--builder') + 1]).toBe(CONTEXT);
    expect(build.env).toContain(`DOCKER_CONTEXT=${CONTEXT}`);
  });

  test('that builder without its context: a diagnosed error', async () => {
    const run = await runAction(ws(), { secrets: `npm=${NPM}`, builder: CONTEXT });
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).toContain(
      `%0Abuilder "${CONTEXT}" is the docker driver of Docker context "${CONTEXT}": set DOCKER_CONTEXT: ${CONTEXT} in the step's env`
    );
  });

  test('a builder that does not exist: a diagnosed error', async () => {
    const run = await runAction(ws(), { secrets: `npm=${NPM}`, builder: 'no-such-builder' });
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).toMatch(/::error::no builder "[^"]+" found%0Athe builder named in "builder" does not exist/);
  });
});
