/** Encoders as the tools print them (base64, hex dumps), and a reader of leaked fragments independent of src/secrets/views.ts. */
import { FRAGMENT_BYTES } from '../../src/detection/fragments.js';

export const wrap = (s: string, width: number) => (width > 0 ? (s.match(new RegExp(`.{1,${width}}`, 'g')) ?? []).join('\n') : s);
const pairs = (b: Buffer) => (b.toString('hex').match(/../g) ?? []) as string[];
export function od(b: Buffer): string {
  const out: string[] = [];
  for (let i = 0; i < b.length; i += 16) out.push(`${i.toString(8).padStart(7, '0')} ${pairs(b.subarray(i, i + 16)).join(' ')}`);
  return [...out, b.length.toString(8).padStart(7, '0')].join('\n');
}
export function xxd(b: Buffer): string {
  const out: string[] = [];
  for (let i = 0; i < b.length; i += 16) {
    const row = b.subarray(i, i + 16);
    const groups = (row.toString('hex').match(/.{1,4}/g) ?? []).join(' ');
    out.push(`${i.toString(16).padStart(8, '0')}: ${groups.padEnd(39)}  ${[...row].map((c) => (c >= 32 && c < 127 ? String.fromCharCode(c) : '.')).join('')}`);
  }
  return out.join('\n');
}
export function hexdumpC(b: Buffer): string {
  const out: string[] = [];
  for (let i = 0; i < b.length; i += 16) {
    const p = pairs(b.subarray(i, i + 16));
    out.push(`${i.toString(16).padStart(8, '0')}  ${p.slice(0, 8).join(' ')}  ${p.slice(8).join(' ')}  |${'.'.repeat(p.length)}|`);
  }
  return out.join('\n');
}

type Encoding = (b: Buffer) => string;
export const ENCODINGS: Record<string, Encoding> = {
  raw: (b) => b.toString('latin1'),
  base64: (b) => b.toString('base64'),
  'base64 -w 76': (b) => wrap(b.toString('base64'), 76),
  'base64 -w 64 (PEM)': (b) => wrap(b.toString('base64'), 64),
  base64url: (b) => b.toString('base64url'),
  hex: (b) => b.toString('hex'),
  'HEX, 30 a line': (b) => wrap(b.toString('hex').toUpperCase(), 30),
  'xxd -p': (b) => wrap(b.toString('hex'), 60),
  'hex pairs with blanks': (b) => pairs(b).join(' '),
  'od -t x1': od,
  xxd,
  'hexdump -C': hexdumpC
};

/** Every stretch of 16+ bytes of `secret` that can be read back from `out` in the given encoding, by a reader independent of views.ts. */
export function leakedFragments(out: string, secret: Buffer, encoding: string): string[] {
  const isHex = /hex|HEX|xxd|od/.test(encoding);
  // Undo line structure: progress prefixes, dump offsets and ASCII columns, line breaks.
  const body = out
    .split('\n')
    .map((l) => l.replace(/^#\d+ [\d.]+ /, ''))
    .map((l) => (isHex ? l.replace(/^[0-9a-f]{7,8}:? /, '').replace(/ {2}\S*$|\|.*\|$/, '') : l))
    .join('');
  const runs = isHex ? body.replace(/[ ]/g, '').split(/[^0-9a-fA-F]+/) : encoding.startsWith('base64') ? body.split(/[^A-Za-z0-9+/_-]+/) : [body];
  const decoded: Buffer[] = runs.flatMap((r) => {
    if (isHex) return [0, 1].map((o) => Buffer.from(r.slice(o, o + ((r.length - o) & ~1)), 'hex'));
    if (encoding.startsWith('base64')) return [0, 1, 2, 3].map((o) => Buffer.from(r.slice(o).replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
    return [Buffer.from(r, 'latin1')];
  });
  const leaks: string[] = [];
  for (let i = 0; i + FRAGMENT_BYTES <= secret.length; i++) {
    const w = secret.subarray(i, i + FRAGMENT_BYTES);
    if (decoded.some((d) => d.includes(w))) leaks.push(`bytes ${i}..${i + FRAGMENT_BYTES}`);
  }
  return leaks;
}
