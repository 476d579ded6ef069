/**
 * Replaces every occurrence of a secret variant with `***`, in whole strings and in
 * streams where a value may be split across any number of chunks.
 */
import { Transform } from 'node:stream';
import { PatternMatcher } from './matcher.js';
import type { Secret } from './values.js';
import { maskVariants } from './variants.js';

export const REDACTED = '***';
const REDACTED_BYTES = Buffer.from(REDACTED);

export interface TaggedPattern {
  bytes: Buffer;
  /** The secret id, for reports; never the value. */
  tag: string;
}

export class Redactor {
  readonly matcher: PatternMatcher;
  readonly tags: string[];

  constructor(patterns: TaggedPattern[]) {
    this.matcher = new PatternMatcher(patterns.map((p) => p.bytes));
    this.tags = patterns.map((p) => p.tag);
  }

  /** Every variant of every secret, each tagged with its secret id. */
  static forSecrets(secrets: readonly Secret[]): Redactor {
    return new Redactor(secrets.flatMap((s) => maskVariants(s.value).map((bytes) => ({ bytes, tag: s.id }))));
  }

  /** The variants, for the runner's own masking. */
  get patterns(): readonly Buffer[] {
    return this.matcher.patterns;
  }

  scrub(text: string): string {
    if (this.tags.length === 0) return text;
    return this.scrubBuffer(Buffer.from(text, 'utf8')).toString('utf8');
  }

  scrubBuffer(buf: Buffer): Buffer {
    const s = new StreamScrubber(this.matcher);
    return Buffer.concat([s.push(buf), s.flush()]);
  }

  /** Tags of the secrets whose variants occur in `text`, without duplicates. */
  secretsIn(text: string | Buffer): string[] {
    const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    const found = new Set<string>();
    this.matcher.forEachMatch(buf, 0, buf.length, (_start, k) => found.add(this.tags[k]));
    return [...found];
  }

  stream(): Transform {
    const s = new StreamScrubber(this.matcher);
    return new Transform({
      transform(chunk: Buffer, _enc, done) {
        done(null, s.push(chunk));
      },
      flush(done) {
        done(null, s.flush());
      }
    });
  }
}

/**
 * Positions are absolute stream offsets. `carry` keeps the raw bytes from the first
 * position where a match may still complete (the safe point); `emitted` is how far output has gone.
 * A match that starts before the safe point is wholly in view, so it is redacted and
 * output may run past the safe point to its end; a later match overlapping that
 * already-redacted stretch only has its remainder suppressed.
 */
export class StreamScrubber {
  private carry = Buffer.alloc(0);
  private carryStart = 0;
  private emitted = 0;

  constructor(private readonly matcher: PatternMatcher) {}

  push(chunk: Buffer): Buffer {
    return this.process(chunk, false);
  }

  flush(): Buffer {
    return this.process(Buffer.alloc(0), true);
  }

  private process(chunk: Buffer, final: boolean): Buffer {
    const m = this.matcher;
    if (m.patterns.length === 0) return chunk;
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const base = this.carryStart;
    const end = base + buf.length;
    // Output stops only where a secret may be starting: a stalled build shows its last line.
    const safe = final ? end : base + m.partialStart(buf, buf.length - (m.maxLength - 1));
    const out: Buffer[] = [];
    let pos = this.emitted;
    m.forEachMatch(buf, 0, safe - base, (s, k) => {
      const start = base + s;
      const stop = start + m.patterns[k].length;
      if (stop <= pos) return;
      if (start >= pos) {
        out.push(buf.subarray(pos - base, start - base), REDACTED_BYTES);
      }
      pos = stop;
    });
    const cut = Math.max(pos, safe);
    out.push(buf.subarray(pos - base, cut - base));
    this.emitted = cut;
    const keepFrom = Math.max(base, Math.min(safe, end));
    this.carry = keepFrom === end ? Buffer.alloc(0) : Buffer.from(buf.subarray(keepFrom - base));
    this.carryStart = keepFrom;
    return out.length === 1 ? out[0] : Buffer.concat(out);
  }
}
