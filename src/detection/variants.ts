/**
 * The byte strings that reveal a secret when they appear in a log or an image, and what
 * to register with the runner. Pure.
 *
 * Two kinds, for the two halves of the search (search.ts):
 * - fragment sources: a value's secret-looking words and their whole encodings, in which
 *   any shared stretch of FRAGMENT_BYTES or more is found (fragments.ts): a piece of a
 *   word, or of its base64 at any alignment, is a stretch of one of these;
 * - exact variants: a value without such words (a passphrase, a short value), its lines,
 *   and their encodings, matched whole.
 */
import { FRAGMENT_BYTES } from './fragments.js';
import { MIN_SECRET_BYTES } from '../secrets/values.js';

/** Bytes to search for, and the form of the secret they are, for reports ("base64", "hex"; never the value). */
export interface Form {
  bytes: Buffer;
  form: string;
}

export interface SecretForms {
  sources: Form[];
  exact: Form[];
}

const form = (name: string) => (bytes: Buffer | string) => ({ bytes: Buffer.from(bytes), form: name });

/** Words up to this size are also searched in their JSON and URI escapes. */
const ESCAPED_SOURCE_MAX = 4096;

export function secretForms(value: Buffer): SecretForms {
  const words = secretWords(value);
  // A value with secret-looking words is searched by their pieces; its other text (URLs, keys of a
  // config file, YAML structure) is public and stays out. One without (a passphrase) is matched whole.
  if (words.length) return { sources: dedupeForms(words.flatMap(wordSources)), exact: [] };
  return { sources: [], exact: maskForms(value) };
}

/**
 * The secret-looking words of a value, for the fragment search. Text is cut at what
 * structures config files and never is part of a token (blanks, control bytes such as
 * line breaks and NUL padding, quotes, `,;:=<>{}[]()` and backslash); a word counts when it has 16+ bytes and at least four
 * capitals or digits: tokens, keys, base64 and hex do, URLs, field names and words don't
 * (`//registry.npmjs.org/` is in every package-lock.json; an `.npmrc` must not make it a
 * finding). Bytes that are not UTF-8 are cut at runs of 4+ equal bytes (padding) and
 * count with 8+ distinct bytes. PEM armor and header lines are left out first (secretParts).
 */
export function secretWords(value: Buffer): Buffer[] {
  return secretParts(value).flatMap((part) => (utf8(part) !== undefined ? textWords(part).filter(looksSecret) : binaryPieces(part)));
}

const WORD_BREAK = new Uint8Array(256);
for (const c of ' "\'`,;:=<>{}[]()\\') WORD_BREAK[c.charCodeAt(0)] = 1;
for (let c = 0; c < 0x20; c++) WORD_BREAK[c] = 1; // control bytes: line breaks, tabs, NUL padding
WORD_BREAK[0x7f] = 1;

function textWords(b: Buffer): Buffer[] {
  const words: Buffer[] = [];
  for (let i = 0; i < b.length;) {
    while (i < b.length && WORD_BREAK[b[i]]) i++;
    const start = i;
    while (i < b.length && !WORD_BREAK[b[i]]) i++;
    if (i - start >= FRAGMENT_BYTES) words.push(b.subarray(start, i));
  }
  return words;
}

/** A word a search should find pieces of: 16+ bytes with four or more capitals or digits. */
export function looksSecret(word: Buffer): boolean {
  let n = 0;
  for (const c of word) if ((c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) n++;
  return word.length >= FRAGMENT_BYTES && n >= 4;
}

function binaryPieces(b: Buffer): Buffer[] {
  const pieces: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= b.length; i++) {
    const run = i + 3 < b.length && b[i] === b[i + 1] && b[i] === b[i + 2] && b[i] === b[i + 3];
    if (i < b.length && !run) continue;
    if (i - start >= FRAGMENT_BYTES && new Set(b.subarray(start, i)).size >= 8) pieces.push(b.subarray(start, i));
    while (i < b.length && b[i] === b[i + 1]) i++;
    start = i + 1;
  }
  return pieces;
}

/** Sources of one word: itself, its base64 at each alignment, and (up to 4 KiB) its escapes as encoders write them. */
function wordSources(word: Buffer): Form[] {
  const sources = [form('raw')(word), ...[0, 1, 2].map((shift) => form('base64')(base64Core(word, shift)))];
  const text = utf8(word);
  if (text !== undefined && word.length <= ESCAPED_SOURCE_MAX)
    sources.push(
      ...textEscapes(text)
        .filter((e) => !e.equals(word))
        .map(form(ESCAPED))
    );
  return sources;
}

const ESCAPED = 'URI or JSON escaped';

/**
 * The parts of a value that are secret, for the fragment search: all of it, except in a
 * PEM block its armor lines and its first body line (two for an OpenSSH key): those are
 * the format's header and, for OpenSSH, the public key — the same in every key of a kind
 * (ssh-add holds the armor; an image with SSH host keys holds the header), so a match
 * there says nothing. A part is a run of the remaining lines, line breaks kept.
 */
function secretParts(value: Buffer): Buffer[] {
  const text = value.toString('latin1');
  if (!text.includes('-----BEGIN ')) return [value];
  const parts: Buffer[] = [];
  let start = 0;
  let skip = 0;
  let at = 0;
  for (const line of text.split(/(?<=\n)/)) {
    const bare = line.replace(/\r?\n$/, '');
    const armor = isArmor(bare);
    if (armor || skip > 0) {
      if (at > start) parts.push(value.subarray(start, at));
      skip = armor ? (bare.startsWith('-----BEGIN ') ? (bare.includes('OPENSSH PRIVATE KEY') ? 2 : 1) : 0) : skip - 1;
      start = at + line.length;
    }
    at += line.length;
  }
  if (at > start) parts.push(value.subarray(start, at));
  return parts;
}

/** Every exact variant of the value and its lines, deduplicated, each at least MIN_SECRET_BYTES long. */
export function maskVariants(value: Buffer): Buffer[] {
  return maskForms(value).map((f) => f.bytes);
}

function maskForms(value: Buffer): Form[] {
  const all = pieces(value).flatMap((piece) => [piece, ...encodings(piece.bytes, piece.form === 'raw' ? '' : `${piece.form}, `)]);
  return dedupeForms(all).filter((f) => f.bytes.length >= MIN_SECRET_BYTES);
}

/** The first form of each distinct byte string: the whole value before its pieces, the bytes before an encoding that equals them. */
function dedupeForms(forms: Form[]): Form[] {
  const seen = new Map<string, Form>();
  for (const f of forms) if (!seen.has(f.bytes.toString('latin1'))) seen.set(f.bytes.toString('latin1'), f);
  return [...seen.values()];
}

/** The whole value, without its trailing line break, and each line (CR dropped). */
function pieces(value: Buffer): Form[] {
  return [form('raw')(value), form('raw')(trimTrailingNewlines(value)), ...lines(value).map(form('one line'))];
}

/** The lines of a multi-line value, split at LF, CRLF or a bare CR as the runner splits them; PEM armor left out. */
export function lines(value: Buffer): Buffer[] {
  if (!value.includes(0x0a) && !value.includes(0x0d)) return [];
  const res: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= value.length; i++) {
    if (i === value.length || value[i] === 0x0a || value[i] === 0x0d) {
      const line = value.subarray(start, i);
      if (line.length && !isArmor(line.toString('latin1'))) res.push(line);
      start = i + 1;
    }
  }
  return res;
}

/**
 * A PEM armor line (`-----BEGIN OPENSSH PRIVATE KEY-----`) is the same in every key and
 * in the tools that read keys (ssh-add holds it): masking it alone says nothing about the
 * secret and turns every such file into a finding. The whole value still contains it.
 */
function isArmor(line: string): boolean {
  return /^-----(BEGIN|END) [A-Z0-9 ]+-----$/.test(line);
}

function trimTrailingNewlines(b: Buffer): Buffer {
  let end = b.length;
  while (end > 0 && (b[end - 1] === 0x0a || b[end - 1] === 0x0d)) end--;
  return b.subarray(0, end);
}

/** Line widths of wrapped base64: coreutils/busybox `base64` (76) and PEM/openssl (64). */
const BASE64_WRAPS = [76, 64];

/** `prefix` names the piece ("one line, "), so a form reads "one line, hex". */
function encodings(piece: Buffer, prefix: string): Form[] {
  const text = utf8(piece);
  return [
    ...byteForms(piece).map((e) => form(`${prefix}${e.form}`)(e.text)),
    ...(text !== undefined ? textEscapes(text).map(form(`${prefix}${ESCAPED}`)) : [])
  ];
}

function byteEncodings(piece: Buffer): string[] {
  return byteForms(piece).map((e) => e.text);
}

/**
 * What any bytes read as: unpadded base64 at each alignment, also base64url; the first
 * line of the value's own base64, wrapped (a long value encoded on its own is wrapped, and
 * its first line still gives it away); hex in both cases.
 */
function byteForms(piece: Buffer): { text: string; form: string }[] {
  const res: { text: string; form: string }[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const core = base64Core(piece, shift);
    res.push({ text: core, form: 'base64' }, { text: core.replaceAll('+', '-').replaceAll('/', '_'), form: 'base64url' });
  }
  const whole = base64Core(piece, 0);
  for (const width of BASE64_WRAPS) if (whole.length > width) res.push({ text: whole.slice(0, width), form: 'base64, wrapped' });
  res.push({ text: piece.toString('hex'), form: 'hex' }, { text: piece.toString('hex').toUpperCase(), form: 'hex' });
  return res;
}

/** A JSON string's content as JSON.stringify writes it, and as Go's encoding/json does (BuildKit's progress, metadata: <, > and & as \u003c, \u003e, \u0026). */
function jsonForms(text: string): { json: string; goJson: string } {
  const json = JSON.stringify(text).slice(1, -1);
  return { json, goJson: json.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`) };
}

/** The text as URI data (also form-encoded and with lowercase escapes) and in a JSON string (also as Go and Python write it). */
function textEscapes(text: string): Buffer[] {
  const { json, goJson } = jsonForms(text);
  // Python's json.dumps writes every non-ASCII character as \uXXXX.
  const pyJson = json.replace(/[^ -~]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const uri = encodeURIComponent(text);
  // Forms write a blank as +, and many encoders write %2f where encodeURIComponent writes %2F.
  const form = uri.replaceAll('%20', '+');
  const lower = uri.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase());
  return [uri, json, goJson, pyJson, form, lower].map((e) => Buffer.from(e));
}

/**
 * The part of base64(x) that is the same wherever `piece` sits in x, given that it
 * starts `shift` bytes past a 3-byte boundary: characters mixing in bytes before or
 * after the piece are cut off, and padding is never part of it.
 */
export function base64Core(piece: Buffer, shift: number): string {
  const enc = Buffer.concat([Buffer.alloc(shift), piece])
    .toString('base64')
    .replace(/=+$/, '');
  const tail = (shift + piece.length) % 3 === 0 ? enc : enc.slice(0, -1);
  return tail.slice([0, 2, 3][shift]);
}

function utf8(b: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return undefined;
  }
}

/** Values with more lines than this (certificate bundles) register their lines only: see runnerMasks. */
export const RUNNER_EXTRA_LINES = 64;

/**
 * What to register with the runner (`::add-mask::`) so later steps' logs are masked too:
 * only what the runner cannot derive. For every string it is given, the runner also
 * masks its base64 (padded, after dropping 0, 1 or 2 leading bytes), JSON, URI, XML and
 * shell escapes (actions/runner ValueEncoders). It cannot derive base64 of the value in
 * the middle of other bytes (unpadded, at each alignment, base64url too), hex, Go's JSON
 * escapes, or the first line of wrapped base64. What is registered is the value's
 * secret-looking words (secretWords) when it has any, else its lines one by one: a
 * command is one line, and the runner would split a multi-line mask into lines and mask
 * even a one-character line (a JSON brace) in every later log. With more than
 * RUNNER_EXTRA_LINES of them, only they are registered, so the runner's cost per log
 * line stays bounded; this step's own scrubber keeps every form regardless.
 */
export function runnerMasks(value: Buffer): string[] {
  // A value with secret-looking words (a config file, a kubeconfig) registers those, not its public lines.
  const words = secretWords(value);
  const ls = lines(value);
  const parts = (words.length ? words : ls.length ? ls : [trimTrailingNewlines(value)]).filter((p) => p.length >= MIN_SECRET_BYTES);
  const extras = parts.length <= RUNNER_EXTRA_LINES;
  const out = new Set<string>();
  for (const part of parts) {
    const text = utf8(part);
    if (text !== undefined && text.trim() !== '') out.add(text);
    if (extras || text === undefined) for (const v of underivable(part, text)) out.add(v);
  }
  return [...out];
}

/** What the runner cannot derive from `part`: byteEncodings, and Go's JSON escape where it differs from the runner's JSON. */
function underivable(part: Buffer, text: string | undefined): string[] {
  const res = byteEncodings(part);
  if (text !== undefined) {
    const { json, goJson } = jsonForms(text);
    if (goJson !== json) res.push(goJson);
  }
  return res.filter((v) => v.length >= MIN_SECRET_BYTES);
}
