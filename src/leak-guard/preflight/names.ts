/**
 * Credential-looking ARG/ENV names: BuildKit's SecretsUsedInArgOrEnv rule
 * (frontend/dockerfile/dockerfile2llb/validations.go, getSecretsRegex), widened to
 * camelCase, `-`/`.` separators, `pat` and `…key` compounds, and quiet for names that
 * hold a path or the name of a secret rather than a credential.
 */
import { Add, Arg, Copy, Env, Run } from 'dockerfile-ast';
import { argDecls, copyArgs, inFinalChain, lineOf, type Model, type Step } from './model.js';
import { refsIn } from './shell.js';
import type { Finding } from './types.js';

/** BuildKit's deny words (any `_`-separated word of the name, case-insensitive), plus `pat` (personal access token). */
const CREDENTIAL_WORDS = new Set(['apikey', 'auth', 'credential', 'credentials', 'key', 'password', 'pword', 'passwd', 'secret', 'token', 'pat']);
/**
 * BuildKit's allow words (public, file, version): a name with one of them is not a credential
 * (NPM_TOKEN_FILE is a path). `path` is ours, for the same reason.
 */
const ALLOW_WORDS = new Set(['public', 'file', 'version', 'path']);

export function looksLikeCredential(name: string): boolean {
  const parts = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_\-.]+/);
  if (parts.some((p) => ALLOW_WORDS.has(p))) return false;
  // Compounds written as one word (LBHPACKAGESTOKEN, apiKey, privatekey) end in a credential word.
  return parts.some((p) => CREDENTIAL_WORDS.has(p)) || /(api|access|private|secret)key$|(token|password|passwd|secret)$/i.test(name);
}

/**
 * Variables that hold the name of a secret or a path, not a credential: used in a
 * `--mount` option (`id=$AUTH_SECRET`) or as a COPY/ADD source (`COPY $GCP_SA_KEY key.json`),
 * or set to a secret id or to an absolute path.
 */
export function nameHolders(model: Model, ids: Set<string>): Set<string> {
  const holders = new Set<string>();
  for (const step of [...model.meta.map((ins) => ({ ins })), ...model.steps]) {
    const flags = step.ins instanceof Run ? step.ins.getFlags() : [];
    for (const f of flags.filter((x) => x.getName() === 'mount')) refsIn(f.getValue() ?? '').forEach((r) => holders.add(r));
    if (step.ins instanceof Copy || step.ins instanceof Add) refsIn(copyArgs(step.ins)?.sources.join(' ') ?? '').forEach((r) => holders.add(r));
    for (const d of declarations(step)) if (d.value !== undefined && (ids.has(d.value) || d.value.startsWith('/'))) holders.add(d.name);
  }
  return holders;
}

function declarations(step: Pick<Step, 'ins'>): { kw: string; name: string; value?: string }[] {
  if (step.ins instanceof Arg) return argDecls(step.ins).map((d) => ({ kw: 'ARG', ...d }));
  if (step.ins instanceof Env) return step.ins.getProperties().map((p) => ({ kw: 'ENV', name: p.getName(), value: p.getValue() ?? undefined }));
  return [];
}

/**
 * Credential-looking ARG/ENV names → warning. An ENV set from a credential variable
 * (`ENV NPM_TOKEN=${NPM_TOKEN}`) puts the value in the image config itself: error when
 * the stage reaches the final image, instead of the name warning.
 */
export function credentialNames(model: Model, isCredential: (name: string) => boolean): Finding[] {
  const all = [...model.meta.map((ins) => ({ ins, line: lineOf(ins), stage: undefined })), ...model.steps.filter((s) => !s.onbuild)];
  return all.flatMap((step) =>
    declarations(step).flatMap((d): Finding[] => {
      const from = d.kw === 'ENV' ? refsIn(d.value ?? '').filter(isCredential) : [];
      if (from.length && step.stage) {
        return [
          {
            severity: inFinalChain(model, step.stage) ? 'error' : 'warning',
            line: step.line,
            message: `ENV ${d.name} takes ${from.join(', ')} (a credential-named ARG/ENV) into the image config: every container and docker inspect show it; use a secret mount instead`
          }
        ];
      }
      if (!isCredential(d.name)) return [];
      return [
        {
          severity: 'warning',
          line: step.line,
          message: `${d.kw} ${d.name} looks like a credential: ${d.kw} values are kept in the image history and provenance; use a secret mount instead`
        }
      ];
    })
  );
}
