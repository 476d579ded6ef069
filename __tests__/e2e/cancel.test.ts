/**
 * A cancel at any moment leaves nothing unscanned behind: SIGTERM before the build, in
 * it, in the scan and in publishing, on both image stores, removes the vault and every
 * export of the build (the OCI export under RUNNER_TEMP, a file output's copy beside its
 * destination in the workspace, the untagged image the classic store loaded for the scan);
 * after a SIGKILL of main, the post step removes them from the recorded state.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  dockerReady,
  everythingVisible,
  finishRun,
  killChildren,
  leaksIn,
  leftovers,
  makeWorkspace,
  REGISTRY,
  registryReady,
  startMain,
  type ActionRun,
  type Workspace
} from './harness.js';

const CLASSIC_HOST = 'unix:///run/secret-build-classic/docker.sock';
const ready = dockerReady() && (await registryReady());
const e2e = ready ? describe : describe.skip;
const SECRET = `cancel-secret-${randomBytes(8).toString('hex')}`;
/** A blob the scan takes seconds to read (made once; see the scan phase). */
const ZEROS_DIR = fs.mkdtempSync('/tmp/sb-e2e-zeros-');
const DOCKERFILE = 'FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok,required=true echo build-started && sleep 2 && echo ok > /ok\n';

beforeAll(() => {
  fs.mkdirSync(path.join(ZEROS_DIR, 'blobs', 'sha256'), { recursive: true });
  execFileSync('sh', ['-c', `head -c 1500000000 /dev/zero | gzip -1 > "${path.join(ZEROS_DIR, 'blobs', 'sha256', '0'.repeat(64))}"`]);
}, 60_000);
afterAll(() => fs.rmSync(ZEROS_DIR, { recursive: true, force: true }));

let workspaces: Workspace[] = [];
afterEach(() => {
  workspaces.forEach((w) => {
    killChildren(w);
    w.cleanup();
  });
  workspaces = [];
});

/** A hook that marks the phase reached (a file in the shim dir) and holds the step there. */
const hold = (when: string) => `if ${when}; then touch "$(dirname "$0")/phase"; sleep 60; fi\n`;

/**
 * Where each phase is held: before the build (skopeo's check of the push target), in it (the
 * RUN step), in the scan (the OCI export replaced by a FIFO nobody writes: the scan waits on
 * it), in publishing (skopeo's copy).
 */
const PHASES: Record<string, { before?: string; after?: string; text?: string }> = {
  'before the build': { before: hold('[ "$SHIM_PROGRAM $1" = "skopeo login" ]') },
  'in the build': { text: 'build-started' },
  'in the scan': {
    // A layer of 1.5 GB of zeros, gzipped, appended to the export: the scan reads it for seconds.
    after: [
      'if [ "$SHIM_PROGRAM $1 $2" = "docker buildx build" ]; then',
      '  for a in "$@"; do case "$a" in type=oci,dest=*) f="${a#type=oci,dest=}"; f="${f%%,*}";;',
      '  esac; done',
      `  tar -rf "$f" -C "${ZEROS_DIR}" "blobs/sha256/${'0'.repeat(64)}"`,
      'fi',
      ''
    ].join('\n'),
    text: 'Leak guard: scan before publishing'
  },
  'in publishing': { before: hold('[ "$SHIM_PROGRAM $1" = "skopeo copy" ]') }
};

async function reached(w: Workspace, text: string | undefined, main: ReturnType<typeof startMain>): Promise<void> {
  if (text) return main.waitFor(text);
  const phase = path.join(w.shimDir, 'phase');
  for (let i = 0; i < 600 && !fs.existsSync(phase); i++) await new Promise((r) => setTimeout(r, 100));
  expect(fs.existsSync(phase)).toBe(true);
  // Into the phase: the action has started what the hook holds.
  await new Promise((r) => setTimeout(r, 300));
}

/** What the build left on the runner: work directories under RUNNER_TEMP, file output copies beside their destination. */
function exportsLeft(w: Workspace): string[] {
  const temp = path.join(w.dir, '.runner-temp');
  return [
    ...(fs.existsSync(temp) ? fs.readdirSync(temp).filter((f) => f.startsWith('secret-build-work-')) : []),
    ...fs.readdirSync(w.dir).filter((f) => f.includes('.secret-build-'))
  ];
}

async function cancelAt(phase: string, signal: NodeJS.Signals): Promise<{ run: ActionRun; w: Workspace; duringPhase: string[] }> {
  // The context is a folder of the workspace, the file output beside it: its copy is written next to it, in the workspace.
  const w = makeWorkspace({ 'app/Dockerfile': DOCKERFILE });
  workspaces.push(w);
  const p = PHASES[phase];
  if (p.before) fs.writeFileSync(path.join(w.shimDir, 'before.sh'), p.before);
  if (p.after) fs.writeFileSync(path.join(w.shimDir, 'after.sh'), p.after);
  const main = startMain(w, {
    secrets: `tok=${SECRET}`,
    context: 'app',
    'no-cache': 'true',
    push: 'true',
    tags: `${REGISTRY}/sb-e2e/cancel-${randomBytes(4).toString('hex')}:v1`,
    // A file output beside the workspace: its unscanned copy sits next to it until the scan passes.
    outputs: `type=local,dest=${path.join(w.dir, 'out')}`
  });
  await reached(w, p.text, main);
  const duringPhase = exportsLeft(w);
  main.child.kill(signal);
  const step = await main.done;
  killChildren(w);
  return { run: await finishRun(w, step), w, duringPhase };
}

e2e('a cancel at any moment leaves nothing unscanned behind (containerd store)', () => {
  test.each(Object.keys(PHASES))('SIGTERM %s: vault and every export removed by main itself; post has nothing to do', async (phase) => {
    const { run, w, duringPhase } = await cancelAt(phase, 'SIGTERM');
    // The phase was one with exports on the runner: the work dir from the start, the output's copy once the build wrote it.
    expect(duringPhase.some((f) => f.startsWith('secret-build-work-'))).toBe(true);
    if (phase === 'in the scan' || phase === 'in publishing') expect(duringPhase.some((f) => f.startsWith('out.secret-build-'))).toBe(true);
    expect(run.main.code).toBe(143);
    expect(run.main.stdout).toContain('received SIGTERM: secret vault removed');
    expect(leftovers(w.runtimeDir)).toEqual([]);
    expect(exportsLeft(w)).toEqual([]);
    expect(fs.existsSync(path.join(w.dir, 'out'))).toBe(false);
    expect(run.post.stdout).not.toMatch(/removed/);
    expect(leaksIn(everythingVisible(run), [SECRET])).toEqual([]);
  });

  test('SIGKILL in the scan: the exports stay until the post step, which removes them from the recorded state', async () => {
    const { run, w, duringPhase } = await cancelAt('in the scan', 'SIGKILL');
    expect(duringPhase.filter((f) => f.startsWith('secret-build-work-'))).toHaveLength(1);
    expect(duringPhase.filter((f) => f.startsWith('out.secret-build-'))).toHaveLength(1);
    expect(run.main.signal).toBe('SIGKILL');
    expect(run.post.code).toBe(0);
    expect(run.post.stdout).toContain('removed 2 unscanned build export(s) the main step left behind');
    // The vault was gone before the scan began.
    expect(run.post.stdout).not.toContain('secret vault');
    expect(exportsLeft(w)).toEqual([]);
    expect(leftovers(w.runtimeDir)).toEqual([]);
  });
});

/** True when the classic-store engine answers (its own tests fail CI when it does not). */
function classicReady(): boolean {
  try {
    return (
      execFileSync('docker', ['info', '--format', '{{.Driver}}'], { env: { ...process.env, DOCKER_HOST: CLASSIC_HOST }, encoding: 'utf8' }).trim() ===
      'overlay2'
    );
  } catch {
    return false;
  }
}

(ready && classicReady() ? describe : describe.skip)('the classic image store: the untagged image loaded for the scan', () => {
  const images = () =>
    execFileSync('docker', ['image', 'ls', '-q', '--no-trunc'], { env: { ...process.env, DOCKER_HOST: CLASSIC_HOST }, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
  // docker save stalls: the scan is held with the image loaded.
  const STALL = 'if [ "$1" = "save" ]; then touch "$(dirname "$0")/phase"; exec sleep 60; fi\n';

  // Held in the build (its RUN step), in the scan (docker save stalls, the image loaded) and in publishing (docker tag).
  const CLASSIC_PHASES: Record<string, { hook?: string; text?: string; loaded: boolean }> = {
    'in the build': { text: 'build-started', loaded: false },
    'in the scan': { hook: STALL, loaded: true },
    'in publishing': { hook: hold('[ "$1" = tag ]'), loaded: true }
  };
  test.each([
    ['SIGTERM', 'in the build'],
    ['SIGTERM', 'in the scan'],
    ['SIGTERM', 'in publishing'],
    ['SIGKILL', 'in the scan']
  ] as const)('%s %s: the untagged image and every export are gone afterwards (by main on SIGTERM, by post after SIGKILL)', async (signal, phase) => {
    const before = images();
    const w = makeWorkspace({ Dockerfile: DOCKERFILE });
    workspaces.push(w);
    const p = CLASSIC_PHASES[phase];
    if (p.hook) fs.writeFileSync(path.join(w.shimDir, 'before.sh'), p.hook);
    const main = startMain(
      w,
      { secrets: `tok=${SECRET}`, 'no-cache': 'true', load: 'true', tags: `sb-e2e-cancel:${randomBytes(3).toString('hex')}` },
      { DOCKER_HOST: CLASSIC_HOST }
    );
    await reached(w, p.text, main);
    expect(images().filter((id) => !before.includes(id))).toHaveLength(p.loaded ? 1 : 0);
    main.child.kill(signal);
    const step = await main.done;
    killChildren(w);
    const run = await finishRun(w, step, { DOCKER_HOST: CLASSIC_HOST });
    if (signal === 'SIGKILL') expect(run.post.stdout).toContain('removed the unscanned image the main step had loaded');
    expect(images().filter((id) => !before.includes(id))).toEqual([]);
    expect(exportsLeft(w)).toEqual([]);
    expect(leftovers(w.runtimeDir)).toEqual([]);
    expect(leaksIn(everythingVisible(run), [SECRET])).toEqual([]);
  });
});
