import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { base64Core, maskVariants, textVariants } from '../../../src/secrets/variants.js';

const has = (variants: Buffer[], s: string | Buffer) => variants.some((v) => v.equals(Buffer.isBuffer(s) ? s : Buffer.from(s)));

describe('maskVariants', () => {
  test('covers the value, its lines and their encodings', () => {
    const v = Buffer.from('line-one/x\r\nline two+\n');
    const vs = maskVariants(v);
    for (const s of ['line-one/x\r\nline two+\n', 'line-one/x\r\nline two+', 'line-one/x', 'line two+']) expect(has(vs, s)).toBe(true);
    expect(has(vs, Buffer.from('line two+').toString('hex'))).toBe(true);
    expect(has(vs, encodeURIComponent('line-one/x'))).toBe(true);
    expect(has(vs, JSON.stringify('line-one/x\r\nline two+').slice(1, -1))).toBe(true);
    const b64 = Buffer.from('line-one/x').toString('base64');
    expect(vs.some((x) => b64.includes(x.toString()))).toBe(true);
  });

  test('short lines are not variants (they would mask unrelated text)', () => {
    expect(has(maskVariants(Buffer.from('{\n"k": "long enough"\n}\n')), '}')).toBe(false);
  });

  test('base64 of any text containing the value contains a variant (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 10 }), fc.uint8Array({ minLength: 4, maxLength: 40 }), fc.uint8Array({ maxLength: 10 }), (pre, val, post) => {
        const value = Buffer.from(val);
        const whole = Buffer.concat([Buffer.from(pre), value, Buffer.from(post)]);
        const b64 = whole.toString('base64');
        const url = whole.toString('base64url');
        const vs = maskVariants(value).map((v) => v.toString('latin1'));
        expect(vs.some((v) => b64.includes(v))).toBe(true);
        expect(vs.some((v) => url.includes(v))).toBe(true);
      })
    );
  });

  test('wrapped base64 of a long value (base64 at 76 columns, PEM at 64) is caught by its first line', () => {
    const value = Buffer.from('x'.repeat(30) + 'long-secret-'.repeat(10));
    const vs = maskVariants(value).map((v) => v.toString());
    for (const width of [76, 64]) {
      const wrapped = value
        .toString('base64')
        .match(new RegExp(`.{1,${width}}`, 'g'))!
        .join('\n');
      expect(wrapped.split('\n').some((line) => vs.some((v) => line.includes(v)))).toBe(true);
    }
  });

  test('base64Core is non-empty for 4 bytes at every shift', () => {
    for (const shift of [0, 1, 2]) expect(base64Core(Buffer.from('abcd'), shift).length).toBeGreaterThan(0);
  });

  test('textVariants keeps one-line text only', () => {
    expect(textVariants([Buffer.from('a\nb'), Buffer.from([0xff, 0xfe, 0, 1]), Buffer.from('okay')])).toEqual(['okay']);
  });
});

describe('PEM armor', () => {
  test('the BEGIN/END lines of a key are not variants on their own (every key and every ssh tool has them); the body lines are', () => {
    const key = Buffer.from('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB\n-----END OPENSSH PRIVATE KEY-----\n');
    const variants = maskVariants(key).map((v) => v.toString('latin1'));
    expect(variants).not.toContain('-----BEGIN OPENSSH PRIVATE KEY-----');
    expect(variants).not.toContain('-----END OPENSSH PRIVATE KEY-----');
    expect(variants).toContain('b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB');
  });
});

describe("Go's JSON escapes", () => {
  test('a value with <, > or & is also found as encoding/json writes it (\\u003c, \\u003e, \\u0026)', () => {
    const variants = maskVariants(Buffer.from('a<b>c&d-secret')).map((v) => v.toString('latin1'));
    expect(variants).toContain('a\\u003cb\\u003ec\\u0026d-secret');
    expect(variants).toContain('a<b>c&d-secret');
  });
});
