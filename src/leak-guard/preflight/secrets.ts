/** Secret and ssh mounts against what the build is given: missing, unused, invalid. */
import type { MountUse } from './mounts.js';
import type { Finding, PreflightInput } from './types.js';

/** A mount BuildKit refuses fails the build; in an ONBUILD trigger it fails the builds that use the image. */
export function invalidMounts(mounts: MountUse[]): Finding[] {
  return mounts
    .filter((m) => m.error)
    .map((m) => ({
      rule: 'invalid-mount' as const,
      severity: m.step.onbuild ? ('warning' as const) : ('error' as const),
      line: m.step.line,
      message: `${m.step.onbuild ? 'ONBUILD ' : ''}RUN --mount is invalid, BuildKit refuses it: ${m.error}`
    }));
}

/** Whether a mount can use the given id (an id built from an unknown variable matches by pattern). */
const uses = (m: MountUse, id: string) => m.id === id || (m.id === undefined && m.idPattern?.test(id) === true);

export function secretIds(mounts: MountUse[], input: PreflightInput): Finding[] {
  const secrets = mounts.filter((m) => m.type === 'secret' && !m.error);
  const provided = new Set(input.providedIds);
  const findings: Finding[] = [];
  // ONBUILD triggers mount in the builds that use the image: not a missing id here.
  for (const m of secrets.filter((x) => !x.step.onbuild && x.id !== undefined && !provided.has(x.id))) {
    const required = secrets.some((x) => x.id === m.id && x.required);
    if (!required && input.allowMissingOptional) continue;
    findings.push({
      rule: 'secret-not-given',
      severity: 'error',
      line: m.step.line,
      message:
        `the Dockerfile mounts secret "${m.id}" but the action was not given it (given: ${input.providedIds.join(', ') || 'none'}).` +
        (required ? '' : ' The mount is optional; set allow-missing-optional-secrets: true if the step is meant to run without it.')
    });
  }
  for (const id of input.providedIds.filter((p) => !secrets.some((m) => uses(m, p)))) {
    findings.push({
      rule: 'secret-unused',
      severity: 'warning',
      message: `secret "${id}" is given but no RUN --mount=type=secret uses it: drop it (least privilege)`
    });
  }
  return findings;
}

/** SSH ids mounted but not given (an error when required, a warning otherwise) and given but never mounted (least privilege). */
export function sshIds(mounts: MountUse[], provided: string[]): Finding[] {
  const ssh = mounts.filter((m) => m.type === 'ssh' && !m.error);
  const findings: Finding[] = [];
  for (const m of ssh.filter((x) => !x.step.onbuild && x.id !== undefined && !provided.includes(x.id))) {
    const required = ssh.some((x) => x.id === m.id && x.required);
    findings.push({
      rule: 'ssh-not-given',
      severity: required ? 'error' : 'warning',
      line: m.step.line,
      message: `RUN --mount=type=ssh uses ssh id "${m.id}" but the build is given no such key or agent (given: ${provided.join(', ') || 'none'}); add it to ssh or ssh-secrets`
    });
  }
  for (const id of provided.filter((p) => !ssh.some((m) => uses(m, p)))) {
    findings.push({
      rule: 'ssh-unused',
      severity: 'warning',
      message: `ssh id "${id}" is given but no RUN --mount=type=ssh uses it: drop it (least privilege)`
    });
  }
  return findings;
}
