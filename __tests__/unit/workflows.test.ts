/**
 * The reusable workflows and the starter template as an organisation uses them, loaded
 * with a strict YAML parser: secret names GitHub can match, the permission model of
 * docs/reusable-workflow.md (explicit where a job holds no registry credential, the
 * caller's grant where it pushes, never an OIDC token in a build), timeouts on every job,
 * third-party actions pinned by SHA with their version, the action checked out at the
 * workflow's own commit through documented contexts only, and nothing passed to the
 * action that action.yml does not declare. Expressions reach scripts through env only, and
 * prepare's publishing policy (push only what the leak guard scanned) runs as it is.
 */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runStep } from '../support/run-step.js';
import { loadAction, loadYaml, ROOT } from '../support/yaml.js';

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | boolean>;
  env?: Record<string, string>;
}
interface Job {
  permissions?: Record<string, string>;
  steps?: Step[];
  uses?: string;
  secrets?: unknown;
  with?: Record<string, unknown>;
  'timeout-minutes'?: number | string;
  'runs-on'?: string;
  outputs?: Record<string, string>;
  needs?: string | string[];
  if?: string;
}
interface Workflow {
  on: {
    workflow_call?: {
      secrets?: Record<string, unknown>;
      inputs?: Record<string, { default?: unknown; required?: boolean; type?: string }>;
      outputs?: Record<string, { value: string }>;
    };
    push?: { branches?: string[]; tags?: string[] };
  };
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': unknown };
  jobs: Record<string, Job>;
}

const REUSABLE_FILES = ['.github/workflows/secure-build.yml', '.github/workflows/secure-build-attest.yml'];
const FILES = ['.github/workflows/ci.yml', '.github/workflows/release.yml', ...REUSABLE_FILES, 'workflow-templates/secure-build.yml'];
const REUSABLE = loadYaml('.github/workflows/secure-build.yml') as Workflow;
const ATTEST = loadYaml('.github/workflows/secure-build-attest.yml') as Workflow;
const TEMPLATE = loadYaml('workflow-templates/secure-build.yml') as Workflow;
/** The jobs that take the calling job's grant (no permissions key): those that log in to a registry or sign. */
const INHERITING: Record<string, string[]> = {
  '.github/workflows/secure-build.yml': ['build', 'merge'],
  '.github/workflows/secure-build-attest.yml': ['attest']
};
const OIDC_GUARD = /\$\{ACTIONS_ID_TOKEN_REQUEST_URL:-\}/;
const text = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');

describe.each(FILES)('%s', (file) => {
  test('every third-party action and reusable workflow is pinned to a full commit SHA, with its version in a comment', () => {
    const uses = text(file)
      .split('\n')
      .filter((l) => /^\s*(- )?uses:/.test(l) && !/uses: \.\//.test(l));
    expect(uses.length).toBeGreaterThan(0);
    for (const l of uses) expect(l).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # (v\d+(\.\d+)*|pin a commit)$/);
  });

  test('no undocumented context (github.job_workflow_sha is reported empty, actions/runner#2417)', () => {
    expect(text(file)).not.toMatch(/github\.job_workflow_sha|github\.job_workflow_ref/);
  });

  test("least permissions: an explicit set on every job, but the jobs of a reusable workflow that push or sign, which take the caller's grant", () => {
    const wf = loadYaml(file) as Workflow;
    const inheriting = INHERITING[file] ?? [];
    // A top-level set would be what those jobs get instead of the caller's grant.
    if (inheriting.length) expect(wf.permissions).toBeUndefined();
    else expect(wf.permissions).toBeDefined();
    for (const [name, job] of Object.entries(wf.jobs)) {
      if (inheriting.includes(name)) expect({ name, permissions: job.permissions }).toEqual({ name, permissions: undefined });
      else expect({ name, permissions: job.permissions ?? wf.permissions }).toEqual({ name, permissions: expect.any(Object) });
    }
  });

  test('no expression inside a run: script: values reach a script through env, where the shell cannot read them as code', () => {
    const wf = loadYaml(file) as Workflow;
    const runs = Object.entries(wf.jobs).flatMap(([job, j]) =>
      (j.steps ?? []).filter((s) => s.run !== undefined).map((s) => ({ job, step: s.id ?? s.name, run: s.run! }))
    );
    for (const r of runs) expect({ ...r, expression: r.run.includes('${{') }).toEqual({ ...r, expression: false });
  });

  test('every actions/checkout leaves no credentials behind (persist-credentials: false)', () => {
    const wf = loadYaml(file) as Workflow;
    for (const [job, j] of Object.entries(wf.jobs))
      for (const s of (j.steps ?? []).filter((x) => x.uses?.startsWith('actions/checkout@')))
        expect({ job, persist: s.with?.['persist-credentials'] }).toEqual({ job, persist: false });
  });

  test('every job that runs on a runner has a timeout', () => {
    const wf = loadYaml(file) as Workflow;
    for (const [name, job] of Object.entries(wf.jobs))
      if (!job.uses) expect({ name, timeout: job['timeout-minutes'] }).toEqual({ name, timeout: expect.anything() });
  });
});

describe.each(REUSABLE_FILES)('%s as a reusable workflow', (file) => {
  const wf = loadYaml(file) as Workflow;
  test("a concurrency group of its own (not the caller's, which would deadlock), per ref", () => {
    expect(wf.concurrency?.group).toMatch(/^secure-build[\w-]*-\$\{\{ github\.workflow \}\}-\$\{\{ github\.ref \}\}-/);
  });
  test('the timeouts are inputs with a default, or fixed', () => {
    for (const job of Object.values(wf.jobs)) {
      const t = String(job['timeout-minutes']);
      const input = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(t)?.[1];
      if (input) expect(wf.on.workflow_call?.inputs?.[input]?.default).toEqual(expect.any(Number));
      else expect(Number(t)).toBeGreaterThan(0);
    }
  });
});

describe('the reusable workflow', () => {
  test('declares secrets under names GitHub allows (letters, digits, _), so secrets: inherit can match them', () => {
    const names = Object.keys(REUSABLE.on.workflow_call?.secrets ?? {});
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect(n).toMatch(/^(?!GITHUB_)[A-Za-z_][A-Za-z0-9_]*$/);
  });

  test("prepare reads contents only; build and merge take the caller's grant and refuse an OIDC token first thing", () => {
    expect(REUSABLE.jobs.prepare.permissions).toEqual({ contents: 'read' });
    for (const name of ['build', 'merge']) {
      const first = REUSABLE.jobs[name].steps![0];
      expect(first.run).toMatch(OIDC_GUARD);
      expect(first.run).toMatch(/exit 1/);
    }
    // No job asks for an OIDC token or signs: that is secure-build-attest.yml, called from a job of its own.
    for (const job of Object.values(REUSABLE.jobs)) {
      expect(job.permissions?.['id-token']).toBeUndefined();
      expect((job.steps ?? []).filter((s) => /attest/.test(s.uses ?? ''))).toEqual([]);
    }
  });

  test('a leg a platform on its runner, from the runners input, whose default is amd64 and arm64 on native runners', () => {
    const runners = JSON.parse(String(REUSABLE.on.workflow_call!.inputs!.runners.default)) as unknown;
    expect(runners).toEqual([
      { platform: 'linux/amd64', runner: 'ubuntu-24.04' },
      { platform: 'linux/arm64', runner: 'ubuntu-24.04-arm' }
    ]);
    const build = REUSABLE.jobs.build as Job & { strategy?: { matrix?: string } };
    expect(build['runs-on']).toBe('${{ matrix.runner }}');
    expect(build.strategy?.matrix).toBe('${{ fromJSON(needs.prepare.outputs.matrix) }}');
    expect(build.steps!.find((s) => s.id === 'build')!.with).toMatchObject({ platforms: '${{ matrix.platform }}' });
  });

  test('each leg pushes by digest; the merge names the index from metadata-action, with its labels and annotations in the legs', () => {
    const w = REUSABLE.jobs.build.steps!.find((s) => s.id === 'build')!.with!;
    expect(w.outputs).toMatch(
      /^\$\{\{ inputs\.push && format\('type=image,name=\{0\},push-by-digest=true,name-canonical=true,push=true', needs\.prepare\.outputs\.repository\) \|\| '' \}\}$/
    );
    expect(w.labels).toContain('${{ needs.prepare.outputs.labels }}');
    expect(w.annotations).toContain('${{ needs.prepare.outputs.annotations }}');
    expect(REUSABLE.jobs.prepare.steps!.find((s) => s.id === 'meta')!.uses).toMatch(/^docker\/metadata-action@/);
    expect(REUSABLE.jobs.merge.steps!.find((s) => s.id === 'merge')!.run).toMatch(/docker buildx imagetools create/);
  });

  test("passes the action's annotations, sbom, provenance, ssh-secrets, build-contexts and secret-files through", () => {
    const w = REUSABLE.jobs.build.steps!.find((s) => s.id === 'build')!.with!;
    for (const name of ['sbom', 'provenance', 'ssh-secrets', 'build-contexts', 'secret-files']) {
      expect(REUSABLE.on.workflow_call!.inputs).toHaveProperty(name);
      expect({ name, value: w[name] }).toEqual({ name, value: `\${{ inputs.${name} }}` });
    }
    expect(w.annotations).toContain('${{ inputs.annotations }}');
  });

  test('checks out the action at job.workflow_repository / job.workflow_sha and fails without them', () => {
    const steps = REUSABLE.jobs.build.steps!;
    const pin = steps.find((s) => s.id === 'pin') as Step & { env?: Record<string, string>; run?: string };
    expect(pin.env?.JOB_CONTEXT).toBe('${{ toJSON(job) }}');
    expect(pin.run).toMatch(/\.workflow_sha/);
    expect(pin.run).toMatch(/exit 1/);
    const checkout = steps.find((s) => s.with?.path === '.secret-build-action')!;
    expect(checkout.with).toMatchObject({ repository: '${{ steps.pin.outputs.repository }}', ref: '${{ steps.pin.outputs.sha }}' });
    expect(steps.find((s) => s.id === 'build')!.uses).toBe('./.secret-build-action');
  });

  test('mounts the secrets JSON only when secret-map names some, and the GITHUB_TOKEN into the build only on request', () => {
    const w = REUSABLE.jobs.build.steps!.find((s) => s.id === 'build')!.with!;
    expect(w['secrets-json']).toBe("${{ inputs.secret-map != '' && toJSON(secrets) || '' }}");
    // The action's default github-token is the job's token (packages: write when pushing to ghcr.io).
    expect(loadAction().inputs['github-token'].default).toBe('${{ github.token }}');
    expect(w['github-token']).toBe("${{ inputs.pass-github-token && github.token || '' }}");
    expect(REUSABLE.on.workflow_call!.inputs!['pass-github-token']).toMatchObject({ type: 'boolean', default: false });
  });

  test("each leg's digest artifact is secure-build.<name>.<slug>, downloaded a directory each, where the merge reads it", () => {
    const upload = REUSABLE.jobs.build.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.with).toMatchObject({ name: 'secure-build.${{ inputs.name }}.${{ matrix.slug }}', path: '${{ runner.temp }}/digests/${{ matrix.slug }}' });
    const download = REUSABLE.jobs.merge.steps!.find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
    expect(download.with).toMatchObject({ pattern: 'secure-build.${{ inputs.name }}.*', path: '${{ runner.temp }}/digests', 'merge-multiple': false });
    const merge = REUSABLE.jobs.merge.steps!.find((s) => s.id === 'merge')!;
    expect(merge.env).toMatchObject({ NAME: '${{ inputs.name }}', DIGESTS_DIR: '${{ runner.temp }}/digests' });
    expect(merge.run).toContain('file="$DIGESTS_DIR/secure-build.$NAME.$slug/$slug"');
    // The name cannot hold a dot, so no call's pattern matches another call's artifacts.
    const matrix = runStep(REUSABLE.jobs.prepare.steps!.find((s) => s.id === 'matrix')!.run!, { RUNNERS: '[]', NAME: 'app.linux-amd64' });
    expect(matrix.stdout).toContain('::error::input "name"');
  });

  describe("prepare's publishing policy: push only what the leak guard scanned", () => {
    const policy = REUSABLE.jobs.prepare.steps!.find((s) => s.id === 'policy')!;
    const run = (push: boolean, leakCheck: string, allow = false) =>
      runStep(policy.run!, { PUSH: String(push), LEAK_CHECK: leakCheck, ALLOW_UNSCANNED_PUSH: String(allow) });

    test("runs first, from the inputs the legs get, and is the workflow's scanned output", () => {
      expect(REUSABLE.jobs.prepare.steps![0]).toBe(policy);
      expect(policy.env).toEqual({
        PUSH: '${{ inputs.push }}',
        LEAK_CHECK: '${{ inputs.leak-check }}',
        ALLOW_UNSCANNED_PUSH: '${{ inputs.allow-unscanned-push }}'
      });
      expect(REUSABLE.jobs.build.steps!.find((s) => s.id === 'build')!.with!['leak-check']).toBe('${{ inputs.leak-check }}');
      expect(REUSABLE.on.workflow_call!.inputs!['allow-unscanned-push']).toMatchObject({ type: 'boolean', default: false });
      expect(REUSABLE.jobs.prepare.outputs?.scanned).toBe('${{ steps.policy.outputs.scanned }}');
      expect(REUSABLE.on.workflow_call!.outputs!.scanned.value).toBe('${{ jobs.prepare.outputs.scanned }}');
    });

    test.each(['warn', 'off', 'Error', 'none', ''])('push with leak-check %j fails, naming the way out', (leakCheck) => {
      const r = run(true, leakCheck);
      expect({ code: r.code, outputs: r.outputs }).toEqual({ code: 1, outputs: {} });
      expect(r.stdout).toMatch(/^::error::push with leak-check: .* use leak-check: error, or set allow-unscanned-push: true/m);
    });

    test('push with leak-check error (as the action trims it) passes, scanned', () => {
      for (const leakCheck of ['error', ' error\n']) expect(run(true, leakCheck)).toMatchObject({ code: 0, outputs: { scanned: 'true' } });
    });

    test('allow-unscanned-push lets warn and off push, with a warning and scanned false', () => {
      for (const leakCheck of ['warn', 'off']) {
        const r = run(true, leakCheck, true);
        expect(r).toMatchObject({ code: 0, outputs: { scanned: 'false' } });
        expect(r.stdout).toMatch(/^::warning::allow-unscanned-push/m);
      }
    });

    test('without push nothing is published: any leak-check passes, scanned says what ran', () => {
      expect(run(false, 'warn')).toMatchObject({ code: 0, outputs: { scanned: 'false' } });
      expect(run(false, 'off')).toMatchObject({ code: 0, outputs: { scanned: 'false' } });
      expect(run(false, 'error')).toMatchObject({ code: 0, outputs: { scanned: 'true' } });
    });
  });

  test("outputs the repository the legs pushed to, for the attestation's subject-name", () => {
    expect(REUSABLE.on.workflow_call!.outputs!.repository.value).toBe('${{ jobs.prepare.outputs.repository }}');
    expect(REUSABLE.jobs.prepare.outputs?.repository).toBe('${{ steps.repository.outputs.repository }}');
  });

  test('passes the action only inputs that action.yml declares', () => {
    const declared = Object.keys(loadAction().inputs);
    const passed = Object.keys(REUSABLE.jobs.build.steps!.find((s) => s.id === 'build')!.with ?? {});
    expect(passed.filter((n) => !declared.includes(n))).toEqual([]);
  });
});

describe('the attestation workflow', () => {
  const steps = ATTEST.jobs.attest.steps!;
  test('attests the given digest with actions/attest-build-provenance, after checking that it holds an OIDC token and the subject', () => {
    expect(steps[0].run).toMatch(OIDC_GUARD);
    const attest = steps.find((s) => s.id === 'attest')!;
    expect(attest.uses).toMatch(/^actions\/attest-build-provenance@/);
    expect(attest.with).toMatchObject({ 'subject-name': '${{ steps.subject.outputs.name }}', 'subject-digest': '${{ inputs.subject-digest }}' });
    const ids = steps.map((s) => s.id);
    expect(ids.indexOf('check')).toBeGreaterThan(ids.indexOf('subject'));
    expect(ids.indexOf('attest')).toBeGreaterThan(ids.indexOf('check'));
  });

  test("requires secure-build's digests and checks the subject index's children against them before signing", () => {
    expect(ATTEST.on.workflow_call!.inputs!.digests).toMatchObject({ type: 'string', required: true });
    const check = steps.find((s) => s.id === 'check')!;
    expect(check.env).toEqual({ SUBJECT: '${{ steps.subject.outputs.name }}', DIGEST: '${{ inputs.subject-digest }}', DIGESTS: '${{ inputs.digests }}' });
    expect(check.run).toMatch(/docker buildx imagetools inspect --raw/);
    // The check reads the registry: log in whenever there is one, not only to push the attestation.
    expect(steps.find((s) => s.uses?.startsWith('docker/login-action@'))!).toMatchObject({ if: "inputs.registry != ''" });
  });

  test('says what the signature means: a request by the calling repository at its commit, not a build by secure-build.yml', () => {
    const head = text('.github/workflows/secure-build-attest.yml').split('\nname:')[0];
    expect(head).toMatch(/asked\s+# secure-build-attest\.yml/);
    expect(head).toMatch(/does NOT say\s+# that secure-build\.yml built D/);
    const docs = text('docs/reusable-workflow.md');
    expect(docs).toMatch(/### What the attestation means/);
    expect(docs).toMatch(/--signer-workflow/);
  });

  test('lower-cases subject-name and refuses one that is not a repository', () => {
    const subject = steps.find((s) => s.id === 'subject')!;
    const run = (name: string) => runStep(subject.run!, { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x', DIGEST: `sha256:${'a'.repeat(64)}`, SUBJECT: name });
    expect(run('ghcr.io/Org/App')).toMatchObject({ code: 0, outputs: { name: 'ghcr.io/org/app' } });
    expect(run('127.0.0.1:5000/a/b')).toMatchObject({ code: 0, outputs: { name: '127.0.0.1:5000/a/b' } });
    for (const bad of ['app', 'ghcr.io/org/app:latest', 'ghcr.io/org/app@sha256:00', '']) expect({ bad, code: run(bad).code }).toEqual({ bad, code: 1 });
  });
});

describe('the starter template', () => {
  const [image, attest] = Object.values(TEMPLATE.jobs);
  test('calls the build with the grant a ghcr.io push needs, no OIDC, and secrets: inherit', () => {
    expect(image.uses).toMatch(/\/\.github\/workflows\/secure-build\.yml@[0-9a-f]{40}$/);
    expect(image.permissions).toEqual({ contents: 'read', packages: 'write' });
    expect(image.secrets).toBe('inherit');
  });

  test('attests in a job of its own, the only one granted id-token and attestations, gated on a pushed and scanned digest', () => {
    expect(attest.uses).toMatch(/\/\.github\/workflows\/secure-build-attest\.yml@[0-9a-f]{40}$/);
    expect(attest.permissions).toEqual({ 'id-token': 'write', attestations: 'write', packages: 'write' });
    expect(attest).toMatchObject({ needs: 'image', if: "needs.image.outputs.digest != '' && needs.image.outputs.scanned == 'true'" });
    expect(attest.with).toMatchObject({
      'subject-name': '${{ needs.image.outputs.repository }}',
      'subject-digest': '${{ needs.image.outputs.digest }}',
      digests: '${{ needs.image.outputs.digests }}'
    });
  });

  test('publishes from vX.Y.Z tags only, with explicit tag rules: latest from the default branch alone', () => {
    expect(TEMPLATE.on.push?.tags).toEqual(['v[0-9]+.[0-9]+.[0-9]+']);
    expect(String(image.with?.['meta-tags']).trim().split('\n')).toEqual([
      'type=ref,event=branch',
      'type=semver,pattern={{version}}',
      'type=sha',
      'type=raw,value=latest,enable={{is_default_branch}}'
    ]);
    expect(image.with?.['meta-flavor']).toBe('latest=false');
    expect(text('workflow-templates/secure-build.yml')).toMatch(/^# .*ruleset/m);
  });

  test('gives each workflow only inputs it declares', () => {
    for (const [job, wf] of [
      [image, REUSABLE],
      [attest, ATTEST]
    ] as const)
      expect(Object.keys(job.with ?? {}).filter((n) => !(n in (wf.on.workflow_call?.inputs ?? {})))).toEqual([]);
  });
});
