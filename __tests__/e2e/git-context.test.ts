/**
 * build-push-action's default context: with no `context`, the workflow's repository is
 * built as a Git context at the workflow's commit, `{{defaultContext}}` stands for it,
 * and github-token reaches BuildKit as the secret GIT_AUTH_TOKEN.<host> from the vault,
 * never on a command line or in buildx's environment. Served here by `git daemon` on
 * 127.0.0.1, as the runner's GITHUB_SERVER_URL would be.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import {
  dockerReady,
  everythingVisible,
  exportedImage,
  KEEP_SCANNED_EXPORT,
  leaksIn,
  leftovers,
  makeWorkspace,
  REGISTRY,
  registryDigest,
  registryReady,
  runAction,
  type ActionRun,
  type Workspace
} from './harness.js';

const ready = dockerReady() && (await registryReady());
const TOK = `git-tok-${randomBytes(8).toString('hex')}`;
const TOKEN = `ghs_${randomBytes(18).toString('hex')}`;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function listening(port: number): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const ok = await new Promise<boolean>((resolve) =>
      net
        .connect(port, '127.0.0.1')
        .on('connect', function (this: net.Socket) {
          this.destroy();
          resolve(true);
        })
        .on('error', () => resolve(false))
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('git daemon did not listen');
}

(ready ? describe : describe.skip)('the default Git context', () => {
  let root: string;
  let daemon: ChildProcess;
  let sha: string;
  let server: string;
  let ws: Workspace;
  let run: ActionRun;
  let work: string;
  let bare: string;

  beforeAll(async () => {
    root = fs.mkdtempSync('/tmp/sb-git-');
    work = path.join(root, 'work');
    fs.mkdirSync(work);
    const sum = createHash('sha256').update(TOK).digest('hex');
    fs.writeFileSync(
      path.join(work, 'Dockerfile'),
      `FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok,required=true echo "${sum}  /run/secrets/tok" | sha256sum -c - && echo built-from-git\n`
    );
    const git = (...a: string[]) =>
      execFileSync('git', ['-c', 'user.email=e2e@example.org', '-c', 'user.name=e2e', ...a], { cwd: work })
        .toString()
        .trim();
    git('init', '-q', '-b', 'main', '.');
    git('add', '.');
    git('commit', '-qm', 'e2e');
    sha = git('rev-parse', 'HEAD');
    fs.mkdirSync(path.join(root, 'srv', 'acme'), { recursive: true });
    bare = path.join(root, 'srv', 'acme', 'app.git');
    git('clone', '-q', '--bare', '.', bare);
    // A branch whose secret-mounting step takes seconds: two runs of it started together overlap on the builder.
    git('checkout', '-q', '-b', 'slow');
    fs.writeFileSync(
      path.join(work, 'Dockerfile'),
      'FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok,required=true sleep 3 && test -s /run/secrets/tok\n'
    );
    git('commit', '-qam', 'slow');
    git('push', '-q', bare, 'slow');
    git('checkout', '-q', 'main');
    const port = await freePort();
    daemon = spawn(
      'git',
      ['daemon', '--reuseaddr', `--base-path=${path.join(root, 'srv')}`, '--export-all', '--listen=127.0.0.1', `--port=${port}`, path.join(root, 'srv')],
      { stdio: 'ignore' }
    );
    await listening(port);
    server = `git://127.0.0.1:${port}`;
    ws = makeWorkspace({});
    run = await runAction(
      ws,
      { context: '', secrets: `tok=${TOK}`, 'github-token': TOKEN, 'no-cache': 'true' },
      { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: 'acme/app', GITHUB_SHA: sha, GITHUB_REF: 'refs/heads/main' }
    );
  });
  afterAll(() => {
    daemon?.kill();
    ws?.cleanup();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  test('builds the repository at the workflow commit, with the secret mounted', () => {
    // On failure, the end of the log says why (BuildKit's git fetch).
    expect({ code: run.main.code, log: run.main.code ? run.main.stdout.slice(-2500) : '' }).toEqual({ code: 0, log: '' });
    expect(run.main.stdout).toContain('built-from-git');
    const build = run.children.find((c) => c.argv[1] === 'build')!.argv;
    expect(build[build.length - 1]).toBe(`${server}/acme/app.git#${sha}`);
  });

  test('github-token reaches BuildKit as GIT_AUTH_TOKEN.<host> from the vault: never in argv, environment or log', () => {
    const build = run.children.find((c) => c.argv[1] === 'build')!.argv;
    const mounts = build.filter((_a, k) => build[k - 1] === '--secret');
    expect(mounts).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^id=GIT_AUTH_TOKEN\\.127\\.0\\.0\\.1:\\d+,src=${ws.runtimeDir}/secret-build-[^/]+/secret-\\d$`))
      ])
    );
    expect(leaksIn(everythingVisible(run), [TOKEN, TOK])).toEqual([]);
    expect(leftovers(ws.runtimeDir)).toEqual([]);
  });

  test('the preflight does not call the token an unused secret, and says the Dockerfile is remote', () => {
    expect(run.main.stdout).not.toMatch(/GIT_AUTH_TOKEN[^\n]*is given but no RUN/);
    expect(run.summary).toMatch(/skipped: remote context/);
  });

  test('two runs at once with different secrets: a Git context cannot be keyed, so each finds the other on the builder and publishes nothing', async () => {
    const repo = `sb-e2e/git-shared-${randomBytes(4).toString('hex')}`;
    const env = { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: 'acme/app', GITHUB_SHA: sha, GITHUB_REF: 'refs/heads/slow' };
    const values = [0, 1].map((k) => `${TOK}-shared-${k}`);
    const runs = await Promise.all(
      values.map(async (value, k) => {
        const w = makeWorkspace({});
        try {
          return await runAction(w, { context: `${server}/acme/app.git#slow`, secrets: `tok=${value}`, push: 'true', tags: `${REGISTRY}/${repo}:v${k}` }, env);
        } finally {
          w.cleanup();
        }
      })
    );
    for (const [k, r] of runs.entries()) {
      expect(r.main.code).toBe(1);
      expect(r.main.stdout).toMatch(
        /::error::1 other build\(s\) ran on this builder at the same time .*could not be keyed on their values.*Nothing was published by the action\./
      );
      expect(r.summary).toMatch(/steps keyed on their secrets<\/td><td>no: the Dockerfile is not on the runner/);
      expect(await registryDigest(repo, `v${k}`)).toBeUndefined();
      expect(leaksIn(everythingVisible(r), values)).toEqual([]);
    }
  });

  test('a branch that moves after the scan: what is pushed is the scanned build of the old commit, nothing is resolved again', async () => {
    const repo = `sb-e2e/git-moved-${randomBytes(4).toString('hex')}`;
    const moved = makeWorkspace({});
    // Right after the build, the branch moves to a commit whose Dockerfile writes the secret into the image.
    const leaky = 'FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok,required=true cp /run/secrets/tok /leaked\n';
    const move = [
      'if [ "$SHIM_PROGRAM $1 $2" = "docker buildx build" ]; then',
      `  printf '%s' '${leaky.replace(/\n/g, '\\n')}' | sed 's/\\\\n/\\n/g' > '${work}/Dockerfile'`,
      `  git -C '${work}' -c user.email=e2e@example.org -c user.name=e2e commit -qam leak && git -C '${work}' push -q '${bare}' HEAD:main`,
      'fi',
      ''
    ].join('\n');
    fs.writeFileSync(path.join(moved.shimDir, 'after.sh'), `${KEEP_SCANNED_EXPORT}${move}`);
    try {
      const r = await runAction(
        moved,
        { context: `${server}/acme/app.git#main`, secrets: `tok=${TOK}`, 'no-cache': 'true', push: 'true', tags: `${REGISTRY}/${repo}:v1` },
        { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: 'acme/app', GITHUB_SHA: sha, GITHUB_REF: 'refs/heads/main' }
      );
      expect({ code: r.main.code, log: r.main.code ? r.main.stdout.slice(-2500) : '' }).toEqual({ code: 0, log: '' });
      // The branch did move: its tip is the leaky commit now.
      expect(execFileSync('git', ['--git-dir', bare, 'show', 'main:Dockerfile']).toString()).toContain('/leaked');
      expect(r.children.filter((c) => c.argv[0] === 'buildx' && c.argv[1] === 'build')).toHaveLength(1);
      const scanned = await exportedImage(path.join(moved.shimDir, 'scanned.tar'));
      expect(await registryDigest(repo, 'v1')).toBe(scanned.digest);
      expect(r.outputs.digest).toBe(scanned.digest);
      expect(leaksIn(everythingVisible(r), [TOK, TOKEN])).toEqual([]);
    } finally {
      moved.cleanup();
    }
  });
});
