import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { Redactor } from '../../../src/detection/redactor.js';
import { base64Core, maskVariants, RUNNER_EXTRA_LINES, runnerMasks, secretForms } from '../../../src/detection/variants.js';

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
});

describe('secretForms', () => {
  test('a config file: its secret-looking words are the sources, its public text (URL, key names) is not', () => {
    const token = 'npm_AbCd1234EfGh5678IjKl';
    const f = secretForms(Buffer.from(`//registry.npmjs.org/:_authToken=${token}\nalways-auth=true\n`));
    const src = f.sources.map((s) => s.bytes.toString('latin1'));
    expect(src).toContain(token);
    expect(src).toContain(base64Core(Buffer.from(token), 1));
    expect(src.some((x) => x.includes('registry'))).toBe(false);
    expect(f.exact).toEqual([]);
  });

  test('a passphrase of ordinary words has no fragment sources: it is matched whole, with its encodings', () => {
    const f = secretForms(Buffer.from('correct horse battery staple'));
    expect(f.sources).toEqual([]);
    expect(f.exact.map((b) => b.bytes.toString())).toEqual(expect.arrayContaining(['correct horse battery staple', 'correct+horse+battery+staple']));
  });

  test('a short value is matched exactly, with its encodings', () => {
    const f = secretForms(Buffer.from('hunter2#'));
    expect(f.sources).toEqual([]);
    expect(f.exact.map((b) => b.bytes.toString())).toEqual(expect.arrayContaining(['hunter2#', Buffer.from('hunter2#').toString('hex'), 'hunter2%23']));
  });
});

describe('runnerMasks: only what the runner cannot derive', () => {
  test('a one-line value: the value, its unpadded base64 at each alignment, base64url, hex and the first line of wrapped base64; not what the runner derives', () => {
    const value = Buffer.from('tok_' + 'x'.repeat(81) + '+/?'); // 88 bytes: padded base64 differs from the unpadded core
    const masks = runnerMasks(value);
    expect(masks).toContain(value.toString());
    for (const shift of [0, 1, 2]) expect(masks).toContain(base64Core(value, shift));
    expect(masks).toContain(value.toString('hex'));
    expect(masks).toContain(base64Core(value, 0).slice(0, 76));
    // The runner's own encoders: padded base64, JSON, URI.
    expect(masks).not.toContain(value.toString('base64'));
    expect(masks).not.toContain(encodeURIComponent(value.toString()));
  });

  test('a multi-line value: each line on its own (a command is one line; the runner would mask even a lone brace), never a line break', () => {
    const masks = runnerMasks(Buffer.from('{\n  "private_key": "abcdefgh"\n}\n'));
    expect(masks).toContain('  "private_key": "abcdefgh"');
    expect(masks.some((m) => /[\r\n]/.test(m))).toBe(false);
    expect(masks).not.toContain('{');
    expect(masks).not.toContain('}');
  });

  test('a bare CR ends a line too, so a value with one gets masks', () => {
    expect(runnerMasks(Buffer.from('first-part\rsecond-part'))).toEqual(expect.arrayContaining(['first-part', 'second-part']));
  });

  test('a certificate bundle registers its lines only, so later log lines do not pay for thousands of encodings', () => {
    const bundle = Buffer.from(Array.from({ length: RUNNER_EXTRA_LINES + 1 }, (_, k) => `line-${k}-${'q'.repeat(40)}`).join('\n'));
    expect(runnerMasks(bundle)).toHaveLength(RUNNER_EXTRA_LINES + 1);
  });

  test('a value that is not UTF-8 is registered by its text encodings', () => {
    const masks = runnerMasks(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x81]));
    expect(masks).toContain('fffe00018081');
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

describe('PEM blocks in the fragment search', () => {
  const key = [
    '-----BEGIN OPENSSH PRIVATE KEY-----',
    'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
    'QyNTUxOQAAACBhbm90aGVyLWtleS1zYW1lLWhlYWRlci1wdWJsaWMtcGFydC0tAAAAmPrv',
    'c2VjcmV0LXNlZWQtYnl0ZXMtdGhhdC1tYXR0ZXItMDEyMzQ1Njc4OWFiY2RlZg==',
    '-----END OPENSSH PRIVATE KEY-----',
    ''
  ].join('\n');

  test('armor lines and the first body lines (format header, public key) are no fragment sources: ssh-add and host keys hold them', () => {
    const r = Redactor.forSecrets([{ id: 'key', value: Buffer.from(key) }]);
    expect(r.secretsIn('binary ... -----BEGIN OPENSSH PRIVATE KEY-----\n ...')).toEqual([]);
    expect(r.secretsIn('/etc/ssh/ssh_host_ed25519_key: b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW')).toEqual([]);
    expect(r.secretsIn('leak: c2VjcmV0LXNlZWQtYnl0ZXMtdGhhdC1t')).toEqual(['key']);
    expect(r.secretsIn(Buffer.from(key).toString('base64'))).toEqual(['key']);
  });
});
