/**
 * The main step, in order: read inputs → resolve secrets and make the Log (masks
 * registered) → preflight → build with the secrets mounted (the vault exists for that
 * run only) → outputs → scan of what the build produced. A signal disposes the vault
 * at once; the post step removes it again if this process was killed.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onCancel, type Cancellation, type Disposable } from './cancel.js';
import { parseMetadata, readBuildOutputs, type BuildOutputs } from './docker/build-outputs.js';
import { inspectBuilder } from './docker/builder.js';
import { planBuilds, pushes, type BuildPlan } from './docker/plan.js';
import { assertNoSecretsInBuildInputs, buildxArgs, type BuildFiles } from './docker/buildx-args.js';
import { diagnoseBuildFailure } from './docker/diagnose.js';
import { capture, runStreamed } from './docker/process.js';
import { ActionError, messageOf } from './errors.js';
import { forgetSecretsJson, readInputs, type Inputs } from './inputs/read.js';
import { dockerfilePath, runPreflight, runScan, type ScanTarget } from './leak-guard/guard.js';
import { verifyPublished } from './leak-guard/verify.js';
import { Log } from './output/log.js';
import { writeSummary, type RunReport } from './output/summary.js';
import { withMountedSecrets } from './secrets/session.js';
import { resolveSecrets, type Secret } from './secrets/values.js';
import { chooseVaultBase, defaultRunnerTemp, VAULT_STATE_KEY } from './secrets/vault.js';

interface Prepared {
  inputs: Inputs;
  secrets: Secret[];
  log: Log;
}

export async function run(): Promise<void> {
  const report: RunReport = { ids: [], durationMs: 0, result: 'failure', leakGuard: 'not run' };
  const started = Date.now();
  let log: Log | undefined;
  const cancel = onCancel((m) => (log ?? Log.forSecrets([])).warning(m));
  try {
    const p = prepare(report);
    log = p.log;
    await withWorkDir((work) => buildAndScan(p, cancel, work, report));
    report.result = 'success';
  } catch (e) {
    (log ?? Log.forSecrets([])).setFailed(messageOf(e));
  } finally {
    cancel.dispose();
    report.durationMs = Date.now() - started;
    const out = log ?? Log.forSecrets([]);
    await writeSummary(report, out).catch((e) => out.warning(`job summary not written: ${messageOf(e)}`));
  }
}

/** Everything that can fail without touching the disk: inputs, values, masks, the no-secret check, the preflight. */
function prepare(report: RunReport): Prepared {
  const inputs = readInputs();
  const secrets = resolveSecrets(inputs.secrets, { env: process.env, secretsJson: inputs.secretsJson });
  forgetSecretsJson(inputs);
  const log = Log.forSecrets(secrets);
  assertNoSecretsInBuildInputs(inputs.build, log.redactor);
  report.ids = secrets.map((s) => s.id);
  const pre = preflightFor(inputs, secrets, log);
  report.leakGuard = pre.summary;
  if (pre.errors) throw new ActionError(`leak guard: ${pre.errors} preflight error(s), see the annotations; set leak-check: warn to build anyway`);
  return { inputs, secrets, log };
}

/** Files buildx writes for the action (image id, metadata): not secret, so outside the vault, on RUNNER_TEMP. */
async function withWorkDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(defaultRunnerTemp(), 'secret-build-work-'));
  try {
    return await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function buildAndScan({ inputs, secrets, log }: Prepared, cancel: Cancellation, work: string, report: RunReport): Promise<void> {
  const base = chooseVaultBase({ tmpfsDir: inputs.tmpfsDir, allowDiskFallback: inputs.allowDiskFallback, runnerTemp: defaultRunnerTemp() });
  if (base.kind === 'disk-fallback') log.warning(`no writable tmpfs found: secrets are written to disk under ${base.dir} (allow-disk-fallback is true)`);
  report.vaultKind = base.kind;
  // With nothing secret to find, the leak guard has nothing to verify: one build.
  const guard = inputs.leakCheck !== 'off' && secrets.length > 0 ? inputs.leakCheck : 'off';
  const builder = guard === 'off' ? { driver: '', ociExport: true } : await inspectBuilder(inputs.build.builder, log);
  const plan = planBuilds(inputs.build, guard, builder, work, `secret-build-${randomBytes(6).toString('hex')}`);
  const ids = secrets.map((s) => s.id);
  const verifyFiles = buildFiles(work, 'verify');
  const hooks = { remember: (dir: string) => log.saveState(VAULT_STATE_KEY, dir), track: (s: Disposable | undefined) => cancel.track(s) };
  const onChild = (child: ChildProcess) => cancel.setChild(child);
  try {
    const built = await withMountedSecrets(secrets, base, hooks, (mounts) => {
      log.info(
        `secret-build: ${mounts.length} secret(s) mounted: ${ids.join(', ') || 'none'}${guard === 'off' ? '' : '; this build exports to the runner only'}`
      );
      return runStreamed(buildxArgs(plan.verify, [...mounts], verifyFiles), log, onChild);
    });
    if (built.code !== 0) throw new ActionError(diagnoseBuildFailure(built, ids));
    const verified = readBuildOutputs(verifyFiles);
    const outputs = guard === 'off' ? verified : await scanThenPublish(inputs, plan, verified, log, onChild, work, report);
    log.setOutput('imageid', outputs.imageid);
    log.setOutput('digest', outputs.digest);
    log.setOutput('metadata', outputs.metadata);
    report.imageid = outputs.imageid;
  } finally {
    for (const m of plan.moves) fs.rmSync(m.from, { recursive: true, force: true });
  }
}

/** The vault is gone by now: scan what the first build left on the runner, and publish only if it is clean. */
async function scanThenPublish(
  inputs: Inputs,
  plan: BuildPlan,
  verified: BuildOutputs,
  log: Log,
  onChild: (c: ChildProcess) => void,
  work: string,
  report: RunReport
) {
  const targets: ScanTarget[] = plan.targets.map((t) => (t.kind === 'loaded-image' ? { kind: 'image', ref: verified.imageid, label: t.label } : t));
  const scan = await runScan(inputs.leakCheck, targets, [verified.metadata], log);
  report.leakGuard = `${report.leakGuard}; ${scan.summary}`;
  if (scan.errors) {
    if (plan.targets.some((t) => t.kind === 'loaded-image') && verified.imageid) await capture(['image', 'rm', '--force', verified.imageid], log);
    throw new ActionError(`leak guard: ${scan.problems} in what the build produced, see the annotations; nothing was published`);
  }
  for (const m of plan.moves) moveIntoPlace(m.from, m.to);
  if (!plan.publish) return verified;
  log.info('secret-build: the scan is clean; publishing with a cached rebuild, no secrets mounted');
  const files = buildFiles(work, 'publish');
  const published = await runStreamed(buildxArgs(plan.publish, [], files), log, onChild);
  if (published.code !== 0) throw new ActionError(`publishing failed: ${diagnoseBuildFailure(published, [])}`);
  const outputs = readBuildOutputs(files);
  const check = await verifyPublished(parseMetadata(outputs.metadata), pushes(plan.publish), scan.images, log);
  report.leakGuard = `${report.leakGuard}; ${check.detail}`;
  if (!check.ok) throw new ActionError(`leak guard: ${check.detail}; the published result was not the one scanned`);
  return outputs;
}

function buildFiles(work: string, phase: string): BuildFiles {
  return { iidFile: path.join(work, `${phase}-iid`), metadataFile: path.join(work, `${phase}-metadata.json`) };
}

/** A scanned file output takes its destination's place (a rename on the same filesystem: no copy, no window). */
function moveIntoPlace(from: string, to: string): void {
  if (!fs.existsSync(from)) return;
  fs.rmSync(to, { recursive: true, force: true });
  fs.renameSync(from, to);
}

function preflightFor(inputs: Inputs, secrets: Secret[], log: Log) {
  const dockerfile = dockerfilePath(inputs.build.context, inputs.build.file);
  if (!dockerfile) return { errors: 0, summary: 'preflight skipped: remote context' };
  return runPreflight(
    {
      mode: inputs.leakCheck,
      context: inputs.build.context,
      dockerfile,
      secretFiles: inputs.secrets.filter((s) => s.input === 'secret-files').map((s) => ({ id: s.id, path: s.ref })),
      providedIds: secrets.map((s) => s.id),
      allowMissingOptional: inputs.allowMissingOptionalSecrets
    },
    log
  );
}
