import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { PatternMatcher, ShortPatternScanner } from '../../../src/detection/matcher.js';
import { Redactor, StreamScrubber } from '../../../src/detection/redactor.js';
import { streamIn } from '../../support/stream.js';

/** The exact path alone: each pattern its own secret. */
const exactSearch = (patterns: Buffer[]) => Redactor.exact(patterns.map((bytes, k) => ({ bytes, tag: `s${k}` }))).search;

const secretArb = fc.uint8Array({ minLength: 4, maxLength: 40 }).map((a) => Buffer.from(a));
const alnum = fc.stringMatching(/^[a-z0-9]{4,24}$/).map((s) => Buffer.from(s));

describe('StreamScrubber', () => {
  test('never lets a secret through, whatever the chunking (property)', () => {
    fc.assert(
      fc.property(
        fc.array(secretArb, { minLength: 1, maxLength: 6 }),
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 30 }).map((a) => Buffer.from(a)),
            fc.nat(5)
          ),
          { maxLength: 20 }
        ),
        fc.array(fc.nat(), { maxLength: 12 }),
        (secrets, parts, cuts) => {
          const data = Buffer.concat(parts.map((p) => (typeof p === 'number' ? secrets[p % secrets.length] : p)));
          const out = streamIn(exactSearch(secrets), data, cuts);
          for (const s of secrets) expect(out.includes(s)).toBe(false);
        }
      ),
      { numRuns: 500 }
    );
  });

  test('output does not depend on chunking (property)', () => {
    fc.assert(
      fc.property(
        fc.array(alnum, { minLength: 1, maxLength: 4 }),
        fc.array(fc.oneof(alnum, fc.nat(3)), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (secrets, parts, cuts) => {
          const data = Buffer.concat(parts.map((p) => (typeof p === 'number' ? secrets[p % secrets.length] : p)));
          const m = exactSearch(secrets);
          expect(streamIn(m, data, cuts).toString()).toBe(streamIn(m, data, []).toString());
        }
      )
    );
  });

  test('text without secrets passes unchanged, whatever the chunking (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(), { maxLength: 10 }), (bytes, cuts) => {
        const data = Buffer.from(bytes);
        const secret = Buffer.from('\xff\xfeSECRET\x00', 'latin1');
        fc.pre(!data.includes(secret));
        expect(streamIn(exactSearch([secret]), data, cuts).equals(data)).toBe(true);
      })
    );
  });

  test('overlapping and adjacent secrets are merged into the redaction', () => {
    const r = Redactor.exact([
      { bytes: Buffer.from('abcd'), tag: 'a' },
      { bytes: Buffer.from('cdef'), tag: 'b' }
    ]);
    expect(r.scrub('xxabcdefyy abcd|cdef')).toBe('xx***yy ***|***');
    const m = r.search;
    expect(streamIn(m, Buffer.from('xxabcdefyy'), [4, 5, 6]).toString()).toBe('xx***yy');
  });

  test('a secret split across many one-byte chunks is still caught', () => {
    const r = Redactor.exact([{ bytes: Buffer.from('hunter2-secret'), tag: 's' }]);
    const s = new StreamScrubber(r.search);
    const out = [...Buffer.from('pass=hunter2-secret;')].map((b) => s.push(Buffer.from([b])));
    expect(Buffer.concat([...out, s.flush()]).toString()).toBe('pass=***;');
  });

  test('releases at once everything that cannot be the start of a secret', () => {
    const s = new StreamScrubber(exactSearch([Buffer.from('secret-value-123456789')]));
    expect(s.push(Buffer.from('step 5 sleeping\n')).toString()).toBe('step 5 sleeping\n');
    expect(s.push(Buffer.from('token: secret-va')).toString()).toBe('token: ');
    expect(s.push(Buffer.from('lue-123456789 ok')).toString()).toBe('*** ok');
    expect(s.push(Buffer.from('x sec')).toString()).toBe('x ');
    expect(s.push(Buffer.from('ond')).toString()).toBe('second');
  });

  test('the Transform stream scrubs and flushes', async () => {
    const r = Redactor.exact([{ bytes: Buffer.from('topsecret'), tag: 's' }]);
    const t = r.stream();
    const got: Buffer[] = [];
    t.on('data', (c: Buffer) => got.push(c));
    const done = new Promise((res) => t.on('end', res));
    t.write('a top');
    t.write('sec');
    t.end('ret b');
    await done;
    expect(Buffer.concat(got).toString()).toBe('a *** b');
  });

  test('a stalled stream still shows its last line: what only a fragment might continue is released after a pause', async () => {
    const t = Redactor.forSecrets([{ id: 's', value: Buffer.from('fragment-secret-value-0123456789') }]).stream();
    const got: Buffer[] = [];
    t.on('data', (c: Buffer) => got.push(c));
    t.write('#7 0.512 downloading dependencies, this takes a while\n');
    expect(Buffer.concat(got).toString()).not.toContain('while\n');
    await new Promise((r) => setTimeout(r, 600));
    expect(Buffer.concat(got).toString()).toBe('#7 0.512 downloading dependencies, this takes a while\n');
    t.end('#7 1.0 value: fragment-secret-value-0123456789\n');
    await new Promise((r) => t.on('end', r));
    expect(Buffer.concat(got).toString()).toBe('#7 0.512 downloading dependencies, this takes a while\n#7 1.0 value: ***\n');
  });

  test('secretsIn names the ids whose values occur', () => {
    const r = Redactor.exact([
      { bytes: Buffer.from('value-one'), tag: 'one' },
      { bytes: Buffer.from('value-two'), tag: 'two' }
    ]);
    expect(r.secretsIn('x value-two y')).toEqual(['two']);
    expect(r.secretsIn('nothing')).toEqual([]);
  });
});

describe('PatternMatcher', () => {
  test('finds exactly the occurrences a naive search finds (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.uint8Array({ minLength: 4, maxLength: 6 }).map((a) => Buffer.from(a.map((x) => x % 3))),
          { minLength: 1, maxLength: 5 }
        ),
        fc.uint8Array({ maxLength: 200 }),
        (pats, bytes) => {
          const data = Buffer.from(bytes.map((x) => x % 3));
          const m = new PatternMatcher(pats);
          const got: string[] = [];
          m.forEachMatch(data, 0, data.length, (s, k) => got.push(`${s}:${k}`));
          const want: string[] = [];
          for (let i = 0; i < data.length; i++) pats.forEach((p, k) => data.subarray(i, i + p.length).equals(p) && want.push(`${i}:${k}`));
          expect(got).toEqual(want);
        }
      )
    );
  });
  test('mixed pattern lengths over a two-letter alphabet: same as a naive search (property)', () => {
    const bits = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map((a) => Buffer.from(a.map((x) => 97 + (x % 2))));
    fc.assert(
      fc.property(fc.array(bits(4, 24), { minLength: 1, maxLength: 8 }), bits(0, 300), fc.nat(300), fc.nat(300), (pats, data, a, b) => {
        const [from, to] = [Math.min(a, b), Math.max(a, b)];
        const m = new PatternMatcher(pats);
        const got: string[] = [];
        m.forEachMatch(data, from, to, (s, k) => got.push(`${s}:${k}`));
        const want: string[] = [];
        for (let i = from; i < Math.min(to, data.length); i++) pats.forEach((p, k) => data.subarray(i, i + p.length).equals(p) && want.push(`${i}:${k}`));
        expect(got).toEqual(want);
      }),
      { numRuns: 300 }
    );
  });

  test('ShortPatternScanner finds exactly what a naive search finds (property, 4-7 byte patterns over a small alphabet)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.uint8Array({ minLength: 4, maxLength: 7 }).map((a) => Buffer.from(a.map((x) => x % 3))),
          { minLength: 1, maxLength: 40 }
        ),
        fc.uint8Array({ maxLength: 300 }),
        (pats, bytes) => {
          const data = Buffer.from(bytes.map((x) => x % 3));
          const got: string[] = [];
          new ShortPatternScanner(pats).forEachMatch(data, (s, k) => got.push(`${s}:${k}`));
          const want: string[] = [];
          for (let i = 0; i < data.length; i++) pats.forEach((p, k) => data.subarray(i, i + p.length).equals(p) && want.push(`${i}:${k}`));
          expect(got.sort()).toEqual(want.sort());
        }
      )
    );
  });

  test('rejects patterns shorter than 4 bytes', () => {
    expect(() => new PatternMatcher([Buffer.from('abc')])).toThrow(/shorter than 4/);
  });
});
