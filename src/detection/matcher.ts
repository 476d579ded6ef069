/**
 * Finds many byte patterns in one pass with Wu-Manber skipping: the scan looks at a
 * window as long as the shortest pattern and, from a hash of the window's last four
 * bytes, jumps ahead by as much as no pattern can start in between. Only windows
 * whose last block ends some pattern's prefix are compared in full. With the usual
 * secrets (16+ bytes) most of the input is never looked at byte by byte.
 * Memory: the patterns plus a 64 KiB shift table, whatever their number or length.
 */
export const MIN_PATTERN_BYTES = 4;
const BLOCK = 4;
const HASH_BITS = 16; // 64 KiB: fits in L1/L2; measured faster than 2^18 and 2^20 tables

function blockHash(b: Uint8Array, end: number): number {
  const key = (b[end - 3] << 24) | (b[end - 2] << 16) | (b[end - 1] << 8) | b[end];
  return Math.imul(key, 0x9e3779b1) >>> (32 - HASH_BITS);
}

function prefix(b: Uint8Array, i: number): number {
  return ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
}

export class PatternMatcher {
  readonly maxLength: number;
  /** Length of the scan window: the shortest pattern (capped so shifts fit a byte). */
  private readonly window: number;
  private readonly shift = new Uint8Array(1 << HASH_BITS);
  /** Patterns by the hash of the last block of their window-long prefix. */
  private readonly byEndBlock = new Map<number, number[]>();
  /** Patterns by their first four bytes, and every shorter prefix: for partialStart. */
  private readonly byPrefix = new Map<number, number[]>();
  private readonly shortPrefixes = new Set<string>();
  private readonly bigrams = new Uint8Array(65536);

  constructor(readonly patterns: readonly Buffer[]) {
    patterns.forEach((p, index) => {
      if (p.length < MIN_PATTERN_BYTES) throw new Error(`pattern ${index} is shorter than ${MIN_PATTERN_BYTES} bytes`);
    });
    this.maxLength = patterns.reduce((m, p) => Math.max(m, p.length), 0);
    this.window = Math.min(
      255,
      patterns.reduce((m, p) => Math.min(m, p.length), Infinity)
    );
    const m = this.window;
    this.shift.fill(m - BLOCK + 1);
    patterns.forEach((p, index) => {
      for (let j = BLOCK - 1; j < m; j++) {
        const h = blockHash(p, j);
        this.shift[h] = Math.min(this.shift[h], m - 1 - j);
      }
      push(this.byEndBlock, blockHash(p, m - 1), index);
      push(this.byPrefix, prefix(p, 0), index);
      for (let n = 1; n < MIN_PATTERN_BYTES; n++) this.shortPrefixes.add(p.toString('latin1', 0, n));
      this.bigrams[(p[0] << 8) | p[1]] = 1;
    });
  }

  /**
   * Calls `onMatch(start, patternIndex)` for every occurrence that starts in [from, to)
   * and lies wholly inside `buf`, in order of start.
   */
  forEachMatch(buf: Buffer, from: number, to: number, onMatch: (start: number, pattern: number) => void): void {
    if (this.patterns.length === 0) return;
    const m = this.window;
    const shift = this.shift;
    const n = buf.length;
    const lastEnd = Math.min(n, to + m - 1);
    let end = from + m - 1;
    while (end < lastEnd) {
      const h = blockHash(buf, end);
      const s = shift[h];
      if (s !== 0) {
        end += s;
        continue;
      }
      const start = end - m + 1;
      for (const k of this.byEndBlock.get(h) ?? []) {
        const p = this.patterns[k];
        if (buf[start] === p[0] && start + p.length <= n && buf.compare(p, 0, p.length, start, start + p.length) === 0) onMatch(start, k);
      }
      end++;
    }
  }

  /**
   * The first position at or after `from` where the rest of `buf` is the beginning of
   * some pattern, so a match may still complete there once more bytes arrive;
   * `buf.length` when there is none. Everything before it can be released now.
   */
  partialStart(buf: Buffer, from: number): number {
    for (let i = Math.max(0, from); i < buf.length; i++) {
      const rest = buf.length - i;
      if (rest < MIN_PATTERN_BYTES) {
        if (this.shortPrefixes.has(buf.toString('latin1', i))) return i;
        continue;
      }
      if (this.bigrams[(buf[i] << 8) | buf[i + 1]] === 0) continue;
      const candidates = this.byPrefix.get(prefix(buf, i)) ?? [];
      if (candidates.some((k) => this.patterns[k].length > rest && buf.compare(this.patterns[k], 0, rest, i) === 0)) return i;
    }
    return buf.length;
  }
}

function push(map: Map<number, number[]>, key: number, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Many patterns of 4 to 7 bytes: Wu-Manber can skip at most one byte with them, so each
 * position is looked at instead, as cheaply as possible: the 4-byte word there, one bit
 * of a 128 KiB filter (fits L2), and only on a hit a map lookup and full compares.
 */
export class ShortPatternScanner {
  private readonly filter = new Int32Array(1 << 15);
  private readonly byWord = new Map<number, number[]>();

  constructor(readonly patterns: readonly Buffer[]) {
    patterns.forEach((p, k) => {
      const w = p.readUInt32LE(0);
      const f = Math.imul(w, 0x9e3779b1) >>> 12;
      this.filter[f >>> 5] |= 1 << (f & 31);
      push(this.byWord, w, k);
    });
  }

  /** Calls `onMatch(start, patternIndex)` for every occurrence in `buf`. */
  forEachMatch(buf: Buffer, onMatch: (start: number, pattern: number) => void): void {
    const d = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const filter = this.filter;
    for (let i = 0; i + 4 <= buf.length; i++) {
      const w = d.getUint32(i, true);
      const f = Math.imul(w, 0x9e3779b1) >>> 12;
      if ((filter[f >>> 5] & (1 << (f & 31))) === 0) continue;
      for (const k of this.byWord.get(w) ?? []) {
        const p = this.patterns[k];
        if (i + p.length <= buf.length && buf.compare(p, 0, p.length, i, i + p.length) === 0) onMatch(i, k);
      }
    }
  }
}
