/**
 * The main step, in order: read inputs → resolve secrets and make the Log (masks
 * registered) → preflight → build with the secrets mounted, scan, publish
 * (pipeline.ts) → outputs and summary. A signal disposes the vault at once; the post
 * step removes it again if this process was killed, and is skipped when this process
 * ended with nothing left (post-gate.ts).
 */
import { onCancel, type Cancellation } from './cancel.js';
import { assertNoSecretsInBuildInputs } from './docker/buildx-args.js';
import { ActionError, InputError, messageOf, MissingSecretsError, PhaseFailure, unwrapFailure } from './errors.js';
import { envSwitch } from './inputs/env-switches.js';
import { gitAuthSecretId } from './inputs/git-context.js';
import { readInputs, takeSecretsJson, type Inputs } from './inputs/read.js';
import { annotationPath, dockerfilePath, preflightSkipped, runPreflight } from './leak-guard/guard.js';
import { inactiveGhaImports } from './docker/output-spec.js';
import { Log, savedState } from './report/log.js';
import { openPostGate, type PostGate } from './post-gate.js';
import { newReport, withFacts, writeSummary, type Facts, type RunReport, type Skipped } from './report/summary.js';
import { buildVerifyPublish, type Run } from './pipeline.js';
import { earlyParts } from './isolation/isolate.js';
import { secretlessRun } from './inputs/secretless-run.js';
import { MIN_SECRET_BYTES, resolveSecrets, type Secret } from './secrets/values.js';

export async function run(): Promise<void> {
  const started = Date.now();
  let report = newReport();
  let gate: PostGate | undefined;
  let r: Run | undefined;
  let log: Log | undefined;
  const cancel = onCancel((m) => (log ?? Log.forSecrets([])).warning(m));
  try {
    // Before anything exists that the post step might have to remove.
    gate = openPostGate();
    const resolved = resolve();
    if ('skipped' in resolved) {
      report = { ...report, result: 'skipped', error: resolved.skipped };
      return;
    }
    log = resolved.log;
    report = { ...report, ...described(resolved) };
    const prepared = await prepare(resolved, cancel);
    r = prepared.run;
    report = withFacts(report, prepared.facts);
    const { outputs, facts } = await buildVerifyPublish(r);
    r.log.setOutput('imageid', outputs.imageid);
    r.log.setOutput('digest', outputs.digest);
    r.log.setOutput('metadata', outputs.metadata);
    r.log.setOutput('skipped', 'false');
    report = { ...withFacts(report, facts), imageid: outputs.imageid, digest: outputs.digest, result: 'success' };
  } catch (failure) {
    const { cause: e, facts } = unwrapFailure(failure);
    // Before the Log exists nothing secret is known to print: errors name inputs and entries only.
    log ??= Log.forSecrets([]);
    report = { ...withFacts(report, facts), error: messageOf(e) };
    const line = e instanceof ActionError ? e.line : undefined;
    log.fail(messageOf(e), line && r?.dockerfile ? { file: r.dockerfile, startLine: line, title: 'docker buildx build failed' } : undefined);
  } finally {
    cancel.dispose();
    const out = log ?? Log.forSecrets([]);
    // DOCKER_BUILD_SUMMARY=false turns the job summary off, as it does build-push-action's.
    if (envSwitch(process.env, 'DOCKER_BUILD_SUMMARY', true))
      await writeSummary({ ...report, durationMs: Date.now() - started }, out).catch((e) => out.warning(`job summary not written: ${messageOf(e)}`));
    // Last: the runner skips the post step only if, now, it would find nothing to remove.
    gate?.close(savedState);
  }
}

/** What the summary says of the build before it runs: the secret ids, tags, platforms and builder. */
function described({ inputs, secrets }: Resolved): Pick<RunReport, 'ids' | 'tags' | 'platforms' | 'builder'> {
  const b = inputs.build;
  return { ids: secrets.map((s) => s.id), tags: b.tags, platforms: b.platforms, builder: b.builder || 'default' };
}

type Resolved = Pick<Run, 'inputs' | 'secrets' | 'log' | 'keyParts'>;

/** Inputs and secret values, and the Log made from them: from here on every secret is masked. Or why the build is skipped. */
function resolve(): Resolved | { skipped: string } {
  const inputs = readInputs();
  // Out of the environment at once; this function's local is the only copy, gone when it returns.
  const secretsJson = takeSecretsJson();
  try {
    const secrets = [...resolveSecrets(inputs.secrets, { env: process.env, secretsJson }), ...urlTokenSecrets(inputs), ...gitAuthSecret(inputs)];
    // The step keys' scrypt (isolation/) starts as soon as the values are known: on libuv's threads, it overlaps all that follows until the build.
    const keyParts = earlyParts(secrets, process.env.GITHUB_REPOSITORY ?? '');
    return { inputs, secrets, keyParts, log: Log.forSecrets(secrets) };
  } catch (e) {
    if (!(e instanceof MissingSecretsError)) throw e;
    return whenSecretsAreMissing(e, inputs.onMissingSecrets);
  }
}

/**
 * github-token for a Git context on the workflow's server, as BuildKit looks for it
 * (`GIT_AUTH_TOKEN.<host>`): from the vault like any secret, never on argv or in env.
 */
function gitAuthSecret(inputs: Inputs): Secret[] {
  const b = inputs.build;
  const id = gitAuthSecretId([b.context, ...b['build-contexts']], process.env);
  // Too short to mask is too short to mount, as for every secret.
  const given = [...inputs.secrets, ...inputs.urlTokens].some((s) => s.id === id);
  if (!id || inputs.githubToken.length < MIN_SECRET_BYTES || given) return [];
  return [{ id, input: 'github-token', entry: 1, value: Buffer.from(inputs.githubToken) }];
}

/** The tokens that were in Git context URLs (inputs/git-context.ts takeUrlToken), mounted as GIT_AUTH_TOKEN.<host>. */
function urlTokenSecrets(inputs: Inputs): Secret[] {
  return inputs.urlTokens.map((t) => ({ id: t.id, input: t.input, entry: t.entry, value: Buffer.from(t.value) }));
}

/** Says why the run has no secrets; skips the build only when asked to and the run is one that gets none. */
function whenSecretsAreMissing(e: MissingSecretsError, onMissing: 'fail' | 'skip'): { skipped: string } {
  const why = secretlessRun();
  if (!why) throw new ActionError(`${e.message}: is each secret defined for this repository, its environment and this event?`);
  if (onMissing === 'fail') throw new ActionError(`${e.message}: ${why.reason}. To go on: ${why.remedies}`);
  const log = Log.forSecrets([]);
  log.notice(`secret-build: build skipped: ${why.reason} (on-missing-secrets: skip). ${e.message}`);
  log.setOutput('skipped', 'true');
  return { skipped: why.reason };
}

/** The rest of what can fail without touching the disk: the no-secret check of the build inputs, the preflight. */
async function prepare({ inputs, secrets, log, keyParts }: Resolved, cancel: Cancellation): Promise<{ run: Run; facts: Facts }> {
  const b = inputs.build;
  const ids = secrets.map((s) => s.id);
  assertNoSecretsInBuildInputs(b, log.redactor);
  // The vault's path is in buildx's argv (--secret src=…): a secret pasted there is refused here, by input name.
  const inTmpfsDir = log.redactor.secretsIn(inputs.tmpfsDir);
  if (inTmpfsDir.length) throw new InputError('tmpfs-dir', `contains the value of secret "${inTmpfsDir[0]}": name a tmpfs directory`);
  const dockerfile = dockerfilePath(b.context, b.file);
  const run: Run = { inputs, secrets, log, cancel, keyParts, dockerfile: dockerfile && annotationPath(dockerfile) };
  const pre = await log.group('Leak guard: Dockerfile preflight', () =>
    dockerfile
      ? runPreflight(
          {
            mode: inputs.leakCheck,
            context: b.context,
            dockerfile,
            secretFiles: secretFiles(run),
            // A key forwarded over ssh is not a secret mount: it is not expected in RUN --mount=type=secret.
            providedIds: ids.filter((id) => !inputs.sshSecrets.some((s) => s.secret === id) && !id.startsWith('GIT_AUTH_TOKEN.')),
            allowMissingOptional: inputs.allowMissingOptionalSecrets,
            providedSshIds: sshIds(inputs),
            secrets,
            buildArgs: b['build-args'],
            target: b.target,
            ignoreRules: inputs.preflightIgnore
          },
          log
        )
      : Promise.resolve(
          preflightSkipped(
            'skipped: remote context',
            'the context is remote (Git or HTTP), so the Dockerfile is not on the runner: give context: . after a checkout to have it checked'
          )
        )
  );
  const facts: Facts = {
    checks: [{ name: 'Dockerfile preflight', outcome: pre.summary }],
    notScanned: [],
    preflightFindings: pre.findings,
    skipped: [...pre.skipped, ...skippedCaches(b['cache-from'])]
  };
  if (pre.errors)
    throw new PhaseFailure(new ActionError(`leak guard: ${pre.errors} preflight error(s), see the annotations; set leak-check: warn to build anyway`), facts);
  return { run: { ...run, cacheMounts: pre.cacheMounts }, facts };
}

/** cache-from entries buildx ignores here: the summary says so, as buildx does not. */
function skippedCaches(cacheFrom: string[]): Skipped[] {
  const why = 'type=gha without the GitHub cache service (no ACTIONS_RUNTIME_TOKEN and cache URL in this step, none given): buildx ignores it';
  return inactiveGhaImports(cacheFrom, process.env).map((k) => ({ what: `cache-from, entry ${k}`, why }));
}

/** The ssh ids the build gets: each `ssh` entry's id (`default` or `<id>=…`) and each ssh-secrets id. */
function sshIds(inputs: Inputs): string[] {
  return [...inputs.build.ssh.map((e) => e.split('=')[0].trim()), ...inputs.sshSecrets.map((s) => s.ssh)];
}

function secretFiles(r: Run): { id: string; path: string }[] {
  return r.secrets.flatMap((s) => (s.file === undefined ? [] : [{ id: s.id, path: s.file }]));
}
