/** build-push-action's inputs on a real build: call: check, annotations as metadata-action writes them, the rest of the flags. */
import { afterAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { dockerReady, everythingVisible, leaksIn, REGISTRY, registryReady, runAction, trackedWorkspaces } from './harness.js';

const ready = dockerReady() && (await registryReady());
const e2e = ready ? describe : describe.skip;
const TOK = `dropin-tok-${randomBytes(8).toString('hex')}`;
const BASE = 'FROM secret-build-base:latest';
const USES_TOK = 'RUN --mount=type=secret,id=tok,required=true test -s /run/secrets/tok';
const newWorkspace = trackedWorkspaces(afterAll);

async function act(dockerfile: string, inputs: Record<string, string>, env: Record<string, string> = {}) {
  const ws = newWorkspace({ Dockerfile: dockerfile });
  const run = await runAction(ws, { secrets: `tok=${TOK}`, ...inputs }, env);
  expect(leaksIn(everythingVisible(run), [TOK])).toEqual([]);
  return run;
}

e2e('call: check', () => {
  test("BuildKit's check results fail the step, each an error annotation on its line", async () => {
    const run = await act(`${BASE}\nARG NPM_TOKEN\n${USES_TOK}\n`, { call: 'check' });
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).toMatch(
      /::error title=BuildKit build check,file=Dockerfile,line=2::SecretsUsedInArgOrEnv: Do not use ARG or ENV instructions for sensitive data \(ARG "NPM_TOKEN"\)/
    );
    expect(run.main.stdout).toMatch(/::error::BuildKit's build checks found 1 problem, see the annotations/);
    // The check result is the metadata output, as build-push-action sets it before failing.
    expect(Object.keys(JSON.parse(run.outputs.metadata ?? '{}') as object)).toEqual(expect.arrayContaining(['result.json', 'result.statuscode']));
    expect(run.children.filter((c) => c.argv[1] === 'build')).toHaveLength(1);
  });

  test('a clean Dockerfile passes the checks, and nothing is built or published', async () => {
    const run = await act(`${BASE}\n${USES_TOK}\n`, { call: 'check', push: 'true', tags: `${REGISTRY}/sb-e2e/check:1` });
    expect(run.main.code).toBe(0);
    const builds = run.children.filter((c) => c.argv[1] === 'build');
    expect(builds).toHaveLength(1);
    expect(builds[0].argv).toContain('--call');
  });
});

e2e('annotations', () => {
  test("metadata-action's annotations output, one a line with commas, reaches the pushed manifest", async () => {
    const repo = `sb-e2e/annotations-${randomBytes(4).toString('hex')}`;
    const run = await act(`${BASE}\n${USES_TOK}\n`, {
      push: 'true',
      tags: `${REGISTRY}/${repo}:v1`,
      annotations: 'manifest:org.opencontainers.image.title=app\nmanifest:org.opencontainers.image.description=Hello, world'
    });
    expect(run.main.code).toBe(0);
    const r = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/v1`, {
      headers: { Accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' }
    });
    let doc = (await r.json()) as { manifests?: { digest: string; annotations?: Record<string, string> }[]; annotations?: Record<string, string> };
    if (doc.manifests) {
      const image = doc.manifests.find((m) => m.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest')!;
      const m = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${image.digest}`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } });
      doc = (await m.json()) as typeof doc;
    }
    expect(doc.annotations).toMatchObject({ 'org.opencontainers.image.title': 'app', 'org.opencontainers.image.description': 'Hello, world' });
  });
});

e2e('default provenance, as build-push-action decides it', () => {
  // This engine's docker driver reports BuildKit v0.0.0+unknown (GitHub's runners: v0.18.2), without
  // Docker Engine's -moby tag: build-push-action adds no default provenance there, and on the classic
  // image store an attestation would fail the build ("Attestation is not supported for the docker driver").
  test.each(['off', 'error'])('leak-check %s: the builder is inspected and no --provenance is passed', async (leakCheck) => {
    const run = await act(`${BASE}\n${USES_TOK}\n`, { 'leak-check': leakCheck });
    expect(run.main.code).toBe(0);
    expect(run.children.some((c) => c.argv[0] === 'buildx' && c.argv[1] === 'inspect')).toBe(true);
    for (const b of run.children.filter((c) => c.argv[1] === 'build')) expect(b.argv.filter((a) => a.startsWith('--provenance'))).toEqual([]);
  });

  test('an explicit provenance input is passed as it is, without inspecting for it', async () => {
    const run = await act(`${BASE}\n${USES_TOK}\n`, { 'leak-check': 'off', provenance: 'mode=min' });
    expect(run.main.code).toBe(0);
    expect(run.children.some((c) => c.argv[1] === 'inspect')).toBe(false);
    expect(run.children.find((c) => c.argv[1] === 'build')!.argv).toContain('--provenance=mode=min');
  });
});

e2e("build-push-action's environment switches", () => {
  const LINT = `${BASE}\nARG NPM_TOKEN\n${USES_TOK}\n`;
  test('DOCKER_BUILD_CHECKS_ANNOTATIONS=false: no build-check annotations; the warnings are still in the metadata output', async () => {
    const shown = await act(LINT, { push: 'true', tags: `${REGISTRY}/sb-e2e/switches-${randomBytes(4).toString('hex')}:1` });
    expect(shown.main.code).toBe(0);
    expect(shown.main.stdout).toMatch(/::warning title=BuildKit build check,file=Dockerfile,line=2::SecretsUsedInArgOrEnv/);
    expect(Object.keys(JSON.parse(shown.outputs.metadata) as object)).toContain('buildx.build.warnings');
    const hidden = await act(LINT, {}, { DOCKER_BUILD_CHECKS_ANNOTATIONS: 'false' });
    expect(hidden.main.code).toBe(0);
    expect(hidden.main.stdout).not.toContain('title=BuildKit build check');
  });

  test('DOCKER_BUILD_SUMMARY=false: no job summary', async () => {
    const on = await act(`${BASE}\n${USES_TOK}\n`, {});
    expect(on.summary).toContain('secret-build');
    const off = await act(`${BASE}\n${USES_TOK}\n`, {}, { DOCKER_BUILD_SUMMARY: 'false' });
    expect(off.main.code).toBe(0);
    expect(off.summary).toBe('');
  });
});

e2e('the other flags', () => {
  test('add-hosts, shm-size, ulimit and no-cache-filters reach buildx and the RUN step', async () => {
    const run = await act(`${BASE} AS a\n${USES_TOK} && grep -q 'sb-host' /etc/hosts && df /dev/shm | grep -q 65536 && echo flags-ok\n`, {
      'add-hosts': 'sb-host:10.1.2.3',
      'shm-size': '64m',
      ulimit: 'nofile=1024:1024',
      'no-cache-filters': 'a',
      'leak-check': 'off'
    });
    expect(run.main.code).toBe(0);
    expect(run.main.stdout).toContain('flags-ok');
    const build = run.children.find((c) => c.argv[1] === 'build')!.argv.join(' ');
    expect(build).toContain('--add-host sb-host:10.1.2.3 ');
    expect(build).toContain('--shm-size 64m ');
    expect(build).toContain('--ulimit nofile=1024:1024 ');
    expect(build).toContain('--no-cache-filter a ');
  });
});

e2e('the environment buildx gets', () => {
  test('a variable withheld because its value carries a secret is named in the log, its value never', async () => {
    const run = await act(`${BASE}\n${USES_TOK}\n`, { 'leak-check': 'off' }, { SB_CARRIES_IT: `prefix-${TOK}` });
    expect(run.main.code).toBe(0);
    expect(run.main.stdout).toMatch(/withheld from docker's environment because their values carry a secret: SB_CARRIES_IT/);
    for (const c of run.children) expect(c.env.some((e) => e.startsWith('SB_CARRIES_IT='))).toBe(false);
  });
});
