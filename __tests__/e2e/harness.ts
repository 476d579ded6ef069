/**
 * Runs the bundled action the way the runner does: INPUT_* env, GITHUB_OUTPUT /
 * GITHUB_STATE / GITHUB_ENV / GITHUB_STEP_SUMMARY files, then, when action.yml's post-if
 * holds as the runner evaluates it (support/runner-model.ts), the post step with STATE_*
 * env. A workspace is one job: its steps share GITHUB_ENV, and each main gets the name the
 * runner would give it (GITHUB_ACTION: `__secret-build`, then `__secret-build_2`, …).
 * `docker` on PATH is a shim that records each child's argv and environment and then
 * runs the real docker, so tests can check what reached the child.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildxPlugin, dockerConfigDir } from '../../src/docker/buildx-plugin.js';
import { jobStatus, postStepRuns, readFileCommands, type JobAfterMain } from '../support/runner-model.js';
import { loadAction, ROOT, runnerInputs } from '../support/yaml.js';

export { jobStatus, postStepRuns, readFileCommands, type JobAfterMain, type JobStatus } from '../support/runner-model.js';

const action = loadAction();
export const MAIN = path.join(ROOT, action.runs.main);
export const POST = path.join(ROOT, action.runs.post!);
export const BASE_IMAGE = 'secret-build-base:latest';

/**
 * A shell command the Dockerfile preflight cannot read (base64 of it, decoded when the
 * RUN step runs), as a hostile or merely indirect Dockerfile writes it: a leak this way
 * gets past the preflight, so it is the image scan that must stop it.
 */
export const hidden = (cmd: string) => `sh -c "$(echo ${Buffer.from(cmd).toString('base64')} | base64 -d)"`;

/** True when a daemon with buildx and the base image is here; in CI its absence fails the run. */
export function dockerReady(): boolean {
  const ok = spawnSync('docker', ['buildx', 'version']).status === 0 && spawnSync('docker', ['image', 'inspect', BASE_IMAGE]).status === 0;
  if (!ok && process.env.CI) throw new Error('CI: docker + buildx + base image are required for the e2e tests (run scripts/setup-docker.sh)');
  if (!ok) console.warn('\n!!! e2e tests SKIPPED: no docker daemon with buildx and the base image. Run: sudo bash scripts/setup-docker.sh !!!\n');
  return ok;
}

export interface Workspace {
  dir: string;
  /** tmpfs directory given as XDG_RUNTIME_DIR: the vault's default home in these tests. */
  runtimeDir: string;
  shimDir: string;
  /** The step's DOCKER_CONFIG (unless a test gives its own): the real one's builders and contexts, and the buildx plugin shim. */
  dockerConfig: string;
  /** The names (GITHUB_ACTION) of the mains started in this job so far; the post step is the last one's. */
  steps: string[];
  cleanup(): void;
}

/** The real buildx plugin, where the docker CLI finds it (the action runs it directly: src/docker/buildx-plugin.ts). */
const REAL_PLUGIN = buildxPlugin();

/**
 * A shim recording argv (and which way it came: `direct.$n` when the action ran the buildx
 * plugin itself), the environment, then running the hooks and the real program. The plugin
 * shim execs this one with `--shim-plugin buildx …`, so hooks see the docker CLI's argv
 * and `$0` is this file for both.
 */
function shimScript(program: string, real: string, shimDir: string): string {
  const plugin = program === 'docker' && REAL_PLUGIN;
  return [
    '#!/bin/sh',
    'n=$$',
    `SHIM_PROGRAM=${program}`,
    'via=',
    ...(plugin ? ['if [ "$1" = --shim-plugin ]; then shift; via=plugin; fi'] : []),
    `printf '%s' ${program} > "${shimDir}/program.$n"`,
    `[ -n "$via" ] && printf '%s' "$via" > "${shimDir}/via.$n"`,
    `printf '%s\\0' "$@" > "${shimDir}/argv.$n"`,
    `env -0 > "${shimDir}/env.$n"`,
    `[ -f "${shimDir}/before.sh" ] && . "${shimDir}/before.sh"`,
    `run_real() { if [ -n "$via" ]; then shift; ${plugin || real} "$@"; else ${real} "$@"; fi; }`,
    `if [ ! -f "${shimDir}/after.sh" ]; then if [ -n "$via" ]; then shift; exec ${plugin || real} "$@"; fi; exec ${real} "$@"; fi`,
    'run_real "$@"; rc=$?',
    `. "${shimDir}/after.sh"`,
    'exit $rc',
    ''
  ].join('\n');
}

/**
 * A DOCKER_CONFIG of the workspace's own that sees what the real one holds (builders,
 * contexts, config.json) through links, so the plugin shim can sit in its cli-plugins.
 */
function workspaceDockerConfig(dir: string): void {
  const real = dockerConfigDir();
  fs.mkdirSync(dir, { recursive: true });
  for (const name of fs.existsSync(real) ? fs.readdirSync(real) : []) if (name !== 'cli-plugins') fs.symlinkSync(path.join(real, name), path.join(dir, name));
  // buildx keeps its builders in <config>/buildx: without a real one, the link still gives it the same place.
  if (!fs.existsSync(path.join(dir, 'buildx'))) {
    fs.mkdirSync(path.join(real, 'buildx'), { recursive: true });
    fs.symlinkSync(path.join(real, 'buildx'), path.join(dir, 'buildx'));
  }
}

/** The buildx plugin in a docker config dir: the workspace's shim, so the action's direct buildx calls are recorded too. */
export function installPluginShim(configDir: string, shimDir: string): void {
  if (!REAL_PLUGIN) return;
  fs.mkdirSync(path.join(configDir, 'cli-plugins'), { recursive: true });
  const shim = path.join(configDir, 'cli-plugins', 'docker-buildx');
  fs.rmSync(shim, { force: true });
  fs.writeFileSync(shim, `#!/bin/sh\nexec "${shimDir}/docker" --shim-plugin buildx "$@"\n`, { mode: 0o755 });
}

export function makeWorkspace(files: Record<string, string | Buffer>): Workspace {
  const dir = fs.mkdtempSync('/tmp/sb-e2e-');
  const runtimeDir = fs.mkdtempSync('/dev/shm/sb-e2e-rt-');
  fs.chmodSync(runtimeDir, 0o700);
  const shimDir = path.join(dir, '.shim');
  fs.mkdirSync(shimDir);
  // Hooks a test may drop into the shim dir: before.sh runs first (it may answer and exit),
  // after.sh runs once the real program has exited, with "$@", $rc and $SHIM_PROGRAM set.
  for (const program of ['docker', 'skopeo']) {
    const real = spawnSync('sh', ['-c', `command -v ${program}`])
      .stdout.toString()
      .trim();
    // No skopeo on this machine: none in the workspace either (the action must say so).
    if (!real) continue;
    fs.writeFileSync(path.join(shimDir, program), shimScript(program, real, shimDir), { mode: 0o755 });
  }
  // Outside the workspace, which is the build context: its config.json is a credential file there.
  const dockerConfig = fs.mkdtempSync('/tmp/sb-e2e-docker-');
  workspaceDockerConfig(dockerConfig);
  installPluginShim(dockerConfig, shimDir);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return {
    dir,
    runtimeDir,
    shimDir,
    dockerConfig,
    steps: [],
    cleanup: () => {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(runtimeDir, { recursive: true, force: true });
      fs.rmSync(dockerConfig, { recursive: true, force: true });
    }
  };
}

/**
 * The workspaces of a test file, each removed by `hook` (afterAll, or afterEach): the
 * maker it returns makes one and records it.
 */
export function trackedWorkspaces(hook: (fn: () => void) => void): (files: Record<string, string | Buffer>) => Workspace {
  const made: Workspace[] = [];
  hook(() => made.splice(0).forEach((w) => w.cleanup()));
  return (files) => {
    const w = makeWorkspace(files);
    made.push(w);
    return w;
  };
}

export interface StepRun {
  /** A post step the runner did not start (its post-if was false). */
  skipped?: true;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Child {
  program: 'docker' | 'skopeo';
  /** A buildx call the action made to the plugin itself (recorded as the docker CLI's argv, `buildx …`). */
  direct: boolean;
  argv: string[];
  env: string[];
}

export interface ActionRun {
  main: StepRun;
  post: StepRun;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  /** argv and environment of every docker child (and skopeo child, `program: 'skopeo'`), as the shims recorded them. */
  children: Child[];
}

/** The step's environment: the job's (GITHUB_ENV as applied so far), then the step's own (`extraEnv`, its `env:`). */
function stepEnv(ws: Workspace, name: string, inputs: Record<string, string>, extraEnv: Record<string, string>): NodeJS.ProcessEnv {
  const jobEnvFile = path.join(ws.dir, '.github_env');
  const env: NodeJS.ProcessEnv = {
    PATH: `${ws.shimDir}:${process.env.PATH}`,
    HOME: process.env.HOME,
    XDG_RUNTIME_DIR: ws.runtimeDir,
    RUNNER_TEMP: path.join(ws.dir, '.runner-temp'),
    GITHUB_WORKSPACE: ws.dir,
    GITHUB_OUTPUT: path.join(ws.dir, '.github_output'),
    GITHUB_STATE: path.join(ws.dir, '.github_state'),
    GITHUB_STEP_SUMMARY: path.join(ws.dir, '.github_summary'),
    GITHUB_ENV: jobEnvFile,
    GITHUB_ACTION: name,
    DOCKER_CONFIG: ws.dockerConfig,
    ...readFileCommands(jobEnvFile),
    ...extraEnv
  };
  // A test's own docker config gets the plugin shim too: a buildx call must never go unrecorded.
  if (extraEnv.DOCKER_CONFIG) installPluginShim(extraEnv.DOCKER_CONFIG, ws.shimDir);
  for (const f of [env.GITHUB_OUTPUT!, env.GITHUB_STATE!, env.GITHUB_STEP_SUMMARY!, jobEnvFile]) if (!fs.existsSync(f)) fs.writeFileSync(f, '');
  fs.mkdirSync(env.RUNNER_TEMP!, { recursive: true });
  // The tests build their workspace as a path context, as a workflow with `context: .` after a checkout.
  return { ...env, ...runnerInputs({ context: '.', ...inputs }) };
}

export interface Running {
  child: ChildProcess;
  /** Resolves when stdout+stderr so far contain `text`. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  done: Promise<StepRun>;
}

/** Run a step as another user (root only): the workspace is opened up to them first. */
export interface RunAs {
  uid?: number;
  gid?: number;
  /** A command the step runs under (e.g. a mount namespace): the node process is appended to it. */
  wrap?: string[];
}

/** The workspace, runner temp and file-command files become writable; the test's own files keep their modes. */
function openTo(ws: Workspace): void {
  fs.chmodSync(ws.dir, 0o777);
  for (const n of fs.readdirSync(ws.dir).filter((f) => f.startsWith('.github_') || f === '.runner-temp')) {
    const f = path.join(ws.dir, n);
    fs.chmodSync(f, fs.statSync(f).isDirectory() ? 0o777 : 0o666);
  }
}

export function startStep(script: string, ws: Workspace, env: NodeJS.ProcessEnv, as?: RunAs): Running {
  if (as?.uid !== undefined) openTo(ws);
  const [cmd, ...args] = [...(as?.wrap ?? []), process.execPath, script];
  const child = spawn(cmd, args, { cwd: ws.dir, env, stdio: ['ignore', 'pipe', 'pipe'], uid: as?.uid, gid: as?.gid });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters])
      if ((stdout + stderr).includes(w.text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
  };
  child.stdout.on('data', (d) => {
    stdout += d;
    check();
  });
  child.stderr.on('data', (d) => {
    stderr += d;
    check();
  });
  const done = new Promise<StepRun>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    child,
    done,
    waitFor: (text, timeoutMs = 60000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${JSON.stringify(text)}; output so far:\n${stdout}${stderr}`)), timeoutMs);
        waiters.push({
          text,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          }
        });
        check();
      })
  };
}

export function startMain(ws: Workspace, inputs: Record<string, string>, extraEnv: Record<string, string> = {}, as?: RunAs): Running {
  const name = extraEnv.GITHUB_ACTION ?? (ws.steps.length ? `__secret-build_${ws.steps.length + 1}` : '__secret-build');
  ws.steps.push(name);
  const env = stepEnv(ws, name, inputs, extraEnv);
  return startStep(MAIN, ws, env, as);
}

/** The post step of the last main, started whatever its post-if says, with STATE_* from the state file as the runner passes it. */
export function runPost(ws: Workspace, extraEnv: Record<string, string> = {}, as?: RunAs): Promise<StepRun> {
  const env = postEnv(ws, extraEnv);
  for (const [k, v] of Object.entries(readFileCommands(env.GITHUB_STATE!))) env[`STATE_${k}`] = v;
  return startStep(POST, ws, env, as).done;
}

function postEnv(ws: Workspace, extraEnv: Record<string, string>): NodeJS.ProcessEnv {
  return stepEnv(ws, ws.steps.at(-1) ?? '__secret-build', {}, extraEnv);
}

/** Whether the runner would start the last main's post step now: action.yml's post-if against the job after main and its env. */
export function postWouldRun(ws: Workspace, job: JobAfterMain, extraEnv: Record<string, string> = {}): boolean {
  const env = postEnv(ws, extraEnv);
  return postStepRuns(action.runs['post-if'], { status: jobStatus(job), env, action: env.GITHUB_ACTION! });
}

/** The post step as the runner would run it after `main` (skipped when post-if says so), and what the steps left. */
export async function finishRun(ws: Workspace, main: StepRun, extraEnv: Record<string, string> = {}, as?: RunAs): Promise<ActionRun> {
  const post = postWouldRun(ws, { main, continueOnError: false, cancelled: false }, extraEnv) ? await runPost(ws, extraEnv, as) : SKIPPED;
  return {
    main,
    post,
    outputs: readFileCommands(path.join(ws.dir, '.github_output')),
    state: readFileCommands(path.join(ws.dir, '.github_state')),
    summary: fs.readFileSync(path.join(ws.dir, '.github_summary'), 'utf8'),
    children: readChildren(ws)
  };
}

export async function runAction(ws: Workspace, inputs: Record<string, string>, extraEnv: Record<string, string> = {}, as?: RunAs): Promise<ActionRun> {
  const main = await startMain(ws, inputs, extraEnv, as).done;
  return finishRun(ws, main, extraEnv, as);
}

/** A post step the runner did not start. */
export const SKIPPED: StepRun = { skipped: true, code: 0, signal: null, stdout: '', stderr: '' };

function readChildren(ws: Workspace): Child[] {
  // In the order they started (the shim writes argv first): readdir order is by name, and "argv.10001" sorts before "argv.9999".
  const started = (f: string) => fs.statSync(path.join(ws.shimDir, f)).mtimeMs;
  return fs
    .readdirSync(ws.shimDir)
    .filter((f) => f.startsWith('argv.'))
    .sort((a, b) => started(a) - started(b) || Number(a.slice(5)) - Number(b.slice(5)))
    .map((f) => ({
      program: fs.readFileSync(path.join(ws.shimDir, f.replace('argv.', 'program.')), 'utf8') as Child['program'],
      direct: fs.existsSync(path.join(ws.shimDir, f.replace('argv.', 'via.'))),
      argv: fs.readFileSync(path.join(ws.shimDir, f), 'utf8').split('\0').slice(0, -1),
      env: fs
        .readFileSync(path.join(ws.shimDir, f.replace('argv.', 'env.')), 'utf8')
        .split('\0')
        .slice(0, -1)
    }));
}

/** The `buildx build` calls of a run (the action's own, to the plugin or through the docker CLI). */
export const builds = (run: ActionRun) => run.children.filter((c) => c.program === 'docker' && c.argv[0] === 'buildx' && c.argv[1] === 'build');

/** Whether this machine has a buildx plugin where the docker CLI looks (then the action runs it directly). */
export const PLUGIN_FOUND = REAL_PLUGIN !== null;

/** Everything a run printed or wrote, minus the `::add-mask::` commands that are the runner's masking channel. */
export function everythingVisible(run: ActionRun): string {
  const logs = [run.main.stdout, run.main.stderr, run.post.stdout, run.post.stderr]
    .join('\n')
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  const children = run.children.flatMap((c) => [...c.argv, ...c.env]).join('\n');
  return [logs, JSON.stringify(run.outputs), JSON.stringify(run.state), run.summary, children].join('\n');
}

/**
 * Forms a leak can take, computed independently of the action's own variant code:
 * the value, each line of 4+ bytes, base64 (std and url) of each at offsets 0-2 with
 * the bytes that depend on neighbours cut off, hex, URL and JSON escapes.
 */
export function leakForms(value: string | Buffer): string[] {
  const v = Buffer.isBuffer(value) ? value : Buffer.from(value);
  const pieces = [
    v,
    ...v
      .toString('latin1')
      .split('\n')
      .map((l) => Buffer.from(l.replace(/\r$/, ''), 'latin1'))
  ].filter((p) => p.length >= 4);
  const forms = new Set<string>();
  for (const p of pieces) {
    forms.add(p.toString('utf8'));
    forms.add(p.toString('hex'));
    for (const shift of [0, 1, 2]) {
      const b64 = Buffer.concat([Buffer.alloc(shift), p]).toString('base64');
      const inner = b64.slice(Math.ceil((shift * 4) / 3), Math.floor(((shift + p.length) * 4) / 3) - 0);
      const stable = inner.slice(0, Math.max(0, inner.length - 1));
      if (stable.length >= 4) {
        forms.add(stable);
        forms.add(stable.replaceAll('+', '-').replaceAll('/', '_'));
      }
    }
    const text = p.toString('utf8');
    forms.add(encodeURIComponent(text));
    forms.add(JSON.stringify(text).slice(1, -1));
  }
  return [...forms].filter((f) => f.length >= 4);
}

export function leaksIn(haystack: string, values: (string | Buffer)[]): string[] {
  return values.flatMap((v, k) =>
    leakForms(v)
      .filter((f) => haystack.includes(f))
      .map((f) => `secret #${k} form of length ${f.length}`)
  );
}

/** Directory entries left in a vault base (the tmpfs dir given to the action). */
export function leftovers(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

/** The local registry that scripts/registry.sh runs (127.0.0.1, plain HTTP). */
export const REGISTRY = `127.0.0.1:${process.env.REGISTRY_PORT ?? '5000'}`;

/** True when the registry answers; in CI its absence fails the run. */
export async function registryReady(): Promise<boolean> {
  const ok = await fetch(`http://${REGISTRY}/v2/`).then(
    (r) => r.ok,
    () => false
  );
  if (!ok && process.env.CI) throw new Error(`CI: the registry at ${REGISTRY} is required (bash scripts/registry.sh start)`);
  if (!ok) console.warn(`\n!!! registry tests SKIPPED: nothing answers at ${REGISTRY}. Run: bash scripts/registry.sh start !!!\n`);
  return ok;
}

/** Every manifest type a client accepts: the registry answers a request without the Docker v2 type with schema 1 and another digest. */
export const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ');

/** The digest the registry serves for repo:reference, or undefined when it has no such manifest. */
export async function registryDigest(repo: string, reference: string): Promise<string | undefined> {
  const r = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${reference}`, { method: 'HEAD', headers: { Accept: MANIFEST_TYPES } });
  if (r.status === 404) return undefined;
  if (!r.ok) throw new Error(`registry answered ${r.status} for ${repo}:${reference}`);
  return r.headers.get('docker-content-digest') ?? undefined;
}

/**
 * An after.sh hook that keeps a copy of the OCI export the action's build wrote (the one
 * it scans), as `scanned.tar` in the shim dir, for a test to compare what was published with.
 */
export const KEEP_SCANNED_EXPORT = [
  'if [ "$SHIM_PROGRAM $1 $2" = "docker buildx build" ]; then',
  '  for a in "$@"; do case "$a" in type=oci,dest=*/image.tar*) f="${a#type=oci,dest=}"; cp "${f%%,*}" "$(dirname "$0")/scanned.tar";; esac; done',
  'fi',
  ''
].join('\n');

/** The documents of an OCI archive: index.json, and every blob that parses as JSON, by digest. */
export async function ociDocuments(file: string): Promise<{ index: OciIndex; blobs: Map<string, OciIndex> }> {
  const { extract } = await import('tar-stream');
  const ex = extract();
  fs.createReadStream(file).pipe(ex);
  const blobs = new Map<string, OciIndex>();
  let index: OciIndex = {};
  for await (const entry of ex) {
    const chunks: Buffer[] = [];
    for await (const c of entry as AsyncIterable<Buffer>) chunks.push(c);
    const text = Buffer.concat(chunks);
    if (text[0] !== 0x7b) continue;
    const doc = JSON.parse(text.toString('utf8')) as OciIndex;
    if (entry.header.name === 'index.json') index = doc;
    const m = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(entry.header.name);
    if (m) blobs.set(`sha256:${m[1]}`, doc);
  }
  return { index, blobs };
}

export interface OciIndex {
  manifests?: { digest: string; platform?: { os: string; architecture: string }; annotations?: Record<string, string> }[];
}

/** The digest of what an OCI export holds (its one top-level entry), and its platform manifests by `os/arch` (attestations under `attestation`). */
export async function exportedImage(file: string): Promise<{ digest: string; platforms: Record<string, string> }> {
  const { index, blobs } = await ociDocuments(file);
  const digest = index.manifests?.[0]?.digest ?? '';
  const platforms: Record<string, string> = {};
  for (const m of blobs.get(digest)?.manifests ?? []) {
    const attestation = m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest';
    platforms[attestation ? `attestation of ${m.annotations!['vnd.docker.reference.digest']}` : `${m.platform?.os}/${m.platform?.architecture}`] = m.digest;
  }
  return { digest, platforms };
}

/** A manifest or index as the registry serves it, with its digest. */
export async function registryManifest(repo: string, reference: string): Promise<{ digest: string; doc: OciIndex } | undefined> {
  const r = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${reference}`, { headers: { Accept: MANIFEST_TYPES } });
  if (r.status === 404) return undefined;
  if (!r.ok) throw new Error(`registry answered ${r.status} for ${repo}:${reference}`);
  return { digest: r.headers.get('docker-content-digest') ?? '', doc: (await r.json()) as OciIndex };
}

/** Kills the docker and skopeo children the shims saw (after a signal to main they may be orphans). */
export function killChildren(w: Workspace): void {
  for (const f of fs.readdirSync(w.shimDir).filter((n) => n.startsWith('argv.'))) {
    try {
      process.kill(Number(f.slice(5)), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** The error annotations of a run, decoded as the runner shows them (`%0A` is a line break). */
export function errorAnnotations(run: ActionRun): string[] {
  return run.main.stdout
    .split('\n')
    .filter((l) => l.startsWith('::error'))
    .map((l) => l.replaceAll('%0A', '\n').replaceAll('%25', '%'));
}

/**
 * True when the buildx builder `name` answers with the `driver` expected; in CI its absence
 * fails the run, elsewhere the suite is skipped with a loud message naming `setup`.
 */
export function builderReady(name: string, driver: string, setup: string): boolean {
  const r = spawnSync('docker', ['buildx', 'inspect', '--bootstrap', name], { encoding: 'utf8' });
  const ok = r.status === 0 && new RegExp(`Driver:\\s+${driver}\\b`).test(r.stdout);
  if (!ok && process.env.CI) throw new Error(`CI: the buildx builder ${name} is required (${setup})`);
  if (!ok) console.warn(`\n!!! tests on ${name} SKIPPED: no buildx builder ${name} (${driver} driver). Run: ${setup} !!!\n`);
  return ok;
}
