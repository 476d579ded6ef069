/**
 * The post step's gate (src/post-gate.ts) as a property of a whole job: the steps' mains
 * run the real openPostGate / close against a real GITHUB_ENV file, the runner's model
 * (support/runner-model.ts) applies the records and evaluates action.yml's post-if with
 * GitHub's expression library. Whatever the names and fates of the steps, the post step of
 * every step that left something, or was killed once it could have created something, runs.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { leftBehind, opened, openPostGate, POST_GATE_VAR } from '../../src/post-gate.js';
import { LOADED_IMAGE_STATE_KEY } from '../../src/leak-guard/exports-state.js';
import { VAULT_STATE_KEY } from '../../src/secrets/vault-state.js';
import { postStepRuns, readFileCommands, type JobStatus } from '../support/runner-model.js';
import { loadAction } from '../support/yaml.js';

const POST_IF = loadAction().runs['post-if'];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-post-gate-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * How a step's main ends: it removed everything; it could not remove something; it was
 * killed before opening the gate (its first act: nothing of it exists yet) or after.
 */
type Fate = 'clean' | 'left' | 'killed-before' | 'killed-after' | 'unwritable-killed';
interface Step {
  name: string;
  fate: Fate;
  /** unwritable-killed: whether main went on (and created something) after its gate failed to open. */
  proceeded?: boolean;
}
const attempt = (f: () => unknown): boolean => {
  try {
    f();
    return true;
  } catch {
    return false;
  }
};
/** Whether the step's post step must run: it was killed once it could have created something, or it left something. */
const mustRun = (s: Step) => s.fate === 'left' || s.fate === 'killed-after' || (s.fate === 'unwritable-killed' && s.proceeded);

let jobs = 0;
/** Runs the mains in order, as the runner does: each sees the job's env so far; its GITHUB_ENV records are applied when it ends. */
function runJob(steps: Step[], env0: Record<string, string> = {}): { env: Record<string, string | undefined>; writes: number } {
  const file = path.join(dir, `env-${++jobs}`);
  let env: Record<string, string | undefined> = { ...env0 };
  let writes = 0;
  for (const s of steps) {
    fs.writeFileSync(file, '');
    // GITHUB_ENV that cannot be written (a directory: EISDIR, as a full disk would fail it): main goes on only if the gate lets it.
    if (s.fate === 'unwritable-killed') s.proceeded = attempt(() => openPostGate({ ...env, GITHUB_ENV: dir, GITHUB_ACTION: s.name }));
    else if (s.fate !== 'killed-before') {
      const gate = openPostGate({ ...env, GITHUB_ENV: file, GITHUB_ACTION: s.name });
      if (s.fate === 'clean') gate?.close(() => undefined);
      if (s.fate === 'left') gate?.close((k) => (k === LOADED_IMAGE_STATE_KEY ? 'sha256:abc' : undefined));
    }
    const records = readFileCommands(file);
    writes += Object.keys(records).length;
    env = { ...env, ...records };
  }
  return { env, writes };
}

const runs = (env: Record<string, string | undefined>, name: string, status: JobStatus = 'success') => postStepRuns(POST_IF, { status, env, action: name });

// Names as the runner gives them, with the collisions it can make (a composite used twice) and case variants.
const name = fc.constantFrom('__secret-build', '__secret-build_2', 'build', 'Build', 'build_2', '__acme_secret-build', 'b');
const step = fc.record({ name, fate: fc.constantFrom<Fate>('clean', 'left', 'killed-before', 'killed-after', 'unwritable-killed') });

describe('post gate', () => {
  test('property: the post step of every step that was killed once it could have created something, or left something, runs, in every job state', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 6 }), fc.constantFrom<JobStatus>('success', 'failure', 'cancelled'), (steps, status) => {
        const { env } = runJob(steps);
        for (const s of steps) if (mustRun(s)) expect([s, runs(env, s.name, status)]).toEqual([s, true]);
      }),
      { numRuns: 400 }
    );
  });

  test('property: a job of clean steps with distinct names skips every post step (the gate is not always open)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(name, { minLength: 1, maxLength: 5, selector: (n) => n.toLowerCase() }), (names) => {
        const { env, writes } = runJob(names.map((n) => ({ name: n, fate: 'clean' })));
        expect(writes).toBe(names.length);
        for (const n of names) expect([n, runs(env, n)]).toEqual([n, false]);
      })
    );
  });

  test('a step that shares its name with an earlier one never closes its gate, whatever the earlier did', () => {
    const { env } = runJob([
      { name: 'build', fate: 'clean' },
      { name: 'build', fate: 'clean' }
    ]);
    expect(runs(env, 'build')).toBe(true);
    expect(opened('<build> [x]', 'BUILD')).toEqual({ marks: '[x] <build>', shared: true });
  });

  test('no gate without GITHUB_ENV or with a name the marks cannot carry; the job env is then untouched', () => {
    expect(openPostGate({ GITHUB_ACTION: 'build' })).toBeUndefined();
    for (const bad of ['', 'a b', 'a]b', '[x]', 'x'.repeat(101)])
      expect(openPostGate({ GITHUB_ENV: path.join(dir, 'never'), GITHUB_ACTION: bad })).toBeUndefined();
    expect(fs.existsSync(path.join(dir, 'never'))).toBe(false);
    // act, Gitea and Forgejo name steps by index and may not apply a cancelled step's GITHUB_ENV: no gate.
    for (const v of ['ACT', 'GITEA_ACTIONS', 'FORGEJO_ACTIONS'])
      expect(openPostGate({ GITHUB_ENV: path.join(dir, 'never'), GITHUB_ACTION: 'build', [v]: 'true' })).toBeUndefined();
    expect(fs.existsSync(path.join(dir, 'never'))).toBe(false);
  });

  test('a gate that cannot be opened stops main before it creates anything: a later step of its name could not know it started', () => {
    for (const file of [dir, path.join(dir, 'no-such-dir', 'env')])
      expect(() => openPostGate({ GITHUB_ENV: file, GITHUB_ACTION: 'build' })).toThrow(
        /cannot write GITHUB_ENV \(.*\), which says whether the post step must clean up: nothing was built/
      );
  });

  test('a job env that set SECRET_BUILD_STEPS before (a user, an earlier job step) cannot close this step: its own mark is taken out first', () => {
    const { env } = runJob([{ name: 'build', fate: 'killed-after' }], { [POST_GATE_VAR]: '[build] [other]' });
    expect(env[POST_GATE_VAR]).toBe('[other] <build>');
    expect(runs(env, 'build')).toBe(true);
  });

  test("leftBehind: the vault's directory, an export path, a loaded image, or a state it cannot read; nothing when they are gone", () => {
    const there = fs.mkdtempSync(path.join(dir, 'x-'));
    const gone = path.join(dir, 'gone');
    const state = (o: Record<string, string>) => (k: string) => o[k];
    expect(leftBehind(state({}))).toBe(false);
    expect(leftBehind(state({ [VAULT_STATE_KEY]: gone, exports: JSON.stringify([gone]) }))).toBe(false);
    expect(leftBehind(state({ [VAULT_STATE_KEY]: there }))).toBe(true);
    expect(leftBehind(state({ exports: JSON.stringify([gone, there]) }))).toBe(true);
    expect(leftBehind(state({ [LOADED_IMAGE_STATE_KEY]: 'sha256:abc' }))).toBe(true);
    expect(leftBehind(state({ exports: '{not json' }))).toBe(true);
  });
});
