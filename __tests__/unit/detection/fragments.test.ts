import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { FragmentIndex, FRAGMENT_BYTES, type Span } from '../../../src/detection/fragments.js';
import { Redactor } from '../../../src/detection/redactor.js';
import { streamIn } from '../../support/stream.js';
import { looksSecret } from '../../../src/detection/variants.js';
import { hexView, textView } from '../../../src/detection/views.js';
import { ENCODINGS, hexdumpC, leakedFragments, od, wrap, xxd } from '../../support/encodings.js';

/** Every maximal stretch of `text` of FRAGMENT_BYTES or more that is also in `source`, found naively. */
function naiveLongest(text: Buffer, source: Buffer): boolean[] {
  const covered = Array<boolean>(text.length).fill(false);
  for (let i = 0; i + FRAGMENT_BYTES <= text.length; i++) {
    const w = text.subarray(i, i + FRAGMENT_BYTES);
    if (source.includes(w)) for (let k = i; k < i + FRAGMENT_BYTES; k++) covered[k] = true;
  }
  return covered;
}

describe('FragmentIndex', () => {
  test('covers exactly the bytes that lie in a shared stretch of 16+ bytes (property, two-letter alphabet)', () => {
    const bits = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map((a) => Buffer.from(a.map((x) => 97 + (x % 2))));
    fc.assert(
      fc.property(bits(16, 60), bits(0, 200), (source, text) => {
        const index = new FragmentIndex([{ bytes: source, tag: 0 }]);
        const got = Array<boolean>(text.length).fill(false);
        index.find(text, (s: Span) => {
          for (let k = s.start; k < s.end; k++) got[k] = true;
        });
        expect(got).toEqual(naiveLongest(text, source));
      }),
      { numRuns: 300 }
    );
  });

  test('finds a stretch wherever the text starts (probes are at fixed offsets)', () => {
    const source = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');
    const index = new FragmentIndex([{ bytes: source, tag: 7 }]);
    for (let pad = 0; pad < 20; pad++) {
      const text = Buffer.concat([Buffer.alloc(pad, '.'), source.subarray(5, 21), Buffer.from('..')]);
      const spans: Span[] = [];
      index.find(text, (s) => spans.push(s));
      expect(spans).toEqual([{ start: pad, end: pad + 16, tag: 7, whole: false }]);
    }
  });

  test('a stretch that is all of its source is whole; a piece is not', () => {
    const source = Buffer.from('0123456789abcdefghij');
    const index = new FragmentIndex([{ bytes: source, tag: 1 }]);
    const spans: Span[] = [];
    index.find(Buffer.from(`..${source.toString()}..${source.subarray(2, 19).toString()}`), (s) => spans.push(s));
    expect(spans.map((s) => s.whole)).toEqual([true, false]);
  });

  test('15 shared bytes are not a fragment', () => {
    const source = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');
    const spans: Span[] = [];
    new FragmentIndex([{ bytes: source, tag: 0 }]).find(Buffer.from('<0123456789abcde>'), (s) => spans.push(s));
    expect(spans).toEqual([]);
  });

  test('a run of one byte (a repeated gram) is still found, and quickly', () => {
    const source = Buffer.alloc(100_000, 'a');
    const index = new FragmentIndex([{ bytes: source, tag: 0 }]);
    const text = Buffer.concat([Buffer.from('x'), Buffer.alloc(50_000, 'a'), Buffer.from('y')]);
    const spans: Span[] = [];
    const t = Date.now();
    index.find(text, (s) => spans.push(s));
    expect(spans.length).toBeGreaterThan(0);
    expect(spans[0].start).toBe(1);
    expect(Date.now() - t).toBeLessThan(2000);
  });
});

describe('views', () => {
  test('the text view drops line breaks and BuildKit progress prefixes, and maps back line by line', () => {
    const buf = Buffer.from('#7 0.512 abc\r\n#7 0.601 def\nghi');
    const v = textView(buf);
    expect(v.bytes.toString()).toBe('abcdefghi');
    expect(v.sources(1, 8).map(([a, b]) => buf.toString('latin1', a, b))).toEqual(['bc', 'def', 'gh']);
  });

  test('the hex view reads od -t x1, xxd, xxd -p and hexdump -C, without their offsets and ASCII columns', () => {
    const value = Buffer.from('the quick brown fox jumps over the lazy dog!');
    const v = (text: string) => hexView(Buffer.from(text)).bytes.toString('latin1');
    expect(v(od(value))).toBe(value.toString());
    expect(v(xxd(value))).toBe(value.toString());
    expect(v(hexdumpC(value))).toBe(value.toString());
    expect(v(wrap(value.toString('hex'), 60))).toBe(value.toString());
    expect(v(`key=0x${value.toString('hex')} done`)).toContain(value.toString());
  });

  test("xxd's ASCII column is skipped when it starts with a colon (the byte 0x3a), a separator of the hex tokens", () => {
    // Found by the property below (seed 1248445829): the column ":.....--aaa.++AA" ended in "AA", read as the byte 0xaa,
    // which broke the secret's bytes across the two lines.
    const value = Buffer.from([0x3a, 0, 0, 0, 0, 0, ...Buffer.from('--aaa.++AA-/A/.0_')]);
    expect(hexView(Buffer.from(xxd(value))).bytes).toEqual(value);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (a) => {
        const lines = Buffer.from(a.map((b, k) => (k % 16 === 0 ? 0x3a : b)));
        expect(hexView(Buffer.from(xxd(lines))).bytes).toEqual(lines);
      })
    );
  });
});

/**
 * Secrets as the search sees them (docs/security-model.md, "What the scrubber and the scan find"): a token
 * (16+ bytes with four or more capitals or digits), or bytes that are not text (no run of
 * four equal bytes, eight or more distinct).
 */
const secretArb = fc.oneof(
  fc
    .uint8Array({ minLength: 15, maxLength: 150 })
    .map((a) => Buffer.concat([Buffer.from([0xff]), Buffer.from(a)]))
    .filter((b) => new Set(b).size >= 8 && !/(.)\1\1\1/s.test(b.toString('latin1'))),
  fc
    .stringMatching(/^[A-Za-z0-9_\-+/.]{16,160}$/)
    .map((s) => Buffer.from(s))
    .filter(looksSecret)
);
const noise = fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a));

describe('no fragment of 16+ bytes of a secret reaches the log (property)', () => {
  for (const [name, encode] of Object.entries(ENCODINGS)) {
    test(`${name}, at any alignment, inside any text, in any chunking, with or without progress prefixes`, () => {
      fc.assert(
        fc.property(
          secretArb,
          noise,
          noise,
          fc.nat(),
          fc.nat(),
          fc.boolean(),
          fc.array(fc.nat(), { maxLength: 8 }),
          (secret, before, after, from, len, prefixed, cuts) => {
            // A piece of the secret of 16+ bytes, with other bytes around it, encoded as a whole.
            const a = from % (secret.length - FRAGMENT_BYTES + 1);
            const piece = secret.subarray(a, a + FRAGMENT_BYTES + (len % (secret.length - a - FRAGMENT_BYTES + 1)));
            let text = encode(Buffer.concat([before, piece, after]));
            if (prefixed) text = text.replace(/^/gm, () => `#5 ${(Math.random() * 9).toFixed(3)} `);
            const out = streamIn(Redactor.forSecrets([{ id: 's', value: secret }]).search, Buffer.from(`step 1\n${text}\ndone\n`, 'latin1'), cuts);
            expect(leakedFragments(out.toString('latin1'), secret, name)).toEqual([]);
          }
        ),
        { numRuns: 150 }
      );
    });
  }
});
