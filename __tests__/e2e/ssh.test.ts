/**
 * An SSH private key given as a secret reaches RUN --mount=type=ssh from the vault
 * (`--ssh default=<vault file>`, no agent started by the user), with every guarantee of
 * a secret: masked, 0600 on tmpfs, gone afterwards, never in argv, log or image.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dockerReady, everythingVisible, leaksIn, leftovers, makeWorkspace, runAction, type ActionRun, type Workspace } from './harness.js';

const SSH_IMAGE = 'secret-build-ssh:latest';
const ready = dockerReady() && execFileSync('docker', ['image', 'ls', '-q', SSH_IMAGE]).toString().trim() !== '';
const TAG = `secret-build-ssh-e2e:${process.pid}`;

(ready ? describe : describe.skip)('an SSH key from a secret', () => {
  let ws: Workspace;
  let run: ActionRun;
  let key: Buffer;
  let fingerprint: string;

  beforeAll(async () => {
    ws = makeWorkspace({});
    const keyFile = path.join(ws.dir, 'keys', 'id_ed25519');
    fs.mkdirSync(path.dirname(keyFile));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'secret-build-e2e', '-f', keyFile]);
    key = fs.readFileSync(keyFile);
    fingerprint = execFileSync('ssh-keygen', ['-lf', `${keyFile}.pub`])
      .toString()
      .split(' ')[1];
    fs.writeFileSync(
      path.join(ws.dir, 'Dockerfile'),
      `FROM ${SSH_IMAGE}\nRUN --mount=type=ssh ssh-add -l | grep -q '${fingerprint}' && echo key-forwarded > /proof\n`
    );
    run = await runAction(ws, {
      'secret-files': 'deploy_key=keys/id_ed25519',
      'ssh-secrets': 'default=deploy_key',
      'no-cache': 'true',
      load: 'true',
      tags: TAG
    });
  });
  afterAll(() => {
    ws?.cleanup();
    if (ready) execFileSync('docker', ['image', 'rm', '-f', TAG], { stdio: 'ignore' });
  });

  test('the agent inside RUN --mount=type=ssh holds the key', () => {
    expect(run.main.stdout.split('\n').filter((l) => l.startsWith('::error'))).toEqual([]);
    expect(run.main.code).toBe(0);
    expect(execFileSync('docker', ['run', '--rm', TAG, 'cat', '/proof']).toString()).toBe('key-forwarded\n');
  });

  test('buildx got the vault file as --ssh, and no --secret for it', () => {
    const build = run.children.find((c) => c.argv[1] === 'build')!.argv;
    const ssh = build[build.indexOf('--ssh') + 1];
    expect(ssh).toMatch(new RegExp(`^default=${ws.runtimeDir}/secret-build-[^/]+/secret-0$`));
    expect(build).not.toContain('--secret');
  });

  test('nothing of the key is printed, passed, or left: log, outputs, argv, environment, vault, image', () => {
    const lines = key
      .toString()
      .split('\n')
      .filter((l) => l.length >= 16 && !l.startsWith('-----'));
    expect(leaksIn(everythingVisible(run), [key, ...lines])).toEqual([]);
    expect(leftovers(ws.runtimeDir)).toEqual([]);
    const image = execFileSync('docker', ['save', TAG], { maxBuffer: 1 << 28 }).toString('latin1');
    for (const l of lines) expect(image.includes(l)).toBe(false);
  });

  test('the preflight does not call the key an unused secret', () => {
    expect(run.main.stdout).not.toMatch(/secret "deploy_key" is given but no RUN --mount=type=secret uses it/);
  });
});
