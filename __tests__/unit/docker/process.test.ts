/** docker/process.ts against a scripted fake `docker` first on PATH: fencing, scrubbing, argv and environment checks, exits. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ActionError } from '../../../src/errors.js';
import { Redactor } from '../../../src/detection/redactor.js';
import type { Secret } from '../../../src/secrets/values.js';
import { coreFixture } from '../../support/core-fixture.js';
import { installFakes } from '../../support/fake-programs.js';

const core = coreFixture();
jest.unstable_mockModule('@actions/core', () => core.module);
const { assertNoSecretInArgv, capture, childEnv, runStreamed, streamStdout } = await import('../../../src/docker/process.js');
const { Log } = await import('../../../src/report/log.js');

const SECRET = 's3cr3t-VALUE-0123xyz';
const secrets: Secret[] = [{ id: 'npm_token', input: 'secrets', entry: 1, value: Buffer.from(SECRET) }];

/**
 * The fake docker: records every call in $FAKE_DOCKER_DIR/calls, then acts on its first
 * argument. Secrets reach it through files in $FAKE_DOCKER_DIR, never through argv.
 */
const FAKE_DOCKER = `#!/bin/sh
printf '%s\\n' "$*" >> "$FAKE_DOCKER_DIR/calls"
d="$FAKE_DOCKER_DIR"
case "$1" in
  commands)
    printf '::add-mask::x\\n::error::boom\\n'
    printf '::save-state name=vault-dir::/tmp\\n' >&2
    printf 'ok\\r::warning::x\\n'
    ;;
  split)
    # the second half only once the test has seen the first: two separate chunks, whatever the load
    printf 'before '; head -c 7 "$d/secret"; while [ ! -e "$d/go" ]; do sleep 0.01; done; tail -c +8 "$d/secret"; printf ' after\\n'
    ;;
  fail)
    printf 'step 1\\n'; printf 'ERROR: failed to solve: token %s rejected\\n' "$(cat "$d/secret")" >&2; exit 3
    ;;
  big-stderr)
    head -c 100000 /dev/zero | tr '\\0' 'e' >&2; printf 'END' >&2
    ;;
  signal)
    kill -TERM $$
    ;;
  save)
    cat "$2"; printf 'warning: %s\\n' "$(cat "$d/secret")" >&2; exit 2
    ;;
  env)
    env
    ;;
  cut-stderr)
    { head -c 100 /dev/zero | tr '\\0' 'a'; cat "$d/secret"; head -c 65526 /dev/zero | tr '\\0' 'e'; } >&2
    ;;
  hang)
    exec sleep 30
    ;;
  stdin)
    printf 'started\n'; cat > "$d/stdin"; printf 'read\n'
    ;;
  print-secret)
    cat "$d/secret"; printf '\\n'; printf 'err %s\\n' "$(cat "$d/secret")" >&2; exit 5
    ;;
  *)
    exit 0
    ;;
esac
`;

let fakeDir: string;
let emptyDir: string;
const saved = { PATH: process.env.PATH, FAKE_DOCKER_DIR: process.env.FAKE_DOCKER_DIR };
let stdout: Buffer[];
const printed = (): string => Buffer.concat(stdout).toString('utf8');
const calls = (): string[] =>
  fs.existsSync(path.join(fakeDir, 'calls')) ? fs.readFileSync(path.join(fakeDir, 'calls'), 'utf8').split('\n').filter(Boolean) : [];

beforeAll(() => {
  fakeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-docker-'));
  emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'no-docker-'));
  fs.writeFileSync(path.join(fakeDir, 'docker'), FAKE_DOCKER, { mode: 0o755 });
  fs.writeFileSync(path.join(fakeDir, 'secret'), SECRET);
});
afterAll(() => {
  fs.rmSync(fakeDir, { recursive: true, force: true });
  fs.rmSync(emptyDir, { recursive: true, force: true });
});

beforeEach(() => {
  core.reset();
  fs.rmSync(path.join(fakeDir, 'calls'), { force: true });
  process.env.PATH = `${fakeDir}${path.delimiter}${saved.PATH ?? ''}`;
  process.env.FAKE_DOCKER_DIR = fakeDir;
  stdout = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stdout.push(Buffer.from(chunk));
    const cb = rest.find((r): r is () => void => typeof r === 'function');
    cb?.();
    return true;
  });
});
afterEach(() => {
  jest.restoreAllMocks();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  delete process.env.INPUT_SECRETS;
  delete process.env.LEAKY;
});

/** Splits what was printed into the fence and its body; fails if anything is outside the fence. */
function fenced(out: string): { token: string; body: string } {
  const m = /^::stop-commands::([0-9a-f]{32})\n/.exec(out);
  expect(m).not.toBeNull();
  const token = m![1];
  const end = `\n::${token}::\n`;
  expect(out.endsWith(end)).toBe(true);
  const body = out.slice(m![0].length, out.length - end.length);
  expect(body).not.toContain(`::${token}::`);
  return { token, body };
}

describe('runStreamed', () => {
  test('workflow commands the child prints only ever appear inside a stop-commands fence', async () => {
    const log = Log.forSecrets(secrets);
    const r = await runStreamed(['commands'], log);
    expect(r).toEqual({ code: 0, signal: null, stderrTail: '::save-state name=vault-dir::/tmp\n', redactions: 0 });
    const out = printed();
    const { body } = fenced(out);
    // The bare CR is a line feed by now: the log shows the line the runner would see, inside the fence.
    expect(body).not.toContain('\r');
    for (const line of ['::add-mask::x\n', '::error::boom\n', '::save-state name=vault-dir::/tmp\n', 'ok\n::warning::x\n']) {
      expect(body).toContain(line);
      expect(out.indexOf(line)).toBe(out.lastIndexOf(line));
    }
  });

  test('stdin: the child gets the text once it resolves, then end of input; until then it waits', async () => {
    const log = Log.forSecrets(secrets);
    let give!: (t: string) => void;
    let started = false;
    const done = runStreamed(['stdin'], log, { stdin: new Promise((r) => (give = r)), onSpawn: (c) => c.stdout?.once('data', () => (started = true)) });
    while (!started) await new Promise((r) => setTimeout(r, 5));
    expect(fs.existsSync(path.join(fakeDir, 'stdin')) && fs.readFileSync(path.join(fakeDir, 'stdin'), 'utf8')).toBeFalsy();
    give('FROM scratch\n'.repeat(20000));
    expect((await done).code).toBe(0);
    expect(fs.readFileSync(path.join(fakeDir, 'stdin'), 'utf8')).toBe('FROM scratch\n'.repeat(20000));
    expect(printed()).toContain('read\n');
  });

  test('stdin that cannot be made: the child is killed before it reads anything, and the run fails with why', async () => {
    const log = Log.forSecrets(secrets);
    fs.rmSync(path.join(fakeDir, 'stdin'), { force: true });
    let child: ChildProcess | undefined;
    const run = runStreamed(['stdin'], log, { stdin: Promise.reject(new Error('no key part')), onSpawn: (c) => (child = c) });
    await expect(run).rejects.toThrow('no key part');
    expect(child?.signalCode).toBe('SIGKILL');
    expect(printed()).not.toContain('read\n');
  });

  test('each run uses a fresh random fence token', async () => {
    const log = Log.forSecrets(secrets);
    await runStreamed(['noop'], log);
    const first = fenced(printed()).token;
    stdout = [];
    await runStreamed(['noop'], log);
    expect(fenced(printed()).token).not.toBe(first);
  });

  test('a secret split across two writes of the child is redacted', async () => {
    const log = Log.forSecrets(secrets);
    const chunks: string[] = [];
    fs.rmSync(path.join(fakeDir, 'go'), { force: true });
    const r = await runStreamed(['split'], log, {
      onSpawn: (child) =>
        child.stdout?.on('data', (d: Buffer) => {
          chunks.push(d.toString());
          if (chunks.join('').endsWith(SECRET.slice(0, 7))) fs.writeFileSync(path.join(fakeDir, 'go'), '');
        })
    });
    expect(r.code).toBe(0);
    expect(chunks.join('')).toContain(SECRET);
    expect(chunks.some((c) => c.includes(SECRET))).toBe(false);
    const out = printed();
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain(SECRET.slice(0, 7));
    expect(fenced(out).body).toBe('before *** after\n');
  });

  test('exit code and a scrubbed stderr tail are returned', async () => {
    const log = Log.forSecrets(secrets);
    let spawned: ChildProcess | undefined;
    const r = await runStreamed(['fail'], log, { onSpawn: (c) => (spawned = c) });
    expect(spawned?.pid).toEqual(expect.any(Number));
    expect(r).toEqual({ code: 3, signal: null, stderrTail: 'ERROR: failed to solve: token *** rejected\n', redactions: 1 });
    expect(printed()).not.toContain(SECRET);
  });

  test('the stderr tail keeps the last 64 KiB', async () => {
    const r = await runStreamed(['big-stderr'], Log.forSecrets(secrets));
    expect(r.stderrTail.length).toBe(64 * 1024);
    expect(r.stderrTail.endsWith('eeeEND')).toBe(true);
  });

  test('a secret cut by the 64 KiB tail window leaves no fragment in the tail (scrubbed before it is cut)', async () => {
    const r = await runStreamed(['cut-stderr'], Log.forSecrets(secrets));
    expect(r.stderrTail.length).toBe(64 * 1024);
    expect(r.stderrTail.includes(SECRET.slice(10))).toBe(false);
  });

  test('a child killed by a signal returns the signal', async () => {
    const r = await runStreamed(['signal'], Log.forSecrets(secrets));
    expect(r.code).toBeNull();
    expect(r.signal).toBe('SIGTERM');
  });

  test('a buildx call goes to the buildx plugin itself, and the echoed command line is the one that ran', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-plugin-'));
    const env = installFakes(dir, { docker: FAKE_DOCKER });
    process.env.DOCKER_CONFIG = env.DOCKER_CONFIG;
    try {
      const r = await runStreamed(['buildx', 'ok'], Log.forSecrets(secrets), { echo: true });
      expect(r.code).toBe(0);
      expect(printed()).toContain(`[command]${path.join(env.DOCKER_CONFIG, 'cli-plugins', 'docker-buildx')} ok\n`);
      // The fake docker (behind the plugin) records what the docker CLI would have been given.
      expect(calls()).toEqual(['buildx ok']);
    } finally {
      delete process.env.DOCKER_CONFIG;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('no docker on PATH is the ActionError "docker was not found on PATH", and the fence is closed', async () => {
    process.env.PATH = emptyDir;
    const p = runStreamed(['version'], Log.forSecrets(secrets));
    await expect(p).rejects.toThrow(ActionError);
    await expect(p).rejects.toThrow(/^docker was not found on PATH/);
    fenced(printed());
  });

  test('an argv carrying a secret is refused before the child starts', async () => {
    await expect(runStreamed(['build', '--build-arg', `T=${SECRET}`], Log.forSecrets(secrets))).rejects.toThrow(
      'refusing to run docker: argument 3 would carry the value of secret "npm_token"'
    );
    expect(calls()).toEqual([]);
    expect(printed()).toBe('');
  });

  test("the child's environment has no INPUT_* and no variable carrying a secret; withheld names are logged", async () => {
    process.env.INPUT_SECRETS = `npm_token=${SECRET}`;
    process.env.LEAKY = `prefix-${Buffer.from(SECRET).toString('base64')}`;
    const r = await capture(['env'], Log.forSecrets(secrets));
    expect(r.code).toBe(0);
    const names = r.stdout.split('\n').map((l) => l.split('=')[0]);
    expect(names).toContain('PATH');
    expect(names).toContain('FAKE_DOCKER_DIR');
    expect(names.filter((n) => n.startsWith('INPUT_'))).toEqual([]);
    expect(names).not.toContain('LEAKY');
    const info = core.messages.filter((m) => m.level === 'info' && m.text.startsWith('withheld')).map((m) => m.text);
    expect(info).toEqual(["withheld from docker's environment because their values carry a secret: LEAKY"]);
    expect(core.everything()).not.toContain(SECRET);
  });
});

describe('assertNoSecretInArgv', () => {
  const redactor = Redactor.forSecrets(secrets);
  test.each([
    [['build', SECRET], 2],
    [['build', '--label', `x=${SECRET}`], 3],
    [['build', '--build-arg', `B64=${Buffer.from(SECRET).toString('base64')}`], 3],
    [[encodeURIComponent(`a b ${SECRET}`)], 1]
  ])('refuses %j at argument %i, naming the secret id only', (args, k) => {
    expect(() => assertNoSecretInArgv(args, redactor)).toThrow(
      new ActionError(`refusing to run docker: argument ${k} would carry the value of secret "npm_token"`)
    );
  });
  test('accepts an argv without secrets', () => {
    expect(() => assertNoSecretInArgv(['buildx', 'build', '--secret', 'id=npm_token,src=/dev/shm/v/secret-0', '.'], redactor)).not.toThrow();
  });
});

describe('childEnv', () => {
  const redactor = Redactor.forSecrets(secrets);
  test('drops INPUT_* and variables carrying a secret, keeps the rest, reports the withheld names', () => {
    const env = {
      PATH: '/usr/bin',
      HOME: '/home/runner',
      DOCKER_CONFIG: '/home/runner/.docker',
      INPUT_SECRETS: `npm_token=${SECRET}`,
      INPUT_TAGS: 'a:1',
      NPM_TOKEN: SECRET,
      ENCODED: `x${Buffer.from(SECRET).toString('hex')}x`,
      UNSET: undefined
    };
    expect(childEnv(env, redactor)).toEqual({
      env: { PATH: '/usr/bin', HOME: '/home/runner', DOCKER_CONFIG: '/home/runner/.docker' },
      withheld: ['NPM_TOKEN', 'ENCODED']
    });
  });
  test('keeps PATH and HOME even when their value matches a secret', () => {
    const env = { PATH: `/opt/${SECRET}/bin`, HOME: `/home/${SECRET}` };
    expect(childEnv(env, redactor)).toEqual({ env, withheld: [] });
  });
});

describe('streamStdout', () => {
  test('returns the data on stdout without printing it, and the exit code with scrubbed stderr', async () => {
    const data = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) % 256));
    const file = path.join(fakeDir, 'image.tar');
    fs.writeFileSync(file, data);
    const s = streamStdout(['save', file], Log.forSecrets(secrets));
    const got: Buffer[] = [];
    for await (const chunk of s.stdout) got.push(chunk as Buffer);
    expect(Buffer.concat(got).equals(data)).toBe(true);
    await expect(s.done).resolves.toEqual({ code: 2, signal: null, stderr: 'warning: ***\n' });
    expect(stdout).toEqual([]);
  });

  // Regression: stderr was once cut to its last 64 KiB before scrubbing, leaving the tail of a straddling secret.
  test('a secret cut by the 64 KiB stderr window leaves no fragment in stderr', async () => {
    const s = streamStdout(['cut-stderr'], Log.forSecrets(secrets));
    s.stdout.resume();
    const r = await s.done;
    expect(r.stderr.length).toBeGreaterThanOrEqual(65526);
    expect(r.stderr.includes(SECRET.slice(10))).toBe(false);
  });

  test('kill() stops the child with SIGKILL', async () => {
    const s = streamStdout(['hang'], Log.forSecrets(secrets));
    s.stdout.resume();
    s.kill();
    await expect(s.done).resolves.toMatchObject({ code: null, signal: 'SIGKILL' });
  });

  test('no docker on PATH resolves done with the not-found message', async () => {
    process.env.PATH = emptyDir;
    const s = streamStdout(['save', 'x'], Log.forSecrets(secrets));
    s.stdout.resume();
    const r = await s.done;
    expect(r.code).toBe(-1);
    expect(r.stderr).toMatch(/^docker was not found on PATH/);
  });

  test('an argv carrying a secret throws before the child starts', () => {
    expect(() => streamStdout(['save', SECRET], Log.forSecrets(secrets))).toThrow(ActionError);
    expect(calls()).toEqual([]);
  });
});

describe('capture', () => {
  test('returns scrubbed stdout and stderr and the exit code, printing nothing', async () => {
    const r = await capture(['print-secret'], Log.forSecrets(secrets));
    expect(r).toEqual({ code: 5, stdout: '***\n', stderr: 'err ***\n' });
    expect(printed()).not.toContain(SECRET);
    expect(calls()).toEqual(['print-secret']);
  });

  test('no docker on PATH is the ActionError "docker was not found on PATH"', async () => {
    process.env.PATH = emptyDir;
    const p = capture(['version'], Log.forSecrets(secrets));
    await expect(p).rejects.toThrow(ActionError);
    await expect(p).rejects.toThrow(/^docker was not found on PATH/);
  });

  test('an argv carrying a secret is refused before the child starts', async () => {
    await expect(capture(['inspect', SECRET], Log.forSecrets(secrets))).rejects.toThrow(/argument 2 would carry the value of secret "npm_token"/);
    expect(calls()).toEqual([]);
  });
});
