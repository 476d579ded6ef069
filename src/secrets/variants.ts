/**
 * The byte strings that reveal a secret when they appear in a log or an image:
 * the value, each of its lines, and their common encodings. Pure.
 */
import { MIN_SECRET_BYTES } from './values.js';

/** Every variant to mask or search for, deduplicated, each at least MIN_SECRET_BYTES long. */
export function maskVariants(value: Buffer): Buffer[] {
  const out = new Map<string, Buffer>();
  const add = (b: Buffer) => {
    if (b.length >= MIN_SECRET_BYTES) out.set(b.toString('latin1'), b);
  };
  for (const piece of pieces(value)) {
    add(piece);
    for (const enc of encodings(piece)) add(enc);
  }
  return [...out.values()];
}

/** The whole value, without its trailing line break, and each line (CR dropped). */
function pieces(value: Buffer): Buffer[] {
  const res = [value, trimTrailingNewlines(value)];
  if (value.includes(0x0a)) {
    let start = 0;
    for (let i = 0; i <= value.length; i++) {
      if (i === value.length || value[i] === 0x0a) {
        const line = trimCr(value.subarray(start, i));
        if (!isArmor(line)) res.push(line);
        start = i + 1;
      }
    }
  }
  return res;
}

/**
 * A PEM armor line (`-----BEGIN OPENSSH PRIVATE KEY-----`) is the same in every key and
 * in the tools that read keys (ssh-add holds it): masking it alone says nothing about the
 * secret and turns every such file into a finding. The whole value still contains it.
 */
function isArmor(line: Buffer): boolean {
  return /^-----(BEGIN|END) [A-Z0-9 ]+-----$/.test(line.toString('latin1'));
}

function trimCr(b: Buffer): Buffer {
  return b.length > 0 && b[b.length - 1] === 0x0d ? b.subarray(0, -1) : b;
}

function trimTrailingNewlines(b: Buffer): Buffer {
  let end = b.length;
  while (end > 0 && (b[end - 1] === 0x0a || b[end - 1] === 0x0d)) end--;
  return b.subarray(0, end);
}

/** Line widths of wrapped base64: coreutils/busybox `base64` (76) and PEM/openssl (64). */
const BASE64_WRAPS = [76, 64];

function encodings(piece: Buffer): Buffer[] {
  const res: Buffer[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const core = base64Core(piece, shift);
    res.push(Buffer.from(core), Buffer.from(core.replaceAll('+', '-').replaceAll('/', '_')));
  }
  // A long value encoded on its own is wrapped: its first line still gives it away.
  const whole = base64Core(piece, 0);
  for (const width of BASE64_WRAPS) if (whole.length > width) res.push(Buffer.from(whole.slice(0, width)));
  res.push(Buffer.from(piece.toString('hex')), Buffer.from(piece.toString('hex').toUpperCase()));
  const text = utf8(piece);
  if (text !== undefined) {
    const json = JSON.stringify(text).slice(1, -1);
    // Go's encoding/json (BuildKit's progress, metadata) also escapes <, > and & as \u003c, \u003e, \u0026.
    const goJson = json.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
    res.push(Buffer.from(encodeURIComponent(text)), Buffer.from(json), Buffer.from(goJson));
  }
  return res;
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

/** Variants that are text, for the runner's own masking (`::add-mask::` takes one line of text). */
export function textVariants(variants: Buffer[]): string[] {
  return variants.flatMap((v) => {
    const t = utf8(v);
    return t !== undefined && !/[\r\n]/.test(t) && t.trim() !== '' ? [t] : [];
  });
}
