/**
 * Views of a buffer in which a secret's pieces are contiguous again, each with the way
 * back to the buffer's positions for redaction:
 * - the text view: line contents one after another (per build step when asked), without
 *   line breaks and without BuildKit's plain-progress prefix (`#7 0.512 `), so base64
 *   wrapped at any width and a token printed over several lines read as one stretch;
 * - the hex view: the bytes that hex dumps spell (`xxd`, `xxd -p`, `od -t x1`,
 *   `hexdump -C`, plain hex at any line width), decoded, offset columns dropped.
 */
export interface View {
  bytes: Buffer;
  /** The buffer ranges that view range [a, b) came from, one a line (line breaks and prefixes between stay). */
  sources(a: number, b: number): [number, number][];
}

/** Grows a typed array of positions without a JS array's per-element cost. */
class Positions {
  data = new Int32Array(64);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** Where the content of the line [s, e) starts: after a `#<step> <seconds> ` prefix, or at `s` when it has none. */
export function contentStart(b: Buffer, s: number, e: number): number {
  let i = s;
  if (b[i] !== 0x23) return s; // '#'
  for (i++; i < e && isDigit(b[i]); i++);
  if (i === s + 1 || b[i] !== 0x20) return s;
  const t = ++i;
  for (; i < e && (isDigit(b[i]) || b[i] === 0x2e); i++);
  return i > t && b[i] === 0x20 ? i + 1 : s;
}

/** Where the content of the line [s, e) ends (`e` at its LF or the buffer's end): before the CR of a CRLF. */
export function contentEnd(buf: Buffer, s: number, e: number): number {
  return e > s && buf[e - 1] === 0x0d && e < buf.length ? e - 1 : e;
}

/** The step number of a line's `#7 0.512 ` prefix (content starting at `s`), -1 when it has none. */
export function progressStep(buf: Buffer, lineStart: number, s: number): number {
  if (s === lineStart) return -1;
  let n = 0;
  for (let i = lineStart + 1; isDigit(buf[i]); i++) n = n * 10 + buf[i] - 0x30;
  return n;
}

/**
 * The text view of the lines in [from, to) (`from` at a line start); with `step`, only the
 * lines of that build step: BuildKit prints parallel steps' lines in turns, and a secret
 * one step prints over several lines is one stretch only among that step's lines.
 */
export function textView(buf: Buffer, from = 0, to = buf.length, step?: number): View {
  const bytes = Buffer.allocUnsafe(to - from);
  // Segment k copies buf[segBuf[k], …) to bytes[segView[k], segView[k + 1]).
  const segView = new Positions();
  const segBuf = new Positions();
  let n = 0;
  for (let pos = from; pos < to;) {
    const nl = buf.indexOf(0x0a, pos);
    const end = nl === -1 || nl > to ? to : nl;
    const s = contentStart(buf, pos, end);
    const e = contentEnd(buf, pos, end);
    if (e > s && (step === undefined || progressStep(buf, pos, s) === step)) {
      segView.push(n);
      segBuf.push(s);
      n += buf.copy(bytes, n, s, e);
    }
    pos = end + 1;
  }
  const sources = (a: number, b: number): [number, number][] => {
    const res: [number, number][] = [];
    for (let k = lastAtOrBefore(segView, a); k < segView.length && segView.data[k] < b; k++) {
      const s0 = Math.max(a, segView.data[k]);
      const s1 = Math.min(b, k + 1 < segView.length ? segView.data[k + 1] : n);
      res.push([segBuf.data[k] + (s0 - segView.data[k]), segBuf.data[k] + (s1 - segView.data[k])]);
    }
    return res;
  };
  return { bytes: bytes.subarray(0, n), sources };
}

/** Where the last `n` bytes of the text view of `buf` begin (at most MAX_TAIL_LINES lines back). */
export function textTail(buf: Buffer, n: number): number {
  let end = buf.length;
  for (let k = 0; k < MAX_TAIL_LINES && end >= 0; k++) {
    const start = lineStartOf(buf, end);
    const s = contentStart(buf, start, end);
    const e = contentEnd(buf, start, end);
    if (e - s >= n) return e - n;
    n -= Math.max(0, e - s);
    if (start === 0) return 0;
    end = start - 1;
  }
  return end;
}

const MAX_TAIL_LINES = 16;

/** The start of the line that holds position `at - 1` (the line `at` ends or is in); lastIndexOf with a negative index would search from the end. */
export function lineStartOf(buf: Buffer, at: number): number {
  return at <= 0 ? 0 : buf.lastIndexOf(0x0a, at - 1) + 1;
}

function lastAtOrBefore(p: Positions, v: number): number {
  let lo = 0;
  let hi = p.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (p.data[mid] <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Bytes a hex dump is made of: hex digits, blanks, line breaks and the colon of xxd's offset. */
const HEXISH = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF :\r\n') HEXISH[c.charCodeAt(0)] = 1;
/**
 * A probe every 16 bytes sees 8 hexish bytes in a row in any hexish run of 23 or more:
 * a dump's line (od's 55, xxd's 49 before its ASCII column), a long hex string, or
 * wrapped hex (line breaks are hexish). Shorter runs are found next to a longer line.
 */
const HEX_PROBE = 16;

/** The hex view of the lines that have a long hexish run, and of the lines next to them (a dump's short first or last line). */
export function hexView(buf: Buffer): View & { lastLineStart: number; lastDumpStart: number } {
  const parts = hexParts(buf);
  let room = 0;
  for (let k = 0; k < parts.length; k += 4) room += parts.data[k + 1] - parts.data[k];
  const bytes = Buffer.allocUnsafe(room);
  const pos = new Positions();
  let lastLineStart = -1;
  let lastDumpStart = -1;
  for (let k = 0; k < parts.length; k += 4) {
    const d = parts.data;
    if (d[k + 3]) {
      if (decodeRun(buf, d[k], d[k + 1], bytes, pos)) lastLineStart = d[k + 2];
    } else if (decodeHexLine(buf, d[k], d[k + 1], bytes, pos)) lastLineStart = lastDumpStart = d[k + 2];
  }
  return {
    bytes: bytes.subarray(0, pos.length),
    sources: (a, b) => {
      // Pairs at most one character apart (a blank or a colon) are one range; a wider gap is the next line or column.
      const res: [number, number][] = [[pos.data[a], pos.data[a] + 2]];
      for (let i = a + 1; i < b; i++) {
        const last = res[res.length - 1];
        if (pos.data[i] >= last[0] && pos.data[i] - last[1] <= 1 && buf[last[1]] !== 0x0a) last[1] = Math.max(last[1], pos.data[i] + 2);
        else res.push([pos.data[i], pos.data[i] + 2]);
      }
      return res;
    },
    lastLineStart,
    lastDumpStart
  };
}

/**
 * What to decode, in order, four numbers each: start, end, line start, and 0 for a
 * dump's line (decoded whole, with its neighbours: a dump's short first or last line)
 * or 1 for a run of 16+ hex digits in other text (a digest, `key=0x…`).
 */
function hexParts(buf: Buffer): Positions {
  const out = new Positions();
  let covered = 0;
  const add = (s: number, e: number, line: number, run: number) => {
    if (s < covered) return;
    covered = e;
    out.push(s);
    out.push(e);
    out.push(line);
    out.push(run);
  };
  const addLine = (start: number) => {
    const nl = buf.indexOf(0x0a, start);
    const end = nl === -1 ? buf.length : nl;
    add(contentStart(buf, start, end), contentEnd(buf, start, end), start, 0);
  };
  // The line of the last probe that hit, found once however many probes hit it (a long line is not searched again each time).
  let s = -1;
  let e = -1;
  let end = -1;
  let dump = false;
  for (let p = 0; p + 8 <= buf.length; p += HEX_PROBE) {
    if (!hexishWindow(buf, p)) continue;
    if (p >= end || p < s) {
      s = lineStartOf(buf, p + 1);
      e = buf.indexOf(0x0a, p);
      end = e === -1 ? buf.length : e;
      dump = isDumpLine(buf, contentStart(buf, s, end), end);
    }
    if (dump) {
      if (s > 0) addLine(lineStartOf(buf, s - 1));
      addLine(s);
      if (e !== -1 && e + 1 < buf.length) addLine(e + 1);
      p = end + 1 - HEX_PROBE;
      continue;
    }
    let rs = p;
    while (rs < p + 8 && HEX_VALUE[buf[rs]] < 0) rs++;
    while (rs > s && HEX_VALUE[buf[rs - 1]] >= 0) rs--;
    const re = hexRunEnd(buf, rs, end);
    if (re - rs >= 2 * GRAM_PAIRS) add(rs, re, s, 1);
    p = Math.max(p, re - HEX_PROBE);
  }
  return out;
}

/**
 * A dump's line starts with a hex token, its offset (6+ digits) or its first bytes (even
 * length), that has a decimal digit or is followed by a hex token as long: not a word like "added".
 */
function isDumpLine(buf: Buffer, s: number, e: number): boolean {
  const a0 = sepEnd(buf, s, e);
  const a1 = tokenEnd(buf, a0, e);
  if (a1 === a0 || ((a1 - a0) % 2 !== 0 && a1 - a0 < 6) || hexRunEnd(buf, a0, a1) !== a1) return false;
  for (let i = a0; i < a1; i++) if (buf[i] <= 0x39) return true;
  const b0 = sepEnd(buf, a1, e);
  const b1 = tokenEnd(buf, b0, e);
  return b1 - b0 === a1 - a0 && hexRunEnd(buf, b0, b1) === b1;
}

/** A run shorter than this many hex digit pairs cannot hold a gram of the search. */
const GRAM_PAIRS = 8;

/** A hex run in other text: read from its start, and from its end as well when its length is odd. */
function decodeRun(buf: Buffer, s: number, e: number, out: Buffer, pos: Positions): boolean {
  decodePairs(buf, s, s + ((e - s) & ~1), out, pos);
  if ((e - s) % 2 === 1) decodePairs(buf, s + 1, e, out, pos);
  return true;
}

/** Eight hexish bytes with at least five hex digits (not a run of blanks). */
function hexishWindow(buf: Buffer, p: number): boolean {
  let digits = 0;
  for (let k = 0; k < 8; k++) {
    const c = buf[p + k];
    if (!HEXISH[c]) return false;
    if (HEX_VALUE[c] >= 0) digits++;
  }
  return digits >= 5;
}

const HEX_VALUE = new Int8Array(256).fill(-1);
for (let c = 0; c < 16; c++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(c)] = c;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(c)] = c;
}

const isSep = (c: number) => c === 0x20 || c === 0x09 || c === 0x3a || c === 0x0d;
const tokenEnd = (buf: Buffer, i: number, e: number) => {
  while (i < e && !isSep(buf[i])) i++;
  return i;
};
const sepEnd = (buf: Buffer, i: number, e: number) => {
  while (i < e && isSep(buf[i])) i++;
  return i;
};

/**
 * Decodes the hex tokens of one line into `out` (appending to `pos`): tokens are split
 * by blanks and colons; a first token that is an offset column is skipped; so is any
 * token that is not hex of even length (an ASCII column, a word), except for the hex runs
 * at its ends and a long one inside (`0x…`, `key=…`). Returns whether the line gave any byte.
 */
function decodeHexLine(buf: Buffer, s: number, e: number, out: Buffer, pos: Positions): boolean {
  const a0 = sepEnd(buf, s, e);
  const a1 = tokenEnd(buf, a0, e);
  const b0 = sepEnd(buf, a1, e);
  const b1 = tokenEnd(buf, b0, e);
  const offset = b1 > b0 && isOffset(buf, a0, a1, b0, b1);
  const xxdStyle = offset && buf[a1] === 0x3a;
  const before = pos.length;
  for (let gap = offset ? a1 : s, t = offset ? b0 : a0; t < e;) {
    const u = tokenEnd(buf, t, e);
    const pure = (u - t) % 2 === 0 && hexRunEnd(buf, t, u) === u;
    // Two blanks before a column that is not all hex (or any column, after xxd's offset) start the ASCII column,
    // whatever separators follow them (an ASCII column that starts with a colon: the byte 0x3a).
    if (pos.length > before && twoBlanks(buf, gap, t) && (xxdStyle || !pure)) break;
    if (pure) decodePairs(buf, t, u, out, pos);
    else decodeRunsIn(buf, t, u, out, pos);
    gap = u;
    t = sepEnd(buf, u, e);
  }
  return pos.length > before;
}

function twoBlanks(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i + 1 < to; i++) if (buf[i] === 0x20 && buf[i + 1] === 0x20) return true;
  return false;
}

/** An offset column: hex of 6+ digits, ending in a colon (xxd) or followed by shorter groups of 2 or 4 (od, hexdump). */
function isOffset(buf: Buffer, a0: number, a1: number, b0: number, b1: number): boolean {
  if (a1 - a0 < 6 || hexRunEnd(buf, a0, a1) !== a1) return false;
  return buf[a1] === 0x3a || ((b1 - b0 === 2 || b1 - b0 === 4) && hexRunEnd(buf, b0, b1) === b1);
}

/**
 * A token with other characters in it: a run at its end is read up to the blank after it,
 * a run at its start from the blank before it (a dump next to other bytes), and a long
 * run inside it (`0x…`, `key=…`) at both parities.
 */
function decodeRunsIn(buf: Buffer, t: number, u: number, out: Buffer, pos: Positions): void {
  for (let i = t; i < u;) {
    const end = hexRunEnd(buf, i, u);
    const n = end - i;
    if (i === t && end === u) {
      // A whole token of odd length: an offset alone on a line (od's last) is short; a longer
      // one is hex folded at an odd width, read both ways (half its lines start mid-byte).
      if (n > 8) {
        decodePairs(buf, i, i + (n & ~1), out, pos);
        decodePairs(buf, i + 1, end, out, pos);
      }
    } else if (i === t && n >= 2) decodePairs(buf, i, i + (n & ~1), out, pos);
    else if (end === u && n >= 2) decodePairs(buf, end - (n & ~1), end, out, pos);
    else if (n >= 2 * FRAGMENT_HEX_PAIRS) {
      decodePairs(buf, i, i + (n & ~1), out, pos);
      decodePairs(buf, i + 1, i + 1 + ((n - 1) & ~1), out, pos);
    }
    i = Math.max(end, i + 1);
  }
}

/** A run shorter than this many pairs cannot hold a fragment. */
const FRAGMENT_HEX_PAIRS = 16;

function hexRunEnd(buf: Buffer, i: number, u: number): number {
  while (i < u && HEX_VALUE[buf[i]] >= 0) i++;
  return i;
}

function decodePairs(buf: Buffer, t: number, u: number, out: Buffer, pos: Positions): void {
  for (let i = t; i + 1 < u; i += 2) {
    out[pos.length] = (HEX_VALUE[buf[i]] << 4) | HEX_VALUE[buf[i + 1]];
    pos.push(i);
  }
}
