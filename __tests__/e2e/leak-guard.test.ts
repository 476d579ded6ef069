/** The leak guard against real builds: each way of leaking a secret is caught with the right id; clean builds pass. */
import { afterAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { dockerReady, everythingVisible, hidden, leaksIn, leftovers, runAction, type ActionRun, type Workspace, trackedWorkspaces } from './harness.js';

const ready = dockerReady();
const e2e = ready ? describe : describe.skip;
const TOK = `leak-tok-${randomBytes(8).toString('hex')}`;
const OTHER = `other-${randomBytes(8).toString('hex')}`;
const newWorkspace = trackedWorkspaces(afterAll);

async function build(dockerfile: string, inputs: Record<string, string> = {}): Promise<{ run: ActionRun; ws: Workspace }> {
  const ws = newWorkspace({ Dockerfile: `FROM secret-build-base:latest\n${dockerfile}\n` });
  const run = await runAction(ws, { secrets: `tok=${TOK}\nother=${OTHER}`, 'no-cache': 'true', ...inputs });
  expect(leaksIn(everythingVisible(run), [TOK, OTHER])).toEqual([]);
  expect(leftovers(ws.runtimeDir)).toEqual([]);
  return { run, ws };
}

const errors = (run: ActionRun) => run.main.stdout.split('\n').filter((l) => l.startsWith('::error'));
const USE_OTHER = 'RUN --mount=type=secret,id=other true';

e2e('image scan finds each kind of leak, with the secret id', () => {
  test('secret echoed into a file: the preflight stops the build before it runs', async () => {
    const { run } = await build(`RUN --mount=type=secret,id=tok cat /run/secrets/tok > /leaked.txt\n${USE_OTHER}`);
    expect(errors(run)[0]).toMatch(
      /^::error title=secret-build leak guard \(secret-written\),file=Dockerfile,line=2::leak guard: RUN writes the mounted secret "tok" into \/leaked\.txt/
    );
    expect(run.children.filter((c) => c.argv[1] === 'build')).toEqual([]);
    expect(run.main.code).toBe(1);
  });

  test('a preflight rule silenced by a comment: listed as ignored, and the scan still stops what it let through', async () => {
    const { run } = await build(`# secret-build:ignore=secret-written\nRUN --mount=type=secret,id=tok cat /run/secrets/tok > /leaked.txt\n${USE_OTHER}`);
    expect(run.main.stdout).not.toMatch(/::error title=secret-build leak guard \(secret-written\)/);
    expect(run.main.stdout).toMatch(/leak guard: ignored \(secret-written, by a comment\): line 3: RUN writes the mounted secret "tok" into \/leaked\.txt/);
    expect(run.summary).toMatch(/preflight: 0 errors, 0 warnings, 1 ignored \(secret-written\)/);
    // Listed in the summary's preflight table, marked, never dropped.
    expect(run.summary).toMatch(/<tr><td>error, ignored \(by a comment\)<\/td><td>secret-written<\/td><td><code>Dockerfile&#58;3<\/code><\/td>/);
    // The build ran, and the scan found the secret: nothing published, the step failed.
    expect(run.children.filter((c) => c.argv[1] === 'build')).toHaveLength(1);
    expect(errors(run).join('\n')).toMatch(
      /::error title=secret-build leak guard \(image scan\)::leak guard: secret "tok" found in the built image: .*leaked\.txt/
    );
    expect(run.main.code).toBe(1);
  });

  test('secret written into a file in a way the preflight cannot read: the scan fails the step', async () => {
    const { run } = await build(`RUN --mount=type=secret,id=tok ${hidden('cat /run/secrets/tok > /leaked.txt')}\n${USE_OTHER}`);
    expect(errors(run)).toEqual(
      expect.arrayContaining([expect.stringMatching(/secret "tok" found in the built image: (blobs\/sha256\/)?[0-9a-f]{64}(\/layer\.tar)?, leaked\.txt/)])
    );
    expect(errors(run).join()).not.toMatch(/"other"/);
    expect(run.main.code).toBe(1);
  });

  test('base64 of the secret written to a file', async () => {
    const { run } = await build(`RUN --mount=type=secret,id=tok ${hidden('base64 /run/secrets/tok > /b64')}\n${USE_OTHER}`);
    expect(errors(run).join('\n')).toMatch(/secret "tok" found in the built image: .*, b64/);
    expect(run.main.code).toBe(1);
    // The summary lists it as a row: id, platform, layer and path with the step that made the layer, the form.
    const table = run.summary.slice(run.summary.indexOf('Secrets found in what the build produced'));
    expect(table).toMatch(
      /<tr><td><code>tok<\/code><\/td><td>[^<]*<\/td><td>(blobs\/sha256\/)?[0-9a-f]{64}[^<]*<br><code>b64<\/code><br>step: <code>RUN [^<]*<\/code><\/td><td>[^<]*base64[^<]*<\/td><\/tr>/
    );
    expect(table).not.toMatch(/<code>other<\/code>/);
  });

  test('base64 of a long secret, wrapped over lines by base64', async () => {
    const ws = newWorkspace({
      Dockerfile: `FROM secret-build-base:latest\nRUN --mount=type=secret,id=long ${hidden('base64 /run/secrets/long > /wrapped')}\n`
    });
    const long = `${TOK}-${'k'.repeat(100)}`;
    const run = await runAction(ws, { secrets: `long=${long}`, 'no-cache': 'true' });
    expect(errors(run).join('\n')).toMatch(/secret "long" found in the built image: .*, wrapped/);
    expect(leaksIn(everythingVisible(run), [long])).toEqual([]);
  });

  test('secret copied in an earlier stage, then COPY --from into the final image', async () => {
    const { run } = await build(
      `RUN --mount=type=secret,id=tok ${hidden('cp /run/secrets/tok /stash')}\nFROM secret-build-base:latest\nCOPY --from=0 /stash /app/stash\n${USE_OTHER}`
    );
    expect(errors(run).join('\n')).toMatch(/secret "tok" found in the built image: .*, app\/stash/);
  });

  test('secret in ENV (preflight error; with leak-check: warn the scan finds it in the image config)', async () => {
    const blocked = await build(`ENV API_TOKEN=${TOK}\nRUN --mount=type=secret,id=tok true\n${USE_OTHER}`);
    expect(errors(blocked.run)[0]).toMatch(/file=Dockerfile,line=2::leak guard: the Dockerfile contains the value of secret "tok"/);
    expect(blocked.run.children).toEqual([]);
    const warned = await build(`ENV API_TOKEN=${TOK}\nRUN --mount=type=secret,id=tok true\n${USE_OTHER}`, { 'leak-check': 'warn' });
    expect(warned.run.main.code).toBe(0);
    expect(warned.run.main.stdout).toMatch(
      /::warning title=secret-build leak guard \(image scan\)::leak guard: secret "tok" found in the built image: (blobs\/sha256\/)?[0-9a-f]{64}(\.json)?, /
    );
    // Both as rows: the preflight's finding at the level it was annotated with, on its line; the scan's in the config.
    expect(warned.run.summary).toMatch(
      /<tr><td>warning<\/td><td>secret-value-in-dockerfile<\/td><td><code>Dockerfile&#58;2<\/code><\/td><td>the Dockerfile contains the value of secret &#34;tok&#34;/
    );
    expect(warned.run.summary).toMatch(/<tr><td><code>tok<\/code><\/td>/);
  });

  test('secret as a build-arg is refused before anything runs', async () => {
    const { run } = await build(`ARG TOKEN\nRUN --mount=type=secret,id=tok true\n${USE_OTHER}`, { 'build-args': `TOKEN=${TOK}` });
    expect(errors(run)).toEqual(['::error::input "build-args", entry 1: contains the value of secret "tok": pass it as a secret, not on the command line']);
    expect(run.children).toEqual([]);
  });

  test('a tar output (the filesystem exporter; the docker driver has no image tar exporter) is scanned too', async () => {
    const ws = newWorkspace({});
    const dest = path.join(ws.dir, 'image.tar');
    const { run } = await build(`RUN --mount=type=secret,id=tok ${hidden('cat /run/secrets/tok > /leak')}\n${USE_OTHER}`, { outputs: `type=tar,dest=${dest}` });
    expect(run.main.stdout).toMatch(/scanned .*output .*image\.tar/);
    expect(errors(run).join('\n')).toMatch(/secret "tok" found in the built image: .*, leak/);
  });
});

e2e('clean builds', () => {
  test('a clean multi-stage Dockerfile: no finding, and the summary says what was scanned', async () => {
    const { run } = await build(
      `RUN --mount=type=secret,id=tok,required=true test -s /run/secrets/tok && echo fine > /ok\nFROM secret-build-base:latest\nCOPY --from=0 /ok /ok\n${USE_OTHER}`
    );
    expect(run.main.code).toBe(0);
    expect(errors(run)).toEqual([]);
    expect(run.main.stdout).toMatch(/secret-build image scan: 0 findings; scanned image \(OCI export\) \(\d+ files, [\d.]+ MB\)/);
    expect(run.summary).toMatch(/Dockerfile preflight<\/td><td>preflight: 0 errors, 0 warnings<\/td>.*scan before publishing<\/td><td>image scan: 0 findings/);
  });

  test('a local-directory output: the directory is scanned', async () => {
    const ws = newWorkspace({});
    const { run } = await build(`RUN --mount=type=secret,id=tok test -s /run/secrets/tok\n${USE_OTHER}`, {
      outputs: `type=local,dest=${path.join(ws.dir, 'out')}`
    });
    expect(run.main.code).toBe(0);
    expect(run.main.stdout).toMatch(/0 findings; scanned output .*\/out \(/);
  });

  test('leak-check: off runs neither part', async () => {
    const { run } = await build(`RUN --mount=type=secret,id=tok cat /run/secrets/tok > /leaked.txt`, { 'leak-check': 'off' });
    expect(run.main.code).toBe(0);
    expect(run.main.stdout).not.toMatch(/leak guard/);
    expect(run.summary).toMatch(/<h4>Skipped<\/h4>/);
    expect(run.summary).toMatch(/<tr><td>Dockerfile preflight<\/td><td>leak-check&#58; off<\/td><\/tr>/);
    expect(run.summary).toMatch(/<tr><td>image scan<\/td><td>leak-check&#58; off<\/td><\/tr>/);
  });
});
