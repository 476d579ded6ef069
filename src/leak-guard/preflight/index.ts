/**
 * Checks a Dockerfile against the secrets the action was given, before buildx runs.
 * Parsed with dockerfile-ast (continuation lines, here-docs, stages); mounts read with
 * BuildKit's rules (mounts.ts); RUN scripts followed with a small shell reader
 * (shell.ts, flow.ts). Pure: returns findings; reporting is the caller's. One finding
 * per cause: the same finding on several lines is reported once, listing the lines.
 */
import { copiedCredentialFiles, contextSecretFiles, credentialCopies, imageCopies, otherCopies } from './context.js';
import { writtenCredentials } from './leaks.js';
import { buildModel, type Step } from './model.js';
import { mountsOf, type MountUse } from './mounts.js';
import { credentialNames, looksLikeCredential, nameHolders } from './names.js';
import { invalidMounts, secretIds, sshIds } from './secrets.js';
import type { Finding, PreflightInput } from './types.js';
import { secretValues } from './values.js';

export type { Finding, PreflightInput, Severity } from './types.js';
export { looksLikeCredential } from './names.js';
export { plausiblySecret } from './values.js';
export { credentialFileKind } from './credential-files.js';

export function preflight(input: PreflightInput): Finding[] {
  const model = buildModel(input.dockerfile, input.buildArgs, input.target);
  const byStep = new Map<Step, MountUse[]>(model.steps.map((s) => [s, mountsOf(s)]));
  const mounts = [...byStep.values()].flat();
  const ids = new Set([...input.providedIds, ...mounts.flatMap((m) => (m.type === 'secret' && m.id ? [m.id] : []))]);
  const holders = nameHolders(model, ids);
  const isCredential = (name: string) => looksLikeCredential(name) && !holders.has(name);
  const copies = [...credentialCopies(model, input), ...imageCopies(model)];
  const written = writtenCredentials(model, { mounts: byStep, isCredential, copied: copies, others: otherCopies(model, copies) });
  return mergeByCause([
    ...rule('secret value in the Dockerfile', secretValues(model, input)),
    ...rule('invalid mount', invalidMounts(mounts)),
    ...rule('secret ids', secretIds(mounts, input)),
    ...rule('ssh ids', input.providedSshIds ? sshIds(mounts, input.providedSshIds) : []),
    ...rule('credential-named ARG/ENV', credentialNames(model, isCredential)),
    ...rule('credential written by RUN', written.findings),
    ...rule('credential file copied', copiedCredentialFiles(model, [...copies, ...written.readAsCredential])),
    ...rule('secret file in the context', contextSecretFiles(model, input.contextSecretFiles))
  ]);
}

/** Findings named for the check that made them: one place for the summary's rule names. */
const rule = (name: string, findings: Finding[]): Finding[] => findings.map((f) => ({ rule: name, ...f }));

/** Findings with the same severity and message become one, on the first line, naming every line. */
function mergeByCause(findings: Finding[]): Finding[] {
  const byKey = new Map<string, { f: Finding; lines: Set<number> }>();
  for (const f of findings) {
    const key = `${f.severity}\0${f.message}`;
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { f, lines: new Set(f.line === undefined ? [] : [f.line]) });
    else if (f.line !== undefined) seen.lines.add(f.line);
  }
  return [...byKey.values()].map(({ f, lines }) => {
    const sorted = [...lines].sort((a, b) => a - b);
    return sorted.length > 1 ? { ...f, line: sorted[0], message: `${f.message} (lines ${sorted.join(', ')})` } : { ...f, line: sorted[0] };
  });
}
