/**
 * Finds many byte patterns in one pass. A 64 Ki-entry bitmap of each pattern's first
 * two bytes rejects almost every position with one array read; survivors are looked up
 * by their first four bytes and compared in full. Memory is the patterns plus 64 KiB,
 * whatever their number or length (a dense automaton would need states × 256 entries).
 */
export const MIN_PATTERN_BYTES = 4;

export class PatternMatcher {
  readonly maxLength: number;
  private readonly bigrams = new Uint8Array(65536);
  private readonly byPrefix = new Map<number, number[]>();
  /** Every 1-, 2- and 3-byte pattern prefix, for tails too short to look up by four bytes. */
  private readonly shortPrefixes = new Set<string>();

  constructor(readonly patterns: readonly Buffer[]) {
    let max = 0;
    patterns.forEach((p, index) => {
      if (p.length < MIN_PATTERN_BYTES) throw new Error(`pattern ${index} is shorter than ${MIN_PATTERN_BYTES} bytes`);
      max = Math.max(max, p.length);
      this.bigrams[(p[0] << 8) | p[1]] = 1;
      for (let n = 1; n < MIN_PATTERN_BYTES; n++) this.shortPrefixes.add(p.toString('latin1', 0, n));
      const key = prefix(p, 0);
      const list = this.byPrefix.get(key);
      if (list) list.push(index);
      else this.byPrefix.set(key, [index]);
    });
    this.maxLength = max;
  }

  /**
   * Calls `onMatch(start, patternIndex)` for every occurrence that starts in [from, to)
   * and lies wholly inside `buf`, in order of start.
   */
  forEachMatch(buf: Buffer, from: number, to: number, onMatch: (start: number, pattern: number) => void): void {
    const bigrams = this.bigrams;
    const last = Math.min(to, buf.length - MIN_PATTERN_BYTES + 1);
    for (let i = from; i < last; i++) {
      if (bigrams[(buf[i] << 8) | buf[i + 1]] === 0) continue;
      const candidates = this.byPrefix.get(prefix(buf, i));
      if (candidates === undefined) continue;
      for (const k of candidates) {
        const p = this.patterns[k];
        if (i + p.length <= buf.length && buf.compare(p, 0, p.length, i, i + p.length) === 0) onMatch(i, k);
      }
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

function prefix(b: Uint8Array, i: number): number {
  return ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
}
