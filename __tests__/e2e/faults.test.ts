/**
 * The fault matrix against a real dockerd + buildx: whatever goes wrong, the vault is
 * gone afterwards and no secret value (or variant) was printed.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { isMemoryBacked } from '../../src/secrets/vault.js';
import {
  dockerReady,
  everythingVisible,
  finishRun,
  killChildren,
  jobStatus,
  leaksIn,
  leftovers,
  postStepRuns,
  postWouldRun,
  runAction,
  runPost,
  SKIPPED,
  startMain,
  readFileCommands,
  type JobAfterMain,
  type StepRun,
  trackedWorkspaces
} from './harness.js';
import { loadAction } from '../support/yaml.js';

const ready = dockerReady();
const e2e = ready ? describe : describe.skip;
const SECRET = `fault-secret-${randomBytes(8).toString('hex')}`;
const SLOW = 'FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok,required=true echo build-started && sleep 60\n';

const ws = trackedWorkspaces(afterEach);
const readJobEnv = (w: { dir: string }) => readFileCommands(path.join(w.dir, '.github_env'));

/** What the job can look like to the post step after main was killed: with or without continue-on-error, cancelled or not. */
function afterKill(main: Pick<StepRun, 'code' | 'signal'>): JobAfterMain[] {
  return [false, true].flatMap((continueOnError) => [false, true].map((cancelled) => ({ main, continueOnError, cancelled })));
}

e2e('failing builds', () => {
  test('a RUN step that fails: error, vault removed, nothing printed', async () => {
    const w = ws({ Dockerfile: 'FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok cat /run/secrets/tok && exit 3\n' });
    const run = await runAction(w, { secrets: `tok=${SECRET}`, 'no-cache': 'true' });
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).toMatch(
      /::error title=docker buildx build failed,file=Dockerfile,line=2::process "\/bin\/sh -c .*" did not complete successfully: exit code: 3%0Aa RUN step failed/
    );
    expect(leftovers(w.runtimeDir)).toEqual([]);
    expect(leaksIn(everythingVisible(run), [SECRET])).toEqual([]);
    expect(run.summary).toContain('❌ failed');
  });

  test('a required secret that was not given: preflight names it and its line before the build', async () => {
    const w = ws({ Dockerfile: 'FROM secret-build-base:latest\nRUN --mount=type=secret,id=npm_token,required=true true\n' });
    const run = await runAction(w, { secrets: `tok=${SECRET}` });
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).toMatch(
      /::error title=secret-build leak guard \(secret-not-given\),file=Dockerfile,line=2::leak guard: the Dockerfile mounts secret "npm_token" but the action was not given it \(given: tok\)/
    );
    expect(run.children).toEqual([]);
    expect(leftovers(w.runtimeDir)).toEqual([]);
  });

  test('the same without preflight: BuildKit "secret not found" is explained with the ids given', async () => {
    const w = ws({ Dockerfile: 'FROM secret-build-base:latest\nRUN --mount=type=secret,id=npm_token,required=true true\n' });
    const run = await runAction(w, { secrets: `tok=${SECRET}`, 'no-cache': 'true', 'leak-check': 'off' });
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).toMatch(/::error[^:]*::secret npm_token: not found%0Aa RUN --mount=type=secret needs secret "npm_token".*ids given: tok/);
    expect(leftovers(w.runtimeDir)).toEqual([]);
  });

  test('docker not on PATH: a clear error, vault removed', async () => {
    const w = ws({ Dockerfile: 'FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok true\n' });
    const run = await runAction(w, { secrets: `tok=${SECRET}` }, { PATH: path.join(w.dir, 'no-such-bin') });
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).toContain('::error::docker was not found on PATH');
    expect(leftovers(w.runtimeDir)).toEqual([]);
  });

  test('daemon unreachable: a clear error, vault removed', async () => {
    const w = ws({ Dockerfile: 'FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok true\n' });
    const run = await runAction(w, { secrets: `tok=${SECRET}` }, { DOCKER_HOST: `unix://${w.dir}/no-daemon.sock` });
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).toMatch(/::error::Cannot connect to the Docker daemon.*%0Athe Docker daemon is not reachable/);
    expect(leftovers(w.runtimeDir)).toEqual([]);
    expect(leaksIn(everythingVisible(run), [SECRET])).toEqual([]);
  });

  test('buildx killed mid-build: the action fails and cleans up', async () => {
    const w = ws({ Dockerfile: SLOW });
    const main = startMain(w, { secrets: `tok=${SECRET}`, 'no-cache': 'true' });
    await main.waitFor('build-started');
    killChildren(w);
    const run = await finishRun(w, await main.done);
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).toMatch(/::error::docker buildx build was killed by SIGKILL/);
    expect(leftovers(w.runtimeDir)).toEqual([]);
  });
});

e2e('cancellation', () => {
  test.each(['SIGTERM', 'SIGINT'] as const)('%s mid-build: vault removed at once, build stopped, exit non-zero', async (signal) => {
    const w = ws({ Dockerfile: SLOW });
    const main = startMain(w, { secrets: `tok=${SECRET}`, 'no-cache': 'true' });
    await main.waitFor('build-started');
    // While the build runs: a private directory on tmpfs holding a 0600 file.
    const [vault] = leftovers(w.runtimeDir);
    const dir = path.join(w.runtimeDir, vault);
    expect(isMemoryBacked(dir)).toBe(true);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(dir).map((f) => fs.statSync(path.join(dir, f)).mode & 0o777)).toContain(0o600);
    const t0 = Date.now();
    main.child.kill(signal);
    const run = await finishRun(w, await main.done);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(run.main.code).toBe(signal === 'SIGTERM' ? 143 : 130);
    expect(run.main.stdout).toContain(`received ${signal}: secret vault removed`);
    expect(leftovers(w.runtimeDir)).toEqual([]);
    expect(leaksIn(everythingVisible(run), [SECRET])).toEqual([]);
    killChildren(w);
  });

  test("SIGKILL of main leaves the vault; action.yml's post-if starts the post step whatever the job's state (continue-on-error, cancelled), and it removes the vault", async () => {
    const w = ws({ Dockerfile: SLOW });
    const main = startMain(w, { secrets: `tok=${SECRET}`, 'no-cache': 'true' });
    await main.waitFor('build-started');
    main.child.kill('SIGKILL');
    const step = await main.done;
    killChildren(w);
    expect(step.signal).toBe('SIGKILL');
    expect(leftovers(w.runtimeDir)).toHaveLength(1);
    // Main had opened its gate (the job's env names the step as started) and never closed it.
    expect(fs.readFileSync(path.join(w.dir, '.github_env'), 'utf8')).toMatch(/^SECRET_BUILD_STEPS<<(\S+)\n<__secret-build>\n\1\n$/);
    for (const job of afterKill(step)) expect([job, postWouldRun(w, job)]).toEqual([job, true]);
    const run = await finishRun(w, step);
    expect(run.post.code).toBe(0);
    expect(run.post.stdout).toContain('removed a secret vault the main step left behind');
    expect(leftovers(w.runtimeDir)).toEqual([]);
  });

  test('after a successful main that left nothing the runner skips the post step; started anyway, it prints nothing and exits 0', async () => {
    const w = ws({ Dockerfile: 'FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok,required=true test -s /run/secrets/tok\n' });
    const run = await runAction(w, { secrets: `tok=${SECRET}`, 'leak-check': 'off' });
    expect(run.main.code).toBe(0);
    expect(run.state['vault-dir']).toBeTruthy();
    expect(run.post).toEqual(SKIPPED);
    expect(leftovers(w.runtimeDir)).toEqual([]);
    expect(await runPost(w)).toEqual({ code: 0, signal: null, stdout: '', stderr: '' });
  });

  test('a second step of the same job killed after a first that ended clean: its post step runs and removes its vault, the first stays skipped', async () => {
    const w = ws({
      Dockerfile: SLOW,
      'quick/Dockerfile': 'FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok,required=true test -s /run/secrets/tok\n'
    });
    const first = await runAction(w, { secrets: `tok=${SECRET}`, 'leak-check': 'off', context: 'quick' });
    expect([first.main.code, first.post]).toEqual([0, SKIPPED]);
    const main = startMain(w, { secrets: `tok=${SECRET}`, 'no-cache': 'true' });
    await main.waitFor('build-started');
    main.child.kill('SIGKILL');
    const run = await finishRun(w, await main.done);
    killChildren(w);
    expect(run.post.stdout).toContain('removed a secret vault the main step left behind');
    expect(leftovers(w.runtimeDir)).toEqual([]);
    // The first step's post step (its name, the job's env as the second left it) is still skipped.
    const env = { ...process.env, SECRET_BUILD_STEPS: readJobEnv(w).SECRET_BUILD_STEPS };
    expect(postStepRuns(loadAction().runs['post-if'], { status: 'success', env, action: '__secret-build' })).toBe(false);
  });

  test("two steps the runner gave one name (a composite action used twice), the first killed: the second, clean, does not skip the first one's post step", async () => {
    const w = ws({
      Dockerfile: SLOW,
      'quick/Dockerfile': 'FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok,required=true test -s /run/secrets/tok\n'
    });
    const main = startMain(w, { secrets: `tok=${SECRET}`, 'no-cache': 'true' }, { GITHUB_ACTION: 'build' });
    await main.waitFor('build-started');
    main.child.kill('SIGKILL');
    const killed = await main.done;
    killChildren(w);
    const state = fs.readFileSync(path.join(w.dir, '.github_state'), 'utf8');
    const second = await runAction(w, { secrets: `tok=${SECRET}`, 'leak-check': 'off', context: 'quick' }, { GITHUB_ACTION: 'build' });
    expect(second.main.code).toBe(0);
    expect(second.post).not.toEqual(SKIPPED);
    // The first step's post step, at the end of the job: it runs, with its own state, and removes its vault.
    expect(postWouldRun(w, { main: killed, continueOnError: true, cancelled: false })).toBe(true);
    fs.writeFileSync(path.join(w.dir, '.github_state'), state);
    expect((await runPost(w, { GITHUB_ACTION: 'build' })).stdout).toContain('removed a secret vault the main step left behind');
    expect(leftovers(w.runtimeDir)).toEqual([]);
  });
});

describe('post-if: no status condition narrower than always() is safe (the runner as runner-model.ts models it)', () => {
  const jobs = afterKill({ code: null, signal: 'SIGKILL' });
  const nothingWritten = { env: {}, action: '__secret-build' };

  test("always(), and action.yml's post-if when main wrote nothing to GITHUB_ENV, start the post step after a killed main in every job state", () => {
    for (const postIf of ['always()', loadAction().runs['post-if']!])
      for (const job of jobs) expect([postIf, job, postStepRuns(postIf, { status: jobStatus(job), ...nothingWritten })]).toEqual([postIf, job, true]);
  });

  // continue-on-error turns the killed step into a success, so job.status stays success: a
  // condition that waits for a failure skips the post step, and the vault stays on a
  // self-hosted runner's tmpfs for the next job; one that waits for success misses the rest.
  test.each(['failure()', '!success()', 'failure() || cancelled()', '${{ failure() || cancelled() }}', 'success()', '!cancelled()'])(
    'post-if: %s would skip the post step after a killed main in some job state',
    (postIf) => {
      expect(jobs.filter((job) => !postStepRuns(postIf, { status: jobStatus(job), ...nothingWritten })).length).toBeGreaterThan(0);
    }
  );
});

e2e('concurrency', () => {
  test('four runs at once in one tmpfs base: separate vaults, all succeed, nothing left', async () => {
    const base = ws({});
    const runs = Array.from({ length: 4 }, (_, k) => {
      const value = `${SECRET}-run-${k}`;
      const sum = createHash('sha256').update(value).digest('hex');
      const w = ws({
        Dockerfile: `FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok,required=true echo "${sum}  /run/secrets/tok" | sha256sum -c -\n`
      });
      return runAction(w, { secrets: `tok=${value}`, 'no-cache': 'true', 'tmpfs-dir': base.runtimeDir }).then((run) => ({ run, value }));
    });
    const done = await Promise.all(runs);
    for (const { run, value } of done) {
      expect(run.main.code).toBe(0);
      expect(leaksIn(everythingVisible(run), [value])).toEqual([]);
    }
    expect(new Set(done.map((d) => d.run.state['vault-dir'])).size).toBe(4);
    expect(leftovers(base.runtimeDir)).toEqual([]);
  });
});

e2e('vault placement', () => {
  test('no tmpfs and no fallback: fails closed before anything is written', async () => {
    const w = ws({ Dockerfile: 'FROM secret-build-base:latest\n' });
    const diskDir = path.join(w.dir, 'on-disk');
    fs.mkdirSync(diskDir);
    const run = await runAction(w, { secrets: `tok=${SECRET}`, 'tmpfs-dir': diskDir });
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).toMatch(/::error::no writable tmpfs for the secret vault \(tried .*on-disk;/);
    expect(leftovers(diskDir)).toEqual([]);
    expect(run.children).toEqual([]);
  });

  const asRoot = process.getuid?.() === 0 ? test : test.skip;
  const NOBODY = { uid: 65534, gid: 65534 };

  asRoot('a tmpfs-dir the runner user cannot write: fails closed (run as an unprivileged user)', async () => {
    const w = ws({ Dockerfile: 'FROM secret-build-base:latest\n' });
    fs.chmodSync(w.runtimeDir, 0o755);
    const run = await runAction(w, { secrets: `tok=${SECRET}`, 'tmpfs-dir': w.runtimeDir }, {}, NOBODY);
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).toMatch(/::error::no writable tmpfs for the secret vault \(tried \/dev\/shm\/sb-e2e-rt-/);
    expect(leftovers(w.runtimeDir)).toEqual([]);
    expect(leaksIn(everythingVisible(run), [SECRET])).toEqual([]);
  });

  asRoot('a tmpfs base others may write to without the sticky bit is refused: our vault could be swapped for a symlink', async () => {
    const w = ws({ Dockerfile: 'FROM secret-build-base:latest\n' });
    fs.chmodSync(w.runtimeDir, 0o777);
    const run = await runAction(w, { secrets: `tok=${SECRET}`, 'tmpfs-dir': w.runtimeDir });
    expect(run.main.stdout).toMatch(/::error::no writable tmpfs .*sticky bit/);
    expect(leftovers(w.runtimeDir)).toEqual([]);
  });

  asRoot('a vault-looking directory pre-created by another user is neither used nor removed', async () => {
    const w = ws({ Dockerfile: 'FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok,required=true test -s /run/secrets/tok\n' });
    const planted = path.join(w.runtimeDir, 'secret-build-planted');
    fs.mkdirSync(planted, { mode: 0o777 });
    fs.chownSync(planted, NOBODY.uid, NOBODY.gid);
    const run = await runAction(w, { secrets: `tok=${SECRET}`, 'no-cache': 'true' });
    expect(run.main.code).toBe(0);
    expect(run.state['vault-dir']).not.toBe(planted);
    expect(fs.readdirSync(planted)).toEqual([]);
    expect(leftovers(w.runtimeDir)).toEqual(['secret-build-planted']);
    // A post step handed the planted directory (a forged state) leaves it alone.
    fs.writeFileSync(path.join(w.dir, '.github_state'), `vault-dir<<EOF\n${planted}\nEOF\n`);
    const post = await runPost(w);
    expect(post.code).toBe(0);
    expect(post.stdout).toMatch(/::warning::secret-build post: could not remove the secret vault .*not a secret-build vault directory of this user/);
    expect(fs.existsSync(planted)).toBe(true);
  });

  test("a forged post state naming this user's own vault-named directory: without the run's marker it is left alone", async () => {
    const w = ws({ Dockerfile: 'FROM secret-build-base:latest\n' });
    const forged = path.join(w.runtimeDir, 'secret-build-mine');
    fs.mkdirSync(forged, { mode: 0o700 });
    fs.writeFileSync(path.join(forged, 'secret-0'), 'not a secret of this run');
    for (const state of [`vault-dir<<EOF\n${forged}\nEOF\n`, `vault-dir<<EOF\n${forged}\nEOF\nvault-marker<<EOF\n${'0'.repeat(32)}\nEOF\n`]) {
      fs.writeFileSync(path.join(w.dir, '.github_state'), state);
      const post = await runPost(w);
      expect(post.code).toBe(0);
      expect(post.stdout).toMatch(/::warning::secret-build post: could not remove the secret vault .*it is not the vault this run created/);
      expect(fs.readFileSync(path.join(forged, 'secret-0'), 'utf8')).toBe('not a secret of this run');
    }
  });

  asRoot('a full tmpfs: the vault write fails before buildx runs, naming the cause; nothing is left', async () => {
    const w = ws({ Dockerfile: 'FROM secret-build-base:latest\nRUN --mount=type=secret,id=big true\n' });
    fs.writeFileSync(path.join(w.dir, 'big.key'), randomBytes(200 * 1024));
    const small = fs.mkdtempSync('/tmp/sb-small-tmpfs-');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', small]);
    try {
      const run = await runAction(w, { 'secret-files': 'big=big.key', 'tmpfs-dir': small });
      expect(run.main.code).toBe(1);
      expect(run.main.stdout).toMatch(/::error::no space left on the secret vault's tmpfs for a 204800-byte secret \(\d+ bytes written\)/);
      expect(run.children.filter((c) => c.argv[1] === 'build')).toEqual([]);
      expect(fs.readdirSync(small)).toEqual([]);
    } finally {
      execFileSync('umount', [small]);
      fs.rmSync(small, { recursive: true, force: true });
    }
  });

  asRoot('a secret file the runner user cannot read: an error naming the entry', async () => {
    const w = ws({ Dockerfile: 'FROM secret-build-base:latest\n', 'root-only.key': SECRET });
    fs.chmodSync(path.join(w.dir, 'root-only.key'), 0o600);
    const run = await runAction(w, { 'secret-files': 'k=root-only.key' }, {}, NOBODY);
    expect(run.main.stdout).toMatch(/::error::input "secret-files", entry 1: cannot open the file \(EACCES\)/);
    expect(run.main.stdout).not.toContain('root-only.key');
    expect(leaksIn(everythingVisible(run), [SECRET])).toEqual([]);
  });

  test('allow-disk-fallback: builds from RUNNER_TEMP with a warning and removes the vault', async () => {
    const w = ws({ Dockerfile: 'FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok,required=true test -s /run/secrets/tok\n' });
    const diskDir = path.join(w.dir, 'on-disk');
    fs.mkdirSync(diskDir);
    const run = await runAction(w, { secrets: `tok=${SECRET}`, 'tmpfs-dir': diskDir, 'allow-disk-fallback': 'true', 'no-cache': 'true' });
    expect(run.main.code).toBe(0);
    expect(run.main.stdout).toMatch(/::warning::no writable tmpfs found: secrets are written to disk/);
    expect(leftovers(path.join(w.dir, '.runner-temp'))).toEqual([]);
    expect(run.summary).toContain('disk (RUNNER_TEMP fallback)');
  });
});
