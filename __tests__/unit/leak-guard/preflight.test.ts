import { describe, expect, test } from '@jest/globals';
import { preflight, looksLikeCredential, type PreflightInput } from '../../../src/leak-guard/preflight/index.js';
import { parseDockerignore } from '../../../src/leak-guard/dockerignore.js';
import { Redactor } from '../../../src/detection/redactor.js';

const base: Omit<PreflightInput, 'dockerfile'> = {
  providedIds: ['tok', 'npmrc'],
  contextSecretFiles: [],
  allowMissingOptional: false,
  redactor: Redactor.exact([{ bytes: Buffer.from('the-token-value'), tag: 'tok' }])
};
const run = (dockerfile: string, over: Partial<PreflightInput> = {}) =>
  preflight({ ...base, dockerfile, ...over }).map((f) => `${f.severity}@${f.line ?? '-'}: ${f.message}`);

describe('preflight: mounts against provided ids', () => {
  test('ids referenced across continuation lines, heredocs and stages; default id from target', () => {
    const df = [
      'FROM base AS one',
      'RUN --mount=type=secret,id=tok,required=true \\',
      '    cat /run/secrets/tok >/dev/null',
      'FROM base',
      'RUN --mount=type=secret,target=/root/npmrc <<EOF',
      'test -s /root/npmrc',
      'EOF'
    ].join('\n');
    expect(run(df)).toEqual([]);
  });
  test('a required mount that was not given is an error with its line', () => {
    expect(run('FROM b\nRUN --mount=type=secret,id=missing,required true')).toEqual([
      'error@2: the Dockerfile mounts secret "missing" but the action was not given it (given: tok, npmrc).',
      'warning@-: secret "tok" is given but no RUN --mount=type=secret uses it: drop it (least privilege)',
      'warning@-: secret "npmrc" is given but no RUN --mount=type=secret uses it: drop it (least privilege)'
    ]);
  });
  test('an optional mount not given: error unless opted in', () => {
    const df = 'FROM b\nRUN --mount=type=secret,id=tok --mount=type=secret,id=npmrc --mount=type=secret,id=opt true';
    expect(run(df)[0]).toMatch(/^error@2: .*"opt".*allow-missing-optional-secrets/);
    expect(run(df, { allowMissingOptional: true })).toEqual([]);
  });
});

describe('preflight: leaks in the Dockerfile', () => {
  test('the value of a secret written in the Dockerfile', () => {
    expect(run('FROM b\nENV X=the-token-value\nRUN --mount=type=secret,id=tok --mount=type=secret,id=npmrc true')).toEqual([
      'error@2: the Dockerfile contains the value of secret "tok": it would be stored in the image or its history; mount it with RUN --mount=type=secret,id=tok'
    ]);
  });
  test.each([
    ['ARG GITHUB_TOKEN', true],
    ['ENV NPM_AUTH=x', true],
    ['ARG apiKey', true],
    ['ENV DB_PASSWORD=x', true],
    ['ARG PUBLIC_URL', false],
    ['ENV KEYBOARD=us', false]
  ])('%s looks like a credential: %s', (line, flagged) => {
    expect(run(`FROM b\n${line}\nRUN --mount=type=secret,id=tok --mount=type=secret,id=npmrc true`).some((f) => f.startsWith('warning@2'))).toBe(flagged);
  });
  test('credential words by name parts', () => {
    expect(['AWS_SECRET_ACCESS_KEY', 'privateKey', 'TOKEN'].every(looksLikeCredential)).toBe(true);
    expect(['MONKEY', 'AUTHOR', 'TOKENIZER_MODEL'].some(looksLikeCredential)).toBe(false);
  });
  test.each([
    ['cat /run/secrets/tok > /app/token', true],
    ['cat /run/secrets/tok >> /etc/conf', true],
    ['cp /run/secrets/tok /app/', true],
    ['cat /run/secrets/tok | tee /x', true],
    ['cat /run/secrets/tok | base64 > /b64', true],
    ['export T=$(cat /run/secrets/tok) && npm ci', false],
    ['cat /run/secrets/tok > /dev/null', false],
    ['npm ci 2>&1 && cat /run/secrets/tok | wc -c', false]
  ])('RUN %s writes the secret: %s', (cmd, flagged) => {
    const out = run(`FROM b\nRUN --mount=type=secret,id=tok --mount=type=secret,id=npmrc ${cmd}`);
    expect(out.some((f) => /writes the mounted secret "tok"/.test(f))).toBe(flagged);
  });
  test('secret files in the context: sent with it unless ignored, and COPY of them', () => {
    const df = 'FROM b\nCOPY . /app\nCOPY --from=x /k /k\nRUN --mount=type=secret,id=tok --mount=type=secret,id=npmrc true';
    expect(run(df, { contextSecretFiles: [{ id: 'npmrc', relPath: 'keys/npmrc', ignored: false }] })).toEqual([
      'warning@-: secret file of "npmrc" (keys/npmrc) is inside the build context and not excluded by .dockerignore: it is sent to the builder with the context',
      'warning@2: COPY copies the secret file of "npmrc" (keys/npmrc) into the image'
    ]);
    expect(run(df, { contextSecretFiles: [{ id: 'npmrc', relPath: 'keys/npmrc', ignored: true }] })).toEqual([]);
  });
});

describe('dockerignore', () => {
  const rules = parseDockerignore('# comment\nkeys/\n*.pem\n**/secret.txt\n!keys/public.pem\n/abs\n');
  test.each([
    ['keys/npmrc', true],
    ['keys/public.pem', false],
    ['a.pem', true],
    ['sub/a.pem', false],
    ['deep/er/secret.txt', true],
    ['secret.txt', true],
    ['abs/x', true],
    ['src/main.ts', false]
  ])('%s ignored: %s', (p, want) => expect(rules(p)).toBe(want));
});

describe('preflight: RUN --mount=type=ssh against the ssh ids given', () => {
  const ssh = (dockerfile: string, providedSshIds: string[]) => run(dockerfile, { providedSshIds });
  test.each<[string, string, string[], RegExp[]]>([
    ['the default id, given', 'FROM a\nRUN --mount=type=ssh git clone x', ['default'], []],
    ['a named id, given through ssh-secrets', 'FROM a\nRUN --mount=Type=SSH,id=deploy git clone x', ['deploy'], []],
    [
      'a required id not given: error on its line',
      'FROM a\nRUN --mount=type=ssh,id=deploy,required=true git clone x',
      [],
      [/^error@2: RUN --mount=type=ssh uses ssh id "deploy" but the build is given no such key/]
    ],
    ['an optional id not given: warning', 'FROM a\nRUN --mount=type=ssh git clone x', [], [/^warning@2: RUN --mount=type=ssh uses ssh id "default"/]],
    ['an id given but never mounted: warning', 'FROM a\nRUN true', ['default'], [/^warning@-: ssh id "default" is given but no RUN --mount=type=ssh uses it/]]
  ])('%s', (_name, dockerfile, given, expected) => {
    const found = ssh(dockerfile, given).filter((f) => /ssh/.test(f));
    expect(found).toHaveLength(expected.length);
    expected.forEach((re, k) => expect(found[k]).toMatch(re));
  });
});
