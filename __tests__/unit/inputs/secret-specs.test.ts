import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { assertUniqueIds, formatSecretsEntry, parseSecretEnvs, parseSecretFiles, parseSecrets } from '../../../src/inputs/secret-specs.js';
import { errorOf } from '../../support/errors.js';
import { MissingSecretsError } from '../../../src/errors.js';

const id = fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}$/);

describe('parseSecrets', () => {
  test('one entry a line, value byte-exact after the first =', () => {
    expect(parseSecrets('a=x=y, "z" \nb.c-d_1= lead and trail \r\n\n  # comment\n')).toEqual([
      { id: 'a', input: 'secrets', entry: 1, value: 'x=y, "z" ' },
      { id: 'b.c-d_1', input: 'secrets', entry: 2, value: ' lead and trail ' }
    ]);
  });

  test('quoted entries span lines, keep trailing newlines and CRs, and unescape ""', () => {
    const [s] = parseSecrets('"key=-----BEGIN-----\r\nabc""def\n-----END-----\n"\n');
    expect(s.value).toBe('-----BEGIN-----\r\nabc"def\n-----END-----\n');
  });

  test('any list of id/value pairs round-trips through the quoted syntax', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(id, fc.string({ unit: 'grapheme', minLength: 1 })), { maxLength: 5 }), (pairs) => {
        const text = pairs.map(([i, v]) => formatSecretsEntry(i, v)).join('\n');
        expect(parseSecrets(text).map((s) => [s.id, s.value])).toEqual(pairs);
      })
    );
  });

  test('any string value round-trips, full unicode and control characters included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1 }), (v) => {
        expect(parseSecrets(formatSecretsEntry('k', v))[0].value).toBe(v);
      })
    );
  });

  test.each([
    ['no = at all', 'just-a-value', /entry 1: expected id=value/],
    ['bad id characters', 'a b=c', /entry 1: the id may only use/],
    ['unterminated quote', 'ok=1234\n"x=abc', /entry 2: quoted entry has no closing/],
    ['text after quote', '"x=abc" tail', /entry 1: text after the closing/],
    [
      'second line of an unquoted PEM',
      'key=-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu',
      /entry 2: expected id=value/
    ]
  ])('rejects %s, naming input and entry, never the text', (_name, text, msg) => {
    const e = errorOf(() => parseSecrets(text));
    expect(e.message).toMatch(/^input "secrets", /);
    expect(e.message).toMatch(msg);
    for (const piece of text.split(/[\n=]/).filter((p) => p.length > 3)) expect(e.message).not.toContain(piece);
  });

  test('no error message ever contains an entry value (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4 }), fc.string({ minLength: 4 }), (a, b) => {
        const text = `${a}\n${b}`;
        try {
          parseSecrets(text);
        } catch (e) {
          const m = (e as Error).message.replace(/^input "secrets", entry \d+: /, '');
          for (const v of [a, b].map((s) => s.trim()).filter((s) => s.length >= 4)) {
            if (!m.includes(v)) continue;
            // Only allowed where the value is itself a word of the fixed message.
            expect(FIXED_MESSAGES.some((f) => f.includes(v))).toBe(true);
          }
        }
      })
    );
  });
});

const FIXED_MESSAGES = [
  'expected id=value (a value with newlines must be a quoted entry, or come from secret-envs)',
  'the id may only use letters, digits and "_", ".", "-", "/", ":", "@", "+"',
  'quoted entry has no closing double quote',
  'text after the closing double quote (write "" for a literal quote)'
];

describe('secret-envs and secret-files', () => {
  test('secret-envs takes lines and commas', () => {
    expect(parseSecretEnvs('a=ONE, b = TWO\nc=_3').map((s) => [s.id, s.variable, s.entry])).toEqual([
      ['a', 'ONE', 1],
      ['b', 'TWO', 2],
      ['c', '_3', 3]
    ]);
  });
  test('secret-envs rejects invalid variable names', () => {
    expect(errorOf(() => parseSecretEnvs('a=ONE\nb=A=B')).message).toBe('input "secret-envs", entry 2: not a valid environment variable name');
  });
  test('secret-files keeps commas in paths', () => {
    expect(parseSecretFiles('k=./a,b/c.pem').map((s) => s.path)).toEqual(['./a,b/c.pem']);
  });
  test('ids are unique across the three inputs', () => {
    const specs = [...parseSecrets('x=1234'), ...parseSecretEnvs('y=A'), ...parseSecretFiles('x=/p')];
    expect(errorOf(() => assertUniqueIds(specs)).message).toBe('input "secret-files", entry 1: uses the same id as input "secrets", entry 1');
  });
});

describe('secret-map and secrets-json', () => {
  test('parses an allowlist like secret-envs', async () => {
    const { parseSecretMap } = await import('../../../src/inputs/secret-specs.js');
    expect(parseSecretMap('npm=NPM_TOKEN, gh=GH_PAT').map((s) => [s.id, s.name, s.input])).toEqual([
      ['npm', 'NPM_TOKEN', 'secret-map'],
      ['gh', 'GH_PAT', 'secret-map']
    ]);
    expect(errorOf(() => parseSecretMap('npm=not-a-name')).message).toBe('input "secret-map", entry 1: not a valid secret name');
  });

  test('only mapped names are read; a missing name or bad JSON is an error that quotes nothing', async () => {
    const { resolveSecrets } = await import('../../../src/secrets/values.js');
    const { parseSecretMap } = await import('../../../src/inputs/secret-specs.js');
    const json = JSON.stringify({ NPM_TOKEN: 'npm-value-1234', github_token: 'ghs_secretvalue' });
    const got = resolveSecrets(parseSecretMap('npm=NPM_TOKEN'), { env: {}, secretsJson: json });
    expect(got.map((s) => [s.id, s.value.toString()])).toEqual([['npm', 'npm-value-1234']]);
    // The name is not quoted: a name field may hold a pasted secret.
    expect(() => resolveSecrets(parseSecretMap('x=MISSING'), { env: {}, secretsJson: json })).toThrow(
      new MissingSecretsError([{ id: 'x', where: 'input "secret-map", entry 1, not in secrets-json' }])
    );
    const bad = errorOf(() => resolveSecrets(parseSecretMap('x=A'), { env: {}, secretsJson: '{"A": "value-1234"' }));
    expect(bad.message).toBe('input "secrets-json": is not a JSON object: pass ${{ toJSON(secrets) }}');
    expect(() => resolveSecrets(parseSecretMap('x=toString'), { env: {}, secretsJson: '{}' })).toThrow(MissingSecretsError);
  });
});
