/**
 * The vectors a user fed to build-push-action and to this action, with what each does.
 * build-push-action's behaviour is read from its code (not run here): context.ts reads
 * `secrets` with getInputList(ignoreComma, trimWhitespace: false), `secret-envs` with the
 * defaults, `secret-files` with ignoreComma, and no list with the `comment` option;
 * actions-toolkit's Build.parseSecretKvp splits at the first `=` and trims nothing; a bad
 * entry is dropped with a warning. buildx (util/buildflags/secrets.go, export.go) reads
 * `--secret` and `--output` as CSV, an id as any non-empty text.
 */
import { beforeEach, describe, expect, jest, test } from '@jest/globals';
import fc from 'fast-check';
import { coreFixture } from '../../support/core-fixture.js';
import { errorOf } from '../../support/errors.js';

const core = coreFixture('runner');
jest.unstable_mockModule('@actions/core', () => core.module);
const { readInputs } = await import('../../../src/inputs/read.js');
const { parseSecretEnvs, parseSecretFiles, parseSecretMap, parseSecrets } = await import('../../../src/inputs/secret-specs.js');
const { takeUrlToken } = await import('../../../src/inputs/git-context.js');
const { parseOutput } = await import('../../../src/docker/output-spec.js');
const { buildxArgs } = await import('../../../src/docker/buildx-args.js');

type Parser = (text: string) => { id: string; entry: number }[];
const PARSERS: Record<string, Parser> = {
  secrets: parseSecrets,
  'secret-envs': parseSecretEnvs,
  'secret-files': parseSecretFiles,
  'secret-map': parseSecretMap
};
/** What an entry names: the value, variable, path or secret name. */
const ref = (s: object) =>
  (s as Record<string, string>).value ?? (s as Record<string, string>).variable ?? (s as Record<string, string>).path ?? (s as Record<string, string>).name;
const parsed = (input: string, text: string) => PARSERS[input](text).map((s) => [s.id, ref(s)]);

beforeEach(() => core.reset());

describe('secret inputs: the same vectors, build-push-action’s result beside ours', () => {
  test.each<[string, string, string, string[][]]>([
    // [input, text, build-push-action (from its code), ours]
    ['secrets', 'id = value', 'id "id " (buildx --secret id=id ,src=…): no mount named id gets it', [['id', ' value']]],
    [
      'secrets',
      'a=1234\n  b=5678',
      'the second id is "  b": no mount named b gets it',
      [
        ['a', '1234'],
        ['b', '5678']
      ]
    ],
    ['secrets', '# a comment\nid=value', 'the comment is an entry without =, dropped with a warning', [['id', 'value']]],
    ['secret-envs', 'id = MY_ENV', 'env=" MY_ENV": unset, so an empty secret', [['id', 'MY_ENV']]],
    [
      'secret-envs',
      '  id=MY_ENV\n    other=OTHER',
      'the same (each entry is trimmed)',
      [
        ['id', 'MY_ENV'],
        ['other', 'OTHER']
      ]
    ],
    ['secret-envs', '# tokens\nid=MY_ENV\n  # more', 'the comments are entries without =, dropped with a warning', [['id', 'MY_ENV']]],
    ['secret-envs', 'id=MY-TOKEN', 'env=MY-TOKEN, read with os.Getenv', [['id', 'MY-TOKEN']]],
    ['secret-files', 'id = ./key.pem', 'path " ./key.pem" not found: dropped with a warning', [['id', './key.pem']]],
    ['secret-files', '#id=./key.pem\nk=./k.pem', 'a secret with the id "#id"', [['k', './k.pem']]],
    ['secret-files', 'id=./a,b.pem', 'buildx reads src=./a and a field "b.pem": the build fails', [['id', './a,b.pem']]],
    ['secret-files', '"id=./a,b.pem"', 'the same', [['id', './a,b.pem']]],
    ['secrets', 'auth_secret/AWS_KMS_TOKEN=value', 'the same id', [['auth_secret/AWS_KMS_TOKEN', 'value']]],
    ['secret-envs', 'auth_secret/AWS_KMS_TOKEN=KMS', 'the same id', [['auth_secret/AWS_KMS_TOKEN', 'KMS']]],
    ['secret-files', 'auth_secret/KEY=./k.pem', 'the same id', [['auth_secret/KEY', './k.pem']]],
    ['secret-map', 'npm/token=NPM_TOKEN', '(no such input)', [['npm/token', 'NPM_TOKEN']]]
  ])('%s %j (build-push-action: %s)', (input, text, _bpa, ours) => {
    expect(parsed(input, text)).toEqual(ours);
  });

  test.each<[string, string, RegExp]>([
    // Stricter on purpose (README, migration): an id goes unquoted into --secret and into log lines.
    ['secrets', 'a b=value', /^input "secrets", entry 1: the id may only use/],
    ['secret-envs', 'ok=A,a,b=B', /^input "secret-envs", entry 2: expected id=ENV_NAME$/],
    ['secret-files', 'ok=./a\n$x=./b', /^input "secret-files", entry 2: the id may only use/],
    ['secret-map', 'npm=NOT-A-NAME', /^input "secret-map", entry 1: not a valid secret name$/]
  ])('%s %j is refused, naming input and entry', (input, text, message) => {
    expect(errorOf(() => PARSERS[input](text)).message).toMatch(message);
  });

  test('an id may hold any of the allowed characters, in every secret input (property)', () => {
    const id = fc.stringMatching(/^[A-Za-z0-9_./:@+-]{1,24}$/).filter((s) => !s.startsWith('#'));
    fc.assert(
      fc.property(id, (i) => {
        expect(parsed('secrets', `${i}=v`)).toEqual([[i, 'v']]);
        expect(parsed('secret-envs', `${i}=V`)).toEqual([[i, 'V']]);
        expect(parsed('secret-files', `${i}=./f`)).toEqual([[i, './f']]);
        expect(parsed('secret-map', `${i}=V`)).toEqual([[i, 'V']]);
      })
    );
  });

  test('ssh-secrets takes such ids on both sides', () => {
    core.inputs.set('context', '.');
    core.inputs.set('secrets', 'deploy/key=-----BEGIN KEY-----');
    core.inputs.set('ssh-secrets', 'github/ssh=deploy/key');
    expect(readInputs().sshSecrets).toEqual([{ ssh: 'github/ssh', secret: 'deploy/key' }]);
  });
});

describe('outputs without type=, as buildx reads them', () => {
  test.each<[string, string, [string, string][]]>([
    ['./out', 'local', [['dest', './out']]],
    ['out=dir', 'local', [['dest', 'out=dir']]],
    // buildx's test is case-sensitive: `TYPE=docker` alone is a directory named so.
    ['TYPE=docker', 'local', [['dest', 'TYPE=docker']]],
    ['-', 'tar', [['dest', '-']]],
    ['type=docker', 'docker', []],
    ['TYPE=local,dest=x', 'local', [['dest', 'x']]]
  ])('%j', (spec, type, attrs) => {
    const o = parseOutput(spec, 1);
    expect([o.type, [...o.attrs]]).toEqual([type, attrs]);
  });
});

describe('cache-from type=gha that buildx ignores (build/opt.go isActive), for the summary', () => {
  test.each<[string, string[], NodeJS.ProcessEnv, number[]]>([
    ['no token, no URL', ['type=gha', 'type=registry,ref=r/c'], {}, [1]],
    ['the runner gives both', ['type=gha,scope=x'], { ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_RESULTS_URL: 'https://r' }, []],
    ['a token but no URL', ['type=gha'], { ACTIONS_RUNTIME_TOKEN: 't' }, [1]],
    ['both as attributes', ['type=gha,token=t,url=https://c'], {}, []],
    ['v2: url_v2 from ACTIONS_RESULTS_URL', ['type=gha,version=2'], { ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_RESULTS_URL: 'https://r' }, []],
    ['an empty token attribute wins over the environment', ['type=gha,token='], { ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_CACHE_URL: 'https://c' }, [1]],
    ['a bare ref is a registry cache', ['user/app:cache'], {}, []]
  ])('%s', async (_name, specs, env, want) => {
    const { inactiveGhaImports } = await import('../../../src/docker/output-spec.js');
    expect(inactiveGhaImports(specs, env)).toEqual(want);
  });
});

describe('a token in a Git context URL (build-push-action’s README: https://<token>@github.com/…)', () => {
  const TOKEN = 'ghp_0123456789abcdefABCDEF0123456789abcd';

  test.each<[string, string, string | undefined, string | undefined]>([
    ['a token as the user', `https://${TOKEN}@github.com/acme/app.git#main`, 'https://github.com/acme/app.git#main', TOKEN],
    ['user:password', `https://x-access-token:${TOKEN}@github.com/acme/app.git`, 'https://github.com/acme/app.git', TOKEN],
    ['percent-encoded', `https://u:${encodeURIComponent('p@ss/wd:1')}@git.example:8443/a.git#v1:sub`, 'https://git.example:8443/a.git#v1:sub', 'p@ss/wd:1'],
    ['a build-contexts entry', `lib=https://${TOKEN}@github.com/acme/lib.git`, 'lib=https://github.com/acme/lib.git', TOKEN],
    ['no user info', 'https://github.com/acme/app.git#main', 'https://github.com/acme/app.git#main', undefined],
    ['an @ only in the fragment', 'https://github.com/acme/app.git#refs/tags/a@b', 'https://github.com/acme/app.git#refs/tags/a@b', undefined],
    ['scp style (an SSH user, not a token)', 'git@github.com:acme/app.git', 'git@github.com:acme/app.git', undefined],
    ['a local path', './dir@x', './dir@x', undefined]
  ])('%s', (_name, url, text, token) => {
    const got = takeUrlToken(url, 'context', 1);
    expect(got.text).toBe(text);
    expect(got.token?.value).toBe(token);
    if (token) expect(got.token!.id).toBe(`GIT_AUTH_TOKEN.${new URL(text!.replace(/^\w+=/, '')).host}`);
  });

  test('readInputs moves it out of the build: buildx gets the URL without it, the token is a secret GIT_AUTH_TOKEN.<host>', () => {
    core.inputs.set('context', `https://${TOKEN}@github.com/acme/app.git#main`);
    core.inputs.set('build-contexts', `lib=https://${TOKEN}@github.com/acme/lib.git`);
    const i = readInputs();
    expect(i.build.context).toBe('https://github.com/acme/app.git#main');
    expect(i.urlTokens).toEqual([{ id: 'GIT_AUTH_TOKEN.github.com', input: 'context', entry: 1, value: TOKEN }]);
    const argv = buildxArgs(i.build, [], { iidFile: '/w/iid', metadataFile: '/w/m.json' });
    expect(argv.join(' ')).not.toContain(TOKEN);
    expect(argv.at(-1)).toBe('https://github.com/acme/app.git#main');
  });

  test.each<[string, Record<string, string>, RegExp]>([
    [
      'two tokens for one host',
      { 'build-contexts': `a=https://${TOKEN}@github.com/a.git\nb=https://other-token-1234@github.com/b.git` },
      /^input "build-contexts", entry 1: the URL's token differs/
    ],
    [
      'a secret input with the same id',
      { secrets: 'GIT_AUTH_TOKEN.github.com=another-1234', 'build-contexts': `a=https://${TOKEN}@github.com/a.git` },
      /^input "build-contexts", entry 1: the URL holds a token, and input "secrets", entry 1/
    ],
    ['a token too short to mask', { context: 'https://abc@github.com/a.git' }, /^input "context": the token in the URL is too short/]
  ])('%s is refused without quoting the token', (_name, inputs, message) => {
    core.inputs.set('context', '.');
    for (const [k, v] of Object.entries(inputs)) core.inputs.set(k, v);
    const e = errorOf(() => readInputs());
    expect(e.message).toMatch(message);
    for (const t of [TOKEN, 'other-token-1234', 'abc@']) expect(e.message).not.toContain(t);
  });
});
