/**
 * Credentials written into a file by a RUN step (see flow.ts), by how far the file gets:
 * removed in the same RUN or under a tmpfs/bind mount → notice; in the final image
 * (its stage, a stage it derives from, or COPY --from chains) → error; only in an
 * intermediate stage (build cache, a cache export) or under a cache mount (the builder
 * keeps it for later builds) → warning. An ONBUILD trigger writes in the builds FROM
 * this image, not in this one: a warning about those images. A credential-named variable
 * nothing in the Dockerfile declares expands to nothing or to the base image's value: a
 * warning.
 * A file written (and not removed) or a credential file copied in stays tainted for the
 * later steps of its stage and of the stages derived from it: reading it is reading the
 * credential (`gh auth login --with-token < .env`).
 */
import { flowOf, type Names, type Source, type Tainted, type Write } from './flow.js';
import type { CredentialCopy } from './context.js';
import { reachesFinal, type Model, type Stage, type Step } from './model.js';
import type { MountUse } from './mounts.js';
import type { RuleId } from './rules.js';
import type { Finding, Severity } from './types.js';

export interface LeakContext {
  mounts: Map<Step, MountUse[]>;
  names: Names;
  /** Credential files COPYed in from the context, where they land. */
  copied: CredentialCopy[];
  /** The other files COPYed in from the context: credentials if a tool reads them as one. */
  others: CredentialCopy[];
}

/** The findings, and the files of `ctx.others` a tool read as a credential (credential copies, then). */
export function writtenCredentials(model: Model, ctx: LeakContext): { findings: Finding[]; readAsCredential: CredentialCopy[] } {
  const taint = new Map<Stage, Tainted>();
  const findings: Finding[] = [];
  const readAsCredential: CredentialCopy[] = [];
  for (const step of model.steps) {
    if (!taint.has(step.stage)) taint.set(step.stage, new Map(step.stage.base ? taint.get(step.stage.base) : []));
    const tainted = taint.get(step.stage)!;
    for (const c of ctx.others.filter((x) => x.step === step && x.file)) tainted.set(c.file!, [{ kind: 'file', name: c.name, probe: true }]);
    for (const c of ctx.copied.filter((x) => x.step === step && x.file)) tainted.set(c.file!, [{ kind: 'file', name: c.name }]);
    const { writes: all, printed } = flowOf(step, ctx.mounts.get(step) ?? [], ctx.names, tainted);
    const writes = merged(all);
    if (printed.length) findings.push(printFinding(step, printed));
    for (const w of writes) {
      for (const s of w.sources.filter((x) => x.kind === 'file' && x.probe)) {
        const copy = ctx.others.find((c) => c.name === (s as { name: string }).name);
        if (copy && !readAsCredential.some((c) => c.step === copy.step && c.name === copy.name)) readAsCredential.push({ ...copy, readBy: w.how });
      }
      findings.push(finding(model, w));
      if (w.file && !w.removed && !w.unlayered && !step.onbuild) tainted.set(w.file, w.sources);
    }
  }
  return { findings, readAsCredential };
}

/** One write per file and tool in a step (`echo A >> .env && echo B >> .env` is one cause). */
function merged(writes: Write[]): Write[] {
  const byKey = new Map<string, Write>();
  for (const w of writes) {
    const key = `${w.written}\0${w.how}`;
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { ...w });
    else {
      seen.sources = [...seen.sources, ...w.sources.filter((s) => !seen.sources.some((t) => JSON.stringify(t) === JSON.stringify(s)))];
      seen.removed = seen.removed && w.removed;
    }
  }
  return [...byKey.values()];
}

/** Why a write is as bad as it is, its severity first. */
function weigh(model: Model, w: Write): { severity: Severity; why: string } {
  if (w.removed) return { severity: 'notice', why: WHY.notice };
  if (w.cached) return { severity: 'warning', why: CACHED };
  if (w.unlayered) return { severity: 'notice', why: WHY.notice };
  if (w.step.onbuild) return { severity: 'warning', why: CHILDREN };
  const undeclared = w.sources.flatMap((s) => (s.kind === 'var' && !s.declared ? [s.name] : []));
  if (undeclared.length === w.sources.length) {
    return {
      severity: 'warning',
      why: `no ARG or ENV of the Dockerfile declares ${undeclared.join(', ')}, so it expands to nothing or to what the base image's config holds`
    };
  }
  const severity = reachesFinal(model, w.step.stage, w.file) ? 'error' : 'warning';
  return { severity, why: WHY[severity] };
}

const what = (s: Source) =>
  s.kind === 'secret'
    ? `the mounted secret "${s.id}"`
    : s.kind === 'var'
      ? `${s.name} (a credential-named variable)`
      : `the ${s.probe ? 'file' : 'credential file'} ${s.name}${s.probe ? ' (read as a credential)' : ''}`;

const WHY: Record<Severity, string> = {
  error: 'it ends up in the final image',
  warning: 'the layer keeps it (build cache, intermediate stage); no COPY --from takes it into the final image',
  notice: 'the same RUN removes it (or it is on a tmpfs/bind mount), so the layer does not keep it'
};
const CACHED = 'it is on a cache mount: the builder keeps it for every later build that mounts the same cache';
const CHILDREN = 'an ONBUILD trigger runs in the builds FROM this image, so it would end up in those images, not in this one';
const ONBUILD = 'ONBUILD ';

/** A mounted secret printed to the build output: the action masks its own log, not the builder's record of the build. */
function printFinding(step: Step, printed: Source[]): Finding {
  return {
    rule: 'secret-printed',
    severity: 'warning',
    line: step.line,
    message: `${step.onbuild ? `${ONBUILD}(in the builds FROM this image) ` : ''}RUN prints ${printed.map(what).join(' and ')} to the build output: the action masks it in its own log, but the builder keeps the raw log with the build record (docker buildx history); don't print secrets`
  };
}

function finding(model: Model, w: Write): Finding {
  const { severity, why } = weigh(model, w);
  const where = w.how === 'a redirect' || w.how === 'tee' ? w.written : `${w.written}, by ${w.how}`;
  return {
    rule: ruleOf(w),
    severity,
    line: w.step.line,
    message: `${w.step.onbuild ? ONBUILD : ''}RUN writes ${w.sources.map(what).join(' and ')} into ${where}: ${why}`,
    ...(w.cached && !w.removed ? { cacheMount: true } : {})
  };
}

function ruleOf(w: Write): RuleId {
  if (w.byTool) return 'token-stored-by-tool';
  return w.sources.some((s) => s.kind === 'secret') ? 'secret-written' : 'credential-written';
}
