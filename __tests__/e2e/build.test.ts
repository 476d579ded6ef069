/** The action end to end against a real dockerd + buildx: secrets reach the build, nothing leaks, nothing is left. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { dockerReady, everythingVisible, leaksIn, leftovers, makeWorkspace, runAction, type ActionRun, type Workspace } from './harness.js';

const ready = dockerReady();
const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const nonce = randomBytes(6).toString('hex');

const TOKEN = `p@ss=w,o"rd$(id) ${nonce}`;
// Not a real armor line (lower case): with one (an all-digit nonce, 1 run in 280), the first body line is a key's public
// header and is not registered, by design (variants.ts secretParts), which made the mask test below fail.
const PEM = `-----BEGIN TEST KEY n${nonce}-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\nKUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ==\n-----END TEST KEY-----\n`;
const ENV_VALUE = `env-secret-${nonce}-xyz`;
const BINARY = Buffer.concat([Buffer.from([0, 255, 10, 13, 0x22, 0x3d]), randomBytes(64)]);
const secrets = [TOKEN, PEM, ENV_VALUE, BINARY];
const TAG = `secret-build-e2e:${nonce}`;

const dockerfile = `
FROM secret-build-base:latest AS deps
RUN --mount=type=secret,id=tok,required=true \\
    --mount=type=secret,id=pem \\
    echo "${sha(TOKEN)}  /run/secrets/tok" | sha256sum -c - && \\
    echo "${sha(PEM)}  /run/secrets/pem" | sha256sum -c - && \\
    sha256sum /run/secrets/tok | cut -c1-12 > /derived.txt
FROM secret-build-base:latest
COPY --from=deps /derived.txt /derived.txt
RUN --mount=type=secret,id=envtok,target=/custom/env-secret,required=true \\
    --mount=type=secret,id=bin,required=true \\
    echo "${sha(ENV_VALUE)}  /custom/env-secret" | sha256sum -c - && \\
    echo "${sha(BINARY)}  /run/secrets/bin" | sha256sum -c - && \\
    test ! -e /run/secrets/tok && echo all-secrets-verified
RUN --mount=type=secret,id=tok cat /run/secrets/tok; echo; base64 /run/secrets/tok; base64 /run/secrets/pem; echo log-leak-attempted
`;

(ready ? describe : describe.skip)('a real build with every kind of secret', () => {
  let ws: Workspace;
  let run: ActionRun;

  beforeAll(async () => {
    ws = makeWorkspace({ 'ctx/Dockerfile': dockerfile, 'ctx/readme.txt': 'context file', 'keys/binary.key': BINARY });
    run = await runAction(
      ws,
      {
        context: 'ctx',
        secrets: `tok=${TOKEN}\n"pem=${PEM.replaceAll('"', '""')}"\n`,
        'secret-envs': 'envtok=MY_ENV_SECRET',
        'secret-files': 'bin=keys/binary.key',
        tags: TAG,
        load: 'true',
        'no-cache': 'true',
        labels: 'org.example.test=e2e'
      },
      { MY_ENV_SECRET: ENV_VALUE }
    );
  });
  afterAll(() => {
    if (ws) ws.cleanup();
    if (ready) execFileSync('docker', ['image', 'rm', '-f', TAG], { stdio: 'ignore' });
  });

  test('the build succeeds and each secret reached its mount byte-exact', () => {
    expect(run.main.stderr + run.main.stdout).toContain('all-secrets-verified');
    expect(run.main.code).toBe(0);
    expect({ code: run.post.code, out: run.post.code ? run.post.stdout + run.post.stderr : '' }).toEqual({ code: 0, out: '' });
  });

  test('outputs: imageid, digest and metadata', () => {
    expect(run.outputs.imageid).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(run.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((JSON.parse(run.outputs.metadata) as Record<string, unknown>)['containerimage.digest']).toBe(run.outputs.digest);
    expect(execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', TAG]).toString().trim()).toBe(run.outputs.imageid);
  });

  test('secrets printed by the build are scrubbed from the log, encoded forms too', () => {
    const log = run.main.stdout + run.main.stderr;
    expect(log).toContain('log-leak-attempted');
    expect(log).toMatch(/\*\*\*/);
    expect(
      leaksIn(
        log
          .split('\n')
          .filter((l) => !l.startsWith('::add-mask::'))
          .join('\n'),
        secrets
      )
    ).toEqual([]);
  });

  test('no value or variant appears in any output, state, summary, argv or child environment', () => {
    expect(run.children.length).toBeGreaterThan(0);
    expect(leaksIn(everythingVisible(run), secrets)).toEqual([]);
    for (const c of run.children) expect(c.env.some((e) => e.startsWith('INPUT_') || e.startsWith('MY_ENV_SECRET='))).toBe(false);
  });

  test('every value, the body lines of the multi-line one, and encodings were registered with the runner', () => {
    const masks = new Set(
      run.main.stdout
        .split('\n')
        .filter((l) => l.startsWith('::add-mask::'))
        .map((l) => l.slice('::add-mask::'.length))
    );
    // The PEM value is registered by its secret-looking words, its body lines; not by its armor.
    const lines = PEM.split('\n')
      .filter((l) => l.length >= 4 && !l.startsWith('-----'))
      .map((l) => l.replace(/=+$/, '')); // '=' ends a word (base64 padding is no secret)
    expect(lines).toHaveLength(2);
    // Named, not printed, when one is missing.
    const names = ['TOKEN', 'ENV_VALUE', 'PEM line 1', 'PEM line 2'];
    [TOKEN, ENV_VALUE, ...lines].forEach((v, k) => {
      const b64 = Buffer.from(v).toString('base64');
      const registered = { raw: masks.has(v), base64: masks.has(b64.replace(/=+$/, '').slice(0, -1)) || masks.has(b64) };
      expect({ value: names[k], ...registered, masks: registered.raw && registered.base64 ? 0 : masks.size }).toEqual({
        value: names[k],
        raw: true,
        base64: true,
        masks: 0
      });
    });
  });

  test('the buildx command line maps ids to vault files, never values', () => {
    const build = run.children.find((c) => c.argv[0] === 'buildx' && c.argv[1] === 'build');
    const mounts = build!.argv.filter((_a, k) => build!.argv[k - 1] === '--secret');
    expect(mounts.map((m) => m.replace(/src=.*\/(secret-\d+)$/, 'src=$1'))).toEqual([
      'id=tok,src=secret-0',
      'id=pem,src=secret-1',
      'id=envtok,src=secret-2',
      'id=bin,src=secret-3'
    ]);
    expect(mounts.every((m) => m.includes(`src=${ws.runtimeDir}/secret-build-`))).toBe(true);
  });

  test('the image holds no secret: layers, config and history', () => {
    const saved = execFileSync('docker', ['save', TAG], { maxBuffer: 1 << 30 }).toString('latin1');
    const history = execFileSync('docker', ['history', '--no-trunc', TAG]).toString();
    const inspect = execFileSync('docker', ['image', 'inspect', TAG]).toString();
    expect(saved.length).toBeGreaterThan(100000);
    expect(
      leaksIn(
        saved,
        secrets.map((s) => Buffer.from(s).toString('latin1'))
      )
    ).toEqual([]);
    expect(leaksIn(history + inspect, secrets)).toEqual([]);
  });

  test('the vault is gone and the summary lists ids only', () => {
    expect(leftovers(ws.runtimeDir)).toEqual([]);
    expect(run.summary).toContain('<code>tok</code>, <code>pem</code>, <code>envtok</code>, <code>bin</code>');
    expect(run.summary).not.toContain('`');
    expect(run.summary).toContain('tmpfs (memory)');
  });
});

(ready ? describe : describe.skip)('build output cannot issue workflow commands', () => {
  test('::add-mask::, ::error::, ::save-state, ::set-output and ::stop-commands:: printed by RUN appear only inside the fence', async () => {
    const lines = [
      '::add-mask::build',
      '::error::pwned',
      '::save-state name=vault-dir::/etc',
      '::set-output name=digest::sha256:forged',
      '::stop-commands::guess',
      'ok\\r::warning::cr'
    ];
    const ws = makeWorkspace({ Dockerfile: `FROM ${'secret-build-base:latest'}\nRUN ${lines.map((l) => `printf '%b\\n' '${l}'`).join(' && ')}\n` });
    try {
      const run = await runAction(ws, { 'no-cache': 'true', 'leak-check': 'off' });
      expect(run.main.code).toBe(0);
      const out = run.main.stdout;
      const open = /^::stop-commands::([0-9a-f]{32})$/m.exec(out);
      expect(open).not.toBeNull();
      const close = out.indexOf(`\n::${open![1]}::`);
      const inside = out.slice(open!.index, close);
      const outside = out.slice(0, open!.index) + out.slice(close + open![1].length + 5);
      expect(inside).toContain('::error::pwned');
      expect(inside).toContain('::save-state name=vault-dir::/etc');
      for (const l of ['::error::pwned', '::save-state', '::set-output', '::add-mask::build', '::stop-commands::guess']) expect(outside).not.toContain(l);
      expect(run.state['vault-dir']).not.toBe('/etc');
      expect(run.outputs.digest).not.toBe('sha256:forged');
    } finally {
      ws.cleanup();
    }
  });
});
