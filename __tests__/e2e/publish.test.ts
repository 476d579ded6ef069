/**
 * Build, scan, then publish the scanned bytes, against the real engine and a real
 * registry: one build; nothing leaves the runner before the scan is clean; what is pushed,
 * loaded, cached or moved is what was scanned (the same digests); and the leak guard fails
 * closed when it cannot read what the build produced.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  type ActionRun,
  builds,
  dockerReady,
  everythingVisible,
  exportedImage,
  hidden,
  KEEP_SCANNED_EXPORT,
  leaksIn,
  leftovers,
  PLUGIN_FOUND,
  REGISTRY,
  registryDigest,
  registryManifest,
  registryReady,
  runAction,
  type Workspace,
  trackedWorkspaces
} from './harness.js';

const ready = dockerReady() && (await registryReady());
const e2e = ready ? describe : describe.skip;
const nonce = randomBytes(5).toString('hex');
const TOK = `publish-tok-${randomBytes(8).toString('hex')}`;
const newWorkspace = trackedWorkspaces(afterAll);

const CLEAN = 'FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok,required=true test -s /run/secrets/tok && echo ok > /ok\n';
/** The secret written into the final image in a way the preflight cannot read: the scan must stop it. */
const LEAKY = `FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok,required=true ${hidden('cp /run/secrets/tok /leaked')}\n`;
/** The secret lands in a builder stage that the final image does not copy: only a mode=max cache carries it. */
const STAGE_LEAK =
  'FROM secret-build-base:latest AS builder\nRUN --mount=type=secret,id=tok,required=true cp /run/secrets/tok /leaked && echo built > /artefact\n' +
  'FROM secret-build-base:latest\nCOPY --from=builder /artefact /artefact\n';

function workspace(dockerfile: string, hooks: { before?: string; after?: string } = {}): Workspace {
  const ws = newWorkspace({ Dockerfile: dockerfile });
  if (hooks.before) fs.writeFileSync(path.join(ws.shimDir, 'before.sh'), hooks.before);
  if (hooks.after) fs.writeFileSync(path.join(ws.shimDir, 'after.sh'), hooks.after);
  return ws;
}

async function act(ws: Workspace, inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  const run = await runAction(ws, { secrets: `tok=${TOK}`, ...inputs }, env);
  expect(leaksIn(everythingVisible(run), [TOK])).toEqual([]);
  expect(leftovers(ws.runtimeDir)).toEqual([]);
  // The build that mounts the secrets is the only build, whatever is published.
  expect(builds(run).length).toBeLessThanOrEqual(1);
  // Every buildx call (inspect, build, history) goes to the plugin itself, none through the docker CLI's dispatch.
  const buildx = run.children.filter((c) => c.program === 'docker' && c.argv[0] === 'buildx');
  expect(buildx.filter((c) => !c.direct)).toEqual(PLUGIN_FOUND ? [] : buildx);
  return run;
}

const skopeos = (run: ActionRun) => run.children.filter((c) => c.program === 'skopeo' && c.argv[0] === 'copy');

const errors = (run: ActionRun) => run.main.stdout.split('\n').filter((l) => l.startsWith('::error'));

/** Records, at the start of the build and of each push, what the vault base holds. */
const VAULT_PROBE = `if [ "$1 $2" = "buildx build" ] || [ "$SHIM_PROGRAM $1" = "skopeo copy" ]; then find "$XDG_RUNTIME_DIR" -mindepth 1 | sort > "$(dirname "$0")/vault.$$"; fi\n`;

e2e('verify before publishing', () => {
  test('a leaky image with push: true fails naming the secret, and the registry has no manifest', async () => {
    const repo = `sb-e2e/leaky-${nonce}`;
    // no-cache: a layer cached by an earlier run holds that run's (other) secret value, which this scan does not know.
    const run = await act(workspace(LEAKY), { push: 'true', tags: `${REGISTRY}/${repo}:v1`, 'no-cache': 'true' });
    expect(run.main.code).toBe(1);
    expect(errors(run).join('\n')).toMatch(/secret "tok" found in the built image: .*, leaked/);
    expect(errors(run).join('\n')).toMatch(/nothing was published/);
    expect(builds(run)).toHaveLength(1);
    expect(builds(run)[0].argv).not.toContain('--push');
    expect(await registryDigest(repo, 'v1')).toBeUndefined();
  });

  test('a clean image: one build; its scanned OCI export itself is pushed (registry digest = digest output = export digest); the vault is empty by then', async () => {
    const repo = `sb-e2e/clean-${nonce}`;
    const ws = workspace(CLEAN, { before: VAULT_PROBE, after: KEEP_SCANNED_EXPORT });
    const run = await act(ws, { push: 'true', tags: `${REGISTRY}/${repo}:v1,${REGISTRY}/${repo}:latest` });
    expect(run.main.code).toBe(0);
    const [build] = builds(run);
    expect(builds(run)).toHaveLength(1);
    expect(build.argv.filter((a) => a.startsWith('--secret'))).toHaveLength(1);
    expect(build.argv.some((a) => a.startsWith('type=oci,dest='))).toBe(true);
    expect(build.argv).not.toContain('--push');
    const scanned = await exportedImage(path.join(ws.shimDir, 'scanned.tar'));
    expect(run.outputs.digest).toBe(scanned.digest);
    expect(await registryDigest(repo, 'v1')).toBe(scanned.digest);
    expect(await registryDigest(repo, 'latest')).toBe(scanned.digest);
    // skopeo copies the scanned archive, all of it, keeping its digests; one copy a name.
    expect(skopeos(run).map((c) => c.argv.filter((a) => a.startsWith('--') || a.startsWith('oci-archive:')).slice(0, 3))).toEqual([
      ['--all', '--preserve-digests', '--digestfile'],
      ['--all', '--preserve-digests', '--digestfile']
    ]);
    expect((JSON.parse(run.outputs.metadata) as Record<string, unknown>)['image.name']).toBe(`${REGISTRY}/${repo}:v1,${REGISTRY}/${repo}:latest`);
    expect(run.summary).toMatch(/scanned image \(OCI export\)/);
    expect(run.summary).toMatch(/pushed the scanned image sha256:[0-9a-f]{12} to /);
    // The vault held one secret file while the build ran, and nothing when each push started.
    const byTime = fs
      .readdirSync(ws.shimDir)
      .filter((f) => f.startsWith('vault.'))
      .map((f) => ({ t: fs.statSync(path.join(ws.shimDir, f)).mtimeMs, files: fs.readFileSync(path.join(ws.shimDir, f), 'utf8').trim() }))
      .sort((a, b) => a.t - b.t);
    expect(byTime).toHaveLength(3);
    expect(byTime[0].files).toMatch(/secret-build-[^/\n]+\/secret-0$/m);
    expect(byTime.slice(1).map((p) => p.files)).toEqual(['', '']);
  });

  test('push with provenance: the attestation that reaches the registry is the scanned one', async () => {
    const repo = `sb-e2e/prov-${nonce}`;
    const ws = workspace(CLEAN, { after: KEEP_SCANNED_EXPORT });
    const run = await act(ws, { push: 'true', tags: `${REGISTRY}/${repo}:v1`, provenance: 'mode=max' });
    expect(run.main.code).toBe(0);
    const scanned = await exportedImage(path.join(ws.shimDir, 'scanned.tar'));
    const attestations = Object.keys(scanned.platforms).filter((p) => p.startsWith('attestation'));
    expect(attestations).toHaveLength(1);
    const pushed = await registryManifest(repo, 'v1');
    expect(pushed?.digest).toBe(scanned.digest);
    expect(run.outputs.digest).toBe(scanned.digest);
    // The registry serves the scanned attestation manifest itself.
    expect(await registryDigest(repo, scanned.platforms[attestations[0]])).toBe(scanned.platforms[attestations[0]]);
  });

  test('a builder-stage leak with cache-to type=local,mode=max: found in the cache, nothing exported', async () => {
    const ws = workspace(STAGE_LEAK);
    const dest = path.join(ws.dir, 'cache-out');
    const run = await act(ws, { 'cache-to': `type=local,dest=${dest},mode=max`, 'no-cache': 'true' });
    expect(run.main.code).toBe(1);
    expect(errors(run).join('\n')).toMatch(
      /secret "tok" found in the built image: .*build cache|secret "tok" found in the built image: blobs\/sha256\/[0-9a-f]{64}, leaked/
    );
    expect(fs.existsSync(dest)).toBe(false);
    expect(builds(run)).toHaveLength(1);
  });

  test('a builder-stage leak with cache-to type=registry,mode=max: nothing reaches the registry', async () => {
    const repo = `sb-e2e/cache-${nonce}`;
    const run = await act(workspace(STAGE_LEAK), { 'cache-to': `type=registry,ref=${REGISTRY}/${repo}:cache,mode=max`, 'no-cache': 'true' });
    expect(run.main.code).toBe(1);
    expect(errors(run).join('\n')).toMatch(/secret "tok" found/);
    expect(await registryDigest(repo, 'cache')).toBeUndefined();
    expect(skopeos(run)).toEqual([]);
  });

  test('a clean cache-to type=registry,mode=max: the scanned cache layout itself is pushed, and a build can import it', async () => {
    const repo = `sb-e2e/cache-ok-${nonce}`;
    const ws = workspace(CLEAN, {
      after:
        'if [ "$SHIM_PROGRAM $1 $2" = "docker buildx build" ]; then for a in "$@"; do case "$a" in type=local,*dest=*cache-0*) d="${a##*dest=}"; cp -r "${d%%,*}" "$(dirname "$0")/scanned-cache";; esac; done; fi\n'
    });
    const ref = `${REGISTRY}/${repo}:cache`;
    const run = await act(ws, { 'cache-to': `type=registry,ref=${ref},mode=max` });
    expect(run.main.code).toBe(0);
    const layout = JSON.parse(fs.readFileSync(path.join(ws.shimDir, 'scanned-cache', 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    expect(await registryDigest(repo, 'cache')).toBe(layout.manifests[0].digest);
    expect(run.summary).toMatch(/build cache 1/);
    expect(run.summary).toMatch(/pushed the scanned cache to /);
    // BuildKit reads it back as a cache.
    const again = spawnSync(
      'docker',
      ['buildx', 'build', '--progress=plain', '--cache-from', `type=registry,ref=${ref}`, '--output', 'type=cacheonly', '--secret', 'id=tok,env=HOME', ws.dir],
      { encoding: 'utf8' }
    );
    expect(again.status).toBe(0);
    expect(again.stderr).toContain(`importing cache manifest from ${ref}`);
    expect(again.stderr).not.toMatch(/failed to import|error/i);
  });

  test.each(['type=gha,mode=max', 'type=s3,bucket=b,region=r'])('cache-to %s: refused before any build, naming what works instead', async (cacheTo) => {
    const run = await act(workspace(CLEAN), { 'cache-to': cacheTo });
    expect(run.main.code).toBe(1);
    expect(errors(run).join('\n')).toMatch(/input "cache-to", entry 1: type=\w+ cannot be published from the scanned build: .*type=registry/);
    expect(builds(run)).toEqual([]);
  });

  test('the same builder-stage secret without a cache export: the final image is clean and is built', async () => {
    const run = await act(workspace(STAGE_LEAK), { 'no-cache': 'true' });
    expect(run.main.code).toBe(0);
  });

  test("build-push-action's multi-output: a pushed image, a type=docker load and an OCI tarball; the push is read back by its own name", async () => {
    const repo = `sb-e2e/multi-${nonce}`;
    const ws = workspace(CLEAN);
    const oci = path.join(ws.dir, 'oci.tar');
    const local = `sb-e2e-multi-${nonce}:local`;
    const run = await act(ws, { outputs: `type=image,name=${REGISTRY}/${repo}:latest,push=true\ntype=docker,name=${local}\ntype=oci,dest=${oci}` });
    expect(errors(run)).toEqual([]);
    expect(run.main.code).toBe(0);
    expect(builds(run)).toHaveLength(1);
    expect(await registryDigest(repo, 'latest')).toBe(run.outputs.digest);
    // The OCI file output and the image pushed and loaded are one image: the one scanned.
    expect((await exportedImage(oci)).digest).toBe(run.outputs.digest);
    expect(execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', local], { encoding: 'utf8' }).trim()).toBe(run.outputs.digest);
    execFileSync('docker', ['image', 'rm', local]);
  });

  test('file outputs are exported next to their destination, scanned, then renamed into place', async () => {
    const ws = workspace(CLEAN);
    const out = path.join(ws.dir, 'out');
    const run = await act(ws, { outputs: `type=local,dest=${out}` });
    expect(run.main.code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'ok'), 'utf8')).toBe('ok\n');
    expect(fs.readdirSync(ws.dir).filter((f) => f.includes('secret-build-'))).toEqual([]);
    expect(builds(run)).toHaveLength(1);
  });
});

e2e('fail closed', () => {
  test('a corrupt layer in the exported image fails the step, and nothing is pushed', async () => {
    const repo = `sb-e2e/corrupt-${nonce}`;
    // After the first build, overwrite 64 KiB in the middle of the OCI tarball with random bytes.
    const corrupt = `for a in "$@"; do case "$a" in type=oci,dest=*) f="\${a#type=oci,dest=}"; s=$(stat -c%s "$f"); dd if=/dev/urandom of="$f" bs=1024 count=64 seek=$((s / 2048)) conv=notrunc 2>/dev/null;; esac; done\n`;
    const run = await act(workspace(CLEAN, { after: corrupt }), { push: 'true', tags: `${REGISTRY}/${repo}:v1` });
    expect(run.main.code).toBe(1);
    expect(errors(run).join('\n')).toMatch(/could not scan image \(OCI export\)/);
    expect(errors(run).join('\n')).toMatch(/leak-check: warn/);
    expect(await registryDigest(repo, 'v1')).toBeUndefined();
    expect(run.summary).not.toMatch(/0 findings; scanned image/);
  });

  test('a stalled docker save (docker driver on the classic image store) fails the step promptly', async () => {
    // The builder answers as the classic store does, so the image is loaded untagged and read back with docker save, which stalls.
    // Each call's start time is recorded: how soon the scan gives up is measured from the save, not including the blocked
    // build's cache-record removal after it, whose `buildx du` and `prune` take as long as the engine's build cache is large.
    const before = [
      'printf "%s %s\\n" "$(date +%s%N)" "$1" >> "$(dirname "$0")/started"',
      'if [ "$1 $2" = "buildx inspect" ]; then printf "Name: default\\nDriver: docker\\n"; exit 0; fi',
      'if [ "$1" = "save" ]; then find "$XDG_RUNTIME_DIR" -mindepth 1 > "$(dirname "$0")/vault-during-scan"; head -c 700 /dev/zero; exec sleep 60; fi',
      ''
    ].join('\n');
    const ws = workspace(CLEAN, { before });
    const run = await act(ws, { load: 'true' }, { SECRET_BUILD_SCAN_STALL_SECONDS: '2' });
    // The scan read the image while the vault base held nothing: the secret files were gone before it started.
    expect(fs.readFileSync(path.join(ws.shimDir, 'vault-during-scan'), 'utf8')).toBe('');
    const calls = fs
      .readFileSync(path.join(ws.shimDir, 'started'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => ({ ns: BigInt(l.split(' ')[0]), program: l.split(' ')[1] }));
    const save = calls.findIndex((c) => c.program === 'save');
    // The next call (the cleanup after the failed scan) starts within seconds of the save: a 2 s stall, not the save's 60 s.
    expect(Number(calls[save + 1].ns - calls[save].ns) / 1e9).toBeLessThan(10);
    expect(run.main.code).toBe(1);
    expect(errors(run).join('\n')).toMatch(/could not scan image \(loaded untagged\) \(docker save sent nothing for 2 s\)/);
    expect(builds(run)[0].argv).toContain('type=docker');
  });
});
