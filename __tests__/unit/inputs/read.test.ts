/** readInputs / readBuildInputs / readSecretSpecs over a mocked @actions/core, under both getInput whitespace styles. */
import { beforeEach, describe, expect, jest, test } from '@jest/globals';
import { BUILD_INPUT_NAMES, INPUTS, type BuildInputName, type InputKind } from '../../../src/inputs/table.js';
import { coreFixture, type GetInputStyle } from '../../support/core-fixture.js';
import { errorOf } from '../../support/errors.js';

const core = coreFixture();
jest.unstable_mockModule('@actions/core', () => core.module);
const { takeSecretsJson, readBuildInputs, readInputs, readSecretSpecs } = await import('../../../src/inputs/read.js');

const STYLES: GetInputStyle[] = ['local-action', 'runner'];

// The runner's environment: a blank context is the repository as a Git context.
Object.assign(process.env, { GITHUB_SERVER_URL: 'https://github.example', GITHUB_REPOSITORY: 'acme/app', GITHUB_SHA: 'b'.repeat(40) });
const GIT_CONTEXT = `https://github.example/acme/app.git#${'b'.repeat(40)}`;

function given(inputs: Record<string, string>): void {
  for (const [k, v] of Object.entries(inputs)) core.inputs.set(k, v);
}

/** A sample text for an input of this kind, and the value it must read as. */
function sample(kind: InputKind, name = ''): { text: string; value: string | string[] | boolean } {
  // call has a grammar of its own (src/inputs/call.ts).
  if (name === 'call') return { text: ' check \n', value: 'check' };
  switch (kind.type) {
    case 'bool':
      return { text: ' TRUE \n', value: true };
    case 'string':
      return { text: '  some value \n', value: 'some value' };
    case 'lines':
      return { text: '  --a  \n\n--b=c d\n', value: ['--a', '--b=c d'] };
    case 'list':
      if (kind.quote === false) return { text: ' type=x,"n=a,b"\n', value: ['type=x,"n=a,b"'] };
      if (kind.ignoreComma) return { text: 'k=1,2\n"l=3\n4"\n', value: ['k=1,2', 'l=3\n4'] };
      return { text: ' a , b\n"c,d"\n', value: ['a', 'b', 'c', 'd'] };
    case 'enum':
      return { text: ` ${kind.values[0]} `, value: kind.values[0] };
    case 'secret':
      throw new Error('secret inputs are not build inputs');
    default: {
      const never: never = kind;
      throw new Error(`no sample for ${JSON.stringify(never)}`);
    }
  }
}

/** What a build input reads as when the workflow leaves it blank. */
function blank(name: BuildInputName): string | string[] | boolean {
  const def = INPUTS[name] as { kind: InputKind; default?: string };
  const kind = def.kind.type;
  if (kind === 'bool') return def.default === 'true';
  if (kind === 'list' || kind === 'lines') return [];
  if (name === 'context') return GIT_CONTEXT;
  return def.default ?? '';
}

describe.each(STYLES)('with getInput in %s style', (style) => {
  beforeEach(() => core.reset(style));

  describe('table defaults', () => {
    test('context is the Git context when blank, leak-check "error", booleans false', () => {
      given({ context: '  \n' });
      const i = readInputs();
      expect(i.build.context).toBe(GIT_CONTEXT);
      expect(i.leakCheck).toBe('error');
      expect(i.allowDiskFallback).toBe(false);
      expect(i.allowMissingOptionalSecrets).toBe(false);
      expect(i.tmpfsDir).toBe('');
      expect(i.secrets).toEqual([]);
    });

    test('every build input left blank reads as its default, derived from the table', () => {
      expect(readBuildInputs()).toEqual(Object.fromEntries(BUILD_INPUT_NAMES.map((n) => [n, blank(n)])));
    });

    test("a blank provenance stays blank; build-push-action's default is kept aside for the builder test", () => {
      // A public repository, no run id in this environment.
      expect(readInputs()).toMatchObject({ build: { provenance: '' }, provenanceDefault: 'mode=max' });
      given({ attests: 'type=provenance,mode=min' });
      expect(readInputs().provenanceDefault).toBe('');
      given({ outputs: 'name=app,type=docker' });
      expect(readInputs().provenanceDefault).toBe('');
    });

    test('every getInput call asks for the untrimmed text', () => {
      readInputs();
      expect(core.inputCalls.length).toBeGreaterThan(0);
      for (const c of core.inputCalls) expect(c.options).toEqual({ trimWhitespace: false });
    });
  });

  describe('booleans and enums', () => {
    test.each([
      ['true', true],
      ['false', false],
      ['TRUE', true],
      [' False \n', false],
      ['', false]
    ])('allow-disk-fallback %j reads as %s', (text, value) => {
      given({ 'allow-disk-fallback': text });
      expect(readInputs().allowDiskFallback).toBe(value);
    });

    test.each(['yes', '1', 'on', 'tru e'])('a bad boolean %j is an error naming the input', (text) => {
      given({ push: text });
      expect(errorOf(() => readBuildInputs()).message).toBe('input "push": expected true or false');
    });

    test.each(['error', 'warn', 'off', ' warn \n'])('leak-check %j is accepted', (text) => {
      given({ 'leak-check': text });
      expect(readInputs().leakCheck).toBe(text.trim());
    });

    test.each(['fatal', 'ERROR', 'warn,off'])('leak-check %j is an error listing the values', (text) => {
      given({ 'leak-check': text });
      expect(errorOf(() => readInputs()).message).toBe('input "leak-check": expected error, warn or off');
    });
  });

  describe('extra-args', () => {
    test('one argument a line, verbatim but trimmed, blank lines skipped', () => {
      given({ 'extra-args': '--network=host\n\n  --label x=a b  \r\n' });
      expect(readBuildInputs()['extra-args']).toEqual(['--network=host', '--label x=a b']);
    });

    test.each([
      ['--secret', '--no-cache\n--secret\nid=x,src=/f', 2],
      ['--progress', '--pull\n--progress=rawjson', 2],
      ['--secret=', '--secret=id=x,src=/f', 1],
      ['--iidfile', '--a\n--b\n--iidfile\n/x', 3],
      ['--iidfile=', '--iidfile=/x', 1],
      ['--metadata-file', '\n--pull\n\n--metadata-file=/m.json', 2]
    ])('refuses %s, naming the entry number', (_flag, text, entry) => {
      given({ 'extra-args': text });
      const e = errorOf(() => readBuildInputs());
      expect(e.message).toMatch(new RegExp(`^input "extra-args", entry ${entry}: this flag is set by the action`));
      expect(e.message).not.toContain('src=');
    });

    test('flags that only start like a reserved one are allowed', () => {
      given({ 'extra-args': '--secretive\n--iidfiles' });
      expect(readBuildInputs()['extra-args']).toEqual(['--secretive', '--iidfiles']);
    });
  });

  describe('tmpfs-dir', () => {
    test('is trimmed', () => {
      given({ 'tmpfs-dir': ' /dev/shm \n' });
      expect(readInputs().tmpfsDir).toBe('/dev/shm');
    });

    test.each(['/dev/shm/a,b', '/dev/"shm', "/dev/'shm", '/dev/shm\n/x'])('%j is refused', (dir) => {
      given({ 'tmpfs-dir': dir });
      expect(errorOf(() => readInputs()).message).toBe('input "tmpfs-dir": the path may not contain commas, quotes or newlines');
    });
  });

  describe('secret specs', () => {
    test('secrets are read byte-exact: surrounding whitespace of a value is kept', () => {
      given({ secrets: '  tok=  padded value \t\n' });
      expect(readSecretSpecs()).toEqual([{ id: 'tok', input: 'secrets', entry: 1, value: '  padded value \t' }]);
    });

    test('all four secret inputs are read, in order', () => {
      given({ secrets: 'a=value1', 'secret-envs': 'b=ENV_B', 'secret-files': 'c=./c.txt', 'secret-map': 'd=NPM_TOKEN', 'secrets-json': '{}' });
      expect(readSecretSpecs()).toEqual([
        { id: 'a', input: 'secrets', entry: 1, value: 'value1' },
        { id: 'b', input: 'secret-envs', entry: 1, variable: 'ENV_B' },
        { id: 'c', input: 'secret-files', entry: 1, path: './c.txt' },
        { id: 'd', input: 'secret-map', entry: 1, name: 'NPM_TOKEN' }
      ]);
    });

    test('secrets-json without secret-map is refused', () => {
      given({ 'secrets-json': '{"github_token":"ghs_abcdefghijklmnop"}' });
      const e = errorOf(() => readSecretSpecs());
      expect(e.message).toMatch(/^input "secret-map": is required with secrets-json/);
      expect(e.message).not.toContain('ghs_');
    });

    test('secrets-json that is only whitespace needs no secret-map', () => {
      given({ 'secrets-json': ' \n ' });
      expect(readSecretSpecs()).toEqual([]);
    });

    test('an id used twice across inputs is refused with the entry, never the value', () => {
      given({ secrets: 'x=hunter2hunter2', 'secret-envs': 'y=A,x=B' });
      const e = errorOf(() => readSecretSpecs());
      expect(e.message).toBe('input "secret-envs", entry 2: uses the same id as input "secrets", entry 1');
    });

    test('secrets-json is not kept in the inputs; takeSecretsJson returns it raw and drops it from the environment', () => {
      const json = '{"NPM_TOKEN":"npm_abcdefgh"}';
      given({ 'secrets-json': json, 'secret-map': 'npm=NPM_TOKEN' });
      process.env['INPUT_SECRETS-JSON'] = json;
      expect(JSON.stringify(readInputs())).not.toContain('npm_abcdefgh');
      expect(takeSecretsJson()).toBe(json);
      expect(process.env['INPUT_SECRETS-JSON']).toBeUndefined();
    });
  });

  describe('every build input round-trips to the BuildInputs shape (from the table)', () => {
    test.each(BUILD_INPUT_NAMES.map((n) => [n]))('%s', (name) => {
      const { text, value } = sample(INPUTS[name].kind, name);
      given({ [name]: text });
      const b = readBuildInputs();
      expect(b[name]).toEqual(value);
      expect(Object.keys(b).sort()).toEqual([...BUILD_INPUT_NAMES].sort());
    });

    test('all at once', () => {
      const expected: Record<string, unknown> = {};
      for (const n of BUILD_INPUT_NAMES) {
        const { text, value } = sample(INPUTS[n].kind, n);
        given({ [n]: text });
        expected[n] = value;
      }
      expect(readBuildInputs()).toEqual(expected);
    });
  });
});

describe('both getInput styles read identical inputs', () => {
  const cases: Record<string, string>[] = [
    {},
    { context: ' ./app \n', tags: ' a:1 , b:2\n', push: ' true ', 'leak-check': ' warn\n', 'tmpfs-dir': ' /dev/shm ' },
    { secrets: ' a= x \n"b=line1\nline2\n"\n', 'secret-envs': ' c = ENV_C ', 'build-args': '"X=1,2"\n Y=3 ', outputs: ' type=local,dest=out ' },
    Object.fromEntries(BUILD_INPUT_NAMES.map((n) => [n, sample(INPUTS[n].kind, n).text]))
  ];
  test.each(cases)('case %#', (inputs) => {
    const results = STYLES.map((style) => {
      core.reset(style);
      given(inputs);
      return readInputs();
    });
    expect(results[0]).toEqual(results[1]);
  });
});
