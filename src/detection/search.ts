/**
 * The one search for secrets in bytes, used by the log scrubber, the argv and
 * environment checks, the Dockerfile preflight and the image scan. Three paths:
 * - fragments (fragments.ts) of a value's secret-looking words (variants.ts), in the
 *   bytes as they are, in the text view per build step and in the hex view (views.ts):
 *   any stretch of 16+ bytes of a word, of its base64/base64url at any alignment and
 *   wrapping, its hex, its JSON or URI escapes;
 * - exact variants of 8+ bytes (values without such words, and their encodings);
 * - exact variants of 4–7 bytes, kept apart: a 4-byte pattern lets Wu-Manber skip at
 *   most one byte, so it would slow every search; here only when there is one.
 */
import { FragmentIndex, FRAGMENT_BYTES, GRAM, viewOf, type FragmentSource, type Span } from './fragments.js';
import { PatternMatcher, ShortPatternScanner } from './matcher.js';
import { secretForms } from './variants.js';
import { contentEnd, contentStart, hexView, lineStartOf, progressStep, textTail, textView, type View } from './views.js';

/** `view`: found across line breaks (text) or in a hex dump. */
export type Match = Span & { view?: 'text' | 'hex' };

/** The start of the last complete line (a hex dump on it may go on in the next line), 0 when there is none. */
function lastCompleteLineStart(buf: Buffer): number {
  const lastLf = buf.lastIndexOf(0x0a);
  return lastLf <= 0 ? 0 : lineStartOf(buf, lastLf);
}

const SHORT_BYTES = 8;
/** 15 bytes in any dump format (od spends 3 characters a byte, and an offset column): what a dump's next line may complete. */
const HEX_HOLD_BYTES = 96;
/** Up to this many short patterns are found with Buffer#indexOf (memchr speed) each. */
const NATIVE_SHORT = 16;

interface Exact {
  matcher: PatternMatcher;
  tags: number[];
  /** Calls back each occurrence in `buf`, by the way that suits the group (chosen once, see `group`). */
  each: (buf: Buffer, onMatch: (start: number, pattern: number) => void) => void;
}

export interface Found {
  /** Sorted by start. */
  matches: Match[];
  /** Where output must stop: an exact pattern may be starting there, or a fragment may run on into the next bytes. */
  hold: number;
  /** What is held even through a pause: an exact pattern's start, a hex dump's last line (a dump printed a line at a time continues it). */
  idleHold: number;
}

export class SecretSearch {
  private readonly long: Exact;
  private readonly short: Exact;
  private readonly fragments: FragmentIndex;

  constructor(
    /** Secret ids by tag; never values. */
    readonly ids: readonly string[],
    exact: { bytes: Buffer; tag: number }[],
    sources: FragmentSource[],
    /** The form of the secret each tag's bytes are ("base64", "hex"), for reports; none: "raw". */
    readonly forms: readonly string[] = []
  ) {
    const group = (keep: (p: Buffer) => boolean): Exact => {
      const ps = exact.filter((p) => keep(p.bytes));
      const matcher = new PatternMatcher(ps.map((p) => p.bytes));
      return { matcher, tags: ps.map((p) => p.tag), each: matchingWay(matcher) };
    };
    this.long = group((b) => b.length >= SHORT_BYTES);
    this.short = group((b) => b.length < SHORT_BYTES);
    this.fragments = new FragmentIndex(sources);
  }

  static forSecrets(secrets: readonly { id: string; value: Buffer }[]): SecretSearch {
    const exact: { bytes: Buffer; tag: number }[] = [];
    const sources: FragmentSource[] = [];
    const labels: { id: string; form: string }[] = [];
    const tags = new Map<string, number>();
    const tagOf = (id: string, form: string) => {
      const key = `${id}\0${form}`;
      if (!tags.has(key)) tags.set(key, labels.push({ id, form }) - 1);
      return tags.get(key)!;
    };
    // A tag for each form of each secret: a match names the secret's id and the form it was found in.
    for (const s of secrets) {
      const forms = secretForms(s.value);
      exact.push(...forms.exact.map((f) => ({ bytes: f.bytes, tag: tagOf(s.id, f.form) })));
      sources.push(...forms.sources.map((f) => ({ bytes: f.bytes, tag: tagOf(s.id, f.form) })));
    }
    return new SecretSearch(
      labels.map((l) => l.id),
      exact,
      sources,
      labels.map((l) => l.form)
    );
  }

  /** How a match shows the secret, in words: "base64", "a piece of: hex", "raw, in a hex dump". Never the value. */
  formOf(m: Match): string {
    const form = this.forms[m.tag] ?? 'raw';
    const piece = m.whole === false ? `a piece of: ${form}` : form;
    return m.view === 'hex' ? `${piece}, in a hex dump` : m.view === 'text' ? `${piece}, across lines` : piece;
  }

  get empty(): boolean {
    return this.fragments.size === 0 && this.long.tags.length === 0 && this.short.tags.length === 0;
  }

  /** Counts for reports and benchmarks. */
  get stats(): { exactPatterns: number; fragmentSourceBytes: number; memoryBytes: number } {
    return {
      exactPatterns: this.long.tags.length + this.short.tags.length,
      fragmentSourceBytes: this.fragments.size,
      memoryBytes: this.fragments.memoryBytes
    };
  }

  find(buf: Buffer): Found {
    const matches: Match[] = [];
    const exactHold = Math.min(partialHold(this.long, buf), partialHold(this.short, buf));
    let hold = exactHold;
    let idleHold = exactHold;
    const exact = this.long.tags.length + this.short.tags.length > 0;
    const hex = this.fragments.size > 0 || exact ? hexView(buf) : undefined;
    if (this.fragments.size > 0) {
      // Stretches inside a line are found in the bytes as they are; one that crosses a line break shows at a line end.
      this.fragments.find(buf, (span) => matches.push(span));
      for (const r of this.seamRegions(buf)) this.inView(textView(buf, r.from, r.to, r.step), matches, 'text');
      if (hex!.bytes.length) this.inView(hex!, matches, 'hex');
      // A dump on the last lines may go on: hold its last line, but never more than a dump line's worth (a long unended line of hex is not held whole).
      const lastComplete = lastCompleteLineStart(buf);
      const held = (start: number) => (start >= lastComplete ? Math.max(start, buf.length - HEX_HOLD_BYTES) : buf.length);
      idleHold = Math.min(idleHold, held(hex!.lastDumpStart));
      hold = Math.min(hold, textTail(buf, FRAGMENT_BYTES - 1), held(hex!.lastLineStart));
    }
    this.exactIn(buf, matches);
    // A short value spelled in a hex dump's columns: the exact patterns over the decoded bytes.
    if (exact && hex!.bytes.length) {
      const decoded: Match[] = [];
      this.exactIn(hex!.bytes, decoded);
      for (const m of decoded) for (const [start, end] of hex!.sources(m.start, m.end)) matches.push({ start, end, tag: m.tag, view: 'hex' });
    }
    matches.sort((a, b) => a.start - b.start || b.end - a.end);
    return { matches, hold, idleHold };
  }

  /**
   * Pairs of lines of one build step (merged when they touch) where a stretch may cross the
   * break: the last 8 content bytes of the first, or the first 8 of the second, are a source
   * gram. A stretch of 16 has 8 bytes on one side. A step's next line is the next line with
   * the same `#N` prefix (parallel steps print in turns); lines without one follow each other.
   * (Lines shorter than 8 bytes in the middle of a stretch are not looked through: docs/security-model.md.)
   */
  private seamRegions(buf: Buffer): { from: number; to: number; step: number }[] {
    const d = viewOf(buf);
    const regions: { from: number; to: number; step: number }[] = [];
    const open = new Map<number, { region?: { from: number; to: number; step: number }; start: number; s: number; e: number }>();
    for (let start = 0; start < buf.length;) {
      const nl = buf.indexOf(0x0a, start);
      const end = nl === -1 ? buf.length : nl;
      const s = contentStart(buf, start, end);
      const e = contentEnd(buf, start, end);
      const step = progressStep(buf, start, s);
      const prev = open.get(step);
      let region = prev?.region;
      if (prev && ((prev.e - prev.s >= GRAM && this.fragments.hasGram(buf, d, prev.e - GRAM)) || (e - s >= GRAM && this.fragments.hasGram(buf, d, s)))) {
        if (region && region.to >= prev.start) region.to = end;
        else regions.push((region = { from: prev.start, to: end, step }));
      }
      open.set(step, { region, start, s, e });
      if (nl === -1) break;
      start = nl + 1;
    }
    return regions;
  }

  /** Ids of the secrets found in `text`, without duplicates. */
  idsIn(text: string | Buffer): string[] {
    const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    return [...new Set(this.find(buf).matches.map((m) => this.ids[m.tag]))];
  }

  private inView(view: View, out: Match[], kind: 'text' | 'hex'): void {
    this.fragments.find(view.bytes, (s) => {
      for (const [start, end] of view.sources(s.start, s.end)) out.push({ start, end, tag: s.tag, whole: s.whole, view: kind });
    });
  }

  /** Occurrences of every exact pattern in `buf`. */
  private exactIn(buf: Buffer, out: Match[]): void {
    for (const { matcher, tags, each } of [this.long, this.short]) {
      if (tags.length) each(buf, (start, k) => out.push({ start, end: start + matcher.patterns[k].length, tag: tags[k] }));
    }
  }
}

/** The first position where a pattern of the group may still complete once more bytes arrive; `buf.length` when none can. */
function partialHold({ matcher: m }: Exact, buf: Buffer): number {
  return m.patterns.length ? m.partialStart(buf, buf.length - (m.maxLength - 1)) : buf.length;
}

/**
 * How a group's patterns are found: a few short ones with Buffer#indexOf each (memchr
 * speed), many short ones by a scan of every position (Wu-Manber would skip at most a
 * byte), longer ones by Wu-Manber.
 */
function matchingWay(matcher: PatternMatcher): Exact['each'] {
  const { patterns } = matcher;
  if (matcher.maxLength >= SHORT_BYTES) return (buf, onMatch) => matcher.forEachMatch(buf, 0, buf.length, onMatch);
  if (patterns.length > NATIVE_SHORT) {
    const scanner = new ShortPatternScanner(patterns);
    return (buf, onMatch) => scanner.forEachMatch(buf, onMatch);
  }
  return (buf, onMatch) =>
    patterns.forEach((p, k) => {
      for (let i = buf.indexOf(p); i !== -1; i = buf.indexOf(p, i + 1)) onMatch(i, k);
    });
}
