/**
 * Parsing of the three secret inputs into validated specs. Pure: no I/O, no logging.
 * Every error names the input and the entry number and never quotes the entry,
 * because an entry (or what looks like an id) may be a fragment of a secret.
 */
import { InputError } from '../errors.js';
import { parseList } from './lists.js';

export type SecretInput = 'secrets' | 'secret-envs' | 'secret-files' | 'secret-map';

/** Where a secret's value comes from, by input: one field, named for what it holds. */
export type SecretSource =
  | { input: 'secrets'; value: string }
  | { input: 'secret-envs'; variable: string }
  | { input: 'secret-files'; path: string }
  | { input: 'secret-map'; name: string };

export type SecretSpec = SecretSource & {
  id: string;
  /** 1-based position among the input's entries, for messages. */
  entry: number;
};

export type SpecOf<I extends SecretInput> = Extract<SecretSpec, { input: I }>;

const SOURCE_FIELD = { secrets: 'value', 'secret-envs': 'variable', 'secret-files': 'path', 'secret-map': 'name' } as const;

/** The spec of an entry: its id, and the text after `=` in the field its input names. */
function specOf<I extends SecretInput>(input: I, id: string, entry: number, text: string): SpecOf<I> {
  return { id, input, entry, [SOURCE_FIELD[input]]: text } as SpecOf<I>;
}

/**
 * A secret or ssh id. buildx takes any non-empty text (a CSV field of `--secret`), BuildKit
 * looks it up as it is: `auth_secret/AWS_KMS_TOKEN` is an id. Narrower here on purpose: an
 * id goes unquoted into buildx's `--secret id=…,src=…`, into log lines and annotations, and
 * is matched against the Dockerfile's mounts, so no blank, comma, quote, `=` or `$`. The id
 * never names a file: the vault's files are `secret-<n>` (secrets/session.ts).
 */
export const SECRET_ID = /^[A-Za-z0-9_./:@+-]+$/;
export const SECRET_ID_RULE = 'the id may only use letters, digits and "_", ".", "-", "/", ":", "@", "+"';
/** What buildx's `env=` reads with os.Getenv: any name without `=` (a workflow's `env:` may say `MY-TOKEN`). */
const ENV_NAME = /^[^=\0]+$/;
/** A key of the secrets context: GitHub's secret names. */
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface RawEntry {
  text: string;
  entry: number;
}

/**
 * Splits the `secrets` input. An entry is one line `id=value` (value taken byte-exact
 * up to the line end, a trailing CR dropped), or a double-quoted entry `"id=value"`
 * that may span lines, with `""` for a literal quote: the only way to give a value
 * with newlines, leading `"`, or trailing CR. Blank lines and `#` comment lines are skipped.
 */
export function splitSecretsInput(text: string): RawEntry[] {
  const entries: RawEntry[] = [];
  let i = 0;
  while (i < text.length) {
    let start = i;
    while (start < text.length && (text[start] === ' ' || text[start] === '\t')) start++;
    const eol = lineEnd(text, start);
    const first = text[start];
    if (first === '"') {
      const entry = entries.length + 1;
      const { value, next } = readQuoted(text, start + 1, entry);
      entries.push({ text: value, entry });
      i = next;
      continue;
    }
    const line = text.slice(start, eol).replace(/\r$/, '');
    if (line.trim() !== '' && first !== '#') entries.push({ text: line, entry: entries.length + 1 });
    i = eol + 1;
  }
  return entries;
}

function lineEnd(text: string, from: number): number {
  const n = text.indexOf('\n', from);
  return n === -1 ? text.length : n;
}

function readQuoted(text: string, from: number, entry: number): { value: string; next: number } {
  let value = '';
  let i = from;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q === -1) throw new InputError('secrets', 'quoted entry has no closing double quote', entry);
    value += text.slice(i, q);
    if (text[q + 1] === '"') {
      value += '"';
      i = q + 2;
      continue;
    }
    const eol = lineEnd(text, q + 1);
    if (text.slice(q + 1, eol).trim() !== '') {
      throw new InputError('secrets', 'text after the closing double quote (write "" for a literal quote)', entry);
    }
    return { value, next: eol + 1 };
  }
}

/** An entry's id and the text after `=`, validated as the input wants. */
function splitIdRef(input: SecretInput, raw: RawEntry, trimRef: boolean): { id: string; text: string } {
  const eq = raw.text.indexOf('=');
  if (eq === -1) {
    const hint = input === 'secrets' ? ' (a value with newlines must be a quoted entry, or come from secret-envs)' : '';
    throw new InputError(input, `expected id=${refName(input)}${hint}`, raw.entry);
  }
  const id = raw.text.slice(0, eq).trim();
  const ref = trimRef ? raw.text.slice(eq + 1).trim() : raw.text.slice(eq + 1);
  if (!SECRET_ID.test(id)) throw new InputError(input, SECRET_ID_RULE, raw.entry);
  // An empty `secrets` value is a secret that did not arrive: resolving it reports every such entry at once.
  if (ref === '' && input !== 'secrets') throw new InputError(input, `the ${refName(input)} is empty${emptyHint(input)}`, raw.entry);
  return { id, text: ref };
}

const REF_NAMES: Record<SecretInput, string> = { secrets: 'value', 'secret-envs': 'ENV_NAME', 'secret-files': 'path', 'secret-map': 'SECRET_NAME' };

function refName(input: SecretInput): string {
  return REF_NAMES[input];
}

function emptyHint(input: SecretInput): string {
  return input === 'secrets' ? ' (is the secret defined for this repository, environment and event?)' : '';
}

export function parseSecrets(text: string): SpecOf<'secrets'>[] {
  return splitSecretsInput(text).map((raw) => {
    const e = splitIdRef('secrets', raw, false);
    return specOf('secrets', e.id, raw.entry, e.text);
  });
}

/**
 * build-push-action's list syntax for these inputs: quoted entries, commas separating unless
 * `ignoreComma`. A line whose first non-blank is `#` is a comment, as in `secrets`: build-push-action
 * has no comments, a `# …` line there is an entry it drops with a warning (it has no `=`).
 */
function listEntries(input: SecretInput, text: string, ignoreComma: boolean): RawEntry[] {
  const uncommented = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n');
  return parseList(input, uncommented, { ignoreComma }).map((t, k) => ({ text: t, entry: k + 1 }));
}

/** `id=NAME` lists whose names are environment variables or keys of the secrets context. */
function parseNameList<I extends 'secret-envs' | 'secret-map'>(input: I, text: string): SpecOf<I>[] {
  return listEntries(input, text, false).map((raw) => {
    const e = splitIdRef(input, raw, true);
    const valid = input === 'secret-envs' ? ENV_NAME : SECRET_NAME;
    if (!valid.test(e.text)) throw new InputError(input, `not a valid ${input === 'secret-envs' ? 'environment variable' : 'secret'} name`, raw.entry);
    return specOf(input, e.id, raw.entry, e.text);
  });
}

export const parseSecretEnvs = (text: string): SpecOf<'secret-envs'>[] => parseNameList('secret-envs', text);

/** The allowlist for secrets-json: only the secrets named here become mounts. */
export const parseSecretMap = (text: string): SpecOf<'secret-map'>[] => parseNameList('secret-map', text);

export function parseSecretFiles(text: string): SpecOf<'secret-files'>[] {
  return listEntries('secret-files', text, true).map((raw) => {
    const e = splitIdRef('secret-files', raw, true);
    if (e.text.includes('\0')) throw new InputError('secret-files', 'the path contains a NUL byte', raw.entry);
    return specOf('secret-files', e.id, raw.entry, e.text);
  });
}

/** Ids are one namespace across the three inputs: BuildKit mounts by id. */
export function assertUniqueIds(specs: SecretSpec[]): void {
  const seen = new Map<string, SecretSpec>();
  for (const s of specs) {
    const prev = seen.get(s.id);
    if (prev) throw new InputError(s.input, `uses the same id as input "${prev.input}", entry ${prev.entry}`, s.entry);
    seen.set(s.id, s);
  }
}

/** The inverse of parseSecrets for one entry: always quoted, so any string round-trips. */
export function formatSecretsEntry(id: string, value: string): string {
  return `"${`${id}=${value}`.replaceAll('"', '""')}"`;
}
