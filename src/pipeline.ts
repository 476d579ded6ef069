/**
 * Build, scan, then publish the scanned bytes (see leak-guard/plan.ts for the plan): the
 * one build that mounts the secrets, the scan of what it left on the runner once the
 * vault is gone, and the publishing of exactly that (leak-guard/publish.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Cancellation, Disposable } from './cancel.js';
import { buildWarnings, checkResults, parseMetadata, readBuildOutputs, type BuildOutputs, type BuildWarning } from './docker/build-results.js';
import { inspectBuilder, sharedBuilder, type BuilderInfo } from './docker/builder.js';
import { buildxArgs, type BuildFiles, type SecretMount } from './docker/buildx-args.js';
import { diagnoseBuildFailure, type DiagnosisContext } from './docker/diagnose.js';
import { pruneBuildRecords } from './docker/build-cache.js';
import { concurrentBuilds, removeRecord } from './docker/history.js';
import { runStreamed, type RunResult } from './docker/process.js';
import { ActionError, PhaseFailure } from './errors.js';
import type { Inputs, SshSecret } from './inputs/read.js';
import { envSwitch } from './inputs/env-switches.js';
import { isRemoteContext } from './inputs/git-context.js';
import { buildArgMap, cacheMountsOnSharedBuilder, dockerfilePath, preloadScanner, runScan, type ScanTarget } from './leak-guard/guard.js';
import type { Finding } from './leak-guard/preflight/types.js';
import { isolate, type Isolation } from './isolation/isolate.js';
import { evaluatesOnly, needsSkopeo, planGuard, type GuardPlan, type Publication } from './leak-guard/plan.js';
import { Exports } from './leak-guard/exports.js';
import { checkPublishing, publishScanned } from './leak-guard/publish.js';
import type { Log } from './report/log.js';
import { withFacts, type Facts, type Skipped } from './report/summary.js';
import { withMountedSecrets } from './secrets/session.js';
import type { Secret } from './secrets/values.js';
import { chooseVaultBase, defaultRunnerTemp, VAULT_MARKER_KEY, VAULT_STATE_KEY, type VaultBase } from './secrets/vault.js';

export interface Run {
  inputs: Inputs;
  secrets: Secret[];
  log: Log;
  cancel: Cancellation;
  /** The Dockerfile as annotations name it (workspace-relative), when it is on the runner. */
  dockerfile?: string;
  /** The preflight's secrets on cache mounts: errors if the builder turns out to be shared. */
  cacheMounts?: Finding[];
  /** The secrets' key parts, derived since the secrets were known (isolation/isolate.ts earlyParts). */
  keyParts?: Promise<Map<string, Buffer> | undefined>;
}

/** The leak guard's mode for this run: with nothing secret to find, it has nothing to verify (one build). */
export function guardMode(inputs: Inputs, secrets: readonly Secret[]): Inputs['leakCheck'] {
  return inputs.leakCheck !== 'off' && secrets.length > 0 ? inputs.leakCheck : 'off';
}

/**
 * Files buildx writes for the action (image id, metadata, exports): not secret, so outside
 * the vault, on RUNNER_TEMP; unscanned, so recorded and removed on every way out (exports.ts).
 */
export async function buildVerifyPublish(r: Run): Promise<Published> {
  const work = fs.mkdtempSync(path.join(defaultRunnerTemp(), 'secret-build-work-'));
  const exports = new Exports(r.log);
  exports.add(work);
  const forget = r.cancel.cleanup(exports);
  try {
    return await inWorkDir(r, work, exports);
  } finally {
    forget();
    try {
      exports.dispose();
    } catch (e) {
      // Left in the step's state: the post step removes it.
      r.log.warning(`secret-build: ${(e as Error).message}`);
    }
  }
}

/** What was built and published, and what the summary shows of it. */
export interface Published {
  outputs: BuildOutputs;
  facts: Facts;
}

/** Runs `fn`; a failure carries what was known before it (`facts`) to the summary. */
async function knowing<T>(facts: Facts, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw e instanceof PhaseFailure ? e : new PhaseFailure(e, facts);
  }
}

async function inWorkDir(r: Run, work: string, exports: Exports): Promise<Published> {
  const { inputs, log } = r;
  // Where the secrets will go is settled first: without a tmpfs, nothing else runs.
  const base = chooseVaultBase({ tmpfsDir: inputs.tmpfsDir, allowDiskFallback: inputs.allowDiskFallback, runnerTemp: defaultRunnerTemp() });
  if (base.kind === 'disk-fallback') log.warning(`no writable tmpfs found: secrets are written to disk under ${base.dir} (allow-disk-fallback is true)`);
  const known: Facts = { vaultKind: base.kind, checks: [], notScanned: [] };
  return knowing(known, () => planBuildScanPublish(r, base, work, exports, known));
}

async function planBuildScanPublish(r: Run, base: VaultBase, work: string, exports: Exports, known: Facts): Promise<Published> {
  const { inputs, secrets, log } = r;
  const guard = guardMode(inputs, secrets);
  // The steps are keyed while buildx inspects the builder (scrypt runs on libuv's threads).
  const keying = keySteps(r, work);
  // The builder is inspected for the leak guard's plan, and for build-push-action's test before its default provenance.
  // Only after the preflight passed: `--bootstrap` may start a builder, and a failed preflight runs no docker at all.
  const probe = guard !== 'off' || inputs.provenanceDefault !== '';
  const builder: BuilderInfo = probe ? await inspectBuilder(inputs.build.builder, log) : { driver: '', ociExport: true };
  const isolation = await keying;
  const onShared = cacheMountsOnSharedBuilder(inputs.leakCheck, r.cacheMounts ?? [], sharedBuilder(builder.driver), log, r.dockerfile);
  if (onShared.errors) {
    const e = new ActionError(`leak guard: ${onShared.errors} secret(s) written to a cache mount of a shared builder, see the annotations; nothing was built`);
    throw new PhaseFailure(e, withFacts(known, { preflightFindings: onShared.rows }));
  }
  const provenance = builder.defaultProvenance ? { provenance: inputs.provenanceDefault } : {};
  const keyedFile = isolation.keyed && isolation.file ? keyedInputs(inputs.build, isolation.file, isolation.name) : {};
  const plan = planGuard({ ...inputs.build, ...provenance, ...keyedFile }, guard, builder, work, `secret-build-${randomBytes(6).toString('hex')}`);
  exports.add(...(plan.publish?.moves ?? []).map((m) => m.from));
  // A tool the publishing needs is checked before the secrets are mounted: never a build whose scanned result cannot go out.
  if (needsSkopeo(plan.publish)) await log.group('Check the publishing targets', () => checkPublishing(plan.publish!, work, log));
  const keyed = withFacts(known, { checks: [isolationCheck(isolation)], skipped: scanSkipped(inputs, guard) });
  const files = buildFiles(work);
  if (plan.publish?.image?.kind === 'loaded') exports.loadsInto(files.iidFile);
  const built = await knowing(keyed, () => buildWithSecrets(r, base, plan, files, isolation, !!builder.safeHistoryRemoval));
  if (!plan.publish) {
    await knowing(keyed, () => failIfShared(r, built.shared));
    return { outputs: built.outputs, facts: keyed };
  }
  if (plan.publish.image?.kind === 'loaded' && built.outputs.imageid) exports.loaded(built.outputs.imageid);
  const published = await scanThenPublish(r, plan, plan.publish, built, work, keyed);
  exports.published();
  return published;
}

/** The secret-mounting steps keyed on the secrets' values (isolation/), or why they could not be. */
async function keySteps(r: Run, work: string): Promise<Isolation> {
  if (!r.secrets.length || evaluatesOnly(r.inputs.build)) return { keyed: true, lines: [] };
  const b = r.inputs.build;
  const ssh = new Set(r.inputs.sshSecrets.map((s) => s.secret));
  try {
    return await isolate({
      dockerfile: dockerfilePath(b.context, b.file),
      context: b.context,
      remoteContext: isRemoteContext(b.context),
      fileIsAbsolute: path.isAbsolute(b.file),
      extraArgs: b['extra-args'],
      secrets: r.secrets,
      secretIds: r.secrets.filter((s) => !ssh.has(s.id)).map((s) => s.id),
      sshSecrets: r.inputs.sshSecrets,
      buildArgs: buildArgMap(b['build-args']),
      target: b.target || undefined,
      work,
      repository: process.env.GITHUB_REPOSITORY ?? '',
      parts: r.keyParts,
      gitLabels: process.env.BUILDX_GIT_LABELS === 'full' || envSwitch(process.env, 'BUILDX_GIT_LABELS', false)
    });
  } catch (e) {
    return { keyed: false, reason: `the steps could not be keyed: ${(e as Error).message}` };
  }
}

/** The keyed file for buildx, and the build's name it would have had (unless the user names it). */
function keyedInputs(b: Inputs['build'], file: string, name?: string): Partial<Inputs['build']> {
  const named = b['build-args'].some((a) => /^\s*BUILDKIT_BUILD_NAME\s*=/.test(a));
  return { file, ...(name && !named ? { 'build-args': [...b['build-args'], `BUILDKIT_BUILD_NAME=${name}`] } : {}) };
}

/** Why nothing will be scanned, when nothing will. */
function scanSkipped(inputs: Inputs, guard: Inputs['leakCheck']): Skipped[] {
  const why =
    inputs.leakCheck === 'off'
      ? 'leak-check: off'
      : guard === 'off'
        ? 'the build has no secrets to look for'
        : evaluatesOnly(inputs.build)
          ? `call: ${inputs.build.call} builds no image`
          : undefined;
  return why ? [{ what: 'image scan', why }] : [];
}

function isolationCheck(i: Isolation): { name: string; outcome: string } {
  const name = 'steps keyed on their secrets';
  if (!i.keyed) return { name, outcome: `no: ${i.reason}; concurrent builds on the builder fail the step` };
  return { name, outcome: i.lines.length ? `line${i.lines.length === 1 ? '' : 's'} ${i.lines.join(', ')}` : 'no step mounts a secret' };
}

interface Built {
  outputs: BuildOutputs;
  /** buildx's ref of the build (builder/node/id), '' when the metadata has none. */
  ref: string;
  /** The builds that ran beside ours on the builder, looked for when the steps could not be keyed. */
  shared: Promise<string[]>;
}

/**
 * The only build that mounts the secrets; the vault is wiped when it exits. When the
 * steps could not be keyed, also starts the look for builds that ran beside it (one buildx
 * call), which the scan then overlaps: anything found fails the step before publishing.
 */
async function buildWithSecrets(r: Run, base: VaultBase, plan: GuardPlan, files: BuildFiles, isolation: Isolation, safeRemoval: boolean): Promise<Built> {
  const { secrets, log, cancel } = r;
  const remember = (dir: string, marker: string) => {
    log.saveState(VAULT_STATE_KEY, dir);
    log.saveState(VAULT_MARKER_KEY, marker);
  };
  const hooks = { remember, track: (s: Disposable | undefined) => cancel.track(s) };
  const title = plan.publish ? 'Build with the secrets mounted (exports to this runner only)' : 'Build with the secrets mounted';
  const result = await log.group(title, () =>
    withMountedSecrets(secrets, base, hooks, (mounts) => {
      log.info(`${mounts.length} secret(s) mounted: ${secrets.map((s) => s.id).join(', ') || 'none'} (vault on ${base.kind})`);
      const { secretMounts, sshKeys } = splitMounts(mounts, r.inputs.sshSecrets);
      const done = runBuildx(r, buildxArgs(plan.build, secretMounts, files, sshKeys), isolation.keyed ? isolation.stdin : undefined);
      // buildx has been spawned: the scanner compiles while it runs.
      if (plan.publish) preloadScanner();
      return done;
    })
  );
  log.info('secret vault wiped');
  const outputs = readBuildOutputs(files);
  const meta = parseMetadata(outputs.metadata);
  const ref = typeof meta['buildx.build.ref'] === 'string' ? meta['buildx.build.ref'] : '';
  // The builder's history keeps the raw log: when the scrubber had to redact it, that record goes.
  if (result.redactions && ref) await removeRecord(ref, r.inputs.build.builder, safeRemoval, log);
  const shared = isolation.keyed ? Promise.resolve([]) : concurrentBuilds(ref, r.inputs.build.builder, log).catch((): string[] => []);
  if (evaluatesOnly(r.inputs.build)) return { outputs: checked(r, result, outputs, meta), ref, shared };
  failOn(result, r, 'build');
  annotateChecks(r, buildWarnings(meta), 'warning');
  return { outputs, ref, shared };
}

/**
 * BuildKit runs identical steps of concurrent builds once, and a secret's content is not
 * part of a step's key: when the steps could not be keyed, a build beside ours may have
 * run our step with its secret, or its step with ours. Nothing is published then.
 */
async function failIfShared(r: Run, shared: Promise<string[]>): Promise<void> {
  const others = await shared;
  if (!others.length) return;
  throw new ActionError(
    `${others.length} other build(s) ran on this builder at the same time (${others.slice(0, 3).join(', ')}), and the steps that mount secrets could not be keyed on ` +
      "their values (see the summary): BuildKit runs identical steps of concurrent builds once, so a step may have run with the other build's secret. " +
      `${r.inputs.leakCheck === 'off' && !r.inputs.build.push ? '' : 'Nothing was published by the action. '}Give the job a builder of its own (docker/setup-buildx-action creates one per job), or build from a local Dockerfile so the action can key the steps.`
  );
}

/** `call: check`: each finding an error annotation on its line; findings fail the step, as build-push-action does. */
function checked(r: Run, result: RunResult, outputs: BuildOutputs, meta: Record<string, unknown>): BuildOutputs {
  const checks = checkResults(meta);
  const shown = annotateChecks(r, checks, 'error');
  if (result.code !== 0 && checks.length) {
    // The check result is the metadata output even when it fails the step, as build-push-action sets it.
    r.log.setOutput('metadata', outputs.metadata);
    const where = shown ? 'the annotations' : 'the build output (DOCKER_BUILD_CHECKS_ANNOTATIONS is off)';
    throw new ActionError(`BuildKit's build checks found ${checks.length} problem${checks.length === 1 ? '' : 's'}, see ${where}`);
  }
  failOn(result, r, 'build');
  return outputs;
}

/** Secrets named in ssh-secrets go to buildx as SSH keys, not as secret mounts (least privilege). */
function splitMounts(mounts: readonly SecretMount[], ssh: SshSecret[]): { secretMounts: SecretMount[]; sshKeys: SecretMount[] } {
  const sshKeys = ssh.map((s) => ({ id: s.ssh, file: mounts.find((m) => m.id === s.secret)!.file }));
  const secretMounts = mounts.filter((m) => !ssh.some((s) => s.secret === m.id));
  return { secretMounts, sshKeys };
}

/**
 * The build, streamed; BuildKit's build-check warnings go into its metadata (the `metadata`
 * output keeps them). `dockerfile`: the keyed Dockerfile for its standard input
 * (isolation/isolate.ts), when it reads it there.
 */
function runBuildx(r: Run, args: string[], dockerfile?: Promise<string>): Promise<RunResult> {
  const onSpawn = (child: ChildProcess) => r.cancel.setChild(child);
  return runStreamed(args, r.log, { onSpawn, env: { BUILDX_METADATA_WARNINGS: '1' }, echo: true, stdin: dockerfile });
}

function failOn(result: RunResult, r: Run, phase: DiagnosisContext['phase']): void {
  if (result.code === 0) return;
  const d = diagnoseBuildFailure(result, { ids: r.secrets.map((s) => s.id), phase });
  throw new ActionError(d.message, d.line);
}

/**
 * BuildKit's build checks (SecretsUsedInArgOrEnv and the rest) as annotations on their
 * Dockerfile lines, unless DOCKER_BUILD_CHECKS_ANNOTATIONS turns them off as it does for
 * build-push-action. Whether they were shown.
 */
function annotateChecks(r: Run, checks: BuildWarning[], level: 'warning' | 'error'): boolean {
  if (!envSwitch(process.env, 'DOCKER_BUILD_CHECKS_ANNOTATIONS', true)) return false;
  for (const c of checks) r.log[level](`${c.message}${c.url ? ` (${c.url})` : ''}`, { title: 'BuildKit build check', file: r.dockerfile, startLine: c.line });
  return true;
}

/** The vault is gone by now: scan what the build left on the runner, and publish exactly that if it is clean. */
async function scanThenPublish(r: Run, plan: GuardPlan, publish: Publication, build: Built, work: string, known: Facts): Promise<Published> {
  const { inputs, log } = r;
  const built = build.outputs;
  const targets: ScanTarget[] = plan.targets.map((t) => (t.kind === 'loaded-image' ? { kind: 'image', ref: built.imageid, label: t.label } : t));
  const scan = await log.group('Leak guard: scan before publishing', () => runScan(inputs.leakCheck, targets, [built.metadata], log));
  const scanned = withFacts(known, {
    checks: [{ name: 'scan before publishing', outcome: scan.summary }],
    notScanned: scan.unreadable,
    imageFindings: scan.findings
  });
  // On a finding the loaded image (classic store) is removed with the other exports, as the step fails.
  if (scan.errors) {
    if (build.ref) await log.group("Remove the blocked build's cache records", () => pruneBuildRecords(build.ref, inputs.build.builder, log));
    const e = new ActionError(`leak guard: ${scan.problems} in what the build produced, see the annotations; nothing was published`);
    throw new PhaseFailure(e, scanned);
  }
  await knowing(scanned, () => failIfShared(r, build.shared));
  const published = await knowing(scanned, () =>
    log.group('Publish the scanned result', () => publishScanned({ log, work, onSpawn: (c) => r.cancel.setChild(c) }, publish, built, scan.images))
  );
  return { outputs: published.outputs, facts: withFacts(scanned, { checks: [{ name: 'published = scanned', outcome: published.detail }] }) };
}

function buildFiles(work: string): BuildFiles {
  return { iidFile: path.join(work, 'iid'), metadataFile: path.join(work, 'metadata.json') };
}
