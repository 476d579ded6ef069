/**
 * Releasing: scripts/release-notes.sh cuts one version's notes out of a Keep a Changelog
 * file (a sample here, and the real CHANGELOG.md), and .github/workflows/release.yml runs the
 * checks before it writes anything, with write access in the releasing job only. Dependabot
 * keeps npm packages and the SHA-pinned actions current.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadYaml, ROOT } from '../support/yaml.js';

const notes = (version: string, file?: string) =>
  spawnSync('bash', [path.join(ROOT, 'scripts/release-notes.sh'), version, ...(file ? [file] : [])], { cwd: ROOT, encoding: 'utf8' });

const SAMPLE = `# Changelog

Intro text.

## [Unreleased]

### Added

- not released yet

## [1.10.0] - 2027-02-01

### Fixed

- ten

## [1.1.0] - 2027-01-15


### Added

- a feature
  over two lines

### Fixed

- a bug


## [1.0.0]

- first

[Unreleased]: https://github.com/o/r/compare/v1.1.0...HEAD
[1.1.0]: https://github.com/o/r/compare/v1.0.0...v1.1.0
[1.0.0]: https://github.com/o/r/releases/tag/v1.0.0
`;

describe('scripts/release-notes.sh', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'changelog-'));
  const sample = path.join(dir, 'CHANGELOG.md');
  fs.writeFileSync(sample, SAMPLE);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("prints one version's section, without its heading, the next section or blank edges", () => {
    const r = notes('1.1.0', sample);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('### Added\n\n- a feature\n  over two lines\n\n### Fixed\n\n- a bug\n');
  });

  test('takes the tag (v1.1.0) as well as the version, and a section without a date', () => {
    expect(notes('v1.1.0', sample).stdout).toBe(notes('1.1.0', sample).stdout);
    expect(notes('1.0.0', sample).stdout).toBe('- first\n');
    expect(notes('1.10.0', sample).stdout).toBe('### Fixed\n\n- ten\n');
  });

  test('fails on a version without notes, and on something that is not a version', () => {
    const missing = notes('2.0.0', sample);
    expect(missing.status).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/no notes for 2\.0\.0/);
    expect(notes('1.1', sample).status).toBe(2);
    expect(notes('Unreleased', sample).status).toBe(2);
  });

  test("the real CHANGELOG.md has notes for package.json's version, and an Unreleased section", () => {
    const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const r = notes(version);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^### Added$/m);
    expect(r.stdout).not.toMatch(/^## /m);
    expect(fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8')).toMatch(/^## \[Unreleased\]$/m);
  });
});

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string;
  permissions?: Record<string, string>;
  'timeout-minutes'?: number;
  steps: Step[];
}
interface Workflow {
  on: { push?: { tags?: string[]; branches?: string[] } };
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

describe('.github/workflows/release.yml', () => {
  const wf = loadYaml('.github/workflows/release.yml') as Workflow;
  const runs = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');

  test('runs on vX.Y.Z tags only', () => {
    expect(wf.on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+'] } });
  });

  test('least privilege: nothing at the top, contents: write only in the job that releases, a timeout on every job', () => {
    expect(wf.permissions).toEqual({});
    const writers = Object.entries(wf.jobs).filter(([, j]) => Object.values(j.permissions ?? {}).includes('write'));
    expect(writers.map(([name, j]) => [name, j.permissions])).toEqual([['release', { contents: 'write' }]]);
    for (const job of Object.values(wf.jobs)) {
      expect(job.permissions).toBeDefined();
      expect(job['timeout-minutes']).toBeGreaterThan(0);
      for (const s of job.steps.filter((s) => s.uses?.startsWith('actions/checkout@'))) expect(s.with?.['persist-credentials']).toBe(false);
    }
  });

  test("checks dist/ and the tests as CI does before the release job may run, and the tag's notes exist", () => {
    expect(runs(wf.jobs.check)).toMatch(/bash \.ci\/run/);
    expect(fs.readFileSync(path.join(ROOT, '.ci/run'), 'utf8')).toMatch(/scripts\/check-dist\.sh/);
    expect(runs(wf.jobs.check)).toMatch(/scripts\/release-notes\.sh/);
    expect(wf.jobs.release.needs).toBe('check');
  });

  test("publishes the release with the CHANGELOG's notes and moves the major tag", () => {
    const r = runs(wf.jobs.release);
    expect(r).toMatch(/bash scripts\/release-notes\.sh "\$\{TAG\}" > "\$\{RUNNER_TEMP\}\/notes\.md"/);
    expect(r).toMatch(/gh release create "\$\{TAG\}" .*--notes-file "\$\{RUNNER_TEMP\}\/notes\.md"/);
    expect(r).toMatch(/major="\$\{TAG%%\.\*\}"/);
    expect(r).toMatch(/git\/refs\/tags\/\$\{major\}" -f sha="\$\{sha\}" -F force=true/);
  });
});

describe('.github/dependabot.yml', () => {
  test('weekly, grouped updates of npm packages and GitHub Actions', () => {
    const d = loadYaml('.github/dependabot.yml') as {
      version: number;
      updates: { 'package-ecosystem': string; schedule: { interval: string }; groups?: object }[];
    };
    expect(d.version).toBe(2);
    expect(d.updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
    for (const u of d.updates) {
      expect(u.schedule.interval).toBe('weekly');
      expect(Object.keys(u.groups ?? {}).length).toBeGreaterThan(0);
    }
  });
});

describe('action.yml on the Marketplace', () => {
  const action = loadYaml('action.yml') as { name: string; description: string; author?: string; branding?: { icon?: string; color?: string } };

  test('a descriptive name of its own, not a generic one', () => {
    expect(action.name).toBe('Secret-safe Docker Build');
    expect(action.name.length).toBeLessThanOrEqual(50);
    expect(action.name).not.toMatch(/^(docker build|build|secret-build)$/i);
  });

  test('a description of at most 125 characters, the Marketplace limit', () => {
    expect(action.description.length).toBeGreaterThan(20);
    expect(action.description.length).toBeLessThanOrEqual(125);
  });

  test('branding the Marketplace shows', () => {
    expect(action.branding).toEqual({ icon: expect.any(String), color: expect.any(String) });
  });
});
