/**
 * Replaces every occurrence of a secret, whole or in pieces (search.ts), with `***`,
 * in whole strings and in streams where a value may be split across any number of chunks.
 */
import { Transform } from 'node:stream';
import { SecretSearch } from './search.js';
import type { Secret } from '../secrets/values.js';

export const REDACTED = '***';
const REDACTED_BYTES = Buffer.from(REDACTED);
/** A stream idle this long releases what is held back only because a fragment might continue. */
const IDLE_RELEASE_MS = 250;
/** Bytes kept before the unsent ones, so the views see the line and the fragment they continue. */
const CONTEXT_BYTES = 256;
const MAX_CONTEXT_BYTES = 4096;

export interface TaggedPattern {
  bytes: Buffer;
  /** The secret id, for reports; never the value. */
  tag: string;
}

export class Redactor {
  constructor(readonly search: SecretSearch) {}

  /** Every secret: fragments of its forms and exact variants of its short pieces. */
  static forSecrets(secrets: readonly Pick<Secret, 'id' | 'value'>[]): Redactor {
    return new Redactor(SecretSearch.forSecrets(secrets));
  }

  /** Exact patterns only, each tagged: for tests of the exact path. */
  static exact(patterns: TaggedPattern[]): Redactor {
    const ids = [...new Set(patterns.map((p) => p.tag))];
    return new Redactor(
      new SecretSearch(
        ids,
        patterns.map((p) => ({ bytes: p.bytes, tag: ids.indexOf(p.tag) })),
        []
      )
    );
  }

  scrub(text: string): string {
    if (this.search.empty) return text;
    return this.scrubBuffer(Buffer.from(text, 'utf8')).toString('utf8');
  }

  scrubBuffer(buf: Buffer): Buffer {
    const s = new StreamScrubber(this.search);
    return Buffer.concat([s.push(buf), s.flush()]);
  }

  /** Ids of the secrets found in `text`, without duplicates. */
  secretsIn(text: string | Buffer): string[] {
    return this.search.idsIn(text);
  }

  /** A scrubbing transform; `onRedaction` is called for each `***` it puts in. */
  stream(onRedaction?: () => void): Transform {
    const s = new StreamScrubber(this.search, onRedaction);
    let timer: NodeJS.Timeout | undefined;
    const release = () => {
      const out = s.idle();
      if (out.length) t.push(out);
    };
    const t = new Transform({
      transform(chunk: Buffer, _enc, done) {
        clearTimeout(timer);
        const out = s.push(chunk);
        // A stalled build still shows its last line; what a fragment rule held is sent after a pause.
        if (s.holding) timer = setTimeout(release, IDLE_RELEASE_MS).unref();
        done(null, out);
      },
      flush(done) {
        clearTimeout(timer);
        done(null, s.flush());
      }
    });
    return t;
  }
}

/**
 * Positions are absolute stream offsets. `carry` keeps the bytes not yet sent plus some
 * context before them; `emitted` is how far output has gone. Output stops at the safe
 * point: where an exact pattern may be starting, or the last 15 bytes of the views (a
 * fragment may go on). A match that starts before the safe point is redacted to its
 * end, so output may run past the safe point; a later match overlapping an
 * already-sent stretch (a fragment found again with more bytes) has its remainder
 * suppressed, marked with `***` unless it continues the last redaction.
 */
export class StreamScrubber {
  private carry = Buffer.alloc(0);
  private carryStart = 0;
  private emitted = 0;
  /** Where the last `***` sent ends: a match running on from there is the same redaction. */
  private redactedTo = -1;

  constructor(
    private readonly search: SecretSearch,
    private readonly onRedaction?: () => void
  ) {}

  /** Chunks too small to be worth searching the kept context again for (one byte at a time), waiting. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  push(chunk: Buffer): Buffer {
    // Each search reads the kept context again: tiny chunks wait until they are worth it (or the stream pauses).
    if (this.carry.length >= 1024 && (this.pendingBytes + chunk.length) * 16 < this.carry.length) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      return Buffer.alloc(0);
    }
    return this.process(this.takePending(chunk), 'more');
  }

  /** Sends what is held only because a fragment might continue. */
  idle(): Buffer {
    return this.process(this.takePending(Buffer.alloc(0)), 'idle');
  }

  flush(): Buffer {
    return this.process(this.takePending(Buffer.alloc(0)), 'final');
  }

  get holding(): boolean {
    return this.pendingBytes > 0 || this.emitted < this.carryStart + this.carry.length;
  }

  private takePending(chunk: Buffer): Buffer {
    if (!this.pending.length) return chunk;
    const all = Buffer.concat([...this.pending, chunk]);
    this.pending = [];
    this.pendingBytes = 0;
    return all;
  }

  private process(chunk: Buffer, mode: 'more' | 'idle' | 'final'): Buffer {
    if (this.search.empty) return chunk;
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const base = this.carryStart;
    const { matches, hold, idleHold } = this.search.find(buf);
    const safe = base + (mode === 'final' ? buf.length : mode === 'idle' ? idleHold : hold);
    const out: Buffer[] = [];
    let pos = this.emitted;
    for (const m of matches) {
      const start = base + m.start;
      const stop = base + m.end;
      if (start >= safe) break;
      if (stop <= pos) continue;
      if (start >= pos) out.push(buf.subarray(pos - base, start - base), REDACTED_BYTES);
      // The rest of a secret whose start was already sent (after a pause) is cut, and says so.
      else if (this.redactedTo !== pos) out.push(REDACTED_BYTES);
      this.onRedaction?.();
      pos = stop;
      this.redactedTo = stop;
    }
    const cut = Math.max(pos, safe);
    out.push(buf.subarray(pos - base, cut - base));
    this.emitted = cut;
    const keepFrom = contextStart(buf, Math.min(safe, cut) - base);
    this.carry = keepFrom === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(keepFrom));
    this.carryStart = base + keepFrom;
    return out.length === 1 ? out[0] : Buffer.concat(out);
  }
}

/** Where to keep bytes from so that `at` stays in view with the line it is on and some bytes before. */
export function contextStart(buf: Buffer, at: number): number {
  const x = Math.max(0, at - CONTEXT_BYTES);
  const lineStart = x === 0 ? 0 : buf.lastIndexOf(0x0a, x - 1) + 1;
  return Math.max(lineStart, at - MAX_CONTEXT_BYTES, 0);
}
