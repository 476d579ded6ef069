/**
 * Finds every stretch of 16 or more bytes that a text shares with a secret's forms
 * (the value, its base64 at each alignment, its JSON and URI escapes): a secret cut,
 * wrapped, prefixed or partly printed still shows itself by its pieces.
 *
 * Sampling: the table holds the 8-byte gram at *every* position of every source; the
 * text is probed only every 9th position. A shared stretch of 16 bytes has 9 gram
 * starts inside it, so one probe always lands in it; the hit is then extended byte by
 * byte both ways to the whole shared stretch. A probe is two 4-byte reads, a hash and
 * a test of two bits in one word (a filter of all gram hashes) in the common case of no secret: the cost
 * per text byte does not depend on the number or the length of the secrets.
 * Memory, per source byte: the byte, a 4-byte chain link, 4 to 8 bytes of bucket heads
 * and up to 2 bytes of filter (at most 4 MiB): 9 to 15 bytes; a value has about 5 source bytes a byte
 * (variants.ts).
 */
export const FRAGMENT_BYTES = 16;
export const GRAM = 8;
export const STRIDE = FRAGMENT_BYTES - GRAM + 1;
/** A bucket is walked this far: a gram repeated more often (a run of one byte) is looked up at its first occurrences only. */
const MAX_CHAIN = 64;

/** base64url differs from base64 in two characters: comparing through this table finds both with one source. */
const CANON = new Uint8Array(256).map((_, i) => i);
CANON[0x2d] = 0x2b; // '-' → '+'
CANON[0x5f] = 0x2f; // '_' → '/'

/** CANON on the four bytes of a word at once: bytes equal to '-' or '_' are lowered to '+' or '/'. */
function canonWord(w: number): number {
  let x = w ^ 0x2d2d2d2d;
  let zero = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x) & 0x80808080;
  w -= (zero >>> 7) * 0x02;
  x = w ^ 0x5f5f5f5f;
  zero = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x) & 0x80808080;
  return (w - (zero >>> 7) * 0x30) | 0;
}

function gramHash(d: DataView, i: number): number {
  const lo = canonWord(d.getInt32(i, true));
  const hi = canonWord(d.getInt32(i + 4, true));
  return (Math.imul(lo ^ (hi >>> 7), 0x9e3779b1) ^ Math.imul(hi, 0x85ebca6b)) >>> 0;
}

const viewOf = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

export interface FragmentSource {
  bytes: Buffer;
  /** Index of the secret, for reports. */
  tag: number;
}

export interface Span {
  start: number;
  end: number;
  tag: number;
  /** False for a stretch shorter than its source (a piece of a word); unset for exact matches, which are whole. */
  whole?: boolean;
}

export class FragmentIndex {
  /** Every source, one after another. */
  private readonly corpus: Buffer;
  private readonly corpusView: DataView;
  private readonly sourceStart: Int32Array;
  private readonly sourceTag: Int32Array;
  /** Last position in the corpus inserted into a bucket (by gram hash), -1 when empty. */
  private readonly head: Int32Array;
  /** The position inserted into the same bucket before, -1 at the end. */
  private readonly next: Int32Array;
  private readonly mask: number;
  /** Two bits in one word for every gram hash of the sources (a blocked Bloom filter): most probes stop here. */
  private readonly filter: Int32Array;
  private readonly filterShift: number;

  constructor(sources: readonly FragmentSource[]) {
    const usable = sources.filter((s) => s.bytes.length >= FRAGMENT_BYTES);
    this.corpus = Buffer.concat(usable.map((s) => s.bytes));
    this.corpusView = viewOf(this.corpus);
    this.sourceStart = Int32Array.from([0, ...cumulative(usable.map((s) => s.bytes.length))]);
    this.sourceTag = Int32Array.from(usable.map((s) => s.tag));
    let cap = 16;
    while (cap < this.corpus.length) cap *= 2;
    this.mask = cap - 1;
    this.head = new Int32Array(cap).fill(-1);
    this.next = new Int32Array(this.corpus.length);
    // 16 bits a gram, but at most 4 MiB: the filter is read at every probe, and a larger one
    // missing the cache at each probe measured slower than more probes passing on to the
    // buckets (at the cap, with a 500 KiB secret and 1000 others, 4 % pass by mistake).
    let bits = 1 << 16;
    while (bits < this.corpus.length * 16 && bits < 1 << 25) bits *= 2;
    this.filter = new Int32Array(bits >>> 5);
    // The word from the hash's top bits, two bits of it from its low bits: the second bit costs no extra memory access.
    this.filterShift = 32 - Math.log2(bits >>> 5);
    // Inserted last to first, so a bucket lists its grams in source order (the first occurrence of a repeated gram first).
    for (let s = usable.length - 1; s >= 0; s--) {
      for (let q = this.sourceStart[s + 1] - GRAM; q >= this.sourceStart[s]; q--) this.insert(q);
    }
  }

  /** Source bytes held. */
  get size(): number {
    return this.corpus.length;
  }

  /** Bytes held: the sources and the tables. */
  get memoryBytes(): number {
    return this.corpus.length + this.next.byteLength + this.head.byteLength + this.filter.byteLength;
  }

  private insert(q: number): void {
    const h = gramHash(this.corpusView, q);
    this.filter[h >>> this.filterShift] |= filterBits(h);
    const b = h & this.mask;
    this.next[q] = this.head[b];
    this.head[b] = q;
  }

  /** The first position in the corpus, in the bucket of hash `h`, that holds the gram at `b[i]`; -1 when none does. */
  private firstWith(b: Uint8Array, i: number, h: number, from = this.head[h & this.mask]): number {
    let q = from;
    for (let k = 0; q !== -1 && k < MAX_CHAIN; q = this.next[q], k++) if (sameGram(b, i, this.corpus, q)) return q;
    return -1;
  }

  /** Whether the 8 bytes at `b[i]` are a gram of some source (for probes at chosen places: line ends). */
  hasGram(b: Uint8Array, d: DataView, i: number): boolean {
    if (this.corpus.length === 0 || i < 0 || i + GRAM > b.length) return false;
    const h = gramHash(d, i);
    const m = filterBits(h);
    return (this.filter[h >>> this.filterShift] & m) === m && this.firstWith(b, i, h) !== -1;
  }

  /** Calls `onSpan` for each maximal stretch of `text` of at least FRAGMENT_BYTES shared with a source. */
  find(text: Buffer, onSpan: (span: Span) => void): void {
    if (this.corpus.length === 0) return;
    const d = viewOf(text);
    const filter = this.filter;
    const shift = this.filterShift;
    const last = text.length - GRAM;
    let covered = 0;
    // Every STRIDE-th position is probed: a shared stretch of FRAGMENT_BYTES holds one of them.
    for (let p = 0; p <= last; p += STRIDE) {
      const h = gramHash(d, p);
      const m = filterBits(h);
      if ((filter[h >>> shift] & m) !== m || p + GRAM <= covered) continue;
      const span = this.probe(text, p, h);
      if (span && span.end - span.start >= FRAGMENT_BYTES) {
        onSpan(span);
        covered = span.end;
      }
    }
  }

  /** The longest shared stretch through the gram at `p`, or undefined. */
  private probe(text: Buffer, p: number, h: number): Span | undefined {
    let best: Span | undefined;
    let seen = 0;
    for (let q = this.firstWith(text, p, h); q !== -1 && seen++ < MAX_CHAIN; q = this.firstWith(text, p, h, this.next[q])) {
      const s = this.sourceOf(q);
      const span = this.extend(text, p, q, this.sourceStart[s], this.sourceStart[s + 1]);
      const whole = span.end - span.start === this.sourceStart[s + 1] - this.sourceStart[s];
      if (!best || span.end - span.start > best.end - best.start) best = { ...span, tag: this.sourceTag[s], whole };
    }
    return best;
  }

  /** Grows the equal gram at text[p] / corpus[q] both ways, within the source [s0, s1). */
  private extend(text: Buffer, p: number, q: number, s0: number, s1: number): Omit<Span, 'tag'> {
    const c = CANON;
    const corpus = this.corpus;
    let a = p;
    let b = q;
    while (a > 0 && b > s0 && c[text[a - 1]] === c[corpus[b - 1]]) {
      a--;
      b--;
    }
    let e = p + GRAM;
    let f = q + GRAM;
    while (e < text.length && f < s1 && c[text[e]] === c[corpus[f]]) {
      e++;
      f++;
    }
    return { start: a, end: e };
  }

  private sourceOf(q: number): number {
    let lo = 0;
    let hi = this.sourceTag.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.sourceStart[mid] <= q) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** Two bits of a filter word, from the hash's low bits (the word comes from its top bits). */
function filterBits(h: number): number {
  return (1 << (h & 31)) | (1 << ((h >>> 5) & 31));
}

function sameGram(a: Uint8Array, i: number, b: Uint8Array, j: number): boolean {
  for (let k = 0; k < GRAM; k++) if (CANON[a[i + k]] !== CANON[b[j + k]]) return false;
  return true;
}

function cumulative(lengths: number[]): number[] {
  let sum = 0;
  return lengths.map((n) => (sum += n));
}

export { viewOf };
