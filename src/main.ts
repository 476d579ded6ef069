/**
 * The main step, in order: read inputs → resolve secrets and make the Log (masks
 * registered) → preflight → build with the secrets mounted (the vault exists for that
 * run only) → outputs → scan of what the build produced. A signal disposes the vault
 * at once; the post step removes it again if this process was killed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onCancel, type Cancellation, type Disposable } from './cancel.js';
import { readBuildOutputs } from './docker/build-outputs.js';
import { assertNoSecretsInBuildInputs, buildxArgs, type BuildFiles } from './docker/buildx-args.js';
import { diagnoseBuildFailure } from './docker/diagnose.js';
import { runStreamed } from './docker/process.js';
import { ActionError, messageOf } from './errors.js';
import { forgetSecretsJson, readInputs, type Inputs } from './inputs/read.js';
import { dockerfilePath, runPreflight, runScan, type ScanTarget } from './leak-guard/guard.js';
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
  const files: BuildFiles = { iidFile: path.join(work, 'iid'), metadataFile: path.join(work, 'metadata.json') };
  const ids = secrets.map((s) => s.id);
  const hooks = { remember: (dir: string) => log.saveState(VAULT_STATE_KEY, dir), track: (s: Disposable | undefined) => cancel.track(s) };
  const result = await withMountedSecrets(secrets, base, hooks, (mounts) => {
    log.info(`secret-build: ${mounts.length} secret(s) mounted: ${ids.join(', ') || 'none'}`);
    return runStreamed(buildxArgs(inputs.build, [...mounts], files), log, (child) => cancel.setChild(child));
  });
  if (result.code !== 0) throw new ActionError(diagnoseBuildFailure(result, ids));
  const outputs = readBuildOutputs(files);
  log.setOutput('imageid', outputs.imageid);
  log.setOutput('digest', outputs.digest);
  log.setOutput('metadata', outputs.metadata);
  report.imageid = outputs.imageid;
  const scan = await runScan(inputs.leakCheck, scanTargets(inputs, outputs.imageid), outputs.metadata, log);
  report.leakGuard = inputs.leakCheck === 'off' ? 'off' : `${report.leakGuard}; ${scan.summary}`;
  if (scan.errors) throw new ActionError(`leak guard: secrets found in the built image (${scan.errors} finding(s), see the annotations)`);
}

/** What of the build's result is on this runner: the image in the local store, tar and local outputs. */
function scanTargets(inputs: Inputs, imageid: string): ScanTarget[] {
  const targets: ScanTarget[] = imageid ? [{ kind: 'image', ref: imageid, label: 'local image' }] : [];
  for (const o of inputs.build.outputs) {
    const dest = /(?:^|,)dest=([^,]+)/.exec(o)?.[1];
    if (!dest || !fs.existsSync(dest)) continue;
    targets.push(fs.statSync(dest).isDirectory() ? { kind: 'dir', dir: dest, label: `output ${dest}` } : { kind: 'tar', file: dest, label: `output ${dest}` });
  }
  return targets;
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
