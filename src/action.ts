/**
 * The main step: inputs → masks → vault → buildx → outputs, with the vault removed in
 * `finally`, on cancellation, and (from saved state) again by the post step.
 */
import * as path from 'node:path';
import * as core from '@actions/core';
import { buildxArgs, type BuildFiles, type SecretMount } from './buildx-args.js';
import { readBuildOutputs } from './build-outputs.js';
import { runDocker } from './buildx-run.js';
import { onCancel, type Cancellation } from './cancel.js';
import { diagnoseBuildFailure } from './diagnose.js';
import { ActionError, InputError } from './input-error.js';
import { LIST_INPUTS, readInputs, type BuildInputs, type Inputs } from './inputs.js';
import { dockerfilePath, runImageScan, runPreflight } from './leak-guard.js';
import * as log from './log.js';
import { resolveSecrets, type Secret } from './secret-values.js';
import { writeSummary, type RunReport } from './summary.js';
import { chooseVaultBase, createVaultDir, defaultRunnerTemp, removeVault, writeVaultFile, VAULT_STATE_KEY } from './vault.js';

export async function runMain(): Promise<void> {
  const report: RunReport = { ids: [], durationMs: 0, result: 'failure', leakGuard: 'not run' };
  const started = Date.now();
  let vault: string | undefined;
  let cancel: Cancellation | undefined;
  const cleanup = () => {
    if (vault && removeVault(vault)) log.debug('secret vault removed');
    vault = undefined;
  };
  try {
    const { inputs, secrets } = prepare(report);
    const base = chooseVaultBase({ tmpfsDir: inputs.tmpfsDir, allowDiskFallback: inputs.allowDiskFallback, runnerTemp: defaultRunnerTemp() });
    if (base.kind === 'disk-fallback') log.warning(`no writable tmpfs found: secrets are written to disk under ${base.dir} (allow-disk-fallback is true)`);
    report.vaultKind = base.kind;
    cancel = onCancel(cleanup, (m) => log.warning(m));
    vault = createVaultDir(base.dir);
    // Saved before the first secret is written: a killed main leaves nothing post can't find.
    core.saveState(VAULT_STATE_KEY, vault);
    const files = await build(inputs, secrets, vault, cancel);
    await publish(inputs, files, report);
    report.result = 'success';
  } catch (e) {
    log.setFailed(messageOf(e));
  } finally {
    try {
      cleanup();
    } catch (e) {
      log.setFailed(`could not remove the secret vault: ${messageOf(e)}`);
    }
    cancel?.dispose();
    report.durationMs = Date.now() - started;
    await writeSummary(report).catch((e) => log.warning(`job summary not written: ${messageOf(e)}`));
  }
}

/** Everything that can fail without touching the disk: inputs, values, masks, the Dockerfile preflight. */
function prepare(report: RunReport): { inputs: Inputs; secrets: Secret[] } {
  const inputs = readInputs();
  const secrets = resolveSecrets(inputs.secrets, { env: process.env, secretsJson: inputs.secretsJson });
  // The rest of the secrets context is not ours to keep: drop every copy of it.
  inputs.secretsJson = '';
  delete process.env['INPUT_SECRETS-JSON'];
  log.registerSecrets(secrets);
  assertNoSecretsInBuildInputs(inputs.build);
  report.ids = secrets.map((s) => s.id);
  const pre = preflightFor(inputs, secrets);
  report.leakGuard = pre.summary;
  if (pre.errors) throw new ActionError(`leak guard: ${pre.errors} preflight error(s), see the annotations; set leak-check: warn to build anyway`);
  return { inputs, secrets };
}

async function build(inputs: Inputs, secrets: Secret[], vault: string, cancel: Cancellation): Promise<BuildFiles> {
  const mounts = writeSecrets(vault, secrets);
  const files: BuildFiles = { iidFile: path.join(vault, 'iid'), metadataFile: path.join(vault, 'metadata.json') };
  const ids = secrets.map((s) => s.id);
  log.info(`secret-build: ${mounts.length} secret(s) mounted: ${ids.join(', ') || 'none'}`);
  const result = await runDocker(buildxArgs(inputs.build, mounts, files), log.getRedactor(), (child) => cancel.setChild(child));
  if (result.code !== 0) throw new ActionError(diagnoseBuildFailure(result, ids));
  return files;
}

/** Outputs first (the build did happen), then the image scan that may still fail the step. */
async function publish(inputs: Inputs, files: BuildFiles, report: RunReport): Promise<void> {
  const outputs = readBuildOutputs(files);
  log.setOutput('imageid', outputs.imageid);
  log.setOutput('digest', outputs.digest);
  log.setOutput('metadata', outputs.metadata);
  report.imageid = outputs.imageid;
  const scan = await runImageScan(inputs.leakCheck, { imageid: outputs.imageid, outputs: inputs.build.outputs, metadata: outputs.metadata });
  report.leakGuard = inputs.leakCheck === 'off' ? 'off' : `${report.leakGuard}; ${scan.summary}`;
  if (scan.errors) throw new ActionError(`leak guard: secrets found in the built image (${scan.errors} finding(s), see the annotations)`);
}

/** Post step (post-if: always()): the backstop for a main step that was killed. Only warns. */
export function runPost(): void {
  const vault = core.getState(VAULT_STATE_KEY);
  if (!vault) return;
  try {
    if (removeVault(vault)) core.info('secret-build post: removed a secret vault the main step left behind');
  } catch (e) {
    core.warning(`secret-build post: could not remove the secret vault ${vault}: ${messageOf(e)}`);
  }
}

function preflightFor(inputs: Inputs, secrets: Secret[]) {
  const dockerfile = dockerfilePath(inputs.build.context, inputs.build.file);
  if (!dockerfile) return { errors: 0, summary: 'preflight skipped: remote context' };
  return runPreflight({
    mode: inputs.leakCheck,
    context: inputs.build.context,
    dockerfile,
    secretFiles: inputs.secrets.filter((s) => s.input === 'secret-files').map((s) => ({ id: s.id, path: s.ref })),
    providedIds: secrets.map((s) => s.id),
    allowMissingOptional: inputs.allowMissingOptionalSecrets
  });
}

function writeSecrets(vault: string, secrets: Secret[]): SecretMount[] {
  return secrets.map((s, k) => {
    const file = path.join(vault, `secret-${k}`);
    writeVaultFile(file, s.value);
    return { id: s.id, file };
  });
}

/** Build inputs reach argv and image history, so none may carry a secret. */
function assertNoSecretsInBuildInputs(b: BuildInputs): void {
  const redactor = log.getRedactor();
  const check = (input: string, values: string[]) =>
    values.forEach((v, k) => {
      const ids = redactor.secretsIn(v);
      if (ids.length) throw new InputError(input, `contains the value of secret "${ids[0]}": pass it as a secret, not on the command line`, k + 1);
    });
  for (const [key, input] of Object.entries(LIST_INPUTS)) check(input, b[key as keyof typeof LIST_INPUTS]);
  for (const input of ['context', 'file', 'target', 'builder', 'network', 'provenance', 'sbom'] as const) check(input, [b[input]]);
}

function messageOf(e: unknown): string {
  if (e instanceof InputError || e instanceof ActionError) return e.message;
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
