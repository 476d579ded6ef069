/**
 * Releasing: scripts/release-notes.sh cuts one version's notes out of a Keep a Changelog
 * file (a sample here, and the real CHANGELOG.md), and .github/workflows/release.yml runs the
 * checks before it writes anything, with write access in the releasing job only; its tag
 * scripts run here with a fake `gh` that answers the GitHub API from a model of the
 * repository's commits and tags. Dependabot keeps npm packages and the SHA-pinned actions
 * current.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runStep, type StepRun } from '../support/run-step.js';
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
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  outputs?: Record<string, string>;
  'timeout-minutes'?: number;
  steps: Step[];
}
interface Workflow {
  on: { push?: { tags?: string[]; branches?: string[] } };
  permissions: Record<string, string>;
  concurrency?: unknown;
  jobs: Record<string, Job>;
}

/**
 * A fake `gh api`: answers GET from a fixtures JSON ({"GET <endpoint>": body}) through --jq
 * as gh does (raw strings), "HTTP 404" for anything else, and logs every call; writes
 * (PATCH, POST) answer {} and are checked from the log.
 */
const FAKE_GH = `#!/usr/bin/env bash
set -euo pipefail
printf '%s\\n' "$*" >> "$FAKE_GH_LOG"
[[ "$1" == api ]] || { echo "fake gh: only api" >&2; exit 2; }
shift
method=GET endpoint= jq=
while (($#)); do
  case "$1" in
    --method | -X) method=$2; shift 2 ;;
    --paginate) shift ;;
    --jq | -q) jq=$2; shift 2 ;;
    -f | -F) shift 2 ;;
    *) endpoint=$1; shift ;;
  esac
done
if [[ "$method" != GET ]]; then body='{}'
elif ! body=$(jq -e --arg k "GET $endpoint" '.[$k]' "$FAKE_GH_FIXTURES" 2> /dev/null); then
  echo "gh: Not Found (HTTP 404)" >&2
  exit 1
fi
if [[ -n "$jq" ]]; then jq -r "$jq" <<< "$body"; else printf '%s\\n' "$body"; fi
`;

const R = 'o/r';
/** A repository: commits with their parents, the default branch's head, tags (lightweight to a commit, or annotated). */
interface Repo {
  parents: Record<string, string[]>;
  main: string;
  tags: Record<string, string | { annotated: string }>;
}
const sha = (name: string) => name.padEnd(40, '0').replace(/[^0-9a-f]/g, 'f');

function fixtures(repo: Repo): Record<string, unknown> {
  const ancestors = (c: string): Set<string> => {
    const seen = new Set<string>();
    const walk = (x: string) => {
      if (seen.has(x)) return;
      seen.add(x);
      for (const p of repo.parents[x] ?? []) walk(p);
    };
    walk(c);
    return seen;
  };
  const status = (base: string, head: string) =>
    base === head ? 'identical' : ancestors(head).has(base) ? 'ahead' : ancestors(base).has(head) ? 'behind' : 'diverged';
  const f: Record<string, unknown> = { [`GET repos/${R}`]: { default_branch: 'main' } };
  const commits = Object.keys(repo.parents);
  for (const a of commits) {
    for (const b of commits) f[`GET repos/${R}/compare/${sha(a)}...${sha(b)}`] = { status: status(a, b) };
    f[`GET repos/${R}/compare/${sha(a)}...main`] = { status: status(a, repo.main) };
  }
  const refs: { ref: string; object: { type: string; sha: string } }[] = [];
  for (const [tag, target] of Object.entries(repo.tags)) {
    const object = typeof target === 'string' ? { type: 'commit', sha: sha(target) } : { type: 'tag', sha: sha(`a${tag.replace(/\D/g, '')}`) };
    if (typeof target !== 'string') f[`GET repos/${R}/git/tags/${object.sha}`] = { object: { type: 'commit', sha: sha(target.annotated) } };
    refs.push({ ref: `refs/tags/${tag}`, object });
    f[`GET repos/${R}/git/ref/tags/${tag}`] = { ref: `refs/tags/${tag}`, object };
  }
  for (const major of new Set(Object.keys(repo.tags).map((t) => t.split('.')[0])))
    f[`GET repos/${R}/git/matching-refs/tags/${major}.`] = refs.filter((r) => r.ref.startsWith(`refs/tags/${major}.`));
  return f;
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
    expect(r).toMatch(/git\/refs\/tags\/\$\{major\}" -f sha="\$\{SHA\}" -F force=false/);
  });
});

describe("release.yml's tag scripts, run with a fake gh", () => {
  const wf = loadYaml('.github/workflows/release.yml') as Workflow;
  const steps = wf.jobs.release.steps;
  const script = (id: string) => steps.find((s) => s.id === id)!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-gh-'));
  fs.writeFileSync(path.join(dir, 'gh'), FAKE_GH, { mode: 0o755 });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  let n = 0;

  /** The verify step, then (when it passes) the major tag's, as the job runs them for TAG at commit `at`; each step's result and the gh calls. */
  function release(repo: Repo, tag: string, at: string): { verify: StepRun; major?: StepRun; calls: string[] } {
    const fx = path.join(dir, `fixtures-${++n}.json`);
    const log = path.join(dir, `log-${n}`);
    fs.writeFileSync(fx, JSON.stringify(fixtures(repo)));
    fs.writeFileSync(log, '');
    const env = { GH_TOKEN: 'x', TAG: tag, SHA: sha(at), GITHUB_REPOSITORY: R, FAKE_GH_FIXTURES: fx, FAKE_GH_LOG: log };
    const opts = { PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}` };
    for (const id of ['verify', 'major']) expect(Object.keys(script(id).env ?? {}).sort()).toEqual(['GH_TOKEN', 'SHA', 'TAG']);
    const verify = runStep(script('verify').run!, env, opts);
    const major = verify.code === 0 ? runStep(script('major').run!, env, opts) : undefined;
    return { verify, major, calls: fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) };
  }
  const writes = (calls: string[]) => calls.filter((c) => /--method (PATCH|POST)/.test(c));

  // main: c1 (v1.0.4) - c2 (v1.2.0) - c3 (v1.3.0) - m (merge of the backport b1, a child of c1, v1.0.5)
  const history: Repo['parents'] = { c1: [], c2: ['c1'], c3: ['c2'], b1: ['c1'], m: ['c3', 'b1'], x1: ['c2'] };

  test('a normal release: the highest v1 and a fast-forward, v1 moves to it (force=false)', () => {
    const r = release({ parents: history, main: 'm', tags: { 'v1.0.4': 'c1', 'v1.2.0': 'c2', 'v1.3.0': 'c3', v1: 'c2' } }, 'v1.3.0', 'c3');
    expect({ verify: r.verify.code, major: r.major?.code }).toEqual({ verify: 0, major: 0 });
    expect(writes(r.calls)).toEqual([`api --method PATCH repos/${R}/git/refs/tags/v1 -f sha=${sha('c3')} -F force=false`]);
    expect(r.major!.stdout).toContain(`v1 -> ${sha('c3')} (v1.3.0)`);
  });

  test('a backport (v1.0.5 after v1.3.0): released, v1 stays with a notice', () => {
    const r = release({ parents: history, main: 'm', tags: { 'v1.0.4': 'c1', 'v1.2.0': 'c2', 'v1.3.0': 'c3', 'v1.0.5': 'b1', v1: 'c3' } }, 'v1.0.5', 'b1');
    expect({ verify: r.verify.code, major: r.major?.code }).toEqual({ verify: 0, major: 0 });
    expect(r.major!.stdout).toContain('::notice::v1 stays: v1.0.5 is not the highest v1 release (v1.3.0)');
    expect(writes(r.calls)).toEqual([]);
  });

  test('version order, not text order: v1.10.0 is above v1.9.0', () => {
    const parents = { ...history, c4: ['c3'], c5: ['c4'] };
    const r = release({ parents, main: 'c5', tags: { 'v1.9.0': 'c4', 'v1.10.0': 'c5', v1: 'c4' } }, 'v1.10.0', 'c5');
    expect(writes(r.calls)).toEqual([`api --method PATCH repos/${R}/git/refs/tags/v1 -f sha=${sha('c5')} -F force=false`]);
    const back = release({ parents, main: 'c5', tags: { 'v1.9.0': 'c4', 'v1.10.0': 'c5', v1: 'c5' } }, 'v1.9.0', 'c4');
    expect(back.major!.stdout).toContain('::notice::v1 stays: v1.9.0 is not the highest v1 release (v1.10.0)');
    expect(writes(back.calls)).toEqual([]);
  });

  test('the highest, but not a fast-forward of where v1 is: v1 stays with a notice', () => {
    // v1 was put on x1 by hand; v1.4.0 is on c3, which does not descend from x1.
    const r = release({ parents: { ...history, x1: ['c3'] }, main: 'x1', tags: { 'v1.3.0': 'c2', 'v1.4.0': 'c3', v1: 'x1' } }, 'v1.4.0', 'c3');
    expect({ verify: r.verify.code, major: r.major?.code }).toEqual({ verify: 0, major: 0 });
    expect(r.major!.stdout).toContain(`::notice::v1 stays at ${sha('x1')}: v1.4.0 (${sha('c3')}) is not a fast-forward of it (behind)`);
    expect(writes(r.calls)).toEqual([]);
  });

  test('the first release of a major creates vX; an annotated tag is peeled to its commit', () => {
    const r = release({ parents: history, main: 'm', tags: { 'v1.3.0': 'c3', 'v2.0.0': { annotated: 'm' } } }, 'v2.0.0', 'm');
    expect({ verify: r.verify.code, major: r.major?.code }).toEqual({ verify: 0, major: 0 });
    expect(writes(r.calls)).toEqual([`api --method POST repos/${R}/git/refs -f ref=refs/tags/v2 -f sha=${sha('m')}`]);
  });

  test('a commit not on the default branch: the verify step fails, nothing is written', () => {
    const r = release({ parents: history, main: 'c3', tags: { 'v1.3.0': 'c3', 'v1.4.0': 'x1', v1: 'c3' } }, 'v1.4.0', 'x1');
    expect(r.verify.code).toBe(1);
    expect(r.verify.stdout).toContain(`::error::v1.4.0 (${sha('x1')}) is not on main (main is diverged of it): not releasing`);
    expect(r.major).toBeUndefined();
    expect(writes(r.calls)).toEqual([]);
  });

  test('a tag moved since the checks ran: the verify step fails, nothing is written', () => {
    const r = release({ parents: history, main: 'm', tags: { 'v1.3.0': 'm', v1: 'c2' } }, 'v1.3.0', 'c3');
    expect(r.verify.code).toBe(1);
    expect(r.verify.stdout).toContain(`::error::v1.3.0 is now commit ${sha('m')}, not commit ${sha('c3')} that the checks passed: not releasing`);
    expect(writes(r.calls)).toEqual([]);
  });

  test('the release is created only after the verify step, from the commit the checks passed, one release job at a time', () => {
    const ids = steps.map((s) => s.id ?? s.name ?? s.uses);
    const create = steps.findIndex((s) => /gh release create/.test(s.run ?? ''));
    expect(ids.indexOf('verify')).toBeGreaterThan(-1);
    expect(ids.indexOf('verify')).toBeLessThan(create);
    expect(ids.indexOf('major')).toBeGreaterThan(create);
    expect(wf.jobs.check.outputs).toEqual({ sha: '${{ steps.sha.outputs.sha }}' });
    expect(steps[0]).toMatchObject({ uses: expect.stringMatching(/^actions\/checkout@/), with: { ref: '${{ needs.check.outputs.sha }}' } });
    expect(script('verify').env?.SHA).toBe('${{ needs.check.outputs.sha }}');
    expect(wf.jobs.release.concurrency).toEqual({ group: 'release', 'cancel-in-progress': false });
    expect(wf.concurrency).toBeUndefined();
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
