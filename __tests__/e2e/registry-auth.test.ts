/**
 * Pushing to registries that want a login, against real registries: basic auth from
 * `auths` (as docker login writes its keys), a credential store (`credsStore`, which skopeo
 * itself ignores), bearer tokens as ghcr.io and Docker Hub hand them out, and refusals that
 * fail the step before anything is built. No secret and no registry password is printed.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID, sign, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import {
  type ActionRun,
  builds,
  dockerReady,
  errorAnnotations,
  everythingVisible,
  exportedImage,
  KEEP_SCANNED_EXPORT,
  leaksIn,
  leftovers,
  makeWorkspace,
  MANIFEST_TYPES,
  REGISTRY,
  registryDigest,
  registryReady,
  runAction,
  type Workspace
} from './harness.js';

/** The registry that wants a login (scripts/setup-docker.sh starts it with htpasswd auth). */
const AUTH_REGISTRY = '127.0.0.1:5001';
const USER = 'secret-build';
const PASSWORD = 'local-only-password';

async function authRegistryReady(): Promise<boolean> {
  const ok = await fetch(`http://${AUTH_REGISTRY}/v2/`).then(
    (r) => r.status === 401,
    () => false
  );
  if (!ok && process.env.CI) throw new Error(`CI: the registry with auth at ${AUTH_REGISTRY} is required (scripts/setup-docker.sh)`);
  if (!ok) console.warn(`\n!!! registry auth tests SKIPPED: no registry wanting a login answers at ${AUTH_REGISTRY} !!!\n`);
  return ok;
}

const ready = dockerReady() && (await registryReady()) && (await authRegistryReady());
const e2e = ready ? describe : describe.skip;
const nonce = randomBytes(5).toString('hex');
const TOK = `regauth-tok-${randomBytes(8).toString('hex')}`;
const CLEAN = 'FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok,required=true test -s /run/secrets/tok && echo ok > /ok\n';

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

function workspace(hooks: { before?: string; after?: string } = {}): Workspace {
  const ws = makeWorkspace({ Dockerfile: CLEAN });
  cleanups.push(() => ws.cleanup());
  if (hooks.before) fs.writeFileSync(path.join(ws.shimDir, 'before.sh'), hooks.before);
  if (hooks.after) fs.writeFileSync(path.join(ws.shimDir, 'after.sh'), hooks.after);
  return ws;
}

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(`/tmp/${prefix}`);
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A fresh DOCKER_CONFIG directory holding `config` as config.json (none when undefined). */
function dockerConfig(config?: object): string {
  const dir = tempDir('sb-e2e-docker-config-');
  if (config) fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

/** Runs the action; nothing a run shows carries the secret or any registry password given. */
async function act(ws: Workspace, inputs: Record<string, string>, env: Record<string, string>, passwords: string[]): Promise<ActionRun> {
  const run = await runAction(ws, { secrets: `tok=${TOK}`, ...inputs }, env);
  const visible = everythingVisible(run);
  expect(leaksIn(visible, [TOK])).toEqual([]);
  expect(leaksIn(visible, passwords)).toEqual([]);
  for (const p of passwords) expect(visible).not.toContain(p);
  expect(leftovers(ws.runtimeDir)).toEqual([]);
  return run;
}

const copies = (run: ActionRun) => run.children.filter((c) => c.program === 'skopeo' && c.argv[0] === 'copy');

function theFailure(run: ActionRun): string {
  const failures = errorAnnotations(run);
  expect(failures).toHaveLength(1);
  return failures[0];
}

async function digestAt(registry: string, repo: string, reference: string, authorization: string): Promise<string | undefined> {
  const r = await fetch(`http://${registry}/v2/${repo}/manifests/${reference}`, {
    method: 'HEAD',
    headers: { Accept: MANIFEST_TYPES, Authorization: authorization }
  });
  if (r.status === 404) return undefined;
  if (!r.ok) throw new Error(`${registry} answered ${r.status} for ${repo}:${reference}`);
  return r.headers.get('docker-content-digest') ?? undefined;
}

/** A successful push of the clean image: one build, and registry digest = digest output = scanned export digest. */
async function expectPushed(run: ActionRun, ws: Workspace, registry: string, repo: string, authorization: string): Promise<void> {
  expect(errorAnnotations(run)).toEqual([]);
  expect(run.main.code).toBe(0);
  expect(builds(run)).toHaveLength(1);
  expect(builds(run)[0].argv).not.toContain('--push');
  const scanned = await exportedImage(path.join(ws.shimDir, 'scanned.tar'));
  expect(run.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(run.outputs.digest).toBe(scanned.digest);
  expect(await digestAt(registry, repo, 'v1', authorization)).toBe(scanned.digest);
  expect(copies(run)).toHaveLength(1);
  expect(copies(run)[0].argv.at(-1)).toBe(`docker://${registry}/${repo}:v1`);
}

const refusal = (registry: string) =>
  new RegExp(
    `^::error::the registry ${registry.replaceAll('.', '\\.')} refuses the credentials stored for it: log in again before this step \\(docker/login-action\\) with a token that may push there; nothing was built$`
  );
const noLogin = (registry: string) =>
  new RegExp(`^::error::the registry ${registry.replaceAll('.', '\\.')} wants a login and none is stored for it: log in before this step .*nothing was built$`);

e2e('basic auth (htpasswd) from the docker config', () => {
  const auth = `Basic ${basic(USER, PASSWORD)}`;

  test('auths with the registry as key: the scanned export is pushed, one build, digests agree', async () => {
    const repo = `sb-e2e/auth-${nonce}`;
    const ws = workspace({ after: KEEP_SCANNED_EXPORT });
    const config = dockerConfig({ auths: { [AUTH_REGISTRY]: { auth: basic(USER, PASSWORD) } } });
    const run = await act(ws, { push: 'true', tags: `${AUTH_REGISTRY}/${repo}:v1` }, { DOCKER_CONFIG: config }, [PASSWORD]);
    await expectPushed(run, ws, AUTH_REGISTRY, repo, auth);
    // skopeo is given the docker config itself (no credsStore: no copy), and plain HTTP for a loopback registry.
    expect(copies(run)[0].argv).toEqual(expect.arrayContaining(['--authfile', path.join(config, 'config.json'), '--dest-tls-verify=false']));
    const logins = run.children.filter((c) => c.program === 'skopeo' && c.argv[0] === 'login').map((c) => c.argv);
    expect(logins).toEqual([
      ['login', '--get-login', '--authfile', path.join(config, 'config.json'), AUTH_REGISTRY],
      ['login', '--authfile', path.join(config, 'config.json'), '--tls-verify=false', AUTH_REGISTRY]
    ]);
  });

  test.each(['http://127.0.0.1:5001/v2/', 'https://127.0.0.1:5001'])('auths keyed %s (as docker login writes some keys): pushed', async (key) => {
    const repo = `sb-e2e/auth-key-${nonce}-${key.startsWith('https') ? 'https' : 'http'}`;
    const ws = workspace({ after: KEEP_SCANNED_EXPORT });
    const config = dockerConfig({ auths: { [key]: { auth: basic(USER, PASSWORD) } } });
    const run = await act(ws, { push: 'true', tags: `${AUTH_REGISTRY}/${repo}:v1` }, { DOCKER_CONFIG: config }, [PASSWORD]);
    await expectPushed(run, ws, AUTH_REGISTRY, repo, auth);
  });

  test('credsStore: the helper is asked, through a config copy in the work dir under RUNNER_TEMP that is gone after the step', async () => {
    const repo = `sb-e2e/auth-store-${nonce}`;
    // Keeps, when the push starts, the docker config skopeo is given.
    const before =
      'if [ "$SHIM_PROGRAM $1" = "skopeo copy" ]; then for a in "$@"; do [ "$p" = --authfile ] && cp "$a" "$(dirname "$0")/authfile-at-push"; p="$a"; done; fi\n';
    const ws = workspace({ before, after: KEEP_SCANNED_EXPORT });
    const calls = path.join(tempDir('sb-e2e-helper-'), 'calls');
    const helper = [
      '#!/bin/sh',
      `printf '%s\\n' "$1" >> '${calls}'`,
      'case "$1" in',
      `  get) read -r url; printf 'get %s\\n' "$url" >> '${calls}'; printf '%s\\n' '{"ServerURL":"${AUTH_REGISTRY}","Username":"${USER}","Secret":"${PASSWORD}"}' ;;`,
      "  list) echo '{}' ;;",
      '  *) cat > /dev/null ;;',
      'esac',
      ''
    ].join('\n');
    fs.writeFileSync(path.join(ws.shimDir, 'docker-credential-sbtest'), helper, { mode: 0o755 });
    const original = { auths: { [AUTH_REGISTRY]: {} }, credsStore: 'sbtest' };
    const config = dockerConfig(original);
    const run = await act(ws, { push: 'true', tags: `${AUTH_REGISTRY}/${repo}:v1` }, { DOCKER_CONFIG: config }, [PASSWORD]);
    await expectPushed(run, ws, AUTH_REGISTRY, repo, `Basic ${basic(USER, PASSWORD)}`);
    // The helper answered skopeo, for this registry (the login check and the push).
    const asked = fs.readFileSync(calls, 'utf8').split('\n');
    expect(asked).toContain(`get ${AUTH_REGISTRY}`);
    expect(asked.filter((l) => l === 'store' || l === 'erase')).toEqual([]);
    // skopeo was given a copy naming the store as the helper of the registry, in the action's work dir under RUNNER_TEMP.
    const runnerTemp = path.join(ws.dir, '.runner-temp');
    const withAuth = run.children.filter((c) => c.program === 'skopeo' && c.argv.includes('--authfile'));
    // The login check (--get-login, login) and the push.
    expect(withAuth.map((c) => c.argv.slice(0, 2).join(' '))).toEqual(['login --get-login', 'login --authfile', expect.stringMatching(/^copy --all$/)]);
    const authfiles = withAuth.map((c) => c.argv[c.argv.indexOf('--authfile') + 1]);
    expect(new Set(authfiles).size).toBe(1);
    expect(authfiles[0]).toMatch(new RegExp(`^${runnerTemp.replaceAll('.', '\\.')}/.+/docker-config\\.json$`));
    const copy = JSON.parse(fs.readFileSync(path.join(ws.shimDir, 'authfile-at-push'), 'utf8')) as Record<string, unknown>;
    expect(copy).toEqual({ ...original, credHelpers: { [AUTH_REGISTRY]: 'sbtest' } });
    // Nothing of it is left, and the workflow's own config is untouched.
    expect(walk(runnerTemp).filter((f) => path.basename(f) === 'docker-config.json')).toEqual([]);
    expect(fs.existsSync(authfiles[0])).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(config, 'config.json'), 'utf8'))).toEqual(original);
  });

  test('a wrong password: refused before any build, naming the registry and not the password', async () => {
    const wrong = `wrong-password-${randomBytes(6).toString('hex')}`;
    const repo = `sb-e2e/auth-wrong-${nonce}`;
    const config = dockerConfig({ auths: { [AUTH_REGISTRY]: { auth: basic(USER, wrong) } } });
    const run = await act(workspace(), { push: 'true', tags: `${AUTH_REGISTRY}/${repo}:v1` }, { DOCKER_CONFIG: config }, [wrong, PASSWORD]);
    expect(run.main.code).toBe(1);
    expect(theFailure(run)).toMatch(refusal(AUTH_REGISTRY));
    expect(builds(run)).toEqual([]);
    expect(copies(run)).toEqual([]);
    expect(await digestAt(AUTH_REGISTRY, repo, 'v1', `Basic ${basic(USER, PASSWORD)}`)).toBeUndefined();
  });
});

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

// ---- A registry with bearer-token auth (as ghcr.io and Docker Hub): docker-registry + a token server here. ----

const REGISTRY_BIN = '/opt/secret-build-engine/root/usr/bin/docker-registry';
const TOKEN_USER = 'tokuser';
const TOKEN_PASSWORD = 'tokpass';

function tokenReady(): boolean {
  const missing = [...(spawnSync('openssl', ['version']).status === 0 ? [] : ['openssl']), ...(fs.existsSync(REGISTRY_BIN) ? [] : [REGISTRY_BIN])];
  if (missing.length && process.env.CI) throw new Error(`CI: the token registry tests need ${missing.join(' and ')}`);
  if (missing.length) console.warn(`\n!!! token registry tests SKIPPED: ${missing.join(' and ')} missing !!!\n`);
  return !missing.length;
}

const tokenE2e = ready && tokenReady() ? describe : describe.skip;

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

interface TokenRequest {
  method: string;
  account: string;
  scope: string;
  authorized: boolean;
}

tokenE2e('bearer-token auth (a token server, as ghcr.io and Docker Hub)', () => {
  let dir = '';
  const requests: TokenRequest[] = [];
  let server: http.Server;
  let registryProcess: ChildProcess | undefined;
  let registry = '';
  let keyPem = '';
  let certDer = '';

  const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
  function jwt(repos: string[]): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', x5c: [certDer] };
    const claims = {
      iss: 'sb-issuer',
      sub: TOKEN_USER,
      aud: 'sb-test',
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access: repos.map((name) => ({ type: 'repository', name, actions: ['pull', 'push'] }))
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    return `${input}.${b64url(sign('sha256', Buffer.from(input), { key: keyPem, dsaEncoding: 'ieee-p1363' }))}`;
  }

  /** GET with Basic credentials (or none: a token with no access), or the OAuth2 password grant by POST. */
  function answer(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://token');
    if (url.pathname !== '/token') {
      res.writeHead(404).end();
      return;
    }
    const form = new URLSearchParams(req.method === 'POST' ? body : '');
    let user: string | undefined;
    let password: string | undefined;
    const header = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
    if (header) [user, password] = Buffer.from(header[1], 'base64').toString('utf8').split(/:(.*)/s);
    else if (form.get('grant_type') === 'password') [user, password] = [form.get('username') ?? '', form.get('password') ?? ''];
    const scopes = [...url.searchParams.getAll('scope'), ...form.getAll('scope')].flatMap((s) => s.split(' ')).filter(Boolean);
    const authorized = user === TOKEN_USER && password === TOKEN_PASSWORD;
    requests.push({ method: req.method ?? '', account: url.searchParams.get('account') ?? user ?? '', scope: scopes.join(' '), authorized });
    if (user !== undefined && !authorized) {
      res.writeHead(401, { 'Content-Type': 'application/json' }).end(JSON.stringify({ details: 'incorrect username or password' }));
      return;
    }
    const repos = authorized
      ? scopes
          .map((s) => s.split(':'))
          .filter((p) => p[0] === 'repository' && p.length >= 3)
          .map((p) => p[1])
      : [];
    const token = jwt(repos);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 300 }));
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync('/tmp/sb-e2e-token-registry-');
    const run = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '2',
        '-subj',
        '/CN=sb-issuer'
      ],
      { cwd: dir, encoding: 'utf8' }
    );
    if (run.status !== 0) throw new Error(`openssl failed: ${run.stderr}`);
    keyPem = fs.readFileSync(path.join(dir, 'key.pem'), 'utf8');
    certDer = new X509Certificate(fs.readFileSync(path.join(dir, 'cert.pem'))).raw.toString('base64');

    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString('utf8')));
      req.on('end', () => answer(req, body, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const tokenPort = (server.address() as net.AddressInfo).port;

    const port = await freePort();
    registry = `127.0.0.1:${port}`;
    const config = [
      'version: 0.1',
      'log:',
      '  level: warn',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${dir}/data`,
      'http:',
      `  addr: ${registry}`,
      '  secret: sb-e2e-token-registry',
      'auth:',
      '  token:',
      `    realm: http://127.0.0.1:${tokenPort}/token`,
      '    service: sb-test',
      '    issuer: sb-issuer',
      `    rootcertbundle: ${dir}/cert.pem`,
      ''
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'config.yml'), config);
    // The registry reads REGISTRY_* variables as config overrides: none of the test's may reach it.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
    const logFd = fs.openSync(path.join(dir, 'registry.log'), 'a');
    registryProcess = spawn(REGISTRY_BIN, ['serve', path.join(dir, 'config.yml')], { env, stdio: ['ignore', logFd, logFd] });
    fs.closeSync(logFd);
    for (let k = 0; ; k++) {
      const status = await fetch(`http://${registry}/v2/`).then(
        (r) => r.status,
        () => 0
      );
      if (status === 401) break;
      if (k > 80 || registryProcess.exitCode !== null)
        throw new Error(`the token registry did not start (GET /v2/: ${status}):\n${fs.readFileSync(path.join(dir, 'registry.log'), 'utf8')}`);
      await new Promise((r) => setTimeout(r, 125));
    }
  });

  afterAll(async () => {
    if (registryProcess && registryProcess.exitCode === null) {
      const exited = new Promise((resolve) => registryProcess!.once('exit', resolve));
      registryProcess.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5000)))]);
      clearTimeout(timer);
      if (registryProcess.exitCode === null && registryProcess.signalCode === null) registryProcess.kill('SIGKILL');
    }
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A pull token obtained here, as any client would, for reading back what was pushed. */
  async function bearer(repo: string): Promise<string> {
    const realm = /realm="([^"]+)"/.exec((await fetch(`http://${registry}/v2/`)).headers.get('www-authenticate') ?? '')?.[1];
    const r = await fetch(`${realm}?service=sb-test&scope=repository:${repo}:pull`, {
      headers: { Authorization: `Basic ${basic(TOKEN_USER, TOKEN_PASSWORD)}` }
    });
    expect(r.status).toBe(200);
    return `Bearer ${((await r.json()) as { token: string }).token}`;
  }

  test('a login in auths: pushed with a token scoped to the repository; registry digest = digest output', async () => {
    const repo = `sb-e2e/token-${nonce}`;
    const ws = workspace({ after: KEEP_SCANNED_EXPORT });
    const config = dockerConfig({ auths: { [registry]: { auth: basic(TOKEN_USER, TOKEN_PASSWORD) } } });
    requests.length = 0;
    const run = await act(ws, { push: 'true', tags: `${registry}/${repo}:v1` }, { DOCKER_CONFIG: config }, [TOKEN_PASSWORD]);
    const seen = [...requests];
    await expectPushed(run, ws, registry, repo, await bearer(repo));
    expect(seen.filter((r) => !r.authorized)).toEqual([]);
    expect(seen).toContainEqual(expect.objectContaining({ account: TOKEN_USER, scope: `repository:${repo}:pull,push`, authorized: true }));
    // Anonymous, the registry serves nothing.
    expect((await fetch(`http://${registry}/v2/${repo}/manifests/v1`, { headers: { Accept: MANIFEST_TYPES } })).status).toBe(401);
  });

  test('a wrong password: the token server refuses it, and the step fails before any build', async () => {
    const wrong = `wrong-tokpass-${randomBytes(6).toString('hex')}`;
    const repo = `sb-e2e/token-wrong-${nonce}`;
    const config = dockerConfig({ auths: { [registry]: { auth: basic(TOKEN_USER, wrong) } } });
    requests.length = 0;
    const run = await act(workspace(), { push: 'true', tags: `${registry}/${repo}:v1` }, { DOCKER_CONFIG: config }, [wrong, TOKEN_PASSWORD]);
    expect(run.main.code).toBe(1);
    expect(theFailure(run)).toMatch(refusal(registry));
    expect(builds(run)).toEqual([]);
    expect(copies(run)).toEqual([]);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((r) => !r.authorized)).toBe(true);
    expect(await digestAt(registry, repo, 'v1', await bearer(repo))).toBeUndefined();
  });

  test('no login stored: the step fails before any build, saying a login is wanted', async () => {
    const repo = `sb-e2e/token-none-${nonce}`;
    const config = dockerConfig({ auths: {} });
    const run = await act(workspace(), { push: 'true', tags: `${registry}/${repo}:v1` }, { DOCKER_CONFIG: config }, [TOKEN_PASSWORD]);
    expect(run.main.code).toBe(1);
    expect(theFailure(run)).toMatch(noLogin(registry));
    expect(builds(run)).toEqual([]);
    expect(copies(run)).toEqual([]);
  });
});

// ---- No skopeo on PATH. ----

e2e('no skopeo on PATH', () => {
  const SKOPEO_NOT_FOUND =
    "skopeo was not found on PATH: the leak guard pushes the scanned image with it (GitHub's ubuntu runners have it; elsewhere apt-get install skopeo), or set leak-check: off";

  /** A workspace whose PATH is the shim dir (docker shim only) and a dir holding env (the shim runs `env -0`) and the real docker. */
  function withoutSkopeo(): { ws: Workspace; env: Record<string, string> } {
    const ws = workspace();
    fs.rmSync(path.join(ws.shimDir, 'skopeo'), { force: true });
    const bin = tempDir('sb-e2e-bin-');
    const docker = spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).stdout.trim();
    fs.symlinkSync('/usr/bin/env', path.join(bin, 'env'));
    fs.symlinkSync(fs.realpathSync(docker), path.join(bin, 'docker'));
    const PATH = `${ws.shimDir}:${bin}`;
    // The premise: nothing named skopeo on that PATH.
    expect(spawnSync('/bin/sh', ['-c', 'command -v skopeo'], { env: { PATH } }).status).not.toBe(0);
    return { ws, env: { PATH, DOCKER_CONFIG: dockerConfig() } };
  }

  test('push: true fails before any build, saying skopeo is not on PATH', async () => {
    const repo = `sb-e2e/no-skopeo-${nonce}`;
    const { ws, env } = withoutSkopeo();
    const run = await act(ws, { push: 'true', tags: `${REGISTRY}/${repo}:v1` }, env, []);
    expect(run.main.code).toBe(1);
    expect(theFailure(run)).toBe(`::error::${SKOPEO_NOT_FOUND}`);
    expect(builds(run)).toEqual([]);
    expect(await registryDigest(repo, 'v1')).toBeUndefined();
  });

  test('load: true needs no skopeo: built, scanned and loaded', async () => {
    const { ws, env } = withoutSkopeo();
    const run = await act(ws, { load: 'true' }, env, []);
    expect(errorAnnotations(run)).toEqual([]);
    expect(run.main.code).toBe(0);
    expect(builds(run)).toHaveLength(1);
    expect(run.children.every((c) => c.program === 'docker')).toBe(true);
    expect(run.outputs.imageid).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(run.summary).toMatch(/loaded the scanned image sha256:[0-9a-f]{12} untagged/);
  });
});
