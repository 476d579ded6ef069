/**
 * Credential-looking ARG/ENV names: BuildKit's SecretsUsedInArgOrEnv rule
 * (frontend/dockerfile/dockerfile2llb/validations.go, getSecretsRegex), widened to
 * camelCase, `-`/`.` separators, `pat` and `…key` compounds, and quiet for names that
 * hold a path or the name of a secret rather than a credential.
 */
import { Add, Arg, Copy, Env, Label, Run } from 'dockerfile-ast';
import { argDecls, copyArgs, inFinalChain, lineOf, unquote, type Model, type Step } from './model.js';
import { nameWords } from './credential-files.js';
import { refsIn } from './shell.js';
import type { Finding } from './types.js';
import { plausiblySecret } from './values.js';

/** BuildKit's deny words (any `_`-separated word of the name, case-insensitive), plus `pat` (personal access token). */
const CREDENTIAL_WORDS = new Set(['apikey', 'auth', 'credential', 'credentials', 'key', 'password', 'pword', 'passwd', 'secret', 'token', 'pat']);
/**
 * BuildKit's allow words (public, file, version): a name with one of them is not a credential
 * (NPM_TOKEN_FILE is a path). `path` is ours, for the same reason.
 */
const ALLOW_WORDS = new Set(['public', 'file', 'version', 'path']);

export function looksLikeCredential(name: string): boolean {
  const parts = nameWords(name);
  if (parts.some((p) => ALLOW_WORDS.has(p))) return false;
  // Compounds written as one word (LBHPACKAGESTOKEN, apiKey, privatekey) end in a credential word.
  return parts.some((p) => CREDENTIAL_WORDS.has(p)) || /(api|access|private|secret)key$|(token|password|passwd|secret)$/i.test(name);
}

/**
 * Variables that hold the name of a secret or a path, not a credential: used in a
 * `--mount` option (`id=$AUTH_SECRET`) or as a COPY/ADD source (`COPY $GCP_SA_KEY key.json`;
 * not in a URL: `ADD https://$TOKEN@host/f` carries the credential), or set to a secret id
 * or to an absolute path.
 */
export function nameHolders(model: Model, ids: Set<string>): Set<string> {
  const holders = new Set<string>();
  for (const step of [...model.meta.map((ins) => ({ ins })), ...model.steps]) {
    const flags = step.ins instanceof Run ? step.ins.getFlags() : [];
    for (const f of flags.filter((x) => x.getName() === 'mount')) refsIn(f.getValue() ?? '').forEach((r) => holders.add(r));
    if (step.ins instanceof Copy || step.ins instanceof Add) {
      const paths = (copyArgs(step.ins)?.sources ?? []).filter((src) => !URL_SOURCE.test(src));
      refsIn(paths.join(' ')).forEach((r) => holders.add(r));
    }
    for (const d of declarations(step)) if (d.value !== undefined && (ids.has(d.value) || d.value.startsWith('/'))) holders.add(d.name);
  }
  return holders;
}

/** Every name an ARG or ENV of the Dockerfile declares (ONBUILD triggers and the ARGs before FROM included). */
export function declaredNames(model: Model): Set<string> {
  return new Set([...model.meta.map((ins) => ({ ins })), ...model.steps].flatMap((s) => declarations(s).map((d) => d.name)));
}

/** An ADD source fetched by BuildKit: http(s) or a git URL. */
const URL_SOURCE = /^([a-z][a-z0-9+.-]*:\/\/|git@)/i;

function declarations(step: Pick<Step, 'ins'>): { kw: string; name: string; value?: string }[] {
  if (step.ins instanceof Arg) return argDecls(step.ins).map((d) => ({ kw: 'ARG', ...d }));
  if (step.ins instanceof Env) return step.ins.getProperties().map((p) => ({ kw: 'ENV', name: p.getName(), value: p.getValue() ?? undefined }));
  return [];
}

/**
 * Credential-looking ARG/ENV names, by their value: a literal that looks like a credential
 * (`ENV API_SECRET=s3cr3t-9f8e…`) is in the image config or history as it is → error
 * (credential-literal); an empty default (`ENV API_PASSWORD=""`) holds nothing → notice;
 * no value, a reference or a placeholder → warning. An ENV or LABEL set from a credential
 * ARG (`ENV NPM_TOKEN=${NPM_TOKEN}`) puts the value in the image config, and an ADD URL
 * with one (`ADD https://u:${TOKEN}@host/f /f`) in the image history (BuildKit records
 * ADD's sources, variables expanded): error when the stage reaches the final image. In an
 * ONBUILD trigger all of these happen in the builds FROM this image: warnings about those.
 */
export function credentialNames(model: Model, isCredential: (name: string) => boolean): Finding[] {
  const all = [...model.meta.map((ins) => ({ ins, line: lineOf(ins), stage: undefined, onbuild: false })), ...model.steps];
  const reach = (step: { stage?: Step['stage']; onbuild: boolean }) =>
    !step.onbuild && inFinalChain(model, step.stage!) ? ('error' as const) : ('warning' as const);
  const trigger = (step: { onbuild: boolean }) => (step.onbuild ? `${ONBUILD} ` : '');
  return all.flatMap((step) => [
    ...[...declarations(step), ...labels(step)].flatMap((d): Finding[] => {
      const from = d.kw === 'ARG' ? [] : refsIn(d.value ?? '').filter((r) => isCredential(r) && argInScope(step, r));
      if (from.length && step.stage) {
        return [
          {
            rule: 'credential-in-image-config',
            severity: reach(step),
            line: step.line,
            message: `${trigger(step)}${d.kw} ${d.name} takes ${from.join(', ')} (a credential-named ARG/ENV) into the image config: ${d.kw === 'ENV' ? 'every container and ' : ''}docker inspect show${d.kw === 'ENV' ? '' : 's'} it; use a secret mount instead`
          }
        ];
      }
      if (d.kw === 'LABEL' || !isCredential(d.name)) return [];
      return [nameFinding(step, d, trigger(step))];
    }),
    ...(step.stage && step.ins instanceof Add ? urlCredentials(step.ins, (r) => isCredential(r) && argInScope(step, r)) : []).map(({ src, from }): Finding => ({
      rule: 'credential-in-image-config',
      severity: reach(step),
      line: step.line,
      message: `${trigger(step)}ADD ${src} puts ${from.join(', ')} (a credential-named ARG/ENV) into the image history: BuildKit records ADD's source URL with the variables expanded; download it in a RUN with a secret mount instead`
    }))
  ]);
}

const ONBUILD = 'ONBUILD (in the builds FROM this image)';

/** A credential-named ARG or ENV, weighed by its value. */
function nameFinding(step: { line: number; onbuild: boolean }, d: { kw: string; name: string; value?: string }, trigger: string): Finding {
  const value = d.value === undefined ? undefined : unquote(d.value);
  if (value !== undefined && literalCredential(value)) {
    return {
      rule: 'credential-literal',
      severity: step.onbuild ? 'warning' : 'error',
      line: step.line,
      message: `${trigger}${d.kw} ${d.name} is set to a literal that looks like a credential: it is in the image's config and history as written, for anyone who pulls the image; remove it, rotate it, and pass it as a secret mount`
    };
  }
  return {
    rule: 'credential-name',
    severity: value === '' ? 'notice' : 'warning',
    line: step.line,
    message:
      value === ''
        ? `${trigger}${d.kw} ${d.name} looks like a credential and defaults to empty: harmless as it is, but a value given to it later is kept in the image history and provenance; use a secret mount for the real one`
        : `${trigger}${d.kw} ${d.name} looks like a credential: ${d.kw} values are kept in the image history and provenance; use a secret mount instead`
  };
}

/** Placeholders people write where a credential goes. */
const PLACEHOLDER =
  /^(<.*>|\{\{.*\}\}|x+|\*+|(change|replace)[-_]?me.*|dummy.*|placeholder.*|example.*|your[-_].*|redacted|none|null|nil|true|false|unset|default|secret|password|token|test|testing|local|dev|development)$/i;

/**
 * A literal value that looks like a credential: 8+ characters, no variable, no blank, not a
 * path, a URL without a password, or a placeholder, with letters and digits together and
 * either a random look (plausiblySecret) or 12+ characters.
 */
export function literalCredential(value: string): boolean {
  if (value.length < 8 || /[$\s]/.test(value) || /^(\/|\.\.?\/|~)/.test(value) || PLACEHOLDER.test(value)) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return /^[a-z][a-z0-9+.-]*:\/\/[^/@:]+:[^/@]+@/i.test(value);
  if (!/[A-Za-z]/.test(value) || !/[0-9]/.test(value)) return false;
  return plausiblySecret(Buffer.from(value)) || value.length >= 12;
}

/**
 * Whether `name` is an ARG declared in the step's stage before it: only then can a
 * build-arg put a value there. An undeclared name expands to nothing (a value the base
 * image set is in its config already), and a global ARG not declared again in the stage
 * is not in scope.
 */
function argInScope(step: { ins: Step['ins']; stage?: Step['stage'] }, name: string): boolean {
  if (!step.stage) return false;
  const before = step.stage.steps.slice(
    0,
    step.stage.steps.findIndex((s) => s.ins === step.ins)
  );
  return before.some((s) => !s.onbuild && s.ins instanceof Arg && argDecls(s.ins).some((d) => d.name === name));
}

function labels(step: Pick<Step, 'ins'>): { kw: string; name: string; value?: string }[] {
  return step.ins instanceof Label ? step.ins.getProperties().map((p) => ({ kw: 'LABEL', name: p.getName(), value: p.getValue() ?? undefined })) : [];
}

/** ADD sources that are URLs and carry a credential-named variable. */
function urlCredentials(ins: Add, isCredential: (name: string) => boolean): { src: string; from: string[] }[] {
  return (copyArgs(ins)?.sources ?? [])
    .filter((src) => URL_SOURCE.test(src))
    .map((src) => ({ src, from: refsIn(src).filter(isCredential) }))
    .filter((u) => u.from.length);
}
