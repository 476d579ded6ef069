/**
 * What a user sees on the ten most common failures, each triggered for real on the
 * engine: one error annotation carrying buildx's own cause, on the Dockerfile line when
 * BuildKit names one, then the action's hint. Nothing secret printed, nothing left.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  dockerReady,
  errorAnnotations,
  everythingVisible,
  leaksIn,
  leftovers,
  registryReady,
  runAction,
  type ActionRun,
  type RunAs,
  trackedWorkspaces
} from './harness.js';

const ready = dockerReady() && (await registryReady());
const e2e = ready ? describe : describe.skip;
const TOK = `failure-tok-${randomBytes(8).toString('hex')}`;
const BASE = 'FROM secret-build-base:latest';
const USES_TOK = 'RUN --mount=type=secret,id=tok,required=true test -s /run/secrets/tok';
/** The registry that wants a login (scripts/setup-docker.sh starts it). */
const AUTH_REGISTRY = '127.0.0.1:5001';
const newWorkspace = trackedWorkspaces(afterAll);

async function fail(files: Record<string, string>, inputs: Record<string, string>, env: Record<string, string> = {}, as?: RunAs): Promise<ActionRun> {
  const ws = newWorkspace(files);
  const run = await runAction(ws, { secrets: `tok=${TOK}`, 'no-cache': 'true', ...inputs }, env, as);
  expect(run.main.code).toBe(1);
  expect(leaksIn(everythingVisible(run), [TOK])).toEqual([]);
  expect(leftovers(ws.runtimeDir)).toEqual([]);
  return run;
}

/** Exactly one annotation fails the step (preflight findings aside), and it says this. */
function theFailure(run: ActionRun): string {
  const failures = errorAnnotations(run).filter((e) => !e.includes('title=secret-build leak guard'));
  expect(failures).toHaveLength(1);
  return failures[0];
}

e2e('the ten most common failures', () => {
  test('1. a failing RUN: the process error on its Dockerfile line', async () => {
    const run = await fail({ Dockerfile: `${BASE}\n${USES_TOK}\nRUN echo about-to-fail && false\n` }, {});
    expect(theFailure(run)).toMatch(
      /^::error title=docker buildx build failed,file=Dockerfile,line=3::process "\/bin\/sh -c echo about-to-fail && false" did not complete successfully: exit code: 1\na RUN step failed/
    );
    expect(run.summary).toMatch(/<pre>process &#34;\/bin\/sh -c echo about-to-fail &#38;&#38; false&#34; did not complete successfully/);
  });

  test('2. a missing COPY source: not found, on the COPY line', async () => {
    const run = await fail({ Dockerfile: `${BASE}\n${USES_TOK}\nCOPY app/x /x\n` }, {});
    expect(theFailure(run)).toMatch(
      /^::error title=docker buildx build failed,file=Dockerfile,line=3::.*"\/app\/x": not found\na COPY or ADD source is not in the build context/
    );
  });

  test('3. a missing Dockerfile: the path, and which inputs to check', async () => {
    const run = await fail({ 'ctx/readme': 'x' }, { context: 'ctx' });
    expect(theFailure(run)).toMatch(
      /^::error::failed to read dockerfile: open Dockerfile: no such file or directory\nno Dockerfile there: check the file and context inputs/
    );
  });

  test('4. a Dockerfile syntax error: the parse error on its line', async () => {
    const run = await fail({ Dockerfile: `${BASE}\n${USES_TOK}\nTHIS is bad\n` }, {});
    expect(theFailure(run)).toMatch(
      /^::error title=docker buildx build failed,file=Dockerfile,line=3::dockerfile parse error on line 3: unknown instruction: THIS\n/
    );
  });

  test('5. a push without login: refused before anything is built, naming the registry, with the login hint', async () => {
    const run = await fail(
      { Dockerfile: `${BASE}\n${USES_TOK}\n` },
      { push: 'true', tags: `${AUTH_REGISTRY}/sb-e2e/nologin:${randomBytes(3).toString('hex')}` },
      // An empty docker config: no login stored anywhere the push would look.
      { DOCKER_CONFIG: fs.mkdtempSync('/tmp/sb-e2e-docker-config-') }
    );
    expect(theFailure(run)).toMatch(
      /^::error::the registry 127\.0\.0\.1:5001 wants a login and none is stored for it: log in before this step \(docker\/login-action\).*nothing was built$/
    );
    expect(run.children.filter((c) => c.argv[0] === 'buildx' && c.argv[1] === 'build')).toEqual([]);
  });

  test('6. an unknown builder', async () => {
    const run = await fail({ Dockerfile: `${BASE}\n${USES_TOK}\n` }, { builder: 'no-such-builder' });
    expect(theFailure(run)).toMatch(/^::error::no builder "no-such-builder" found\nthe builder named in "builder" does not exist/);
  });

  test('7. a required secret that was not given: the preflight names it, its line, and the ids given', async () => {
    const run = await fail({ Dockerfile: `${BASE}\nRUN --mount=type=secret,id=npm,required=true true\n${USES_TOK}\n` }, {});
    expect(errorAnnotations(run)[0]).toMatch(
      /^::error title=secret-build leak guard \(secret-not-given\),file=Dockerfile,line=2::leak guard: the Dockerfile mounts secret "npm" but the action was not given it \(given: tok\)/
    );
    expect(run.children.filter((c) => c.argv[1] === 'build')).toEqual([]);
  });

  test('8. a wrong secret id: the missing id is an error, the unused one a warning', async () => {
    const run = await fail({ Dockerfile: `${BASE}\nRUN --mount=type=secret,id=npm_token,required=true true\n` }, { secrets: `npmtoken=${TOK}` });
    expect(errorAnnotations(run)[0]).toMatch(
      /file=Dockerfile,line=2::leak guard: the Dockerfile mounts secret "npm_token" but the action was not given it \(given: npmtoken\)/
    );
    expect(run.main.stdout).toMatch(
      /::warning title=secret-build leak guard \(secret-unused\),file=Dockerfile::leak guard: secret "npmtoken" is given but no RUN --mount=type=secret uses it/
    );
  });

  (process.getuid?.() === 0 ? test : test.skip)('9. no buildx plugin (the plugin directory hidden in a mount namespace)', async () => {
    const empty = fs.mkdtempSync('/tmp/sb-no-plugins-');
    const plugins = '/usr/libexec/docker/cli-plugins';
    try {
      // The system's plugin directory and the workspace's (its shim of the plugin) both hidden.
      const wrap = ['unshare', '-m', 'sh', '-c', `mount --bind ${empty} ${plugins} && mount --bind ${empty} "$DOCKER_CONFIG/cli-plugins" && exec "$@"`, 'sh'];
      const run = await fail({ Dockerfile: `${BASE}\n${USES_TOK}\n` }, {}, {}, { wrap });
      expect(theFailure(run)).toMatch(
        /^::error::.*(unknown command: docker buildx|unknown flag: --secret|unknown flag: --bootstrap).*\nthe docker buildx plugin is missing/s
      );
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  test('10. no daemon', async () => {
    const run = await fail({ Dockerfile: `${BASE}\n${USES_TOK}\n` }, {}, { DOCKER_HOST: `unix://${path.join('/tmp', 'sb-no-daemon.sock')}` });
    expect(theFailure(run)).toMatch(/^::error::Cannot connect to the Docker daemon at unix:\/\/\/tmp\/sb-no-daemon.sock.*\nthe Docker daemon is not reachable/);
  });
});

e2e('build checks', () => {
  test("BuildKit's build-check warnings become annotations on their lines", async () => {
    const ws = newWorkspace({ Dockerfile: `${BASE}\nARG NPM_TOKEN\n${USES_TOK}\n` });
    const run = await runAction(ws, { secrets: `tok=${TOK}`, 'no-cache': 'true', 'leak-check': 'warn' });
    expect(run.main.code).toBe(0);
    expect(run.main.stdout).toMatch(
      /::warning title=BuildKit build check,file=Dockerfile,line=2::SecretsUsedInArgOrEnv: Do not use ARG or ENV instructions for sensitive data \(ARG "NPM_TOKEN"\).*secrets-used-in-arg-or-env/
    );
  });
});

e2e('what the log looks like', () => {
  test('groups for the preflight, the build, the scan and the publishing; the command line is shown', async () => {
    const ws = newWorkspace({ Dockerfile: `${BASE}\n${USES_TOK}\n` });
    const run = await runAction(ws, { secrets: `tok=${TOK}`, load: 'true' });
    expect(run.main.code).toBe(0);
    const groups = run.main.stdout.split('\n').filter((l) => l.startsWith('::group::'));
    expect(groups).toEqual([
      '::group::Leak guard: Dockerfile preflight',
      '::group::Build with the secrets mounted (exports to this runner only)',
      '::group::Leak guard: scan before publishing',
      '::group::Publish the scanned result'
    ]);
    expect(run.main.stdout.split('\n').filter((l) => l === '::endgroup::')).toHaveLength(4);
    // The buildx plugin itself, as the docker CLI would find it (src/docker/buildx-plugin.ts).
    expect(run.main.stdout).toMatch(/^\[command\]\S+\/cli-plugins\/docker-buildx build .*--secret id=tok,src=\S+\/secret-0 /m);
    expect(run.summary).toMatch(/<td>Result<\/td><td>✅ built<\/td>/);
    expect(run.summary).toMatch(/<td>Secret ids mounted<\/td><td><code>tok<\/code><\/td>/);
    expect(run.summary).toMatch(/<td>Leak guard: published = scanned<\/td><td>loaded the scanned image sha256:[0-9a-f]{12} untagged<\/td>/);
  });
});
