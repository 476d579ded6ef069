/**
 * A builder shared by runs with different secrets (issue "Shared, long-lived builders"):
 * each secret-mounting step is keyed on its secrets' values (src/isolation/), so runs at
 * once never share such a step, a rotated secret never reuses a layer cached with the old
 * one, and unchanged secrets keep the cache. What the builder keeps of a blocked or
 * redacted build goes. All on the default builder, without no-cache: the cache is the point.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  dockerReady,
  errorAnnotations,
  everythingVisible,
  leaksIn,
  leftovers,
  REGISTRY,
  registryDigest,
  registryReady,
  runAction,
  trackedWorkspaces
} from './harness.js';
import { ROOT } from '../support/yaml.js';

const e2e = dockerReady() ? describe : describe.skip;
const registry = dockerReady() && (await registryReady());
/**
 * The cache tests get a builder of their own (docker-container, scripts/buildkit-container.sh):
 * a blocked leak in another test file, run at the same time on the default builder, prunes
 * the records made in its window (docker/build-cache.ts), which would rerun a step here.
 */
const OWN = `sb-shared-${randomBytes(3).toString('hex')}`;
const BASE = '127.0.0.1:5000/secret-build-base:multi';
let own = false;
beforeAll(() => {
  if (!registry) return;
  const r = spawnSync('bash', [path.join(ROOT, 'scripts/buildkit-container.sh'), 'start'], {
    env: { ...process.env, BUILDKIT_CONTAINER_BUILDER: OWN },
    encoding: 'utf8'
  });
  own = r.status === 0;
  if (!own && process.env.CI) throw new Error(`CI: could not create the builder ${OWN}: ${r.stderr}`);
}, 120_000);
afterAll(() => {
  if (own) spawnSync('docker', ['buildx', 'rm', '--force', OWN]);
});
const nonce = randomBytes(4).toString('hex');
const ws = trackedWorkspaces(afterAll);
const sha = (v: string) => createHash('sha256').update(v).digest('hex');
/** How BuildKit reported the RUN step whose command holds `marker`: CACHED, or DONE when it ran. */
function stepOutcome(log: string, marker: string): string {
  const m = new RegExp(`^#(\\d+) \\[[^\\]]*\\] RUN [^\\n]*${marker}`, 'm').exec(log);
  if (!m) return 'absent';
  return new RegExp(`^#${m[1]} CACHED$`, 'm').test(log) ? 'CACHED' : 'DONE';
}

e2e('a builder shared by runs with different secrets', () => {
  test("four runs at once, four secrets: each image holds its own secret's result, no log shows another's value; the record keeping the raw log is named", async () => {
    // Identical Dockerfiles and contexts: only the secret differs, as for four branches of one repository.
    const dockerfile = `FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok,required=true sleep 2 && cat /run/secrets/tok && sha256sum /run/secrets/tok | cut -c1-64 > /h-${nonce}\n`;
    const values = [0, 1, 2, 3].map((k) => `shared-${nonce}-value-${k}-${randomBytes(6).toString('hex')}`);
    const runs = await Promise.all(
      values.map(async (value) => {
        const w = ws({ Dockerfile: dockerfile, '.dockerignore': 'out\n' });
        const run = await runAction(w, { secrets: `tok=${value}`, outputs: `type=local,dest=${path.join(w.dir, 'out')}` });
        return { w, run, value };
      })
    );
    for (const { w, run, value } of runs) {
      expect({ code: run.main.code, log: run.main.code ? run.main.stdout.slice(-1500) : '' }).toEqual({ code: 0, log: '' });
      expect(fs.readFileSync(path.join(w.dir, 'out', `h-${nonce}`), 'utf8').trim()).toBe(sha(value));
      // Not its own value (redacted), nor any other run's.
      expect(leaksIn(everythingVisible(run), values)).toEqual([]);
      expect(run.summary).toMatch(/steps keyed on their secrets<\/td><td>line 2</);
      // The step printed the secret: its record in the builder's history keeps the raw log. This engine's BuildKit
      // (Docker 28.5, `v0.0.0+unknown`) predates the fix that makes removing it safe: the action says how, and leaves it.
      const kept = /its record (\w+) in the builder's history keeps the raw log: run "docker buildx history rm (\w+)" when no other build/.exec(
        run.main.stdout
      );
      expect(kept?.[1]).toBe(kept?.[2]);
      expect(spawnSync('docker', ['buildx', 'history', 'inspect', kept![1]]).status).toBe(0);
      expect(leftovers(w.runtimeDir)).toEqual([]);
    }
    // No look for builds beside ours: the keys make it needless.
    for (const { run } of runs) expect(run.children.filter((c) => c.argv[0] === 'buildx' && c.argv[1] === 'history' && c.argv[2] === 'ls')).toEqual([]);
    // The keyed Dockerfile went on buildx's standard input (isolation/isolate.ts): each image holding its own hash above is what shows buildx read the keyed text.
    for (const { run } of runs) expect(run.children.find((c) => c.argv[0] === 'buildx' && c.argv[1] === 'build')?.argv.join(' ')).toMatch(/ --file - /);
  });

  (registry ? test : test.skip)('unchanged secrets and Dockerfile: fully cached; rotating one secret reruns exactly the step that mounts it', async () => {
    expect(own).toBe(true);
    const m = `cache-${nonce}`;
    const dockerfile = [
      `FROM ${BASE} AS a`,
      `RUN --mount=type=secret,id=a,required=true test -s /run/secrets/a && echo ${m}-a > /a`,
      `FROM ${BASE} AS b`,
      `RUN --mount=type=secret,id=b,required=true test -s /run/secrets/b && echo ${m}-b > /b`,
      `FROM ${BASE}`,
      'COPY --from=a /a /a',
      'COPY --from=b /b /b',
      `RUN echo ${m}-plain > /plain`,
      ''
    ].join('\n');
    const w = ws({ Dockerfile: dockerfile });
    const [a1, a2, b1] = ['a1', 'a2', 'b1'].map((k) => `${k}-${nonce}-${randomBytes(8).toString('hex')}`);
    const build = async (a: string, b: string) => {
      const run = await runAction(w, { secrets: `a=${a}\nb=${b}`, builder: OWN });
      expect({ code: run.main.code, log: run.main.code ? run.main.stdout.slice(-1500) : '' }).toEqual({ code: 0, log: '' });
      return [`${m}-a`, `${m}-b`, `${m}-plain`].map((x) => stepOutcome(run.main.stdout, x));
    };
    expect(await build(a1, b1)).toEqual(['DONE', 'DONE', 'DONE']);
    expect(await build(a1, b1)).toEqual(['CACHED', 'CACHED', 'CACHED']);
    // a rotated: its step runs again; b's stays cached, and so does the rest (the new /a has the same content).
    expect(await build(a2, b1)).toEqual(['DONE', 'CACHED', 'CACHED']);
    expect(await build(a2, b1)).toEqual(['CACHED', 'CACHED', 'CACHED']);
  });

  (registry ? test : test.skip)(
    'a leak blocked by the scan, then the same build after a rotation: nothing published, and the blocked records are gone',
    async () => {
      const repo = `sb-e2e/rotated-${nonce}`;
      // The leak hides from the preflight (base64); the copy of the secret is the layer the scan blocks.
      const cmd = Buffer.from('cp /run/secrets/tok /leaked').toString('base64');
      const w = ws({ Dockerfile: `FROM secret-build-base:latest\nRUN --mount=type=secret,id=tok,required=true sh -c "$(echo ${cmd} | base64 -d)"\n` });
      const inputs = { push: 'true', tags: `${REGISTRY}/${repo}:v1` };
      const old = `old-${nonce}-${randomBytes(8).toString('hex')}`;
      const first = await runAction(w, { secrets: `tok=${old}`, ...inputs });
      expect(first.main.code).toBe(1);
      expect(errorAnnotations(first).join('\n')).toMatch(/secret "tok" found in the built image: .*leaked/);
      expect(first.main.stdout).toMatch(/removed the \d+ record\(s\) the blocked build made in the builder's cache/);
      const rotated = `new-${nonce}-${randomBytes(8).toString('hex')}`;
      const second = await runAction(w, { secrets: `tok=${rotated}`, ...inputs });
      // The step ran again with the new value (never the old layer): the scan, which knows only the new value, blocks it.
      expect(second.main.code).toBe(1);
      expect(errorAnnotations(second).join('\n')).toMatch(/secret "tok" found in the built image: .*leaked/);
      expect(await registryDigest(repo, 'v1')).toBeUndefined();
      expect(leaksIn(everythingVisible(second), [old, rotated])).toEqual([]);
      // And the old value again: its leaky record was pruned, so the step runs again (not CACHED) and is blocked again.
      const again = await runAction(w, { secrets: `tok=${old}`, ...inputs });
      expect(again.main.code).toBe(1);
      expect(stepOutcome(again.main.stdout, 'base64 -d')).toBe('DONE');
    }
  );
});
