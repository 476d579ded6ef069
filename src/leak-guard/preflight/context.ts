/**
 * Files from the build context that hold credentials, taken into the image by COPY/ADD:
 * credential files by name (.netrc, id_rsa, .env …), config files that hold a literal
 * credential (.npmrc, pip.conf …, as read by the guard), and the files given as
 * secret-files when they lie inside the context.
 */
import * as path from 'node:path';
import { Add, Copy } from 'dockerfile-ast';
import { sourceCovers } from '../dockerignore.js';
import { copyArgs, copyFrom, copyFromStage, expand, reachesFinal, type Model, type Step } from './model.js';
import { credentialFileKind, tokenFileName } from './credential-files.js';
import { looksLikeCredential } from './names.js';
import type { Finding, PreflightInput } from './types.js';

/** COPY/ADD from the build context (no --from), with their sources and destination. */
function contextCopies(model: Model): { step: Step; sources: string[]; dest?: string }[] {
  return model.steps
    .filter((s) => !s.onbuild && (s.ins instanceof Copy || s.ins instanceof Add))
    .filter((s) => copyFrom(s.ins) === undefined)
    .flatMap((step) => {
      const args = copyArgs(step.ins);
      if (!args) return [];
      return [{ step, sources: args.sources.map((s) => expand(s, step.vars) ?? s), dest: expand(args.dest, step.vars) }];
    });
}

export interface CredentialCopy {
  step: Step;
  /** The file as the Dockerfile or the context names it. */
  name: string;
  /** Where it lands in the image; undefined when not known. */
  file?: string;
  /** Not a credential by name: a later step reads it as one (the tool, for the message). */
  readBy?: string;
  /** Copied from an image the build does not make (`COPY --from=<image or its stage name>`), not from the build context. */
  image?: string;
}

/**
 * Credential files (by name, or named for a token) a `COPY --from` takes out of an image the
 * build does not make: `COPY --from=registry/tok:1 /tmp/GithubToken /gt`, or from a stage
 * that is only a name for one (`FROM registry/tok:1 AS token`). What a stage's own steps
 * write is followed by what they write instead.
 */
export function imageCopies(model: Model): CredentialCopy[] {
  const external = (step: Step) => {
    const stage = copyFromStage(model, step);
    return !stage || (!stage.base && stage.steps.length === 0);
  };
  return model.steps
    .filter((s) => !s.onbuild && s.ins instanceof Copy && external(s))
    .flatMap((step) => {
      const image = copyFrom(step.ins);
      const args = copyArgs(step.ins);
      if (!image || !args) return [];
      const sources = args.sources.map((src) => expand(src, step.vars) ?? src);
      return sources
        .filter((src) => !/[*?[]/.test(src) && (credentialFileKind(src.replace(/\/+$/, '')) === 'credential' || tokenFileName(src)))
        .map((src) => ({ step, name: src, image, file: destOf(step, expand(args.dest, step.vars), src, sources.length > 1) }));
    });
}

/**
 * Credential files a COPY/ADD takes from the context: named outright (a credential whatever
 * it holds, if it is there: BuildKit fails the COPY otherwise), copied to a credential's
 * place (`COPY key /root/.ssh/id_rsa`), named by a credential-named variable
 * (`COPY $GCP_SA_KEY key.json`), or taken in by a wider source when the guard found them
 * in the context, not excluded, and holding a credential.
 */
export function credentialCopies(model: Model, input: PreflightInput): CredentialCopy[] {
  const known = input.contextCredentialFiles;
  const out: CredentialCopy[] = [];
  for (const c of contextCopies(model)) {
    const hits = new Set<string>();
    const intoCredential = c.dest !== undefined && !c.dest.endsWith('/') && c.sources.length === 1 && credentialFileKind(c.dest) === 'credential';
    for (const src of c.sources) {
      const explicit = src.replace(/^\.?\/+/, '').replace(/\/+$/, '');
      const byName = credentialFileKind(explicit) === 'credential' || tokenFileName(explicit);
      const named = byName && (!known || known.some((f) => f.relPath === explicit && !f.ignored));
      const variable = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(src);
      if (named || intoCredential || (variable && looksLikeCredential(variable[1]))) hits.add(explicit);
      for (const f of known ?? []) {
        if (!f.ignored && (f.literal || credentialFileKind(f.relPath) === 'credential') && sourceCovers(src, f.relPath)) hits.add(f.relPath);
      }
    }
    for (const name of hits) out.push({ step: c.step, name, file: destOf(c.step, c.dest, name, c.sources.length > 1) });
  }
  return out;
}

/**
 * The other files a COPY/ADD names outright from the context (no glob, not a directory
 * such as `.`): not credentials by name, but one may be read later as a credential by a
 * tool (`COPY hub_login .` then `cat hub_login | xargs huggingface-cli login --token`).
 */
export function otherCopies(model: Model, credential: CredentialCopy[]): CredentialCopy[] {
  const out: CredentialCopy[] = [];
  for (const c of contextCopies(model)) {
    for (const src of c.sources) {
      const name = src.replace(/^\.?\/+/, '');
      if (!name || name === '.' || name === '..' || name.endsWith('/') || /[*?[$]/.test(name) || /^[a-z][a-z0-9+.-]*:\/\//i.test(name)) continue;
      if (credential.some((x) => x.step === c.step && x.name === name)) continue;
      out.push({ step: c.step, name, file: destOf(c.step, c.dest, name, c.sources.length > 1) });
    }
  }
  return out;
}

export function copiedCredentialFiles(model: Model, copies: CredentialCopy[]): Finding[] {
  return copies.map((c) => {
    const sev = reachesFinal(model, c.step.stage, c.file) ? 'error' : 'warning';
    return {
      rule: 'credential-file-copied',
      severity: sev,
      line: c.step.line,
      message: c.image
        ? `COPY --from=${c.image} takes the credential file ${c.name} into the image${sev === 'error' ? '' : ' (an intermediate stage: its layers keep it)'}; mount it with RUN --mount=type=secret instead`
        : `${c.step.ins.getKeyword()} takes the credential file ${c.name}${c.readBy ? ` (read as a credential by ${c.readBy})` : ''} from the build context into the image${sev === 'error' ? '' : ' (an intermediate stage: its layers keep it)'}; mount it with RUN --mount=type=secret instead, or exclude it in .dockerignore`
    };
  });
}

/** Where a copied context file lands; undefined when not known. */
function destOf(step: Step, dest: string | undefined, rel: string, many: boolean): string | undefined {
  if (dest === undefined) return undefined;
  const to = dest.startsWith('/') ? dest : step.workdir && path.posix.resolve(step.workdir, dest);
  if (!to) return undefined;
  return dest.endsWith('/') || many || dest === '.' ? path.posix.join(to, path.posix.basename(rel)) : to;
}

/** secret-files inside the context: sent to the builder unless ignored, and COPY/ADD of them. */
export function contextSecretFiles(model: Model, files: PreflightInput['contextSecretFiles']): Finding[] {
  const findings: Finding[] = [];
  // An ignored file never reaches the builder, so no COPY can take it in either.
  for (const f of files.filter((file) => !file.ignored)) {
    findings.push({
      rule: 'secret-file-in-context',
      severity: 'warning',
      message: `secret file of "${f.id}" (${f.relPath}) is inside the build context and not excluded by .dockerignore: it is sent to the builder with the context`
    });
    for (const c of contextCopies(model).filter((x) => x.sources.some((src) => sourceCovers(src, f.relPath)))) {
      findings.push({
        rule: 'secret-file-in-context',
        severity: 'warning',
        line: c.step.line,
        message: `${c.step.ins.getKeyword()} copies the secret file of "${f.id}" (${f.relPath}) into the image`
      });
    }
  }
  return findings;
}
