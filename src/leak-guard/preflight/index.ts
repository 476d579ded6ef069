/**
 * Checks a Dockerfile against the secrets the action was given, before buildx runs.
 * Parsed with dockerfile-ast (continuation lines, here-docs, stages); mounts read with
 * BuildKit's rules (mounts.ts); RUN scripts followed with a small shell reader
 * (shell.ts, flow.ts). Pure: returns findings; reporting is the caller's. Each finding
 * names its rule (rules.ts) and is reported on each line it is on; one silenced by a
 * comment or the run is kept, marked (ignore.ts).
 */
import { copiedCredentialFiles, contextSecretFiles, credentialCopies, imageCopies, otherCopies } from './context.js';
import { writtenCredentials } from './leaks.js';
import { buildModel, type Step } from './model.js';
import { mountsOf, type MountUse } from './mounts.js';
import { ignoredByComment, markIgnored } from './ignore.js';
import { credentialNames, declaredNames, looksLikeCredential, nameHolders } from './names.js';
import { brokenPlumbing } from './plumbing.js';
import { invalidMounts, secretIds, sshIds } from './secrets.js';
import type { Finding, PreflightInput } from './types.js';
import { secretValues } from './values.js';

export type { Finding, PreflightInput, Severity } from './types.js';
export { looksLikeCredential } from './names.js';
export { plausiblySecret } from './values.js';
export { credentialFileKind } from './credential-files.js';
export { RULES, RULE_IDS, isRuleId, rulePage, type RuleId } from './rules.js';

export function preflight(input: PreflightInput): Finding[] {
  const model = buildModel(input.dockerfile, input.buildArgs, input.target);
  const byStep = new Map<Step, MountUse[]>(model.steps.map((s) => [s, mountsOf(s)]));
  const mounts = [...byStep.values()].flat();
  const ids = new Set([...input.providedIds, ...mounts.flatMap((m) => (m.type === 'secret' && m.id ? [m.id] : []))]);
  const holders = nameHolders(model, ids);
  const isCredential = (name: string) => looksLikeCredential(name) && !holders.has(name);
  const copies = [...credentialCopies(model, input), ...imageCopies(model)];
  const declared = declaredNames(model);
  const names = { isCredential, declared: (name: string) => declared.has(name) };
  const written = writtenCredentials(model, { mounts: byStep, names, copied: copies, others: otherCopies(model, copies) });
  const findings = distinct([
    ...secretValues(model, input),
    ...invalidMounts(mounts),
    ...secretIds(mounts, input),
    ...(input.providedSshIds ? sshIds(mounts, input.providedSshIds) : []),
    ...credentialNames(model, isCredential),
    ...written.findings,
    ...copiedCredentialFiles(model, [...copies, ...written.readAsCredential]),
    ...contextSecretFiles(model, input.contextSecretFiles),
    ...brokenPlumbing(model.steps, (s) => byStep.get(s) ?? [])
  ]);
  return markIgnored(findings, ignoredByComment(model, input.dockerfile), input.ignoreRules);
}

/** Each finding once: the same rule, severity and message on the same line is one (two writes of one RUN to one file). */
function distinct(findings: Finding[]): Finding[] {
  return [...new Map(findings.map((f) => [`${f.rule}\0${f.severity}\0${f.line ?? ''}\0${f.message}`, f])).values()];
}
