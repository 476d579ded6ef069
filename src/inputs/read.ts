/**
 * The one place that reads the action's inputs, driven by the table in `table.ts`.
 * Inputs are read untrimmed and trimmed here, so the action behaves the same under
 * the runner's `@actions/core` and under clients whose `getInput` does not trim.
 */
import * as core from '@actions/core';
import { InputError } from '../errors.js';
import { DEFAULT_CONTEXT, defaultGitContext, takeUrlToken, type UrlToken } from './git-context.js';
import { MIN_SECRET_BYTES } from '../secrets/values.js';
import { defaultProvenance } from './provenance.js';
import { parseCall } from './call.js';
import { parseList } from './lists.js';
import { assertUniqueIds, SECRET_ID, parseSecretEnvs, parseSecretFiles, parseSecretMap, parseSecrets, type SecretSpec } from './secret-specs.js';
import { BUILD_INPUT_NAMES, INPUTS, type BuildInputName, type BuildInputs, type InputName } from './table.js';
import { isRuleId, RULE_IDS, type RuleId } from '../leak-guard/preflight/rules.js';

export type LeakCheck = 'error' | 'warn' | 'off';

/** A secret given to buildx as an SSH key (`--ssh <ssh>=<vault file>`) instead of a secret mount. */
export interface SshSecret {
  ssh: string;
  secret: string;
}

export interface Inputs {
  secrets: SecretSpec[];
  sshSecrets: SshSecret[];
  build: BuildInputs;
  /** The provenance build-push-action would add when the input is empty; '' for none. */
  provenanceDefault: string;
  tmpfsDir: string;
  allowDiskFallback: boolean;
  leakCheck: LeakCheck;
  allowMissingOptionalSecrets: boolean;
  /** Preflight rules silenced for the run. */
  preflightIgnore: RuleId[];
  /** For a Git context on the workflow's server; empty when not given (or left unevaluated outside the runner). */
  githubToken: string;
  /** Tokens that were in Git context URLs (`https://<token>@…`), taken out of `build`: secrets like any other. */
  urlTokens: UrlToken[];
  /** skip: a run that gets no secrets (a fork's pull request, Dependabot) skips the build instead of failing. */
  onMissingSecrets: 'fail' | 'skip';
}

/** Flags the action sets itself; passing them through extra-args would bypass the vault or its own outputs. */
const RESERVED_FLAGS = ['--secret', '--iidfile', '--metadata-file', '--progress', '--call', '--check'];

/** The raw text, untrimmed, with the table's default when the input is unset or blank. */
function raw(name: InputName): string {
  const v = core.getInput(name, { trimWhitespace: false });
  const def: string | undefined = 'default' in INPUTS[name] ? (INPUTS[name] as { default: string }).default : undefined;
  return v.trim() === '' && def !== undefined ? def : v;
}

function bool(name: InputName): boolean {
  const v = raw(name).trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false' || v === '') return false;
  throw new InputError(name, 'expected true or false');
}

function enumValue(name: InputName, values: readonly string[]): string {
  const v = raw(name).trim();
  if (values.includes(v)) return v;
  throw new InputError(name, `expected ${values.join(', ').replace(/, (\w+)$/, ' or $1')}`);
}

function lines(name: InputName): string[] {
  // One argument a line, verbatim: no shell-style splitting to get wrong.
  return raw(name)
    .split(/\r?\n/)
    .map((a) => a.trim())
    .filter((a) => a !== '');
}

function buildValue(name: BuildInputName): string | string[] | boolean {
  const kind = INPUTS[name].kind;
  if (kind.type === 'bool') return bool(name);
  if (kind.type === 'lines') return lines(name);
  if (kind.type === 'list') {
    return parseList(name, raw(name), { ignoreComma: 'ignoreComma' in kind, quote: 'quote' in kind ? kind.quote : undefined });
  }
  return raw(name).trim();
}

/** The build inputs, without the tokens of Git context URLs (readInputs keeps those as secrets). */
export function readBuildInputs(): BuildInputs {
  return readBuild().build;
}

function readBuild(): { build: BuildInputs; urlTokens: UrlToken[] } {
  const b = Object.fromEntries(BUILD_INPUT_NAMES.map((n) => [n, buildValue(n)])) as BuildInputs;
  if (b.call) parseCall(b.call);
  const resolved = takeUrlTokens(withDefaultContext(b));
  resolved.build['extra-args'].forEach((a, k) => {
    if (RESERVED_FLAGS.some((f) => a === f || a.startsWith(`${f}=`))) {
      throw new InputError('extra-args', 'this flag is set by the action; give secrets through secrets, secret-envs or secret-files', k + 1);
    }
  });
  return resolved;
}

/** Tokens in the URLs of `context` and `build-contexts` out of them; one token a host (BuildKit has one secret a host). */
function takeUrlTokens(b: BuildInputs): { build: BuildInputs; urlTokens: UrlToken[] } {
  const context = takeUrlToken(b.context, 'context', 1);
  const contexts = b['build-contexts'].map((c, k) => takeUrlToken(c, 'build-contexts', k + 1));
  const urlTokens = [context, ...contexts].flatMap((t) => (t.token ? [t.token] : []));
  for (const t of urlTokens) {
    const where = t.input === 'context' ? undefined : t.entry;
    if (t.value.length < MIN_SECRET_BYTES) throw new InputError(t.input, `the token in the URL is too short to mask (under ${MIN_SECRET_BYTES} bytes)`, where);
    const other = urlTokens.find((o) => o.id === t.id && o.value !== t.value);
    if (other)
      throw new InputError(t.input, `the URL's token differs from the one in input "${other.input}" for the same host: BuildKit takes one a host`, where);
  }
  return { build: { ...b, context: context.text, 'build-contexts': contexts.map((c) => c.text) }, urlTokens: dedupeById(urlTokens) };
}

const dedupeById = (tokens: UrlToken[]) => tokens.filter((t, k) => tokens.findIndex((o) => o.id === t.id) === k);

/** A URL's token is the GIT_AUTH_TOKEN.<host> secret: a secret input giving that id as well is one too many. */
function assertUrlTokensUnique(tokens: UrlToken[], specs: SecretSpec[]): void {
  for (const t of tokens) {
    const spec = specs.find((s) => s.id === t.id);
    if (spec)
      throw new InputError(
        t.input,
        `the URL holds a token, and input "${spec.input}", entry ${spec.entry} gives secret "${t.id}" as well: give it once`,
        t.input === 'context' ? undefined : t.entry
      );
  }
}

/**
 * What build-push-action would attest when the provenance input is empty: none with an
 * attestation of type provenance in `attests`, else defaultProvenance. The pipeline adds it
 * once it knows the builder takes it (build-push-action's builder test).
 */
function provenanceDefault(b: BuildInputs): string {
  if (b.provenance !== '' || b.attests.some((a) => /(^|,)\s*type\s*=\s*provenance\s*(,|$)/i.test(a))) return '';
  return defaultProvenance(process.env, b.load || b.outputs.some((o) => /(^|,)\s*"?type=docker"?\s*(,|$)/i.test(o)));
}

/** An empty context is the Git context build-push-action uses; `{{defaultContext}}` stands for it anywhere. */
function withDefaultContext(b: BuildInputs): BuildInputs {
  const uses = b.context === '' || b.context.includes(DEFAULT_CONTEXT) || b['build-contexts'].some((c) => c.includes(DEFAULT_CONTEXT));
  if (!uses) return b;
  const git = defaultGitContext(process.env);
  if (!git)
    throw new InputError(
      'context',
      'is empty, and there is no repository to build as a Git context (GITHUB_SERVER_URL, GITHUB_REPOSITORY): set context, e.g. "."'
    );
  return {
    ...b,
    context: b.context === '' ? git : b.context.replaceAll(DEFAULT_CONTEXT, git),
    'build-contexts': b['build-contexts'].map((c) => c.replaceAll(DEFAULT_CONTEXT, git))
  };
}

export function readSecretSpecs(): SecretSpec[] {
  // `secrets` is read untrimmed: values are byte-exact.
  const specs = [
    ...parseSecrets(raw('secrets')),
    ...parseSecretEnvs(raw('secret-envs')),
    ...parseSecretFiles(raw('secret-files')),
    ...parseSecretMap(raw('secret-map'))
  ];
  if (raw('secrets-json').trim() && !specs.some((s) => s.input === 'secret-map')) {
    throw new InputError('secret-map', 'is required with secrets-json: name the secrets to mount, as id=SECRET_NAME');
  }
  assertUniqueIds(specs);
  return specs;
}

function tmpfsDir(): string {
  const dir = raw('tmpfs-dir').trim();
  // The path ends up inside buildx's comma-separated --secret value.
  if (/[,"'\n]/.test(dir)) throw new InputError('tmpfs-dir', 'the path may not contain commas, quotes or newlines');
  return dir;
}

/** `ssh-secrets`: `sshid=secretid` entries; each secret id must be one of the secrets given. */
function readSshSecrets(specs: SecretSpec[]): SshSecret[] {
  return parseList('ssh-secrets', raw('ssh-secrets')).map((e, k) => {
    const eq = e.indexOf('=');
    const ssh = e.slice(0, eq).trim();
    const secret = e.slice(eq + 1).trim();
    if (eq <= 0 || !SECRET_ID.test(ssh) || !SECRET_ID.test(secret))
      throw new InputError('ssh-secrets', 'expected sshid=secretid (e.g. default=deploy_key)', k + 1);
    if (!specs.some((s) => s.id === secret)) throw new InputError('ssh-secrets', 'names a secret id that no secret input gives', k + 1);
    return { ssh, secret };
  });
}

/** `preflight-ignore`: rule ids, each one the preflight has (a typo would silence nothing). */
function readRuleIds(): RuleId[] {
  // parseList trims each entry.
  return parseList('preflight-ignore', raw('preflight-ignore')).map((id, k) => {
    if (isRuleId(id)) return id;
    throw new InputError('preflight-ignore', `"${id}" is not a preflight rule (the rules: ${RULE_IDS.join(', ')}; see docs/rules/)`, k + 1);
  });
}

export function readInputs(): Inputs {
  const secrets = readSecretSpecs();
  const { build, urlTokens } = readBuild();
  assertUrlTokensUnique(urlTokens, secrets);
  return {
    secrets,
    sshSecrets: readSshSecrets(secrets),
    build,
    urlTokens,
    provenanceDefault: provenanceDefault(build),
    tmpfsDir: tmpfsDir(),
    allowDiskFallback: bool('allow-disk-fallback'),
    leakCheck: enumValue('leak-check', INPUTS['leak-check'].kind.values) as LeakCheck,
    allowMissingOptionalSecrets: bool('allow-missing-optional-secrets'),
    preflightIgnore: readRuleIds(),
    githubToken: /^\$\{\{.*\}\}$/.test(raw('github-token').trim()) ? '' : raw('github-token').trim(),
    onMissingSecrets: enumValue('on-missing-secrets', INPUTS['on-missing-secrets'].kind.values) as Inputs['onMissingSecrets']
  };
}

/**
 * `secrets-json` (`${{ toJSON(secrets) }}`), taken out of the environment: the caller reads
 * the names in secret-map from it and drops it, so the action holds no copy of the whole
 * secrets context after that. Not part of Inputs for that reason.
 */
export function takeSecretsJson(): string {
  const json = raw('secrets-json');
  delete process.env['INPUT_SECRETS-JSON'];
  return json;
}
