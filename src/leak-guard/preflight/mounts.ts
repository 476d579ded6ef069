/**
 * `RUN --mount=…` parsed with BuildKit's rules, so the preflight sees the ids BuildKit
 * will ask for. Follows moby/buildkit frontend/dockerfile: parser/split_command.go
 * (extractBuilderFlags: quotes and escapes of the flag word), instructions/
 * commands_runmount.go (parseMount: CSV fields, lower-cased keys, aliases, ParseBool,
 * validation) and dockerfile2llb/convert_secrets.go, convert_ssh.go (the default id and
 * target).
 */
import * as path from 'node:path';
import { Run } from 'dockerfile-ast';
import { expand, type Step } from './model.js';

export interface MountUse {
  step: Step;
  type: 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
  /** The secret or ssh id; undefined when built from a variable not known here (see idPattern). */
  id?: string;
  /** Matches the ids an unresolved `id=$X-suffix` can take. */
  idPattern?: RegExp;
  /** Where a file is mounted (secret: absent with env= and no target); undefined when not known. */
  target?: string;
  /** `env=`: the secret is given to the command as this variable. */
  env?: string;
  required: boolean;
  /** Why BuildKit rejects the mount (it fails the build with this). */
  error?: string;
}

const TYPES = ['bind', 'cache', 'tmpfs', 'secret', 'ssh'];
const SHARING = ['shared', 'private', 'locked'];
const KEYS = ['type', 'from', 'source', 'src', 'target', 'dst', 'destination', 'readonly', 'ro', 'readwrite', 'rw', 'id', 'sharing', 'required'];
const KEYS_MORE = ['size', 'mode', 'uid', 'gid', 'env'];
const ALIASES: Record<string, string> = { src: 'source', dst: 'target', destination: 'target' };

/** Every `--mount` of a RUN step (ONBUILD triggers included), secret and ssh ids resolved. */
export function mountsOf(step: Step): MountUse[] {
  if (!(step.ins instanceof Run)) return [];
  return step.ins
    .getFlags()
    .filter((f) => f.getName() === 'mount')
    .map((f) => {
      const value = f.getValue();
      // `RUN --mount type=secret,…` (a blank, not `=`): BuildKit's flag parser refuses it with this message.
      if (value === null) return { step, type: 'bind', required: false, error: 'missing a value on flag: --mount' };
      return parseMount(flagWord(value), step);
    });
}

/** extractBuilderFlags: quotes are removed and the escape character takes the next character literally. */
export function flagWord(raw: string): string {
  let out = '';
  let quote = '';
  for (let k = 0; k < raw.length; k++) {
    const ch = raw[k];
    if (quote && ch === quote) quote = '';
    else if (!quote && (ch === '"' || ch === "'")) quote = ch;
    else if (ch === '\\') out += raw[++k] ?? '';
    else out += ch;
  }
  return out;
}

/** encoding/csv (what go-csvvalue follows): `"…"` fields with `""` for a quote; a bare quote elsewhere is an error. */
export function csvFields(text: string): string[] {
  const fields: string[] = [];
  let k = 0;
  for (;;) {
    let field = '';
    if (text[k] === '"') {
      for (k++; ; k++) {
        if (k >= text.length) throw new Error('extraneous or missing " in quoted-field');
        if (text[k] === '"' && text[k + 1] === '"') field += text[++k];
        else if (text[k] === '"') break;
        else field += text[k];
      }
      k++;
      if (k < text.length && text[k] !== ',') throw new Error('extraneous or missing " in quoted-field');
    } else {
      const end = text.indexOf(',', k);
      field = text.slice(k, end === -1 ? text.length : end);
      if (field.includes('"')) throw new Error('bare " in non-quoted-field');
      k = end === -1 ? text.length : end;
    }
    fields.push(field);
    if (k >= text.length) return fields;
    k++;
  }
}

/** Go's strconv.ParseBool. */
function parseBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

interface Raw {
  type: MountUse['type'];
  from?: string;
  source?: string;
  target?: string;
  id?: string;
  env?: string;
  sharing?: string;
  required: boolean;
  fileInfo: string[];
  /** Keys whose value holds a variable not known here. */
  unknown: Set<string>;
}

function parseMount(word: string, step: Step): MountUse {
  const invalid = (error: string): MountUse => ({ step, type: 'bind', required: false, error });
  let m: Raw;
  try {
    m = parseFields(csvFields(word), step);
  } catch (e) {
    return invalid((e as Error).message);
  }
  const error = validate(m);
  if (error) return { ...invalid(error), type: m.type };
  return resolve(m, step);
}

function parseFields(fields: string[], step: Step): Raw {
  const m: Raw = { type: 'bind', required: false, fileInfo: [], unknown: new Set() };
  for (const field of fields) {
    const eq = field.indexOf('=');
    const key = (eq === -1 ? field : field.slice(0, eq)).toLowerCase();
    if (eq === -1) {
      // Flags without a value; `required` only once the type is secret or ssh (BuildKit reads the fields in order).
      if (['readonly', 'ro', 'readwrite', 'rw'].includes(key)) continue;
      if (key === 'required' && (m.type === 'secret' || m.type === 'ssh')) m.required = true;
      else if (key === 'required') throw new Error(`unexpected key '${key}' for mount type '${m.type}'`);
      else throw new Error(`invalid field '${field}' must be a key=value pair`);
      continue;
    }
    const raw = field.slice(eq + 1);
    const expanded = expand(raw, step.vars);
    if (expanded === undefined) m.unknown.add(ALIASES[key] ?? key);
    const value = expanded ?? raw;
    setKey(m, key, value, field);
  }
  return m;
}

function setKey(m: Raw, key: string, value: string, field: string): void {
  const known = !m.unknown.has(ALIASES[key] ?? key);
  const bool = () => {
    if (known && parseBool(value) === undefined) throw new Error(`invalid value for ${key}: ${value}`);
    return parseBool(value) ?? false;
  };
  switch (key) {
    case 'type':
      if (known && !TYPES.includes(value.toLowerCase())) throw new Error(`unsupported mount type "${value}"`);
      m.type = value.toLowerCase() as Raw['type'];
      return;
    case 'from':
      m.from = value;
      return;
    case 'source':
    case 'src':
      m.source = value;
      return;
    case 'target':
    case 'dst':
    case 'destination':
      m.target = value;
      return;
    case 'readonly':
    case 'ro':
    case 'readwrite':
    case 'rw':
      bool();
      return;
    case 'required':
      if (m.type !== 'secret' && m.type !== 'ssh') throw new Error(`unexpected key '${key}' for mount type '${m.type}'`);
      m.required = bool();
      return;
    case 'size':
      if (m.type !== 'tmpfs') throw new Error(`unexpected key '${key}' for mount type '${m.type}'`);
      return;
    case 'id':
      m.id = value;
      return;
    case 'sharing':
      if (known && !SHARING.includes(value.toLowerCase())) throw new Error(`unsupported sharing value "${value}"`);
      m.sharing = value;
      return;
    case 'mode':
    case 'uid':
    case 'gid':
      if (known && !(key === 'mode' ? /^[0-7]+$/ : /^\d+$/).test(value)) throw new Error(`invalid value ${value} for ${key}`);
      m.fileInfo.push(key);
      return;
    case 'env':
      m.env = value;
      return;
    default:
      if (!KEYS.includes(key) && !KEYS_MORE.includes(key)) throw new Error(`unexpected key '${key}' in '${field}'`);
  }
}

/** parseMount's checks after the fields (in its order), and dispatchSSH's. */
function validate(m: Raw): string | undefined {
  if (!['secret', 'ssh', 'cache'].includes(m.type) && m.fileInfo.length) return `${m.fileInfo[0]} not allowed for "${m.type}" type mounts`;
  if (m.type === 'secret') {
    if (m.from) return 'secret mount should not have a from';
    if (m.sharing) return 'secret mount should not define sharing';
    if (!m.source && !m.target && !m.id) return 'invalid secret mount. one of source, target required';
    if (m.source && m.id) return "both source and id can't be set";
  }
  if (m.sharing && m.type !== 'cache') return `invalid cache sharing set for ${m.type} mount`;
  if (m.type === 'ssh' && m.source) return 'ssh does not support source';
  return undefined;
}

/** dispatchSecret: id = source, else id, else basename(target); the file goes to target, else /run/secrets/<id>, unless env= is set without a target. */
function resolve(m: Raw, step: Step): MountUse {
  const base = { step, type: m.type, required: m.required };
  if (m.type === 'ssh') return { ...base, ...idOf(m, m.id ? 'id' : undefined, m.id || 'default'), target: m.target };
  if (m.type !== 'secret') return { ...base, target: m.unknown.has('target') ? undefined : m.target && path.posix.resolve(step.workdir ?? '/', m.target) };
  const key = m.source ? 'source' : m.id ? 'id' : 'target';
  const id = m.source || m.id || path.posix.basename(m.target!);
  const resolved = idOf(m, key, id);
  const target = m.target ?? (m.env === undefined && resolved.id !== undefined ? secretFile(resolved.id) : undefined);
  return { ...base, ...resolved, env: m.env === '' ? resolved.id : m.env, target: target && !m.unknown.has('target') ? target : undefined };
}

/** Where BuildKit mounts a secret that has no target (and no env=): /run/secrets/ and the id's last path segment. */
export const secretFile = (id: string) => `/run/secrets/${path.posix.basename(id)}`;

export const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function idOf(m: Raw, key: string | undefined, id: string): Pick<MountUse, 'id' | 'idPattern'> {
  if (key === undefined || !m.unknown.has(key)) return { id };
  const body = escapeRegExp(id);
  return { idPattern: new RegExp(`^${body}$`.replace(/\\\$\\\{[^}]*\\\}|\\\$[A-Za-z_][A-Za-z0-9_]*/g, '.*')) };
}
