/**
 * The reusable workflow and the starter template as an organisation uses them, loaded
 * with a strict YAML parser: secret names GitHub can match, least permissions that let
 * a ghcr push work, third-party actions pinned by SHA with their version, the action
 * checked out at the workflow's own commit through documented contexts only, and
 * nothing passed to the action that action.yml does not declare.
 */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAction, loadYaml, ROOT } from '../support/yaml.js';

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, string>;
}
interface Job {
  permissions?: Record<string, string>;
  steps?: Step[];
  uses?: string;
  secrets?: unknown;
}
interface Workflow {
  on: { workflow_call?: { secrets?: Record<string, unknown>; inputs?: Record<string, unknown> } };
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const FILES = ['.github/workflows/ci.yml', '.github/workflows/release.yml', '.github/workflows/secure-build.yml', 'workflow-templates/secure-build.yml'];
const REUSABLE = loadYaml('.github/workflows/secure-build.yml') as Workflow;
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

  test('least permissions: none at the top of a reusable workflow, an explicit set on every job', () => {
    const wf = loadYaml(file) as Workflow;
    expect(wf.permissions).toBeDefined();
    for (const job of Object.values(wf.jobs)) expect(job.permissions ?? wf.permissions).toBeDefined();
  });
});

describe('the reusable workflow', () => {
  test('declares secrets under names GitHub allows (letters, digits, _), so secrets: inherit can match them', () => {
    const names = Object.keys(REUSABLE.on.workflow_call?.secrets ?? {});
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect(n).toMatch(/^(?!GITHUB_)[A-Za-z_][A-Za-z0-9_]*$/);
  });

  test('its job may push to ghcr.io (packages: write) and reads only contents', () => {
    expect(REUSABLE.permissions).toEqual({});
    expect(REUSABLE.jobs.build.permissions).toEqual({ contents: 'read', packages: 'write' });
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

  test('passes the action only inputs that action.yml declares', () => {
    const declared = Object.keys(loadAction().inputs);
    const passed = Object.keys(REUSABLE.jobs.build.steps!.find((s) => s.id === 'build')!.with ?? {});
    expect(passed.filter((n) => !declared.includes(n))).toEqual([]);
  });
});

describe('the starter template', () => {
  test('calls the reusable workflow with the permissions a push needs and secrets: inherit', () => {
    const wf = loadYaml('workflow-templates/secure-build.yml') as Workflow;
    const job = Object.values(wf.jobs)[0];
    expect(job.uses).toMatch(/\/\.github\/workflows\/secure-build\.yml@[0-9a-f]{40}$/);
    expect(job.permissions).toEqual({ contents: 'read', packages: 'write' });
    expect(job.secrets).toBe('inherit');
  });
});
